//! The policy, applied to a finished report: `[[ignore]]` entries (and
//! `--ignore`), `min-severity`, and what fails the run (`fail-on`,
//! `fail-on-unknown`).
//!
//! Nothing is dropped silently: an ignored finding moves to `ignored` with
//! its reason, a finding below `min-severity` too (reason `below
//! min-severity`), expired ignores stop working and say so, and ignores
//! that matched nothing are pointed out so the policy does not rot.

use std::fmt;
use std::str::FromStr;

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;
use pyward_model::{Finding, FindingKind, PackageName, Report, Severity};
use serde::Deserialize;

use crate::config::{Config, IgnoreRule};

/// The reason findings hidden by `min-severity` carry.
pub const BELOW_MIN_SEVERITY: &str = "below min-severity";

/// The lowest severity that fails a run, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Findings at or above this severity fail the run.
    AtOrAbove(Severity),
    /// `none`: report, never fail (as `--exit-zero`).
    Never,
}

impl FromStr for FailOn {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "never" => Ok(FailOn::Never),
            "critical" => Ok(FailOn::AtOrAbove(Severity::Critical)),
            "high" => Ok(FailOn::AtOrAbove(Severity::High)),
            "medium" => Ok(FailOn::AtOrAbove(Severity::Medium)),
            "low" => Ok(FailOn::AtOrAbove(Severity::Low)),
            "unknown" | "any" => Ok(FailOn::AtOrAbove(Severity::Unknown)),
            _ => Err(format!(
                "`{text}` is not one of critical, high, medium, low, unknown (any finding), none (never fail)"
            )),
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailOn::AtOrAbove(severity) => write!(f, "{severity}"),
            FailOn::Never => f.write_str("none"),
        }
    }
}

impl<'de> Deserialize<'de> for FailOn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What fails a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    pub fail_on: FailOn,
    /// An advisory with no severity fails at every threshold (as Safety
    /// does by default): most advisories of the PyPA database have none,
    /// and "unknown" must not read as "harmless".
    pub fail_on_unknown: bool,
    /// `unreachable = "warn"`: a vulnerability on a dependency first-party
    /// code does not reach (`reachable: false`) does not fail the run.
    pub unreachable_warns: bool,
}

impl Gate {
    /// Whether `finding` fails the run.
    pub fn fails(&self, finding: &Finding) -> bool {
        if self.unreachable_warns
            && finding.vulnerability().and_then(|v| v.reachable) == Some(false)
        {
            return false;
        }
        match self.fail_on {
            FailOn::Never => false,
            FailOn::AtOrAbove(floor) => {
                finding.severity >= floor
                    || (self.fail_on_unknown && finding.severity == Severity::Unknown)
            }
        }
    }
}

/// What applying the policy has to tell the user.
#[derive(Debug, Default)]
pub struct PolicyNotes {
    pub warnings: Vec<String>,
    /// How many findings `min-severity` hid.
    pub below_min_severity: usize,
}

/// Ignores given on the command line (`--ignore ID`) carry this reason.
pub const COMMAND_LINE_REASON: &str = "ignored with --ignore on the command line";

