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

#[test]
fn config_fail_on_applies() {
    let dir = project(&[
        ("requirements.txt", "jinja2==2.10\n"),
        (
            "pyward.toml",
            "fail-on = \"critical\"\nmin-severity = \"critical\"\n",
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
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "critical")
    );
    let expected = if report["findings"].as_array().unwrap().is_empty() {
        0
    } else {
        1
    };
    assert_eq!(output.status.code(), Some(expected));
}
