//! Reachability: vulnerabilities of direct dependencies that first-party
//! code does not import are marked `reachable: false`, counted in the
//! summary and the noise figures, and pass the run with
//! `unreachable = "warn"` (fixtures in `tests/fixtures/reach`).

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{Pyward, stderr, stdout_json};

fn fixture(name: &str) -> PathBuf {
    crate::support::repo_root()
        .join("crates/pyward/tests/fixtures/reach")
        .join(name)
}

fn deps_json(pyward: &Pyward, args: &[&str], path: PathBuf) -> (Option<i32>, Value, String) {
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let report = stdout_json(&output);
    (output.status.code(), report, stderr(&output))
}

/// `reachable` of every vulnerability finding of `package`.
fn reachable_of<'a>(report: &'a Value, package: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability" && f["package"] == package)
        .map(|f| &f["reachable"])
        .collect()
}

fn noise(report: &Value) -> Vec<(String, u64, Option<u64>)> {
    report["noise"]
        .as_array()
        .unwrap_or_else(|| panic!("no noise in {report}"))
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["findings"].as_u64().unwrap(),
                s["unreachable"].as_u64(),
            )
        })
        .collect()
}

fn warn_config() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pyward.toml");
    std::fs::write(&path, "unreachable = \"warn\"\n").unwrap();
    (dir, path)
}

#[test]
fn packages_nothing_imports_are_marked_unreachable_in_json() {
    let pyward = Pyward::new();
    let (code, report, err) = deps_json(&pyward, &[], fixture("project"));
    assert_eq!(code, Some(1), "{err}");
    let django = reachable_of(&report, "django");
    assert!(!django.is_empty());
    assert!(
        django.iter().all(|r| **r == Value::Bool(false)),
        "{django:?}"
    );
    // Named only in `.venv/` and `build/`, which are not first-party.
    let jinja2 = reachable_of(&report, "jinja2");
    assert!(!jinja2.is_empty());
    assert!(jinja2.iter().all(|r| **r == Value::Bool(false)));
    let pyyaml = reachable_of(&report, "pyyaml");
    assert!(!pyyaml.is_empty());
    assert!(pyyaml.iter().all(|r| **r == Value::Bool(true)));
    // Reached through requests: not judged.
    let urllib3 = reachable_of(&report, "urllib3");
    assert!(!urllib3.is_empty());
    assert!(urllib3.iter().all(|r| r.is_null()), "{urllib3:?}");

    let yaml = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["package"] == "pyyaml")
        .unwrap();
    assert_eq!(yaml["reached_at"][0]["path"], "app/views.py");
    assert_eq!(yaml["reached_at"][0]["line"], 4);
    assert_eq!(yaml["reached_at"][0]["message"], "imports `yaml`");
    let one_django = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["package"] == "django")
        .unwrap();
    assert_eq!(
        one_django["reachability"],
        "no first-party module imports `django`"
    );

    // The reachability step counts them and, without `warn`, keeps them.
    let steps = noise(&report);
    let unreachable = (django.len() + jinja2.len()) as u64;
    let (last_before, _, _) = &steps[steps.len() - 2];
    let reach = steps.last().unwrap();
    assert_eq!(reach.0, "reachability", "{steps:?}");
    assert_eq!(reach.2, Some(unreachable), "{steps:?}");
    assert_eq!(
        reach.1,
        steps[steps.len() - 2].1,
        "{last_before}: {steps:?}"
    );
    assert!(
        err.contains(&format!(
            "{unreachable} findings on dependencies that first-party code does not reach"
        )),
        "{err}"
    );
}

#[test]
fn with_warn_the_noise_step_drops_unreachable_findings() {
    let pyward = Pyward::new();
    let (_dir, config) = warn_config();
    let (code, report, err) = deps_json(
        &pyward,
        &["--config", config.to_str().unwrap()],
        fixture("project"),
    );
    // PyYAML and requests are reached: still a failing run.
    assert_eq!(code, Some(1), "{err}");
    let steps = noise(&report);
    let reach = steps.last().unwrap();
    let before = &steps[steps.len() - 2];
    let unreachable = reach.2.unwrap();
    assert!(unreachable > 0);
    assert_eq!(reach.0, "reachability");
    assert_eq!(reach.1 + unreachable, before.1, "{steps:?}");
    // Still reported, marked.
    assert!(!reachable_of(&report, "django").is_empty());
}

#[test]
fn warn_passes_a_run_whose_findings_are_all_unreachable() {
    let pyward = Pyward::new();
    let (code, report, err) = deps_json(&pyward, &[], fixture("unused"));
    assert_eq!(code, Some(1), "{err}");
    assert!(
        reachable_of(&report, "django")
            .iter()
            .all(|r| **r == Value::Bool(false))
    );
    let (_dir, config) = warn_config();
    let (code, report, err) = deps_json(
        &pyward,
        &["--config", config.to_str().unwrap()],
        fixture("unused"),
    );
    assert_eq!(code, Some(0), "{err}");
    let django = reachable_of(&report, "django");
    assert!(!django.is_empty(), "the findings stay in the report");
    assert_eq!(noise(&report).last().unwrap().1, 0);
    assert!(err.contains("do not fail the run"), "{err}");
}

