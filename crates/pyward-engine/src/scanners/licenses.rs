//! The license scanner: every dependency's license as an SPDX expression
//! (from installed metadata, else PyPI's JSON API), checked against
//! `[licenses]`, or without a policy against the project's own license.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyward_licenses::{LicenseInfo, LicensePolicy, Violation, ViolationKind};
use pyward_model::{
    Dependency, DependencyContext, DependencyKind, Detail, Finding, FindingKind, LicenseDetail,
    PackageName, RuleInfo, Severity,
};

use crate::EngineError;
use crate::inventory::SharedInventory;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

/// Where PyPI's JSON API is (`PYWARD_PYPI_URL` points it elsewhere: a
/// mirror, or a test server).
#[cfg(feature = "fetch")]
const PYPI_URL_VARIABLE: &str = "PYWARD_PYPI_URL";

/// How many failed lookups are named one by one.
const MAX_LISTED_WARNINGS: usize = 5;

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    let policy = match &setup.config.config.licenses {
        Some(policy) => Some(policy.clone().validated().map_err(|e| {
            EngineError::config(
                setup
                    .config
                    .path
                    .as_deref()
                    .unwrap_or(Path::new("configuration")),
                format!("`[licenses]`: {e}"),
            )
        })?),
        None => None,
    };
    Ok(Box::new(LicenseScan {
        inventory: Arc::clone(&setup.inventory),
        policy,
        project_license: project_license(&setup.base),
        offline: setup.request.db.offline,
    }))
}

struct LicenseScan {
    inventory: Arc<SharedInventory>,
    policy: Option<LicensePolicy>,
    project_license: Option<String>,
    offline: bool,
}

impl Scan for LicenseScan {
    fn id(&self) -> ScannerId {
        ScannerId::Licenses
    }

    fn run(&self) -> Result<Part, EngineError> {
        let mut part = Part::new();
        let lookup = Lookup::new(self.offline);
        let mut known: BTreeMap<(PackageName, Option<String>), Option<LicenseInfo>> =
            BTreeMap::new();
        let mut failures = Vec::new();
        for dependency in &self.inventory.get().dependencies {
            if !matches!(dependency.kind, DependencyKind::Registry) {
                continue;
            }
            let key = (dependency.name.clone(), dependency.version.clone());
            let license = known
                .entry(key)
                .or_insert_with(|| lookup.license(dependency, &mut failures))
                .clone();
            let mut listed = dependency.clone();
            if let Some(license) = &license {
                listed.license = Some(license.display().to_string()).filter(|l| !l.is_empty());
                listed.license_category = Some(license.category.as_str().to_string());
            }
            // Not looked up (offline, a lockfile-only package): nothing to
            // judge, and "no license" would be a guess.
            if let Some(license) = &license
                && let Some(violation) = pyward_licenses::evaluate(
                    self.policy.as_ref(),
                    self.project_license.as_deref(),
                    license,
                )
            {
                part.report
                    .findings
                    .push(finding(dependency, license, &violation));
            }
            part.report.dependencies.push(listed);
        }
        for failure in failures.iter().take(MAX_LISTED_WARNINGS) {
            part.warnings.push(failure.clone());
        }
        if failures.len() > MAX_LISTED_WARNINGS {
            part.warnings.push(format!(
                "... and {} more licenses could not be looked up",
                failures.len() - MAX_LISTED_WARNINGS
            ));
        }
        let mut ids: Vec<&str> = part.report.findings.iter().map(|f| f.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        part.report.rules = ids.into_iter().filter_map(rule_info).collect();
        Ok(part)
    }
}

/// Where licenses come from: installed metadata, else PyPI.
struct Lookup {
    #[cfg(feature = "fetch")]
    client: pyward_licenses::PypiClient,
}

impl Lookup {
    #[cfg_attr(not(feature = "fetch"), allow(unused_variables))]
    fn new(offline: bool) -> Self {
        Self {
            #[cfg(feature = "fetch")]
            client: pyward_licenses::PypiClient::new(pyward_licenses::PypiOptions {
                base_url: std::env::var(PYPI_URL_VARIABLE)
                    .ok()
                    .filter(|u| !u.trim().is_empty())
                    .map_or_else(
                        || pyward_licenses::DEFAULT_BASE_URL.to_string(),
                        |u| u.trim_end_matches('/').to_string(),
                    ),
                cache_dir: cache_dir(),
                offline,
                ..pyward_licenses::PypiOptions::default()
            }),
        }
    }

    /// `None` when the license could not be looked up at all.
    fn license(&self, dependency: &Dependency, failures: &mut Vec<String>) -> Option<LicenseInfo> {
        if let Some(metadata) = &dependency.license_metadata {
            return Some(pyward_licenses::resolve(metadata));
        }
        let version = dependency.version.as_deref()?;
        self.look_up_on_index(&dependency.name, version, failures)
    }

    #[cfg(feature = "fetch")]
    fn look_up_on_index(
        &self,
        name: &PackageName,
        version: &str,
        failures: &mut Vec<String>,
    ) -> Option<LicenseInfo> {
        let found = self.client.license(name, version);
        if let Some(warning) = found.warning {
            failures.push(format!("{warning}; its license is not known"));
        }
        found.license
    }

