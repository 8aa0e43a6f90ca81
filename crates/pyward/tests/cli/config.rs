//! The policy file: ignores, `fail-on`, `min-severity`.

use crate::support::{Pyward, project, stderr, stdout_json};

#[test]
fn ignore_by_alias_moves_finding_to_ignored() {
    // PyYAML 5.3 has CVE-2020-14343 (PYSEC-2021-142); ignore it by its CVE.
    let dir = project(&[
        ("requirements.txt", "pyyaml==5.3\n"),
        (
            "pyward.toml",
            "[[ignore]]\nid = \"CVE-2020-14343\"\nreason = \"only trusted input\"\nexpires = \"2099-01-01\"\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let ignored = report["ignored"].as_array().unwrap();
    assert_eq!(ignored.len(), 1, "{}", stderr(&output));
    assert_eq!(ignored[0]["ignore_reason"], "only trusted input");
    for finding in report["findings"].as_array().unwrap() {
        assert!(
            !finding["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "CVE-2020-14343")
        );
    }
}

#[test]
fn unknown_config_key_exits_2_naming_it() {
    let dir = project(&[
        ("requirements.txt", "six==1.16.0\n"),
        ("pyproject.toml", "[tool.pyward]\nfail-onn = \"high\"\n"),
    ]);
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--offline"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("fail-onn"));
}

/// Most advisories of the built-in database have no severity: they fail
/// every threshold (`fail-on-unknown`, on by default), and `min-severity`
/// never hides them, so the README's own example configuration reports
/// Django 3.0.1's ten advisories and fails.
#[test]
fn unknown_severity_fails_every_threshold_and_is_never_hidden() {
    let dir = project(&[
        ("requirements.txt", "Django==3.0.1\n"),
        (
            "pyward.toml",
            "fail-on = \"high\"\nmin-severity = \"low\"\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    assert!(report["findings"].as_array().unwrap().len() >= 10);
    for fail_on in ["low", "high", "critical"] {
        pyward
            .cmd()
            .args(["deps", "--offline", "--fail-on", fail_on])
            .arg(dir.path())
            .assert()
            .code(1);
    }
    pyward
        .cmd()
        .args(["deps", "--offline", "--fail-on", "none"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn fail_on_unknown_off_and_min_severity_hide_with_a_count() {
    let dir = project(&[
        ("requirements.txt", "jinja2==2.10\n"),
        (
            "pyward.toml",
            "fail-on = \"critical\"\nfail-on-unknown = false\nmin-severity = \"critical\"\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args([
            "deps",
            "--offline",
            "--format",
            "json",
            "--min-severity",
            "critical",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout_json(&output);
    for finding in report["findings"].as_array().unwrap() {
        assert!(
            finding["severity"] == "critical" || finding["severity"] == "unknown",
            "{finding}"
        );
    }
    for ignored in report["ignored"].as_array().unwrap() {
        assert!(
            ignored["ignore_reason"]
                .as_str()
                .unwrap()
                .starts_with("below min-severity"),
            "{ignored}"
        );
    }
}

#[test]
fn fail_on_rejects_words_it_does_not_know() {
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--offline", "--fail-on", "severe", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("severe"));
}

#[test]
fn config_show_names_file_line_flag_and_default() {
    let dir = project(&[(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.pyward]\nfail-on = \"high\"\n\n[[tool.pyward.ignore]]\nid = \"PYSEC-1\"\nreason = \"not deployed\"\n",
    )]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["config", "--show", "--min-severity", "low"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} in {text}"))
            .to_string()
    };
    assert!(line("fail-on ").contains("pyproject.toml:5"), "{text}");
    assert!(line("ignore ").contains("pyproject.toml:7"), "{text}");
    assert!(line("min-severity").contains("--min-severity"), "{text}");
    assert!(line("fail-on-unknown").ends_with("# default"), "{text}");
}

#[test]
fn a_typo_in_a_key_names_line_and_the_nearest_key() {
    let dir = project(&[("pyward.toml", "fail-on = \"high\"\nmin-severty = \"low\"\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("pyward.toml"), "{err}");
    assert!(err.contains("line 2: unknown key `min-severty`"), "{err}");
    assert!(err.contains("did you mean `min-severity`?"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// A team moving from Safety keeps its decisions: `.safety-policy.yml` is
/// read, what maps is applied, Safety's own numeric ids are named.
#[test]
fn safety_policy_ignores_are_honoured() {
    let dir = project(&[
        ("requirements.txt", "pyyaml==5.3\n"),
        (
            ".safety-policy.yml",
            "security:\n  ignore-vulnerabilities:\n    39611:\n      reason: old safety id\n    CVE-2020-14343:\n      reason: only trusted input\n      expires: '2099-01-01'\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let ignored = report["ignored"].as_array().unwrap();
    assert!(
        ignored
            .iter()
            .any(|f| f["ignore_reason"] == "only trusted input"),
        "{ignored:?}"
    );
    let err = stderr(&output);
    assert!(err.contains("39611"), "{err}");
    assert!(err.contains("read Safety's policy"), "{err}");
}
