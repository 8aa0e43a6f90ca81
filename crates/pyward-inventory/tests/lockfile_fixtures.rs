//! Lockfiles written by the real tools (uv, poetry 1.1 / 1.8 / 2.x, pipenv,
//! pdm, pip and uv for pylock.toml; see tests/fixtures/lockfile/README.md):
//! every package the tool itself would install is read, with its version,
//! and the graph, groups and markers are as the snapshots record.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pyward_inventory::Format;
use pyward_inventory::lockfile::{
    self, Root, pdm_lock, pipfile_lock, poetry_lock, pylock, uv_lock,
};
use pyward_model::{Dependency, DependencyKind, PackageName};

fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lockfile")
        .join(path);
    fs_err::read_to_string(full).expect("fixture is readable")
}

/// One line per dependency: what the snapshots compare.
fn render(deps: &[Dependency]) -> String {
    let mut out = String::new();
    for d in deps {
        let _ = write!(out, "{}=={}", d.name, d.version.as_deref().unwrap_or("*"));
        if d.kind != DependencyKind::Registry {
            let _ = write!(
                out,
                " kind={:?} requirement={}",
                d.kind,
                d.requirement.as_deref().unwrap_or("")
            );
        }
        let _ = write!(out, " direct={} groups={}", d.direct, d.groups.join(","));
        if !d.via.is_empty() {
            let via: Vec<&str> = d.via.iter().map(PackageName::as_str).collect();
            let _ = write!(out, " via={}", via.join(">"));
        }
        if let Some(m) = &d.markers {
            let _ = write!(out, " markers=[{m}]");
        }
        out.push('\n');
    }
    out
}

/// `name==version` pairs of an exported requirements file or `name==version`
/// list (comments, options and local paths left out).
fn expected_pins(text: &str) -> BTreeSet<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('-'))
        .filter_map(|l| {
            let requirement = l.split(';').next()?.trim();
            let (name, version) = requirement.split_once("==")?;
            let name = name.split('[').next()?;
            Some((
                PackageName::new(name).to_string(),
                version.trim().to_string(),
            ))
        })
        .collect()
}

fn pins(deps: &[Dependency]) -> BTreeSet<(String, String)> {
    deps.iter()
        .filter(|d| d.kind == DependencyKind::Registry)
        .filter_map(|d| Some((d.name.to_string(), d.version.clone()?)))
        .collect()
}

