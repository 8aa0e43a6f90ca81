//! Inventory: every way a Python project states its dependencies
//! (requirements files, manifests, lockfiles, installed environments), read
//! into one list of [`pyward_model::Dependency`], with the dependency
//! graph ([`Inventory::graph`]) and, for each dependency, where it is
//! written (file, byte spans of the requirement and its version), its
//! artifact hashes and, for installed packages, what their metadata says
//! of their license.
//!
//! Every format is one entry of one registry ([`Format`], [`FormatSpec`]):
//! discovery, parsing and messages all read it. Adding a lockfile format
//! is one module in `src/lockfile/` (its `FORMAT` static and its parser)
//! plus one line in the `lockfiles!` table of `src/lockfile/mod.rs`.
//!
//! Reading never runs code from the project (no `setup.py`, no build
//! backends), never follows a link out of the scanned tree, and never
//! reads outside it: an `-r`/`-c` include and the manifest beside a lock
//! must resolve inside the folder the user named (for a file the user
//! named, inside its own folder); only files named on the command line
//! may be elsewhere. Special files (FIFOs, devices, sockets, `/proc`,
//! `/sys`, `/dev`) are refused wherever they come from.
//!
//! Limits, each an error for that file (or entry), never an abort:
//! [`MAX_FILE_BYTES`] (16 MiB) per file read, [`MAX_NESTING`] (64) levels
//! of `[`/`{` in TOML, JSON and YAML and of `(` in markers, checked before
//! the recursive parsers run, [`MAX_REQUIREMENT_BYTES`] (16 KiB) per PEP
//! 508 requirement, [`MAX_INCLUDE_DEPTH`] (32) nested `-r` files, and for
//! installed metadata [`MAX_HEADER_BYTES`] (1 MiB, bounded per line while
//! reading) and [`MAX_LICENSE_FILE_BYTES`] (4 KiB) of each license file.
//! Error messages are one line and quote input in excerpts of at most
//! [`MAX_EXCERPT_CHARS`] characters; URL credentials are replaced by
//! `****` ([`redact_credentials`]).

mod discover;
pub mod environment;
mod excerpt;
mod format;
pub mod lockfile;
pub mod manifest;
mod nesting;
mod read;
pub mod requirements;
mod select;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use pyward_model::{Dependency, DependencyEdge, Environment, PackageName, PackageRef, ScanError};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

pub use environment::metadata::{MAX_HEADER_BYTES, MAX_LICENSE_FILE_BYTES};
pub use excerpt::{MAX_EXCERPT_CHARS, redact_credentials};
pub use format::{
    Document, Format, FormatSpec, LockSpec, NamePattern, ParseError, ParseFn, Parsed,
};
pub use manifest::pep508::MAX_REQUIREMENT_BYTES;
pub use nesting::MAX_NESTING;
pub use read::MAX_FILE_BYTES;
pub use requirements::MAX_INCLUDE_DEPTH;
pub use select::{Deselected, InvalidOption, Platform, validate as validate_options};

use read::{Access, read_text};

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
    /// Counts the files a folder's walk found and read (for a progress
    /// display).
    pub progress: Option<pyward_fs::FileCount>,
}

/// Everything read from the inputs of one scan.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub dependencies: Vec<Dependency>,
    /// The dependency graph of every input that records one (lockfiles,
    /// compiled requirements' `# via`, installed `Requires-Dist`), and for
    /// the others the project's edges to its direct dependencies: `from:
    /// None` is the project. Edges to dependencies the options left out
    /// are left out too.
    pub graph: Vec<DependencyEdge>,
    /// Installed environments read (`--env`, `--system`).
    pub environments: Vec<Environment>,
    /// Inputs (or entries of them) that could not be read or parsed: the
    /// scan is incomplete.
    pub errors: Vec<ScanError>,
    /// Things the user should know that are not errors ("audited
    /// `uv.lock` in place of `pyproject.toml`").
    pub notes: Vec<String>,
    /// Every group (normalized) a dependency read belongs to, before the
    /// options' selection: what `--only-group` may name.
    pub groups: BTreeSet<String>,
    /// What the options' selection left out, and why: counted (the noise
    /// figures say how many findings each step removed), never audited.
    pub deselected: Vec<(Dependency, Deselected)>,
}

impl Inventory {
    pub fn extend(&mut self, other: Inventory) {
        self.dependencies.extend(other.dependencies);
        self.graph.extend(other.graph);
        self.environments.extend(other.environments);
        self.errors.extend(other.errors);
        self.notes.extend(other.notes);
        self.groups.extend(other.groups);
        self.deselected.extend(other.deselected);
    }

