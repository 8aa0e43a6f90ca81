//! Choosing versions: for each vulnerable pin, the smallest release that
//! fixes its advisories, within the limit and the project's constraints.
//!
//! A candidate is a release above the pinned version that is known to
//! exist, is not a pre-release (unless the pin is one), stays within the
//! [`Limit`], satisfies every other requirement or constraint naming the
//! package in the project, and has no advisory the pinned version does not
//! already have (a release fixing one flaw but bringing another is not a
//! fix; an advisory the policy set aside does not count). Among the
//! candidates the one fixing the most of the pin's advisories wins, the
//! smallest on a tie: normally the smallest release fixing them all. What
//! it leaves unfixed is listed with why: no fixed release, the fix is
//! outside the limit, a constraint forbids it, or no single release fixes
//! it together with the others.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use pep440_rs::Version;
use pyward_model::{Finding, FindingKind, PackageName};

use crate::FixError;
use crate::project::{Constraint, Project};
use crate::releases::{AdvisoryData, ReleaseList, ReleaseSource, ReleasesFrom};

/// How far a pin may move: `patch` keeps major and minor (3.0.1 → 3.0.14),
/// `minor` keeps major (3.0.1 → 3.2.25), `major` goes anywhere upward.
/// Every limit keeps the epoch but `major`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub enum Limit {
    Patch,
    #[default]
    Minor,
    Major,
}

impl Limit {
    pub fn name(self) -> &'static str {
        match self {
            Limit::Patch => "patch",
            Limit::Minor => "minor",
            Limit::Major => "major",
        }
    }

    /// Whether moving from `from` to `to` stays within the limit (it says
    /// nothing of direction).
    pub fn allows(self, from: &Version, to: &Version) -> bool {
        // A missing release component counts as 0 (`3` is `3.0`).
        let part = |v: &Version, i: usize| v.release().get(i).copied().unwrap_or(0);
        match self {
            Limit::Major => true,
            Limit::Minor => from.epoch() == to.epoch() && part(from, 0) == part(to, 0),
            Limit::Patch => {
                from.epoch() == to.epoch()
                    && part(from, 0) == part(to, 0)
                    && part(from, 1) == part(to, 1)
            }
        }
    }

    /// The smallest limit that allows moving from `from` to `to`.
    pub fn needed(from: &Version, to: &Version) -> Limit {
        [Limit::Patch, Limit::Minor]
            .into_iter()
            .find(|limit| limit.allows(from, to))
            .unwrap_or(Limit::Major)
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Limit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "patch" => Ok(Limit::Patch),
            "minor" => Ok(Limit::Minor),
            "major" => Ok(Limit::Major),
            other => Err(format!("`{other}` is not one of patch, minor, major")),
        }
    }
}

/// What `fix` will do and what it cannot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub upgrades: Vec<Upgrade>,
    pub unfixable: Vec<Unfixable>,
    /// What the user should know: an index that did not answer.
    pub warnings: Vec<String>,
}

/// One vulnerable pin and the release it moves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    pub package: PackageName,
    /// The pinned version, as the findings spell it.
    pub from: String,
    pub to: Version,
    /// The advisories it fixes (their preferred ids), sorted.
    pub fixes: Vec<String>,
    /// Where the releases it was chosen among were learnt.
    pub releases_from: ReleasesFrom,
}

impl Upgrade {
    /// The pinned version, parsed (the planner only plans PEP 440 pins).
    pub fn from_version(&self) -> Option<Version> {
        Version::from_str(self.from.trim()).ok()
    }
}

/// One advisory of one pin that stays, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfixable {
    pub package: PackageName,
    /// The pinned version; `None` for an unpinned requirement.
    pub version: Option<String>,
    /// The advisory's preferred id.
    pub id: String,
    /// Where the dependency is written (`requirements.txt`), and its line.
    pub source: Option<String>,
    pub line: Option<u32>,
    pub reason: UnfixableReason,
}

