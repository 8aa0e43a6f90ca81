//! `--format github`: one GitHub Actions workflow command per finding, as
//! Ruff writes them, so findings show as annotations on the pull request:
//!
//! `::error title=pyward (B602),file=app/util.py,line=12,col=5,endLine=12,endColumn=37::app/util.py:12:5: B602 subprocess call …`
//!
//! Paths are relative to the repository root (where the workflow checked
//! out); dependency findings point at the manifest line. Values are escaped
//! as GitHub's toolkit does: `%`, `\r`, `\n` in the message, and `:` and `,`
//! too in properties; other control characters are shown, not sent, as the
//! log renders ANSI sequences.

use std::io::{self, Write};

use pyward_model::{Finding, Report, Severity};

use crate::escape;
use crate::present;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        writeln!(out, "{}", command(report, finding))?;
    }
    for error in &report.errors {
        let mut properties = vec![
            ("title", "pyward: input not read".to_string()),
            ("file", report.root.repository_path(&error.path)),
        ];
        if let Some(line) = error.line {
            properties.push(("line", line.to_string()));
        }
        writeln!(
            out,
            "::error {}::{}",
            join(&properties),
            data(&error.to_string())
        )?;
    }
    Ok(())
}

fn command(report: &Report, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "notice",
    };
    let mut properties = vec![("title", format!("pyward ({})", f.id))];
    let place;
    match &f.location {
        Some(location) => {
            let path = report.root.repository_path(&location.path);
            place = format!("{path}:{}:{}", location.line, location.column);
            properties.push(("file", path));
            properties.push(("line", location.line.to_string()));
            properties.push(("col", location.column.to_string()));
            if let Some(end_line) = location.end_line {
                properties.push(("endLine", end_line.to_string()));
            }
            if let Some(end_column) = location.end_column {
                properties.push(("endColumn", end_column.to_string()));
            }
        }
        None => {
            let source = f.source.clone().unwrap_or_default();
            let line = f.dependency.as_ref().and_then(|d| d.line);
            if f.environment().is_some() {
                place = source;
            } else {
                let path = report.root.repository_path(&source);
                place = match line {
                    Some(line) => format!("{path}:{line}"),
                    None => path.clone(),
                };
                properties.push(("file", path));
                if let Some(line) = line {
                    properties.push(("line", line.to_string()));
                }
            }
        }
    }
    let subject = match (&f.package, &f.version) {
        (Some(package), Some(Some(version))) => format!("{package} {version}: "),
        (Some(package), _) => format!("{package}: "),
        _ => String::new(),
    };
    let message = format!(
        "{place}: {} {subject}{}",
        f.id,
        present::headline(report, f)
    );
    format!("::{level} {}::{}", join(&properties), data(&message))
}

fn join(properties: &[(&str, String)]) -> String {
    properties
        .iter()
        .map(|(key, value)| format!("{key}={}", property(value)))
        .collect::<Vec<_>>()
        .join(",")
}

/// A command's message: `%`, `\r`, `\n` percent-encoded (GitHub's
/// `escapeData`), other controls shown as escapes.
pub(crate) fn data(text: &str) -> String {
    let encoded = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape::terminal(&encoded).into_owned()
}

/// A property value: as [`data`], plus `:` and `,` (GitHub's
/// `escapeProperty`).
pub(crate) fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn sample_github() {
        let mut out = Vec::new();
        write(&sample_report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(
            "::error title=pyward (B602),file=services/myapp/app/util.py,line=12,col=5,endLine=12,endColumn=37::"
        ));
        assert!(!text.contains('\u{1b}'));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(data("::set-env\n::x"), "::set-env%0A::x");
        assert_eq!(data("\u{1b}[31m"), "\\u{1b}[31m");
    }
}