    /// Checks, once every input is read, that each `--only-group` names a
    /// group some input has: a misspelt group would otherwise select
    /// nothing and pass.
    pub fn check_groups(&self, options: &Options) -> Result<(), InvalidOption> {
        for group in &options.only_groups {
            let normalized = PackageName::new(group).as_str().to_string();
            if !self.groups.contains(&normalized) {
                return Err(InvalidOption::UnknownGroup {
                    group: group.clone(),
                    known: self.groups.iter().cloned().collect::<Vec<_>>().join(", "),
                });
            }
        }
        Ok(())
    }

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

/// A project folder (discovers every dependency file in it) or one
/// dependency file (format chosen by its name). Sources are reported
/// relative to `base`.
pub fn scan_path(path: &Path, base: &Path, options: &Options) -> Inventory {
    let mut inventory = if path.is_dir() {
        scan_folder(path, base, options.progress.as_ref())
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
    let mut inventory = read_requirements(path, base, None).0;
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
/// names the file in the dependencies. An entry that does not parse fails
/// the whole text; [`parse_document`] reads the rest.
pub fn parse_text(format: Format, text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_document(format, &Document::new(text, source))?.into_strict()
}

/// Everything one dependency file's text states, in the given format:
/// dependencies (with their spans and hashes), graph, notes, and the
/// entries left out with their errors.
pub fn parse_document(format: Format, document: &Document<'_>) -> Result<Parsed, ParseError> {
    (format.spec().parse)(document)
}

/// The project's edges to its direct dependencies, for a file that
/// records no graph of its own.
pub(crate) fn root_edges(dependencies: &[Dependency]) -> Vec<DependencyEdge> {
    dependencies
        .iter()
        .filter(|d| d.direct)
        .map(|d| DependencyEdge {
            source: d.source.clone(),
            from: None,
            to: PackageRef {
                name: d.name.clone(),
                version: d.version.clone(),
            },
        })
        .collect()
}

/// The requirements of the manifest beside a lockfile that does not record
/// them itself (read only if it is a regular file inside `root`); `None`
/// when there is no such manifest or it states nothing (the lock is then
/// read on its own).
fn manifest_roots(
    lockfile_path: &Path,
    format: Format,
    root: &Path,
) -> Option<Vec<lockfile::Root>> {
    let (manifest_format, name) = format.roots_from()?;
    let manifest_path = lockfile_path.parent()?.join(name);
    let (_, text) = read_text(&manifest_path, Access::found_in(root)).ok()?;
    let parsed = parse_document(manifest_format, &Document::new(&text, name)).ok()?;
    if parsed.dependencies.is_empty() {
        return None;
    }
    Some(
        parsed
            .dependencies
            .iter()
            .flat_map(lockfile::Root::from_dependency)
            .collect(),
    )
}

/// A requirements file with its includes; also the constraint files it
/// named (canonical paths). `root`: see [`requirements::read_file`].
fn read_requirements(path: &Path, base: &Path, root: Option<&Path>) -> (Inventory, Vec<PathBuf>) {
    let read = requirements::read_file(path, base, root);
    let inventory = Inventory {
        dependencies: read.dependencies,
        graph: read.graph,
        errors: read.errors,
        notes: read.notes,
        ..Inventory::default()
    };
    (inventory, read.constraint_files)
}

/// The canonical folder a file the user named is in: what its includes
/// and the manifest beside it must stay inside.
fn own_folder(path: &Path) -> Option<PathBuf> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::canonicalize(folder).ok()
}

/// One file the user named.
fn scan_file(path: &Path, base: &Path) -> Inventory {
    let source = requirements::relative_source(path, base);
    let Some(format) = Format::for_named_file(path) else {
        return Inventory::error(
            source,
            format!(
                "not a dependency file pyward knows ({})",
                Format::known_names()
            ),
        );
    };
    if format.spec().follows_includes {
        return read_requirements(path, base, None).0;
    }
    // A script without inline metadata states nothing pyward can read
    // (`setup.py` is code, and pyward never runs it).
    if format == Format::PEP723_SCRIPT && !discover::has_script_block_in(path, Access::NAMED) {
        return Inventory::error(
            source,
            "no `# /// script` block (PEP 723 inline metadata) in this Python file; \
             pyward does not run code such as setup.py to learn its dependencies",
        );
    }
    let Some(folder) = own_folder(path) else {
        return Inventory::error(source, "cannot resolve the folder it is in");
    };
    read_other(path, format, source, Access::NAMED, &folder)
}

/// A file in any format but requirements (which has includes); `root` is
/// the canonical folder the manifest beside a lockfile must be inside.
fn read_other(
    path: &Path,
    format: Format,
    source: String,
    access: Access<'_>,
    root: &Path,
) -> Inventory {
    let text = match read_text(path, access) {
        Ok((_, text)) => text,
        Err(reason) => return Inventory::error(source, reason.to_string()),
    };
    let roots = if format.is_lockfile() {
        manifest_roots(path, format, root)
    } else {
        None
    };
    let document = Document {
        text: &text,
        source: &source,
        roots: roots.as_deref(),
    };
    match parse_document(format, &document) {
        Ok(parsed) => from_parsed(parsed, path, &source),
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

/// One file's parse as an inventory: its dependencies know the file, its
/// entry errors name it.
fn from_parsed(parsed: Parsed, path: &Path, source: &str) -> Inventory {
    let mut dependencies = parsed.dependencies;
    for dependency in &mut dependencies {
        dependency.file = Some(path.to_path_buf());
    }
    let graph = if parsed.graph.is_empty() {
        root_edges(&dependencies)
    } else {
        parsed.graph
    };
    Inventory {
        dependencies,
        graph,
        // The readers' notes already name the file.
        notes: parsed.notes,
        errors: parsed
            .errors
            .into_iter()
            .map(|e| ScanError {
                path: source.to_string(),
                line: e.line,
                message: e.message,
            })
            .collect(),
        ..Inventory::default()
    }
}

/// Every project under a folder.
fn scan_folder(root: &Path, base: &Path, progress: Option<&pyward_fs::FileCount>) -> Inventory {
    let walk = discover::walk(root, progress);
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
    let Ok(canonical_root) = std::fs::canonicalize(root) else {
        inventory.errors.push(ScanError {
            path: requirements::relative_source(root, base),
            line: None,
            message: "cannot resolve the folder".to_string(),
        });
        return inventory;
    };
    let plan = discover::plan(walk.found);
    for (lockfile, manifest) in &plan.replaced {
        inventory.notes.push(format!(
            "`{}` audited in place of `{}`",
            requirements::relative_source(lockfile, base),
            requirements::relative_source(manifest, base),
        ));
    }
    if plan.files.is_empty() {
        let shown = requirements::relative_source(root, base);
        inventory.notes.push(format!(
            "no dependency files found in `{}`",
            if shown.is_empty() {
                "."
            } else {
                shown.as_str()
            }
        ));
        return inventory;
    }
    // Every file is read on its own, in parallel; the results are merged
    // in path order so that the output does not depend on scheduling.
    let reads: Vec<(Inventory, Vec<PathBuf>)> = plan
        .files
        .par_iter()
        .map(|file| {
            if file.format.spec().follows_includes {
                read_requirements(&file.path, base, Some(&canonical_root))
            } else {
                let source = requirements::relative_source(&file.path, base);
                let access = Access::found_in(&canonical_root);
                let read = read_other(&file.path, file.format, source, access, &canonical_root);
                (read, Vec::new())
            }
        })
        .collect();
    // A requirements file some other one names with `-c` holds
    // constraints, not dependencies: it is not read on its own.
    let constraint_files: HashSet<PathBuf> =
        reads.iter().flat_map(|(_, c)| c.iter().cloned()).collect();
    for (file, (read, _)) in plan.files.iter().zip(reads) {
        let is_constraints = !constraint_files.is_empty()
            && std::fs::canonicalize(&file.path)
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
    for dependency in &inventory.dependencies {
        for group in &dependency.groups {
            if !inventory.groups.contains(group.as_str()) {
                inventory
                    .groups
                    .insert(PackageName::new(group).as_str().to_string());
            }
        }
    }
    let before = inventory.dependencies.len();
    match select::Target::from_options(options) {
        Ok(target) => {
            let dropped = select::apply(&mut inventory.dependencies, options, &target);
            inventory.deselected.extend(dropped);
        }
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
    if inventory.dependencies.len() != before {
        prune_graph(inventory);
    }
    // Whatever a reader quoted, what reaches output is one bounded line.
    for error in &mut inventory.errors {
        error.message = excerpt::one_line(&error.message);
    }
    for note in &mut inventory.notes {
        *note = excerpt::one_line(note);
    }
    let mut seen_notes = HashSet::new();
    inventory
        .notes
        .retain(|note| seen_notes.insert(note.clone()));
}

/// Leaves out the edges to or from packages the selection left out.
fn prune_graph(inventory: &mut Inventory) {
    let kept: FxHashSet<(&str, &PackageName, Option<&str>)> = inventory
        .dependencies
        .iter()
        .map(|d| {
            (
                d.environment.as_deref().unwrap_or(&d.source),
                &d.name,
                d.version.as_deref(),
            )
        })
        .collect();
    let keep: Vec<bool> = inventory
        .graph
        .iter()
        .map(|edge| {
            let has = |node: &PackageRef| {
                kept.contains(&(edge.source.as_str(), &node.name, node.version.as_deref()))
            };
            has(&edge.to) && edge.from.as_ref().is_none_or(has)
        })
        .collect();
    let mut keep = keep.into_iter();
    inventory.graph.retain(|_| keep.next().unwrap_or(true));
}
