//! The rule harness: every rule's fixture fires exactly on its
//! `# expect: CODE` lines, and what it reports is pinned by a snapshot.
//! Also: the registry's invariants, `# nosec`, and the engine on whole
//! folders.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pyward_lint::{CodeConfig, Profile, Settings, all_rules, check_paths, check_source, rule_docs};
use pyward_model::Finding;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/fixtures")
}

/// `resources/fixtures/<family>/<CODE>.py`, whichever family folder has it.
fn fixture_for(code: &str) -> Option<PathBuf> {
    fixture_named(&format!("{code}.py"))
}

/// `resources/fixtures/<family>/<CODE>.precise.py`: how a data-dependent
/// Bandit check behaves in the precise profile.
fn precise_fixture_for(code: &str) -> Option<PathBuf> {
    fixture_named(&format!("{code}.precise.py"))
}

fn fixture_named(name: &str) -> Option<PathBuf> {
    let dir = fixtures_dir();
    let mut families: Vec<_> = std::fs::read_dir(&dir).ok()?.flatten().collect();
    families.sort_by_key(std::fs::DirEntry::path);
    families
        .into_iter()
        .map(|family| family.path().join(name))
        .find(|p| p.is_file())
}

/// Each fixture with the profile it runs in: `<CODE>.py` in the bandit
/// profile (Bandit's exact behaviour; the data-flow rules do not depend on
/// the profile), `<CODE>.precise.py` in the precise one.
fn fixtures_of(code: &str) -> Vec<(PathBuf, Profile, String)> {
    let mut out = Vec::new();
    if let Some(path) = fixture_for(code) {
        out.push((path, Profile::Bandit, code.to_string()));
    }
    if let Some(path) = precise_fixture_for(code) {
        out.push((path, Profile::Precise, format!("{code}_precise")));
    }
    out
}

/// Lines carrying `# expect: CODE` (several ids may follow, separated by
/// commas or spaces).
fn expected_lines(source: &str, code: &str) -> BTreeSet<u32> {
    let mut lines = BTreeSet::new();
    for (index, line) in source.lines().enumerate() {
        let Some(at) = line.find("# expect:") else {
            continue;
        };
        let ids = &line[at + "# expect:".len()..];
        let ids = ids.split('#').next().unwrap_or("");
        if ids
            .split(|c: char| c == ',' || c.is_whitespace())
            .any(|id| id == code)
        {
            lines.insert(u32::try_from(index + 1).unwrap());
        }
    }
    lines
}

fn run_fixture(code: &str, path: &Path, profile: Profile) -> (String, Vec<Finding>) {
    let source = std::fs::read_to_string(path).unwrap();
    let name = format!(
        "{}/{}",
        path.parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy(),
        path.file_name().unwrap().to_string_lossy()
    );
    // PW001 judges a suppression only when the rules it names ran.
    let settings = if code == "PW001" {
        Settings::default().with_unused_suppressions(true)
    } else {
        Settings::for_rules(&[code])
    }
    .with_profile(profile);
    let mut findings = check_source(&name, &source, &settings)
        .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
    findings.retain(|f| f.id == code);
    (source, findings)
}

/// What a user sees of each finding, for the snapshots.
fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let loc = f.location.as_ref().unwrap();
        out.push_str(&format!(
            "{}:{}:{}: {} [{}] severity={} confidence={}\n    {}\n",
            loc.path,
            loc.line,
            loc.column,
            f.id,
            f.rule.as_deref().unwrap_or(""),
            f.severity,
            f.confidence.map_or("-", |c| c.as_str()),
            f.message.as_deref().unwrap_or(""),
        ));
        let snippet = f
            .code()
            .and_then(|code| code.snippet.as_deref())
            .unwrap_or("");
        out.push_str(&format!("    | {snippet}\n"));
        for step in f.code().map(|c| c.flow.as_slice()).unwrap_or_default() {
            out.push_str(&format!(
                "    > {}:{}:{}: {}\n",
                step.path, step.line, step.column, step.message
            ));
        }
    }
    out
}

