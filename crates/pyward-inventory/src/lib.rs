//! Inventory: every way a Python project states its dependencies
//! (requirements files, manifests, lockfiles, installed environments), read
//! into one list of [`pyward_model::Dependency`].
//!
//! Reading never runs code from the project (no `setup.py`, no build
//! backends) and never follows a link out of the scanned tree.

mod discover;
pub mod environment;
mod format;
pub mod lockfile;
pub mod manifest;
pub mod requirements;
mod select;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use pyward_model::{Dependency, Environment, ScanError};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

pub use format::{Format, ParseError};
pub use select::{InvalidOption, Platform, validate as validate_options};

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
    let mut inventory = if path.is_dir() {
        scan_folder(path, base)
    } else if path.exists() {
        scan_file(path, base)
    } else {
        Inventory::error(
            requirements::relative_source(path, base),
            "no such file or folder",
        )
    };
    finish(&mut inventory, options);
    inventory
}

/// `-r FILE`: a requirements file, whatever its name.
pub fn scan_requirements_file(path: &Path, base: &Path, options: &Options) -> Inventory {
    let mut inventory = read_requirements(path, base).0;
    finish(&mut inventory, options);
    inventory
}

/// `--env DIR`: a virtual environment, conda environment or site-packages
/// folder.
pub fn scan_environment(dir: &Path, options: &Options) -> Inventory {
    let mut inventory = environment::scan(dir, options);
    finish(&mut inventory, options);
    inventory
}

/// `--system`: every Python environment on the machine; with `root`, also
/// `.venv`/`venv` folders under it.
pub fn scan_system(root: Option<&PathBuf>, options: &Options) -> Inventory {
    let mut inventory = environment::scan_system(root.map(PathBuf::as_path), options);
    finish(&mut inventory, options);
    inventory
}

/// Parses one dependency file's text in the given format (a requirements
/// file without following its includes; a lockfile without its manifest's
/// requirements, so direct means "nothing else requires it"). `source`
/// names the file in the dependencies.
pub fn parse_text(format: Format, text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    match format {
        Format::Requirements => requirements::parse(text, source),
        Format::PyProject => manifest::pyproject::parse(text, source),
        Format::SetupCfg => manifest::setup_cfg::parse(text, source),
        Format::Pipfile => manifest::pipfile::parse(text, source),
        Format::Pep723Script => manifest::pep723::parse(text, source),
        Format::CondaEnvironment => manifest::conda::parse(text, source),
        Format::UvLock => lockfile::uv_lock::parse(text, source),
        Format::PoetryLock => lockfile::poetry_lock::parse(text, source),
        Format::PipfileLock => lockfile::pipfile_lock::parse(text, source),
        Format::PdmLock => lockfile::pdm_lock::parse(text, source),
        Format::Pylock => lockfile::pylock::parse(text, source),
    }
}

/// Parses a file of any format but requirements, with what the folder
/// around it adds: a lockfile's manifest names its direct dependencies,
/// and manifests note what they cannot tell.
fn parse_in_place(
    path: &Path,
    format: Format,
    text: &str,
    source: &str,
) -> Result<(Vec<Dependency>, Vec<String>), ParseError> {
    let no_notes = |dependencies| (dependencies, Vec::new());
    match format {
        Format::PyProject => manifest::pyproject::parse_with_notes(text, source)
            .map(|manifest| (manifest.dependencies, manifest.notes)),
        Format::SetupCfg => manifest::setup_cfg::parse_with_notes(text, source)
            .map(|manifest| (manifest.dependencies, manifest.notes)),
        Format::Pipfile => manifest::pipfile::parse_with_notes(text, source)
            .map(|manifest| (manifest.dependencies, manifest.notes)),
        Format::Pep723Script => manifest::pep723::parse_with_notes(text, source)
            .map(|manifest| (manifest.dependencies, manifest.notes)),
        Format::CondaEnvironment => manifest::conda::parse_with_notes(text, source)
            .map(|manifest| (manifest.dependencies, manifest.notes)),
        Format::PoetryLock | Format::PdmLock | Format::PipfileLock | Format::Pylock => {
            let Some(roots) = manifest_roots(path, format) else {
                return parse_text(format, text, source).map(no_notes);
            };
            let parse = match format {
                Format::PoetryLock => lockfile::poetry_lock::parse_with_roots,
                Format::PdmLock => lockfile::pdm_lock::parse_with_roots,
                Format::PipfileLock => lockfile::pipfile_lock::parse_with_roots,
                _ => lockfile::pylock::parse_with_roots,
            };
            parse(text, source, &roots).map(no_notes)
        }
        _ => parse_text(format, text, source).map(no_notes),
    }
}

/// The requirements of the manifest beside a lockfile that does not record
/// them itself; `None` when there is no such manifest or it does not parse
/// (the lock is then read on its own).
fn manifest_roots(lockfile_path: &Path, format: Format) -> Option<Vec<lockfile::Root>> {
    let manifest_format = format.locked_manifest()?;
    let name = match manifest_format {
        Format::Pipfile => "Pipfile",
        _ => "pyproject.toml",
    };
    let manifest_path = lockfile_path.parent()?.join(name);
    let text = fs_err::read_to_string(&manifest_path).ok()?;
    let dependencies = parse_text(manifest_format, &text, name).ok()?;
    if dependencies.is_empty() {
        return None;
    }
    Some(
        dependencies
            .iter()
            .flat_map(lockfile::Root::from_dependency)
            .collect(),
    )
}

impl Inventory {
    fn error(path: String, message: impl Into<String>) -> Self {
        Self {
            errors: vec![ScanError {
                path,
                line: None,
                message: message.into(),
            }],
            ..Self::default()
        }
    }
}

