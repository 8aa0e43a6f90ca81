//! Hardcoded secrets: keys, tokens and passwords written into text files,
//! in the working tree or anywhere in a repository's git history.
//!
//! Each detector lives in its own file under `detectors/` and is listed
//! once in [`detectors::REGISTRY`]. Findings never carry a secret in full:
//! a short preview, the length, and a fingerprint (a hash of the secret)
//! that baselines and SARIF use to recognise it across runs.
//!
//! This crate reads files and git objects; it never runs anything it
//! scans, never follows a symbolic link out of the tree, and never touches
//! the network (it does not check whether a secret is live).

mod baseline;
mod config;
pub mod detectors;
mod file_kind;
mod filters;
mod history;
mod redact;
mod scan;
mod walk;

use std::collections::HashMap;
use std::path::PathBuf;

use pyward_model::{Finding, ScanError};

pub use baseline::{
    BASELINE_LIMIT, Baseline, BaselineUpdate, Entry as BaselineEntry, update_baseline,
    write_baseline,
};
pub use config::{DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_LINE_LENGTH, SecretsConfig, Settings};
pub use history::{MAX_METADATA_OBJECT, scan_history};
pub use redact::redact;
pub use scan::{FileScan, preview, scan_text, secret_fingerprint, sha1_hex};
pub use walk::scan_paths;

/// What a secrets scan found.
#[derive(Debug, Default)]
pub struct SecretsOutcome {
    /// Secrets not in the baseline, sorted by path, line and column.
    pub findings: Vec<Finding>,
    /// Secrets the baseline lists (not reported, kept for the record).
    pub baselined: Vec<Finding>,
    /// Files that could not be read: the scan is incomplete.
    pub errors: Vec<ScanError>,
    /// Files skipped or scanned only in part (too large, minified, not
    /// UTF-8, very long lines), one sentence each naming the file.
    pub warnings: Vec<String>,
    /// Files (or, for history, distinct blobs) scanned.
    pub files_scanned: usize,
    /// The paths scanned (as findings name them), for baseline updates.
    pub(crate) scanned: Vec<String>,
    /// What detect-secrets would hash for each finding, by fingerprint.
    pub(crate) hashes: HashMap<String, baseline::SecretHashes>,
}

impl SecretsOutcome {
    fn sort(&mut self) {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column, f.id.clone()))
        };
        self.findings.sort_by_key(key);
        self.baselined.sort_by_key(key);
        self.warnings.sort();
    }
}

/// Failures that stop a secrets scan before it starts.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read the baseline `{path}`: {source}")]
    BaselineRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a secrets baseline (line {line}): {message}")]
    BaselineCorrupt {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot write the baseline `{path}`: {source}")]
    BaselineWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("unknown secret detector `{0}` in `[secrets] disable`")]
    UnknownDetector(String),
    #[error("invalid glob `{glob}` in `[secrets] exclude`: {source}")]
    Glob {
        glob: String,
        #[source]
        source: globset::Error,
    },
    #[error("cannot read the git history of `{path}`: {message}")]
    History { path: PathBuf, message: String },
    /// A `.git` link or `gitdir:` file, or object alternates, leading out
    /// of the repository's folder: its history is not the tree's.
    #[error(
        "`{path}` points outside the repository's folder (to `{target}`); its history is not read"
    )]
    GitDirOutside { path: PathBuf, target: PathBuf },
}
