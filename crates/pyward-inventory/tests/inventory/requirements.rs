//! Every requirements fixture, read as `-r FILE` would read it.

use std::path::{Path, PathBuf};

use pyward_inventory::{Options, scan_path, scan_requirements_file};
use pyward_model::{DependencyKind, PackageName};

use crate::{fixtures, render};

fn txt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("fixture entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            txt_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

/// One snapshot per fixture: what a user would see listed.
#[test]
fn every_fixture_snapshot() {
    let base = fixtures("requirements");
    let mut files = Vec::new();
    txt_files(&base, &mut files);
    assert!(files.len() >= 20, "fixtures missing: {files:?}");
    for path in files {
        let relative = path
            .strip_prefix(&base)
            .expect("under base")
            .to_string_lossy()
            .replace(['/', '\\'], "__");
        let inventory = scan_requirements_file(&path, &base, &Options::default());
        insta::assert_snapshot!(relative, render(&inventory));
    }
}

fn read(rest: &str) -> pyward_inventory::Inventory {
    let base = fixtures("requirements");
    scan_requirements_file(&base.join(rest), &base, &Options::default())
}

#[test]
fn an_include_cycle_names_the_chain() {
    let inventory = read("cycle/a.txt");
    assert_eq!(inventory.errors.len(), 1, "{:?}", inventory.errors);
    let error = &inventory.errors[0];
    assert_eq!(error.path, "cycle/c.txt");
    assert_eq!(error.line, Some(1));
    assert_eq!(
        error.message,
        "include cycle: cycle/a.txt -> cycle/b.txt -> cycle/c.txt -> cycle/a.txt"
    );
    // Everything else in the chain is still read.
    let names: Vec<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["flask", "click", "itsdangerous"]);
}

#[test]
fn a_malformed_line_names_file_and_line() {
    let inventory = read("malformed.txt");
    // See: issue 9. One bad line no longer drops the file: under
    // `--keep-going` the vulnerable django on the line before still counts.
    let names: Vec<(&str, Option<&str>)> = inventory
        .dependencies
        .iter()
        .map(|d| (d.name.as_str(), d.version.as_deref()))
        .collect();
    assert_eq!(
        names,
        [("django", Some("3.0.1")), ("requests", Some("2.31.0"))]
    );
    assert_eq!(inventory.errors.len(), 1);
    let error = &inventory.errors[0];
    assert_eq!(
        (error.path.as_str(), error.line),
        ("malformed.txt", Some(4))
    );
    assert!(error.message.contains("flask >>= 2.0"), "{}", error.message);
    assert_eq!(error.to_string().lines().count(), 1, "one line: {error}");
}

#[test]
fn a_missing_include_is_an_error_at_the_including_line() {
    let inventory = read("missing_include.txt");
    assert_eq!(inventory.dependencies.len(), 2);
    let error = &inventory.errors[0];
    assert_eq!(
        (error.path.as_str(), error.line),
        ("missing_include.txt", Some(2))
    );
    assert!(
        error.message.contains("does-not-exist.txt"),
        "{}",
        error.message
    );
}

#[test]
fn includes_are_relative_to_the_including_file() {
    let inventory = read("includes/requirements.txt");
    assert_eq!(inventory.errors, []);
    let listed: Vec<(&str, &str)> = inventory
        .dependencies
        .iter()
        .map(|d| (d.name.as_str(), d.source.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("gunicorn", "includes/requirements.txt"),
            ("django", "includes/base/common.txt"),
            ("requests", "includes/shared.txt"),
            ("pytest", "includes/dev.txt"),
        ]
    );
}

#[test]
fn constraints_pin_only_what_is_required() {
    let inventory = read("constraints/requirements.txt");
    let listed: Vec<(&str, Option<&str>)> = inventory
        .dependencies
        .iter()
        .map(|d| (d.name.as_str(), d.version.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            ("django", Some("3.2.4")),
            ("requests", Some("2.25.1")),
            // The requirement's own pin wins over the constraint's.
            ("flask", Some("2.0.0")),
        ]
    );
    assert!(!listed.iter().any(|(name, _)| *name == "urllib3"));
}

#[test]
fn urls_and_paths_are_listed_not_audited() {
    let inventory = read("urls_paths.txt");
    assert_eq!(inventory.errors, []);
    assert_eq!(inventory.dependencies.len(), 10);
    for d in &inventory.dependencies {
        assert!(
            matches!(d.kind, DependencyKind::Url | DependencyKind::Path),
            "{d:?}"
        );
        assert!(!d.is_auditable());
        assert!(d.requirement.is_some());
        assert!(d.line.is_some());
    }
}

