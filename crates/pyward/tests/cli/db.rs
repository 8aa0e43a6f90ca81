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