/// Applies `config`'s ignores and `min-severity` (with `extra_ignores`
/// from the command line, and `min_severity` overriding the file's).
pub fn apply(
    report: &mut Report,
    config: &Config,
    extra_ignores: &[String],
    min_severity: Option<Severity>,
    today: Date,
) -> PolicyNotes {
    let mut notes = PolicyNotes::default();
    let command_line: Vec<IgnoreRule> = extra_ignores
        .iter()
        .map(|id| IgnoreRule {
            id: Some(id.clone()),
            reason: COMMAND_LINE_REASON.to_string(),
            ..IgnoreRule::default()
        })
        .collect();
    let all_rules: Vec<&IgnoreRule> = config.ignore.iter().chain(&command_line).collect();
    let rules: Vec<CompiledRule<'_>> = all_rules.iter().map(|r| CompiledRule::new(r)).collect();
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
                rule.label(),
                rule.expires.as_deref().unwrap_or_default(),
                finding.id
            ));
            kept.push(finding);
        } else {
            finding.ignore_reason = Some(rule.reason.clone());
            report.ignored.push(finding);
        }
    }
    // Decisions written beside a requirement
    // (`# pyward: ignore[ID] reason`) apply to the findings of that
    // requirement only.
    let inline = inline_ignores(&report.dependencies);
    if !inline.is_empty() {
        let mut still = Vec::with_capacity(kept.len());
        for mut finding in kept {
            match inline_reason(&inline, &finding) {
                Some(reason) => {
                    finding.ignore_reason = Some(reason);
                    report.ignored.push(finding);
                }
                None => still.push(finding),
            }
        }
        kept = still;
    }
    // `min-severity` hides what is known to be below it; an advisory of
    // unknown severity could be anything, so it stays.
    if let Some(floor) = min_severity.or(config.min_severity) {
        let (shown, hidden): (Vec<Finding>, Vec<Finding>) = kept
            .into_iter()
            .partition(|f| f.severity >= floor || f.severity == Severity::Unknown);
        notes.below_min_severity = hidden.len();
        report.ignored.extend(hidden.into_iter().map(|mut f| {
            f.ignore_reason = Some(format!("{BELOW_MIN_SEVERITY} ({floor})"));
            f
        }));
        kept = shown;
    }
    report.findings = kept;
    // Only the policy file's entries can rot; `--ignore` is for this run.
    for (rule, used) in config.ignore.iter().zip(used) {
        if !used {
            notes.warnings.push(format!(
                "the ignore for `{}` matched no finding; remove it if it is no longer needed",
                rule.label()
            ));
        }
    }
    notes
}

type InlineKey = (PackageName, Option<String>, String);

fn inline_ignores(
    dependencies: &[pyward_model::Dependency],
) -> std::collections::HashMap<InlineKey, Vec<&pyward_model::InlineIgnore>> {
    let mut map: std::collections::HashMap<InlineKey, Vec<_>> = std::collections::HashMap::new();
    for dependency in dependencies {
        for ignore in &dependency.inline_ignores {
            map.entry((
                dependency.name.clone(),
                dependency.version.clone(),
                dependency.source.clone(),
            ))
            .or_default()
            .push(ignore);
        }
    }
    map
}

fn inline_reason(
    inline: &std::collections::HashMap<InlineKey, Vec<&pyward_model::InlineIgnore>>,
    finding: &Finding,
) -> Option<String> {
    let key = (
        finding.package.clone()?,
        finding.version.clone().flatten(),
        finding.source.clone()?,
    );
    inline.get(&key)?.iter().find_map(|ignore| {
        let named = ignore.ids.iter().any(|id| {
            if finding.kind == FindingKind::Malicious {
                finding.id.eq_ignore_ascii_case(id)
            } else {
                finding.ids().any(|known| known.eq_ignore_ascii_case(id))
            }
        });
        named.then(|| ignore.reason.clone())
    })
}

struct CompiledRule<'a> {
    rule: &'a IgnoreRule,
    path: Option<GlobMatcher>,
    package: Option<GlobMatcher>,
    versions: Option<pep440_rs::VersionSpecifiers>,
}

impl<'a> CompiledRule<'a> {
    fn new(rule: &'a IgnoreRule) -> Self {
        // Globs and specifiers were checked when the configuration was
        // read.
        let glob = |text: &str| Glob::new(text).ok().map(|g| g.compile_matcher());
        Self {
            rule,
            path: rule.path.as_deref().and_then(glob),
            package: rule
                .package
                .as_deref()
                .and_then(|p| glob(PackageName::new(p).as_str())),
            versions: rule.versions.as_deref().and_then(|v| v.parse().ok()),
        }
    }

