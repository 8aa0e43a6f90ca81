//! GitLab's two report artifacts:
//!
//! - `--format gitlab-sca`: a dependency-scanning report (security report
//!   schema 15.x): one vulnerability per vulnerable, malicious or
//!   look-alike package, located at the manifest that declares it, with
//!   its identifiers (advisory id and aliases), links and solution.
//!   License findings are left to GitLab's license scanning.
//! - `--format gitlab-codequality`: a Code Quality report (Code Climate's
//!   issue subset GitLab reads): every finding at its file and line.

use std::io::{self, Write};

use pyward_model::{Finding, FindingKind, Report, Severity};
use serde_json::{Value, json};

use crate::RenderOptions;
use crate::present;

/// The security report schema version the report declares.
pub(crate) const SCHEMA_VERSION: &str = "15.2.1";

pub fn write_dependency_scanning(
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let time = gitlab_time(&options.timestamp());
    let tool = json!({
        "id": "pyward",
        "name": "pyward",
        "version": report.tool.version,
        "vendor": {"name": "pyward"},
    });
    let mut scanner = tool.clone();
    scanner["url"] = json!("https://github.com/pyward/pyward");
    let mut scan = json!({
        "analyzer": tool,
        "scanner": scanner,
        "type": "dependency_scanning",
        "start_time": time,
        "end_time": time,
        "status": if report.errors.is_empty() { "success" } else { "failure" },
    });
    if !report.errors.is_empty() {
        scan["messages"] = report
            .errors
            .iter()
            .map(|e| json!({"level": "warn", "value": e.to_string()}))
            .collect();
    }
    let vulnerabilities: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::Vulnerability | FindingKind::Malicious | FindingKind::Typosquat
            )
        })
        .map(|f| vulnerability(report, f))
        .collect();
    let document = json!({
        "version": SCHEMA_VERSION,
        "scan": scan,
        "vulnerabilities": vulnerabilities,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

fn vulnerability(report: &Report, f: &Finding) -> Value {
    let package = f.package.as_ref().map_or("", |p| p.as_str());
    let version = f.version.clone().flatten().unwrap_or_default();
    let headline = present::headline(report, f);
    let description = f
        .vulnerability()
        .and_then(|d| d.details.clone())
        .unwrap_or_else(|| headline.clone());
    let identifiers: Vec<Value> = f
        .ids()
        .map(|id| {
            let kind = id
                .split('-')
                .next()
                .unwrap_or("pyward")
                .to_ascii_lowercase();
            let url = if kind == "cve" {
                format!("https://www.cve.org/CVERecord?id={id}")
            } else if matches!(kind.as_str(), "pysec" | "ghsa" | "mal" | "osv") {
                format!("https://osv.dev/vulnerability/{id}")
            } else {
                String::new()
            };
            let mut identifier = json!({"type": kind, "name": id, "value": id});
            if !url.is_empty() {
                identifier["url"] = json!(url);
            }
            identifier
        })
        .collect();
    let links: Vec<Value> = f
        .references()
        .iter()
        .map(|url| json!({"url": url}))
        .collect();
    let solution = match f.fix_versions.as_deref() {
        Some([]) => "No fixed release yet".to_string(),
        Some(fixes) => format!("Upgrade {package} to {}", fixes.join(" or ")),
        None if f.kind == FindingKind::Malicious => format!("Remove {package}"),
        None => String::new(),
    };
    let file = match f.environment() {
        Some(env) => format!(
            "{}/{}",
            env.trim_end_matches('/'),
            f.source.as_deref().unwrap_or("")
        ),
        None => report
            .root
            .repository_path(f.source.as_deref().unwrap_or("")),
    };
    let mut dependency = json!({"package": {"name": package}, "version": version});
    if let Some(direct) = f.dependency.as_ref().and_then(|d| d.direct) {
        dependency["direct"] = json!(direct);
    }
    let mut v = json!({
        "id": crate::sbom::uuid_from(&f.fingerprint),
        "name": headline,
        "description": description,
        "severity": severity(f.severity),
        "identifiers": identifiers,
        "location": {"file": file, "dependency": dependency},
    });
    if !solution.is_empty() {
        v["solution"] = json!(solution);
    }
    if !links.is_empty() {
        v["links"] = json!(links);
    }
    v
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Unknown => "Unknown",
    }
}

/// GitLab's scan times: `2024-10-11T08:00:00`, no zone.
fn gitlab_time(rfc3339: &str) -> String {
    rfc3339.chars().take(19).collect()
}

pub fn write_code_quality(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (path, begin, end) = match &f.location {
                Some(l) => (
                    report.root.repository_path(&l.path),
                    l.line.max(1),
                    l.end_line.unwrap_or(l.line).max(l.line.max(1)),
                ),
                None => {
                    let line = f.dependency.as_ref().and_then(|d| d.line).unwrap_or(1);
                    (
                        report
                            .root
                            .repository_path(f.source.as_deref().unwrap_or("")),
                        line,
                        line,
                    )
                }
            };
            let subject = match (&f.package, &f.version) {
                (Some(package), Some(Some(version))) => format!("{package} {version}: "),
                (Some(package), _) => format!("{package}: "),
                _ => String::new(),
            };
            json!({
                "type": "issue",
                "check_name": f.id,
                "description": format!("{}: {subject}{}", f.id, present::headline(report, f)),
                "categories": ["Security"],
                "severity": match f.severity {
                    Severity::Critical => "blocker",
                    Severity::High => "critical",
                    Severity::Medium => "major",
                    Severity::Low => "minor",
                    Severity::Unknown => "info",
                },
                "fingerprint": f.fingerprint,
                "location": {"path": path, "lines": {"begin": begin, "end": end}},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn sample_gitlab_sca() {
        let mut out = Vec::new();
        write_dependency_scanning(&sample_report(), &RenderOptions::for_tests(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["scan"]["start_time"], "2024-10-11T08:00:00");
        assert_eq!(value["vulnerabilities"].as_array().unwrap().len(), 8);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn sample_gitlab_codequality() {
        let mut out = Vec::new();
        write_code_quality(&sample_report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let issues = value.as_array().unwrap();
        let mut fingerprints: Vec<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(
            fingerprints.len(),
            issues.len(),
            "GitLab merges equal fingerprints"
        );
        insta::assert_snapshot!(text);
    }
}
