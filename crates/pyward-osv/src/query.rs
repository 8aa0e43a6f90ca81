//! Typed vulnerability queries: dependencies in, one [`VulnerabilityMatch`]
//! per advisory group (ids that alias each other merged) per (package,
//! version) out, with PEP 440 fix versions and typed ranges. What a finding
//! looks like is the caller's business.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use pep440_rs::Version;
use pyward_model::{Dependency, DependencyKind, PackageName, Severity};

use crate::matching::{self, AffectedRange, PreparedEntry, QueryVersion};
use crate::record::{
    Advisory, AdvisoryCore, AdvisoryDisplay, CvssScore, DISPLAY_REFERENCES, Event,
};
use crate::{Database, DbError};

/// One advisory group (advisories whose ids alias each other, merged) that
/// affects one (package, version) the dependencies state.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnerabilityMatch {
    pub package: PackageName,
    /// The version as the dependencies state it; `None` for an unpinned
    /// requirement, which only malicious-package reports covering every
    /// version match.
    pub version: Option<String>,
    /// The preferred id of the group: `MAL-`, then `PYSEC-`, then `GHSA-`,
    /// then the smallest.
    pub id: String,
    /// Every other id of the group, sorted, deduplicated.
    pub aliases: Vec<String>,
    /// A malicious-package report is in the group.
    pub malicious: bool,
    /// The highest of the group; critical for a malicious package whose
    /// report gives none (installing it runs an attacker's code).
    pub severity: Severity,
    /// The highest CVSS base score of the group, with its vector.
    pub cvss: Option<CvssScore>,
    /// The `fixed` versions that end the ranges the version is in, sorted,
    /// deduplicated.
    pub fix_versions: Vec<Version>,
    /// The group's affected intervals for this package, sorted,
    /// deduplicated (listed versions outside the ranges as one-version
    /// intervals).
    pub affected: Vec<AffectedRange>,
    /// One sentence that says what is wrong.
    pub headline: Option<String>,
    /// The advisory text (Markdown), at most
    /// [`crate::limits::MAX_DETAILS_BYTES`].
    pub details: Option<String>,
    /// The first few reference URLs, the preferred id's first.
    pub references: Vec<String>,
    /// CWE ids (`CWE-79`), sorted numerically.
    pub cwes: Vec<String>,
    /// RFC 3339 dates of the preferred advisory (else the first of the
    /// group that has one).
    pub published: Option<String>,
    pub modified: Option<String>,
    /// Indices into the queried dependencies of those that state this
    /// (package, version), in input order.
    pub stated_by: Vec<usize>,
    /// The affected modules and functions the group's records name
    /// (`ecosystem_specific.imports`, `affected_functions`), sorted, deduplicated.
    pub imports: Vec<String>,
    /// How many advisory records the group merges (the same flaw under a
    /// PYSEC, a GHSA and a CVE record is 3): the raw matches a scanner
    /// without alias merging would report.
    pub records: usize,
}

/// One advisory that covers a version of a package.
#[derive(Debug, Clone)]
pub struct AdvisoryMatch<'a> {
    pub advisory: &'a AdvisoryCore,
    /// Its position among the package's advisories (and displays).
    pub index: usize,
    /// The `fixed` versions ending the ranges the version is in, sorted,
    /// deduplicated.
    pub fix_versions: Vec<Version>,
}

/// A package's advisories with their versions parsed once, to match many
/// versions of the package (the gateway, `fix` looking for a safe
/// version).
#[derive(Debug, Clone)]
pub struct PackageAdvisories {
    advisories: Vec<AdvisoryCore>,
    entries: Vec<Vec<PreparedEntry>>,
}

impl PackageAdvisories {
    pub fn new(advisories: Vec<AdvisoryCore>) -> Self {
        let entries = advisories
            .iter()
            .map(|a| a.affected.iter().map(PreparedEntry::new).collect())
            .collect();
        Self {
            advisories,
            entries,
        }
    }

    pub fn advisories(&self) -> &[AdvisoryCore] {
        &self.advisories
    }

