//! Importing, storing, opening and auditing, end to end, on small fixtures.

use std::io::Write;
use std::path::{Path, PathBuf};

use pyward_model::{Dependency, DependencyKind, FindingKind, PackageName, Severity};
use pyward_osv::{Database, DbError, ImportOptions, import};

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
fn aliases_collapse_into_one_finding_with_every_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let findings = db.audit(&[dep("demo_pkg", Some("1.0"), "requirements.txt")]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.kind, FindingKind::Vulnerability);
    assert_eq!(f.id, "PYSEC-2099-1");
    assert_eq!(f.aliases, vec!["CVE-2099-1", "GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(f.package, Some(PackageName::new("demo-pkg")));
    assert_eq!(f.version, Some(Some("1.0".to_string())));
    assert_eq!(f.fix_versions, Some(vec!["1.5".to_string()]));
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        f.summary.as_deref(),
        Some("Remote code execution in demo-pkg")
    );
    assert_eq!(f.source.as_deref(), Some("requirements.txt"));
    assert_eq!(
        f.fingerprint,
        pyward_model::fingerprint(&["PYSEC-2099-1", "demo-pkg", "1.0"])
    );
    assert_eq!(
        f.references(),
        [
            "https://example.org/PYSEC-2099-1",
            "https://example.org/GHSA-aaaa-bbbb-cccc"
        ]
    );
    assert_eq!(f.dependency.as_ref().unwrap().direct, Some(true));
}

#[test]
fn audit_orders_findings_and_uses_labels_details_and_last_affected() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let findings = db.audit(&[
        dep("demo-pkg", Some("2.0"), "b.txt"),
        dep("demo-pkg", Some("1.3"), "a.txt"),
        dep("demo-pkg", Some("3.0"), "a.txt"),
        dep("unknown-pkg", Some("1.0"), "a.txt"),
    ]);
    let got: Vec<(String, &str, Severity, Vec<String>)> = findings
        .iter()
        .map(|f| {
            (
                f.version.clone().flatten().unwrap(),
                f.id.as_str(),
                f.severity,
                f.fix_versions.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "1.3".into(),
                "GHSA-zzzz-zzzz-zzzz",
                Severity::Unknown,
                vec![]
            ),
            (
                "1.3".into(),
                "PYSEC-2099-1",
                Severity::Critical,
                vec!["1.5".into()]
            ),
            (
                "2.0".into(),
                "GHSA-aaaa-bbbb-cccc",
                Severity::Medium,
                vec!["2.1".into()]
            ),
            (
                "2.0".into(),
                "GHSA-zzzz-zzzz-zzzz",
                Severity::Unknown,
                vec![]
            ),
        ]
    );
    assert_eq!(
        findings[0].summary.as_deref(),
        Some("Denial of service through long headers. More text.")
    );
    assert_eq!(findings[2].aliases, vec!["CVE-2099-1"]);
}

#[test]
fn the_same_pin_from_several_files_is_one_finding_listing_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let mut transitive = dep("demo-pkg", Some("1.0"), "requirements.txt");
    transitive.direct = false;
    transitive.via = vec![PackageName::new("flask")];
    let findings = db.audit(&[
        transitive,
        dep("Demo-Pkg", Some("1.0"), "constraints.txt"),
        dep("demo-pkg", Some("1.0"), "requirements.txt"),
    ]);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].source.as_deref(), Some("requirements.txt"));
    let context = findings[0].dependency.as_ref().unwrap();
    assert_eq!(context.sources, ["requirements.txt", "constraints.txt"]);
    assert_eq!(findings[0].via(), [PackageName::new("flask")]);
    assert_eq!(context.direct, Some(false));
}

#[test]
fn malicious_packages_flag_pins_and_unpinned_requirements_when_every_version_is_bad() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&build(dir.path())).unwrap();
    let mut url = dep("evil-pkg", None, "requirements.txt");
    url.kind = DependencyKind::Url;
    let findings = db.audit(&[
        dep("evil-pkg", None, "requirements.txt"),
        url,
        dep("3web-py", None, "requirements.txt"),
        dep("3web-py", Some("1.0.0"), "requirements.txt"),
        dep("0requests", Some("0.0.2"), "requirements.txt"),
    ]);
    let got: Vec<(&str, Option<&str>, FindingKind, Severity)> = findings
        .iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.version.as_ref().unwrap().as_deref(),
                f.kind,
                f.severity,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "MAL-2024-9934",
                Some("1.0.0"),
                FindingKind::Malicious,
                Severity::Critical
            ),
            (
                "MAL-2099-1",
                None,
                FindingKind::Malicious,
                Severity::Critical
            ),
        ]
    );
    let json = serde_json::to_value(&findings[1]).unwrap();
    assert!(json["version"].is_null());
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
        db.audit(&[dep("demo-pkg", Some("2.0.5"), "r.txt")]).len(),
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
    assert!(matches!(db.try_audit(&deps), Err(DbError::Corrupt { .. })));

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
    let findings = db.audit(&[dep("Django", Some("3.0.1"), "requirements.txt")]);
    let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"PYSEC-2021-9"), "{ids:?}");
    let f = findings.iter().find(|f| f.id == "PYSEC-2021-9").unwrap();
    assert!(f.aliases.contains(&"CVE-2021-3281".to_string()));
    // Only the fix of the 3.0 series ends the interval 3.0.1 is in (the
    // record also fixes 2.2.18 and 3.1.6 for other series).
    assert_eq!(f.fix_versions, Some(vec!["3.0.12".to_string()]));
}
