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
    // See issue 9: binary files were skipped without a word.
    assert!(
        warnings.contains("skipped `decoys/blob.bin`: binary"),
        "{warnings}"
    );
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

/// A repository with a token in `sub/app.py` and another in `other.py`,
/// committed.
fn repository_with_two_secrets(repo: &Path) -> String {
    let token = fake_github_token();
    let date = "2024-01-01T00:00:00Z";
    git(repo, &["init", "-q", "-b", "main"], date);
    git(repo, &["config", "user.email", "t@example.org"], date);
    git(repo, &["config", "user.name", "t"], date);
    std::fs::create_dir_all(repo.join("sub")).expect("mkdir");
    std::fs::write(repo.join("sub/app.py"), format!("TOKEN = \"{token}\"\n")).expect("write");
    let other = format!("{}_{}", "ghp", "Yq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU9");
    std::fs::write(repo.join("other.py"), format!("T = \"{other}\"\n")).expect("write");
    git(repo, &["add", "-A"], date);
    git(repo, &["commit", "-q", "-m", "secrets"], date);
    token
}

// See issue 9: `--history` on a subfolder scanned the whole repository's
// history.
#[test]
fn history_of_a_subfolder_scans_only_that_folder() {
    if !git_available() {
        eprintln!("git is not installed; skipping the history test");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    repository_with_two_secrets(dir.path());
    let whole = pyward_secrets::scan_history(dir.path(), &Settings::default()).expect("history");
    assert_eq!(whole.findings.len(), 2, "{:#?}", whole.findings);
    let sub = pyward_secrets::scan_history(&dir.path().join("sub"), &Settings::default())
        .expect("history of a subfolder");
    let paths: Vec<&str> = sub
        .findings
        .iter()
        .map(|f| f.location.as_ref().expect("location").path.as_str())
        .collect();
    assert_eq!(paths, ["app.py"]);
    assert_eq!(sub.files_scanned, 1);
    // A folder the history never had: nothing, and no error.
    std::fs::create_dir(dir.path().join("new")).expect("mkdir");
    let new = pyward_secrets::scan_history(&dir.path().join("new"), &Settings::default())
        .expect("history of a new folder");
    assert_eq!(new.files_scanned, 0);
}

// See issue 9: `--history` followed a `.git` link or `gitdir:` file out of
// the tree.
#[cfg(unix)]
#[test]
fn history_refuses_a_git_folder_outside_the_tree() {
    if !git_available() {
        eprintln!("git is not installed; skipping the history test");
        return;
    }
    let elsewhere = tempfile::tempdir().expect("temp dir");
    repository_with_two_secrets(elsewhere.path());
    let tree = tempfile::tempdir().expect("temp dir");

    let linked = tree.path().join("linked");
    std::fs::create_dir(&linked).expect("mkdir");
    std::os::unix::fs::symlink(elsewhere.path().join(".git"), linked.join(".git"))
        .expect("symlink");
    let pointer = tree.path().join("pointer");
    std::fs::create_dir(&pointer).expect("mkdir");
    std::fs::write(
        pointer.join(".git"),
        format!("gitdir: {}\n", elsewhere.path().join(".git").display()),
    )
    .expect("write");
    for folder in [&linked, &pointer] {
        let error =
            pyward_secrets::scan_history(folder, &Settings::default()).expect_err("refused");
        assert!(
            matches!(error, pyward_secrets::SecretsError::GitDirOutside { .. }),
            "{error}"
        );
        assert!(error.to_string().contains("points outside"), "{error}");
    }

    // Borrowed objects (alternates) from elsewhere: refused too.
    let borrower = tree.path().join("borrower");
    std::fs::create_dir(&borrower).expect("mkdir");
    git(&borrower, &["init", "-q"], "2024-01-01T00:00:00Z");
    std::fs::write(
        borrower.join(".git/objects/info/alternates"),
        format!("{}\n", elsewhere.path().join(".git/objects").display()),
    )
    .expect("write");
    let error = pyward_secrets::scan_history(&borrower, &Settings::default()).expect_err("refused");
    assert!(
        matches!(error, pyward_secrets::SecretsError::GitDirOutside { .. }),
        "{error}"
    );

    // A `gitdir:` file that stays inside the folder is fine.
    let inside = tree.path().join("inside");
    std::fs::create_dir(&inside).expect("mkdir");
    repository_with_two_secrets(&inside);
    std::fs::rename(inside.join(".git"), inside.join("real-git")).expect("rename");
    std::fs::write(inside.join(".git"), "gitdir: real-git\n").expect("write");
    let found = pyward_secrets::scan_history(&inside, &Settings::default()).expect("history");
    assert_eq!(found.findings.len(), 2);
}

// See issue 9: a 1.5 GB blob in the history reached 3.1 GB of memory.
#[test]
fn history_skips_blobs_over_the_size_limit_by_their_header() {
    if !git_available() {
        eprintln!("git is not installed; skipping the history test");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    repository_with_two_secrets(dir.path());
    let date = "2024-01-02T00:00:00Z";
    let token = fake_github_token();
    std::fs::write(
        dir.path().join("big.txt"),
        format!("{}\nT = \"{token}x\"\n", "x".repeat(3 * 1024 * 1024)),
    )
    .expect("write");
    git(dir.path(), &["add", "-A"], date);
    git(dir.path(), &["commit", "-q", "-m", "big"], date);
    // Packed, so the size comes from a pack entry's header too.
    git(dir.path(), &["gc", "-q"], date);
    let settings = Settings {
        max_file_size: 1024 * 1024,
        ..Settings::default()
    };
    let found = pyward_secrets::scan_history(dir.path(), &settings).expect("history");
    assert_eq!(found.findings.len(), 2, "{:#?}", found.findings);
    let warnings = found.warnings.join("\n");
    assert!(
        warnings.contains("skipped `big.txt` at")
            && warnings.contains("over the 1048576 byte limit"),
        "{warnings}"
    );
}

/// The folder holding `detect-secrets` and `detect-secrets-hook`:
/// `DETECT_SECRETS_BIN` when set, else wherever `PATH` finds them.
fn detect_secrets_bin() -> Option<PathBuf> {
    let works = |dir: &Path| {
        std::process::Command::new(dir.join("detect-secrets"))
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"1.5"))
    };
    if let Some(dir) = std::env::var_os("DETECT_SECRETS_BIN").map(PathBuf::from) {
        return works(&dir).then_some(dir);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|dir| works(dir))
}

