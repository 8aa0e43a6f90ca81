//! Running the binary hermetically.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository's root (for `examples/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn example_app() -> PathBuf {
    repo_root().join("examples/vulnerable-app")
}

/// `pyward` with a cache folder of its own (so no downloaded database is
/// found and the built-in one answers) and a home that holds nothing.
pub struct Pyward {
    pub home: tempfile::TempDir,
}

impl Pyward {
    pub fn new() -> Self {
        Self {
            home: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("pyward").expect("the pyward binary is built for tests");
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CACHE_HOME", self.home.path().join("cache"))
            .env("NO_COLOR", "1");
        cmd
    }
}

/// Writes `files` (path, contents) under a new temporary folder.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

pub fn stdout_json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
