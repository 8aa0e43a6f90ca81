//! `pyward scan`: every scanner, one report.

use crate::support::{Pyward, example_app, stderr, stdout_json};

#[test]
fn example_project_has_every_kind_of_finding() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["scan", "--offline", "--format", "json"])
        .arg(example_app())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    let findings = report["findings"].as_array().unwrap();
    let has = |kind: &str, id: &str| findings.iter().any(|f| f["kind"] == kind && f["id"] == id);
    assert!(has("vulnerability", "PYSEC-2021-142"), "pyyaml 5.3");
    assert!(has("code", "B602"), "shell=True in app/views.py");
    assert!(has("code", "B506"), "yaml.load");
    assert!(has("secret", "aws-access-key-id"));

    let b602 = findings.iter().find(|f| f["id"] == "B602").unwrap();
    assert_eq!(b602["path"], "app/views.py");
    assert_eq!(b602["line"], 17);
    assert_eq!(b602["severity"], "high");
    assert_eq!(b602["confidence"], "high");
    assert_eq!(b602["rule"], "subprocess_popen_with_shell_equals_true");
}

#[test]
fn no_report_carries_a_secret_in_full() {
    let secret = "q7Hk2Zt9VbN4mLp0Xc8Rf3Ws6Yd1Ge5Ju2Ia7Ko9";
    let pyward = Pyward::new();
    for format in ["text", "json"] {
        let output = pyward
            .cmd()
            .args(["scan", "--offline", "--skip", "deps", "--format", format])
            .arg(example_app())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("aws-secret-access-key"), "{stdout}");
        assert!(!stdout.contains(secret), "{format} report leaks the secret");
        assert!(!stderr(&output).contains(secret));
    }
}

#[test]
fn text_report_of_the_example_dependencies() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        // From inside the project, as a user types it: the report names
        // files as `requirements.txt:5`, the same on every machine.
        .current_dir(example_app())
        .args(["deps", "--offline", "."])
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

/// `scan` runs the very scanners `deps`, `code` and `secrets` run, with the
/// same settings: the same findings, fingerprint for fingerprint, also
/// with a configured secrets baseline (which once resolved differently).
#[test]
fn scan_finds_what_each_single_command_finds() {
    let pyward = Pyward::new();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example_app(), dir.path());
    std::fs::create_dir_all(dir.path().join("ci")).unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.pyward.secrets]\nbaseline = \"ci/secrets.baseline\"\n",
    )
    .unwrap();
    // Baseline one of the secrets, so both runs must read it the same way.
    pyward
        .cmd()
        .args(["secrets", "--update-baseline"])
        .arg(dir.path().join("app/settings.py"))
        .arg("--config")
        .arg(dir.path().join("pyproject.toml"))
        .assert()
        .code(0);
    assert!(dir.path().join("ci/secrets.baseline").is_file());

    let run = |args: &[&str]| {
        let output = pyward
            .cmd()
            .args(args)
            .args(["--format", "json"])
            .arg(dir.path())
            .output()
            .unwrap();
        let report = stdout_json(&output);
        let prints = |key: &str| -> Vec<String> {
            let mut all: Vec<String> = report[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| format!("{} {}", f["id"], f["fingerprint"]))
                .collect();
            all.sort();
            all
        };
        (prints("findings"), prints("ignored"))
    };
    let (scan, scan_ignored) = run(&["scan", "--offline"]);
    let mut single = Vec::new();
    let mut single_ignored = Vec::new();
    let commands = [
        &["deps", "--offline"][..],
        &["licenses", "--offline"],
        &["code"],
        &["secrets"],
    ];
    for command in commands {
        let (found, ignored) = run(command);
        single.extend(found);
        single_ignored.extend(ignored);
    }
    single.sort();
    single_ignored.sort();
    assert_eq!(scan, single);
    assert_eq!(scan_ignored, single_ignored);
    assert!(!scan_ignored.is_empty(), "the baseline was read");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `pyward scan | head -1`: the reader goes away, the findings still
/// decide the exit status.
#[test]
fn a_closed_pipe_keeps_the_exit_status_of_the_findings() {
    let pyward = Pyward::new();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pyward"))
        .envs(pyward.cmd().get_envs().filter_map(|(k, v)| Some((k, v?))))
        .args(["scan", "--offline"])
        .arg(example_app())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[cfg(unix)]
#[test]
fn reports_are_written_with_the_users_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "").unwrap();
    let want = std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
    let report = dir.path().join("report.json");
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["code", "--format", "json", "-o"])
        .arg(&report)
        .arg(example_app().join("app"))
        .assert()
        .code(1);
    let got = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(got, want, "report mode {got:o}, a plain file {want:o}");
}

#[test]
fn output_that_would_replace_an_input_is_refused() {
    let dir = crate::support::project(&[("requirements.txt", "django==3.0.1\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "-o"])
        .arg(dir.path().join("requirements.txt"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("would replace"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap(),
        "django==3.0.1\n"
    );
}

/// `--write-baseline` then `--baseline`: only what is new is reported, for
/// every kind of finding.
#[test]
fn a_saved_report_is_a_baseline_for_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example_app(), dir.path());
    let baseline = dir.path().join("pyward-baseline.json");
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["scan", "--offline", "--write-baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(1);
    let output = pyward
        .cmd()
        .args(["scan", "--offline", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout_json(&output);
    assert!(report["findings"].as_array().unwrap().is_empty());
    let ignored = report["ignored"].as_array().unwrap();
    for kind in ["vulnerability", "code", "secret"] {
        assert!(ignored.iter().any(|f| f["kind"] == kind), "{kind}");
    }
    // A new problem is reported on its own.
    std::fs::write(dir.path().join("app/new.py"), "eval(input())\n").unwrap();
    let output = pyward
        .cmd()
        .args(["scan", "--offline", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["path"] == "app/new.py"),
        "{findings:?}"
    );
    // A file that is not a report is refused where no secrets scan reads it.
    pyward
        .cmd()
        .args(["deps", "--offline", "--baseline"])
        .arg(dir.path().join("requirements.txt"))
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a pyward JSON report"));
}

/// A dependency one typo away from a popular package is a finding of its
/// own, naming the package it imitates.
#[test]
fn a_look_alike_name_is_reported_with_what_it_imitates() {
    let dir =
        crate::support::project(&[("requirements.txt", "reqeusts==2.31.0\nrequests==2.31.0\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args([
            "scan",
            "--offline",
            "--format",
            "json",
            "--skip",
            "code,secrets",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    let squats: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "typosquat")
        .collect();
    assert_eq!(squats.len(), 1, "{squats:?}");
    assert_eq!(squats[0]["package"], "reqeusts");
    assert_eq!(squats[0]["similar_to"], "requests");
    assert!(
        report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "typosquat")
    );
}
