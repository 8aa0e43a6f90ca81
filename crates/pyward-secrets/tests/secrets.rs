//! The corpus test: every planted secret in `tests/corpus` is found, at
//! the line and with the detector its `TRUTH` file says, and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pyward_secrets::{Settings, scan_paths};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn truth() -> BTreeSet<(String, u32, String)> {
    let text = std::fs::read_to_string(corpus().join("TRUTH")).expect("TRUTH is committed");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.split('\t');
            let path = parts.next().expect("path").to_string();
            let number = parts.next().expect("line").parse().expect("line number");
            let id = parts.next().expect("detector").to_string();
            (path, number, id)
        })
        .collect()
}

#[test]
fn corpus_matches_ground_truth() {
    let root = corpus();
    let outcome = scan_paths(&[], &root, &Settings::default());
    let found: BTreeSet<(String, u32, String)> = outcome
        .findings
        .iter()
        .map(|f| {
            let l = f
                .location
                .as_ref()
                .expect("secret findings have a location");
            (l.path.clone(), l.line, f.id.clone())
        })
        .collect();
    let expected = truth();
    let missed: Vec<_> = expected.difference(&found).collect();
    let false_alarms: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "missed: {missed:#?}\nfalse alarms: {false_alarms:#?}"
    );
    assert_eq!(
        outcome.findings.len(),
        expected.len(),
        "one finding per planted secret"
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    // Every detector has at least one planted secret.
    for detector in pyward_secrets::detectors::REGISTRY {
        assert!(
            expected.iter().any(|(_, _, id)| id == detector.id),
            "no planted secret for {}",
            detector.id
        );
    }
}

#[test]
fn corpus_skips_binary_and_minified_files_and_says_so() {
    let root = corpus();
    let outcome = scan_paths(&[], &root, &Settings::default());
    let warnings = outcome.warnings.join("\n");
    assert!(warnings.contains("decoys/vendor.min.js"), "{warnings}");
    assert!(warnings.contains("decoys/bundle.js"), "{warnings}");
    // Binary files are skipped silently.
    assert!(!warnings.contains("blob.bin"), "{warnings}");
}

#[test]
fn no_finding_carries_a_secret_in_full() {
    let root = corpus();
    let outcome = scan_paths(&[], &root, &Settings::default());
    let json = serde_json::to_string(&outcome.findings).expect("findings serialize");
    for (path, line, _) in truth() {
        let text = std::fs::read_to_string(root.join(&path)).expect("corpus file");
        let line_text = text.lines().nth(line as usize - 1).expect("line exists");
        // Every run of 12 characters that could be part of a secret.
        for token in line_text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/_-=.".contains(c)))
        {
            if token.len() >= 12 && !token.contains("..") {
                let middle = &token[token.len() / 2 - 6..token.len() / 2 + 6];
                assert!(!json.contains(middle), "{path}:{line} leaks `{middle}`");
            }
        }
    }
}

