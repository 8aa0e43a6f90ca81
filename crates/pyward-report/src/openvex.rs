//! `--format openvex`: the team's decisions about its dependencies'
//! advisories as an OpenVEX 0.2.0 document, for the tools that read VEX
//! (and for `pyward --vex` on another project or in another pipeline).
//!
//! One statement per advisory and package version:
//! - a finding the policy file set aside (`[[ignore]]`, an inline ignore, a
//!   VEX document read with `--vex`) is `not_affected`, with the reason
//!   written there as the `impact_statement` (OpenVEX asks for a
//!   justification from its closed list *or* an impact statement; a
//!   person's reason is the second), and the closed-list justification too
//!   when the decision came from a VEX document that gave one;
//! - a finding that still stands is `affected`, with the upgrade that fixes
//!   it as the `action_statement`.
//!
//! Findings left out by something other than a decision (below
//! `min-severity`, known to a baseline) say nothing about the advisory and
//! are not written. Code, secret, licence and look-alike findings have no
//! VEX form and are not written either.

use std::collections::BTreeMap;
use std::io::{self, Write};

use pyward_model::{Finding, FindingKind, Report};
use serde_json::{Value, json};

use crate::RenderOptions;
use crate::package_url;

const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

/// OpenVEX's justifications, which a VEX document read with `--vex` may
/// have given (the engine quotes it in the finding's reason).
const JUSTIFICATIONS: [&str; 5] = [
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let document = build(report, &options.timestamp());
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

fn build(report: &Report, timestamp: &str) -> Value {
    // Keyed by (advisory, product), so that one advisory found through two
    // files is one statement; a decision wins over a finding that stands.
    let mut statements: BTreeMap<(String, String), Value> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| is_advisory(f)) {
        if let Some(product) = product(finding) {
            statements
                .entry((finding.id.clone(), product.clone()))
                .or_insert_with(|| affected(finding, &product));
        }
    }
    for finding in report.ignored.iter().filter(|f| is_advisory(f)) {
        let Some(reason) = finding.ignore_reason.as_deref() else {
            continue;
        };
        if !is_decision(reason) {
            continue;
        }
        if let Some(product) = product(finding) {
            statements.insert(
                (finding.id.clone(), product.clone()),
                not_affected(finding, &product, reason),
            );
        }
    }
    let statements: Vec<Value> = statements.into_values().collect();
    let version = env!("CARGO_PKG_VERSION");
    json!({
        "@context": CONTEXT,
        "@id": document_id(&statements, timestamp),
        "author": "pyward",
        "role": "Document Creator",
        "timestamp": timestamp,
        "version": 1,
        "tooling": format!("pyward {version}"),
        "statements": statements,
    })
}

fn is_advisory(finding: &Finding) -> bool {
    matches!(
        finding.kind,
        FindingKind::Vulnerability | FindingKind::Malicious
    )
}

/// Whether an ignored finding's reason records a decision about the
/// advisory (rather than a filter that says nothing about it).
fn is_decision(reason: &str) -> bool {
    !(reason.starts_with("below min-severity") || reason.starts_with("in the baseline"))
}

/// The package version as a purl; `None` without a version (an unpinned
/// requirement: no statement can name what it installs).
fn product(finding: &Finding) -> Option<String> {
    let package = finding.package.as_ref()?;
    let version = finding.version.as_ref()?.as_deref()?;
    Some(package_url::pypi(package, Some(version)))
}

fn vulnerability(finding: &Finding) -> Value {
    let mut v = json!({ "name": finding.id });
    if !finding.aliases.is_empty() {
        v["aliases"] = json!(finding.aliases);
    }
    v
}

fn affected(finding: &Finding, product: &str) -> Value {
    let action = match finding.fix_versions.as_deref() {
        Some(fixes) if !fixes.is_empty() => format!("Upgrade to {}", fixes.join(" or ")),
        _ if finding.kind == FindingKind::Malicious => "Remove the package".to_string(),
        _ => "No fixed version is known".to_string(),
    };
    json!({
        "vulnerability": vulnerability(finding),
        "products": [{ "@id": product }],
        "status": "affected",
        "action_statement": action,
    })
}

fn not_affected(finding: &Finding, product: &str, reason: &str) -> Value {
    let mut statement = json!({
        "vulnerability": vulnerability(finding),
        "products": [{ "@id": product }],
        "status": "not_affected",
        "impact_statement": reason,
    });
    if let Some(justification) = JUSTIFICATIONS
        .iter()
        .find(|j| reason.starts_with("VEX ") && reason.contains(*j))
    {
        statement["justification"] = json!(justification);
    }
    statement
}

/// A stable IRI for the document: the same decisions at the same time
/// give the same id.
fn document_id(statements: &[Value], timestamp: &str) -> String {
    let text = serde_json::to_string(statements).unwrap_or_default();
    format!(
        "urn:pyward:vex:{}",
        pyward_model::fingerprint(&[&text, timestamp])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn decisions_are_not_affected_and_findings_affected() {
        let report = sample_report();
        let document = build(&report, "2024-10-11T08:00:00Z");
        assert_eq!(document["@context"], CONTEXT);
        let statements = document["statements"].as_array().unwrap();
        assert!(!statements.is_empty());
        for statement in statements {
            let status = statement["status"].as_str().unwrap();
            assert!(
                statement["products"][0]["@id"]
                    .as_str()
                    .unwrap()
                    .starts_with("pkg:pypi/")
            );
            match status {
                "affected" => assert!(statement["action_statement"].is_string()),
                "not_affected" => assert!(
                    statement["impact_statement"].is_string()
                        || statement["justification"].is_string()
                ),
                other => panic!("unexpected status {other}"),
            }
        }
        let ignored_advisories = report
            .ignored
            .iter()
            .filter(|f| is_advisory(f) && f.ignore_reason.as_deref().is_some_and(is_decision))
            .count();
        let not_affected = statements
            .iter()
            .filter(|s| s["status"] == "not_affected")
            .count();
        assert_eq!(not_affected > 0, ignored_advisories > 0);
    }

    #[test]
    fn sample_openvex() {
        let mut out = Vec::new();
        write(&sample_report(), &RenderOptions::for_tests(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn filters_are_not_decisions() {
        assert!(!is_decision("below min-severity (high)"));
        assert!(!is_decision("in the baseline `old.json`"));
        assert!(is_decision("the admin site is not deployed"));
    }

    #[test]
    fn vex_justifications_are_kept() {
        let mut finding = sample_report()
            .findings
            .into_iter()
            .find(is_advisory)
            .unwrap();
        finding.ignore_reason = Some(
            "VEX not_affected: vulnerable_code_not_in_execute_path (admin off) [vex.json]".into(),
        );
        let statement = not_affected(
            &finding,
            "pkg:pypi/django@3.0.1",
            "VEX not_affected: vulnerable_code_not_in_execute_path (admin off) [vex.json]",
        );
        assert_eq!(
            statement["justification"],
            "vulnerable_code_not_in_execute_path"
        );
    }
}