/// `PYWARD_RULE=B602 cargo test -p pyward-lint --test rules` runs one.
fn selected(code: &str) -> bool {
    std::env::var("PYWARD_RULE").map_or(true, |only| only.eq_ignore_ascii_case(code))
}

#[test]
fn every_fixture_fires_exactly_on_its_expect_lines() {
    let mut failures = Vec::new();
    for rule in all_rules().filter(|r| selected(r.code)) {
        for (path, profile, _) in fixtures_of(rule.code) {
            let (source, findings) = run_fixture(rule.code, &path, profile);
            let want = expected_lines(&source, rule.code);
            let got: BTreeSet<u32> = findings
                .iter()
                .map(|f| f.location.as_ref().unwrap().line)
                .collect();
            if want.is_empty() {
                failures.push(format!(
                    "{}: {} has no `# expect: {}` line",
                    rule.code,
                    path.display(),
                    rule.code
                ));
            }
            if want != got {
                let missing: Vec<_> = want.difference(&got).collect();
                let extra: Vec<_> = got.difference(&want).collect();
                failures.push(format!(
                    "{} ({}): missing lines {missing:?}, unexpected lines {extra:?}",
                    rule.code,
                    path.display()
                ));
            }
            if findings.iter().any(|f| f.id != rule.code) {
                failures.push(format!("{}: reported another rule's id", rule.code));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_fixture_matches_its_snapshot() {
    for rule in all_rules().filter(|r| selected(r.code)) {
        for (path, profile, snapshot) in fixtures_of(rule.code) {
            let (_, findings) = run_fixture(rule.code, &path, profile);
            insta::assert_snapshot!(snapshot, render(&findings));
        }
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let missing: Vec<_> = all_rules()
        .filter(|r| fixture_for(r.code).is_none())
        .map(|r| r.code)
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn rule_ids_and_names_are_unique() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in all_rules() {
        assert!(codes.insert(rule.code), "duplicate id {}", rule.code);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
        let well_formed = (rule.code.starts_with('B') || rule.code.starts_with("PW"))
            && rule
                .code
                .trim_start_matches(['B', 'P', 'W'])
                .chars()
                .all(|c| c.is_ascii_digit());
        assert!(well_formed, "bad id {}", rule.code);
    }
}

#[test]
fn every_doc_has_the_headings() {
    for rule in all_rules() {
        let docs = rule_docs(rule.code).unwrap();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead",
        ] {
            assert!(
                docs.contains(heading),
                "{}: docs lack `{heading}`",
                rule.code
            );
        }
        assert!(
            !docs.lines().any(|l| l.starts_with(" ##")),
            "{}: docs not unindented",
            rule.code
        );
    }
}

#[test]
fn every_rule_has_a_cwe() {
    for rule in all_rules() {
        let cwe = rule.cwe.unwrap_or_else(|| panic!("{}: no CWE", rule.code));
        let number = cwe.strip_prefix("CWE-").unwrap_or("");
        assert!(
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
            "{}: `{cwe}` is not a CWE id",
            rule.code
        );
    }
    // Bandit's own, for its checks (`bandit/plugins`, `blacklists`).
    for (code, cwe) in [
        ("B102", "CWE-78"),
        ("B307", "CWE-78"),
        ("B608", "CWE-89"),
        ("B703", "CWE-80"),
    ] {
        assert_eq!(pyward_lint::rule(code).unwrap().cwe, Some(cwe), "{code}");
    }
    // Findings carry their rule's.
    let findings = check_source("a.py", "exec(x)\n", &Settings::for_rules(&["B102"])).unwrap();
    assert_eq!(findings[0].cwe.as_deref(), Some("CWE-78"));
}

#[test]
fn data_flow_rules_document_their_examples_and_sanitisers() {
    for rule in all_rules().filter(|r| matches!(r.check, pyward_lint::Check::Flow(_))) {
        let docs = rule_docs(rule.code).unwrap();
        for heading in ["## Example", "Use instead:", "## Sanitisers it knows"] {
            assert!(
                docs.contains(heading),
                "{}: docs lack `{heading}`",
                rule.code
            );
        }
    }
}

#[test]
fn docs_by_id_and_by_name() {
    assert!(rule_docs("B101").unwrap().starts_with("## What it does"));
    assert_eq!(rule_docs("b101"), rule_docs("assert_used"));
    assert!(rule_docs("B999").is_none());
}

#[test]
fn finding_fields() {
    let source = "import os\n\ndef f():\n    assert os.x  # why\n";
    let findings = check_source("pkg/a.py", source, &Settings::for_rules(&["B101"])).unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["kind"], "code");
    assert_eq!(json["id"], "B101");
    assert_eq!(json["rule"], "assert_used");
    assert_eq!(json["severity"], "low");
    assert_eq!(json["confidence"], "high");
    assert_eq!(json["path"], "pkg/a.py");
    assert_eq!(json["line"], 4);
    assert_eq!(json["column"], 5);
    assert_eq!(json["end_line"], 4);
    assert_eq!(json["snippet"], "    assert os.x  # why");
    // The fingerprint survives lines added above.
    let moved = format!("# a new comment\n\n{source}");
    let again = check_source("pkg/a.py", &moved, &Settings::for_rules(&["B101"])).unwrap();
    assert_eq!(again[0].fingerprint, f.fingerprint);
    assert_ne!(again[0].location, f.location);
}

#[test]
fn severity_and_confidence_floors() {
    let config = CodeConfig {
        severity: Some(pyward_model::Severity::Medium),
        ..CodeConfig::default()
    };
    let settings = Settings::from_code_config(&config).unwrap();
    let findings = check_source("a.py", "assert x\nexec(y)\n", &settings).unwrap();
    let ids: Vec<_> = findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, vec!["B102"]);
}

#[test]
fn syntax_errors_name_the_line() {
    let err = check_source("bad.py", "x = 1\ndef f(:\n", &Settings::default()).unwrap_err();
    assert_eq!(err.path, "bad.py");
    assert_eq!(err.line, Some(2));
    assert!(err.message.starts_with("syntax error"), "{}", err.message);
}

#[test]
fn modern_syntax_parses() {
    let source = r#"
type Point[T] = tuple[T, T]
def first[T](xs: list[T]) -> T:
    return xs[0]
match command:
    case {"action": "run", **rest} if (n := len(rest)) > 0:
        pass
    case _:
        pass
name = "x"
print(f"{name!r:>{10}} {f"{name}"}")
"#;
    assert!(check_source("m.py", source, &Settings::default()).is_ok());
}

#[test]
fn check_paths_carries_on_after_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.py"), "assert x\n").unwrap();
    std::fs::write(dir.path().join("bad.py"), "def (\n").unwrap();
    std::fs::write(dir.path().join("latin1.py"), b"x = '\xe9'\n").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/c.py"), "exec(x)\n").unwrap();
    let outcome = check_paths(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::for_rules(&["B101", "B102"]),
    );
    assert_eq!(outcome.files_checked, 2);
    let found: Vec<_> = outcome
        .findings
        .iter()
        .map(|f| (f.location.as_ref().unwrap().path.as_str(), f.id.as_str()))
        .collect();
    assert_eq!(found, vec![("good.py", "B101"), ("sub/c.py", "B102")]);
    let errors: Vec<_> = outcome.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(errors, vec!["bad.py", "latin1.py"]);
}

#[test]
fn nosec_on_any_line_of_a_multi_line_call() {
    let source = "exec(\n    x,\n)  # nosec B102\nexec(\n    x,  # nosec B101\n)\n";
    let findings = check_source("a.py", source, &Settings::for_rules(&["B102"])).unwrap();
    let lines: Vec<_> = findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(lines, vec![4]);
}

#[test]
fn nosec_inside_strings_is_not_a_comment() {
    let source = "exec('# nosec')\n";
    let settings = Settings::for_rules(&["B102"]).with_profile(Profile::Bandit);
    let findings = check_source("a.py", source, &settings).unwrap();
    assert_eq!(findings.len(), 1);
}

mod never_panics {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_text(source in "\\PC{0,200}") {
            let _ = check_source("p.py", &source, &Settings::default());
        }

        #[test]
        fn on_python_like_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("import subprocess as sp\n"), Just("sp.Popen(x, shell=True)\n"),
                    Just("def f(a, password='x'):\n"), Just("    assert a\n"), Just("try:\n"),
                    Just("except:\n"), Just("    pass\n"), Just("exec(\n"), Just(")\n"),
                    Just("# nosec B1\n"), Just("f'{x}'\n"), Just("from os import *\n"),
                    Just("    "), Just("\"\"\"doc\n"), Just("lambda: __import__('pickle')\n"),
                ],
                0..30,
            )
        ) {
            let _ = check_source("p.py", &parts.concat(), &Settings::default());
        }
    }
}