fn find<'a>(deps: &'a [Dependency], name: &str) -> &'a Dependency {
    deps.iter()
        .find(|d| d.name.as_str() == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

#[test]
fn uv_lock_agrees_with_uv_export() {
    let deps = uv_lock::parse(&fixture("uv/uv.lock"), "uv.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("uv/expected-uv-export.txt"))
    );
    // The project itself is not a dependency; its path dependency is.
    assert!(deps.iter().all(|d| d.name.as_str() != "demo"));
    let helper = find(&deps, "helper");
    assert_eq!(helper.kind, DependencyKind::Path);
    assert_eq!(helper.requirement.as_deref(), Some("libs/helper"));
    let werkzeug = find(&deps, "werkzeug");
    assert!(!werkzeug.direct);
    assert_eq!(werkzeug.via, vec![PackageName::new("flask")]);
    let six = find(&deps, "six");
    assert_eq!(six.via, vec![PackageName::new("helper")]);
    assert_eq!(find(&deps, "django").groups, vec!["django"]);
    assert_eq!(
        find(&deps, "pywin32").markers.as_deref(),
        Some("sys_platform == 'win32'")
    );
    // zipp comes only through importlib-metadata, which flask needs only
    // before Python 3.10.
    assert_eq!(
        find(&deps, "zipp").markers.as_deref(),
        Some("python_full_version < '3.10'")
    );
    insta::assert_snapshot!("uv_lock", render(&deps));
}

#[test]
fn uv_workspace_lock_agrees_with_uv_export() {
    let deps = uv_lock::parse(&fixture("uv-workspace/uv.lock"), "uv.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("uv-workspace/expected-uv-export.txt"))
    );
    // Workspace members are the project, not dependencies.
    for member in ["monorepo", "api", "core"] {
        assert!(deps.iter().all(|d| d.name.as_str() != member), "{member}");
    }
    // A member's requirements are direct; requests[socks] brings pysocks.
    assert!(find(&deps, "requests").direct);
    assert!(find(&deps, "pyyaml").direct);
    assert_eq!(
        find(&deps, "pysocks").via,
        vec![PackageName::new("requests")]
    );
    assert_eq!(find(&deps, "ruff").groups, vec!["lint"]);
    let attrs = find(&deps, "attrs");
    assert_eq!(attrs.kind, DependencyKind::Url);
    assert!(attrs.direct);
    insta::assert_snapshot!("uv_workspace_lock", render(&deps));
}

#[test]
fn poetry_2_lock_agrees_with_poetry_export() {
    let deps = poetry_lock::parse(&fixture("poetry-2.x/poetry.lock"), "poetry.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("poetry-2.x/expected-poetry-export.txt"))
    );
    assert_eq!(find(&deps, "django").groups, vec!["django"]);
    assert_eq!(find(&deps, "pytest").groups, vec!["dev"]);
    assert!(find(&deps, "flask").direct);
    assert_eq!(find(&deps, "werkzeug").via, vec![PackageName::new("flask")]);
    insta::assert_snapshot!("poetry_2x_lock", render(&deps));
}

#[test]
fn poetry_1_8_lock_agrees_with_poetry_export() {
    let text = fixture("poetry-1.8/poetry.lock");
    let deps = poetry_lock::parse(&text, "poetry.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("poetry-1.8/expected-poetry-export.txt"))
    );
    insta::assert_snapshot!("poetry_1_8_lock", render(&deps));

    // With the manifest's requirements the lock 2.0 format (no groups of
    // its own) gets its groups and exact direct dependencies.
    let roots: Vec<Root> = [("flask", "main"), ("requests", "main"), ("pywin32", "main")]
        .iter()
        .chain(&[("django", "django"), ("pytest", "dev")])
        .map(|(name, group)| Root {
            name: PackageName::new(name),
            group: (*group).to_string(),
            marker: None,
        })
        .collect();
    let deps = poetry_lock::parse_with_roots(&text, "poetry.lock", &roots).unwrap();
    assert_eq!(find(&deps, "pytest").groups, vec!["dev"]);
    assert_eq!(find(&deps, "pluggy").groups, vec!["dev"]);
    assert!(find(&deps, "requests").direct);
    assert!(!find(&deps, "idna").direct);
}

#[test]
fn poetry_1_1_lock_agrees_with_poetry_export() {
    let deps = poetry_lock::parse(&fixture("poetry-1.1/poetry.lock"), "poetry.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("poetry-1.1/expected-poetry-export.txt"))
    );
    assert_eq!(find(&deps, "pytest").groups, vec!["dev"]);
    assert_eq!(find(&deps, "django").groups, vec!["django"]);
    insta::assert_snapshot!("poetry_1_1_lock", render(&deps));
}

#[test]
fn pipfile_lock_agrees_with_pipenv_requirements() {
    let text = fixture("pipenv/Pipfile.lock");
    let deps = pipfile_lock::parse(&text, "Pipfile.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("pipenv/expected-pipenv-requirements.txt"))
    );
    assert_eq!(find(&deps, "pytest").groups, vec!["dev"]);
    assert_eq!(find(&deps, "flask").groups, vec!["main"]);
    insta::assert_snapshot!("pipfile_lock", render(&deps));

    let roots = [Root {
        name: PackageName::new("flask"),
        group: "main".into(),
        marker: None,
    }];
    let deps = pipfile_lock::parse_with_roots(&text, "Pipfile.lock", &roots).unwrap();
    assert!(find(&deps, "flask").direct);
    assert!(!find(&deps, "werkzeug").direct);
}

#[test]
fn pdm_lock_agrees_with_pdm_export() {
    let deps = pdm_lock::parse(&fixture("pdm/pdm.lock"), "pdm.lock").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("pdm/expected-pdm-export.txt"))
    );
    assert_eq!(find(&deps, "django").groups, vec!["django"]);
    assert_eq!(find(&deps, "colorama").groups, vec!["main", "dev"]);
    assert_eq!(find(&deps, "jinja2").via, vec![PackageName::new("flask")]);
    insta::assert_snapshot!("pdm_lock", render(&deps));
}

#[test]
fn uv_pylock_agrees_with_uv_export() {
    let deps = pylock::parse(&fixture("pylock-uv/pylock.toml"), "pylock.toml").unwrap();
    assert_eq!(
        pins(&deps),
        expected_pins(&fixture("pylock-uv/expected-uv-export.txt"))
    );
    assert_eq!(find(&deps, "helper").kind, DependencyKind::Path);
    insta::assert_snapshot!("pylock_uv", render(&deps));
}

#[test]
fn pip_pylock_agrees_with_pip_install_report() {
    let deps = pylock::parse(&fixture("pylock-pip/pylock.toml"), "pylock.toml").unwrap();
    let mut expected = expected_pins(&fixture("pylock-pip/expected-pip-install-report.txt"));
    // pip's report includes the project itself, which is no dependency.
    expected.retain(|(name, _)| name != "demo");
    assert_eq!(pins(&deps), expected);
    assert!(deps.iter().all(|d| d.name.as_str() != "demo"));
    insta::assert_snapshot!("pylock_pip", render(&deps));
}

