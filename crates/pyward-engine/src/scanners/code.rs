//! The code scanner: Bandit's checks and pyward's own over Python source.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use pyward_lint::{CodeConfig, Settings};
use pyward_model::{Finding, FindingKind, RuleInfo};

use crate::EngineError;
use crate::request::CodeRequest;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    let mut notes = Vec::new();
    // `[code]` when there is one; else a migrating user's Bandit settings.
    let mut code = match &setup.config.config.code {
        Some(code) => code.clone(),
        None => match pyward_lint::bandit_config(&setup.base)? {
            Some(bandit) => {
                notes.push(format!(
                    "using Bandit's settings from `{}` (no `[code]` configuration)",
                    bandit.source.display()
                ));
                for id in bandit.unknown_ids() {
                    notes.push(format!(
                        "`{id}` in `{}` is not a pyward rule; left out",
                        bandit.source.display()
                    ));
                }
                bandit.to_code_config()
            }
            None => CodeConfig::default(),
        },
    };
    apply_request(&mut code, &setup.request.code);
    // `--ignore B101`: a rule the user sets aside is not run at all.
    code.ignore.extend(
        setup
            .request
            .ignore
            .iter()
            .filter(|id| pyward_lint::all_rules().any(|rule| rule.matches_prefix(id)))
            .cloned(),
    );
    let settings = Settings::from_code_config(&code)?
        .with_unused_suppressions(setup.request.code.report_unused_suppressions)
        .with_progress(setup.request.progress.as_ref().map(|p| p.task("code")));
    Ok(Box::new(CodeScan {
        paths: setup.paths.clone(),
        base: setup.base.clone(),
        settings,
        notes,
        imports: Arc::clone(&setup.imports),
    }))
}

/// Command-line options win over the configuration: `--select` replaces
/// it, `--exclude` adds to it, the floors replace it.
fn apply_request(code: &mut CodeConfig, request: &CodeRequest) {
    if !request.select.is_empty() {
        code.select = Some(request.select.clone());
    }
    code.exclude.extend(request.exclude.iter().cloned());
    if request.severity.is_some() {
        code.severity = request.severity;
    }
    if request.confidence.is_some() {
        code.confidence = request.confidence;
    }
    if request.profile.is_some() {
        code.profile = request.profile;
    }
}

struct CodeScan {
    paths: Vec<PathBuf>,
    base: PathBuf,
    settings: Settings,
    notes: Vec<String>,
    /// Where to leave the first-party imports, when reachability asks.
    imports: Arc<crate::reach::SharedImports>,
}

impl Scan for CodeScan {
    fn id(&self) -> ScannerId {
        ScannerId::Code
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn run(&self) -> Result<Part, EngineError> {
        // Reachability reads the imports of the same folders: this pass
        // collects them, rather than the dependency scanner parsing every
        // file again.
        let mut outcome = if self.imports.is_promised(&self.paths) {
            let promise = self.imports.reader();
            let (outcome, imports) =
                pyward_lint::check_paths_and_imports(&self.paths, &self.base, &self.settings);
            promise.keep(imports);
            outcome
        } else {
            pyward_lint::check_paths(&self.paths, &self.base, &self.settings)
        };
        let mut part = Part::new();
        part.report.rules = rule_catalogue(&outcome.findings);
        for finding in &mut outcome.findings {
            if finding.cwe.is_none() {
                finding.cwe = part
                    .report
                    .rules
                    .iter()
                    .find(|rule| rule.id == finding.id)
                    .and_then(|rule| rule.cwe.clone());
            }
        }
        part.report.findings = outcome.findings;
        part.report.errors = outcome.errors;
        Ok(part)
    }
}

/// One catalogue entry per rule that fired.
fn rule_catalogue(findings: &[Finding]) -> Vec<RuleInfo> {
    let mut rules = BTreeMap::new();
    for finding in findings {
        if rules.contains_key(finding.id.as_str()) {
            continue;
        }
        if let Some(rule) = pyward_lint::rule(&finding.id) {
            rules.insert(finding.id.as_str(), rule_info(rule));
        }
    }
    rules.into_values().collect()
}

/// What the catalogue says of a code rule.
pub fn rule_info(rule: &pyward_lint::Rule) -> RuleInfo {
    let docs = rule.docs();
    RuleInfo {
        id: rule.code.to_string(),
        kind: FindingKind::Code,
        name: rule.name.to_string(),
        description: first_sentence_of_section(docs, "## What it does")
            .unwrap_or_else(|| rule.message.to_string()),
        help: docs.to_string(),
        help_uri: None,
        severity: rule.severity,
        cwe: rule.cwe.map(str::to_string),
    }
}

/// The paragraph under a Markdown heading, on one line.
fn first_sentence_of_section(docs: &str, heading: &str) -> Option<String> {
    let after = docs.split_once(heading)?.1;
    let paragraph: Vec<&str> = after
        .lines()
        .skip_while(|line| line.trim().is_empty())
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_override_configuration() {
        let request = CodeRequest {
            select: vec!["B6".into(), "PW".into()],
            exclude: vec!["tests/**".into()],
            severity: Some(pyward_model::Severity::Medium),
            confidence: None,
            profile: Some(pyward_lint::Profile::Bandit),
            report_unused_suppressions: false,
        };
        let mut code = CodeConfig {
            select: Some(vec!["B1".into()]),
            ignore: vec!["B101".into()],
            ..CodeConfig::default()
        };
        apply_request(&mut code, &request);
        assert_eq!(code.select, Some(vec!["B6".to_string(), "PW".to_string()]));
        assert_eq!(code.ignore, vec!["B101"]);
        assert_eq!(code.severity, Some(pyward_model::Severity::Medium));
        assert_eq!(code.exclude, vec!["tests/**"]);
        assert_eq!(code.profile, Some(pyward_lint::Profile::Bandit));
    }

    #[test]
    fn every_rule_has_a_catalogue_entry_with_a_description() {
        for rule in pyward_lint::all_rules() {
            let info = rule_info(rule);
            assert!(!info.description.is_empty(), "{}", rule.code);
            assert!(!info.description.contains('\n'), "{}", rule.code);
        }
        let b703 = rule_info(pyward_lint::rule("B703").unwrap());
        assert_eq!(b703.cwe.as_deref(), Some("CWE-80"));
    }
}