/// Why an advisory stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnfixableReason {
    /// A malicious package: no release of it is safe; remove it.
    Malicious,
    /// An unpinned requirement (its range admits no safe release); `fix`
    /// moves pins only.
    Unpinned,
    /// The pinned version is not PEP 440, so no release compares above it.
    NotPep440,
    /// No known release above the pin is outside the advisory's ranges;
    /// `fixes` are the fixed versions the advisory names (none, or not
    /// known to exist).
    NoFix {
        fixes: Vec<Version>,
        releases_from: ReleasesFrom,
    },
    /// Every known release that fixes it has another advisory.
    FixesHaveOtherAdvisories { smallest: Version },
    /// The smallest clean fix is outside the limit.
    OutsideLimit { smallest: Version, limit: Limit },
    /// The smallest clean fix within the limit is not allowed by these
    /// requirements or constraints of the project.
    Constrained {
        smallest: Version,
        by: Vec<Constraint>,
    },
    /// A requirement naming the package has a constraint pyward cannot
    /// read, so it cannot tell what the project allows.
    UnreadableConstraint { constraint: Constraint },
    /// Releases fixing it exist within the limit and constraints, but none
    /// of them also fixes the pin's other advisories.
    NotTogether { smallest: Version },
}

impl fmt::Display for UnfixableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malicious => f.write_str("a malicious package has no safe release; remove it"),
            Self::Unpinned => f.write_str(
                "the requirement is not pinned and every version it allows is affected; `pyward fix` moves pins only",
            ),
            Self::NotPep440 => f.write_str("the pinned version is not a PEP 440 version"),
            Self::NoFix {
                fixes,
                releases_from,
            } => {
                if fixes.is_empty() {
                    f.write_str("no fixed version is known")
                } else {
                    let listed: Vec<String> = fixes.iter().map(ToString::to_string).collect();
                    let known = match releases_from {
                        ReleasesFrom::Index => "on the package index",
                        ReleasesFrom::Advisories => "in the advisory data",
                    };
                    write!(
                        f,
                        "the advisory names {} as fixed, but no release at or above it is known {known}",
                        listed.join(", ")
                    )
                }
            }
            Self::FixesHaveOtherAdvisories { smallest } => write!(
                f,
                "every release that fixes it has other known vulnerabilities (the first is {smallest})"
            ),
            Self::OutsideLimit { smallest, limit } => write!(
                f,
                "fixed in {smallest}, outside `--limit {limit}` (`--limit {}` allows it)",
                if *limit == Limit::Patch {
                    "minor"
                } else {
                    "major"
                }
            ),
            Self::Constrained { smallest, by } => {
                let by: Vec<String> = by.iter().map(ToString::to_string).collect();
                write!(f, "fixed in {smallest}, which {} does not allow", by.join(", "))
            }
            Self::UnreadableConstraint { constraint } => write!(
                f,
                "cannot tell which versions {constraint} allows, so pyward does not move the pin"
            ),
            Self::NotTogether { smallest } => write!(
                f,
                "fixed in {smallest}, but no release within the limit fixes it together with the pin's other advisories"
            ),
        }
    }
}

/// The advisories of one pin: a package at a version.
struct Pin<'a> {
    package: PackageName,
    version: String,
    findings: Vec<&'a Finding>,
}