#[test]
fn the_text_report_says_what_is_unreachable() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline"])
        .arg(fixture("unused"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("unreachable: no first-party module imports `django`"),
        "{text}"
    );
    let summary = text.lines().last().unwrap();
    let count = reachable_of(&deps_json(&pyward, &[], fixture("unused")).1, "django").len();
    assert!(
        summary.contains(&format!("{count} unreachable")),
        "{summary}"
    );
}

/// Advisories that name the affected functions, in each way records
/// write them: ones the project calls (the call site named), ones it
/// does not.
#[test]
fn named_functions_are_checked_against_the_calls() {
    let pyward = Pyward::new();
    let db_dir = tempfile::tempdir().unwrap();
    let db = db_dir.path().join("osv.db");
    pyward
        .cmd()
        .args(["db", "import"])
        .arg(fixture("osv"))
        .arg("--db")
        .arg(&db)
        .assert()
        .code(0);
    let (code, report, err) = deps_json(
        &pyward,
        &["--db", db.to_str().unwrap()],
        fixture("functions"),
    );
    assert_eq!(code, Some(1), "{err}");
    let findings = report["findings"].as_array().unwrap();
    let by_id = |id: &str| {
        findings
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {report}"))
    };
    let not_called = by_id("PYSEC-2099-7");
    assert_eq!(not_called["reachable"], false);
    assert_eq!(not_called["affected_imports"][0], "demo_pkg.unsafe_load");
    assert!(
        not_called["reachability"]
            .as_str()
            .unwrap()
            .contains("nothing uses what the advisory names: `demo_pkg.unsafe_load`"),
        "{not_called}"
    );
    let called = by_id("PYSEC-2099-8");
    assert_eq!(called["reachable"], true);
    let call = &called["reached_at"][1];
    assert_eq!(call["path"], "main.py");
    assert_eq!(call["line"], 4);
    assert_eq!(call["column"], 1);
    assert_eq!(call["message"], "uses `demo_pkg.parser.parse`");
    // The PyPA database's `{"attribute", "modules"}`: one name per module.
    let pypa = by_id("PYSEC-2099-9");
    assert_eq!(pypa["reachable"], false, "{pypa}");
    assert_eq!(
        pypa["affected_imports"],
        serde_json::json!(["demo_pkg.dump", "demo_pkg.writer.dump"])
    );
    // GitHub's vulnerable functions (`affected_functions`).
    let github = by_id("GHSA-9999-cfgh-jmpq");
    assert_eq!(github["reachable"], true, "{github}");
    assert_eq!(github["affected_imports"][0], "demo_pkg.safe_load");
    let call = &github["reached_at"][1];
    assert_eq!(
        (&call["path"], &call["line"]),
        (&"main.py".into(), &5.into())
    );
    assert_eq!(call["message"], "uses `demo_pkg.safe_load`");
}

/// A plain audit of requirements alone (no Python code) judges nothing.
#[test]
fn requirements_without_code_are_not_judged() {
    let pyward = Pyward::new();
    let (code, report, err) = deps_json(&pyward, &[], fixture("unused").join("requirements.txt"));
    assert_eq!(code, Some(1), "{err}");
    // `unused/` holds `manage.py`: the file's folder is the project.
    assert!(
        reachable_of(&report, "django")
            .iter()
            .all(|r| **r == Value::Bool(false))
    );
    let dir = crate::support::project(&[("requirements.txt", "Django==3.0.1\n")]);
    let (_, report, _) = deps_json(&pyward, &[], dir.path().to_path_buf());
    assert!(reachable_of(&report, "django").iter().all(|r| r.is_null()));
    assert!(noise(&report).iter().all(|s| s.0 != "reachability"));
}

#[test]
fn config_show_names_the_unreachable_setting() {
    let pyward = Pyward::new();
    let (dir, config) = warn_config();
    let output = pyward
        .cmd()
        .args(["config", "--show", "--config"])
        .arg(&config)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("unreachable"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("\"warn\"") && line.contains("pyward.toml:1"),
        "{line}"
    );
}

/// `scan` reads the imports in the code scanner's pass, and judges as
/// `deps` does.
#[test]
fn scan_judges_as_deps_does() {
    let pyward = Pyward::new();
    let (_, deps, _) = deps_json(&pyward, &[], fixture("project"));
    let output = pyward
        .cmd()
        .args(["scan", "--offline", "--format", "json"])
        .arg(fixture("project"))
        .output()
        .unwrap();
    let scan = stdout_json(&output);
    let marks = |report: &Value| -> Vec<(String, String, Value, Value)> {
        let mut marks: Vec<_> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "vulnerability")
            .map(|f| {
                (
                    f["package"].as_str().unwrap().to_string(),
                    f["id"].as_str().unwrap().to_string(),
                    f["reachable"].clone(),
                    f["reached_at"].clone(),
                )
            })
            .collect();
        marks.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        marks
    };
    assert!(!marks(&deps).is_empty());
    assert_eq!(marks(&scan), marks(&deps), "{}", stderr(&output));
}
