//! The dependency scanner: every input the user named read into one
//! inventory, matched against the vulnerability database.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use pyward_model::{
    Dependency, DependencyContext, DependencyKind, Detail, Finding, FindingKind, NoiseStep,
    PackageName, RangeAssessment, RuleInfo, Severity, VulnerabilityDetail,
};
use pyward_osv::{Database, VulnerabilityMatch};

use crate::EngineError;
use crate::database::{self, DbRequest};
use crate::inventory::SharedInventory;
use crate::reach;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    Ok(Box::new(DepsScan {
        inventory: Arc::clone(&setup.inventory),
        db: setup.request.db.clone(),
        assess_ranges: !setup.config.ignore_unpinned,
        reach: reach_setup(setup),
        imports: Arc::clone(&setup.imports),
    }))
}

/// Where the first-party code is, and the code scanner's `exclude`;
/// `None` when a bad `exclude` leaves the walk unknown (the code scanner
/// reports it).
fn reach_setup(setup: &Setup) -> Option<ReachSetup> {
    let mut code = pyward_lint::CodeConfig::default();
    if let Some(configured) = &setup.config.config.code {
        code.exclude.clone_from(&configured.exclude);
    }
    code.exclude
        .extend(setup.request.code.exclude.iter().cloned());
    let settings = pyward_lint::Settings::from_code_config(&code).ok()?;
    Some(ReachSetup {
        roots: reach::roots_of(&setup.paths, &setup.request.requirements),
        base: setup.base.clone(),
        settings,
    })
}

struct DepsScan {
    inventory: Arc<SharedInventory>,
    db: DbRequest,
    /// Safety's `ignore-unpinned-requirements` turns this off.
    assess_ranges: bool,
    reach: Option<ReachSetup>,
    imports: Arc<reach::SharedImports>,
}

struct ReachSetup {
    roots: Vec<std::path::PathBuf>,
    base: std::path::PathBuf,
    settings: pyward_lint::Settings,
}

impl Scan for DepsScan {
    fn id(&self) -> ScannerId {
        ScannerId::Deps
    }

    fn run(&self) -> Result<Part, EngineError> {
        let mut part = Part::new();
        self.inventory.check_groups()?;
        let inventory = self.inventory.get();
        let database = database::open(&self.db, &mut part.warnings)?;
        part.report.database = Some(database.info());
        let (mut findings, mut records) = audit(&inventory.dependencies, &database)?;
        if self.assess_ranges {
            let (ranged, ranged_records, assessed) =
                assess_ranges(&inventory.dependencies, &database)?;
            // The findings of unpinned requirements count as matches too,
            // so that the noise figures end where the findings do.
            records += ranged_records;
            findings.extend(ranged);
            for dependency in &assessed {
                let Some(range) = &dependency.range else {
                    continue;
                };
                if range.newest_allowed_safe {
                    let place = match dependency.line {
                        Some(line) => format!("{}:{line}", dependency.source),
                        None => dependency.source.clone(),
                    };
                    part.notes.push(format!(
                        "`{}` ({place}) allows versions with {} known vulnerabilit{}; the newest allowed, {}, has none: pin it (or lock the project)",
                        dependency.requirement.as_deref().unwrap_or_default(),
                        range.admits.len(),
                        if range.admits.len() == 1 { "y" } else { "ies" },
                        range.newest_allowed.as_deref().unwrap_or_default()
                    ));
                }
            }
            part.report.dependencies = assessed;
        }
        part.report.noise = noise(&inventory.deselected, &database, records, findings.len())?;
        if let Some(reach) = &self.reach {
            let project = reach::Project {
                dependencies: &inventory.dependencies,
                graph: &inventory.graph,
                roots: reach.roots.clone(),
                base: &reach.base,
                settings: &reach.settings,
                shared: &self.imports,
            };
            part.notes
                .extend(reach::judge(&mut findings, &project).notes);
        }
        part.report.rules = advisory_catalogue(&findings);
        part.report.findings = findings;
        Ok(part)
    }
}

