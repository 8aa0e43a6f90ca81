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
