//! Findings from typed matches, for the binary until the engine builds
//! them itself: [`Database::audit`] is [`Database::query`] plus one
//! conversion, [`finding`].

use pyward_model::{
    Dependency, DependencyContext, Detail, Finding, FindingKind, VulnerabilityDetail,
};

use crate::query::{OnDamage, VulnerabilityMatch};
use crate::{Database, DbError};

impl Database {
    /// Audits `deps`: one finding per distinct advisory (aliases collapsed)
    /// per (package, version), in (package, version, id) order. A package
    /// whose records cannot be read is left out; [`Database::try_audit`]
    /// reports that instead.
    pub fn audit(&self, deps: &[Dependency]) -> Vec<Finding> {
        self.query_with(deps, OnDamage::Skip)
            .unwrap_or_default()
            .into_iter()
            .map(|m| into_finding(m, deps))
            .collect()
    }

    /// Like [`Database::audit`], but a damaged package record is an error.
    pub fn try_audit(&self, deps: &[Dependency]) -> Result<Vec<Finding>, DbError> {
        Ok(self
            .query_with(deps, OnDamage::Fail)?
            .into_iter()
            .map(|m| into_finding(m, deps))
            .collect())
    }
}

/// The finding for `m`, whose `stated_by` index into `deps`.
pub fn finding(m: &VulnerabilityMatch, deps: &[Dependency]) -> Finding {
    into_finding(m.clone(), deps)
}

/// [`finding`], moving the text out of `m` rather than copying it.
fn into_finding(m: VulnerabilityMatch, deps: &[Dependency]) -> Finding {
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
    // One CWE per finding in the model: the lowest-numbered, as a report
    // lists them.
    finding.cwe = m.cwes.into_iter().next();
    let stated_by: Vec<&Dependency> = m.stated_by.iter().filter_map(|&i| deps.get(i)).collect();
    let first = stated_by.first();
    finding.source = first.map(|d| d.source.clone());
    finding.fingerprint = fingerprint;
    let mut context = DependencyContext::default();
    for dep in &stated_by {
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
    finding.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        references: m.references,
        cvss: m.cvss.map(|c| c.score),
        affected: m.affected,
        fixes: m.fix_versions,
        details: m.details,
        ..VulnerabilityDetail::default()
    }));
    finding.package = Some(m.package);
    finding.version = Some(m.version);
    finding
}