    fn matches(&self, finding: &Finding) -> bool {
        if let Some(wanted) = &self.rule.id {
            // A malicious package is set aside only by its exact id: no
            // alias, no package pattern can hide malware.
            let id_matches = if finding.kind == FindingKind::Malicious {
                finding.id.eq_ignore_ascii_case(wanted)
            } else {
                finding.ids().any(|id| id.eq_ignore_ascii_case(wanted))
            };
            if !id_matches {
                return false;
            }
        } else if finding.kind == FindingKind::Malicious {
            return false;
        }
        if let Some(pattern) = &self.package {
            let Some(package) = &finding.package else {
                return false;
            };
            if !pattern.is_match(package.as_str()) {
                return false;
            }
        }
        if let Some(versions) = &self.versions {
            let version = finding
                .version
                .clone()
                .flatten()
                .and_then(|v| v.trim().parse::<pep440_rs::Version>().ok());
            if !version.is_some_and(|v| versions.contains(&v)) {
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

    fn day() -> Date {
        jiff::civil::date(2026, 11, 29)
    }

    fn vuln(id: &str, alias: &str, package: &str) -> Finding {
        let mut f = Finding::new(FindingKind::Vulnerability, id, Severity::High);
        f.aliases = vec![alias.into()];
        f.package = Some(PackageName::new(package));
        f.version = Some(Some("3.0.1".into()));
        f
    }

    fn rule(id: &str, expires: Option<&str>) -> IgnoreRule {
        IgnoreRule {
            id: Some(id.into()),
            reason: "not deployed".into(),
            expires: expires.map(str::to_string),
            ..IgnoreRule::default()
        }
    }

    fn config(ignore: Vec<IgnoreRule>) -> Config {
        Config {
            ignore,
            ..Config::default()
        }
    }

    #[test]
    fn ignore_by_alias_moves_finding() {
        let mut report = Report::new("0");
        report.findings = vec![
            vuln("PYSEC-1", "CVE-1", "django"),
            vuln("PYSEC-2", "CVE-2", "flask"),
        ];
        let config = config(vec![rule("cve-1", Some("2099-01-01"))]);
        let notes = apply(&mut report, &config, &[], None, day());
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
        let config = config(vec![
            rule("PYSEC-1", Some("2026-01-01")),
            rule("PYSEC-9", None),
        ]);
        let notes = apply(&mut report, &config, &[], None, day());
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
        apply(
            &mut report,
            &config(vec![by_path, by_package]),
            &[],
            None,
            day(),
        );
        assert_eq!(report.ignored.len(), 1);
        assert_eq!(report.findings.len(), 2);
    }

    #[test]
    fn a_package_pattern_without_an_id_but_never_malware() {
        let mut malicious = Finding::new(FindingKind::Malicious, "MAL-2024-1", Severity::Critical);
        malicious.package = Some(PackageName::new("acme-evil"));
        let mut report = Report::new("0");
        report.findings = vec![
            vuln("PYSEC-1", "CVE-1", "acme-tools"),
            vuln("PYSEC-2", "CVE-2", "Acme_Billing"),
            vuln("PYSEC-3", "CVE-3", "django"),
            malicious,
        ];
        let internal = IgnoreRule {
            package: Some("acme-*".into()),
            reason: "internal packages, audited separately".into(),
            ..IgnoreRule::default()
        };
        apply(&mut report, &config(vec![internal]), &[], None, day());
        let ignored: Vec<&str> = report.ignored.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ignored, ["PYSEC-1", "PYSEC-2"]);
        assert!(report.findings.iter().any(|f| f.id == "MAL-2024-1"));
    }

    #[test]
    fn malware_is_ignored_only_by_its_exact_id() {
        let mut malicious = Finding::new(FindingKind::Malicious, "MAL-2024-1", Severity::Critical);
        malicious.aliases = vec!["GHSA-evil".into()];
        let mut report = Report::new("0");
        report.findings = vec![malicious.clone()];
        apply(
            &mut report,
            &config(vec![rule("GHSA-evil", None)]),
            &[],
            None,
            day(),
        );
        assert_eq!(report.findings.len(), 1, "an alias does not hide malware");
        apply(
            &mut report,
            &config(vec![rule("MAL-2024-1", None)]),
            &[],
            None,
            day(),
        );
        assert!(report.findings.is_empty());
    }

    #[test]
    fn version_ranges_narrow() {
        let mut report = Report::new("0");
        let mut newer = vuln("PYSEC-1", "CVE-1", "django");
        newer.version = Some(Some("3.2.0".into()));
        report.findings = vec![vuln("PYSEC-1", "CVE-1", "django"), newer];
        let mut old_only = rule("PYSEC-1", None);
        old_only.versions = Some("<3.1".into());
        apply(&mut report, &config(vec![old_only]), &[], None, day());
        assert_eq!(report.ignored.len(), 1);
        assert_eq!(report.findings[0].version, Some(Some("3.2.0".into())));
    }

    #[test]
    fn command_line_ignores_carry_their_own_reason() {
        let mut report = Report::new("0");
        report.findings = vec![vuln("PYSEC-1", "CVE-1", "django")];
        apply(
            &mut report,
            &Config::default(),
            &["CVE-1".into()],
            None,
            day(),
        );
        assert_eq!(
            report.ignored[0].ignore_reason.as_deref(),
            Some(COMMAND_LINE_REASON)
        );
    }

    #[test]
    fn min_severity_hides_with_a_reason_and_keeps_unknown() {
        let mut report = Report::new("0");
        let mut low = vuln("PYSEC-1", "CVE-1", "django");
        low.severity = Severity::Low;
        let mut unknown = vuln("PYSEC-3", "CVE-3", "django");
        unknown.severity = Severity::Unknown;
        report.findings = vec![low, vuln("PYSEC-2", "CVE-2", "flask"), unknown];
        let config = Config {
            min_severity: Some(Severity::Medium),
            ..Config::default()
        };
        let notes = apply(&mut report, &config, &[], None, day());
        assert_eq!(report.findings.len(), 2);
        assert_eq!(notes.below_min_severity, 1);
        assert_eq!(
            report.ignored[0].ignore_reason.as_deref(),
            Some("below min-severity (medium)")
        );
    }

    #[test]
    fn unknown_severity_fails_every_threshold_unless_told_otherwise() {
        let mut unknown = vuln("PYSEC-1", "CVE-1", "django");
        unknown.severity = Severity::Unknown;
        let high = Gate {
            fail_on: FailOn::AtOrAbove(Severity::Critical),
            fail_on_unknown: true,
            unreachable_warns: false,
        };
        assert!(high.fails(&unknown));
        assert!(!high.fails(&vuln("PYSEC-2", "CVE-2", "flask")));
        let lenient = Gate {
            fail_on_unknown: false,
            ..high
        };
        assert!(!lenient.fails(&unknown));
        let never = Gate {
            fail_on: FailOn::Never,
            fail_on_unknown: true,
            unreachable_warns: false,
        };
        assert!(!never.fails(&unknown));
    }

    #[test]
    fn unreachable_findings_pass_when_they_only_warn() {
        let mut finding = vuln("PYSEC-1", "CVE-1", "django");
        finding.detail = Some(pyward_model::Detail::Vulnerability(
            pyward_model::VulnerabilityDetail {
                reachable: Some(false),
                ..Default::default()
            },
        ));
        let strict = Gate {
            fail_on: FailOn::AtOrAbove(Severity::Unknown),
            fail_on_unknown: true,
            unreachable_warns: false,
        };
        assert!(strict.fails(&finding));
        let warn = Gate {
            unreachable_warns: true,
            ..strict
        };
        assert!(!warn.fails(&finding));
        assert!(warn.fails(&vuln("PYSEC-2", "CVE-2", "flask")));
    }

    #[test]
    fn fail_on_words() {
        assert_eq!("none".parse::<FailOn>(), Ok(FailOn::Never));
        assert_eq!(
            "HIGH".parse::<FailOn>(),
            Ok(FailOn::AtOrAbove(Severity::High))
        );
        assert!("severe".parse::<FailOn>().is_err());
    }
}
