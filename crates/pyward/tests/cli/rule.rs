//! `pyward rule`: a rule's documentation.

use crate::support::Pyward;

#[test]
fn prints_a_rule_by_id_or_name() {
    let pyward = Pyward::new();
    for query in ["B602", "subprocess_popen_with_shell_equals_true"] {
        let output = pyward.cmd().args(["rule", query]).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("B602"), "{text}");
        assert!(text.contains("## What it does"), "{text}");
    }
}

#[test]
fn lists_every_rule_and_rejects_an_unknown_one() {
    let pyward = Pyward::new();
    let output = pyward.cmd().args(["rule", "--all"]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.lines().count() >= 75, "{text}");
    pyward
        .cmd()
        .args(["rule", "B999"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no rule `B999`"));
}