/// The first noise figures: every advisory record that matched (those the
/// selection left out included), then after merging aliases, then after
/// each selection step (markers of another platform or Python, groups,
/// `--no-dev`). The engine adds the policy's steps.
fn noise(
    deselected: &[(Dependency, pyward_inventory::Deselected)],
    database: &Database,
    records: usize,
    findings: usize,
) -> Result<Vec<NoiseStep>, EngineError> {
    use pyward_inventory::Deselected;
    let mut merged_out = Vec::new();
    let mut raw = records;
    let mut merged = findings;
    for why in [Deselected::Markers, Deselected::Group, Deselected::Dev] {
        let left_out: Vec<Dependency> = deselected
            .iter()
            .filter(|(_, w)| *w == why)
            .map(|(d, _)| d.clone())
            .collect();
        let matches = database.query(&left_out)?;
        raw += matches.iter().map(|m| m.records).sum::<usize>();
        merged += matches.len();
        merged_out.push((why, matches.len()));
    }
    let mut steps = vec![
        NoiseStep {
            step: "raw advisory matches".into(),
            findings: raw,
            unreachable: None,
        },
        NoiseStep {
            step: "aliases merged".into(),
            findings: merged,
            unreachable: None,
        },
    ];
    let mut remaining = merged;
    for (why, removed) in merged_out {
        let step = match why {
            Deselected::Markers => "markers exclude the target",
            Deselected::Group => "--only-group",
            Deselected::Dev => "--no-dev",
        };
        if removed > 0 || why == Deselected::Markers {
            remaining -= removed;
            steps.push(NoiseStep {
                step: step.into(),
                findings: remaining,
                unreachable: None,
            });
        }
    }
    Ok(steps)
}

