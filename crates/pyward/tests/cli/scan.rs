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
        .args(["deps", "--offline"])
        .arg(example_app())
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}
