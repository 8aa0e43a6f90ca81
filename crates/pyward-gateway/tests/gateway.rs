//! The gateway over HTTP: what clients see on the wire, the cache, faults.
//! `tests/install.rs` drives real pip and uv through it.

mod support;

use std::time::Duration;

use pyward_engine::judge::BlockVulnerable;
use support::*;

/// Not a test: the body of a gateway process that `gateway_process` starts.
#[test]
fn child_gateway() {
    run_child_gateway();
}

struct World {
    _dir: tempfile::TempDir,
    upstream: std::path::PathBuf,
    cache: std::path::PathBuf,
    db: std::path::PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let upstream = dir.path().join("upstream");
    upstream_index(&upstream, &PACKAGES);
    let db = database(dir.path());
    World {
        upstream,
        cache: dir.path().join("cache"),
        db,
        _dir: dir,
    }
}

fn first_link(page: &str) -> String {
    let start = page.find("href=\"").unwrap() + 6;
    let end = page[start..].find('"').unwrap() + start;
    page[start..end]
        .split('#')
        .next()
        .unwrap()
        .replace("../../", "/")
}

#[test]
fn refusals_carry_the_reason_in_the_status_line() {
    let w = world();
    let gateway = InProcess::start(
        w.upstream.to_str().unwrap(),
        &w.cache,
        judge(
            &w.db,
            Some(BlockVulnerable::AtOrAbove(pyward_model::Severity::Unknown)),
        ),
    );
    // The page of a malicious project still lists its files ...
    let page = get(gateway.addr, "/simple/evil-pkg/").unwrap();
    assert_eq!(page.status, 200);
    let body = String::from_utf8(page.body).unwrap();
    assert!(body.contains("evil_pkg-1.0-py3-none-any.whl"), "{body}");
    // ... and each download says why it is refused.
    let file = get(gateway.addr, &first_link(&body)).unwrap();
    assert_eq!(
        file.status_line,
        "HTTP/1.1 403 blocked by pyward: malicious package (MAL-2024-9934)"
    );
    let metadata = get(gateway.addr, &format!("{}.metadata", first_link(&body))).unwrap();
    assert_eq!(metadata.status, 403, "the metadata file too");

    let look_alike = get(
        gateway.addr,
        "/files/reqeusts/reqeusts-2.31.0-py3-none-any.whl",
    )
    .unwrap();
    assert_eq!(
        look_alike.status_line,
        "HTTP/1.1 403 blocked by pyward: 'reqeusts' imitates 'requests'"
    );

    // A vulnerable version is left out of the page, and refused when asked
    // for by name, with its advisory id.
    let page = String::from_utf8(get(gateway.addr, "/simple/vulnpkg/").unwrap().body).unwrap();
    assert!(!page.contains("vulnpkg-1.0-"), "{page}");
    assert!(page.contains("vulnpkg-2.0-"), "{page}");
    let pinned = get(gateway.addr, "/files/vulnpkg/vulnpkg-1.0-py3-none-any.whl").unwrap();
    assert_eq!(
        pinned.status_line,
        "HTTP/1.1 403 blocked by pyward: vulnpkg 1.0 has known vulnerabilities (PYSEC-2099-1)"
    );

    let metrics = String::from_utf8(get(gateway.addr, "/metrics").unwrap().body).unwrap();
    assert!(
        metrics.contains("pyward_gateway_blocks_total{reason=\"malicious\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("pyward_gateway_blocks_total{reason=\"look-alike\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("pyward_gateway_blocks_total{reason=\"vulnerable\"} 1"),
        "{metrics}"
    );
}

#[test]
fn a_license_the_policy_denies_is_refused_from_the_metadata_file() {
    let w = world();
    let gateway = InProcess::start(
        w.upstream.to_str().unwrap(),
        &w.cache,
        real_judge(&w.db, "[licenses]\ndeny = [\"MIT\"]\n", None),
    );
    let file = get(
        gateway.addr,
        "/files/safe-pkg/safe_pkg-1.0-py3-none-any.whl",
    )
    .unwrap();
    assert_eq!(file.status, 403, "{}", file.status_line);
    assert!(
        file.status_line
            .starts_with("HTTP/1.1 403 blocked by pyward: safe-pkg 1.0: ")
            && file.status_line.contains("MIT"),
        "{}",
        file.status_line
    );
}

#[test]
fn without_blocking_vulnerable_versions_are_served() {
    let w = world();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    let page = String::from_utf8(get(gateway.addr, "/simple/vulnpkg/").unwrap().body).unwrap();
    assert!(page.contains("vulnpkg-1.0-"), "{page}");
    let file = get(gateway.addr, "/files/vulnpkg/vulnpkg-1.0-py3-none-any.whl").unwrap();
    assert_eq!(file.status, 200);
}

#[test]
fn pages_come_in_the_form_asked_for_and_files_match_their_hash() {
    let w = world();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    let json = get_with(
        gateway.addr,
        "/simple/safe-pkg/",
        &[("Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01")],
    )
    .unwrap();
    assert!(
        json.head
            .contains("content-type: application/vnd.pypi.simple.v1+json"),
        "{}",
        json.head
    );
    let document: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    let file = &document["files"][0];
    assert_eq!(file["requires-python"], ">=3.7");
    assert!(file["core-metadata"]["sha256"].is_string(), "{document}");
    let sha = file["hashes"]["sha256"].as_str().unwrap().to_string();
    let url = file["url"].as_str().unwrap().replace("../../", "/");
    let download = get(gateway.addr, &url).unwrap();
    assert_eq!(download.status, 200);
    assert_eq!(sha256_hex(&download.body), sha);
    // Served again from the content-addressed cache.
    let cached = w.cache.join("files/sha256").join(&sha[..2]).join(&sha);
    assert!(cached.is_file());
    assert_eq!(sha256_hex(&get(gateway.addr, &url).unwrap().body), sha);

    let html = get_with(
        gateway.addr,
        "/simple/safe-pkg/",
        &[("Accept", "text/html")],
    )
    .unwrap();
    assert!(
        html.head.contains("content-type: text/html"),
        "{}",
        html.head
    );
    assert_eq!(
        get_with(
            gateway.addr,
            "/simple/safe-pkg/",
            &[("Accept", "image/png")]
        )
        .unwrap()
        .status,
        406
    );
    let redirect = get(gateway.addr, "/simple/Safe_Pkg/").unwrap();
    assert_eq!(redirect.status, 301);
    assert!(
        redirect.head.contains("location: /simple/safe-pkg/"),
        "{}",
        redirect.head
    );
    let etag = html
        .head
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .unwrap()
        .to_string();
    let again = get_with(
        gateway.addr,
        "/simple/safe-pkg/",
        &[("Accept", "text/html"), ("If-None-Match", &etag)],
    )
    .unwrap();
    assert_eq!(again.status, 304);
    assert_eq!(
        get(gateway.addr, "/simple/no-such-project/")
            .unwrap()
            .status,
        404
    );
    let health: serde_json::Value =
        serde_json::from_slice(&get(gateway.addr, "/health").unwrap().body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"]["advisories"], 2);
}

#[test]
fn paths_that_try_to_leave_the_cache_or_the_upstream_are_refused() {
    let w = world();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    for path in [
        "/simple/../../etc/passwd",
        "/simple/%2e%2e/",
        "/simple/..%2F..%2Fetc/",
        "/files/safe-pkg/..%2F..%2Fosv.db",
        "/files/safe-pkg/%2e%2e",
        "/files/..%2Fupstream/index.html",
        "/files/safe-pkg/.hidden",
    ] {
        let answer = get(gateway.addr, path).unwrap();
        assert!(
            matches!(answer.status, 400 | 404),
            "{path}: {}",
            answer.status_line
        );
    }
    // A file that exists upstream but is not on the project's page.
    fs_err::write(
        w.upstream.join("safe-pkg/safe_pkg-9.9-py3-none-any.whl"),
        b"x",
    )
    .unwrap();
    assert_eq!(
        get(
            gateway.addr,
            "/files/safe-pkg/safe_pkg-9.9-py3-none-any.whl"
        )
        .unwrap()
        .status,
        404
    );
}

#[test]
fn an_upstream_that_is_down_costs_only_what_is_not_cached() {
    let w = world();
    let Some((server, upstream_addr)) = static_server(&w.upstream) else {
        skip(
            "an_upstream_that_is_down_costs_only_what_is_not_cached",
            "python3 is not installed",
        );
        return;
    };
    let gateway = InProcess::start_with(
        &format!("http://{upstream_addr}/"),
        &w.cache,
        judge(&w.db, None),
        |options| options.default_max_age = 0,
    );
    let page = String::from_utf8(get(gateway.addr, "/simple/safe-pkg/").unwrap().body).unwrap();
    let link = first_link(&page);
    assert_eq!(get(gateway.addr, &link).unwrap().status, 200);
    drop(server);

    // Cached: the page (stale, the upstream cannot confirm it) and the file.
    let page = get(gateway.addr, "/simple/safe-pkg/").unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(get(gateway.addr, &link).unwrap().status, 200);
    // Not cached: 502 with the cause.
    let missing = get(gateway.addr, "/simple/vulnpkg/").unwrap();
    assert_eq!(missing.status, 502);
    assert!(
        missing.status_line.contains("pyward: upstream unreachable"),
        "{}",
        missing.status_line
    );
}

#[test]
fn an_upstream_that_never_answers_times_out_with_a_502() {
    let w = world();
    // Accepts connections, never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let gateway = InProcess::start_with(
        &format!("http://{silent_addr}/"),
        &w.cache,
        judge(&w.db, None),
        |options| {
            options.timeouts.page = Duration::from_secs(1);
            options.timeouts.read = Duration::from_secs(1);
        },
    );
    let started = std::time::Instant::now();
    let answer = get(gateway.addr, "/simple/safe-pkg/").unwrap();
    assert_eq!(answer.status, 502);
    assert!(
        answer.status_line.contains("upstream timed out"),
        "{}",
        answer.status_line
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        get(gateway.addr, "/health").unwrap().status,
        200,
        "still serving"
    );
    drop(silent);
}

#[test]
fn malformed_upstream_pages_are_a_502_and_the_gateway_goes_on() {
    let w = world();
    fs_err::create_dir_all(w.upstream.join("broken")).unwrap();
    fs_err::write(
        w.upstream.join("broken/index.html"),
        "<meta name=\"pypi:repository-version\" content=\"9.0\"><a href=\"x",
    )
    .unwrap();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    let answer = get(gateway.addr, "/simple/broken/").unwrap();
    assert_eq!(answer.status, 502);
    assert!(
        answer.status_line.contains("malformed"),
        "{}",
        answer.status_line
    );
    assert_eq!(get(gateway.addr, "/simple/safe-pkg/").unwrap().status, 200);
}

#[test]
fn a_file_that_differs_from_its_stated_hash_is_cut_short_and_never_cached() {
    let w = world();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    let page = String::from_utf8(get(gateway.addr, "/simple/safe-pkg/").unwrap().body).unwrap();
    let link = first_link(&page);
    let name = link.rsplit('/').next().unwrap();
    let real = fs_err::read(w.upstream.join("safe-pkg").join(name)).unwrap();
    let mut tampered = real.clone();
    tampered[10] ^= 0xff;
    fs_err::write(w.upstream.join("safe-pkg").join(name), &tampered).unwrap();
    let answer = get(gateway.addr, &link);
    // The length was announced; the last chunk never comes.
    assert!(
        answer.as_ref().map_or(true, |a| a.body.len() < real.len()),
        "a tampered file was served whole"
    );
    let sha = sha256_hex(&real);
    assert!(
        !w.cache
            .join("files/sha256")
            .join(&sha[..2])
            .join(&sha)
            .exists()
    );
}

#[test]
fn a_client_that_leaves_mid_download_leaves_nothing_partial() {
    use std::io::{Read, Write};
    let w = world();
    // A large file: the download is still going when the client leaves.
    let (filename, _, metadata) = wheel("big-pkg", "1.0", &[]);
    let big: Vec<u8> = (0..32 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    let dir = w.upstream.join("big-pkg");
    fs_err::create_dir_all(&dir).unwrap();
    fs_err::write(dir.join(&filename), &big).unwrap();
    fs_err::write(dir.join(format!("{filename}.metadata")), &metadata).unwrap();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    let mut stream = std::net::TcpStream::connect(gateway.addr).unwrap();
    write!(
        stream,
        "GET /files/big-pkg/{filename} HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    let mut some = [0u8; 4096];
    stream.read_exact(&mut some).unwrap();
    drop(stream);
    std::thread::sleep(Duration::from_millis(500));
    let sha = sha256_hex(&big);
    let folder = w.cache.join("files/sha256").join(&sha[..2]);
    assert!(
        !folder.join(&sha).exists(),
        "a partial file got a cache name"
    );
    let leftovers = fs_err::read_dir(&folder).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0, "the temporary file is removed");
    // The gateway goes on, and the next whole download is cached.
    let whole = get(gateway.addr, &format!("/files/big-pkg/{filename}")).unwrap();
    assert_eq!(sha256_hex(&whole.body), sha);
    assert!(folder.join(&sha).exists());
}

#[test]
fn many_concurrent_clients_all_get_answers() {
    let w = world();
    let gateway = InProcess::start(w.upstream.to_str().unwrap(), &w.cache, judge(&w.db, None));
    let addr = gateway.addr;
    let threads: Vec<_> = (0..64)
        .map(|i| {
            std::thread::spawn(move || {
                let project = ["safe-pkg", "vulnpkg", "needs-safe", "evil-pkg"][i % 4];
                let page = get(addr, &format!("/simple/{project}/")).unwrap();
                assert_eq!(page.status, 200);
                let link = first_link(&String::from_utf8(page.body).unwrap());
                let file = get(addr, &link).unwrap();
                assert!(matches!(file.status, 200 | 403), "{}", file.status_line);
                file.status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 403).count(), 16);
}

#[test]
fn a_flood_beyond_the_limit_gets_503_not_a_hang() {
    let w = world();
    let Some((server, upstream_addr)) = static_server(&w.upstream) else {
        skip(
            "a_flood_beyond_the_limit_gets_503_not_a_hang",
            "python3 is not installed",
        );
        return;
    };
    let gateway = InProcess::start_with(
        &format!("http://{upstream_addr}/"),
        &w.cache,
        judge(&w.db, None),
        |options| options.max_in_flight = 2,
    );
    let addr = gateway.addr;
    let threads: Vec<_> = (0..40)
        .map(|_| std::thread::spawn(move || get(addr, "/simple/safe-pkg/").unwrap().status))
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 503)),
        "{statuses:?}"
    );
    assert!(statuses.contains(&200));
    drop(server);
}

#[test]
fn a_replaced_database_is_read_again_without_a_restart() {
    let w = world();
    let live = w.db.with_file_name("live.db");
    // At first, a database that knows nothing of evil-pkg.
    let empty = tempfile::tempdir().unwrap();
    let other = empty.path().join("osv");
    fs_err::create_dir_all(&other).unwrap();
    fs_err::write(
        other.join("x.json"),
        serde_json::json!({"id": "PYSEC-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "PyPI", "name": "unrelated"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}).to_string(),
    )
    .unwrap();
    pyward_osv::import(&other, &live, &pyward_osv::ImportOptions::default()).unwrap();
    let gateway = InProcess::start_with(
        w.upstream.to_str().unwrap(),
        &w.cache,
        judge(&live, None),
        |options| {
            options.watch = Some(pyward_gateway::DatabaseWatch {
                path: live.clone(),
                every: Duration::from_millis(100),
            });
        },
    );
    let url = "/files/evil-pkg/evil_pkg-1.0-py3-none-any.whl";
    assert_eq!(get(gateway.addr, url).unwrap().status, 200);
    // `pyward db update` writes a new file and renames it over the old.
    let fresh = live.with_file_name("fresh.db");
    fs_err::copy(&w.db, &fresh).unwrap();
    fs_err::rename(&fresh, &live).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while get(gateway.addr, url).unwrap().status != 403 {
        assert!(
            std::time::Instant::now() < deadline,
            "the new database was never read"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let health: serde_json::Value =
        serde_json::from_slice(&get(gateway.addr, "/health").unwrap().body).unwrap();
    assert_eq!(health["generation"], 1);
}
