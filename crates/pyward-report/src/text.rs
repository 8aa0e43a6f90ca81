//! `--format text`: what a person reads in a terminal. Dependency findings
//! grouped by package (by environment first, when environments were
//! audited), then code and secret findings by file, then what could not be
//! read, then one summary line. No colour: it reads the same in a CI log.

use std::collections::BTreeMap;
use std::io::{self, Write};

use pyward_model::{Dependency, DependencyKind, Finding, FindingKind, Report};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (dependency_findings, located): (Vec<&Finding>, Vec<&Finding>) = report
        .findings
        .iter()
        .partition(|f| f.kind.is_dependency_kind());

    write_dependency_findings(report, &dependency_findings, out)?;
    write_located_findings(&located, out)?;
    write_not_audited(&report.dependencies, out)?;
    write_errors(report, out)?;
    write_summary(report, &dependency_findings, out)
}

/// Findings about packages, grouped by (environment, package, version).
fn write_dependency_findings(
    report: &Report,
    findings: &[&Finding],
    out: &mut dyn Write,
) -> io::Result<()> {
    // Key: environment section (empty for project files), package, version.
    let mut groups: BTreeMap<(String, String, String), Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        let package = finding
            .package
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let version = finding.version.clone().flatten().unwrap_or_default();
        let environment = finding.environment().unwrap_or_default().to_string();
        groups
            .entry((environment, package, version))
            .or_default()
            .push(finding);
    }

    // Project files first, then one section per environment audited, in
    // the order they were found: a clean environment still gets its line,
    // so the reader sees it was looked at.
    let mut written = std::collections::BTreeSet::new();
    for ((environment, package, version), findings) in &groups {
        if environment.is_empty() {
            write_package_group(package, version, findings, out)?;
            written.insert(environment.as_str());
        }
    }
    for env in &report.environments {
        write_environment_heading(report, &env.path, out)?;
        let mut any = false;
        for ((environment, package, version), findings) in &groups {
            if *environment == env.path {
                write_package_group(package, version, findings, out)?;
                any = true;
            }
        }
        if !any {
            let packages = report
                .dependencies
                .iter()
                .filter(|d| d.environment.as_deref() == Some(env.path.as_str()))
                .count();
            writeln!(
                out,
                "no known vulnerabilities in {packages} {}",
                plural(packages, "package", "packages")
            )?;
            writeln!(out)?;
        }
        written.insert(env.path.as_str());
    }
    // Findings tagged with an environment the report does not list.
    for ((environment, package, version), findings) in &groups {
        if !written.contains(environment.as_str()) {
            write_package_group(package, version, findings, out)?;
        }
    }
    Ok(())
}

fn write_package_group(
    package: &str,
    version: &str,
    findings: &[&Finding],
    out: &mut dyn Write,
) -> io::Result<()> {
    let first = findings[0];
    let version_text = if version.is_empty() {
        "(unpinned)"
    } else {
        version
    };
    let mut heading = format!("{package} {version_text}");
    if let Some(source) = &first.source {
        heading.push_str(&format!("  {source}"));
    }
    if let Some(via) = via_text(first) {
        heading.push_str(&format!("  via {via}"));
    }
    writeln!(out, "{heading}")?;
    for finding in findings {
        write_dependency_finding(finding, out)?;
    }
    writeln!(out)
}

fn write_environment_heading(report: &Report, path: &str, out: &mut dyn Write) -> io::Result<()> {
    let env = report.environments.iter().find(|e| e.path == path);
    let mut line = format!("== environment {path}");
    if let Some(env) = env {
        if let Some(origin) = &env.origin {
            line.push_str(&format!("  ({origin})"));
        }
        if let Some(interpreter) = &env.interpreter {
            line.push_str(&format!("  interpreter {interpreter}"));
        }
        if let Some(version) = &env.python_version {
            line.push_str(&format!("  python {version}"));
        }
    }
    writeln!(out, "{line}")?;
    writeln!(out)
}

fn via_text(finding: &Finding) -> Option<String> {
    let names: Vec<&str> = finding.via().iter().map(|name| name.as_str()).collect();
    (!names.is_empty()).then(|| names.join(" → "))
}

fn write_dependency_finding(finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let mut line = format!("  {}  {}", finding.id, finding.severity);
    if finding.kind != FindingKind::Vulnerability {
        line.push_str(&format!("  {}", finding.kind.as_str()));
    }
    match finding.fix_versions.as_deref() {
        Some([]) => line.push_str("  no fix yet"),
        Some(fixes) => line.push_str(&format!("  fix: {}", fixes.join(", "))),
        None => {}
    }
    writeln!(out, "{line}")?;
    if !finding.aliases.is_empty() {
        writeln!(out, "    aliases: {}", finding.aliases.join(", "))?;
    }
    let headline = finding.headline();
    if !headline.is_empty() {
        writeln!(out, "    {}", shortened(&one_line(headline), SUMMARY_WIDTH))?;
    }
    Ok(())
}

