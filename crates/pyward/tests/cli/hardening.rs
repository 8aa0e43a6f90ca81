//! A scanned repository is untrusted: what it holds must not make pyward
//! read outside it, print secrets, or drive the terminal (issue 9).

use crate::support::{Pyward, project, stderr};

#[test]
fn a_configuration_that_is_not_toml_is_not_echoed() {
    let dir = project(&[
        ("requirements.txt", "six==1.16.0\n"),
        (
            "shadow",
            "root:$6$salt$Hunter2SecretHash:19000:0:99999:7:::\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--config"])
        .arg(dir.path().join("shadow"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(!err.contains("Hunter2SecretHash"), "{err}");
    assert!(!err.contains("root:"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[cfg(unix)]
#[test]
fn special_files_named_as_configuration_are_refused_at_once() {
    let pyward = Pyward::new();
    let dir = project(&[("requirements.txt", "six==1.16.0\n")]);
    pyward
        .cmd()
        .args(["deps", "--offline", "--config", "/dev/zero"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a regular file"));
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_are_escaped_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\x1b[2J\x1b[Hno findings.py";
    std::fs::write(dir.path().join(name), "def f(:\n").unwrap();
    let pyward = Pyward::new();
    let output = pyward.cmd().arg("code").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(!err.contains('\x1b'), "raw escape on stderr: {err:?}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
}

/// A dependency file that is a link out of the tree (`requirements.txt ->
/// /etc/passwd`) is named as not read, and the scan is incomplete (exit
/// 2); nothing of the target reaches the report. A link to a file inside
/// the tree is not followed either: the file is read at its own place.
#[cfg(unix)]
#[test]
fn dependency_files_linked_out_of_the_tree_are_named_not_read() {
    let outside = project(&[("secret.txt", "TOKEN-FROM-OUTSIDE==1.0\n")]);
    let dir = project(&[("requirements/base.txt", "six==1.16.0\n")]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("requirements.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "requirements/base.txt",
        dir.path().join("requirements-dev.txt"),
    )
    .unwrap();
    let output = Pyward::new()
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("TOKEN-FROM-OUTSIDE"), "{text}");
    assert!(!stderr(&output).contains("TOKEN-FROM-OUTSIDE"));
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "requirements.txt");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("symbolic link")
    );
    let names: Vec<&str> = report["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["six"]);
}
