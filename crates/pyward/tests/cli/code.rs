//! `pyward code`: Bandit's checks and pyward's own, through the real binary.

use crate::support::{Pyward, example_app, project, stderr, stdout_json};

#[test]
fn findings_carry_rule_cwe_snippet_and_end_position() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["code", "--format", "json"])
        .arg(example_app())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stdout_json(&output);
    let b602 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "B602")
        .expect("shell=True in app/views.py");
    assert_eq!(b602["path"], "app/views.py");
    assert_eq!(b602["line"], 17);
    assert_eq!(b602["end_line"], 17);
    assert!(b602["end_column"].as_u64().unwrap() > b602["column"].as_u64().unwrap());
    assert_eq!(b602["cwe"], "CWE-78");
    assert!(b602["snippet"].as_str().unwrap().contains("shell=True"));
    let rule = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "B602")
        .expect("B602 in the rule catalogue");
    assert_eq!(rule["name"], "subprocess_popen_with_shell_equals_true");
    assert_eq!(rule["cwe"], "CWE-78");
    assert!(rule["help"].as_str().unwrap().contains("## What it does"));
}

#[test]
fn select_ignore_and_a_clean_file() {
    let dir = project(&[(
        "a.py",
        "import subprocess\nsubprocess.call('ls', shell=True)\nassert x\n",
    )]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args([
            "code", "--format", "json", "--select", "B6", "--ignore", "B602",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"B602") && !ids.contains(&"B101"), "{ids:?}");
    assert!(
        ids.contains(&"B604") || ids.contains(&"B607") || ids.is_empty(),
        "{ids:?}"
    );

    let clean = project(&[("ok.py", "print('hello')\n")]);
    pyward.cmd().arg("code").arg(clean.path()).assert().code(0);
}

#[test]
fn a_file_that_does_not_parse_is_exit_2_unless_keep_going() {
    let dir = project(&[("bad.py", "def f(:\n"), ("good.py", "eval(x)\n")]);
    let pyward = Pyward::new();
    let output = pyward.cmd().arg("code").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bad.py:1"), "{}", stderr(&output));
    pyward
        .cmd()
        .args(["code", "--keep-going"])
        .arg(dir.path())
        .assert()
        .code(1);
}

#[test]
fn bandit_settings_are_announced_when_there_is_no_code_configuration() {
    let dir = project(&[
        (".bandit", "[bandit]\nskips = B101,B999\n"),
        ("a.py", "assert x\n"),
    ]);
    let pyward = Pyward::new();
    let output = pyward.cmd().arg("code").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("using Bandit's settings"), "{err}");
    assert!(err.contains("B999"), "{err}");
}

#[test]
fn unknown_format_stops_before_any_work() {
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["code", "--format", "bogus", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("bogus"), "{err}");
    assert!(!err.contains("nonexistent"), "no scanning happened: {err}");
}

#[test]
fn an_unwritable_output_stops_before_any_work() {
    let dir = project(&[("a.py", "eval(x)\n")]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["code", "-o", "/nonexistent-folder/report.json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot write the report"),
        "{}",
        stderr(&output)
    );
}

/// Teams leaving Ruff keep their suppressions: `# noqa: S602` is B602's.
#[test]
fn ruff_noqa_with_s_codes_is_honoured() {
    let dir = project(&[(
        "a.py",
        "import subprocess\nsubprocess.call(cmd, shell=True)  # noqa: S602\nsubprocess.call(cmd, shell=True)  # noqa: E501\n",
    )]);
    let pyward = Pyward::new();
    let output = pyward
        .cmd()
        .args(["code", "--format", "json", "--select", "B602"])
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout_json(&output);
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3]);
}

/// The two profiles on one file: `precise` drops a shell call that only a
/// constant reaches and keeps (with the path) one that a request reaches;
/// `bandit` reports both, as Bandit does, and ignores Ruff's `noqa`.
#[test]
fn profiles_precise_and_bandit() {
    let dir = project(&[(
        "views.py",
        "import subprocess\n\
         def constant():\n    subprocess.call('ls -l', shell=True)\n\
         def view(request):\n    subprocess.call(request.GET['cmd'], shell=True)\n\
         def hushed():\n    subprocess.call('ls', shell=True)  # noqa: S602\n",
    )]);
    let lines = |profile: &str| -> Vec<(String, u64)> {
        let output = Pyward::new()
            .cmd()
            .args([
                "code",
                "--format",
                "json",
                "--select",
                "B602",
                "--profile",
                profile,
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout_json(&output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(lines("precise"), vec![("B602".to_string(), 5)]);
    assert_eq!(
        lines("bandit"),
        vec![
            ("B602".to_string(), 3),
            ("B602".to_string(), 5),
            ("B602".to_string(), 7)
        ]
    );
    let output = Pyward::new()
        .cmd()
        .args(["code", "--profile", "loose"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a profile"),
        "{}",
        stderr(&output)
    );
}

/// `--report-unused-suppressions`: a `# nosec` that silences nothing is
/// PW001; one that silences a finding is not; without the flag, nothing.
#[test]
fn unused_suppressions_are_reported_on_request() {
    let dir = project(&[(
        "a.py",
        "import subprocess\n\
         subprocess.call('ls', shell=True)  # nosec B602\n\
         subprocess.run(['ls'])  # nosec B602\n",
    )]);
    let ids = |extra: &[&str]| -> Vec<(String, u64)> {
        let output = Pyward::new()
            .cmd()
            .args(["code", "--format", "json", "--profile", "bandit"])
            .args(extra)
            .arg(dir.path())
            .output()
            .unwrap();
        stdout_json(&output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let pw001 = |found: Vec<(String, u64)>| -> Vec<u64> {
        found
            .into_iter()
            .filter(|(id, _)| id == "PW001")
            .map(|(_, line)| line)
            .collect()
    };
    assert_eq!(pw001(ids(&["--report-unused-suppressions"])), vec![3]);
    assert!(pw001(ids(&[])).is_empty());
    // `scan` passes the flag on to its code scanner.
    let output = Pyward::new()
        .cmd()
        .args([
            "scan",
            "--offline",
            "--format",
            "json",
            "--profile",
            "bandit",
        ])
        .arg("--report-unused-suppressions")
        .arg(dir.path())
        .output()
        .unwrap();
    let lines: Vec<u64> = stdout_json(&output)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "PW001")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3]);
}
