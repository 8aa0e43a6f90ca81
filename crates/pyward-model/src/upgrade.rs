//! Which single upgrade fixes every advisory of one package: what the text
//! report's "upgrade django 3.0.1 → 3.1.12 fixes 10 advisories" line says
//! and what `pyward fix` writes.

use std::str::FromStr;

use pep440_rs::Version;

use crate::{Finding, FindingKind};

/// The smallest version, above the installed one, that every vulnerability
/// finding of one package says is fixed: among all their fix versions, the
/// least that lies outside every affected range of every advisory.
///
/// `findings` are the findings of one package at one version; findings of
/// other kinds than `vulnerability` are skipped (a malicious package has no
/// fixed release). `None` when there is nothing to fix, when the installed
/// version is not PEP 440, or when no fix version fixes them all (one
/// advisory has no fix yet, or the branches' fixes never meet).
///
/// An advisory without typed ranges (`VulnerabilityDetail::affected` empty)
/// counts as fixed by one of its own fix versions or anything at or above
/// its highest one: without ranges, a release between two branch fixes
/// cannot be told apart from a still-affected one.
pub fn smallest_fixing_version<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
) -> Option<Version> {
    let advisories: Vec<Advisory> = findings
        .into_iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .map(Advisory::of)
        .collect();
    let current = advisories.first()?.current.clone()?;
    if advisories
        .iter()
        .any(|a| a.current.as_ref() != Some(&current))
    {
        return None;
    }
    let mut candidates: Vec<&Version> = advisories
        .iter()
        .flat_map(|a| a.fixes.iter())
        .filter(|v| **v > current)
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .find(|candidate| advisories.iter().all(|a| a.is_fixed_by(candidate)))
        .cloned()
}

/// What one finding says about its package's versions, typed.
struct Advisory<'a> {
    current: Option<Version>,
    fixes: Vec<Version>,
    ranges: &'a [crate::AffectedRange],
}

impl<'a> Advisory<'a> {
    fn of(finding: &'a Finding) -> Self {
        let current = finding
            .version
            .clone()
            .flatten()
            .and_then(|v| Version::from_str(v.trim()).ok());
        let detail = finding.vulnerability();
        // Typed fixes when the engine gave them, else the contract's strings.
        let mut fixes: Vec<Version> = detail.map(|d| d.fixes.clone()).unwrap_or_default();
        if fixes.is_empty() {
            fixes = finding
                .fix_versions
                .iter()
                .flatten()
                .filter_map(|v| Version::from_str(v.trim()).ok())
                .collect();
        }
        Self {
            current,
            fixes,
            ranges: detail.map_or(&[], |d| d.affected.as_slice()),
        }
    }

    fn is_fixed_by(&self, candidate: &Version) -> bool {
        if self.fixes.is_empty() {
            return false;
        }
        if self.ranges.is_empty() {
            return self.fixes.contains(candidate)
                || self.fixes.iter().max().is_some_and(|top| candidate >= top);
        }
        !self.ranges.iter().any(|range| range.contains(candidate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AffectedRange, Detail, PackageName, Severity, VulnerabilityDetail};

    fn v(text: &str) -> Version {
        Version::from_str(text).unwrap()
    }

    fn range(introduced: Option<&str>, fixed: &str) -> AffectedRange {
        AffectedRange {
            introduced: introduced.map(v),
            fixed: Some(v(fixed)),
            last_affected: None,
        }
    }

    fn advisory(current: &str, ranges: Vec<AffectedRange>, fixes: &[&str]) -> Finding {
        let mut f = Finding::new(FindingKind::Vulnerability, "PYSEC-1", Severity::High);
        f.package = Some(PackageName::new("django"));
        f.version = Some(Some(current.into()));
        f.fix_versions = Some(fixes.iter().map(ToString::to_string).collect());
        f.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
            affected: ranges,
            fixes: fixes.iter().copied().map(v).collect(),
            ..VulnerabilityDetail::default()
        }));
        f
    }

    #[test]
    fn picks_the_least_fix_outside_every_range() {
        // Two advisories fixed on the 3.0 and 3.1 branches: 3.0.12 is still
        // inside the second one's 3.0 range, 3.1.12 is outside both.
        let a = advisory(
            "3.0.1",
            vec![range(Some("3.0"), "3.0.12"), range(Some("3.1"), "3.1.6")],
            &["3.0.12", "3.1.6"],
        );
        let b = advisory(
            "3.0.1",
            vec![range(Some("3.0"), "3.0.14"), range(Some("3.1"), "3.1.12")],
            &["3.0.14", "3.1.12"],
        );
        assert_eq!(smallest_fixing_version([&a, &b]), Some(v("3.0.14")));
        let c = advisory("3.0.1", vec![range(None, "3.1.12")], &["3.1.12"]);
        assert_eq!(smallest_fixing_version([&a, &b, &c]), Some(v("3.1.12")));
    }

    #[test]
    fn never_a_downgrade_and_none_when_one_has_no_fix() {
        let old_branch = advisory(
            "3.0.1",
            vec![range(Some("2.2"), "2.2.18"), range(Some("3.0"), "3.0.12")],
            &["2.2.18", "3.0.12"],
        );
        assert_eq!(smallest_fixing_version([&old_branch]), Some(v("3.0.12")));
        let unfixed = advisory("3.0.1", vec![], &[]);
        assert_eq!(smallest_fixing_version([&old_branch, &unfixed]), None);
        assert_eq!(smallest_fixing_version(std::iter::empty()), None);
    }

    #[test]
    fn without_ranges_a_fix_or_anything_past_the_highest_counts() {
        let mut a = advisory("1.0", vec![], &["1.2", "2.1"]);
        a.detail = None;
        let mut b = advisory("1.0", vec![], &["1.5"]);
        b.detail = None;
        // 1.2 leaves b open; 1.5 is not one of a's fixes nor past 2.1.
        assert_eq!(smallest_fixing_version([&a, &b]), Some(v("2.1")));
    }

    #[test]
    fn malicious_findings_are_not_upgraded_away() {
        let mut f = Finding::new(FindingKind::Malicious, "MAL-1", Severity::Critical);
        f.version = Some(Some("1.0".into()));
        assert_eq!(smallest_fixing_version([&f]), None);
    }
}
