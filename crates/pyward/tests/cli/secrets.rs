//! `pyward secrets`: keys and tokens in files, baselines.

use crate::support::{Pyward, project, stderr, stdout_json};

const TOKEN: &str = "ghp_R8bT4nX2qLmV7cZ9wK1sJ5hD3fG6yP0aE2uQ";

#[test]
fn finds_a_token_without_printing_it() {
    let dir = project(&[("app.py", &format!("TOKEN = \"{TOKEN}\"\n"))]);
    let pyward = Pyward::new();
    for format in ["text", "json"] {
        let output = pyward
            .cmd()
            .args(["secrets", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("github-token"), "{stdout}");
        assert!(!stdout.contains(TOKEN), "{format} leaks the token");
    }
    let report = stdout_json(
        &pyward
            .cmd()
            .args(["secrets", "--format", "json"])
            .arg(dir.path())
            .output()
            .unwrap(),
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["cwe"], "CWE-798");
    assert_eq!(finding["length"], 40);
    assert_eq!(report["rules"][0]["id"], "github-token");
}

#[test]
fn update_baseline_then_the_default_baseline_is_read() {
    let dir = project(&[("app.py", &format!("TOKEN = \"{TOKEN}\"\n"))]);
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["secrets", "--update-baseline"])
        .arg(dir.path())
        .assert()
        .code(0);
    assert!(dir.path().join(".secrets.baseline").is_file());
    // A plain run reads `.secrets.baseline` without being told.
    let output = pyward
        .cmd()
        .args(["secrets", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout_json(&output);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert!(
        report["ignored"][0]["ignore_reason"]
            .as_str()
            .unwrap()
            .contains("baseline")
    );
}

#[test]
fn a_configured_baseline_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("stolen.baseline");
    let dir = project(&[
        ("app.py", &format!("TOKEN = \"{TOKEN}\"\n")),
        (
            "pyproject.toml",
            &format!(
                "[tool.pyward.secrets]\nbaseline = \"{}\"\n",
                target.display()
            ),
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["secrets", "--update-baseline"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("outside"), "{}", stderr(&output));
    assert!(!target.exists(), "nothing written outside the tree");
}

#[test]
fn list_detectors() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["secrets", "--list-detectors"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("aws-access-key-id"), "{text}");
    assert!(text.lines().count() >= 20, "{text}");
}