#[test]
fn pip_compile_graph() {
    let inventory = read("compiled/pip-compile.txt");
    assert_eq!(inventory.errors, []);
    let find = |name: &str| {
        inventory
            .dependencies
            .iter()
            .find(|d| d.name == PackageName::new(name))
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    assert!(find("flask").direct);
    assert!(find("jinja2").direct, "via -r requirements.in and flask");
    assert!(!find("werkzeug").direct);
    assert_eq!(find("werkzeug").via, [PackageName::new("flask")]);
    assert_eq!(find("markupsafe").via, [PackageName::new("jinja2")]);
    assert_eq!(find("idna").via, [PackageName::new("requests")]);
    assert_eq!(find("requests").version.as_deref(), Some("2.34.2"));
    assert!(inventory.dependencies.iter().all(|d| d.version.is_some()));
}

#[test]
fn uv_compile_of_a_pyproject_is_direct_through_the_project() {
    let inventory = read("compiled/uv-pip-compile-pyproject.txt");
    let find = |name: &str| {
        inventory
            .dependencies
            .iter()
            .find(|d| d.name == PackageName::new(name))
            .unwrap_or_else(|| panic!("{name} listed"))
    };
    assert!(find("django").direct);
    assert!(find("celery").direct);
    // prompt-toolkit <- click-repl <- celery
    assert_eq!(
        find("prompt-toolkit").via,
        [PackageName::new("celery"), PackageName::new("click-repl")]
    );
}

#[test]
fn hashed_compile_reads_the_same_packages() {
    let plain = read("compiled/pip-compile.txt");
    let hashed = read("compiled/pip-compile-hashes.txt");
    let pins = |inventory: &pyward_inventory::Inventory| {
        inventory
            .dependencies
            .iter()
            .map(|d| (d.name.clone(), d.version.clone(), d.direct, d.via.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(pins(&plain), pins(&hashed));
}

#[test]
fn a_single_file_path_is_read_by_its_name() {
    let base = fixtures("requirements");
    let inventory = scan_path(&base.join("pins.txt"), &base, &Options::default());
    assert_eq!(inventory.dependencies[0].source, "pins.txt");
    let inventory = scan_path(
        &base.join("compiled/requirements.in"),
        &base,
        &Options::default(),
    );
    assert_eq!(inventory.errors, []);
    assert_eq!(inventory.dependencies.len(), 3);
    let inventory = scan_path(&base.join("compiled/README.md"), &base, &Options::default());
    assert_eq!(inventory.errors.len(), 1);
    assert_eq!(inventory.errors[0].path, "compiled/README.md");
    let inventory = scan_path(&base.join("nope.txt"), &base, &Options::default());
    assert_eq!(inventory.errors[0].message, "no such file or folder");
}

#[test]
fn markers_are_evaluated_for_the_options() {
    let base = fixtures("requirements");
    let options = pyward_inventory::Options {
        python_version: Some("3.12".to_string()),
        platform: Some("linux".to_string()),
        ..Default::default()
    };
    let inventory = scan_requirements_file(&base.join("markers_extras.txt"), &base, &options);
    let names: Vec<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["requests", "uvloop", "celery"]);
}

#[test]
fn invalid_options_are_an_error_not_ignored() {
    let base = fixtures("requirements");
    let options = Options {
        python_version: Some("three".to_string()),
        ..Options::default()
    };
    assert!(pyward_inventory::validate_options(&options).is_err());
    let inventory = scan_requirements_file(&base.join("pins.txt"), &base, &options);
    assert_eq!(inventory.errors.len(), 1);
    assert_eq!(inventory.errors[0].path, "--python-version");
    assert!(inventory.errors[0].message.contains("three"));
}

/// Nested diamonds of includes: every file is read once, not once per path
/// to it (2^20 paths here).
#[test]
fn diamond_includes_are_read_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let levels = 20;
    for level in 0..levels {
        let text = format!("-r l{0}a.txt\n-r l{0}b.txt\npkg{level}==1.0\n", level + 1);
        std::fs::write(dir.join(format!("l{level}a.txt")), &text).expect("write");
        std::fs::write(dir.join(format!("l{level}b.txt")), &text).expect("write");
    }
    std::fs::write(dir.join(format!("l{levels}a.txt")), "leaf==1.0\n").expect("write");
    std::fs::write(dir.join(format!("l{levels}b.txt")), "leaf==1.0\n").expect("write");
    let inventory = scan_requirements_file(&dir.join("l0a.txt"), dir, &Options::default());
    assert_eq!(inventory.errors, []);
    // pkg0 from l0a; pkg1..pkg19 from both files of each level; leaf twice.
    assert_eq!(inventory.dependencies.len(), 1 + 2 * (levels - 1) + 2);
}

/// The compiled fixtures list exactly what pip itself would install from
/// them (`expected-pip-install-*.list`, from `pip install --dry-run --report`).
#[test]
fn compiled_files_agree_with_what_pip_installs() {
    for (compiled, expected) in [
        (
            "compiled/pip-compile.txt",
            "compiled/expected-pip-install-pip-compile.list",
        ),
        (
            "compiled/uv-pip-compile-pyproject.txt",
            "compiled/expected-pip-install-uv-pip-compile-pyproject.list",
        ),
    ] {
        let inventory = read(compiled);
        let mut listed: Vec<String> = inventory
            .dependencies
            .iter()
            .map(|d| format!("{}=={}", d.name, d.version.as_deref().unwrap_or("?")))
            .collect();
        listed.sort();
        let expected_text = std::fs::read_to_string(fixtures("requirements").join(expected))
            .expect("expected list");
        let mut expected: Vec<String> = expected_text.lines().map(str::to_string).collect();
        expected.sort();
        assert_eq!(listed, expected, "{compiled}");
    }
}
