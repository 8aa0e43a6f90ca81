//! Real pip and uv installing through the gateway from a local upstream of
//! hand-written wheels, and three gateways behind Debian's haproxy. Each
//! test prints why it skips when python3, uv or haproxy is missing.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use pyward_engine::judge::BlockVulnerable;
use pyward_model::Severity;
use support::*;

/// Not a test: the body of a gateway process that `gateway_process` starts.
#[test]
fn child_gateway() {
    run_child_gateway();
}

struct World {
    dir: tempfile::TempDir,
    upstream: std::path::PathBuf,
    db: std::path::PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let upstream = dir.path().join("upstream");
    upstream_index(&upstream, &PACKAGES);
    let db = database(dir.path());
    World { upstream, db, dir }
}

impl World {
    fn target(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join("targets").join(name)
    }
}

#[test]
fn pip_installs_what_is_safe_and_shows_why_it_refuses_the_rest() {
    let venv = match venv() {
        Ok(venv) => venv,
        Err(why) => {
            return skip(
                "pip_installs_what_is_safe_and_shows_why_it_refuses_the_rest",
                &why,
            );
        }
    };
    let w = world();
    // The judge `pyward gateway` builds: the engine's look-alike list.
    let gateway = InProcess::start(
        w.upstream.to_str().unwrap(),
        &w.dir.path().join("cache"),
        real_judge(&w.db, "", None),
    );

    let out = pip_install(venv, &gateway.url(), &w.target("safe"), &["safe-pkg"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        installed_version(&w.target("safe"), "safe_pkg").as_deref(),
        Some("1.0")
    );

    let out = pip_install(venv, &gateway.url(), &w.target("evil"), &["evil-pkg"]);
    assert!(!out.status.success());
    let text = printed(&out);
    assert!(
        text.contains("403 Client Error: blocked by pyward: malicious package (MAL-2024-9934)"),
        "{text}"
    );
    assert!(installed_version(&w.target("evil"), "evil_pkg").is_none());

    let out = pip_install(venv, &gateway.url(), &w.target("typo"), &["reqeusts"]);
    assert!(!out.status.success());
    let text = printed(&out);
    assert!(
        text.contains("403 Client Error: blocked by pyward: 'reqeusts' imitates 'requests'"),
        "{text}"
    );
}

#[test]
fn pip_with_block_vulnerable_resolves_around_vulnerable_versions() {
    let venv = match venv() {
        Ok(venv) => venv,
        Err(why) => {
            return skip(
                "pip_with_block_vulnerable_resolves_around_vulnerable_versions",
                &why,
            );
        }
    };
    let w = world();
    let gateway = InProcess::start(
        w.upstream.to_str().unwrap(),
        &w.dir.path().join("cache"),
        judge(&w.db, Some(BlockVulnerable::AtOrAbove(Severity::Unknown))),
    );
    // Unpinned, below the fix: the resolver picks the safe version.
    let out = pip_install(venv, &gateway.url(), &w.target("open"), &["vulnpkg<3"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        installed_version(&w.target("open"), "vulnpkg").as_deref(),
        Some("2.0")
    );
    // Pinned to the vulnerable one: nothing to install.
    let out = pip_install(venv, &gateway.url(), &w.target("pinned"), &["vulnpkg==1.0"]);
    assert!(!out.status.success());
    let text = printed(&out);
    assert!(
        text.contains("No matching distribution found for vulnpkg==1.0"),
        "{text}"
    );
}

#[test]
fn pip_installs_from_the_cache_when_the_upstream_is_stopped() {
    let venv = match venv() {
        Ok(venv) => venv,
        Err(why) => {
            return skip(
                "pip_installs_from_the_cache_when_the_upstream_is_stopped",
                &why,
            );
        }
    };
    let w = world();
    let (server, addr) = static_server(&w.upstream).expect("python3 serves the upstream");
    let gateway = InProcess::start_with(
        &format!("http://{addr}/"),
        &w.dir.path().join("cache"),
        judge(&w.db, None),
        // Every page request asks the upstream: only the failure path
        // serves the cached copy.
        |options| options.default_max_age = 0,
    );
    let out = pip_install(venv, &gateway.url(), &w.target("first"), &["safe-pkg"]);
    assert!(out.status.success(), "{}", printed(&out));
    drop(server);
    let out = pip_install(venv, &gateway.url(), &w.target("second"), &["safe-pkg"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        installed_version(&w.target("second"), "safe_pkg").as_deref(),
        Some("1.0")
    );
    // What was never cached fails (pip logs the page's 502 only with -v;
    // the cause is in its status line).
    let out = pip_install(venv, &gateway.url(), &w.target("third"), &["needs-safe"]);
    assert!(!out.status.success());
    assert!(
        printed(&out).contains("from versions: none"),
        "{}",
        printed(&out)
    );
    let answer = get(gateway.addr, "/simple/needs-safe/").unwrap();
    assert_eq!(answer.status, 502);
    assert!(
        answer.status_line.contains("upstream unreachable"),
        "{}",
        answer.status_line
    );
}

#[test]
fn concurrent_pip_clients_all_get_answers() {
    let venv = match venv() {
        Ok(venv) => venv.to_path_buf(),
        Err(why) => return skip("concurrent_pip_clients_all_get_answers", &why),
    };
    let w = world();
    let gateway = InProcess::start(
        w.upstream.to_str().unwrap(),
        &w.dir.path().join("cache"),
        judge(&w.db, None),
    );
    let url = gateway.url();
    let installs: Vec<_> = (0..6)
        .map(|i| {
            let (venv, url, target) = (venv.clone(), url.clone(), w.target(&format!("c{i}")));
            std::thread::spawn(move || {
                let package = if i % 2 == 0 { "safe-pkg" } else { "needs-safe" };
                let out = pip_install(&venv, &url, &target, &[package]);
                (out.status.success(), printed(&out))
            })
        })
        .collect();
    for install in installs {
        let (ok, text) = install.join().unwrap();
        assert!(ok, "{text}");
    }
}

#[test]
fn uv_installs_what_is_safe_and_refuses_the_rest() {
    let Some(uv) = uv() else {
        return skip(
            "uv_installs_what_is_safe_and_refuses_the_rest",
            "uv is not installed (pip install uv)",
        );
    };
    let venv = match venv() {
        Ok(venv) => venv,
        Err(why) => return skip("uv_installs_what_is_safe_and_refuses_the_rest", &why),
    };
    let w = world();
    let gateway = InProcess::start(
        w.upstream.to_str().unwrap(),
        &w.dir.path().join("cache"),
        judge(&w.db, Some(BlockVulnerable::AtOrAbove(Severity::Unknown))),
    );
    let out = uv_install(&uv, venv, &gateway.url(), &w.target("safe"), &["safe-pkg"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        installed_version(&w.target("safe"), "safe_pkg").as_deref(),
        Some("1.0")
    );

    for (package, target, reason) in [
        ("evil-pkg", "evil", "malicious package (MAL-2024-9934)"),
        ("reqeusts", "typo", "'reqeusts' imitates 'requests'"),
    ] {
        let out = uv_install(&uv, venv, &gateway.url(), &w.target(target), &[package]);
        assert!(
            !out.status.success(),
            "{package} installed: {}",
            printed(&out)
        );
        // uv shows the reason phrase too.
        let wanted = format!("403 blocked by pyward: {reason}");
        assert!(printed(&out).contains(&wanted), "{}", printed(&out));
    }

    let out = uv_install(&uv, venv, &gateway.url(), &w.target("open"), &["vulnpkg<3"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        installed_version(&w.target("open"), "vulnpkg").as_deref(),
        Some("2.0")
    );
    let out = uv_install(
        &uv,
        venv,
        &gateway.url(),
        &w.target("pinned"),
        &["vulnpkg==1.0"],
    );
    assert!(!out.status.success(), "{}", printed(&out));
}

/// Three gateway processes sharing one cache folder behind haproxy
/// (round-robin): installs go through, the second install of a package is
/// served from the shared cache whichever replica answers (the upstream is
/// stopped by then), and a replica killed mid-run costs no failed install.
#[test]
fn three_replicas_behind_haproxy_share_one_cache() {
    let Some(haproxy) = which("haproxy").or_else(|| {
        ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"]
            .iter()
            .map(std::path::PathBuf::from)
            .find(|p| p.is_file())
    }) else {
        return skip(
            "three_replicas_behind_haproxy_share_one_cache",
            "haproxy is not installed (apt-get install -y haproxy)",
        );
    };
    let venv = match venv() {
        Ok(venv) => venv.to_path_buf(),
        Err(why) => return skip("three_replicas_behind_haproxy_share_one_cache", &why),
    };
    let w = world();
    let (server, upstream) = static_server(&w.upstream).expect("python3 serves the upstream");
    let cache = w.dir.path().join("shared-cache");
    let mut replicas: Vec<Option<Process>> = Vec::new();
    let mut ports = Vec::new();
    for _ in 0..3 {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        replicas.push(Some(gateway_process(
            addr,
            &format!("http://{upstream}/"),
            &cache,
            &w.db,
        )));
        ports.push(port);
    }
    let front = free_port();
    let config = w.dir.path().join("haproxy.cfg");
    let mut text = format!(
        "global\n  maxconn 512\n\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 60s\n  timeout server 60s\n  retries 3\n  option redispatch\n  option http-server-close\n\nfrontend gateways\n  bind 127.0.0.1:{front}\n  default_backend replicas\n\nbackend replicas\n  balance roundrobin\n  option httpchk GET /health\n  default-server inter 200ms fall 1 rise 2\n"
    );
    for (i, port) in ports.iter().enumerate() {
        text.push_str(&format!("  server g{i} 127.0.0.1:{port} check\n"));
    }
    fs_err::write(&config, text).unwrap();
    let balancer = Process(
        Command::new(haproxy)
            .args(["-db", "-f"])
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let front_addr = format!("127.0.0.1:{front}").parse().unwrap();
    wait_healthy(front_addr);
    let url = format!("http://127.0.0.1:{front}/simple/");

    let out = pip_install(&venv, &url, &w.target("first"), &["safe-pkg", "needs-safe"]);
    assert!(out.status.success(), "{}", printed(&out));

    // From here on only the shared cache can answer: the replicas that did
    // not fetch a page read it from the folder.
    drop(server);
    for i in 0..3 {
        let out = pip_install(&venv, &url, &w.target(&format!("again{i}")), &["safe-pkg"]);
        assert!(
            out.status.success(),
            "install {i} from the cache: {}",
            printed(&out)
        );
    }
    let mut answered = 0;
    for port in &ports {
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        let metrics = String::from_utf8(get(addr, "/metrics").unwrap().body).unwrap();
        let served: u64 = metrics
            .lines()
            .filter(|l| {
                l.starts_with("pyward_gateway_requests_total{route=\"page\"")
                    || l.starts_with("pyward_gateway_requests_total{route=\"file\"")
                    || l.starts_with("pyward_gateway_requests_total{route=\"metadata\"")
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        if served > 0 {
            answered += 1;
        }
    }
    assert_eq!(answered, 3, "round-robin reached every replica");

    // A replica killed while installs run.
    let installs: Vec<_> = (0..4)
        .map(|i| {
            let (venv, url, target) = (venv.clone(), url.clone(), w.target(&format!("during{i}")));
            std::thread::spawn(move || {
                let out = pip_install(&venv, &url, &target, &["safe-pkg", "needs-safe"]);
                (out.status.success(), printed(&out))
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    replicas[1] = None;
    for install in installs {
        let (ok, text) = install.join().unwrap();
        assert!(ok, "an install failed after a replica was killed: {text}");
    }
    let out = pip_install(&venv, &url, &w.target("after"), &["safe-pkg"]);
    assert!(out.status.success(), "{}", printed(&out));
    drop(balancer);
}