/// Matches the dependencies against the vulnerability database; also
/// returns how many advisory records the findings merge.
fn audit(
    dependencies: &[Dependency],
    database: &Database,
) -> Result<(Vec<Finding>, usize), EngineError> {
    // One audit per installed environment (and one for the project's own
    // files): the same vulnerable package in two environments is two
    // problems to fix, each reported in its environment's section.
    let mut by_environment: Vec<(Option<&str>, Vec<Dependency>)> = Vec::new();
    for dependency in dependencies {
        let environment = dependency.environment.as_deref();
        match by_environment.iter_mut().find(|(e, _)| *e == environment) {
            Some((_, group)) => group.push(dependency.clone()),
            None => by_environment.push((environment, vec![dependency.clone()])),
        }
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut records = 0;
    for (_, dependencies) in &by_environment {
        // A package whose records are damaged is an error, not a silent
        // miss.
        let matches = database.query(dependencies)?;
        records += matches.iter().map(|m| m.records).sum::<usize>();
        let mut found: Vec<Finding> = matches
            .into_iter()
            .map(|m| finding_of(m, dependencies))
            .collect();
        tag_environments(&mut found, dependencies);
        findings.extend(found);
    }
    Ok((findings, records))
}

/// Unpinned requirements (`django>=3.0,<4`) are not silent: each gets what
/// its range admits by the versions the database knows (`range` in the
/// JSON report), and when even the newest allowed version is vulnerable,
/// the advisories affecting it become findings with `version: null`: any
/// install of the requirement gets a vulnerable version. Also returns how
/// many advisory records those findings merge.
fn assess_ranges(
    dependencies: &[Dependency],
    database: &Database,
) -> Result<(Vec<Finding>, usize, Vec<Dependency>), EngineError> {
    let mut findings = Vec::new();
    let mut records = 0;
    let mut assessed = Vec::new();
    for dependency in dependencies {
        if dependency.version.is_some() || dependency.kind != DependencyKind::Registry {
            continue;
        }
        let Some(specifiers) = dependency.requirement.as_deref().and_then(specifiers_of) else {
            continue;
        };
        let package = database.package(&dependency.name)?;
        if package.advisories().is_empty() {
            continue;
        }
        let allowed: Vec<pep440_rs::Version> = database
            .known_versions(&dependency.name)?
            .into_iter()
            .filter(|v| specifiers.contains(v))
            .collect();
        let mut admits: Vec<String> = allowed
            .iter()
            .flat_map(|v| package.matches(v))
            .map(|m| m.advisory.id.clone())
            .collect();
        admits.sort();
        admits.dedup();
        if admits.is_empty() {
            continue;
        }
        let newest = allowed.last();
        let newest_safe = newest.is_some_and(|v| !package.is_affected(v));
        let mut copy = dependency.clone();
        copy.range = Some(RangeAssessment {
            admits,
            newest_allowed: newest.map(ToString::to_string),
            newest_allowed_safe: newest_safe,
        });
        assessed.push(copy);
        if let (Some(newest), false) = (newest, newest_safe) {
            let mut probe = dependency.clone();
            probe.version = Some(newest.to_string());
            let probe = [probe];
            for m in database.query(&probe)? {
                records += m.records;
                let mut finding = finding_of(m, &probe);
                finding.version = Some(None);
                finding.fingerprint =
                    pyward_model::fingerprint(&[&finding.id, dependency.name.as_str(), ""]);
                let requirement = dependency.requirement.as_deref().unwrap_or_default();
                finding.summary = Some(format!(
                    "`{requirement}` allows no known version without this: the newest, {newest}, is affected. {}",
                    finding.summary.as_deref().unwrap_or_default()
                ));
                findings.push(finding);
            }
        }
    }
    Ok((findings, records, assessed))
}

/// The version specifiers of a requirement as written (`django[x]>=3.0,<4
/// ; python_version > "3"` gives `>=3.0,<4`).
fn specifiers_of(requirement: &str) -> Option<pep440_rs::VersionSpecifiers> {
    let without_markers = requirement.split(';').next()?.trim();
    let start = without_markers.find(['<', '>', '=', '!', '~'])?;
    let text = without_markers[start..].trim().trim_end_matches(')');
    text.parse().ok()
}

/// The finding of one match, whose `stated_by` index into `dependencies`:
/// the advisory's ids, severity and text, the typed ranges and fixes (for
/// `fix` and SARIF), and where the package sits in the project.
pub(crate) fn finding_of(m: VulnerabilityMatch, dependencies: &[Dependency]) -> Finding {
    let kind = if m.malicious {
        FindingKind::Malicious
    } else {
        FindingKind::Vulnerability
    };
    let fingerprint = pyward_model::fingerprint(&[
        &m.id,
        m.package.as_str(),
        m.version.as_deref().unwrap_or(""),
    ]);
    let mut finding = Finding::new(kind, m.id, m.severity);
    finding.aliases = m.aliases;
    finding.fix_versions = Some(m.fix_versions.iter().map(ToString::to_string).collect());
    finding.summary = m.headline;
    // One CWE per finding: the lowest-numbered, as advisories list them.
    finding.cwe = m.cwes.into_iter().next();
    let stated_by: Vec<&Dependency> = m
        .stated_by
        .iter()
        .filter_map(|&i| dependencies.get(i))
        .collect();
    let first = stated_by.first();
    finding.source = first.map(|d| d.source.clone());
    finding.fingerprint = fingerprint;
    let mut context = DependencyContext::default();
    for dependency in &stated_by {
        if !context.sources.contains(&dependency.source) {
            context.sources.push(dependency.source.clone());
        }
    }
    if context.sources.len() < 2 {
        context.sources.clear();
    }
    if let Some(dependency) = first {
        context.via.clone_from(&dependency.via);
        context.direct = Some(dependency.direct);
        context.line = dependency.line;
    }
    finding.dependency = Some(context);
    finding.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        references: m.references,
        cvss: m.cvss.map(|c| c.score),
        affected: m.affected,
        fixes: m.fix_versions,
        details: m.details,
        affected_imports: m.imports,
        ..VulnerabilityDetail::default()
    }));
    finding.package = Some(m.package);
    finding.version = Some(m.version);
    finding
}

/// One catalogue entry per advisory that fired.
fn advisory_catalogue(findings: &[Finding]) -> Vec<RuleInfo> {
    let mut rules: BTreeMap<&str, RuleInfo> = BTreeMap::new();
    for finding in findings {
        rules.entry(finding.id.as_str()).or_insert_with(|| {
            let summary = finding
                .summary
                .clone()
                .unwrap_or_else(|| finding.id.clone());
            let mut help = finding
                .vulnerability()
                .and_then(|v| v.details.clone())
                .unwrap_or_else(|| summary.clone());
            if !finding.aliases.is_empty() {
                help.push_str(&format!("\n\nAliases: {}", finding.aliases.join(", ")));
            }
            for url in finding.references() {
                help.push_str(&format!("\n- {url}"));
            }
            RuleInfo {
                id: finding.id.clone(),
                kind: finding.kind,
                name: finding.id.clone(),
                description: summary,
                help,
                help_uri: Some(format!("https://osv.dev/vulnerability/{}", finding.id)),
                severity: if finding.kind == FindingKind::Malicious {
                    Severity::Critical
                } else {
                    finding.severity
                },
                cwe: finding.cwe.clone(),
            }
        });
    }
    rules.into_values().collect()
}

