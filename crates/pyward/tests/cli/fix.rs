//! `pyward fix` on real projects' files (fixtures in
//! `crates/pyward-fix/tests/fixtures`), with the built-in database and no
//! network.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::{Pyward, project, repo_root, stderr, stdout_json};

/// An advisory of a pin: (package, version, id).
type Advisory = (String, String, String);

fn fixture(name: &str) -> PathBuf {
    repo_root()
        .join("crates/pyward-fix/tests/fixtures")
        .join(name)
}

/// A copy of a fixture project in a temporary folder.
fn copy_of(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture(name), dir.path());
    dir
}

/// Every file under `dir`, relative, with its text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// `changed FILE:LINE: PACKAGE OLD → NEW` lines of the output.
fn edits(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .filter(|line| line.contains(" → "))
        .filter_map(|line| line.strip_prefix("changed "))
        .map(|rest| {
            let (place, change) = rest.split_once(": ").unwrap();
            let file = place.split(':').next().unwrap().to_string();
            let words: Vec<&str> = change.split_whitespace().collect();
            assert_eq!(words[2], "→", "{rest}");
            (file, words[1].to_string(), words[3].to_string())
        })
        .collect()
}

/// `before` and `after` are the same but for the edits' versions: line by
/// line, once `--hash` options (removed with a moved pin) and the
/// continuations that led to them are set aside.
fn only_versions_changed(
    file: &str,
    before: &str,
    after: &str,
    edits: &[(String, String, String)],
) {
    let normal = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.trim_start().starts_with("--hash"))
            .map(|line| line.trim_end_matches('\\').trim_end().to_string())
            .collect()
    };
    let (before, after) = (normal(before), normal(after));
    assert_eq!(
        before.len(),
        after.len(),
        "{file}: lines were added or removed"
    );
    let mine: Vec<&(String, String, String)> = edits.iter().filter(|(f, _, _)| f == file).collect();
    let mut used = 0;
    for (old, new) in before.iter().zip(&after) {
        if old == new {
            continue;
        }
        let explained = mine
            .iter()
            .any(|(_, from, to)| old.replacen(from.as_str(), to, 1) == *new);
        assert!(explained, "{file}: `{old}` became `{new}`");
        used += 1;
    }
    assert_eq!(
        used,
        mine.len(),
        "{file}: every reported edit is in the file"
    );
}

