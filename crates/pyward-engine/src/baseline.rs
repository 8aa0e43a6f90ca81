//! Baselines for every kind of finding: a JSON report saved earlier
//! (`--write-baseline FILE`, or any `--format json` report) lists what is
//! already known; a run with `--baseline FILE` reports only what is new
//! since, matched by fingerprint, so a team can adopt pyward on a large old
//! project and fail only on what a change introduces.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pyward_model::{Finding, Report};
use serde::Deserialize;

use crate::EngineError;

/// A saved report is JSON; past this size it is not one pyward wrote for
/// a project.
const MAX_BASELINE_SIZE: u64 = 256 * 1024 * 1024;

/// The fingerprints a saved report holds.
#[derive(Debug, Clone)]
pub struct ReportBaseline {
    path: PathBuf,
    fingerprints: HashSet<String>,
}

/// What a baseline file turned out to be.
pub enum BaselineFile {
    /// A pyward JSON report: a baseline for every kind.
    Report(ReportBaseline),
    /// Anything else is handed to the secrets scanner, which reads
    /// detect-secrets' and its own baselines.
    Secrets,
}

#[derive(Deserialize)]
struct Saved {
    schema: String,
    #[serde(default)]
    findings: Vec<SavedFinding>,
    #[serde(default)]
    ignored: Vec<SavedFinding>,
}

#[derive(Deserialize)]
struct SavedFinding {
    fingerprint: String,
}

impl BaselineFile {
    pub fn load(path: &Path) -> Result<Self, EngineError> {
        let bad = |message: String| {
            EngineError::Option(format!("`--baseline {}`: {message}", path.display()))
        };
        let meta = fs_err::metadata(path).map_err(|e| bad(e.to_string()))?;
        if !meta.is_file() {
            return Err(bad("not a regular file".into()));
        }
        if meta.len() > MAX_BASELINE_SIZE {
            return Err(bad(format!(
                "{} bytes is over the {MAX_BASELINE_SIZE} byte limit for a baseline",
                meta.len()
            )));
        }
        let text = fs_err::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let looks_like_report = text.contains("\"schema\"") && text.contains("pyward/");
        if !looks_like_report {
            return Ok(BaselineFile::Secrets);
        }
        let saved: Saved = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a pyward JSON report (line {}): {e}", e.line())))?;
        if !saved.schema.starts_with("pyward/") {
            return Err(bad(format!("unknown report schema `{}`", saved.schema)));
        }
        Ok(BaselineFile::Report(ReportBaseline {
            path: path.to_path_buf(),
            fingerprints: saved
                .findings
                .into_iter()
                .chain(saved.ignored)
                .map(|f| f.fingerprint)
                .collect(),
        }))
    }
}

impl ReportBaseline {
    /// Moves every finding the baseline knows to `ignored`; returns how
    /// many.
    pub fn apply(&self, report: &mut Report) -> usize {
        let reason = format!("in the baseline `{}`", self.path.display());
        let (known, new): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut report.findings)
            .into_iter()
            .partition(|f| self.fingerprints.contains(&f.fingerprint));
        report.findings = new;
        let count = known.len();
        report.ignored.extend(known.into_iter().map(|mut f| {
            f.ignore_reason = Some(reason.clone());
            f
        }));
        count
    }
}

/// The report to save as a baseline: every finding of this run, those the
/// baseline set aside included (they are still known next time).
pub fn to_save(report: &Report, baseline: Option<&ReportBaseline>) -> Report {
    let mut saved = report.clone();
    if let Some(baseline) = baseline {
        let reason = format!("in the baseline `{}`", baseline.path.display());
        let (back, stay): (Vec<Finding>, Vec<Finding>) = std::mem::take(&mut saved.ignored)
            .into_iter()
            .partition(|f| f.ignore_reason.as_deref() == Some(reason.as_str()));
        saved.ignored = stay;
        saved.findings.extend(back.into_iter().map(|mut f| {
            f.ignore_reason = None;
            f
        }));
    }
    saved
}

#[cfg(test)]
mod tests {
    use pyward_model::{FindingKind, Severity};

    use super::*;

    fn finding(id: &str, fingerprint: &str) -> Finding {
        let mut f = Finding::new(FindingKind::Code, id, Severity::High);
        f.fingerprint = fingerprint.into();
        f
    }

    #[test]
    fn known_findings_move_to_ignored_and_are_saved_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let mut old = Report::new("0");
        old.findings = vec![finding("B602", "aaa")];
        fs_err::write(&path, serde_json::to_string(&old).unwrap()).unwrap();
        let BaselineFile::Report(baseline) = BaselineFile::load(&path).unwrap() else {
            panic!("a pyward report is a report baseline");
        };
        let mut now = Report::new("0");
        now.findings = vec![finding("B602", "aaa"), finding("B101", "bbb")];
        assert_eq!(baseline.apply(&mut now), 1);
        assert_eq!(now.findings[0].id, "B101");
        assert!(
            now.ignored[0]
                .ignore_reason
                .as_deref()
                .unwrap()
                .contains("baseline")
        );
        let saved = to_save(&now, Some(&baseline));
        assert_eq!(saved.findings.len(), 2);
        assert!(saved.ignored.is_empty());
    }

    #[test]
    fn other_files_go_to_the_secrets_scanner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".secrets.baseline");
        fs_err::write(&path, "{\"version\": \"1.5.0\", \"results\": {}}").unwrap();
        assert!(matches!(
            BaselineFile::load(&path).unwrap(),
            BaselineFile::Secrets
        ));
    }
}