/// Plans the fixes of `findings` (the findings the policy left: those set
/// aside are not fixed, and an advisory in `ignored` does not disqualify a
/// release). `project` gives the constraints, `advisories` which versions
/// each advisory covers, `index` which releases exist.
pub fn plan(
    findings: &[Finding],
    ignored: &[Finding],
    project: &Project,
    advisories: &dyn AdvisoryData,
    index: &dyn ReleaseSource,
    limit: Limit,
) -> Result<Plan, FixError> {
    let mut plan = Plan::default();
    let mut pins: BTreeMap<(PackageName, String), Pin<'_>> = BTreeMap::new();
    for finding in findings {
        if !matches!(
            finding.kind,
            FindingKind::Vulnerability | FindingKind::Malicious
        ) {
            continue;
        }
        let Some(package) = &finding.package else {
            continue;
        };
        match finding.version.clone().flatten() {
            Some(version) => pins
                .entry((package.clone(), version.clone()))
                .or_insert_with(|| Pin {
                    package: package.clone(),
                    version,
                    findings: Vec::new(),
                })
                .findings
                .push(finding),
            None => plan.unfixable.push(unfixable(
                finding,
                if finding.kind == FindingKind::Malicious {
                    UnfixableReason::Malicious
                } else {
                    UnfixableReason::Unpinned
                },
            )),
        }
    }
    let mut releases_cache: BTreeMap<PackageName, ReleaseList> = BTreeMap::new();
    for pin in pins.values() {
        let releases = match releases_cache.get(&pin.package) {
            Some(list) => list.clone(),
            None => {
                let list = releases_of(&pin.package, advisories, index, &mut plan.warnings)?;
                releases_cache.insert(pin.package.clone(), list.clone());
                list
            }
        };
        let set_aside = ids_of(
            ignored
                .iter()
                .filter(|f| f.package.as_ref() == Some(&pin.package)),
        );
        plan_pin(
            pin,
            &releases,
            &set_aside,
            &project.constraints_for(&pin.package),
            advisories,
            limit,
            &mut plan,
        )?;
    }
    plan.unfixable
        .sort_by(|a, b| (&a.package, &a.version, &a.id).cmp(&(&b.package, &b.version, &b.id)));
    Ok(plan)
}

/// The releases of a package known to exist: the index's answer when it
/// gives one, else the versions the advisories name.
fn releases_of(
    package: &PackageName,
    advisories: &dyn AdvisoryData,
    index: &dyn ReleaseSource,
    warnings: &mut Vec<String>,
) -> Result<ReleaseList, FixError> {
    match index.releases(package) {
        Ok(Some(mut versions)) => {
            versions.sort();
            versions.dedup();
            return Ok(ReleaseList {
                versions,
                from: ReleasesFrom::Index,
            });
        }
        Ok(None) => {}
        Err(why) => warnings.push(format!(
            "{why}; choosing among the versions the advisories name"
        )),
    }
    Ok(ReleaseList {
        versions: advisories.known_versions(package)?,
        from: ReleasesFrom::Advisories,
    })
}

fn ids_of<'a>(findings: impl Iterator<Item = &'a Finding>) -> BTreeSet<String> {
    findings
        .flat_map(|f| std::iter::once(&f.id).chain(&f.aliases))
        .cloned()
        .collect()
}

/// One candidate release and what it does for the pin.
struct Candidate {
    version: Version,
    /// Which of the pin's findings it fixes (indices).
    fixes: Vec<usize>,
    /// It has an advisory the pin does not (and the policy did not set
    /// aside).
    brings_new: bool,
    in_limit: bool,
    /// The constraints it breaks.
    breaks: Vec<usize>,
}

impl Candidate {
    fn in_scope(&self) -> bool {
        self.in_limit && self.breaks.is_empty()
    }
}