#[test]
fn one_import_blacklist_finding_per_statement_as_bandit() {
    let source = "import os, subprocess, pickle\n";
    let ids = |settings: &Settings| -> Vec<String> {
        check_source("a.py", source, settings)
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect()
    };
    // Both match: only the first in id order reports, with its name.
    assert_eq!(ids(&Settings::for_rules(&["B403", "B404"])), vec!["B403"]);
    // With B403 switched off, B404 gets the statement (Bandit filters its
    // blacklist before matching).
    assert_eq!(ids(&Settings::for_rules(&["B404"])), vec!["B404"]);
}

#[test]
fn call_blacklist_through_every_import_form() {
    let source = "import xml.etree.ElementTree as ET\nfrom pickle import loads as l\nfrom subprocess import *\nET.parse(f)\nl(b)\n";
    let findings = check_source("a.py", source, &Settings::for_rules(&["B301", "B314"])).unwrap();
    let got: Vec<_> = findings
        .iter()
        .map(|f| (f.location.as_ref().unwrap().line, f.id.as_str()))
        .collect();
    assert_eq!(got, vec![(4, "B314"), (5, "B301")]);
    assert!(
        findings[0]
            .message
            .as_deref()
            .unwrap()
            .contains("xml.etree.ElementTree.parse")
    );
}

