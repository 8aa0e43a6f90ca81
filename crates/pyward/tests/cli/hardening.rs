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