/// The pins `pyward deps` reads, and its vulnerability findings as
/// (package, version, id).
fn audit(pyward: &Pyward, dir: &Path) -> (Vec<(String, String)>, BTreeSet<Advisory>) {
    let output = pyward
        .cmd()
        .current_dir(dir)
        .args(["deps", "--offline", "--format", "json", "."])
        .output()
        .unwrap();
    let json = stdout_json(&output);
    let pins = json["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| {
            Some((
                d["name"].as_str()?.to_string(),
                d["version"].as_str()?.to_string(),
            ))
        })
        .collect();
    let findings = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .map(|f| {
            (
                f["package"].as_str().unwrap().to_string(),
                f["version"].as_str().unwrap_or("").to_string(),
                f["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (pins, findings)
}

/// (package, version, id) of the `not fixable:` lines.
fn not_fixable(stdout: &str) -> BTreeSet<Advisory> {
    stdout
        .lines()
        .skip_while(|line| *line != "not fixable:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            (
                words[0].to_string(),
                words[1].to_string(),
                words[2].trim_end_matches(':').to_string(),
            )
        })
        .collect()
}

/// The `packaging`-based check (`scripts/fix_crosscheck.py`): the pins no
/// release known to the advisory data improves within the limit. Skipped,
/// with a message, without Python's `packaging` or the advisory data.
fn crosscheck(pins: &[(String, String)]) {
    let python = std::env::var_os("PYWARD_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    // The records of the packages the fixtures pin, from the snapshot the
    // built-in database is built from.
    let advisories = std::env::var_os("PYWARD_ADVISORY_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("crates/pyward/tests/fixtures/fix/pypa-advisory-db"));
    let usable = std::process::Command::new(&python)
        .args(["-c", "import packaging, yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !usable || !advisories.join("vulns").is_dir() {
        let why = format!(
            "the packaging cross-check needs {} with packaging and pyyaml (PYWARD_TEST_PYTHON) and the PyPA advisory records at {} (PYWARD_ADVISORY_DB)",
            python.display(),
            advisories.display()
        );
        assert!(
            std::env::var_os("PYWARD_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
            "{why} (PYWARD_REQUIRE_TOOLS=1; run scripts/test)"
        );
        eprintln!("skipping: {why}");
        return;
    }
    let request = serde_json::json!({"limit": "minor", "pins": pins});
    let output = assert_cmd::Command::new(&python)
        .arg(repo_root().join("scripts/fix_crosscheck.py"))
        .arg(&advisories)
        .write_stdin(request.to_string())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let improvable: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        improvable,
        serde_json::json!([]),
        "packaging finds fixable pins left"
    );
}

/// Fixes a copy of the fixture, then checks what the issue asks: only the
/// versions changed, `deps` finds nothing but what `fix` said it cannot
/// fix, and the independent check agrees.
fn fix_and_check(name: &str) -> String {
    let pyward = Pyward::new();
    let dir = copy_of(name);
    let before = files(dir.path());
    let (pins_before, _) = audit(&pyward, dir.path());
    let output = pyward
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "."])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let code = output.status.code();
    let unfixable = not_fixable(&stdout);
    assert_eq!(
        code,
        Some(if unfixable.is_empty() { 0 } else { 1 }),
        "{stdout}\n{}",
        stderr(&output)
    );
    let edits = edits(&stdout);
    assert!(!edits.is_empty(), "{stdout}");
    let after = files(dir.path());
    assert_eq!(
        before.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        after.iter().map(|(f, _)| f).collect::<Vec<_>>(),
        "no file added or removed (no temporary left)"
    );
    for ((file, old), (_, new)) in before.iter().zip(&after) {
        only_versions_changed(file, old, new, &edits);
    }
    let (pins, remaining) = audit(&pyward, dir.path());
    assert_eq!(pins.len(), pins_before.len());
    // The pin moved, so the advisories left are matched by package and id.
    let by_id = |set: &BTreeSet<(String, String, String)>| -> BTreeSet<(String, String)> {
        set.iter()
            .map(|(p, _, id)| (p.clone(), id.clone()))
            .collect()
    };
    let (remaining, unfixable) = (by_id(&remaining), by_id(&unfixable));
    assert!(
        remaining.is_subset(&unfixable),
        "left after fix but not reported as not fixable: {:?}",
        remaining.difference(&unfixable).collect::<Vec<_>>()
    );
    // A second run has nothing left to change.
    let again = pyward
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "."])
        .output()
        .unwrap();
    assert!(
        edits_of(&again).is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    crosscheck(&pins);
    stdout
}

fn edits_of(output: &std::process::Output) -> Vec<(String, String, String)> {
    edits(&String::from_utf8_lossy(&output.stdout))
}

#[test]
fn a_django_apps_requirements_files() {
    insta::assert_snapshot!(fix_and_check("django-app"));
}

#[test]
fn a_poetry_pyproject() {
    insta::assert_snapshot!(fix_and_check("poetry-app"));
}

#[test]
fn a_pdm_pyproject() {
    insta::assert_snapshot!(fix_and_check("pdm-app"));
}

// Real projects' files, as their sdists on PyPI ship them (provenance and
// licence in each fixture's README.md).

#[test]
fn salts_pip_compile_output_with_markers() {
    insta::assert_snapshot!(fix_and_check("salt-3000"));
}

#[test]
fn taskgraphs_pip_compile_multi_output_with_hashes() {
    insta::assert_snapshot!(fix_and_check("taskcluster-taskgraph-3.5.0"));
}

#[test]
fn lnbits_poetry_pyproject() {
    insta::assert_snapshot!(fix_and_check("lnbits-0.10.3.dev1"));
}

#[test]
fn home_assistants_pep_621_pyproject() {
    insta::assert_snapshot!(fix_and_check("homeassistant-2023.1.0"));
}

#[test]
fn dry_run_prints_a_diff_and_changes_nothing() {
    let dir = copy_of("poetry-app");
    let before = files(dir.path());
    let output = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "--dry-run", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(files(dir.path()), before);
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

/// A file named inside a folder: the diff names it from where pyward
/// ran (from the repository's top in a git repository), so `git apply`
/// applies it, and the scan's note gives the command with the path.
#[test]
fn a_named_file_is_shown_as_typed_and_its_diff_applies() {
    let dir = project(&[("requirements/base.txt", "django==3.0.1  # web\n")]);
    let git = |args: &[&str], cwd: &Path| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(cwd)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("git is installed");
        assert!(status.success(), "git {args:?}");
    };
    // `git apply`, from the project's folder, of the diff a `--dry-run`
    // printed (the lines before its summary).
    let patches = tempfile::tempdir().unwrap();
    let apply = |diff: &str| {
        let hunks: String = diff
            .lines()
            .take_while(|l| !l.starts_with("would "))
            .map(|l| format!("{l}\n"))
            .collect();
        let patch = patches.path().join("fix.patch");
        std::fs::write(&patch, hunks).unwrap();
        git(&["apply", patch.to_str().unwrap()], dir.path());
    };
    let output = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "--dry-run", "requirements/base.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        diff.starts_with("--- a/requirements/base.txt\n+++ b/requirements/base.txt\n"),
        "{diff}"
    );
    assert!(
        diff.contains("would change requirements/base.txt:1: django 3.0.1 → 3.1."),
        "{diff}"
    );
    apply(&diff);
    let fixed = std::fs::read_to_string(dir.path().join("requirements/base.txt")).unwrap();
    assert!(
        fixed.starts_with("django==3.1.") && fixed.ends_with("  # web\n"),
        "{fixed}"
    );

    // In a git repository the headers are relative to its top, as `git
    // diff` writes them, wherever in it pyward runs.
    std::fs::write(dir.path().join("requirements/base.txt"), "django==3.0.1\n").unwrap();
    git(&["init", "-q"], dir.path());
    let inside = Pyward::new()
        .cmd()
        .current_dir(dir.path().join("requirements"))
        .args(["fix", "--offline", "--dry-run", "base.txt"])
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&inside.stdout).into_owned();
    assert!(diff.starts_with("--- a/requirements/base.txt\n"), "{diff}");
    assert!(
        diff.contains("would change base.txt:1:"),
        "as typed: {diff}"
    );
    apply(&diff);
    let fixed = std::fs::read_to_string(dir.path().join("requirements/base.txt")).unwrap();
    assert!(fixed.starts_with("django==3.1."), "{fixed}");

    std::fs::write(dir.path().join("requirements/base.txt"), "django==3.0.1\n").unwrap();
    let scan = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["deps", "--offline", "-q", "requirements/base.txt"])
        .output()
        .unwrap();
    assert!(
        stderr(&scan).contains("run `pyward fix requirements/base.txt`"),
        "{}",
        stderr(&scan)
    );
}