/// A requirements file with its includes; also the constraint files it
/// named (canonical paths).
fn read_requirements(path: &Path, base: &Path) -> (Inventory, Vec<PathBuf>) {
    let read = requirements::read_file(path, base);
    let inventory = Inventory {
        dependencies: read.dependencies,
        environments: Vec::new(),
        errors: read.errors,
        notes: read.notes,
    };
    (inventory, read.constraint_files)
}

/// One file the user named.
fn scan_file(path: &Path, base: &Path) -> Inventory {
    let source = requirements::relative_source(path, base);
    match Format::for_named_file(path) {
        Some(Format::Requirements) => read_requirements(path, base).0,
        // A script without inline metadata states nothing pyward can read
        // (`setup.py` is code, and pyward never runs it).
        Some(Format::Pep723Script) if !discover::has_script_block(path) => Inventory::error(
            source,
            "no `# /// script` block (PEP 723 inline metadata) in this Python file;              pyward does not run code such as setup.py to learn its dependencies",
        ),
        Some(format) => read_other(path, format, source),
        None => Inventory::error(
            source,
            "not a dependency file pyward knows (requirements files, pyproject.toml, setup.cfg, \
             Pipfile, Pipfile.lock, uv.lock, poetry.lock, pdm.lock, pylock.toml, environment.yml, \
             scripts with inline metadata)",
        ),
    }
}

/// A file in any format but requirements (which has includes).
fn read_other(path: &Path, format: Format, source: String) -> Inventory {
    let text = match fs_err::read(path) {
        Ok(bytes) => text_of(bytes),
        Err(e) => return Inventory::error(source, format!("cannot read: {}", io_reason(&e))),
    };
    match parse_in_place(path, format, &text, &source) {
        Ok((dependencies, notes)) => Inventory {
            dependencies,
            // The manifest readers' notes already name the file.
            notes,
            ..Inventory::default()
        },
        Err(e) => Inventory {
            errors: vec![ScanError {
                path: source,
                line: e.line,
                message: e.message,
            }],
            ..Inventory::default()
        },
    }
}

/// A file's text: UTF-8 as it should be, or with invalid bytes replaced
/// (a stray Latin-1 comment must not hide the requirements around it).
pub(crate) fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

fn io_reason(error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        return "no such file".to_string();
    }
    let text = error.to_string();
    text.rsplit(": ").next().unwrap_or(&text).to_string()
}

/// Every project under a folder.
fn scan_folder(root: &Path, base: &Path) -> Inventory {
    let walk = discover::walk(root);
    let mut inventory = Inventory::default();
    for (path, reason) in walk.unreadable {
        inventory.errors.push(ScanError {
            path: path.map_or_else(
                || requirements::relative_source(root, base),
                |path| requirements::relative_source(&path, base),
            ),
            line: None,
            message: format!("cannot read: {reason}"),
        });
    }
    let plan = discover::plan(walk.found);
    for (lockfile, manifest) in &plan.replaced {
        inventory.notes.push(format!(
            "`{}` audited in place of `{}`",
            requirements::relative_source(lockfile, base),
            requirements::relative_source(manifest, base),
        ));
    }
    if plan.files.is_empty() {
        inventory.notes.push(format!(
            "no dependency files found in `{}`",
            requirements::relative_source(root, base)
        ));
        return inventory;
    }
    // Every file is read on its own, in parallel; the results are merged
    // in path order so that the output does not depend on scheduling.
    let reads: Vec<(Inventory, Vec<PathBuf>)> = plan
        .files
        .par_iter()
        .map(|file| {
            if file.format == Format::Requirements {
                read_requirements(&file.path, base)
            } else {
                let source = requirements::relative_source(&file.path, base);
                (read_other(&file.path, file.format, source), Vec::new())
            }
        })
        .collect();
    // A requirements file some other one names with `-c` holds
    // constraints, not dependencies: it is not read on its own.
    let constraint_files: HashSet<PathBuf> =
        reads.iter().flat_map(|(_, c)| c.iter().cloned()).collect();
    for (file, (read, _)) in plan.files.iter().zip(reads) {
        let is_constraints = !constraint_files.is_empty()
            && fs_err::canonicalize(&file.path)
                .is_ok_and(|canonical| constraint_files.contains(&canonical));
        if !is_constraints {
            inventory.extend(read);
        }
    }
    inventory
}

/// What every scan does last: the options' selection, and one entry per
/// dependency line (a file included by two others is read twice).
fn finish(inventory: &mut Inventory, options: &Options) {
    match select::Target::from_options(options) {
        Ok(target) => select::apply(&mut inventory.dependencies, options, &target),
        // The CLI checks options first (`validate_options`); a library
        // caller that did not still learns the selection was not applied.
        Err(e) => inventory.errors.push(ScanError {
            path: e.option().to_string(),
            line: None,
            message: e.to_string(),
        }),
    }
    // Keys borrow from the list; the mask is applied after.
    let keep: Vec<bool> = {
        let mut seen = FxHashSet::default();
        seen.reserve(inventory.dependencies.len());
        inventory
            .dependencies
            .iter()
            .map(|d| {
                seen.insert((
                    d.source.as_str(),
                    d.line,
                    d.name.as_str(),
                    d.version.as_deref(),
                    d.requirement.as_deref(),
                    d.environment.as_deref(),
                ))
            })
            .collect()
    };
    if keep.contains(&false) {
        let mut keep = keep.into_iter();
        inventory
            .dependencies
            .retain(|_| keep.next().unwrap_or(true));
    }
    let mut seen_notes = HashSet::new();
    inventory
        .notes
        .retain(|note| seen_notes.insert(note.clone()));
}
