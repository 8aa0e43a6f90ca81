//! What the user asked for, before it is checked: the engine's input.
//! Commands fill a [`Request`] from their arguments; [`crate::Engine::new`]
//! turns it into settings, so every command and the gateway read options
//! the same way.

use std::path::{Path, PathBuf};

use pyward_model::{Confidence, Severity};

use crate::database::DbRequest;
use crate::policy::FailOn;

/// Everything a scanning command can ask for. Fields a command has no
/// option for stay at their defaults.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Folders and files as the user typed them; `.` when nothing else
    /// names an input.
    pub paths: Vec<PathBuf>,
    /// `-r FILE`: requirements files, whatever their name.
    pub requirements: Vec<PathBuf>,
    /// `--env DIR`: installed environments.
    pub environments: Vec<PathBuf>,
    /// `--system`, and `--root DIR` with it.
    pub system: bool,
    pub system_root: Option<PathBuf>,
    /// Which variants of the dependencies count.
    pub selection: Selection,
    /// `--config FILE`.
    pub config_file: Option<PathBuf>,
    /// `--db FILE`, `--offline`.
    pub db: DbRequest,
    /// `pyward code`'s options.
    pub code: CodeRequest,
    /// `pyward secrets`' options.
    pub secrets: SecretsRequest,
    /// `--fail-on` (`--exit-zero` is `FailOn::Never`).
    pub fail_on: Option<FailOn>,
    /// `--ignore ID`: set aside like an `[[ignore]]` entry.
    pub ignore: Vec<String>,
    /// `--min-severity`: overrides the configuration's.
    pub min_severity: Option<Severity>,
    /// `--keep-going`: exit by the findings even when some input could
    /// not be read.
    pub keep_going: bool,
    /// `--baseline FILE`: a saved JSON report (only new findings are
    /// reported), or a secrets baseline.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`: save this run's findings as a baseline.
    pub write_baseline: Option<PathBuf>,
    /// `--vex FILE`: OpenVEX or CycloneDX VEX decisions.
    pub vex: Vec<PathBuf>,
    /// Where the scanners count the files they found and have done, for
    /// a progress display; `None` when nobody watches (nothing counted).
    pub progress: Option<pyward_fs::Progress>,
}

/// `--only-group`, `--no-dev`, `--python-version`, `--platform`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub only_groups: Vec<String>,
    pub no_dev: bool,
    pub python_version: Option<String>,
    pub platform: Option<String>,
}

impl Selection {
    pub(crate) fn options(&self) -> pyward_inventory::Options {
        pyward_inventory::Options {
            python_version: self.python_version.clone(),
            platform: self.platform.clone(),
            only_groups: self.only_groups.clone(),
            no_dev: self.no_dev,
            progress: None,
        }
    }
}

/// Command-line options of the code scanner: they win over `[code]`
/// (`select` replaces it, `exclude` adds to it, the floors replace it;
/// the rule ids among `Request::ignore` are added to `[code] ignore`).
#[derive(Debug, Clone, Default)]
pub struct CodeRequest {
    pub select: Vec<String>,
    pub exclude: Vec<String>,
    pub severity: Option<Severity>,
    pub confidence: Option<Confidence>,
    /// `--profile`: overrides `[code] profile` and a Bandit configuration's.
    pub profile: Option<pyward_lint::Profile>,
    /// `--report-unused-suppressions`: PW001 for comments that silence
    /// nothing.
    pub report_unused_suppressions: bool,
}

/// Command-line options of the secrets scanner.
#[derive(Debug, Clone, Default)]
pub struct SecretsRequest {
    /// `--baseline FILE` (relative to the current folder).
    pub baseline: Option<PathBuf>,
    /// `--history`: every blob reachable from `HEAD`.
    pub history: bool,
}

impl Request {
    /// The inputs to scan: the paths given, or `.` when nothing names an
    /// input at all.
    pub(crate) fn effective_paths(&self) -> Vec<PathBuf> {
        let names_other_inputs =
            !self.requirements.is_empty() || !self.environments.is_empty() || self.system;
        if self.paths.is_empty() && !names_other_inputs {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }
}

/// What sources are named relative to: the one folder scanned, the folder
/// of the one file scanned, or the current folder.
pub(crate) fn base_dir(paths: &[PathBuf], requirements: &[PathBuf]) -> PathBuf {
    match (paths, requirements) {
        ([one], []) if one.is_dir() => one.clone(),
        ([one], []) => one
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        _ => PathBuf::from("."),
    }
}
