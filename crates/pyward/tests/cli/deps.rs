//! `pyward deps` on requirements files, with the built-in database.

use crate::support::{Pyward, example_app, project, stderr, stdout_json};

#[test]
fn example_project_findings_match_contract_json() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(example_app())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    assert_eq!(report["schema"], "pyward/1");
    assert_eq!(report["tool"]["name"], "pyward");
    assert_eq!(report["database"]["source"], "built-in");
    assert!(report["database"]["advisories"].as_u64().unwrap() > 2000);

    let findings = report["findings"].as_array().unwrap();
    // The advisories Python's `packaging` finds for django 3.0.1 in the
    // same PyPA snapshot (scripts/osv_crosscheck.py's rules).
    let mut django: Vec<&str> = findings
        .iter()
        .filter(|f| f["package"] == "django")
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    django.sort_unstable();
    assert_eq!(
        django,
        [
            "PYSEC-2020-31",
            "PYSEC-2020-32",
            "PYSEC-2020-33",
            "PYSEC-2020-34",
            "PYSEC-2020-35",
            "PYSEC-2020-36",
            "PYSEC-2021-6",
            "PYSEC-2021-9",
            "PYSEC-2021-98",
            "PYSEC-2021-99",
        ]
    );
    let look_alikes: Vec<&str> = findings
        .iter()
        .filter(|f| f["kind"] == "typosquat")
        .map(|f| f["package"].as_str().unwrap())
        .collect();
    assert_eq!(look_alikes, ["reqeusts"]);
    let findings: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["kind"] != "typosquat")
        .collect();
    for finding in &findings {
        assert_eq!(finding["kind"], "vulnerability");
        assert!(
            finding["fingerprint"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        assert!(
            ["critical", "high", "medium", "low", "unknown"]
                .contains(&finding["severity"].as_str().unwrap())
        );
        assert!(finding["fix_versions"].is_array());
    }
    // Never the same flaw twice: no finding's id is another's alias.
    let ids: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f["package"].as_str().unwrap(), f["id"].as_str().unwrap()))
        .collect();
    for finding in &findings {
        for alias in finding["aliases"].as_array().into_iter().flatten() {
            let pair = (
                finding["package"].as_str().unwrap(),
                alias.as_str().unwrap(),
            );
            assert!(!ids.contains(&pair), "{pair:?} reported twice");
        }
    }
    // The included file's pins are audited and named as their source.
    assert!(findings.iter().any(|f| {
        f["package"] == "flask"
            && f["source"]
                .as_str()
                .unwrap()
                .ends_with("requirements/base.txt")
    }));

    // Unpinned and URL requirements are listed, not dropped.
    let deps = report["dependencies"].as_array().unwrap();
    let gunicorn = deps.iter().find(|d| d["name"] == "gunicorn").unwrap();
    assert!(gunicorn["version"].is_null());
    assert!(deps.iter().any(|d| d["name"] == "internal-tools"));
    assert!(
        stderr(&output).contains("built-in"),
        "warns about the built-in database"
    );
}

