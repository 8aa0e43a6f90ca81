//! Auditing dependencies: matching each pinned (package, version) against
//! its advisories and collapsing advisories that alias each other into one
//! finding.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use pyward_model::{Dependency, DependencyKind, Finding, FindingKind, PackageName, Severity};

use crate::matching::{self, PreparedEntry, QueryVersion};
use crate::record::{AdvisoryCore, AdvisoryDisplay};
use crate::{Database, DbError};

/// How many reference URLs a finding carries.
const MAX_REFERENCES: usize = crate::record::DISPLAY_REFERENCES;

/// One advisory that covers a (package, version).
#[derive(Debug, Clone)]
pub struct AdvisoryMatch<'a> {
    pub advisory: &'a AdvisoryCore,
    /// Its position among the package's advisories (and displays).
    pub index: usize,
    /// The `fixed` versions ending the ranges the version is in.
    pub fix_versions: Vec<String>,
}

impl Database {
    /// The advisories of `package`, prepared for matching.
    pub fn package(&self, package: &PackageName) -> Result<PackageAdvisories, DbError> {
        Ok(PackageAdvisories::new(self.cores(package)?))
    }

    /// Audits `deps`: one finding per distinct advisory (aliases collapsed)
    /// per (package, version), in (package, version, id) order. A package
    /// whose records cannot be read is left out; [`Database::try_audit`]
    /// reports that instead.
    pub fn audit(&self, deps: &[Dependency]) -> Vec<Finding> {
        self.audit_inner(deps, false)
            .map(|(findings, _)| findings)
            .unwrap_or_default()
    }

    /// Like [`Database::audit`], but a damaged package record is an error.
    pub fn try_audit(&self, deps: &[Dependency]) -> Result<Vec<Finding>, DbError> {
        self.audit_inner(deps, true).map(|(findings, _)| findings)
    }

    fn audit_inner(
        &self,
        deps: &[Dependency],
        strict: bool,
    ) -> Result<(Vec<Finding>, Vec<DbError>), DbError> {
        // (package, version) -> the dependencies stating it, in input order.
        let mut wanted: BTreeMap<(&PackageName, Option<&str>), Vec<&Dependency>> = BTreeMap::new();
        for dep in deps {
            if dep.kind != DependencyKind::Registry {
                continue;
            }
            wanted
                .entry((&dep.name, dep.version.as_deref()))
                .or_default()
                .push(dep);
        }
        let mut cache: HashMap<&PackageName, PackageAdvisories> = HashMap::new();
        let mut display_cache: HashMap<&PackageName, Vec<AdvisoryDisplay>> = HashMap::new();
        let mut errors = Vec::new();
        let mut findings = Vec::new();
        for ((name, version), stated_by) in wanted {
            let prepared = match cache.entry(name) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let advisories = match self.cores(name) {
                        Ok(a) => a,
                        Err(err) if strict => return Err(err),
                        Err(err) => {
                            errors.push(err);
                            Vec::new()
                        }
                    };
                    e.insert(PackageAdvisories::new(advisories))
                }
            };
            let matches = prepared.matches(version);
            if matches.is_empty() {
                continue;
            }
            // Only packages with a finding read what findings show.
            let displays = match display_cache.entry(name) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let displays = match self.displays(name) {
                        Ok(d) => d,
                        Err(err) if strict => return Err(err),
                        Err(err) => {
                            errors.push(err);
                            Vec::new()
                        }
                    };
                    e.insert(displays)
                }
            };
            for group in group_by_alias(matches) {
                findings.push(finding(name, version, &group, &stated_by, displays));
            }
        }
        findings
            .sort_by(|a, b| (&a.package, &a.version, &a.id).cmp(&(&b.package, &b.version, &b.id)));
        Ok((findings, errors))
    }
}

