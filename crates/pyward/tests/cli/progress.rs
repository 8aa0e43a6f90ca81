//! The progress line on standard error (issue 10): drawn on a terminal
//! only, never with `-q`, never into a pipe, and cleared before the
//! report.

use std::path::Path;
use std::process::Command;

use crate::support::{FakeServer, Pyward, stderr, stdout_json};

/// Files in the test tree: enough that the scan outlasts a few draws.
const FILES: usize = 2000;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for folder in 0..FILES / 100 {
        let folder = dir.path().join(format!("pkg{folder}"));
        std::fs::create_dir(&folder).unwrap();
        for file in 0..100 {
            std::fs::write(
                folder.join(format!("m{file}.py")),
                "import os\n\ndef f(x):\n    return os.path.join(x, 'a')\n",
            )
            .unwrap();
        }
    }
    std::fs::write(dir.path().join("requirements.txt"), "six==1.16.0\n").unwrap();
    dir
}

/// Runs `pyward ARGS` on a pseudo-terminal (util-linux `script`), its
/// standard output to `stdout` when given; returns the exit status and
/// what the terminal received. `None` where `script` is missing.
fn on_terminal(pyward: &Pyward, args: &[&str], stdout: Option<&Path>) -> Option<(i32, String)> {
    let bin = assert_cmd::cargo::cargo_bin("pyward");
    let mut line = std::iter::once(bin.to_str().unwrap())
        .chain(args.iter().copied())
        .map(pyward_model::shell::word)
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(stdout) = stdout {
        line = format!(
            "{line} > {}",
            pyward_model::shell::word(stdout.to_str().unwrap())
        );
    }
    let output = Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", pyward.home.path())
        .env("XDG_CACHE_HOME", pyward.home.path().join("cache"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("PYWARD_PYPI_URL", "http://127.0.0.1:9")
        .output();
    match output {
        Ok(output) => Some((
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("`script` (util-linux) is not installed; progress not tested on a terminal");
            None
        }
        Err(error) => panic!("cannot run `script`: {error}"),
    }
}

#[test]
fn a_terminal_sees_each_scanners_count_and_the_report_is_untouched() {
    let pyward = Pyward::new();
    let tree = tree();
    let root = tree.path().to_str().unwrap();
    let report = tempfile::tempdir().unwrap();
    let json = report.path().join("report.json");
    let Some((status, terminal)) = on_terminal(
        &pyward,
        &["scan", "--offline", "--format", "json", root],
        Some(&json),
    ) else {
        return;
    };
    assert_eq!(status, 0, "{terminal}");
    assert!(terminal.contains("scanning"), "{terminal:?}");
    assert!(terminal.contains(" · code "), "{terminal:?}");
    assert!(terminal.contains(" · secrets "), "{terminal:?}");
    assert!(
        terminal.contains(&format!("/{FILES} files")),
        "a count of the files walked: {terminal:?}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).expect("the report is JSON");
    assert!(report["findings"].is_array());
}

#[test]
fn the_line_is_cleared_before_the_report_on_the_same_terminal() {
    let pyward = Pyward::new();
    let tree = tree();
    let root = tree.path().to_str().unwrap();
    let Some((status, terminal)) = on_terminal(&pyward, &["secrets", root], None) else {
        return;
    };
    assert_eq!(status, 0, "{terminal}");
    let last = terminal.rfind("scanning").expect("the spinner was drawn");
    let after = &terminal[last..];
    let report = after.find("no findings").expect("the report follows");
    // The last draw is erased (`ESC [ 2K`) before the report is printed.
    assert!(after[..report].contains("\x1b[2K"), "{after:?}");
}

#[test]
fn quiet_or_not_a_terminal_draws_nothing() {
    let pyward = Pyward::new();
    let tree = tree();
    let root = tree.path().to_str().unwrap();
    if let Some((status, terminal)) = on_terminal(&pyward, &["secrets", "-q", root], None) {
        assert_eq!(status, 0, "{terminal}");
        assert!(!terminal.contains("scanning"), "{terminal:?}");
    }
    for args in [
        &["secrets"][..],
        &["code"],
        &["deps", "--offline"],
        &["scan", "--offline"],
    ] {
        let command = args[0];
        let output = pyward
            .cmd()
            .args(args)
            .args(["--format", "json", root])
            .output()
            .unwrap();
        let err = stderr(&output);
        assert!(!err.contains("scanning"), "{command}: {err}");
        assert!(!err.contains("files"), "{command}: {err}");
        stdout_json(&output);
    }
}

/// `db update` draws a download bar on a terminal, and none with `-q`.
#[test]
fn the_download_bar_shows_on_a_terminal_and_not_with_quiet() {
    let pyward = Pyward::new();
    let zip = std::fs::read(
        crate::support::repo_root().join("crates/pyward-osv/tests/fixtures/demo-all.zip"),
    )
    .unwrap();
    // Slow enough that the bar is drawn.
    let server = FakeServer::start_slow(
        vec![("/all.zip".to_string(), zip)],
        std::time::Duration::from_millis(40),
    );
    let url = format!("{}/all.zip", server.url);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv.db");
    let db = db.to_str().unwrap();
    let Some((status, terminal)) =
        on_terminal(&pyward, &["db", "update", "--url", &url, "--db", db], None)
    else {
        return;
    };
    assert_eq!(status, 0, "{terminal}");
    assert!(terminal.contains("downloading"), "{terminal:?}");
    let (status, terminal) = on_terminal(
        &pyward,
        &["db", "update", "-q", "--url", &url, "--db", db],
        None,
    )
    .unwrap();
    assert_eq!(status, 0, "{terminal}");
    assert!(!terminal.contains("downloading"), "{terminal:?}");
    assert!(
        terminal.contains("advisories"),
        "the summary still prints: {terminal:?}"
    );
}