#[test]
fn parsers_are_found_by_file_name() {
    for (dir, file) in [
        ("uv", "uv.lock"),
        ("poetry-2.x", "poetry.lock"),
        ("pipenv", "Pipfile.lock"),
        ("pdm", "pdm.lock"),
        ("pylock-pip", "pylock.toml"),
    ] {
        let format = Format::discover(Path::new(file)).expect("a format");
        assert!(format.is_lockfile(), "{file}");
        let deps =
            pyward_inventory::parse_text(format, &fixture(&format!("{dir}/{file}")), file).unwrap();
        assert!(deps.len() > 10, "{dir}/{file}");
        assert!(deps.iter().all(|d| d.source == file));
    }
}

#[test]
fn bad_lockfiles_name_the_version_or_line() {
    let cases: [(&str, lockfile::LockParser, Option<u32>, &str); 10] = [
        (
            "uv-future-version.lock",
            uv_lock::parse,
            Some(1),
            "uv.lock version 2 is not supported",
        ),
        ("uv-syntax-error.lock", uv_lock::parse, Some(7), ""),
        ("uv-wrong-type.lock", uv_lock::parse, Some(8), ""),
        (
            "poetry-future-version.lock",
            poetry_lock::parse,
            Some(7),
            "lock-version 3.0",
        ),
        ("poetry-syntax-error.lock", poetry_lock::parse, Some(6), ""),
        (
            "Pipfile-future-spec.lock",
            pipfile_lock::parse,
            Some(4),
            "pipfile-spec 7",
        ),
        (
            "Pipfile-syntax-error.lock",
            pipfile_lock::parse,
            Some(6),
            "",
        ),
        (
            "pdm-future-version.lock",
            pdm_lock::parse,
            Some(3),
            "lock_version 5.0",
        ),
        (
            "pylock-future-version.toml",
            pylock::parse,
            Some(1),
            "lock-version 2.0",
        ),
        ("pylock-syntax-error.toml", pylock::parse, Some(6), ""),
    ];
    let mut messages = String::new();
    for (file, parse, line, needle) in cases {
        let err = parse(&fixture(&format!("errors/{file}")), file).unwrap_err();
        assert_eq!(err.line, line, "{file}: {err}");
        assert!(err.message.contains(needle), "{file}: {err}");
        let _ = writeln!(messages, "{file}: {err}");
    }
    insta::assert_snapshot!("lockfile_errors", messages);
}

/// The whole graph, not one chain: every direct package is an edge from
/// the project, every other package is required by some locked package,
/// and every edge joins two locked packages.
#[test]
fn locks_keep_their_whole_graph() {
    for (dir, file) in [
        ("uv", "uv.lock"),
        ("uv-workspace", "uv.lock"),
        ("poetry-1.1", "poetry.lock"),
        ("poetry-2.x", "poetry.lock"),
        ("pdm", "pdm.lock"),
        ("pylock-uv", "pylock.toml"),
    ] {
        let format = Format::discover(Path::new(file)).expect("a format");
        let text = fixture(&format!("{dir}/{file}"));
        let parsed =
            pyward_inventory::parse_document(format, &pyward_inventory::Document::new(&text, file))
                .unwrap();
        let nodes: BTreeSet<(&str, Option<&str>)> = parsed
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref()))
            .collect();
        fn node(r: &pyward_model::PackageRef) -> (&str, Option<&str>) {
            (r.name.as_str(), r.version.as_deref())
        }
        for edge in &parsed.graph {
            assert_eq!(edge.source, file);
            assert!(nodes.contains(&node(&edge.to)), "{dir}: {edge:?}");
            if let Some(from) = &edge.from {
                assert!(nodes.contains(&node(from)), "{dir}: {edge:?}");
            }
        }
        for d in &parsed.dependencies {
            let key = (d.name.as_str(), d.version.as_deref());
            let into: Vec<_> = parsed.graph.iter().filter(|e| node(&e.to) == key).collect();
            if d.direct {
                assert!(
                    into.iter().any(|e| e.from.is_none()),
                    "{dir}: {} not from the project",
                    d.name
                );
            } else {
                assert!(
                    into.iter().any(|e| e.from.is_some()),
                    "{dir}: nothing requires {}",
                    d.name
                );
            }
        }
        let package_edges = parsed.graph.iter().filter(|e| e.from.is_some()).count();
        let chains = parsed
            .dependencies
            .iter()
            .filter(|d| !d.via.is_empty())
            .count();
        // More edges than chains: a package two others require has both.
        assert!(package_edges >= chains, "{dir}");
        // Hashes are kept where the lock has them.
        assert!(
            parsed.dependencies.iter().any(|d| !d.hashes.is_empty()),
            "{dir}: no hashes"
        );
    }
}