#[test]
fn text_report_groups_by_package_and_sums_up() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline"])
        .arg(example_app().join("requirements.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("django 3.0.1  "), "{text}");
    assert!(text.contains("requirements.txt:"), "{text}");
    assert!(text.contains("Not audited by version"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(last.contains("packages audited"), "{last}");
    assert!(last.contains("vulnerable"), "{last}");
}

#[test]
fn fail_on_critical_passes_when_nothing_is_critical_or_unknown() {
    let dir = project(&[
        ("requirements.txt", "jinja2==2.10\n"),
        ("pyward.toml", "fail-on-unknown = false\n"),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args([
            "deps",
            "--offline",
            "--format",
            "json",
            "--fail-on",
            "critical",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    let any_critical = findings.iter().any(|f| f["severity"] == "critical");
    assert_eq!(output.status.code(), Some(if any_critical { 1 } else { 0 }));
}

#[test]
fn clean_project_exits_0() {
    let dir = project(&[("requirements.txt", "# nothing vulnerable\nsix==1.16.0\n")]);
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--offline"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("no findings"));
}

#[test]
fn malformed_requirement_names_file_and_line_and_exits_2() {
    let dir = project(&[("requirements.txt", "django==3.0.1\nflask===\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline"])
        .arg(dir.path().join("requirements.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("requirements.txt:2"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn keep_going_reports_the_rest() {
    let dir = project(&[
        ("a/requirements.txt", "django==3.0.1\n"),
        ("b/requirements.txt", "flask===\n"),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--keep-going", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["package"] == "django")
    );
}

#[test]
fn include_cycle_is_an_error_naming_the_chain() {
    let dir = project(&[
        ("requirements.txt", "-r more.txt\n"),
        ("more.txt", "-r requirements.txt\n"),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "-r"])
        .arg(dir.path().join("requirements.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("more.txt") && err.contains("requirements.txt"),
        "{err}"
    );
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = project(&[("requirements.txt", "django==3.0.1\n")]);
    let pyward = Pyward::new();
    let report_path = dir.path().join("report.json");
    pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json", "-o"])
        .arg(&report_path)
        .arg(dir.path().join("requirements.txt"))
        .assert()
        .code(1)
        .stdout("");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert!(!report["findings"].as_array().unwrap().is_empty());

    // A format this build does not write: exit 2, and no file appears.
    let missing = dir.path().join("never.json");
    pyward
        .cmd()
        .args(["deps", "--offline", "--format", "xml", "-o"])
        .arg(&missing)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown report format"));
    assert!(!missing.exists());
}

#[test]
fn missing_path_exits_2() {
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--offline", "/no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/no/such/folder"));
}

#[test]
fn bad_python_version_exits_2_naming_the_option() {
    let dir = project(&[("requirements.txt", "six==1.16.0\n")]);
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--offline", "--python-version", "three"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--python-version three"));
}

#[test]
fn markers_narrow_the_audit_to_the_platform_asked_for() {
    let dir = project(&[(
        "requirements.txt",
        "pywin32==300 ; sys_platform == 'win32'\njinja2==2.10 ; sys_platform == 'linux'\n",
    )]);
    let pyward = Pyward::new();
    let names = |platform: &str| -> Vec<String> {
        let output = pyward
            .cmd()
            .args([
                "deps",
                "--offline",
                "--format",
                "json",
                "--platform",
                platform,
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        let report = stdout_json(&output);
        report["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("linux"), ["jinja2"]);
    assert_eq!(names("windows"), ["pywin32"]);
}

#[test]
fn installed_environment_is_audited_with_its_own_section() {
    let dir = project(&[
        ("venv/pyvenv.cfg", "home = /usr/bin\nversion = 3.11.7\n"),
        (
            "venv/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n",
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--env"])
        .arg(dir.path().join("venv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("── environment"), "{text}");
    assert!(text.contains("jinja2 2.10"), "{text}");
}

#[test]
fn same_vulnerable_package_in_two_environments_is_reported_in_each() {
    let metadata = "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n";
    let dir = project(&[
        ("one/pyvenv.cfg", "version = 3.11.7\n"),
        (
            "one/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA",
            metadata,
        ),
        ("two/pyvenv.cfg", "version = 3.11.7\n"),
        (
            "two/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA",
            metadata,
        ),
    ]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json", "--env"])
        .arg(dir.path().join("one"))
        .arg("--env")
        .arg(dir.path().join("two"))
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let findings = report["findings"].as_array().unwrap();
    let environments: std::collections::BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["id"] == "PYSEC-2019-217")
        .map(|f| f["environment"].as_str().unwrap())
        .collect();
    assert_eq!(environments.len(), 2, "{findings:#?}");
    assert_eq!(report["environments"].as_array().unwrap().len(), 2);
}

/// Writing the report to a device must not replace the device with a
/// regular file (a temporary file renamed over `/dev/null` did).
#[cfg(unix)]
#[test]
fn output_to_dev_null_leaves_the_device_alone() {
    use std::os::unix::fs::FileTypeExt;
    let dir = project(&[("requirements.txt", "six==1.16.0\n")]);
    let pyward = Pyward::new();
    pyward
        .cmd()
        .args(["deps", "--offline", "-o", "/dev/null"])
        .arg(dir.path())
        .assert()
        .code(0);
    let kind = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null is no longer a device");
}

/// An unpinned requirement is not silent: what its range admits is said,
/// and when even the newest allowed version is vulnerable the advisories
/// affecting it are findings with `version: null`.
#[test]
fn unpinned_ranges_say_what_they_admit() {
    let dir = project(&[("requirements.txt", "django>=3.0,<3.1\npyyaml>=5.1\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    let dependency = |name: &str| {
        report["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .unwrap()
            .clone()
    };
    let django = dependency("django");
    assert_eq!(django["range"]["newest_allowed_safe"], false, "{django}");
    assert!(!django["range"]["admits"].as_array().unwrap().is_empty());
    let unpinned: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["package"] == "django")
        .collect();
    assert!(!unpinned.is_empty());
    assert!(unpinned.iter().all(|f| f["version"].is_null()));
    let pyyaml = dependency("pyyaml");
    assert_eq!(pyyaml["range"]["newest_allowed_safe"], true, "{pyyaml}");
    assert!(
        stderr(&output).contains("`pyyaml>=5.1`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn only_group_naming_no_group_is_exit_2() {
    let dir = project(&[(
        "pyproject.toml",
        "[project]\nname = \"app\"\ndependencies = [\"django==3.0.1\"]\n",
    )]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--only-group", "devv"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("devv"), "{}", stderr(&output));
}

/// Each step of the noise figures on a fixture where each step's effect is
/// known (the records in `crates/pyward-osv/tests/fixtures/osv`):
/// demo-pkg 1.0 matches 2 records of one flaw, 2.0 (Windows only) 2
/// records of 2 flaws, 1.3 (a dev requirement) 3 records of 2 flaws.
#[test]
fn noise_figures_count_every_step() {
    let pyward = Pyward::new();
    let db_dir = tempfile::tempdir().unwrap();
    let db = db_dir.path().join("osv.db");
    pyward
        .cmd()
        .args(["db", "import"])
        .arg(crate::support::repo_root().join("crates/pyward-osv/tests/fixtures/osv"))
        .arg("--db")
        .arg(&db)
        .assert()
        .code(0);
    let dir = project(&[
        (
            "requirements.txt",
            "demo-pkg==1.0\ndemo-pkg==2.0 ; sys_platform == \"win32\"\n",
        ),
        ("requirements-dev.txt", "demo-pkg==1.3\n"),
        (
            "vex.json",
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
                {"vulnerability": {"name": "CVE-2099-1"}, "products": [{"@id": "pkg:pypi/demo-pkg@1.0"}],
                 "status": "not_affected", "justification": "vulnerable_code_not_present"}]}"#,
        ),
    ]);
    let output = pyward
        .cmd()
        .args([
            "deps",
            "--offline",
            "--format",
            "json",
            "--platform",
            "linux",
            "--no-dev",
            "--vex",
        ])
        .arg(dir.path().join("vex.json"))
        .arg("--db")
        .arg(&db)
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let steps: Vec<(String, u64)> = report["noise"]
        .as_array()
        .unwrap_or_else(|| panic!("no noise in {report}"))
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("raw advisory matches", 7),
        ("aliases merged", 5),
        ("markers exclude the target", 3),
        ("--no-dev", 1),
        ("VEX", 0),
    ]
    .iter()
    .map(|(s, n)| (s.to_string(), *n))
    .collect();
    assert_eq!(steps, want, "{}", stderr(&output));
}

/// An unpinned requirement whose every allowed version is vulnerable is a
/// finding (`version: null`), and the noise figures count it: they end
/// where the findings do.
#[test]
fn noise_figures_count_unpinned_requirements_too() {
    let dir = project(&[("requirements.txt", "django==3.0.1\npip>=20,<23\n")]);
    let output = Pyward::new()
        .cmd()
        .args(["deps", "--offline", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let findings = report["findings"].as_array().unwrap();
    let unpinned = findings
        .iter()
        .filter(|f| f["package"] == "pip" && f["version"].is_null())
        .count();
    assert!(unpinned > 0, "{report}");
    let vulnerabilities = findings
        .iter()
        .filter(|f| f["kind"] == "vulnerability")
        .count();
    let steps = report["noise"].as_array().unwrap();
    assert_eq!(steps[0]["step"], "raw advisory matches");
    for step in steps {
        assert_eq!(
            step["findings"].as_u64(),
            Some(vulnerabilities as u64),
            "{step}"
        );
    }
}

/// `--format openvex` writes the policy file's decisions as VEX, and a
/// second project that reads it with `--vex` sets the same findings aside
/// while the findings nobody decided about stay.
#[test]
fn openvex_decisions_carry_to_another_run() {
    let decided = project(&[
        ("requirements.txt", "django==3.0.1\n"),
        (
            "pyward.toml",
            "[[ignore]]\nid = \"PYSEC-2021-9\"\nreason = \"the admin site is not deployed\"\n",
        ),
    ]);
    let pyward = Pyward::new();
    let vex = decided.path().join("decisions.openvex.json");
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "openvex", "-o"])
        .arg(&vex)
        .arg(decided.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&vex).unwrap()).unwrap();
    let statements = document["statements"].as_array().unwrap();
    let decision = statements
        .iter()
        .find(|s| s["vulnerability"]["name"] == "PYSEC-2021-9")
        .expect("the ignored advisory is a statement");
    assert_eq!(decision["status"], "not_affected");
    assert_eq!(
        decision["impact_statement"],
        "the admin site is not deployed"
    );
    assert_eq!(decision["products"][0]["@id"], "pkg:pypi/django@3.0.1");
    let affected = statements
        .iter()
        .filter(|s| s["status"] == "affected")
        .count();
    assert!(affected > 0);

    let other = project(&[("requirements.txt", "django==3.0.1\n")]);
    let output = pyward
        .cmd()
        .args(["deps", "--offline", "--format", "json", "--vex"])
        .arg(&vex)
        .arg(other.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let ignored: Vec<&str> = report["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ignored, ["PYSEC-2021-9"], "{}", stderr(&output));
    assert_eq!(report["findings"].as_array().unwrap().len(), affected);
}