#[test]
fn corpus_snapshot() {
    let root = corpus();
    let outcome = scan_paths(&[], &root, &Settings::default());
    let rows: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().expect("location");
            format!(
                "{}:{}:{} {} [{}/{}] {}",
                l.path,
                l.line,
                l.column,
                f.id,
                f.severity,
                f.confidence.map_or("-", |c| c.as_str()),
                f.message.as_deref().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"));
}

/// A GitHub-token-shaped string assembled at run time, so the test source
/// holds no token.
fn fake_github_token() -> String {
    let body: String = "Zq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU8".to_string();
    format!("{}_{body}", "ghp")
}

fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn git_available() -> bool {
    std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn history_reports_the_commit_that_added_a_secret() {
    if !git_available() {
        eprintln!("git is not installed; skipping the history test");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    let token = fake_github_token();
    git(repo, &["init", "-q", "-b", "main"], "2024-01-01T00:00:00Z");
    git(
        repo,
        &["config", "user.email", "t@example.org"],
        "2024-01-01T00:00:00Z",
    );
    git(repo, &["config", "user.name", "t"], "2024-01-01T00:00:00Z");
    let commit = |message: &str, date: &str| {
        git(repo, &["add", "-A"], date);
        git(repo, &["commit", "-q", "-m", message], date);
        git(repo, &["rev-parse", "HEAD"], date)
    };
    std::fs::write(repo.join("app.py"), "x = 1\n").expect("write");
    commit("first", "2024-01-01T00:00:00Z");
    std::fs::write(repo.join("app.py"), format!("x = 1\nTOKEN = \"{token}\"\n")).expect("write");
    // The same second as the next commit: order comes from parents.
    let added = commit("add token", "2024-01-02T00:00:00Z");
    std::fs::write(
        repo.join("app.py"),
        format!("import os\nx = 1\nTOKEN = \"{token}\"\n"),
    )
    .expect("write");
    std::fs::write(repo.join("notes.md"), "nothing here\n").expect("write");
    commit("move it", "2024-01-02T00:00:00Z");
    std::fs::write(
        repo.join("app.py"),
        "import os\nTOKEN = os.environ[\"TOKEN\"]\n",
    )
    .expect("write");
    commit("remove it", "2024-01-03T00:00:00Z");

    let working_tree = scan_paths(&[repo.to_path_buf()], repo, &Settings::default());
    assert!(
        working_tree.findings.is_empty(),
        "{:?}",
        working_tree.findings
    );

    let history = pyward_secrets::scan_history(repo, &Settings::default()).expect("history scan");
    assert_eq!(history.findings.len(), 1, "{:#?}", history.findings);
    let finding = &history.findings[0];
    let location = finding.location.as_ref().expect("location");
    assert_eq!(
        (finding.id.as_str(), location.path.as_str(), location.line),
        ("github-token", "app.py", 2)
    );
    assert_eq!(
        finding.secret().unwrap().commit.as_deref(),
        Some(added.as_str())
    );
    // Five distinct blobs: three versions of app.py, notes.md... and the
    // first app.py; each read once.
    assert_eq!(history.files_scanned, 5);
    let json = serde_json::to_string(&history.findings).expect("json");
    assert!(
        !json.contains(&token[4..]),
        "history findings leak the token"
    );
}

#[test]
fn history_outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error =
        pyward_secrets::scan_history(dir.path(), &Settings::default()).expect_err("no repo");
    assert!(error.to_string().contains("git history"), "{error}");
}

#[test]
fn baseline_hides_known_secrets_and_detect_secrets_baselines_match() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let token = fake_github_token();
    std::fs::write(
        root.join("a.py"),
        format!("TOKEN = \"{token}\"\npassword = \"Tr0ub4dor&3x\"\n"),
    )
    .expect("write");
    let first = scan_paths(&[root.to_path_buf()], root, &Settings::default());
    assert_eq!(first.findings.len(), 2);

    // pyward's own baseline, written and read back.
    let baseline_path = root.join(".secrets.baseline");
    pyward_secrets::write_baseline(&baseline_path, &first.findings, "test")
        .expect("write baseline");
    let settings = Settings {
        baseline: Some(pyward_secrets::Baseline::load(&baseline_path).expect("load")),
        ..Settings::default()
    };
    // Lines move; the baseline still matches.
    std::fs::write(
        root.join("a.py"),
        format!("\n\nTOKEN = \"{token}\"\npassword = \"Tr0ub4dor&3x\"\n"),
    )
    .expect("write");
    let second = scan_paths(&[root.join("a.py")], root, &settings);
    assert!(second.findings.is_empty(), "{:?}", second.findings);
    assert_eq!(second.baselined.len(), 2);

    // A detect-secrets baseline: matched by the SHA-1 of the secret.
    let detect_secrets = format!(
        r#"{{"version": "1.5.0", "plugins_used": [], "filters_used": [],
            "results": {{"a.py": [{{"type": "GitHub Token", "filename": "a.py",
            "hashed_secret": "{}", "is_verified": false, "line_number": 1}}]}},
            "generated_at": "2024-01-01T00:00:00Z"}}"#,
        pyward_secrets::sha1_hex(&token)
    );
    let settings = Settings {
        baseline: Some(
            pyward_secrets::Baseline::parse(Path::new(".secrets.baseline"), &detect_secrets)
                .expect("parse"),
        ),
        ..Settings::default()
    };
    let third = scan_paths(&[root.join("a.py")], root, &settings);
    let ids: Vec<&str> = third.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["password-assignment"]);
}

#[test]
fn unreadable_and_odd_files_are_named_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let token = fake_github_token();
    std::fs::write(
        root.join("latin1.py"),
        [b"x = '\xe9'\nT = \"".as_slice(), token.as_bytes(), b"\"\n"].concat(),
    )
    .expect("write");
    let long_line = format!("x = [{}]  T = \"{token}\"\n", "1, ".repeat(3000));
    std::fs::write(root.join("long.py"), long_line).expect("write");
    let missing = root.join("missing.py");
    let outcome = scan_paths(
        &[root.join("latin1.py"), root.join("long.py"), missing],
        root,
        &Settings::default(),
    );
    let warnings = outcome.warnings.join("\n");
    assert!(
        warnings.contains("latin1.py") && warnings.contains("UTF-8"),
        "{warnings}"
    );
    assert!(
        warnings.contains("long.py") && warnings.contains("longer than"),
        "{warnings}"
    );
    assert_eq!(outcome.errors.len(), 1);
    assert!(outcome.errors[0].path.contains("missing.py"));
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    assert_eq!(
        outcome.findings[0]
            .location
            .as_ref()
            .map(|l| l.path.as_str()),
        Some("latin1.py")
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_not_followed() {
    let outside = tempfile::tempdir().expect("temp dir");
    let token = fake_github_token();
    std::fs::write(
        outside.path().join("secret.py"),
        format!("T = \"{token}\"\n"),
    )
    .expect("write");
    let tree = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        tree.path().join("link.py"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), tree.path().join("linkdir")).expect("symlink");
    let outcome = scan_paths(
        &[tree.path().to_path_buf()],
        tree.path(),
        &Settings::default(),
    );
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    let direct = scan_paths(
        &[tree.path().join("link.py")],
        tree.path(),
        &Settings::default(),
    );
    assert!(direct.findings.is_empty(), "{:?}", direct.findings);
    assert!(direct.warnings.join("\n").contains("symbolic link"));
}