    #[cfg(not(feature = "fetch"))]
    fn look_up_on_index(
        &self,
        _: &PackageName,
        _: &str,
        _: &mut Vec<String>,
    ) -> Option<LicenseInfo> {
        None
    }
}

/// `$XDG_CACHE_HOME/pyward/licenses`, beside the database.
#[cfg(feature = "fetch")]
fn cache_dir() -> Option<PathBuf> {
    Some(pyward_osv::default_path()?.parent()?.join("licenses"))
}

#[cfg(not(feature = "fetch"))]
#[allow(dead_code)]
fn cache_dir() -> Option<PathBuf> {
    None
}

/// The project's own license, from `pyproject.toml` in `base`: PEP 639
/// `license = "MIT"`, the older `license = { text = "..." }`, or license
/// classifiers.
fn project_license(base: &Path) -> Option<String> {
    let path = base.join("pyproject.toml");
    let meta = fs_err::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > crate::config::MAX_CONFIG_SIZE {
        return None;
    }
    let document: toml::Table = fs_err::read_to_string(&path).ok()?.parse().ok()?;
    let project = document.get("project")?;
    let mut metadata = pyward_model::LicenseMetadata::default();
    match project.get("license") {
        Some(toml::Value::String(expression)) => metadata.expression = Some(expression.clone()),
        Some(toml::Value::Table(table)) => {
            metadata.license = table
                .get("text")
                .and_then(|t| t.as_str())
                .map(str::to_string);
        }
        _ => {}
    }
    if let Some(toml::Value::Array(classifiers)) = project.get("classifiers") {
        metadata.classifiers = classifiers
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect();
    }
    let info = pyward_licenses::resolve(&metadata);
    info.expression.or(info.raw)
}

fn finding(dependency: &Dependency, license: &LicenseInfo, violation: &Violation) -> Finding {
    let id = rule_id(violation.kind);
    let severity = match violation.kind {
        ViolationKind::Denied | ViolationKind::DeniedCategory | ViolationKind::NotAllowed => {
            Severity::High
        }
        ViolationKind::Conflict => Severity::Medium,
        ViolationKind::NoLicense => Severity::Low,
    };
    let mut finding = Finding::new(FindingKind::License, id, severity);
    finding.package = Some(dependency.name.clone());
    finding.version = Some(dependency.version.clone());
    finding.source = Some(dependency.source.clone());
    finding.summary = Some(format!("`{}`: {}", dependency.name, violation.reason));
    finding.fingerprint =
        pyward_model::fingerprint(&[id, dependency.name.as_str(), license.display()]);
    finding.dependency = Some(DependencyContext {
        direct: Some(dependency.direct),
        via: dependency.via.clone(),
        environment: dependency.environment.clone(),
        line: dependency.line,
        ..DependencyContext::default()
    });
    finding.detail = Some(Detail::License(LicenseDetail {
        license: license.expression.clone().or_else(|| license.raw.clone()),
        license_category: license.category.as_str().to_string(),
        reason: violation.reason.clone(),
    }));
    finding
}

pub(crate) fn rule_id(kind: ViolationKind) -> &'static str {
    match kind {
        ViolationKind::Denied => "license-denied",
        ViolationKind::DeniedCategory => "license-denied-category",
        ViolationKind::NotAllowed => "license-not-allowed",
        ViolationKind::NoLicense => "license-missing",
        ViolationKind::Conflict => "license-conflict",
    }
}

/// The catalogue entry of each kind of license finding.
pub fn rule_info(id: &str) -> Option<RuleInfo> {
    let (name, description, severity) = match id {
        "license-denied" => (
            "denied license",
            "A dependency's license is in the policy's `deny` list",
            Severity::High,
        ),
        "license-denied-category" => (
            "denied license category",
            "A dependency's license is of a category the policy denies",
            Severity::High,
        ),
        "license-not-allowed" => (
            "license not allowed",
            "A dependency's license is not in the policy's `allow` list",
            Severity::High,
        ),
        "license-missing" => (
            "no license",
            "A dependency declares no license at all",
            Severity::Low,
        ),
        "license-conflict" => (
            "license conflict",
            "A copyleft dependency the project's own license cannot carry",
            Severity::Medium,
        ),
        _ => return None,
    };
    Some(RuleInfo {
        id: id.to_string(),
        kind: FindingKind::License,
        name: name.to_string(),
        description: description.to_string(),
        help: format!(
            "{description}. Set the policy in `[licenses]` (`allow`, `deny`, `deny-categories`); \
             `pyward licenses` lists every dependency's license."
        ),
        help_uri: None,
        severity,
        cwe: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_license_comes_from_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\nlicense = \"MIT\"\n",
        )
        .unwrap();
        assert_eq!(project_license(dir.path()).as_deref(), Some("MIT"));
        fs_err::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\nclassifiers = [\"License :: OSI Approved :: Apache Software License\"]\n",
        )
        .unwrap();
        assert_eq!(project_license(dir.path()).as_deref(), Some("Apache-2.0"));
    }

    #[test]
    fn every_kind_has_a_catalogue_entry() {
        for kind in [
            ViolationKind::Denied,
            ViolationKind::DeniedCategory,
            ViolationKind::NotAllowed,
            ViolationKind::NoLicense,
            ViolationKind::Conflict,
        ] {
            assert!(rule_info(rule_id(kind)).is_some());
        }
    }
}