/// Deep input, end to end: within the depth limit the precise profile
/// reports what it cannot see into as Bandit does (the data-flow analysis
/// needs no deep stack, see `taint::file::tests`); past it the file is an
/// error, never an abort.
#[test]
fn deep_input_does_not_abort() {
    let nested_calls = |depth: usize| {
        format!(
            "import os\ndef f(request):\n    os.system({}request.GET['a']{})\n",
            "g(".repeat(depth),
            ")".repeat(depth)
        )
    };
    let long_sum = |terms: usize| {
        format!(
            "import os\ndef f(request):\n    os.system(request.GET['a']{})\n",
            " + a".repeat(terms)
        )
    };
    for source in [nested_calls(600), long_sum(1_000)] {
        let findings = check_source("deep.py", &source, &Settings::default()).unwrap();
        let lines: Vec<_> = findings
            .iter()
            .map(|f| (f.id.clone(), f.location.as_ref().unwrap().line))
            .collect();
        assert!(lines.contains(&("B605".to_string(), 3)), "{lines:?}");
    }
    for source in [nested_calls(100_000), long_sum(500_000)] {
        let error = check_source("deep.py", &source, &Settings::default()).unwrap_err();
        assert!(error.message.contains("too deeply nested"), "{error:?}");
    }
}