#[test]
fn the_limit_decides_how_far_a_pin_moves() {
    let dir = project(&[("requirements.txt", "django==3.0.1\n")]);
    let run = |limit: &str| {
        let output = Pyward::new()
            .cmd()
            .current_dir(dir.path())
            .args(["fix", "--offline", "--dry-run", "--limit", limit, "."])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(
        run("patch").contains("django 3.0.1 → 3.0."),
        "{}",
        run("patch")
    );
    assert!(
        run("minor").contains("django 3.0.1 → 3.1."),
        "{}",
        run("minor")
    );
    let bad = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--limit", "huge", "."])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_file_that_does_not_parse_back_is_left_alone() {
    // A requirement just at the 16 KiB the inventory parses of one: one
    // more byte of version and it no longer reads.
    let head = "django==3.0.1 ; ";
    let clause = "python_version >= \"3\" and ";
    let last = "os_name != \"nt\"";
    let mut requirement = head.to_string();
    while requirement.len() + clause.len() + last.len() <= 16 * 1024 {
        requirement.push_str(clause);
    }
    requirement.push_str(last);
    while requirement.len() < 16 * 1024 {
        requirement.insert(head.len(), ' ');
    }
    assert_eq!(requirement.len(), 16 * 1024);
    let text = format!("# the service's pins\n{requirement}\nflask==2.0.0\n");
    let dir = project(&[("requirements.txt", &text)]);
    let output = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "."])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("requirements.txt: left untouched: the edited file has other unreadable entries than before"),
        "{err}"
    );
    assert!(err.contains("longer than 16 KiB"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
        text
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_requirements_file_is_not_written_through() {
    let dir = project(&[("shared/pins.txt", "django==3.0.1\n")]);
    std::os::unix::fs::symlink("shared/pins.txt", dir.path().join("requirements.txt")).unwrap();
    let output = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "requirements.txt"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout
            .contains("not changed requirements.txt:1: django 3.0.1: the file is a symbolic link"),
        "{stdout}"
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("requirements.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("shared/pins.txt")).unwrap(),
        "django==3.0.1\n"
    );
}

#[test]
fn nothing_to_fix_is_exit_zero() {
    let dir = project(&[(
        "requirements.txt",
        "# nothing vulnerable\nrequests==2.32.3\n",
    )]);
    let output = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["fix", "--offline", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "nothing to fix: no known vulnerability in a pinned dependency\n"
    );
}

#[test]
fn scan_says_what_fix_would_fix() {
    let dir = project(&[("requirements.txt", "django==3.0.1\nflask==0.12.2\n")]);
    let output = Pyward::new()
        .cmd()
        .current_dir(dir.path())
        .args(["deps", "--offline", "."])
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains(
            "note: 2 vulnerable pins can be upgraded to a fixed release: run `pyward fix`"
        ),
        "{}",
        stderr(&output)
    );
}
