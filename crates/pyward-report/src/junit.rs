//! `--format junit`: JUnit XML for CI test dashboards, as Ruff writes it: a
//! test suite per file, a failing test case per rule in that file (each
//! occurrence a line of the failure's text), skipped test cases for what
//! the policy ignored, an error test case per input that could not be
//! read, and one passing test case when nothing was found (a dashboard
//! shows a clean run rather than no run). Valid against the JUnit XSD that
//! pytest's own tests validate against (`junit-10.xsd`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use pyward_model::{Finding, Report};

use crate::escape::xml;
use crate::present;

/// A finding, and whether the policy ignored it.
type Case<'a> = (&'a Finding, bool);

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // File -> rule -> findings (and whether they are ignored ones).
    let mut suites: BTreeMap<String, BTreeMap<&str, Vec<Case<'_>>>> = BTreeMap::new();
    for (finding, ignored) in report
        .findings
        .iter()
        .map(|f| (f, false))
        .chain(report.ignored.iter().map(|f| (f, true)))
    {
        suites
            .entry(file_of(report, finding))
            .or_default()
            .entry(finding.id.as_str())
            .or_default()
            .push((finding, ignored));
    }

    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for (file, rules) in &suites {
        let mut cases = String::new();
        let (mut suite_failures, mut suite_skipped) = (0, 0);
        for (id, findings) in rules {
            for ignored in [false, true] {
                let these: Vec<&Finding> = findings
                    .iter()
                    .filter(|(_, i)| *i == ignored)
                    .map(|(f, _)| *f)
                    .collect();
                if these.is_empty() {
                    continue;
                }
                let first = these[0];
                let name = match report.rule(id).map(|r| r.name.as_str()) {
                    Some(name) if name != *id => format!("{id} {name}"),
                    _ => (*id).to_string(),
                };
                let headline = present::headline(report, first);
                let mut text = String::new();
                for f in &these {
                    let _ = writeln!(text, "{}", occurrence(report, file, f));
                }
                let _ = writeln!(
                    cases,
                    "    <testcase name=\"{}\" classname=\"pyward.{}\" time=\"0\">",
                    xml(&name),
                    first.kind
                );
                if ignored {
                    suite_skipped += 1;
                    let reason = first
                        .ignore_reason
                        .as_deref()
                        .unwrap_or("ignored by policy");
                    let _ = writeln!(
                        cases,
                        "      <skipped message=\"{}\">{}</skipped>",
                        xml(reason),
                        xml(&text)
                    );
                } else {
                    suite_failures += 1;
                    let _ = writeln!(
                        cases,
                        "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                        first.severity,
                        xml(&headline),
                        xml(&text)
                    );
                }
                cases.push_str("    </testcase>\n");
            }
        }
        let suite_tests = suite_failures + suite_skipped;
        tests += suite_tests;
        failures += suite_failures;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{0}\" file=\"{0}\" tests=\"{suite_tests}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"{suite_skipped}\" time=\"0\">",
            xml(file)
        );
        body.push_str(&cases);
        body.push_str("  </testsuite>\n");
    }
    if !report.errors.is_empty() {
        errors = report.errors.len();
        tests += errors;
        let _ = writeln!(
            body,
            "  <testsuite name=\"inputs\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\" time=\"0\">"
        );
        for error in &report.errors {
            let _ = writeln!(
                body,
                "    <testcase name=\"{}\" classname=\"pyward.input\" time=\"0\">\n      <error type=\"unreadable\" message=\"{}\"/>\n    </testcase>",
                xml(&report.root.display_path(&error.path)),
                xml(&error.to_string())
            );
        }
        body.push_str("  </testsuite>\n");
    }
    if tests == 0 {
        tests = 1;
        body.push_str(
            "  <testsuite name=\"pyward\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"0\">\n    <testcase name=\"no findings\" classname=\"pyward\" time=\"0\"/>\n  </testsuite>\n",
        );
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"pyward\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"0\">"
    )?;
    out.write_all(body.as_bytes())?;
    writeln!(out, "</testsuites>")
}

/// The file a finding belongs to: its own, or the manifest declaring the
/// package (with its environment for installed ones).
fn file_of(report: &Report, f: &Finding) -> String {
    match (&f.location, f.environment()) {
        (Some(location), _) => report.root.display_path(&location.path),
        (None, Some(env)) => format!(
            "{}/{}",
            env.trim_end_matches('/'),
            f.source.as_deref().unwrap_or("")
        ),
        (None, None) => report.root.display_path(f.source.as_deref().unwrap_or("")),
    }
}

fn occurrence(report: &Report, file: &str, f: &Finding) -> String {
    let headline = present::headline(report, f);
    match &f.location {
        Some(l) => format!("{file}:{}:{}: {headline}", l.line, l.column),
        None => {
            let version = f
                .version
                .clone()
                .flatten()
                .unwrap_or_else(|| "(unpinned)".into());
            let package = f.package.as_ref().map_or("", |p| p.as_str());
            let fix = match f.fix_versions.as_deref() {
                Some([]) => " (no fix yet)".to_string(),
                Some(fixes) => format!(" (fixed in {})", fixes.join(", ")),
                None => String::new(),
            };
            match f.dependency.as_ref().and_then(|d| d.line) {
                Some(line) => format!("{file}:{line}: {package} {version}: {headline}{fix}"),
                None => format!("{file}: {package} {version}: {headline}{fix}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sample::sample_report;

    #[test]
    fn sample_junit() {
        let mut out = Vec::new();
        super::write(&sample_report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        // One test case for 24 B101 findings in one file.
        assert_eq!(text.matches("name=\"B101 assert_used\"").count(), 1);
        assert!(!text.contains('\u{1b}'));
        insta::assert_snapshot!(text);
    }
}
