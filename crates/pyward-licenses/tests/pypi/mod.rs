//! The PyPI client against a real HTTP server on 127.0.0.1 serving canned
//! answers.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use pyward_licenses::{Category, Origin, PypiClient, PypiOptions, PypiWarning};
use pyward_model::PackageName;

/// Serves canned PyPI answers until dropped; counts the requests it got.
struct FakePypi {
    address: SocketAddr,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accepting: Option<JoinHandle<()>>,
}

impl FakePypi {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let accepting = {
            let (requests, stop) = (requests.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: at most 30 s, whatever happens to the test.
                for _ in 0..3000 {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    match listener.accept() {
                        Ok((stream, _)) => {
                            requests.fetch_add(1, Ordering::SeqCst);
                            std::thread::spawn(move || answer(stream));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        Self {
            address,
            requests,
            stop,
            accepting: Some(accepting),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}/pypi", self.address)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Stops accepting and closes the port.
    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.accepting.take() {
            handle.join().unwrap();
        }
    }
}

impl Drop for FakePypi {
    fn drop(&mut self) {
        self.stop();
    }
}

const GOOD: &str = r#"{"info": {"name": "good", "version": "1.0", "license_expression": "MIT OR Apache-2.0", "license": null, "classifiers": ["Programming Language :: Python"]}, "urls": []}"#;
const CLASSIC: &str = r#"{"info": {"license": "", "classifiers": ["License :: OSI Approved :: GNU General Public License v3 (GPLv3)"]}}"#;

fn answer(stream: TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    let (status, body): (&str, String) = match path.as_str() {
        "/pypi/good/1.0/json" => ("200 OK", GOOD.to_string()),
        "/pypi/classic/2.0/json" => ("200 OK", CLASSIC.to_string()),
        "/pypi/broken/1.0/json" => ("200 OK", "{\"info\": {\"license\": ".to_string()),
        "/pypi/wrong-shape/1.0/json" => ("200 OK", "[1, 2, 3]".to_string()),
        "/pypi/huge/1.0/json" => ("200 OK", "x".repeat(256 * 1024)),
        "/pypi/slow/1.0/json" => {
            std::thread::sleep(Duration::from_millis(1500));
            ("200 OK", GOOD.to_string())
        }
        _ => ("404 Not Found", "Not Found".to_string()),
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn client(base_url: String, cache_dir: Option<&std::path::Path>, offline: bool) -> PypiClient {
    PypiClient::new(PypiOptions {
        base_url,
        cache_dir: cache_dir.map(std::path::Path::to_path_buf),
        offline,
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_millis(300),
        max_response_bytes: 64 * 1024,
    })
}

fn name(text: &str) -> PackageName {
    PackageName::new(text)
}

#[test]
fn good_answers_are_read_and_cached_then_reused_with_the_server_stopped() {
    let cache = tempfile::tempdir().unwrap();
    let mut server = FakePypi::start();
    let pypi = client(server.base_url(), Some(cache.path()), false);

    let first = pypi.license(&name("good"), "1.0");
    assert_eq!(first.warning, None);
    let license = first.license.unwrap();
    assert_eq!(license.expression.as_deref(), Some("MIT OR Apache-2.0"));
    assert_eq!(license.category, Category::Permissive);
    assert_eq!(license.origin, Origin::Pypi);

    let classic = pypi.license(&name("Classic"), "2.0").license.unwrap();
    assert_eq!(classic.expression.as_deref(), Some("GPL-3.0-only"));
    assert_eq!(classic.origin, Origin::Pypi);

    let files: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut files = files;
    files.sort();
    assert_eq!(
        files,
        ["classic@2.0.json", "good@1.0.json"],
        "no temporary files left"
    );

    let asked = server.requests();
    server.stop();
    let again = pypi.license(&name("good"), "1.0");
    assert_eq!(again.warning, None);
    assert_eq!(again.license, Some(license.clone()));
    assert_eq!(server.requests(), asked);

    // Offline: the cache answers, nothing else is asked for.
    let offline = client(server.base_url(), Some(cache.path()), true);
    assert_eq!(offline.license(&name("good"), "1.0").license, Some(license));
    let unknown = offline.license(&name("never-seen"), "1.0");
    assert_eq!((unknown.license, unknown.warning), (None, None));
    assert_eq!(server.requests(), asked);
}

#[test]
fn failures_are_warnings_and_no_license() {
    let server = FakePypi::start();
    let cache = tempfile::tempdir().unwrap();
    let pypi = client(server.base_url(), Some(cache.path()), false);

    let missing = pypi.license(&name("missing"), "1.0");
    assert_eq!(missing.license, None);
    assert!(matches!(
        missing.warning,
        Some(PypiWarning::Status { status: 404, .. })
    ));

    for broken in ["broken", "wrong-shape"] {
        let found = pypi.license(&name(broken), "1.0");
        assert_eq!(found.license, None);
        let warning = found.warning.unwrap();
        assert!(
            matches!(warning, PypiWarning::Malformed { .. }),
            "{warning}"
        );
        assert!(warning.to_string().contains(&format!("`{broken}` 1.0")));
    }

    let huge = pypi.license(&name("huge"), "1.0");
    assert_eq!(huge.license, None);
    assert!(
        matches!(huge.warning, Some(PypiWarning::TooLarge { .. })),
        "{:?}",
        huge.warning
    );

    let slow = pypi.license(&name("slow"), "1.0");
    assert_eq!(slow.license, None);
    assert!(
        matches!(slow.warning, Some(PypiWarning::Timeout { .. })),
        "{:?}",
        slow.warning
    );

    // Nothing failed was cached.
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
}

#[test]
fn an_unreachable_index_is_a_warning() {
    let mut server = FakePypi::start();
    let base_url = server.base_url();
    server.stop();
    let found = client(base_url, None, false).license(&name("good"), "1.0");
    assert_eq!(found.license, None);
    assert!(
        matches!(found.warning, Some(PypiWarning::Network { .. })),
        "{:?}",
        found.warning
    );
}

#[test]
fn a_damaged_cache_entry_is_fetched_again() {
    let server = FakePypi::start();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(cache.path().join("good@1.0.json"), "{half a file").unwrap();
    let found = client(server.base_url(), Some(cache.path()), false).license(&name("good"), "1.0");
    assert!(found.license.is_some());
    assert_eq!(found.warning, None);
    assert_eq!(server.requests(), 1);
}
