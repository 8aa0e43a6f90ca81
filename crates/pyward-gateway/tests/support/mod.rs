//! What the end-to-end tests share: wheels written by hand, an upstream
//! folder laid out as a PEP 503 index, a vulnerability database of a few
//! records, gateways in this process or in child processes, a raw HTTP
//! client, and the Python tools (skipped, with the reason printed, when
//! missing).

#![allow(dead_code)] // each test binary uses its own part

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pyward_engine::Judge;
use pyward_engine::config::Config;
use pyward_engine::judge::{BlockVulnerable, LookAlike, LookAlikeCheck};
use pyward_model::PackageName;
use sha2::{Digest, Sha256};

/// The look-alike table the tests use (the engine's own list is the
/// supply-chain crate's).
pub struct LookAlikes;

impl LookAlikeCheck for LookAlikes {
    fn check(&self, name: &PackageName) -> Option<LookAlike> {
        (name.as_str() == "reqeusts").then(|| LookAlike {
            similar_to: "requests".into(),
            technique: "swapped letters".into(),
        })
    }
}

/// Base64 (URL-safe, unpadded) as wheels' RECORD files use.
fn record_hash(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let digest = Sha256::digest(data);
    let mut out = String::new();
    for chunk in digest.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A pure-Python wheel of `name` at `version` whose module records its
/// version; `requires` become `Requires-Dist` lines.
pub fn wheel(name: &str, version: &str, requires: &[&str]) -> (String, Vec<u8>, Vec<u8>) {
    let dist = name.replace('-', "_");
    let filename = format!("{dist}-{version}-py3-none-any.whl");
    let info = format!("{dist}-{version}.dist-info");
    let mut metadata = format!(
        "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test package\nLicense-Expression: MIT\n"
    );
    for r in requires {
        metadata.push_str(&format!("Requires-Dist: {r}\n"));
    }
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            format!("{dist}/__init__.py"),
            format!("VERSION = {version:?}\n").into_bytes(),
        ),
        (format!("{info}/METADATA"), metadata.clone().into_bytes()),
        (
            format!("{info}/WHEEL"),
            b"Wheel-Version: 1.0\nGenerator: pyward-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .to_vec(),
        ),
    ];
    let mut record = String::new();
    for (path, data) in &files {
        record.push_str(&format!(
            "{path},sha256={},{}\n",
            record_hash(data),
            data.len()
        ));
    }
    record.push_str(&format!("{info}/RECORD,,\n"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, data) in files
        .iter()
        .cloned()
        .chain([(format!("{info}/RECORD"), record.into_bytes())])
    {
        zip.start_file(path, options).unwrap();
        zip.write_all(&data).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    (filename, bytes, metadata.into_bytes())
}

/// A folder laid out as a PEP 503 index: `root/{project}/index.html`
/// linking each wheel with its sha256 and its PEP 658 metadata file.
pub fn upstream_index(root: &Path, packages: &[(&str, &str)]) {
    let mut by_project: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (name, version) in packages {
        let project = PackageName::new(name).as_str().to_string();
        let dir = root.join(&project);
        fs_err::create_dir_all(&dir).unwrap();
        let (filename, bytes, metadata) = wheel(name, version, &[]);
        fs_err::write(dir.join(&filename), &bytes).unwrap();
        fs_err::write(dir.join(format!("{filename}.metadata")), &metadata).unwrap();
        by_project.entry(project).or_default().push(format!(
            "<a href=\"{filename}#sha256={}\" data-requires-python=\"&gt;=3.7\" data-core-metadata=\"sha256={}\">{filename}</a><br>",
            sha256_hex(&bytes),
            sha256_hex(&metadata)
        ));
    }
    let mut root_index = String::from("<!DOCTYPE html><html><body>\n");
    for (project, links) in &by_project {
        fs_err::write(
            root.join(project).join("index.html"),
            format!(
                "<!DOCTYPE html><html><body>\n{}\n</body></html>\n",
                links.join("\n")
            ),
        )
        .unwrap();
        root_index.push_str(&format!("<a href=\"{project}/\">{project}</a>\n"));
    }
    root_index.push_str("</body></html>\n");
    fs_err::write(root.join("index.html"), root_index).unwrap();
}

/// The packages every test's upstream holds.
pub const PACKAGES: [(&str, &str); 6] = [
    ("safe-pkg", "1.0"),
    ("evil-pkg", "1.0"),
    ("reqeusts", "2.31.0"),
    ("vulnpkg", "1.0"),
    ("vulnpkg", "2.0"),
    ("needs-safe", "0.1"),
];

/// A database that says `evil-pkg` is malware (every version) and
/// `vulnpkg` below 2.0 is vulnerable.
pub fn database(dir: &Path) -> PathBuf {
    let source = dir.join("osv");
    fs_err::create_dir_all(&source).unwrap();
    let records = [
        serde_json::json!({
            "id": "MAL-2024-9934", "modified": "2024-05-01T00:00:00Z",
            "summary": "Malicious code in evil-pkg (PyPI)",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "evil-pkg"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]
        }),
        serde_json::json!({
            "id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "modified": "2024-05-01T00:00:00Z",
            "summary": "Remote code execution in vulnpkg",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "vulnpkg"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}]
        }),
    ];
    for (i, record) in records.iter().enumerate() {
        fs_err::write(source.join(format!("{i}.json")), record.to_string()).unwrap();
    }
    let dest = dir.join("osv.db");
    pyward_osv::import(&source, &dest, &pyward_osv::ImportOptions::default()).unwrap();
    dest
}

