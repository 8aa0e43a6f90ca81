//! The secrets scanner: keys, tokens and passwords written into files (or,
//! with `--history`, into any file version reachable from `HEAD`).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use pyward_model::{Finding, FindingKind, RuleInfo};
use pyward_secrets::{Baseline, SecretsConfig, Settings};

use crate::EngineError;
use crate::scanner::{Part, Scan, ScannerId};
use crate::setup::Setup;

/// detect-secrets' file name, read when nothing else names a baseline.
pub const DEFAULT_BASELINE: &str = ".secrets.baseline";

pub(crate) fn prepare(setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    let mut scan = SecretsScan::new(setup)?;
    if let Some(path) = &scan.baseline_path
        && (setup.request.secrets.baseline.is_some() || path.is_file())
    {
        scan.settings.baseline = Some(Baseline::load(path)?);
    }
    Ok(Box::new(scan))
}

/// A secrets scan ready to run, and the baseline it reads (or would write).
pub struct SecretsScan {
    paths: Vec<PathBuf>,
    base: PathBuf,
    history: bool,
    settings: Settings,
    /// `--baseline`, the configured one, or `.secrets.baseline` beside the
    /// configuration (or in the scanned folder).
    baseline_path: Option<PathBuf>,
}

impl SecretsScan {
    /// The settings without reading the baseline (which `--update-baseline`
    /// is about to write).
    pub fn new(setup: &Setup) -> Result<Self, EngineError> {
        let configured = setup.config.config.secrets.clone();
        let folder = setup.config_folder();
        let baseline_path = match &setup.request.secrets.baseline {
            // Named on the command line: the user's own choice of file.
            Some(path) => Some(path.clone()),
            None => match configured.as_ref().and_then(|c| c.baseline.as_ref()) {
                Some(relative) => Some(inside(&folder, relative).ok_or_else(|| {
                    EngineError::config(
                        setup.config.path.as_deref().unwrap_or(Path::new("configuration")),
                        format!(
                            "`[secrets] baseline = \"{}\"` leads outside `{}`; a baseline named by a project's configuration must be inside the project",
                            relative.display(),
                            folder.display()
                        ),
                    )
                })?),
                None => Some(folder.join(DEFAULT_BASELINE)),
            },
        };
        let without_baseline = configured.map(|c| SecretsConfig {
            baseline: None,
            ..c
        });
        let settings = Settings {
            progress: setup.request.progress.as_ref().map(|p| p.task("secrets")),
            ..Settings::from_config(without_baseline.as_ref(), &setup.base)?
        };
        let history = setup.request.secrets.history;
        if history && setup.paths.len() != 1 {
            return Err(EngineError::Option(
                "`--history` scans one repository; give one path".into(),
            ));
        }
        Ok(Self {
            paths: setup.paths.clone(),
            base: setup.base.clone(),
            history,
            settings,
            baseline_path,
        })
    }

    /// Where `--update-baseline` writes.
    pub fn baseline_path(&self) -> Option<&Path> {
        self.baseline_path.as_deref()
    }

    /// Every secret, the baseline not applied (for `--update-baseline`).
    pub fn scan_all(&self) -> Result<pyward_secrets::SecretsOutcome, EngineError> {
        if self.history {
            return Ok(pyward_secrets::scan_history(
                &self.paths[0],
                &self.settings,
            )?);
        }
        Ok(pyward_secrets::scan_paths(
            &self.paths,
            &self.base,
            &self.settings,
        ))
    }
}

impl Scan for SecretsScan {
    fn id(&self) -> ScannerId {
        ScannerId::Secrets
    }

    fn run(&self) -> Result<Part, EngineError> {
        let found = self.scan_all()?;
        let mut part = Part::new();
        part.warnings = found.warnings;
        if !found.baselined.is_empty() {
            part.notes.push(format!(
                "{} secret{} listed in the baseline not reported",
                found.baselined.len(),
                if found.baselined.len() == 1 {
                    " is"
                } else {
                    "s are"
                }
            ));
        }
        let baseline_name = self
            .settings
            .baseline
            .as_ref()
            .map(|b| b.path().display().to_string())
            .unwrap_or_default();
        part.report.rules = detector_catalogue(found.findings.iter().chain(&found.baselined));
        part.report.findings = found.findings;
        part.report.ignored = found
            .baselined
            .into_iter()
            .map(|mut finding| {
                finding.ignore_reason = Some(format!("listed in the baseline `{baseline_name}`"));
                finding
            })
            .collect();
        part.report.errors = found.errors;
        Ok(part)
    }
}

/// `relative` joined to `folder`, when it stays inside `folder` (no
/// absolute path, no `..` climbing out).
fn inside(folder: &Path, relative: &Path) -> Option<PathBuf> {
    let mut depth = 0usize;
    for component in relative.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth = depth.checked_sub(1)?,
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(folder.join(relative))
}

/// One catalogue entry per detector that fired.
fn detector_catalogue<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<RuleInfo> {
    let mut rules = BTreeMap::new();
    for finding in findings {
        if rules.contains_key(finding.id.as_str()) {
            continue;
        }
        if let Some(detector) = pyward_secrets::detectors::by_id(&finding.id) {
            rules.insert(finding.id.as_str(), detector_info(detector));
        }
    }
    rules.into_values().collect()
}

/// What the catalogue says of a secret detector.
pub fn detector_info(detector: &pyward_secrets::detectors::Detector) -> RuleInfo {
    let help: String = detector
        .docs
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    RuleInfo {
        id: detector.id.to_string(),
        kind: FindingKind::Secret,
        name: detector.title.to_string(),
        description: format!("{} written into a file", detector.title),
        help: help.trim().to_string(),
        help_uri: None,
        severity: detector.severity,
        cwe: Some(detector.cwe.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_paths_stay_inside_the_folder() {
        let folder = Path::new("/project");
        assert_eq!(
            inside(folder, Path::new(".secrets.baseline")),
            Some(PathBuf::from("/project/.secrets.baseline"))
        );
        assert!(inside(folder, Path::new("ci/../.secrets.baseline")).is_some());
        assert_eq!(inside(folder, Path::new("/etc/passwd")), None);
        assert_eq!(inside(folder, Path::new("../elsewhere")), None);
    }

    #[test]
    fn every_detector_has_a_catalogue_entry() {
        for detector in pyward_secrets::detectors::REGISTRY {
            let info = detector_info(detector);
            assert_eq!(info.cwe.as_deref(), Some("CWE-798"));
            assert!(!info.help.is_empty(), "{}", detector.id);
        }
    }
}
