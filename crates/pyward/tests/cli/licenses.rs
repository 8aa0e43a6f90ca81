//! `pyward licenses` and the license findings of `scan`, against a
//! loopback server standing in for PyPI's JSON API.

use crate::support::{FakeServer, Pyward, project, stderr, stdout_json};

fn pypi() -> FakeServer {
    let info = |expression: &str, classifier: &str| {
        format!(
            "{{\"info\": {{\"license_expression\": {expression}, \"license\": null, \"classifiers\": [{classifier}]}}}}"
        )
    };
    FakeServer::start(vec![
        (
            "/django/3.2.25/json".into(),
            info("null", "\"License :: OSI Approved :: BSD License\""),
        ),
        ("/pyqt5/5.15.10/json".into(), info("\"GPL-3.0-only\"", "")),
        ("/mystery/1.0/json".into(), info("null", "")),
    ])
}

#[test]
fn a_table_of_licenses_and_a_policy_that_denies_gpl() {
    let server = pypi();
    let dir = project(&[
        (
            "requirements.txt",
            "django==3.2.25\npyqt5==5.15.10\nmystery==1.0\n",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"app\"\nlicense = \"MIT\"\n\n[tool.pyward.licenses]\ndeny = [\"GPL-3.0-only\"]\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .env("PYWARD_PYPI_URL", &server.url)
        .arg("licenses")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .to_string()
    };
    assert!(row("django").contains("BSD-3-Clause"), "{text}");
    assert!(row("django").contains("permissive"), "{text}");
    assert!(row("pyqt5").contains("GPL-3.0-only"), "{text}");
    assert!(row("pyqt5").contains("strong-copyleft"), "{text}");

    let output = pyward
        .cmd()
        .env("PYWARD_PYPI_URL", &server.url)
        .args(["licenses", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let ids: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["package"].as_str().unwrap()))
        .collect();
    assert!(ids.contains(&("license-denied", "pyqt5")), "{ids:?}");
    assert!(ids.contains(&("license-missing", "mystery")), "{ids:?}");
    let django = report["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "django")
        .unwrap();
    assert_eq!(django["license"], "BSD-3-Clause");
    assert_eq!(django["license_category"], "permissive");
}

#[test]
fn without_a_policy_a_copyleft_dependency_of_an_mit_project_conflicts() {
    let server = pypi();
    let dir = project(&[
        ("requirements.txt", "pyqt5==5.15.10\n"),
        (
            "pyproject.toml",
            "[project]\nname = \"app\"\nlicense = \"MIT\"\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .env("PYWARD_PYPI_URL", &server.url)
        .args(["licenses", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    assert_eq!(report["findings"][0]["id"], "license-conflict", "{report}");
    assert_eq!(report["findings"][0]["license_category"], "strong-copyleft");
}

#[test]
fn offline_licenses_are_not_known_and_nothing_is_guessed() {
    let dir = project(&[("requirements.txt", "pyqt5==5.15.10\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .env("PYWARD_PYPI_URL", "http://127.0.0.1:9")
        .args(["licenses", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout_json(&output);
    assert!(report["findings"].as_array().unwrap().is_empty());
    assert!(report["dependencies"][0].get("license").is_none());
}

#[test]
fn an_index_that_is_down_is_a_warning_not_a_failure() {
    let dir = project(&[("requirements.txt", "pyqt5==5.15.10\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .env("PYWARD_PYPI_URL", "http://127.0.0.1:9")
        .args(["licenses", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("license is not known"),
        "{}",
        stderr(&output)
    );
}
