//! `update` against a real HTTP server on 127.0.0.1: a good archive
//! replaces the database; a bad one, an HTTP error or a dead server leave
//! the old one working.
#![cfg(feature = "fetch")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use pyward_osv::{Database, DbError, FetchOptions, ImportOptions, import, update};

/// Serves each of `responses` (status line, body) to one connection, in
/// order, and returns the base URL.
fn serve(responses: Vec<(&'static str, Vec<u8>)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for (status, body) in responses {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            // Read the request head up to the blank line.
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line == "\r\n" {
                    break;
                }
                line.clear();
            }
            let mut stream = reader.into_inner();
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/zip\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}/PyPI/all.zip")
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(20),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        progress: false,
    }
}

fn old_database(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let dest = dir.join("osv.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv");
    import(&fixtures, &dest, &ImportOptions::default()).unwrap();
    let bytes = std::fs::read(&dest).unwrap();
    (dest, bytes)
}

#[test]
fn a_good_archive_replaces_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let (dest, _) = old_database(dir.path());
    let record = br#"{"id":"GHSA-new","modified":"2025-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"fresh"},"versions":["1.0"]}]}"#;
    let url = serve(vec![("200 OK", zip_of(&[("GHSA-new.json", record)]))]);
    let report = update(&url, &dest, &options()).unwrap();
    assert_eq!(report.meta.advisories, 1);
    let db = Database::open(&dest).unwrap();
    assert_eq!(db.info().source, url);
    assert_eq!(db.package_names().collect::<Vec<_>>(), vec!["fresh"]);
    assert_no_leftovers(dir.path());
}

#[test]
fn failures_leave_the_old_database_working() {
    let dir = tempfile::tempdir().unwrap();
    let (dest, before) = old_database(dir.path());
    let url = serve(vec![
        ("200 OK", b"<html>captive portal</html>".to_vec()),
        ("404 Not Found", b"no such file".to_vec()),
        ("200 OK", zip_of(&[("a.json", br#"{"not":"osv"}"#)])),
    ]);
    let err = update(&url, &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::Zip { .. }), "{err}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
    let err = update(&url, &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::Download(_)), "{err}");
    assert!(err.to_string().contains("404"), "{err}");
    let err = update(&url, &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::NoRecords { .. }), "{err}");
    assert!(!err.to_string().contains('\n'), "one line: {err}");

    // Nobody listening any more.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/all.zip", listener.local_addr().unwrap())
    };
    let err = update(&closed, &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::Download(_)), "{err}");

    assert_eq!(std::fs::read(&dest).unwrap(), before);
    Database::open(&dest).unwrap();
    assert_no_leftovers(dir.path());
}

fn assert_no_leftovers(dir: &Path) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["osv.db"]);
}

/// Accepts every connection and never answers, holding it open.
fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept() {
            held.push(stream);
        }
    });
    format!("http://{addr}/PyPI/all.zip")
}

// See: issue 9 ("`db update` against a server that accepts and says
// nothing waits about 5 minutes").
#[test]
fn a_server_that_accepts_and_says_nothing_times_out_on_the_read_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let (dest, before) = old_database(dir.path());
    let url = silent_server();
    let options = FetchOptions {
        timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        progress: false,
    };
    let started = std::time::Instant::now();
    let err = update(&url, &dest, &options).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(matches!(err, DbError::Download(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("read timeout"), "{message}");
    assert!(message.contains("127.0.0.1"), "{message}");
    assert_eq!(std::fs::read(&dest).unwrap(), before);
    assert_no_leftovers(dir.path());
}

/// A server that sends the head and part of the body, then goes silent.
#[test]
fn a_server_that_stalls_mid_body_times_out_too() {
    let dir = tempfile::tempdir().unwrap();
    let (dest, _) = old_database(dir.path());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        let mut stream = reader.into_inner();
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nPK");
        std::thread::sleep(Duration::from_secs(30));
    });
    let options = FetchOptions {
        timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        progress: false,
    };
    let started = std::time::Instant::now();
    let err = update(&format!("http://{addr}/all.zip"), &dest, &options).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(err.to_string().contains("timeout"), "{err}");
    assert_no_leftovers(dir.path());
}

// See: issue 9 ("`db import --db FILE` overwrites a file that is not a
// database"): the same holds for `update`, checked before downloading.
#[test]
fn update_refuses_to_replace_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("notes.txt");
    std::fs::write(&precious, b"my notes").unwrap();
    let err = update("http://127.0.0.1:9/all.zip", &precious, &options()).unwrap_err();
    assert!(matches!(err, DbError::NotReplaceable { .. }), "{err}");
    assert_eq!(std::fs::read(&precious).unwrap(), b"my notes");
}