fn plan_pin(
    pin: &Pin<'_>,
    releases: &ReleaseList,
    set_aside: &BTreeSet<String>,
    constraints: &[Constraint],
    advisories: &dyn AdvisoryData,
    limit: Limit,
    plan: &mut Plan,
) -> Result<(), FixError> {
    let give_up = |plan: &mut Plan, reason: &UnfixableReason| {
        for finding in &pin.findings {
            plan.unfixable.push(unfixable(finding, reason.clone()));
        }
    };
    if pin
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::Malicious)
    {
        give_up(plan, &UnfixableReason::Malicious);
        return Ok(());
    }
    let Ok(current) = Version::from_str(pin.version.trim()) else {
        give_up(plan, &UnfixableReason::NotPep440);
        return Ok(());
    };
    if let Some(unreadable) = constraints.iter().find(|c| c.specifiers.is_err()) {
        give_up(
            plan,
            &UnfixableReason::UnreadableConstraint {
                constraint: unreadable.clone(),
            },
        );
        return Ok(());
    }
    let finding_ids: Vec<BTreeSet<&str>> = pin
        .findings
        .iter()
        .map(|f| {
            std::iter::once(f.id.as_str())
                .chain(f.aliases.iter().map(String::as_str))
                .collect()
        })
        .collect();
    let known: BTreeSet<&str> = finding_ids
        .iter()
        .flatten()
        .copied()
        .chain(set_aside.iter().map(String::as_str))
        .collect();
    let allow_pre = current.any_prerelease();
    let mut candidates = Vec::new();
    for version in &releases.versions {
        if *version <= current || version.is_local() || (!allow_pre && version.any_prerelease()) {
            continue;
        }
        let affecting = advisories.affecting(&pin.package, version)?;
        let fixes = finding_ids
            .iter()
            .enumerate()
            .filter(|(_, ids)| {
                !affecting
                    .iter()
                    .any(|advisory| advisory.iter().any(|id| ids.contains(id.as_str())))
            })
            .map(|(i, _)| i)
            .collect();
        let brings_new = affecting
            .iter()
            .any(|advisory| !advisory.iter().any(|id| known.contains(id.as_str())));
        let breaks = constraints
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.specifiers
                    .as_ref()
                    .is_ok_and(|specifiers| !specifiers.contains(version))
            })
            .map(|(i, _)| i)
            .collect();
        candidates.push(Candidate {
            version: version.clone(),
            fixes,
            brings_new,
            in_limit: limit.allows(&current, version),
            breaks,
        });
    }
    // The most fixed, then the smallest: candidates are in ascending order,
    // so the first with the greatest count.
    let mut chosen: Option<&Candidate> = None;
    for candidate in candidates
        .iter()
        .filter(|c| c.in_scope() && !c.brings_new && !c.fixes.is_empty())
    {
        if chosen.is_none_or(|best| candidate.fixes.len() > best.fixes.len()) {
            chosen = Some(candidate);
        }
    }
    let fixed: BTreeSet<usize> = chosen
        .map(|c| c.fixes.iter().copied().collect())
        .unwrap_or_default();
    if let Some(chosen) = chosen {
        let mut fixes: Vec<String> = fixed.iter().map(|&i| pin.findings[i].id.clone()).collect();
        fixes.sort();
        plan.upgrades.push(Upgrade {
            package: pin.package.clone(),
            from: pin.version.clone(),
            to: chosen.version.clone(),
            fixes,
            releases_from: releases.from,
        });
    }
    for (index, finding) in pin.findings.iter().enumerate() {
        if fixed.contains(&index) {
            continue;
        }
        let fixing = |c: &&Candidate| c.fixes.contains(&index);
        let reason = if !candidates.iter().any(|c| fixing(&c)) {
            UnfixableReason::NoFix {
                fixes: finding
                    .vulnerability()
                    .map(|v| v.fixes.clone())
                    .unwrap_or_default(),
                releases_from: releases.from,
            }
        } else if let Some(c) = candidates
            .iter()
            .filter(fixing)
            .find(|c| c.in_scope() && !c.brings_new)
        {
            UnfixableReason::NotTogether {
                smallest: c.version.clone(),
            }
        } else if let Some(c) = candidates.iter().filter(fixing).find(|c| !c.brings_new) {
            if c.in_limit {
                UnfixableReason::Constrained {
                    smallest: c.version.clone(),
                    by: c.breaks.iter().map(|&i| constraints[i].clone()).collect(),
                }
            } else {
                // The first clean fix within the limit, if a constraint is
                // all that stands in its way, says more.
                match candidates
                    .iter()
                    .filter(fixing)
                    .find(|c| !c.brings_new && c.in_limit)
                {
                    Some(c) => UnfixableReason::Constrained {
                        smallest: c.version.clone(),
                        by: c.breaks.iter().map(|&i| constraints[i].clone()).collect(),
                    },
                    None => UnfixableReason::OutsideLimit {
                        smallest: c.version.clone(),
                        limit,
                    },
                }
            }
        } else {
            let first = candidates
                .iter()
                .find(|c| fixing(c))
                .map(|c| c.version.clone())
                .unwrap_or_else(|| current.clone());
            UnfixableReason::FixesHaveOtherAdvisories { smallest: first }
        };
        plan.unfixable.push(unfixable(finding, reason));
    }
    Ok(())
}