    /// The advisories covering `version`.
    pub fn matches(&self, version: &Version) -> Vec<AdvisoryMatch<'_>> {
        self.matches_query(&QueryVersion::parsed(version))
    }

    /// Whether any advisory covers `version`.
    pub fn is_affected(&self, version: &Version) -> bool {
        let query = QueryVersion::parsed(version);
        self.entries
            .iter()
            .flatten()
            .any(|entry| entry.matches(&query).is_some())
    }

    /// The advisories covering a version as written: a PEP 440 version is
    /// matched as [`Self::matches`] does, any other string only by a
    /// `versions` entry spelled the same.
    pub fn matches_spelled(&self, version: &str) -> Vec<AdvisoryMatch<'_>> {
        self.matches_query(&QueryVersion::new(version))
    }

    /// The advisories that cover an unpinned requirement: malicious-package
    /// reports whose range opens at `0` and never closes.
    pub fn matches_unpinned(&self) -> Vec<AdvisoryMatch<'_>> {
        self.advisories
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.is_malicious() && a.affected.iter().any(matching::entry_affects_every_version)
            })
            .map(|(index, advisory)| AdvisoryMatch {
                advisory,
                index,
                fix_versions: Vec::new(),
            })
            .collect()
    }

    /// The affected intervals of advisory number `index`, sorted.
    pub fn affected_ranges(&self, index: usize) -> Vec<AffectedRange> {
        let mut out: Vec<AffectedRange> = self
            .entries
            .get(index)
            .into_iter()
            .flatten()
            .flat_map(PreparedEntry::affected_ranges)
            .collect();
        sort_ranges(&mut out);
        out
    }

    fn matches_query(&self, query: &QueryVersion<'_>) -> Vec<AdvisoryMatch<'_>> {
        let mut out = Vec::new();
        for (index, (advisory, entries)) in self.advisories.iter().zip(&self.entries).enumerate() {
            let mut hit = false;
            let mut fix_versions = Vec::new();
            for entry in entries {
                if let Some(m) = entry.matches(query) {
                    hit = true;
                    fix_versions.extend(m.fix_versions);
                }
            }
            if hit {
                fix_versions.sort();
                fix_versions.dedup();
                out.push(AdvisoryMatch {
                    advisory,
                    index,
                    fix_versions,
                });
            }
        }
        out
    }
}

impl Database {
    /// The advisories of `package`, prepared for matching many versions.
    pub fn package(&self, package: &PackageName) -> Result<PackageAdvisories, DbError> {
        Ok(PackageAdvisories::new(self.cores(package)?))
    }

    /// Every version the advisories of `package` name (`introduced`,
    /// `fixed`, `last_affected`, `limit` and listed versions; PEP 440 ones
    /// only, `introduced: "0"` left out), sorted, deduplicated: versions
    /// known to exist, for `fix` to choose from.
    pub fn known_versions(&self, package: &PackageName) -> Result<Vec<Version>, DbError> {
        let advisories: Vec<Advisory> = self.advisories(package)?;
        let mut versions: Vec<Version> = advisories
            .iter()
            .flat_map(|a| &a.affected)
            .flat_map(|entry| {
                let events = entry
                    .ranges
                    .iter()
                    .flat_map(|r| &r.events)
                    // OSV's "before every version", not a release.
                    .filter(|e| !matches!(e, Event::Introduced(v) if v.trim() == "0"))
                    .map(Event::version);
                events.chain(entry.versions.iter().map(String::as_str))
            })
            .filter_map(|v| Version::from_str(v.trim()).ok())
            .collect();
        versions.sort();
        versions.dedup();
        Ok(versions)
    }

    /// Matches `deps` against the database: one [`VulnerabilityMatch`] per
    /// advisory group per (package, version), in (package, version, id)
    /// order. Only registry dependencies are matched (a URL or path
    /// requirement names no PyPI release). A package whose records cannot
    /// be read is an error.
    pub fn query(&self, deps: &[Dependency]) -> Result<Vec<VulnerabilityMatch>, DbError> {
        // (package, version) -> the dependencies stating it, in input order.
        let mut wanted: BTreeMap<(&PackageName, Option<&str>), Vec<usize>> = BTreeMap::new();
        for (i, dep) in deps.iter().enumerate() {
            if dep.kind != DependencyKind::Registry {
                continue;
            }
            wanted
                .entry((&dep.name, dep.version.as_deref()))
                .or_default()
                .push(i);
        }
        let mut cache: HashMap<&PackageName, PackageAdvisories> = HashMap::new();
        let mut display_cache: HashMap<&PackageName, Vec<AdvisoryDisplay>> = HashMap::new();
        let mut out = Vec::new();
        for ((name, version), stated_by) in wanted {
            let package = match cache.entry(name) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let cores = self.cores(name)?;
                    e.insert(PackageAdvisories::new(cores))
                }
            };
            let matches = match version {
                Some(v) => package.matches_spelled(v),
                None => package.matches_unpinned(),
            };
            if matches.is_empty() {
                continue;
            }
            // Only packages with a match read what reports show.
            let displays = match display_cache.entry(name) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(self.displays(name)?),
            };
            for group in group_by_alias(matches) {
                out.push(merge_group(
                    name, version, &group, package, displays, &stated_by,
                ));
            }
        }
        out.sort_by(|a, b| (&a.package, &a.version, &a.id).cmp(&(&b.package, &b.version, &b.id)));
        Ok(out)
    }
}

/// Sorts ranges by (introduced, fixed, last_affected), `None` first, and
/// drops duplicates.
fn sort_ranges(ranges: &mut Vec<AffectedRange>) {
    ranges.sort_by(|a, b| {
        (&a.introduced, &a.fixed, &a.last_affected).cmp(&(
            &b.introduced,
            &b.fixed,
            &b.last_affected,
        ))
    });
    ranges.dedup();
}

