//! The checked settings every scanner reads: the request with its defaults
//! applied, the folder sources are relative to, and the configuration.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyward_model::{ScanRoot, Severity};

use crate::EngineError;
use crate::baseline::{BaselineFile, ReportBaseline};
use crate::config::{self, LoadedConfig};
use crate::inventory::SharedInventory;
use crate::policy::{FailOn, Gate};
use crate::request::{self, Request};
use crate::vex::VexDocument;

/// What a run works from.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The request as the user made it.
    pub request: Request,
    /// The inputs to scan (`.` when nothing was named).
    pub paths: Vec<PathBuf>,
    /// What findings' paths are relative to.
    pub base: PathBuf,
    /// How reports name the scanned tree.
    pub root: ScanRoot,
    pub config: LoadedConfig,
    /// `--baseline` when it names a saved report.
    pub report_baseline: Option<ReportBaseline>,
    /// `--vex` documents, read.
    pub vex: Vec<VexDocument>,
    /// The dependencies, read once for every scanner that needs them.
    pub inventory: Arc<SharedInventory>,
    /// The first-party imports, read once for reachability.
    pub imports: Arc<crate::reach::SharedImports>,
}

impl Setup {
    pub fn new(mut request: Request) -> Result<Self, EngineError> {
        let mut report_baseline = None;
        if let Some(path) = &request.baseline {
            // A file yet to be written can only be a secrets baseline
            // (`secrets --update-baseline --baseline FILE`).
            let kind = if path.exists() {
                BaselineFile::load(path)?
            } else {
                BaselineFile::Secrets
            };
            match kind {
                BaselineFile::Report(baseline) => report_baseline = Some(baseline),
                BaselineFile::Secrets => {
                    if request.secrets.baseline.is_none() {
                        request.secrets.baseline = Some(path.clone());
                    }
                }
            }
        }
        let vex = request
            .vex
            .iter()
            .map(|path| VexDocument::load(path))
            .collect::<Result<Vec<_>, _>>()?;
        let paths = request.effective_paths();
        let base = request::base_dir(&paths, &request.requirements);
        let config = config::load(request.config_file.as_deref(), &base)?;
        let options = request.selection.options();
        pyward_inventory::validate_options(&options)?;
        let root = scan_root(&paths, &request.requirements, &base);
        let inventory = Arc::new(SharedInventory::new(&request, &paths, &base));
        Ok(Self {
            request,
            paths,
            base,
            root,
            config,
            report_baseline,
            vex,
            inventory,
            imports: Arc::default(),
        })
    }

    /// What fails the run: `--fail-on`, else the configuration's
    /// `fail-on`, else any finding; `fail-on-unknown` (default on); and
    /// `unreachable` (default `fail`).
    pub fn gate(&self) -> Gate {
        Gate {
            fail_on: self
                .request
                .fail_on
                .or(self.config.config.fail_on)
                .unwrap_or(FailOn::AtOrAbove(Severity::Unknown)),
            fail_on_unknown: self.config.config.fail_on_unknown.unwrap_or(true),
            unreachable_warns: self.config.config.unreachable == Some(config::Unreachable::Warn),
        }
    }

    /// `pyward fix` for what this run scanned, as the user would type it
    /// (`pyward fix requirements/base.txt`; no path for the current
    /// folder).
    pub fn fix_command(&self) -> String {
        let targets: Vec<&PathBuf> = self
            .paths
            .iter()
            .chain(&self.request.requirements)
            .collect();
        let mut line = "pyward fix".to_string();
        if let [only] = targets.as_slice()
            && only.as_path() == Path::new(".")
        {
            return line;
        }
        for target in targets {
            line.push(' ');
            line.push_str(&pyward_model::shell::word(&target.to_string_lossy()));
        }
        line
    }

    /// The folder paths in the configuration are relative to.
    pub fn config_folder(&self) -> PathBuf {
        self.config.folder_or(&self.base)
    }
}

/// The scanned tree as the user typed it, and where it sits in its git
/// repository.
fn scan_root(paths: &[PathBuf], requirements: &[PathBuf], base: &Path) -> ScanRoot {
    let display = match (paths, requirements) {
        ([_], []) => base.to_string_lossy().replace('\\', "/"),
        _ => String::new(),
    };
    let display = if display == "." {
        String::new()
    } else {
        display
    };
    ScanRoot {
        display,
        in_repository: repository_prefix(base),
    }
}

/// `base` relative to the root of the git repository holding it.
fn repository_prefix(base: &Path) -> Option<String> {
    let absolute = fs_err::canonicalize(base).ok()?;
    let top = absolute.ancestors().find(|dir| dir.join(".git").exists())?;
    let inside = absolute.strip_prefix(top).ok()?;
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_folder_is_shown_as_typed_and_placed_in_its_repository() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::create_dir_all(dir.path().join(".git")).unwrap();
        let sub = dir.path().join("vendor/Flask-2.0.0");
        fs_err::create_dir_all(&sub).unwrap();
        let root = scan_root(std::slice::from_ref(&sub), &[], &sub);
        assert_eq!(root.display, sub.to_string_lossy());
        assert_eq!(root.in_repository.as_deref(), Some("vendor/Flask-2.0.0"));
        let two = scan_root(
            &[sub.clone(), dir.path().to_path_buf()],
            &[],
            Path::new("."),
        );
        assert_eq!(two.display, "");
    }
}
