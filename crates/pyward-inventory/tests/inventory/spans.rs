//! Where each dependency is written, for `pyward fix`, which rewrites
//! exactly those bytes: over the fixtures of every format, `text[span]` is
//! the requirement (or the lock's entry) and `text[version_span]` its
//! version (for a pin) or its constraint (otherwise).

use std::path::Path;
use std::str::FromStr;

use pep440_rs::Version;
use pyward_inventory::{Document, Format, parse_document};
use pyward_model::{Dependency, DependencyKind, PackageName};

use crate::fixtures;

/// (format id, fixture file, what the span holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A PEP 508 requirement string (requirements files, PEP 621 arrays,
    /// setup.cfg, PEP 723).
    Requirement,
    /// `name = ...` (Poetry, Pipfile tables).
    KeyValue,
    /// A lock's package entry.
    LockEntry,
    /// A Pipfile.lock package object.
    JsonEntry,
}

const CASES: &[(&str, &str, Shape)] = &[
    ("requirements", "requirements/pins.txt", Shape::Requirement),
    (
        "requirements",
        "requirements/continuation.txt",
        Shape::Requirement,
    ),
    (
        "requirements",
        "requirements/hashes.txt",
        Shape::Requirement,
    ),
    (
        "requirements",
        "requirements/markers_extras.txt",
        Shape::Requirement,
    ),
    (
        "requirements",
        "requirements/compiled/pip-compile.txt",
        Shape::Requirement,
    ),
    (
        "requirements",
        "requirements/compiled/pip-compile-hashes.txt",
        Shape::Requirement,
    ),
    (
        "requirements",
        "requirements/compiled/uv-pip-compile.txt",
        Shape::Requirement,
    ),
    (
        "pyproject.toml",
        "manifest/pyproject/uv_project.toml",
        Shape::Requirement,
    ),
    (
        "pyproject.toml",
        "manifest/pyproject/pep735_include.toml",
        Shape::Requirement,
    ),
    (
        "pyproject.toml",
        "manifest/pyproject/pdm_dev_dependencies.toml",
        Shape::Requirement,
    ),
    (
        "pyproject.toml",
        "manifest/pyproject/poetry1_shapes.toml",
        Shape::KeyValue,
    ),
    (
        "pyproject.toml",
        "manifest/pyproject/poetry1_init.toml",
        Shape::KeyValue,
    ),
    (
        "pyproject.toml",
        "manifest/pyproject/poetry2_init.toml",
        Shape::Requirement,
    ),
    (
        "setup.cfg",
        "manifest/setup_cfg/django_app.cfg",
        Shape::Requirement,
    ),
    (
        "setup.cfg",
        "manifest/setup_cfg/pyscaffold_putup.cfg",
        Shape::Requirement,
    ),
    (
        "Pipfile",
        "manifest/pipfile/advanced.Pipfile",
        Shape::KeyValue,
    ),
    (
        "Pipfile",
        "manifest/pipfile/pipenv_install.Pipfile",
        Shape::KeyValue,
    ),
    (
        "pep723",
        "manifest/pep723/pep_example.py",
        Shape::Requirement,
    ),
    (
        "pep723",
        "manifest/pep723/uv_add_script.py",
        Shape::Requirement,
    ),
    ("uv.lock", "lockfile/uv/uv.lock", Shape::LockEntry),
    ("uv.lock", "lockfile/uv-workspace/uv.lock", Shape::LockEntry),
    (
        "poetry.lock",
        "lockfile/poetry-1.1/poetry.lock",
        Shape::LockEntry,
    ),
    (
        "poetry.lock",
        "lockfile/poetry-1.8/poetry.lock",
        Shape::LockEntry,
    ),
    (
        "poetry.lock",
        "lockfile/poetry-2.x/poetry.lock",
        Shape::LockEntry,
    ),
    ("pdm.lock", "lockfile/pdm/pdm.lock", Shape::LockEntry),
    (
        "pylock.toml",
        "lockfile/pylock-pip/pylock.toml",
        Shape::LockEntry,
    ),
    (
        "pylock.toml",
        "lockfile/pylock-uv/pylock.toml",
        Shape::LockEntry,
    ),
    (
        "Pipfile.lock",
        "lockfile/pipenv/Pipfile.lock",
        Shape::JsonEntry,
    ),
];

/// The text without pip's line continuations (`\` and the newline).
fn joined(text: &str) -> String {
    text.replace("\\\r\n", "").replace("\\\n", "")
}

fn same_version(written: &str, version: &str) -> bool {
    match (
        Version::from_str(written.trim()),
        Version::from_str(version),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => written.trim() == version,
    }
}

