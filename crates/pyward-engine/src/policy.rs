//! The policy file's `[[ignore]]` entries and `min-severity`, applied to a
//! finished report: ignored findings move to `ignored` (with their reason),
//! expired ignores stop working and say so, and ignores that matched
//! nothing are pointed out so the policy file does not rot.

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;
use pyward_model::{Finding, Report};

use crate::config::{Config, IgnoreRule};

/// What applying the policy has to tell the user.
#[derive(Debug, Default)]
pub struct PolicyNotes {
    pub warnings: Vec<String>,
}

pub fn apply(report: &mut Report, config: &Config, today: Date) -> PolicyNotes {
    let mut notes = PolicyNotes::default();
    if let Some(floor) = config.min_severity {
        report.findings.retain(|f| f.severity >= floor);
    }
    let rules: Vec<CompiledRule<'_>> = config.ignore.iter().map(CompiledRule::new).collect();
    let mut used = vec![false; rules.len()];
    let mut kept = Vec::with_capacity(report.findings.len());
    for mut finding in std::mem::take(&mut report.findings) {
        let Some(index) = rules.iter().position(|rule| rule.matches(&finding)) else {
            kept.push(finding);
            continue;
        };
        used[index] = true;
        let rule = rules[index].rule;
        let expired = rule.expiry().is_some_and(|day| day < today);
        if expired {
            notes.warnings.push(format!(
                "the ignore for `{}` expired on {}; `{}` is reported again",
                rule.id,
                rule.expires.as_deref().unwrap_or_default(),
                finding.id
            ));
            kept.push(finding);
        } else {
            finding.ignore_reason = Some(rule.reason.clone());
            report.ignored.push(finding);
        }
    }
    report.findings = kept;
    for (rule, used) in config.ignore.iter().zip(used) {
        if !used {
            notes.warnings.push(format!(
                "the ignore for `{}` matched no finding; remove it if it is no longer needed",
                rule.id
            ));
        }
    }
    notes
}

struct CompiledRule<'a> {
    rule: &'a IgnoreRule,
    path: Option<GlobMatcher>,
}

impl<'a> CompiledRule<'a> {
    fn new(rule: &'a IgnoreRule) -> Self {
        // Globs were validated when the configuration was read.
        let path = rule
            .path
            .as_deref()
            .and_then(|glob| Glob::new(glob).ok())
            .map(|glob| glob.compile_matcher());
        Self { rule, path }
    }

    fn matches(&self, finding: &Finding) -> bool {
        let id_matches = finding
            .ids()
            .any(|id| id.eq_ignore_ascii_case(&self.rule.id));
        if !id_matches {
            return false;
        }
        if let Some(package) = &self.rule.package {
            let wanted = pyward_model::PackageName::new(package);
            if finding.package.as_ref() != Some(&wanted) {
                return false;
            }
        }
        if let Some(glob) = &self.path {
            let Some(location) = &finding.location else {
                return false;
            };
            if !glob.is_match(&location.path) {
                return false;
            }
        }
        true
    }
}

/// Today's date in UTC, from the system clock.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

#[cfg(test)]
mod tests {
    use pyward_model::{FindingKind, Location, PackageName, Severity};

    use super::*;

    fn vuln(id: &str, alias: &str, package: &str) -> Finding {
        let mut f = Finding::new(FindingKind::Vulnerability, id, Severity::High);
        f.aliases = vec![alias.into()];
        f.package = Some(PackageName::new(package));
        f
    }

    fn rule(id: &str, expires: Option<&str>) -> IgnoreRule {
        IgnoreRule {
            id: id.into(),
            reason: "not deployed".into(),
            expires: expires.map(str::to_string),
            package: None,
            path: None,
        }
    }

    #[test]
    fn ignore_by_alias_moves_finding() {
        let mut report = Report::new("0");
        report.findings = vec![
            vuln("PYSEC-1", "CVE-1", "django"),
            vuln("PYSEC-2", "CVE-2", "flask"),
        ];
        let config = Config {
            ignore: vec![rule("cve-1", Some("2099-01-01"))],
            ..Config::default()
        };
        let notes = apply(&mut report, &config, jiff::civil::date(2026, 11, 29));
        assert_eq!(report.findings.len(), 1);
        assert_eq!(report.ignored[0].id, "PYSEC-1");
        assert_eq!(
            report.ignored[0].ignore_reason.as_deref(),
            Some("not deployed")
        );
        assert!(notes.warnings.is_empty());
    }

    #[test]
    fn expired_ignore_returns_finding_with_warning() {
        let mut report = Report::new("0");
        report.findings = vec![vuln("PYSEC-1", "CVE-1", "django")];
        let config = Config {
            ignore: vec![rule("PYSEC-1", Some("2026-01-01")), rule("PYSEC-9", None)],
            ..Config::default()
        };
        let notes = apply(&mut report, &config, jiff::civil::date(2026, 11, 29));
        assert_eq!(report.findings.len(), 1);
        assert!(report.ignored.is_empty());
        assert!(notes.warnings[0].contains("expired"));
        assert!(notes.warnings[1].contains("matched no finding"));
    }

    #[test]
    fn path_and_package_narrow() {
        let mut code = Finding::new(FindingKind::Code, "B101", Severity::Low);
        code.location = Some(Location::new("tests/test_x.py", 1, 1));
        let mut elsewhere = code.clone();
        elsewhere.location = Some(Location::new("app/x.py", 1, 1));
        let mut report = Report::new("0");
        report.findings = vec![code, elsewhere, vuln("PYSEC-1", "CVE-1", "django")];
        let mut by_path = rule("B101", None);
        by_path.path = Some("tests/**".into());
        let mut by_package = rule("PYSEC-1", None);
        by_package.package = Some("Flask".into());
        let config = Config {
            ignore: vec![by_path, by_package],
            ..Config::default()
        };
        apply(&mut report, &config, jiff::civil::date(2026, 11, 29));
        assert_eq!(report.ignored.len(), 1);
        assert_eq!(report.findings.len(), 2);
    }

    #[test]
    fn min_severity_drops_lower_findings() {
        let mut report = Report::new("0");
        let mut low = vuln("PYSEC-1", "CVE-1", "django");
        low.severity = Severity::Low;
        report.findings = vec![low, vuln("PYSEC-2", "CVE-2", "flask")];
        let config = Config {
            min_severity: Some(Severity::Medium),
            ..Config::default()
        };
        apply(&mut report, &config, jiff::civil::date(2026, 11, 29));
        assert_eq!(report.findings.len(), 1);
    }
}
