//! The look-alike name scanner: a dependency whose name is a near miss of
//! a popular PyPI project is how typosquatting malware gets installed.

use std::collections::BTreeSet;
use std::sync::Arc;

use pyward_model::{
    DependencyContext, DependencyKind, Detail, Finding, FindingKind, PackageName, RuleInfo,
    Severity, TyposquatDetail,
};
use pyward_typosquat::{AllowList, Checker};

use crate::EngineError;
use crate::inventory::SharedInventory;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

/// What look-alike findings carry as `id`.
pub const RULE_ID: &str = "typosquat";

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    let allow: AllowList = setup
        .config
        .config
        .typosquat
        .as_ref()
        .map(|t| t.allow.iter().map(|name| PackageName::new(name)).collect())
        .unwrap_or_default();
    Ok(Box::new(NamesScan {
        inventory: Arc::clone(&setup.inventory),
        allow,
    }))
}

struct NamesScan {
    inventory: Arc<SharedInventory>,
    allow: AllowList,
}

impl Scan for NamesScan {
    fn id(&self) -> ScannerId {
        ScannerId::Names
    }

    fn run(&self) -> Result<Part, EngineError> {
        let mut part = Part::new();
        let checker = Checker::builtin().with_allow_list(self.allow.clone());
        let mut seen = BTreeSet::new();
        for dependency in &self.inventory.get().dependencies {
            // Conda packages and local paths are not PyPI names.
            if matches!(
                dependency.kind,
                DependencyKind::NonPython | DependencyKind::Path
            ) {
                continue;
            }
            if !seen.insert((dependency.name.clone(), dependency.source.clone())) {
                continue;
            }
            let Some(look_alike) = checker.check(&dependency.name) else {
                continue;
            };
            let mut finding = Finding::new(FindingKind::Typosquat, RULE_ID, Severity::High);
            finding.package = Some(dependency.name.clone());
            finding.version = Some(dependency.version.clone());
            finding.source = Some(dependency.source.clone());
            finding.summary = Some(look_alike.to_string());
            finding.cwe = Some("CWE-506".into());
            finding.fingerprint = pyward_model::fingerprint(&[
                RULE_ID,
                dependency.name.as_str(),
                look_alike.similar_to.as_str(),
            ]);
            finding.dependency = Some(DependencyContext {
                direct: Some(dependency.direct),
                via: dependency.via.clone(),
                environment: dependency.environment.clone(),
                line: dependency.line,
                ..DependencyContext::default()
            });
            finding.detail = Some(Detail::Typosquat(TyposquatDetail {
                similar_to: look_alike.similar_to.clone(),
                technique: look_alike.technique.description(),
            }));
            part.report.findings.push(finding);
        }
        if !part.report.findings.is_empty() {
            part.report.rules.push(rule_info());
        }
        Ok(part)
    }
}

/// The catalogue entry of look-alike findings.
pub fn rule_info() -> RuleInfo {
    RuleInfo {
        id: RULE_ID.to_string(),
        kind: FindingKind::Typosquat,
        name: "look-alike package name".to_string(),
        description: "A dependency's name is a near miss of a popular PyPI project".to_string(),
        help: "Typosquatting: malware published under a name one typo away from a popular \
               package (`reqeusts` for `requests`), waiting for a mistyped `pip install`. \
               Check that the dependency is the project you meant; if it is a real package \
               of its own, add it to `[typosquat] allow`."
            .to_string(),
        help_uri: None,
        severity: Severity::High,
        cwe: Some("CWE-506".into()),
    }
}
