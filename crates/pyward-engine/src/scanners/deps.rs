//! The dependency scanner: every input the user named read into one
//! inventory, matched against the vulnerability database.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use pyward_model::{Dependency, Finding, FindingKind, PackageName, RuleInfo, Severity};
use pyward_osv::Database;

use crate::EngineError;
use crate::database::{self, DbRequest};
use crate::inventory::SharedInventory;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    Ok(Box::new(DepsScan {
        inventory: Arc::clone(&setup.inventory),
        db: setup.request.db.clone(),
    }))
}

struct DepsScan {
    inventory: Arc<SharedInventory>,
    db: DbRequest,
}

impl Scan for DepsScan {
    fn id(&self) -> ScannerId {
        ScannerId::Deps
    }

    fn run(&self) -> Result<Part, EngineError> {
        let mut part = Part::new();
        let inventory = self.inventory.get();
        let database = database::open(&self.db, &mut part.warnings)?;
        part.report.database = Some(database.info());
        let findings = audit(&inventory.dependencies, &database)?;
        part.report.rules = advisory_catalogue(&findings);
        part.report.findings = findings;
        Ok(part)
    }
}

/// Matches the dependencies against the vulnerability database.
fn audit(dependencies: &[Dependency], database: &Database) -> Result<Vec<Finding>, EngineError> {
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
    for (_, dependencies) in &by_environment {
        // A package whose records are damaged is an error, not a silent
        // miss.
        let mut found = database.try_audit(dependencies)?;
        tag_environments(&mut found, dependencies);
        findings.extend(found);
    }
    Ok(findings)
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