/// Code and secret findings, ordered by file and line.
fn write_located_findings(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    let mut sorted: Vec<&Finding> = findings.to_vec();
    sorted.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column))
                .unwrap_or_default()
        };
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    for finding in &sorted {
        let place = finding
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", l.path, l.line, l.column))
            .unwrap_or_default();
        let level = match finding.confidence {
            Some(confidence) => format!("{} (confidence {confidence})", finding.severity),
            None => finding.severity.to_string(),
        };
        writeln!(
            out,
            "{place}: {} {level}: {}",
            finding.id,
            one_line(finding.headline())
        )?;
    }
    if !sorted.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// Requirements that name no exact version, a URL or a path: listed so that
/// nothing is dropped silently.
fn write_not_audited(dependencies: &[Dependency], out: &mut dyn Write) -> io::Result<()> {
    let skipped: Vec<&Dependency> = dependencies.iter().filter(|d| !d.is_auditable()).collect();
    if skipped.is_empty() {
        return Ok(());
    }
    writeln!(out, "Not audited by version ({}):", skipped.len())?;
    for dependency in skipped {
        let what = dependency
            .requirement
            .clone()
            .unwrap_or_else(|| dependency.name.to_string());
        let place = match dependency.line {
            Some(line) => format!("{}:{line}", dependency.source),
            None => dependency.source.clone(),
        };
        let why = match dependency.kind {
            DependencyKind::Registry => "unpinned",
            DependencyKind::Url => "direct URL",
            DependencyKind::Path => "local path",
            DependencyKind::NonPython => "not a Python package",
        };
        writeln!(out, "  {what}  ({why}, {place})")?;
    }
    writeln!(out)
}

fn write_errors(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.errors.is_empty() {
        return Ok(());
    }
    writeln!(out, "Could not read ({}):", report.errors.len())?;
    for error in &report.errors {
        writeln!(out, "  {error}")?;
    }
    writeln!(out)
}

fn write_summary(
    report: &Report,
    dependency_findings: &[&Finding],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut parts = Vec::new();
    if report.database.is_some() || !report.dependencies.is_empty() {
        let audited = report
            .dependencies
            .iter()
            .filter(|d| d.is_auditable())
            .count();
        let mut vulnerable: Vec<(String, String)> = dependency_findings
            .iter()
            .map(|f| {
                (
                    f.package
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    f.version.clone().flatten().unwrap_or_default(),
                )
            })
            .collect();
        vulnerable.sort();
        vulnerable.dedup();
        parts.push(format!(
            "{audited} {} audited, {} vulnerable",
            plural(audited, "package", "packages"),
            vulnerable.len()
        ));
    }
    let total = report.findings.len();
    let counts: Vec<String> = report
        .count_by_severity()
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if total == 0 {
        parts.push("no findings".to_string());
    } else {
        parts.push(format!(
            "{total} {} ({})",
            plural(total, "finding", "findings"),
            counts.join(", ")
        ));
    }
    if !report.ignored.is_empty() {
        parts.push(format!("{} ignored by policy", report.ignored.len()));
    }
    if !report.errors.is_empty() {
        parts.push(format!(
            "{} {} could not be read",
            report.errors.len(),
            plural(report.errors.len(), "input", "inputs")
        ));
    }
    writeln!(out, "{}", parts.join("; "))
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Longest advisory summary the text report shows; the JSON report has the
/// whole text.
const SUMMARY_WIDTH: usize = 160;

/// Advisories without a `summary` fall back to their `details`, which run
/// to paragraphs: keep the first sentence that fits, else cut at a word.
fn shortened(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let cut = text
        .char_indices()
        .nth(width)
        .map_or(text.len(), |(index, _)| index);
    let head = &text[..cut];
    if let Some(end) = head.rfind(". ").filter(|&end| end >= width / 3) {
        return head[..=end].to_string();
    }
    let at_word = head.rfind(' ').unwrap_or(cut);
    format!("{}…", head[..at_word].trim_end())
}

/// Advisory summaries sometimes carry newlines; a text report keeps one
/// finding's headline on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use crate::sample::sample_report;

    #[test]
    fn sample_text() {
        let mut out = Vec::new();
        super::write(&sample_report(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn long_summaries_keep_their_first_sentence() {
        let long = format!("First sentence is here. {}", "word ".repeat(60));
        assert_eq!(super::shortened(&long, 60), "First sentence is here.");
        let no_stop = "word ".repeat(60);
        let short = super::shortened(no_stop.trim(), 22);
        assert_eq!(short, "word word word word…");
        assert_eq!(super::shortened("short", 60), "short");
    }

    #[test]
    fn empty_report_says_no_findings() {
        let mut out = Vec::new();
        super::write(&pyward_model::Report::new("0.1.0"), &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "no findings\n");
    }
}
