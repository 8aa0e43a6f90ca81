//! Inventory: every way a Python project states its dependencies
//! (requirements files, manifests, lockfiles, installed environments), read
//! into one list of [`pyward_model::Dependency`].
//!
//! Reading never runs code from the project (no `setup.py`, no build
//! backends) and never follows a link out of the scanned tree.

pub mod environment;
mod format;
pub mod lockfile;
pub mod manifest;

use std::path::{Path, PathBuf};

use pyward_model::{Dependency, Environment, ScanError};

pub use format::ParseError;

/// What to read and which variants count.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Evaluate environment markers for this Python version (`3.12`); by
    /// default every variant counts.
    pub python_version: Option<String>,
    /// Evaluate environment markers for this platform: `linux`, `macos`,
    /// `windows`.
    pub platform: Option<String>,
    /// Keep only dependencies in these groups (`main`, `dev`, an extra).
    pub only_groups: Vec<String>,
    /// Drop development groups.
    pub no_dev: bool,
}

/// Everything read from the inputs of one scan.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub dependencies: Vec<Dependency>,
    /// Installed environments read (`--env`, `--system`).
    pub environments: Vec<Environment>,
    /// Inputs that could not be read or parsed: the scan is incomplete.
    pub errors: Vec<ScanError>,
    /// Things the user should know that are not errors ("audited
    /// `uv.lock` in place of `pyproject.toml`").
    pub notes: Vec<String>,
}

impl Inventory {
    pub fn extend(&mut self, other: Inventory) {
        self.dependencies.extend(other.dependencies);
        self.environments.extend(other.environments);
        self.errors.extend(other.errors);
        self.notes.extend(other.notes);
    }
}

/// A project folder (discovers every dependency file in it) or one
/// dependency file (format chosen by its name). Sources are reported
/// relative to `base`.
pub fn scan_path(path: &Path, base: &Path, options: &Options) -> Inventory {
    let _ = (path, base, options);
    Inventory::default()
}

/// `-r FILE`: a requirements file, whatever its name.
pub fn scan_requirements_file(path: &Path, base: &Path, options: &Options) -> Inventory {
    let _ = (path, base, options);
    Inventory::default()
}

/// `--env DIR`: a virtual environment, conda environment or site-packages
/// folder.
pub fn scan_environment(dir: &Path, options: &Options) -> Inventory {
    environment::scan(dir, options)
}

/// `--system`: every Python environment on the machine; with `root`, also
/// `.venv`/`venv` folders under it.
pub fn scan_system(root: Option<&PathBuf>, options: &Options) -> Inventory {
    environment::scan_system(root.map(PathBuf::as_path), options)
}