pub fn judge(db: &Path, block: Option<BlockVulnerable>) -> Judge {
    Judge::with_checks(
        Config::default(),
        pyward_osv::Database::open(db).unwrap(),
        block,
        Box::new(LookAlikes),
        Box::new(pyward_engine::judge::ConfiguredLicenses::default()),
    )
}

/// A judge as `pyward gateway` builds it: the engine's own look-alike list
/// and the license policy of `config` (TOML).
pub fn real_judge(db: &Path, config: &str, block: Option<BlockVulnerable>) -> Judge {
    let config: Config = toml::from_str(config).unwrap();
    Judge::new(config, pyward_osv::Database::open(db).unwrap(), block).unwrap()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A gateway in this process, on its own runtime thread; stopped when
/// dropped.
pub struct InProcess {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InProcess {
    pub fn start(upstream: &str, cache: &Path, judge: Judge) -> Self {
        Self::start_with(upstream, cache, judge, |_| {})
    }

    pub fn start_with(
        upstream: &str,
        cache: &Path,
        judge: Judge,
        adjust: impl FnOnce(&mut pyward_gateway::GatewayOptions),
    ) -> Self {
        let mut options = pyward_gateway::GatewayOptions::new(
            "127.0.0.1:0".parse().unwrap(),
            upstream,
            cache.to_path_buf(),
        );
        adjust(&mut options);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let gateway = pyward_gateway::Gateway::bind(options, judge).await.unwrap();
                addr_tx.send(gateway.local_addr()).unwrap();
                gateway
                    .serve(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        Self {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/simple/", self.addr)
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A child process that is killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts this test binary again as a gateway process (see the
/// `child_gateway` test), so a replica can really be killed.
pub fn gateway_process(listen: SocketAddr, upstream: &str, cache: &Path, db: &Path) -> Process {
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_gateway",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            "PYWARD_GATEWAY_CHILD",
            format!("{listen}|{upstream}|{}|{}", cache.display(), db.display()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let process = Process(child);
    wait_healthy(listen);
    process
}

/// The body of `child_gateway`: serves until killed.
pub fn run_child_gateway() {
    let Ok(spec) = std::env::var("PYWARD_GATEWAY_CHILD") else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let options = pyward_gateway::GatewayOptions::new(
        parts[0].parse().unwrap(),
        parts[1],
        PathBuf::from(parts[2]),
    );
    pyward_gateway::Gateway::run(options, judge(Path::new(parts[3]), None)).unwrap();
}

pub fn wait_healthy(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if get(addr, "/health").is_ok_and(|r| r.status == 200) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("nothing healthy on {addr}");
}

/// An HTTP answer, as read off the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The whole status line (`HTTP/1.1 403 blocked by pyward: ...`).
    pub status_line: String,
    pub head: String,
    pub body: Vec<u8>,
}

/// `GET path` over a fresh connection.
pub fn get(addr: SocketAddr, path: &str) -> std::io::Result<Answer> {
    get_with(addr, path, &[])
}

pub fn get_with(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status_line = head.lines().next().unwrap_or("").to_string();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Answer {
        status,
        status_line,
        head,
        body: raw[split + 4..].to_vec(),
    })
}

// ---- Python tools ----

/// A virtual environment made once per test binary, or why there is none.
pub fn venv() -> Result<&'static Path, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    VENV.get_or_init(|| {
        let python = which("python3").ok_or("python3 is not installed")?;
        let dir = std::env::temp_dir().join(format!("pyward-gateway-venv-{}", std::process::id()));
        let _ = fs_err::remove_dir_all(&dir);
        let out = Command::new(python)
            .args(["-m", "venv"])
            .arg(&dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "python3 -m venv failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(dir)
    })
    .as_ref()
    .map(PathBuf::as_path)
    .map_err(Clone::clone)
}

pub fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// `uv`, from `$PYWARD_TEST_UV` or the path.
pub fn uv() -> Option<PathBuf> {
    std::env::var_os("PYWARD_TEST_UV")
        .map(PathBuf::from)
        .or_else(|| which("uv"))
}

/// Prints why a test does nothing here, in the test's output; fails it
/// under `PYWARD_REQUIRE_TOOLS=1` (`scripts/test`, CI), which installs
/// every tool first.
pub fn skip(test: &str, why: &str) {
    if std::env::var_os("PYWARD_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!("{test} cannot run: {why} (PYWARD_REQUIRE_TOOLS=1; run scripts/test)");
    }
    eprintln!("skipped {test}: {why}");
}

/// `pip install --target DIR` of `requirements` through `index`.
pub fn pip_install(venv: &Path, index: &str, target: &Path, requirements: &[&str]) -> Output {
    Command::new(venv.join("bin").join("pip"))
        .args([
            "install",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-input",
            "--retries",
            "5",
            "--timeout",
            "15",
            "--index-url",
            index,
            "--target",
        ])
        .arg(target)
        .args(requirements)
        .env_clear()
        .envs(clean_env())
        .env("PIP_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap()
}

/// `uv pip install --target DIR` of `requirements` through `index`.
pub fn uv_install(
    uv: &Path,
    venv: &Path,
    index: &str,
    target: &Path,
    requirements: &[&str],
) -> Output {
    let cache = target.with_extension("uv-cache");
    Command::new(uv)
        .args([
            "pip",
            "install",
            "--no-config",
            "--index-url",
            index,
            "--python",
        ])
        .arg(venv.join("bin").join("python"))
        .arg("--cache-dir")
        .arg(&cache)
        .arg("--target")
        .arg(target)
        .args(requirements)
        .env_clear()
        .envs(clean_env())
        .env("UV_NO_PROGRESS", "1")
        .output()
        .unwrap()
}

/// The environment without what would point pip or uv elsewhere (index
/// and find-links settings, proxies).
fn clean_env() -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    std::env::vars_os()
        .filter(|(k, _)| {
            let k = k.to_string_lossy().to_ascii_uppercase();
            !(k.starts_with("PIP_") || k.starts_with("UV_") || k.ends_with("_PROXY"))
        })
        .collect()
}

/// What a tool printed, both streams.
pub fn printed(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The version an installed test package records.
pub fn installed_version(target: &Path, module: &str) -> Option<String> {
    let text = fs_err::read_to_string(target.join(module).join("__init__.py")).ok()?;
    text.split('"').nth(1).map(str::to_string)
}

/// A plain static HTTP server (Python's) serving `root`: an HTTP upstream
/// that can be stopped.
pub fn static_server(root: &Path) -> Option<(Process, SocketAddr)> {
    let python = which("python3")?;
    let port = free_port();
    let child = Command::new(python)
        .args(["-m", "http.server", "--bind", "127.0.0.1"])
        .arg(port.to_string())
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let process = Process(child);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if get(addr, "/").is_ok() {
            return Some((process, addr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