/// A package's advisories with their versions parsed once, to match many
/// versions of the package.
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

    /// The advisories covering `version`, each with its fix versions
    /// (sorted, deduplicated). `None` as the version selects the malicious
    /// reports that cover every version.
    pub fn matches(&self, version: Option<&str>) -> Vec<AdvisoryMatch<'_>> {
        let mut out = Vec::new();
        match version {
            Some(raw) => {
                let query = QueryVersion::new(raw);
                for (index, (advisory, entries)) in
                    self.advisories.iter().zip(&self.entries).enumerate()
                {
                    let mut hit = false;
                    let mut fix_versions = Vec::new();
                    for (entry, affected) in entries.iter().zip(&advisory.affected) {
                        if let Some(m) = entry.matches(affected, &query) {
                            hit = true;
                            fix_versions.extend(m.fix_versions);
                        }
                    }
                    if hit {
                        matching::sort_versions(&mut fix_versions);
                        out.push(AdvisoryMatch {
                            advisory,
                            index,
                            fix_versions,
                        });
                    }
                }
            }
            None => {
                for (index, advisory) in self.advisories.iter().enumerate() {
                    if advisory.is_malicious()
                        && advisory
                            .affected
                            .iter()
                            .any(matching::entry_affects_every_version)
                    {
                        out.push(AdvisoryMatch {
                            advisory,
                            index,
                            fix_versions: Vec::new(),
                        });
                    }
                }
            }
        }
        out
    }
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

/// How strongly an id is preferred as a finding's own id: a malicious
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

fn finding(
    name: &PackageName,
    version: Option<&str>,
    group: &[AdvisoryMatch<'_>],
    stated_by: &[&Dependency],
    displays: &[AdvisoryDisplay],
) -> Finding {
    let chosen_match = group.iter().min_by(|a, b| {
        (id_rank(&a.advisory.id), &a.advisory.id).cmp(&(id_rank(&b.advisory.id), &b.advisory.id))
    });
    // A group is never empty; the fallback only keeps this total.
    let Some(chosen_match) = chosen_match else {
        return Finding::new(FindingKind::Vulnerability, "", Severity::Unknown);
    };
    let chosen = chosen_match.advisory;
    let display = |m: &AdvisoryMatch<'_>| displays.get(m.index);
    let malicious = group.iter().any(|m| m.advisory.is_malicious());
    let kind = if malicious {
        FindingKind::Malicious
    } else {
        FindingKind::Vulnerability
    };
    let mut severity = group
        .iter()
        .map(|m| m.advisory.severity)
        .max()
        .unwrap_or(Severity::Unknown);
    if malicious && severity == Severity::Unknown {
        // Installing a malicious package runs an attacker's code.
        severity = Severity::Critical;
    }
    let mut finding = Finding::new(kind, chosen.id.clone(), severity);
    let aliases: BTreeSet<&str> = group
        .iter()
        .flat_map(|m| m.advisory.ids())
        .filter(|id| *id != chosen.id)
        .collect();
    finding.aliases = aliases.into_iter().map(str::to_string).collect();
    finding.package = Some(name.clone());
    finding.version = Some(version.map(str::to_string));
    let mut fixes: Vec<String> = group
        .iter()
        .flat_map(|m| m.fix_versions.iter().cloned())
        .collect();
    matching::sort_versions(&mut fixes);
    finding.fix_versions = Some(fixes);
    finding.summary = display(chosen_match)
        .and_then(|d| d.headline.clone())
        .or_else(|| group.iter().find_map(|m| display(m)?.headline.clone()));
    let first = stated_by.first();
    finding.source = first.map(|d| d.source.clone());
    finding.fingerprint =
        pyward_model::fingerprint(&[&chosen.id, name.as_str(), version.unwrap_or("")]);

    let mut references: Vec<String> = Vec::new();
    for m in std::iter::once(chosen_match).chain(group) {
        for url in display(m)
            .map(|d| d.references.as_slice())
            .unwrap_or_default()
        {
            if references.len() < MAX_REFERENCES && !references.contains(url) {
                references.push(url.clone());
            }
        }
    }
    let mut context = pyward_model::DependencyContext::default();
    for dep in stated_by {
        if !context.sources.contains(&dep.source) {
            context.sources.push(dep.source.clone());
        }
    }
    if context.sources.len() < 2 {
        context.sources.clear();
    }
    if let Some(dep) = first {
        context.via.clone_from(&dep.via);
        context.direct = Some(dep.direct);
        context.line = dep.line;
    }
    finding.dependency = Some(context);
    finding.detail = Some(pyward_model::Detail::Vulnerability(
        pyward_model::VulnerabilityDetail {
            references,
            ..pyward_model::VulnerabilityDetail::default()
        },
    ));
    finding
}
