//! Git history: every blob reachable from `HEAD`, scanned once.
use std::path::Path;

use crate::{SecretsError, SecretsOutcome, Settings};

/// Scans every blob reachable from `HEAD` of the repository at `repo`.
pub fn scan_history(repo: &Path, settings: &Settings) -> Result<SecretsOutcome, SecretsError> {
    let _ = settings;
    Err(SecretsError::History {
        path: repo.to_path_buf(),
        message: "not built yet".into(),
    })
}