fn run_in(dir: &Path, program: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("runs")
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// (type, hashed_secret, line_number) of a file's entries, sorted.
fn entries_of(baseline: &serde_json::Value, file: &str) -> Vec<(String, String, u64)> {
    let mut entries: Vec<(String, String, u64)> = baseline["results"][file]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    (
                        e["type"].as_str().unwrap_or("").to_string(),
                        e["hashed_secret"].as_str().unwrap_or("").to_string(),
                        e["line_number"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

// See issue 11: `--update-baseline` on a detect-secrets baseline (21
// entries, 27 plugins) wrote 8 entries and `plugins_used: []`, and
// `detect-secrets-hook` then failed with "Invalid baseline".
#[test]
fn updated_baselines_stay_valid_for_detect_secrets() {
    let Some(bin) = detect_secrets_bin() else {
        eprintln!(
            "skipping: detect-secrets 1.5 is not installed (pip install detect-secrets==1.5.0, \
             or set DETECT_SECRETS_BIN to the folder holding it)"
        );
        return;
    };
    if !git_available() {
        eprintln!("skipping: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    git(repo, &["init", "-q"], "2024-01-01T00:00:00Z");
    let token = fake_github_token();
    let aws = format!("{}{}", "AKIA", "QYLPMN5HZQ7R4WXV");
    let a_py = format!("AWS = \"{aws}\"\npassword = \"Tr0ub4dor&3xyz\"\nTOKEN = \"{token}\"\n");
    std::fs::write(repo.join("a.py"), &a_py).expect("write");
    std::fs::create_dir(repo.join("other")).expect("mkdir");
    let other_token = format!("{}_{}", "ghp", "Wq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU7");
    std::fs::write(
        repo.join("other/c.py"),
        format!("SERVER = \"35.190.247.13\"\nT = \"{other_token}\"\n"),
    )
    .expect("write");
    git(repo, &["add", "-A"], "2024-01-01T00:00:00Z");
    let scan = run_in(repo, &bin.join("detect-secrets"), &["scan"]);
    assert!(
        scan.status.success(),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let baseline_path = repo.join(".secrets.baseline");
    std::fs::write(&baseline_path, &scan.stdout).expect("write baseline");
    let before = read_json(&baseline_path);
    let plugins = before["plugins_used"].as_array().map_or(0, Vec::len);
    assert!(plugins >= 20, "{plugins} plugins");

    // Code added above the secrets moves them down two lines; pyward scans
    // only `a.py` this time.
    std::fs::write(repo.join("a.py"), format!("import os\n\n{a_py}")).expect("write");
    let outcome = scan_paths(&[repo.join("a.py")], repo, &Settings::default());
    assert_eq!(outcome.findings.len(), 3, "{:#?}", outcome.findings);
    let update = pyward_secrets::update_baseline(&baseline_path, &outcome, "test").expect("update");
    assert_eq!(update.added, 0, "{update:?}");
    assert_eq!(update.removed, 0, "{update:?}");

    let after = read_json(&baseline_path);
    for key in ["plugins_used", "filters_used", "version", "generated_at"] {
        assert_eq!(after[key], before[key], "{key}");
    }
    // detect-secrets' entries are all still there: the file pyward did not
    // scan untouched, `a.py`'s with their new lines.
    assert_eq!(
        entries_of(&after, "other/c.py"),
        entries_of(&before, "other/c.py")
    );
    let moved: Vec<_> = entries_of(&before, "a.py")
        .into_iter()
        .map(|(kind, hash, line)| (kind, hash, line + 2))
        .collect();
    assert_eq!(entries_of(&after, "a.py"), moved);
    assert!(moved.len() >= 3, "{moved:?}");

    // detect-secrets reads it, finds nothing new and changes nothing.
    git(repo, &["add", "-A"], "2024-01-01T00:00:00Z");
    let hook = run_in(
        repo,
        &bin.join("detect-secrets-hook"),
        &["--baseline", ".secrets.baseline", "a.py", "other/c.py"],
    );
    assert_eq!(
        hook.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&hook.stdout),
        String::from_utf8_lossy(&hook.stderr)
    );

    // A baseline pyward writes from scratch is one detect-secrets loads:
    // its plugins and filters, every entry with a `hashed_secret`.
    let fresh = repo.join("fresh.baseline");
    let update = pyward_secrets::update_baseline(&fresh, &outcome, "test").expect("write");
    assert_eq!(update.added, 3);
    let written = read_json(&fresh);
    assert_eq!(written["plugins_used"], before["plugins_used"]);
    assert_eq!(written["filters_used"], before["filters_used"]);
    let text = std::fs::read_to_string(&fresh).expect("read");
    assert!(!text.contains("Tr0ub4dor"), "{text}");
    assert!(
        !text.contains(&pyward_secrets::sha1_hex("Tr0ub4dor&3xyz")),
        "a password's hash is written"
    );
    git(repo, &["add", "-A"], "2024-01-01T00:00:00Z");
    let hook = run_in(
        repo,
        &bin.join("detect-secrets-hook"),
        &["--baseline", "fresh.baseline", "a.py"],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&hook.stdout),
        String::from_utf8_lossy(&hook.stderr)
    );
    assert!(
        !said.contains("Invalid baseline") && !said.contains("Traceback"),
        "{said}"
    );
    // The tokens pyward listed under detect-secrets' names are known to it;
    // only the password (a pyward `password-assignment`, hashed as a
    // stand-in) is news to detect-secrets' keyword plugin.
    assert!(said.contains("Secret Keyword"), "{said}");
    assert!(!said.contains("Secret Type: GitHub Token"), "{said}");
    assert!(!said.contains("Secret Type: AWS Access Key"), "{said}");
}

// See issue 9: a project root that is itself a link lost its secrets
// (`scan` warned, `secrets` exited 0).
#[cfg(unix)]
#[test]
fn a_root_that_is_a_link_is_the_tree() {
    let real = tempfile::tempdir().expect("temp dir");
    let token = fake_github_token();
    std::fs::write(real.path().join("app.py"), format!("T = \"{token}\"\n")).expect("write");
    let dir = tempfile::tempdir().expect("temp dir");
    let link = dir.path().join("project");
    std::os::unix::fs::symlink(real.path(), &link).expect("symlink");
    let outcome = scan_paths(std::slice::from_ref(&link), &link, &Settings::default());
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    let paths: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.location.as_ref().expect("location").path.as_str())
        .collect();
    assert_eq!(paths, ["app.py"]);
}

// See issue 9: `secrets /dev/zero` used gigabytes and `secrets FIFO` hung.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo.env");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let outcome = scan_paths(
        &[
            fifo,
            PathBuf::from("/dev/zero"),
            PathBuf::from("/proc/self/environ"),
        ],
        dir.path(),
        &Settings::default(),
    );
    assert_eq!(outcome.files_scanned, 0);
    let errors: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors.iter().any(|e| e.contains("fifo.env: a FIFO")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("character device")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("virtual file system proc")),
        "{errors:?}"
    );
}

// See issue 9: UTF-16 files were skipped without a word.
#[test]
fn utf16_with_a_byte_order_mark_is_read_as_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = fake_github_token();
    let text = format!("x = 1\r\nTOKEN = \"{token}\"\r\n");
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let bomless: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.path().join("le.env"), le).expect("write");
    std::fs::write(dir.path().join("be.py"), be).expect("write");
    std::fs::write(dir.path().join("bomless.txt"), bomless).expect("write");
    std::fs::write(dir.path().join("data.bin"), b"\0\x01\x02 binary").expect("write");
    std::fs::write(dir.path().join("logo.png"), b"\x89PNG\r\n\x1a\n\0\0").expect("write");
    let outcome = scan_paths(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::default(),
    );
    let found: Vec<(&str, u32)> = outcome
        .findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().expect("location");
            (l.path.as_str(), l.line)
        })
        .collect();
    assert_eq!(found, [("be.py", 2), ("le.env", 2)]);
    let warnings = outcome.warnings.join("\n");
    assert!(
        warnings.contains("skipped `bomless.txt`: UTF-16 text without a byte-order mark"),
        "{warnings}"
    );
    assert!(
        warnings.contains("skipped `data.bin`: binary"),
        "{warnings}"
    );
    // Formats that are binary by design need no warning.
    assert!(!warnings.contains("logo.png"), "{warnings}");
}