fn unfixable(finding: &Finding, reason: UnfixableReason) -> Unfixable {
    Unfixable {
        package: finding
            .package
            .clone()
            .unwrap_or_else(|| PackageName::new("")),
        version: finding.version.clone().flatten(),
        id: finding.id.clone(),
        source: finding.source.clone(),
        line: finding.dependency.as_ref().and_then(|d| d.line),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::releases::NoIndex;
    use pyward_model::Severity;

    /// Advisories as (id, introduced, fixed) ranges of one package.
    struct Fake {
        versions: Vec<&'static str>,
        advisories: Vec<(&'static str, &'static str, Option<&'static str>)>,
    }

    fn v(text: &str) -> Version {
        Version::from_str(text).unwrap()
    }

    impl AdvisoryData for Fake {
        fn known_versions(&self, _: &PackageName) -> Result<Vec<Version>, FixError> {
            Ok(self.versions.iter().map(|t| v(t)).collect())
        }

        fn affecting(
            &self,
            _: &PackageName,
            version: &Version,
        ) -> Result<Vec<Vec<String>>, FixError> {
            Ok(self
                .advisories
                .iter()
                .filter(|(_, from, to)| *version >= v(from) && to.is_none_or(|to| *version < v(to)))
                .map(|(id, _, _)| vec![id.to_string()])
                .collect())
        }
    }

    fn finding(id: &str, version: &str) -> Finding {
        let mut finding = Finding::new(FindingKind::Vulnerability, id, Severity::High);
        finding.package = Some(PackageName::new("django"));
        finding.version = Some(Some(version.to_string()));
        finding.source = Some("requirements.txt".to_string());
        finding
    }

    /// The findings of `version` under `fake`, planned within `limit`.
    fn planned(fake: &Fake, version: &str, limit: Limit, project: &Project) -> Plan {
        let findings: Vec<Finding> = fake
            .affecting(&PackageName::new("django"), &v(version))
            .unwrap()
            .into_iter()
            .map(|ids| finding(&ids[0], version))
            .collect();
        plan(&findings, &[], project, fake, &NoIndex, limit).unwrap()
    }

    fn django() -> Fake {
        Fake {
            versions: vec![
                "3.0.1", "3.0.5", "3.0.14", "3.1", "3.1.12", "3.1.14", "3.2.25", "4.2.16",
            ],
            advisories: vec![
                ("A", "3.0", Some("3.0.5")),
                ("B", "3.0", Some("3.0.14")),
                // Only in 3.1.x before 3.1.14: 3.1.12 brings it.
                ("C", "3.1", Some("3.1.14")),
                ("D", "3.0", Some("3.2.25")),
                ("E", "0", None),
            ],
        }
    }

    #[test]
    fn limits_allow_what_their_names_say() {
        assert!(Limit::Patch.allows(&v("3.0.1"), &v("3.0.14")));
        assert!(!Limit::Patch.allows(&v("3.0.1"), &v("3.1")));
        assert!(Limit::Minor.allows(&v("3"), &v("3.2.25")));
        assert!(!Limit::Minor.allows(&v("3.0.1"), &v("4.0")));
        assert!(!Limit::Minor.allows(&v("1!3.0"), &v("3.1")));
        assert_eq!(Limit::needed(&v("3.0.1"), &v("4.2")), Limit::Major);
        assert_eq!("minor".parse::<Limit>(), Ok(Limit::Minor));
        assert!("huge".parse::<Limit>().is_err());
    }

    #[test]
    fn the_smallest_release_fixing_the_most_within_the_limit() {
        let plan = planned(&django(), "3.0.1", Limit::Minor, &Project::default());
        assert_eq!(plan.upgrades.len(), 1);
        assert_eq!(plan.upgrades[0].to, v("3.2.25"));
        assert_eq!(plan.upgrades[0].fixes, ["A", "B", "D"]);
        // E has no fix at all.
        assert_eq!(plan.unfixable.len(), 1);
        assert_eq!(plan.unfixable[0].id, "E");
        assert!(matches!(
            plan.unfixable[0].reason,
            UnfixableReason::NoFix { .. }
        ));
        assert_eq!(
            plan.unfixable[0].reason.to_string(),
            "no fixed version is known"
        );
    }

    #[test]
    fn a_patch_limit_stops_in_the_branch_and_says_which_limit_allows_more() {
        let plan = planned(&django(), "3.0.1", Limit::Patch, &Project::default());
        assert_eq!(plan.upgrades[0].to, v("3.0.14"));
        let d = plan.unfixable.iter().find(|u| u.id == "D").unwrap();
        assert_eq!(
            d.reason.to_string(),
            "fixed in 3.2.25, outside `--limit patch` (`--limit minor` allows it)"
        );
    }

    #[test]
    fn a_release_bringing_a_new_advisory_is_not_a_fix() {
        let fake = Fake {
            versions: vec!["3.0.1", "3.1.12", "3.1.14"],
            advisories: vec![("A", "3.0", Some("3.1")), ("C", "3.1", Some("3.1.14"))],
        };
        let plan = planned(&fake, "3.0.1", Limit::Minor, &Project::default());
        assert_eq!(plan.upgrades[0].to, v("3.1.14"));
        assert!(plan.unfixable.is_empty());
    }

    #[test]
    fn a_constraint_elsewhere_in_the_project_is_respected() {
        let text = "django<3.1\n";
        let parsed = pyward_inventory::parse_document(
            pyward_inventory::Format::REQUIREMENTS,
            &pyward_inventory::Document::new(text, "constraints.txt"),
        )
        .unwrap();
        let project = Project {
            files: vec![crate::project::ProjectFile {
                path: "constraints.txt".into(),
                source: "constraints.txt".to_string(),
                format: pyward_inventory::Format::REQUIREMENTS,
                role: crate::project::Role::Constraints,
                text: text.to_string(),
                dependencies: parsed.dependencies,
                errors: Vec::new(),
                is_link: false,
                depth: 1,
            }],
            ..Project::default()
        };
        let plan = planned(&django(), "3.0.1", Limit::Minor, &project);
        assert_eq!(plan.upgrades[0].to, v("3.0.14"));
        let d = plan.unfixable.iter().find(|u| u.id == "D").unwrap();
        assert_eq!(
            d.reason.to_string(),
            "fixed in 3.2.25, which `django<3.1` (constraints.txt:1) does not allow"
        );
    }

    #[test]
    fn malicious_and_unpinned_findings_are_not_fixable() {
        let mut malicious = finding("MAL-2024-1", "1.0");
        malicious.kind = FindingKind::Malicious;
        let mut unpinned = finding("A", "3.0.1");
        unpinned.version = Some(None);
        let plan = plan(
            &[malicious, unpinned],
            &[],
            &Project::default(),
            &django(),
            &NoIndex,
            Limit::Major,
        )
        .unwrap();
        assert!(plan.upgrades.is_empty());
        let reasons: Vec<&UnfixableReason> = plan.unfixable.iter().map(|u| &u.reason).collect();
        assert_eq!(
            reasons,
            [&UnfixableReason::Unpinned, &UnfixableReason::Malicious]
        );
    }

    #[test]
    fn releases_come_from_the_index_when_it_answers() {
        struct Index;
        impl ReleaseSource for Index {
            fn releases(&self, _: &PackageName) -> Result<Option<Vec<Version>>, String> {
                // 3.2.26 is not in the advisory data but exists.
                Ok(Some(vec![v("3.2.26"), v("3.0.1")]))
            }
        }
        let fake = django();
        let findings = vec![finding("D", "3.0.1"), finding("E", "3.0.1")];
        let plan = plan(
            &findings,
            &[],
            &Project::default(),
            &fake,
            &Index,
            Limit::Minor,
        )
        .unwrap();
        assert_eq!(plan.upgrades[0].to, v("3.2.26"));
        assert_eq!(plan.upgrades[0].releases_from, ReleasesFrom::Index);
    }
}
