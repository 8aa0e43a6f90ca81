//! The dependency scanner: every input the user named read into one
//! inventory, matched against the vulnerability database.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use pyward_inventory::Inventory;
use pyward_model::{
    Dependency, Finding, FindingKind, PackageName, Report, RuleInfo, ScanError, Severity,
};
use pyward_osv::Database;

use crate::EngineError;
use crate::database::{self, DbRequest};
use crate::request::Selection;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    let request = &setup.request;
    Ok(Box::new(DepsScan {
        paths: setup.paths.clone(),
        requirements: request.requirements.clone(),
        environments: request.environments.clone(),
        system: request.system,
        system_root: request.system_root.clone(),
        selection: request.selection.clone(),
        base: setup.base.clone(),
        db: request.db.clone(),
    }))
}

struct DepsScan {
    paths: Vec<PathBuf>,
    requirements: Vec<PathBuf>,
    environments: Vec<PathBuf>,
    system: bool,
    system_root: Option<PathBuf>,
    selection: Selection,
    base: PathBuf,
    db: DbRequest,
}

impl Scan for DepsScan {
    fn id(&self) -> ScannerId {
        ScannerId::Deps
    }

    fn run(&self) -> Result<Part, EngineError> {
        let mut part = Part::new();
        let inventory = self.read_inventory();
        part.notes.extend(inventory.notes.iter().cloned());
        let database = database::open(&self.db, &mut part.warnings)?;
        part.report = audit(inventory, &database)?;
        Ok(part)
    }
}

impl DepsScan {
    /// Reads every input the user named into one inventory.
    fn read_inventory(&self) -> Inventory {
        let options = self.selection.options();
        let mut inventory = Inventory::default();
        for path in &self.paths {
            if !path.exists() {
                inventory.errors.push(ScanError {
                    path: path.display().to_string(),
                    line: None,
                    message: "no such file or folder".into(),
                });
                continue;
            }
            inventory.extend(pyward_inventory::scan_path(path, &self.base, &options));
        }
        for file in &self.requirements {
            inventory.extend(pyward_inventory::scan_requirements_file(
                file, &self.base, &options,
            ));
        }
        for env in &self.environments {
            inventory.extend(pyward_inventory::scan_environment(env, &options));
        }
        if self.system {
            inventory.extend(pyward_inventory::scan_system(
                self.system_root.as_ref(),
                &options,
            ));
        }
        inventory
    }
}

/// Matches the inventory against the vulnerability database.
fn audit(inventory: Inventory, database: &Database) -> Result<Report, EngineError> {
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    report.database = Some(database.info());
    // One audit per installed environment (and one for the project's own
    // files): the same vulnerable package in two environments is two
    // problems to fix, each reported in its environment's section.
    let mut by_environment: Vec<(Option<&str>, Vec<Dependency>)> = Vec::new();
    for dependency in &inventory.dependencies {
        let environment = dependency.environment.as_deref();
        match by_environment.iter_mut().find(|(e, _)| *e == environment) {
            Some((_, group)) => group.push(dependency.clone()),
            None => by_environment.push((environment, vec![dependency.clone()])),
        }
    }
    let mut findings: Vec<Finding> = Vec::new();
    for (_, dependencies) in &by_environment {
        // A package whose records are damaged is an error, not a silent
        // miss.
        let mut found = database.try_audit(dependencies)?;
        tag_environments(&mut found, dependencies);
        findings.extend(found);
    }
    report.rules = advisory_catalogue(&findings);
    report.findings = findings;
    report.dependencies = dedup_dependencies(inventory.dependencies);
    report.environments = inventory.environments;
    report.errors = inventory.errors;
    Ok(report)
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

/// CONTRACT.md: every dependency once per (name, version, source). Entries
/// that differ only in their markers (a Poetry dependency with one
/// constraint per platform) become one whose markers say "either".
fn dedup_dependencies(dependencies: Vec<Dependency>) -> Vec<Dependency> {
    type Key = (PackageName, Option<String>, String, Option<String>);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut kept: Vec<Dependency> = Vec::with_capacity(dependencies.len());
    for dependency in dependencies {
        let key = (
            dependency.name.clone(),
            dependency.version.clone(),
            dependency.source.clone(),
            dependency.environment.clone(),
        );
        match index.get(&key) {
            None => {
                index.insert(key, kept.len());
                kept.push(dependency);
            }
            Some(&at) => {
                let first = &mut kept[at];
                first.markers = match (first.markers.take(), dependency.markers) {
                    // Either entry applies everywhere: so does the union.
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) if a == b => Some(a),
                    (Some(a), Some(b)) => Some(format!("({a}) or ({b})")),
                };
                for group in dependency.groups {
                    if !first.groups.contains(&group) {
                        first.groups.push(group);
                    }
                }
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dependency(markers: Option<&str>, group: &str) -> Dependency {
        let mut d = Dependency::new("numpy", Some("1.26.4"), "pyproject.toml");
        d.markers = markers.map(str::to_string);
        d.groups = vec![group.to_string()];
        d
    }

    #[test]
    fn same_dependency_under_two_markers_is_listed_once_with_both() {
        let merged = dedup_dependencies(vec![
            dependency(Some("python_version < \"3.9\""), "main"),
            dependency(Some("python_version >= \"3.9\""), "dev"),
            Dependency::new("numpy", Some("1.26.4"), "other/requirements.txt"),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].markers.as_deref(),
            Some("(python_version < \"3.9\") or (python_version >= \"3.9\")")
        );
        assert_eq!(merged[0].groups, ["main", "dev"]);
    }

    #[test]
    fn an_unconditional_entry_makes_the_union_unconditional() {
        let merged = dedup_dependencies(vec![
            dependency(Some("sys_platform == \"win32\""), "main"),
            dependency(None, "main"),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].markers, None);
    }
}
