//! `.pre-commit-hooks.yaml` as pre-commit reads it: every hook is
//! `language: rust` (pre-commit runs `cargo install --path .`, which
//! needs the root manifest to be the `pyward` package), the deps hook's
//! `files` pattern picks the files `pyward deps` finds, and each hook's
//! entry, run as pre-commit runs it (the entry, then the staged paths,
//! from the repository's root), fails on a problem and passes without.

use std::path::Path;

use pyward_inventory::Format;

use crate::support::{Pyward, project, repo_root, stderr};

struct Hook {
    id: String,
    entry: String,
    language: String,
    files: Option<String>,
}

fn hooks() -> Vec<Hook> {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).expect("the hooks file is YAML");
    let field = |hook: &serde_yaml_ng::Value, key: &str| {
        hook.get(key).and_then(|v| v.as_str()).map(str::to_string)
    };
    hooks
        .as_sequence()
        .expect("a list of hooks")
        .iter()
        .map(|hook| Hook {
            id: field(hook, "id").expect("an id"),
            entry: field(hook, "entry").expect("an entry"),
            language: field(hook, "language").expect("a language"),
            files: field(hook, "files"),
        })
        .collect()
}

fn hook(id: &str) -> Hook {
    hooks()
        .into_iter()
        .find(|h| h.id == id)
        .unwrap_or_else(|| panic!("no hook {id}"))
}

#[test]
fn every_hook_is_built_by_cargo_from_the_root_manifest() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["pyward-deps", "pyward-code", "pyward-secrets"]);
    for hook in &hooks {
        assert_eq!(hook.language, "rust", "{}", hook.id);
        assert!(hook.entry.starts_with("pyward "), "{}", hook.entry);
    }
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap()).unwrap();
    assert_eq!(manifest["package"]["name"].as_str(), Some("pyward"));
    let bins = manifest["bin"].as_array().expect("[[bin]]");
    assert!(bins.iter().any(|b| b["name"].as_str() == Some("pyward")));
}

#[test]
fn the_deps_hook_picks_the_files_pyward_deps_finds() {
    let pattern = hook("pyward-deps").files.expect("a files pattern");
    // pre-commit matches with Python's `re.search`; this pattern means
    // the same to the `regex` crate.
    let files = regex::Regex::new(&pattern).expect("the pattern compiles");
    let found = [
        "requirements.txt",
        "dev-requirements.txt",
        "requirements-dev.txt",
        "Requirements.txt",
        "sub/requirements.txt",
        "requirements/base.txt",
        "requirements/static/py3.7/linux.txt",
        "pyproject.toml",
        "services/api/pyproject.toml",
        "setup.cfg",
        "Pipfile",
        "Pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "pylock.toml",
        "pylock.dev.toml",
        "environment.yml",
        "environment.yaml",
    ];
    for path in found {
        assert!(
            Format::discover(Path::new(path)).is_some(),
            "pyward deps does not find {path}"
        );
        assert!(files.is_match(path), "the hook skips {path}");
    }
    // Named on the command line, pyward reads these too.
    for path in ["requirements.in", "requirements/base.in", "constraints.txt"] {
        assert!(Format::for_named_file(Path::new(path)).is_some(), "{path}");
        assert!(files.is_match(path), "the hook skips {path}");
    }
    for path in [
        "README.md",
        "notes.txt",
        "docs/requirements.rst",
        "pyproject.toml.orig",
        "setup.py",
        "app/environment.py",
    ] {
        assert!(!files.is_match(path), "the hook would pass {path}");
    }
}

/// The entry with the staged paths after it, from the project's root.
fn run_hook(pyward: &Pyward, hook: &Hook, root: &Path, staged: &[&str]) -> std::process::Output {
    let mut words = hook.entry.split_whitespace();
    assert_eq!(words.next(), Some("pyward"));
    pyward
        .cmd()
        .current_dir(root)
        .args(words)
        .args(staged)
        .output()
        .unwrap()
}

#[test]
fn each_hook_fails_on_a_problem_and_passes_without_one() {
    let pyward = Pyward::new();
    let dir = project(&[
        ("requirements/base.txt", "django==3.0.1\n"),
        ("requirements/clean.txt", "django==5.1.4\n"),
        (
            "app/run.py",
            "import subprocess\nsubprocess.call(input(), shell=True)\n",
        ),
        ("app/clean.py", "def add(a, b):\n    return a + b\n"),
        (
            "deploy/env.sh",
            "export AWS_ACCESS_KEY_ID=AKIAZ3MHKY4RQXBW7TEP\n",
        ),
        ("deploy/clean.sh", "export REGION=eu-west-1\n"),
    ]);
    let root = dir.path();
    for (id, bad, clean) in [
        (
            "pyward-deps",
            "requirements/base.txt",
            "requirements/clean.txt",
        ),
        ("pyward-code", "app/run.py", "app/clean.py"),
        ("pyward-secrets", "deploy/env.sh", "deploy/clean.sh"),
    ] {
        let hook = hook(id);
        let failed = run_hook(&pyward, &hook, root, &[bad, clean]);
        assert_eq!(
            failed.status.code(),
            Some(1),
            "{id} on {bad}: {}",
            stderr(&failed)
        );
        let report = String::from_utf8_lossy(&failed.stdout);
        assert!(report.contains(bad), "{id} names {bad}: {report}");
        let passed = run_hook(&pyward, &hook, root, &[clean]);
        assert_eq!(
            passed.status.code(),
            Some(0),
            "{id} on {clean}: {}",
            stderr(&passed)
        );
    }
}