fn check(text: &str, shape: Shape, d: &Dependency, what: &str) {
    let span = d
        .span
        .unwrap_or_else(|| panic!("{what}: `{}` has no span", d.name));
    let written = &text[span.range()];
    match shape {
        Shape::Requirement => {
            let requirement = joined(written);
            let name_end = requirement
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(requirement.len());
            // Unnamed requirements (URLs, paths) carry their name elsewhere.
            if d.kind == DependencyKind::Registry {
                assert_eq!(
                    PackageName::new(&requirement[..name_end]),
                    d.name,
                    "{what}: span holds `{written}`"
                );
            }
            // Sources (`[tool.uv.sources]`) rewrite the requirement of
            // what they redirect; an index requirement is as written.
            if let Some(requirement_text) = d
                .requirement
                .as_ref()
                .filter(|_| d.kind == DependencyKind::Registry)
            {
                assert_eq!(requirement.trim(), requirement_text, "{what}");
            }
        }
        Shape::KeyValue => {
            let key = written
                .split(['=', ' '])
                .next()
                .unwrap_or_default()
                .trim_matches(['"', '\'']);
            assert_eq!(PackageName::new(key), d.name, "{what}: `{written}`");
        }
        Shape::LockEntry => {
            assert!(written.starts_with("[[package"), "{what}: `{written}`");
            assert!(
                written.contains(&format!("\"{}\"", d.name))
                    || written.to_lowercase().contains(d.name.as_str()),
                "{what}"
            );
        }
        Shape::JsonEntry => {
            assert!(written.starts_with('{') && written.ends_with('}'), "{what}");
        }
    }
    match (&d.version, d.version_span) {
        (Some(version), Some(version_span)) => {
            let written = &text[version_span.range()];
            assert!(
                same_version(written, version),
                "{what}: `{}` version span holds `{written}`, not {version}",
                d.name
            );
            assert!(
                span.start <= version_span.start && version_span.end <= span.end,
                "{what}"
            );
        }
        (Some(version), None) => {
            panic!("{what}: `{}` {version} has no version span", d.name);
        }
        (None, Some(version_span)) => {
            // A constraint: the specifiers as written, never empty.
            let written = &text[version_span.range()];
            assert!(!written.trim().is_empty(), "{what}");
            assert!(
                !written.contains('\n') || written.contains('\\'),
                "{what}: `{written}`"
            );
        }
        (None, None) => {}
    }
}

#[test]
fn spans_hold_the_requirement_and_its_version_in_every_format() {
    let mut seen_formats = std::collections::BTreeSet::new();
    for &(id, file, shape) in CASES {
        let format = Format::by_id(id).expect("registered");
        let path = fixtures(file);
        let text = std::fs::read_to_string(&path).expect("fixture");
        let name = Path::new(file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(file);
        let parsed = parse_document(format, &Document::new(&text, name))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!parsed.dependencies.is_empty(), "{file}");
        for dependency in &parsed.dependencies {
            check(&text, shape, dependency, file);
            if dependency.version_span.is_some() {
                seen_formats.insert(id);
            }
        }
    }
    // Every format but conda's (whose `pip:` lines are rebuilt before
    // parsing) is covered, with version spans.
    let all: std::collections::BTreeSet<&str> = Format::all()
        .map(Format::id)
        .filter(|id| *id != "environment.yml")
        .collect();
    assert_eq!(seen_formats, all);
}

/// `fix` rewrites the version bytes and nothing else: doing so on a copy
/// gives the same file with the new version.
#[test]
fn rewriting_the_version_span_changes_only_the_version() {
    let text = "django==3.0.1 \\\n    --hash=sha256:00\nflask>=2.0 ; python_version < '3.12'\n";
    let parsed = parse_document(
        Format::REQUIREMENTS,
        &Document::new(text, "requirements.txt"),
    )
    .expect("valid");
    let django = &parsed.dependencies[0];
    let span = django.version_span.expect("pinned");
    let rewritten = format!("{}{}{}", &text[..span.start], "3.2.25", &text[span.end..]);
    assert_eq!(
        rewritten,
        "django==3.2.25 \\\n    --hash=sha256:00\nflask>=2.0 ; python_version < '3.12'\n"
    );
    assert_eq!(django.hashes.len(), 1);
    let flask = &parsed.dependencies[1];
    assert_eq!(&text[flask.version_span.expect("range").range()], ">=2.0");
    assert_eq!(
        &text[flask.span.expect("span").range()],
        "flask>=2.0 ; python_version < '3.12'"
    );
}

#[test]
fn a_requirement_split_over_lines_spans_them() {
    let text = "django\\\n==3.0.1\n";
    let parsed =
        parse_document(Format::REQUIREMENTS, &Document::new(text, "r.txt")).expect("valid");
    let d = &parsed.dependencies[0];
    assert_eq!(&text[d.span.expect("span").range()], "django\\\n==3.0.1");
    assert_eq!(&text[d.version_span.expect("version").range()], "3.0.1");
}
