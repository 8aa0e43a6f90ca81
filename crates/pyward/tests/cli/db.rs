//! `pyward db`: import, status.

use crate::support::{Pyward, repo_root, stderr};

fn fixtures() -> std::path::PathBuf {
    repo_root().join("crates/pyward-osv/tests/fixtures")
}

#[test]
fn import_then_status_then_audit_with_it() {
    let pyward = Pyward::new();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    let output = pyward
        .cmd()
        .args(["db", "import"])
        .arg(fixtures().join("osv"))
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("advisories"));
    let status = pyward
        .cmd()
        .args(["db", "status", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("advisories:"), "{text}");
}

#[test]
fn status_of_the_built_in_database() {
    let pyward = Pyward::new();
    let output = pyward.cmd().args(["db", "status"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("built-in"), "{text}");
}

#[test]
fn a_missing_database_is_exit_2() {
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--db", "/nonexistent/osv.db"])
        .arg(crate::support::example_app())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
}

#[test]
fn status_counts_malicious_records_and_says_where_they_come_from() {
    let pyward = Pyward::new();
    let builtin = pyward.cmd().args(["db", "status"]).output().unwrap();
    let text = String::from_utf8_lossy(&builtin.stdout);
    assert!(text.contains("malicious:       0"), "{text}");
    assert!(text.contains("`pyward db update`"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    pyward
        .cmd()
        .args(["db", "import"])
        .arg(fixtures().join("osv/mal"))
        .arg("--db")
        .arg(&db)
        .assert()
        .code(0);
    let status = pyward
        .cmd()
        .args(["db", "status", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("malicious-package records"), "{text}");
    assert!(!text.contains("malicious:       0"), "{text}");
}

/// SIGTERM in the middle of a download leaves nothing behind: no partial
/// download, no half-built database.
#[cfg(unix)]
#[test]
fn an_interrupted_update_leaves_no_temporaries() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/all.zip", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut stream = reader.into_inner();
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\nPK\x03\x04 a zip that never ends",
            );
            std::thread::sleep(std::time::Duration::from_secs(30));
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    let pyward = Pyward::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pyward"))
        .envs(pyward.cmd().get_envs().filter_map(|(k, v)| Some((k, v?))))
        .args(["db", "update", "--url", &url, "--db"])
        .arg(&db)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let temporaries = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".pyward-"))
            .count()
    };
    let started = std::time::Instant::now();
    while temporaries() == 0 && started.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(temporaries() > 0, "the download started");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    assert_eq!(temporaries(), 0, "temporaries removed");
    assert!(!db.exists());
}