/// Installed packages get their environment named on the finding, so the
/// text report gives each environment its own section.
fn tag_environments(findings: &mut [Finding], dependencies: &[Dependency]) {
    let by_package: HashMap<(&PackageName, Option<&str>, &str), &str> = dependencies
        .iter()
        .filter_map(|d| {
            let environment = d.environment.as_deref()?;
            Some((
                (&d.name, d.version.as_deref(), d.source.as_str()),
                environment,
            ))
        })
        .collect();
    if by_package.is_empty() {
        return;
    }
    for finding in findings {
        if finding.environment().is_some() {
            continue;
        }
        let (Some(name), Some(source)) = (finding.package.as_ref(), finding.source.as_deref())
        else {
            continue;
        };
        let version = finding.version.clone().flatten();
        if let Some(environment) = by_package.get(&(name, version.as_deref(), source)) {
            finding
                .dependency
                .get_or_insert_with(Default::default)
                .environment = Some((*environment).to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use pyward_model::DependencyKind;

    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../pyward-osv/tests/fixtures")
    }

    fn build(dir: &Path) -> PathBuf {
        let dest = dir.join("osv.db");
        let options = pyward_osv::ImportOptions {
            built: Some("2024-10-10T17:35:05Z".into()),
            source_label: Some("fixtures".into()),
        };
        pyward_osv::import(&fixtures().join("osv"), &dest, &options).unwrap();
        dest
    }

    fn dep(name: &str, version: Option<&str>, source: &str) -> Dependency {
        Dependency::new(name, version, source)
    }

    fn audit(db: &Database, deps: &[Dependency]) -> Vec<Finding> {
        db.query(deps)
            .unwrap()
            .into_iter()
            .map(|m| finding_of(m, deps))
            .collect()
    }

    #[test]
    fn a_finding_carries_the_typed_parts_of_its_match() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&build(dir.path())).unwrap();
        let deps = [
            dep("other", Some("1.0"), "requirements.txt"),
            dep("demo_pkg", Some("1.0"), "requirements.txt"),
            dep("Demo.Pkg", Some("1.0"), "constraints.txt"),
        ];
        let m = db.query(&deps).unwrap().remove(0);
        let findings = audit(&db, &deps);
        assert_eq!(findings[0].source.as_deref(), Some("requirements.txt"));
        assert_eq!(findings[0].cwe.as_deref(), Some("CWE-20"));
        let detail = findings[0].vulnerability().unwrap();
        assert_eq!(detail.fixes, m.fix_versions);
        assert_eq!(detail.affected, m.affected);
        assert_eq!(
            detail.details.as_deref(),
            Some("A crafted request runs code.")
        );
        assert_eq!(detail.cvss, Some(9.8));
        assert_eq!(
            findings[0].dependency.as_ref().unwrap().sources,
            ["requirements.txt", "constraints.txt"]
        );
    }

    #[test]
    fn aliases_collapse_into_one_finding_with_every_id() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&build(dir.path())).unwrap();
        let findings = audit(&db, &[dep("demo_pkg", Some("1.0"), "requirements.txt")]);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let f = &findings[0];
        assert_eq!(f.kind, FindingKind::Vulnerability);
        assert_eq!(f.id, "PYSEC-2099-1");
        assert_eq!(f.aliases, vec!["CVE-2099-1", "GHSA-aaaa-bbbb-cccc"]);
        assert_eq!(f.package, Some(PackageName::new("demo-pkg")));
        assert_eq!(f.version, Some(Some("1.0".to_string())));
        assert_eq!(f.fix_versions, Some(vec!["1.5".to_string()]));
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            f.summary.as_deref(),
            Some("Remote code execution in demo-pkg")
        );
        assert_eq!(f.source.as_deref(), Some("requirements.txt"));
        assert_eq!(
            f.fingerprint,
            pyward_model::fingerprint(&["PYSEC-2099-1", "demo-pkg", "1.0"])
        );
        assert_eq!(
            f.references(),
            [
                "https://example.org/PYSEC-2099-1",
                "https://example.org/GHSA-aaaa-bbbb-cccc"
            ]
        );
        assert_eq!(f.dependency.as_ref().unwrap().direct, Some(true));
    }

    #[test]
    fn audit_orders_findings_and_uses_labels_details_and_last_affected() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&build(dir.path())).unwrap();
        let findings = audit(
            &db,
            &[
                dep("demo-pkg", Some("2.0"), "b.txt"),
                dep("demo-pkg", Some("1.3"), "a.txt"),
                dep("demo-pkg", Some("3.0"), "a.txt"),
                dep("unknown-pkg", Some("1.0"), "a.txt"),
            ],
        );
        let got: Vec<(String, &str, Severity, Vec<String>)> = findings
            .iter()
            .map(|f| {
                (
                    f.version.clone().flatten().unwrap(),
                    f.id.as_str(),
                    f.severity,
                    f.fix_versions.clone().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "1.3".into(),
                    "GHSA-zzzz-zzzz-zzzz",
                    Severity::Unknown,
                    vec![]
                ),
                (
                    "1.3".into(),
                    "PYSEC-2099-1",
                    Severity::Critical,
                    vec!["1.5".into()]
                ),
                (
                    "2.0".into(),
                    "GHSA-aaaa-bbbb-cccc",
                    Severity::Medium,
                    vec!["2.1".into()]
                ),
                (
                    "2.0".into(),
                    "GHSA-zzzz-zzzz-zzzz",
                    Severity::Unknown,
                    vec![]
                ),
            ]
        );
        assert_eq!(
            findings[0].summary.as_deref(),
            Some("Denial of service through long headers.")
        );
        assert_eq!(findings[2].aliases, vec!["CVE-2099-1"]);
    }

    #[test]
    fn the_same_pin_from_several_files_is_one_finding_listing_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&build(dir.path())).unwrap();
        let mut transitive = dep("demo-pkg", Some("1.0"), "requirements.txt");
        transitive.direct = false;
        transitive.via = vec![PackageName::new("flask")];
        let findings = audit(
            &db,
            &[
                transitive,
                dep("Demo-Pkg", Some("1.0"), "constraints.txt"),
                dep("demo-pkg", Some("1.0"), "requirements.txt"),
            ],
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].source.as_deref(), Some("requirements.txt"));
        let context = findings[0].dependency.as_ref().unwrap();
        assert_eq!(context.sources, ["requirements.txt", "constraints.txt"]);
        assert_eq!(findings[0].via(), [PackageName::new("flask")]);
        assert_eq!(context.direct, Some(false));
    }

    #[test]
    fn malicious_packages_flag_pins_and_unpinned_requirements_when_every_version_is_bad() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&build(dir.path())).unwrap();
        let mut url = dep("evil-pkg", None, "requirements.txt");
        url.kind = DependencyKind::Url;
        let findings = audit(
            &db,
            &[
                dep("evil-pkg", None, "requirements.txt"),
                url,
                dep("3web-py", None, "requirements.txt"),
                dep("3web-py", Some("1.0.0"), "requirements.txt"),
                dep("0requests", Some("0.0.2"), "requirements.txt"),
            ],
        );
        let got: Vec<(&str, Option<&str>, FindingKind, Severity)> = findings
            .iter()
            .map(|f| {
                (
                    f.id.as_str(),
                    f.version.as_ref().unwrap().as_deref(),
                    f.kind,
                    f.severity,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "MAL-2024-9934",
                    Some("1.0.0"),
                    FindingKind::Malicious,
                    Severity::Critical
                ),
                (
                    "MAL-2099-1",
                    None,
                    FindingKind::Malicious,
                    Severity::Critical
                ),
            ]
        );
        let json = serde_json::to_value(&findings[1]).unwrap();
        assert!(json["version"].is_null());
    }
}
