//! Importing, storing, opening and auditing, end to end, on small fixtures.

use std::io::Write;
use std::path::{Path, PathBuf};

use std::str::FromStr;

use pep440_rs::Version;
use pyward_model::{Dependency, PackageName, Severity};
use pyward_osv::{AffectedRange, Database, DbError, ImportOptions, VulnerabilityMatch, import};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn options() -> ImportOptions {
    ImportOptions {
        built: Some("2024-10-10T17:35:05Z".into()),
        source_label: Some("fixtures".into()),
    }
}

fn build(dir: &Path) -> PathBuf {
    let dest = dir.join("osv.db");
    import(&fixtures().join("osv"), &dest, &options()).unwrap();
    dest
}

fn dep(name: &str, version: Option<&str>, source: &str) -> Dependency {
    Dependency::new(name, version, source)
}

/// Writes `entries` (name, bytes) as a zip file.
fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn imports_a_folder_skipping_malformed_withdrawn_and_other_ecosystems() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("osv.db");
    let report = import(&fixtures().join("osv"), &dest, &options()).unwrap();
    assert_eq!(report.meta.advisories, 6);
    assert_eq!(
        report.meta.packages, 4,
        "demo-pkg, evil-pkg, 3web-py, 0requests"
    );
    assert_eq!(report.withdrawn, 1);
    assert_eq!(report.other_ecosystems, 1);
    assert_eq!(report.skipped.len(), 1);
    assert!(
        report.skipped[0].file.ends_with("broken.json"),
        "{:?}",
        report.skipped
    );
    assert!(
        report.skipped[0].message.contains("line"),
        "{:?}",
        report.skipped
    );
    assert_eq!(report.meta.skipped, 1);
    assert_eq!(
        report.meta.malicious, 3,
        "MAL-2099-1, MAL-2024-9934, MAL-2026-15859"
    );
    assert_eq!(
        report.meta.newest_modified.as_deref(),
        Some("2099-01-01T00:00:00Z")
    );

    let db = Database::open(&dest).unwrap();
    let info = db.info();
    assert_eq!(info.advisories, 6);
    assert_eq!(info.source, "fixtures");
    assert_eq!(info.built, "2024-10-10T17:35:05Z");
    let names: Vec<&str> = db.package_names().collect();
    assert_eq!(names, vec!["0requests", "3web-py", "demo-pkg", "evil-pkg"]);
    let demo = db.advisories(&PackageName::new("Demo.Pkg")).unwrap();
    let ids: Vec<&str> = demo.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["GHSA-aaaa-bbbb-cccc", "GHSA-zzzz-zzzz-zzzz", "PYSEC-2099-1"]
    );
    // The npm entry of GHSA-zzzz is not kept.
    assert!(demo.iter().all(|a| a.affected.len() == 1));
    assert!(
        db.advisories(&PackageName::new("absent"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn imports_a_zip_and_a_single_file() {
    let dir = tempfile::tempdir().unwrap();
    let ghsa = std::fs::read(fixtures().join("osv/demo-pkg/GHSA-aaaa-bbbb-cccc.json")).unwrap();
    let mal = std::fs::read(fixtures().join("osv/mal/MAL-2099-1.json")).unwrap();
    let zip = dir.path().join("all.zip");
    write_zip(
        &zip,
        &[
            ("GHSA-aaaa-bbbb-cccc.json", &ghsa),
            ("MAL-2099-1.json", &mal),
            ("bad.json", b"[1, 2"),
            ("README.txt", b"not a record"),
        ],
    );
    let dest = dir.path().join("zip.db");
    let report = import(&zip, &dest, &ImportOptions::default()).unwrap();
    assert_eq!(report.meta.advisories, 2);
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].file.ends_with("all.zip:bad.json"));
    assert!(report.meta.source.ends_with("all.zip"));
    let db = Database::open(&dest).unwrap();
    assert_eq!(
        db.query(&[dep("demo-pkg", Some("2.0.5"), "r.txt")])
            .unwrap()
            .len(),
        1
    );

    let single = dir.path().join("single.db");
    let report = import(
        &fixtures().join("osv/demo-pkg/PYSEC-2099-1.yaml"),
        &single,
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(report.meta.advisories, 1);
}

fn assert_unchanged(dest: &Path, before: &[u8]) {
    assert_eq!(
        std::fs::read(dest).unwrap(),
        before,
        "the old database changed"
    );
    Database::open(dest).expect("the old database still opens");
    let leftovers: Vec<_> = std::fs::read_dir(dest.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn failed_imports_leave_the_old_database_working() {
    let dir = tempfile::tempdir().unwrap();
    let dest = build(dir.path());
    let before = std::fs::read(&dest).unwrap();

    // A truncated zip.
    let zip = dir.path().join("all.zip");
    let ghsa = std::fs::read(fixtures().join("osv/demo-pkg/GHSA-aaaa-bbbb-cccc.json")).unwrap();
    write_zip(&zip, &[("a.json", &ghsa)]);
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(&zip, &bytes[..bytes.len() / 2]).unwrap();
    let err = import(&zip, &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::Zip { .. }), "{err}");
    assert!(err.to_string().contains("all.zip"), "{err}");
    assert_unchanged(&dest, &before);

    // Not a zip at all, though named one.
    std::fs::write(&zip, b"<html>proxy error</html>").unwrap();
    assert!(matches!(
        import(&zip, &dest, &options()),
        Err(DbError::Zip { .. })
    ));
    assert_unchanged(&dest, &before);

    // A zip of JSON that is not OSV.
    write_zip(&zip, &[("a.json", br#"{"name": "x"}"#)]);
    let err = import(&zip, &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::NoRecords { .. }), "{err}");
    assert!(err.to_string().contains("missing field `id`"), "{err}");
    assert_unchanged(&dest, &before);

    // One JSON file that is not OSV.
    let err = import(&fixtures().join("not-osv.json"), &dest, &options()).unwrap_err();
    assert!(err.to_string().contains("not-osv.json"), "{err}");
    assert!(err.to_string().contains("not an OSV record"), "{err}");
    assert_unchanged(&dest, &before);

    // A source that does not exist.
    let err = import(&dir.path().join("nowhere"), &dest, &options()).unwrap_err();
    assert!(matches!(err, DbError::Read { .. }), "{err}");
    assert_unchanged(&dest, &before);
}

#[test]
fn damaged_databases_are_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let dest = build(dir.path());
    let bytes = std::fs::read(&dest).unwrap();

    let truncated = dir.path().join("truncated.db");
    std::fs::write(&truncated, &bytes[..bytes.len() - 10]).unwrap();
    let err = Database::open(&truncated).unwrap_err();
    assert!(matches!(err, DbError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("truncated.db"), "{err}");

    let foreign = dir.path().join("foreign.db");
    std::fs::write(
        &foreign,
        b"SQLite format 3\0 and more bytes to fill the header.....",
    )
    .unwrap();
    assert!(matches!(
        Database::open(&foreign),
        Err(DbError::NotADatabase { .. })
    ));
    std::fs::write(&foreign, b"").unwrap();
    assert!(matches!(
        Database::open(&foreign),
        Err(DbError::NotADatabase { .. })
    ));

    // A flipped byte in the index: the checksum catches it.
    let mut flipped = bytes.clone();
    let at = flipped.len() - 3;
    flipped[at] ^= 0xff;
    let damaged = dir.path().join("damaged.db");
    std::fs::write(&damaged, &flipped).unwrap();
    assert!(matches!(
        Database::open(&damaged),
        Err(DbError::Corrupt { .. })
    ));

    // A flipped byte in a package's records: found when it is read.
    let mut flipped = bytes.clone();
    flipped[70] ^= 0xff;
    std::fs::write(&damaged, &flipped).unwrap();
    let db = Database::open(&damaged).unwrap();
    let deps = [dep("0requests", Some("0.0.1"), "r.txt")];
    assert!(matches!(db.query(&deps), Err(DbError::Corrupt { .. })));

    // Another format version.
    let mut other = bytes.clone();
    other[8] = 99;
    std::fs::write(&damaged, &other).unwrap();
    assert!(matches!(
        Database::open(&damaged),
        Err(DbError::Format { found: 99, .. })
    ));
}

#[test]
fn builtin_database_is_the_pypa_snapshot() {
    let db = Database::builtin().unwrap();
    let info = db.info();
    assert_eq!(info.source, "built-in");
    assert_eq!(info.built, "2024-10-10T17:35:05Z");
    assert!(info.advisories > 2500, "{}", info.advisories);
    let matches = db
        .query(&[dep("Django", Some("3.0.1"), "requirements.txt")])
        .unwrap();
    let ids: Vec<&str> = matches.iter().map(|m| m.id.as_str()).collect();
    assert!(ids.contains(&"PYSEC-2021-9"), "{ids:?}");
    let m = matches.iter().find(|m| m.id == "PYSEC-2021-9").unwrap();
    assert!(m.aliases.contains(&"CVE-2021-3281".to_string()));
    // Only the fix of the 3.0 series ends the interval 3.0.1 is in (the
    // record also fixes 2.2.18 and 3.1.6 for other series).
    assert_eq!(m.fix_versions, versions(&["3.0.12"]));
}

fn v(text: &str) -> Version {
    Version::from_str(text).unwrap()
}

fn versions(list: &[&str]) -> Vec<Version> {
    list.iter().map(|t| v(t)).collect()
}

fn range(introduced: Option<&str>, fixed: Option<&str>, last: Option<&str>) -> AffectedRange {
    AffectedRange {
        introduced: introduced.map(v),
        fixed: fixed.map(v),
        last_affected: last.map(v),
    }
}

#[test]
fn query_gives_typed_matches_with_ranges_fixes_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let deps = [
        dep("other", Some("1.0"), "requirements.txt"),
        dep("demo_pkg", Some("1.0"), "requirements.txt"),
        dep("Demo.Pkg", Some("1.0"), "constraints.txt"),
    ];
    let matches = db.query(&deps).unwrap();
    assert_eq!(matches.len(), 1, "{matches:#?}");
    let m = &matches[0];
    let cvss = m.cvss.clone().expect("PYSEC-2099-1 has a CVSS vector");
    assert_eq!(
        m,
        &VulnerabilityMatch {
            package: PackageName::new("demo-pkg"),
            version: Some("1.0".into()),
            id: "PYSEC-2099-1".into(),
            aliases: vec!["CVE-2099-1".into(), "GHSA-aaaa-bbbb-cccc".into()],
            malicious: false,
            severity: Severity::Critical,
            cvss: Some(cvss.clone()),
            fix_versions: versions(&["1.5"]),
            affected: vec![
                range(None, Some("1.5"), None),
                range(Some("1.0"), Some("1.5"), None),
                range(Some("2.0"), Some("2.1"), None),
            ],
            headline: Some("Remote code execution in demo-pkg".into()),
            details: Some("A crafted request runs code.".into()),
            references: vec![
                "https://example.org/PYSEC-2099-1".into(),
                "https://example.org/GHSA-aaaa-bbbb-cccc".into(),
            ],
            cwes: vec!["CWE-20".into(), "CWE-94".into()],
            published: Some("2024-01-01T00:00:00Z".into()),
            modified: Some("2024-01-02T03:04:05Z".into()),
            stated_by: vec![1, 2],
            records: 2,
            imports: Vec::new(),
        }
    );
    assert_eq!(cvss.score, 9.8);
    assert_eq!(cvss.vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
}

#[test]
fn a_package_matches_many_typed_versions_and_names_the_versions_it_knows() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let name = PackageName::new("demo-pkg");
    let package = db.package(&name).unwrap();
    let ids = |version: &str| -> Vec<(String, Vec<Version>)> {
        package
            .matches(&v(version))
            .iter()
            .map(|m| (m.advisory.id.clone(), m.fix_versions.clone()))
            .collect()
    };
    assert_eq!(
        ids("2.0"),
        vec![
            ("GHSA-aaaa-bbbb-cccc".into(), versions(&["2.1"])),
            ("GHSA-zzzz-zzzz-zzzz".into(), vec![]),
        ]
    );
    assert!(ids("2.1").is_empty());
    assert!(package.is_affected(&v("1.4.9")));
    assert!(!package.is_affected(&v("2.1")));
    assert!(package.matches_unpinned().is_empty());
    assert_eq!(
        db.known_versions(&name).unwrap(),
        versions(&["1.0", "1.2", "1.4", "1.5", "2.0", "2.1"])
    );
    assert!(
        db.known_versions(&PackageName::new("absent"))
            .unwrap()
            .is_empty()
    );
}

// See: issue 12, items 1 and 5.
#[test]
fn malicious_reports_match_the_versions_they_list_and_every_version_when_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let deps = [
        dep("evil-pkg", None, "requirements.txt"),
        dep("evil-pkg", Some("99.0"), "requirements.txt"),
        dep("3web-py", None, "requirements.txt"),
        dep("3web-py", Some("1.0.0"), "requirements.txt"),
        dep("3web-py", Some("1.0.1"), "requirements.txt"),
        dep("0requests", Some("0.0.1"), "requirements.txt"),
    ];
    let matches = db.query(&deps).unwrap();
    type Row<'a> = (&'a str, Option<&'a str>, bool, Severity, &'a [usize]);
    let got: Vec<Row<'_>> = matches
        .iter()
        .map(|m| {
            (
                m.id.as_str(),
                m.version.as_deref(),
                m.malicious,
                m.severity,
                m.stated_by.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "MAL-2026-15859",
                Some("0.0.1"),
                true,
                Severity::Critical,
                &[5][..]
            ),
            (
                "MAL-2024-9934",
                Some("1.0.0"),
                true,
                Severity::Critical,
                &[3][..]
            ),
            ("MAL-2099-1", None, true, Severity::Critical, &[0][..]),
            (
                "MAL-2099-1",
                Some("99.0"),
                true,
                Severity::Critical,
                &[1][..]
            ),
        ]
    );
    let zero = &matches[0];
    assert_eq!(zero.cwes, vec!["CWE-506"]);
    assert_eq!(
        zero.headline.as_deref(),
        Some("Malicious code in 0requests (PyPI)")
    );
    assert!(
        zero.details
            .as_deref()
            .unwrap()
            .contains("enumerates os.environ"),
        "{:?}",
        zero.details
    );
    assert_eq!(matches[2].affected, vec![range(None, None, None)]);
    assert!(matches[2].fix_versions.is_empty());
}

#[test]
fn the_builtin_database_holds_no_malicious_reports_and_readable_headlines() {
    let db = Database::builtin().unwrap();
    assert_eq!(db.meta().malicious, 0);
    assert_eq!(db.meta().skipped, 0, "every PyPA record parses");
    let deps = [
        dep("flask", Some("2.2.4"), "r.txt"),
        dep("numpy", Some("1.19.0"), "r.txt"),
    ];
    let matches = db.query(&deps).unwrap();
    let headline = |id: &str| {
        matches
            .iter()
            .find(|m| m.id == id)
            .unwrap_or_else(|| panic!("{id} not matched"))
            .headline
            .clone()
            .unwrap()
    };
    // "Flask is a lightweight WSGI web application framework. When all of
    // the following conditions are met, ..."
    let flask = headline("PYSEC-2023-62");
    assert!(
        flask.starts_with("When all of the following conditions are met"),
        "{flask}"
    );
    // "... in NumPy &lt and 1.19 ..."
    let numpy = headline("PYSEC-2021-856");
    assert!(numpy.contains("NumPy < and 1.19"), "{numpy}");
    for m in &matches {
        let h = m.headline.as_deref().unwrap_or("");
        assert!(
            !h.contains(" is a ") || h.contains("vulnerab"),
            "{}: {h}",
            m.id
        );
    }
    // Every headline and text of the snapshot: entities decoded, bounded,
    // one line.
    let mut headlines = 0;
    for name in db.package_names().map(str::to_string).collect::<Vec<_>>() {
        for display in db.displays(&PackageName::new(&name)).unwrap() {
            let h = display.headline.expect("every PyPA record has details");
            headlines += 1;
            for entity in ["&lt", "&gt", "&amp;", "&quot;", "&#39;"] {
                assert!(!h.contains(entity), "{name}: {h}");
            }
            assert!(
                !h.contains('\n') && h.len() <= pyward_osv::limits::MAX_HEADLINE_BYTES,
                "{h}"
            );
            let details = display.details.unwrap();
            assert!(details.len() <= pyward_osv::limits::MAX_DETAILS_BYTES);
        }
    }
    assert!(headlines > 2600, "{headlines}");
}

// See: issue 9 ("a 3 MB zip of 100 x 32 MB records reaches 3.3 GB").
#[test]
fn zip_entries_past_the_record_limit_are_refused_whatever_they_claim() {
    let dir = tempfile::tempdir().unwrap();
    let huge = vec![b' '; (pyward_osv::limits::MAX_RECORD_BYTES + 1024) as usize];
    let mal = std::fs::read(fixtures().join("osv/mal/MAL-2099-1.json")).unwrap();
    let zip = dir.path().join("bomb.zip");
    write_zip(
        &zip,
        &[
            ("big-1.json", &huge),
            ("big-2.json", &huge),
            ("MAL-2099-1.json", &mal),
        ],
    );
    // Make the entries lie: a declared size of 10 bytes, in the local
    // headers and the central directory.
    let mut bytes = std::fs::read(&zip).unwrap();
    forge_uncompressed_sizes(&mut bytes, huge.len() as u32, 10);
    std::fs::write(&zip, &bytes).unwrap();
    let dest = dir.path().join("osv.db");
    let report = import(&zip, &dest, &ImportOptions::default()).unwrap();
    assert_eq!(report.meta.advisories, 1);
    assert_eq!(report.skipped.len(), 2, "{:?}", report.skipped);
    for skipped in &report.skipped {
        assert!(
            skipped.message.contains("larger than the limit of 4 MiB"),
            "{skipped}"
        );
    }
}

/// Rewrites every 32-bit little-endian `from` in the zip's local headers
/// (offset 22) and central directory entries (offset 24) to `to`.
fn forge_uncompressed_sizes(bytes: &mut [u8], from: u32, to: u32) {
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46) {
        let field = match &bytes[at..at + 4] {
            [0x50, 0x4b, 0x03, 0x04] => at + 22,
            [0x50, 0x4b, 0x01, 0x02] => at + 24,
            _ => continue,
        };
        if bytes[field..field + 4] == from.to_le_bytes() {
            bytes[field..field + 4].copy_from_slice(&to.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 4, "two entries, each in two headers");
}

// See: issue 9 ("OSV YAML with 80k nested `[` takes 21 s").
#[test]
fn deeply_nested_records_are_refused_at_once_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("records");
    std::fs::create_dir(&source).unwrap();
    let depth = 200_000;
    let yaml = format!(
        "id: PYSEC-1\naliases: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(source.join("deep.yaml"), yaml).unwrap();
    let json = format!(
        r#"{{"id": "X", "aliases": {}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(source.join("deep.json"), json).unwrap();
    let block = format!("id: PYSEC-2\naliases:\n{}x\n", "- ".repeat(depth));
    std::fs::write(source.join("block.yaml"), block).unwrap();
    std::fs::copy(
        fixtures().join("osv/mal/MAL-2099-1.json"),
        source.join("MAL-2099-1.json"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let report = import(
        &source,
        &dir.path().join("osv.db"),
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(report.meta.advisories, 1);
    let mut skipped: Vec<String> = report.skipped.iter().map(ToString::to_string).collect();
    skipped.sort();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    for (line, name) in skipped.iter().zip(["block.yaml", "deep.json", "deep.yaml"]) {
        assert!(line.contains(name), "{line}");
        assert!(line.contains("nested deeper than 64 levels"), "{line}");
        assert!(!line.contains('\n'));
    }
}

/// Runs `f` on a thread and fails the test (rather than hanging it) when it
/// takes longer than ten seconds.
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    receive
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("still running after 10 s (blocked on a special file?)")
}

// See: issue 9 ("`db import FIFO` hangs, `db import /dev/zero` eats memory").
#[cfg(unix)]
#[test]
fn special_files_are_refused_as_a_source_and_skipped_inside_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("records.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let dest = dir.path().join("osv.db");
    for source in [
        fifo.clone(),
        "/dev/zero".into(),
        "/proc/self/environ".into(),
        "/proc/self".into(),
    ] {
        let d = dest.clone();
        let s = source.clone();
        let err = within_seconds(move || import(&s, &d, &ImportOptions::default())).unwrap_err();
        assert!(
            matches!(err, DbError::NotRegular { .. }),
            "{}: {err}",
            source.display()
        );
        assert!(
            err.to_string().contains(&*source.to_string_lossy()),
            "{err}"
        );
    }

    // Inside a folder: the FIFO and a link out of the folder are counted
    // and not read; the real record is.
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(folder.join("fifo.json"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink(
        fixtures().join("osv/mal/MAL-2024-9934.json"),
        folder.join("outside.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        fixtures().join("osv/demo-pkg"),
        folder.join("linked-folder"),
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("osv/mal/MAL-2099-1.json"),
        folder.join("MAL-2099-1.json"),
    )
    .unwrap();
    let d = dest.clone();
    let report = within_seconds(move || import(&folder, &d, &ImportOptions::default())).unwrap();
    assert_eq!(report.meta.advisories, 1);
    assert_eq!(report.not_regular, 3, "the FIFO and two links");
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
}

// See: issue 9 ("`db import --db FILE` overwrites a file that is not a
// database").
#[test]
fn import_refuses_to_replace_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("thesis.tex");
    std::fs::write(&precious, b"\\documentclass{article}").unwrap();
    let err = import(&fixtures().join("osv"), &precious, &options()).unwrap_err();
    assert!(matches!(err, DbError::NotReplaceable { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("thesis.tex") && message.contains("not a pyward database"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&precious).unwrap(),
        b"\\documentclass{article}"
    );
    let err = import(&fixtures().join("osv"), dir.path(), &options()).unwrap_err();
    assert!(matches!(err, DbError::NotReplaceable { .. }), "{err}");

    // An empty file and a database of another format version are replaced.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    import(&fixtures().join("osv"), &empty, &options()).unwrap();
    let mut old = std::fs::read(&empty).unwrap();
    old[8] = 3;
    std::fs::write(&empty, &old).unwrap();
    import(&fixtures().join("osv"), &empty, &options()).unwrap();
    Database::open(&empty).unwrap();
}

#[test]
fn a_database_of_the_previous_format_asks_to_be_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let dest = build(dir.path());
    let mut bytes = std::fs::read(&dest).unwrap();
    bytes[8..12].copy_from_slice(&3u32.to_le_bytes());
    std::fs::write(&dest, &bytes).unwrap();
    let err = Database::open(&dest).unwrap_err();
    assert!(
        matches!(
            err,
            DbError::Format {
                found: 3,
                expected: 4,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("rebuild it with `pyward db update`"),
        "{err}"
    );
}

// See: issue 9 ("SIGINT/SIGTERM during import/update leaves
// `.pyward-db-*.tmp` and download temporaries behind").
#[test]
fn stale_temporaries_of_a_dead_import_are_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    // No process has a pid this large on Linux (pid_max is at most 2^22).
    let dead = dir.path().join(".pyward-db-4194999-AbCdEf.tmp");
    let dead_download = dir.path().join(".pyward-download-4194999-AbCdEf.zip.tmp");
    let mine = dir
        .path()
        .join(format!(".pyward-db-{}-live.tmp", std::process::id()));
    for p in [&dead, &dead_download, &mine] {
        std::fs::write(p, b"half a database").unwrap();
    }
    let report = import(
        &fixtures().join("osv"),
        &dir.path().join("osv.db"),
        &options(),
    )
    .unwrap();
    if std::path::Path::new("/proc/self").exists() {
        assert_eq!(report.stale_removed, 2);
        assert!(!dead.exists() && !dead_download.exists());
    }
    assert!(mine.exists(), "a fresh file of a live process stays");
}