/// Splits matches into groups of advisories that share an id or alias
/// (transitively), in the order of their first member.
fn group_by_alias(matches: Vec<AdvisoryMatch<'_>>) -> Vec<Vec<AdvisoryMatch<'_>>> {
    let n = matches.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_holder: HashMap<&str, usize> = HashMap::new();
    for (i, m) in matches.iter().enumerate() {
        for id in m.advisory.ids() {
            match first_holder.get(id) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
                None => {
                    first_holder.insert(id, i);
                }
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| root(&mut parent, i)).collect();
    let mut groups: BTreeMap<usize, Vec<AdvisoryMatch<'_>>> = BTreeMap::new();
    for (m, r) in matches.into_iter().zip(roots) {
        groups.entry(r).or_default().push(m);
    }
    groups.into_values().collect()
}

/// How strongly an id is preferred as a group's own id: a malicious
/// report's `MAL-` id, then PyPA's `PYSEC-`, then GitHub's `GHSA-`.
fn id_rank(id: &str) -> u8 {
    if id.starts_with("MAL-") {
        0
    } else if id.starts_with("PYSEC-") {
        1
    } else if id.starts_with("GHSA-") {
        2
    } else {
        3
    }
}

fn merge_group(
    name: &PackageName,
    version: Option<&str>,
    group: &[AdvisoryMatch<'_>],
    package: &PackageAdvisories,
    displays: &[AdvisoryDisplay],
    stated_by: &[usize],
) -> VulnerabilityMatch {
    // A group is never empty (it holds the match that made it).
    let chosen = group
        .iter()
        .min_by(|a, b| {
            (id_rank(&a.advisory.id), &a.advisory.id)
                .cmp(&(id_rank(&b.advisory.id), &b.advisory.id))
        })
        .unwrap_or(&group[0]);
    // The preferred advisory first, then the rest in their order.
    let members: Vec<&AdvisoryMatch<'_>> = std::iter::once(chosen)
        .chain(group.iter().filter(|m| m.index != chosen.index))
        .collect();
    let display = |m: &AdvisoryMatch<'_>| displays.get(m.index);
    let first_of = |pick: &dyn Fn(&AdvisoryDisplay) -> Option<&String>| {
        members
            .iter()
            .find_map(|m| display(m).and_then(pick))
            .cloned()
    };

    let malicious = group.iter().any(|m| m.advisory.is_malicious());
    let mut severity = group
        .iter()
        .map(|m| m.advisory.severity)
        .max()
        .unwrap_or(Severity::Unknown);
    if malicious && severity == Severity::Unknown {
        severity = Severity::Critical;
    }
    let id = chosen.advisory.id.clone();
    let aliases: BTreeSet<&str> = group
        .iter()
        .flat_map(|m| m.advisory.ids())
        .filter(|other| *other != id)
        .collect();
    let mut fix_versions: Vec<Version> = group
        .iter()
        .flat_map(|m| m.fix_versions.iter().cloned())
        .collect();
    fix_versions.sort();
    fix_versions.dedup();
    let mut affected: Vec<AffectedRange> = group
        .iter()
        .flat_map(|m| package.affected_ranges(m.index))
        .collect();
    sort_ranges(&mut affected);
    let mut references: Vec<String> = Vec::new();
    let mut cwes: Vec<String> = Vec::new();
    let mut cvss: Option<CvssScore> = None;
    for m in &members {
        let Some(d) = display(m) else {
            continue;
        };
        for url in &d.references {
            if references.len() < DISPLAY_REFERENCES && !references.contains(url) {
                references.push(url.clone());
            }
        }
        cwes.extend(d.cwes.iter().cloned());
        if let Some(score) = &d.cvss
            && cvss.as_ref().is_none_or(|best| score.score > best.score)
        {
            cvss = Some(score.clone());
        }
    }
    cwes.sort_by_key(|c| {
        c.get(4..)
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    });
    cwes.dedup();
    VulnerabilityMatch {
        package: name.clone(),
        version: version.map(str::to_string),
        id,
        aliases: aliases.into_iter().map(str::to_string).collect(),
        malicious,
        severity,
        cvss,
        fix_versions,
        affected,
        headline: first_of(&|d| d.headline.as_ref()),
        details: first_of(&|d| d.details.as_ref()),
        references,
        cwes,
        published: first_of(&|d| d.published.as_ref()),
        modified: first_of(&|d| d.modified.as_ref()),
        stated_by: stated_by.to_vec(),
        records: group.len(),
        imports: {
            let mut imports: Vec<String> = members
                .iter()
                .filter_map(|m| display(m))
                .flat_map(|d| d.imports.iter().cloned())
                .collect();
            imports.sort();
            imports.dedup();
            imports
        },
    }
}
