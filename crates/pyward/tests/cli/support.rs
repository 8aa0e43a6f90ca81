//! Running the binary hermetically.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository's root (for `examples/`), which holds the manifest of
/// the `pyward` package.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
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
            .env("NO_COLOR", "1")
            // Nothing reaches the network: license lookups go to a port
            // where nothing listens unless a test serves one.
            .env("PYWARD_PYPI_URL", "http://127.0.0.1:9");
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

/// A web server on 127.0.0.1 answering `GET path` with the body given for
/// that path (404 for anything else), for as long as it lives: stands in
/// for PyPI's JSON API and other indexes.
pub struct FakeServer {
    pub url: String,
}

impl FakeServer {
    pub fn start(routes: Vec<(String, String)>) -> Self {
        let routes = routes
            .into_iter()
            .map(|(path, body)| (path, body.into_bytes()))
            .collect();
        Self::serve(routes, None)
    }

    /// As [`FakeServer::start`], writing each body in 100-byte pieces
    /// `pause` apart: a download slow enough to be watched.
    pub fn start_slow(routes: Vec<(String, Vec<u8>)>, pause: std::time::Duration) -> Self {
        Self::serve(routes, Some(pause))
    }

    fn serve(routes: Vec<(String, Vec<u8>)>, pause: Option<std::time::Duration>) -> Self {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let mut reader = BufReader::new(stream);
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_string();
                let found = routes.iter().find(|(p, _)| *p == path);
                let (status, body) = match found {
                    Some((_, body)) => ("200 OK", body.as_slice()),
                    None => ("404 Not Found", b"{}".as_slice()),
                };
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                match pause {
                    None => {
                        let _ = stream.write_all(body);
                    }
                    Some(pause) => {
                        for piece in body.chunks(100) {
                            if stream.write_all(piece).is_err() {
                                break;
                            }
                            std::thread::sleep(pause);
                        }
                    }
                }
            }
        });
        Self { url }
    }
}
