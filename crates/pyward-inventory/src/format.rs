//! The registry of dependency-file formats: one [`FormatSpec`] per format,
//! declared in the format's own module, saying which file names it has,
//! what it is called, how it is parsed and, for a lockfile, which manifests
//! it locks. Discovery ([`Format::discover`]), files named on the command
//! line ([`Format::for_named_file`]), parsing ([`crate::parse_document`])
//! and messages all read this one table.
//!
//! Adding a lockfile format is one module in `src/lockfile/` (with its
//! `FORMAT` static and its parser) plus one line in the `lockfiles!` table
//! of `src/lockfile/mod.rs`; manifests likewise in `src/manifest/mod.rs`.

use std::path::Path;

use pyward_model::{Dependency, DependencyEdge};

use crate::excerpt::one_line;
use crate::lockfile::Root;

/// Why a dependency file (or one entry of it) could not be read: the line
/// (1-based) where the format has one, and a one-line message that quotes
/// the input at most in a short excerpt. The caller adds the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<u32>,
    pub message: String,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: one_line(&message.into()),
        }
    }

    pub fn at_line(line: u32, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: one_line(&message.into()),
        }
    }

    /// At `line` when there is one.
    pub fn at(line: Option<u32>, message: impl Into<String>) -> Self {
        match line {
            Some(line) => Self::at_line(line, message),
            None => Self::new(message),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// One dependency file's text, as a parser is given it.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub text: &'a str,
    /// How reports name the file (relative to the scanned path).
    pub source: &'a str,
    /// A lockfile's direct requirements, from the manifest beside it, for
    /// locks that do not record them ([`LockSpec::roots_from`]); `None`
    /// makes the packages nothing else requires direct.
    pub roots: Option<&'a [Root]>,
}

impl<'a> Document<'a> {
    pub fn new(text: &'a str, source: &'a str) -> Self {
        Self {
            text,
            source,
            roots: None,
        }
    }
}

/// Everything one dependency file states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub dependencies: Vec<Dependency>,
    /// The dependency graph the file records: the project (`from: None`)
    /// to its direct dependencies, and package to package. Empty where the
    /// file records no graph.
    pub graph: Vec<DependencyEdge>,
    /// What the user should know and the file alone cannot tell (dynamic
    /// dependencies, `file:` directives); each names the file.
    pub notes: Vec<String>,
    /// Entries that could not be read, each with its line: they were left
    /// out and the rest of the file was read (the scan is incomplete).
    pub errors: Vec<ParseError>,
}

impl Parsed {
    /// Only dependencies.
    pub fn of(dependencies: Vec<Dependency>) -> Self {
        Self {
            dependencies,
            ..Self::default()
        }
    }

    /// The dependencies, or the first entry error for callers that want
    /// the whole file or nothing.
    pub fn into_strict(self) -> Result<Vec<Dependency>, ParseError> {
        match self.errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(self.dependencies),
        }
    }
}

/// A format's parser.
pub type ParseFn = fn(&Document<'_>) -> Result<Parsed, ParseError>;

/// How file names of a format look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePattern {
    /// Exactly this name (`uv.lock`).
    Exact(&'static str),
    /// `PREFIX` + a non-empty middle without `.` + `SUFFIX`
    /// (`pylock.dev.toml`).
    Middle {
        prefix: &'static str,
        suffix: &'static str,
    },
    /// Ending in this suffix (`.py`).
    Suffix(&'static str),
    /// Ending in `suffix`, with `word` in the rest, ignoring case
    /// (`requirements-dev.txt`, `dev-requirements.txt`).
    StemContains {
        word: &'static str,
        suffix: &'static str,
    },
    /// Ending in `suffix` anywhere under a folder of this name, ignoring
    /// case (`requirements/base.txt`, and Salt's
    /// `requirements/static/py3.7/linux.txt`).
    InFolder {
        folder: &'static str,
        suffix: &'static str,
    },
}

impl NamePattern {
    /// `folders`: the names of the folders the file is in, nearest first.
    fn matches(self, name: &str, folders: &[&str]) -> bool {
        match self {
            Self::Exact(exact) => name == exact,
            Self::Middle { prefix, suffix } => name
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
                .is_some_and(|middle| !middle.is_empty() && !middle.contains('.')),
            Self::Suffix(suffix) => name.len() > suffix.len() && name.ends_with(suffix),
            Self::StemContains { word, suffix } => name
                .strip_suffix(suffix)
                .is_some_and(|stem| stem.to_ascii_lowercase().contains(word)),
            Self::InFolder {
                folder: wanted,
                suffix,
            } => {
                name.len() > suffix.len()
                    && name.ends_with(suffix)
                    && folders.iter().any(|f| f.eq_ignore_ascii_case(wanted))
            }
        }
    }
}

/// What a lockfile format locks.
#[derive(Debug, Clone, Copy)]
pub struct LockSpec {
    /// Manifests that, in the same folder as the lock, state what it pins:
    /// only the lock is read (it is exact), and a note says so.
    pub locks: &'static [&'static FormatSpec],
    /// For locks that do not record the project's own requirements: the
    /// manifest beside the lock (its format and file name) whose
    /// requirements make locked packages direct.
    pub roots_from: Option<(&'static FormatSpec, &'static str)>,
}

/// One format in the registry.
#[derive(Debug)]
pub struct FormatSpec {
    /// Stable identifier (`uv.lock`, `requirements`, `pep723`).
    pub id: &'static str,
    /// How messages name the format (`uv.lock`, `a requirements file`).
    pub display_name: &'static str,
    /// Names that make a file found while walking a folder this format.
    pub found_as: &'static [NamePattern],
    /// Further names accepted when the user names the file itself (pip
    /// reads any file after `-r`).
    pub named_as: &'static [NamePattern],
    pub parse: ParseFn,
    /// A requirements file: its `-r`/`-c` includes are followed.
    pub follows_includes: bool,
    /// Present for lockfiles.
    pub lock: Option<LockSpec>,
}

/// A kind of dependency file pyward reads: a handle on its entry in the
/// registry. Compared by [`FormatSpec::id`].
#[derive(Clone, Copy)]
pub struct Format(&'static FormatSpec);

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for Format {}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Format {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id.cmp(other.0.id)
    }
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Format({})", self.0.id)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.display_name)
    }
}

/// Every format, requirements files first, then manifests, then lockfiles.
fn registry() -> impl Iterator<Item = &'static FormatSpec> {
    std::iter::once(&crate::requirements::FORMAT)
        .chain(crate::manifest::MANIFESTS.iter().copied())
        .chain(crate::lockfile::LOCKFILES.iter().copied())
}

impl Format {
    /// pip requirements files.
    pub const REQUIREMENTS: Format = Format(&crate::requirements::FORMAT);
    /// Python scripts that may carry PEP 723 inline metadata.
    pub const PEP723_SCRIPT: Format = Format(&crate::manifest::pep723::FORMAT);

    /// Every format pyward reads.
    pub fn all() -> impl Iterator<Item = Format> {
        registry().map(Format)
    }

    /// The format with this [`FormatSpec::id`].
    pub fn by_id(id: &str) -> Option<Format> {
        registry().find(|spec| spec.id == id).map(Format)
    }

    pub fn spec(self) -> &'static FormatSpec {
        self.0
    }

    pub fn id(self) -> &'static str {
        self.0.id
    }

    pub fn display_name(self) -> &'static str {
        self.0.display_name
    }

    /// The format of a file found while walking a project folder, from its
    /// name (and the names of the folders on `path`); `None` for files
    /// that are not dependency files. The walk passes paths that start at
    /// the scanned folder, so that folders above it do not count.
    pub fn discover(path: &Path) -> Option<Self> {
        let (name, folders) = name_and_folders(path)?;
        registry()
            .find(|spec| spec.found_as.iter().any(|p| p.matches(name, &folders)))
            .map(Format)
    }

    /// The format of one file the user named: as [`Format::discover`], and
    /// the further names a format accepts when named (any `.txt` or `.in`
    /// file is a requirements file, as pip reads any file after `-r`).
    pub fn for_named_file(path: &Path) -> Option<Self> {
        if let Some(format) = Self::discover(path) {
            return Some(format);
        }
        let (name, folders) = name_and_folders(path)?;
        registry()
            .find(|spec| spec.named_as.iter().any(|p| p.matches(name, &folders)))
            .map(Format)
    }

    /// Whether this format pins exactly what is installed.
    pub fn is_lockfile(self) -> bool {
        self.0.lock.is_some()
    }

    /// Whether a lockfile of this format, in the same folder, locks what a
    /// manifest of `manifest`'s format states (so only the lock is read).
    pub fn locks(self, manifest: Self) -> bool {
        self.0
            .lock
            .is_some_and(|lock| lock.locks.iter().any(|m| m.id == manifest.0.id))
    }

    /// The manifest (format and file name) beside a lock whose
    /// requirements make the lock's packages direct.
    pub fn roots_from(self) -> Option<(Format, &'static str)> {
        self.0
            .lock?
            .roots_from
            .map(|(spec, name)| (Format(spec), name))
    }

    /// The names this format is found under, for messages.
    pub fn known_names() -> String {
        let mut names: Vec<String> = Vec::new();
        for spec in registry() {
            for pattern in spec.found_as {
                let name = match *pattern {
                    NamePattern::Exact(name) => name.to_string(),
                    NamePattern::Middle { prefix, suffix } => format!("{prefix}NAME{suffix}"),
                    NamePattern::Suffix(".py") => "scripts with inline metadata".to_string(),
                    NamePattern::Suffix(suffix) => format!("*{suffix}"),
                    NamePattern::StemContains { .. } | NamePattern::InFolder { .. } => {
                        "requirements files".to_string()
                    }
                };
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names.join(", ")
    }
}

/// A path's file name and the names of the folders on it, nearest first.
fn name_and_folders(path: &Path) -> Option<(&str, Vec<&str>)> {
    let name = path.file_name()?.to_str()?;
    let folders = path
        .parent()
        .into_iter()
        .flat_map(Path::ancestors)
        .filter_map(|dir| dir.file_name()?.to_str())
        .collect();
    Some((name, folders))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn discovered(path: &str) -> Option<&'static str> {
        Format::discover(Path::new(path)).map(Format::id)
    }

    #[test]
    fn discovers_by_name() {
        for (path, want) in [
            ("requirements.txt", Some("requirements")),
            ("requirements-dev.txt", Some("requirements")),
            ("dev-requirements.txt", Some("requirements")),
            ("requirements/base.txt", Some("requirements")),
            // Salt's pip-compile outputs, one folder per Python version.
            ("requirements/static/py3.7/linux.txt", Some("requirements")),
            ("Requirements/static/linux.txt", Some("requirements")),
            ("docs/static/linux.txt", None),
            ("notes.txt", None),
            ("requirements.in", None),
            ("pyproject.toml", Some("pyproject.toml")),
            ("pylock.toml", Some("pylock.toml")),
            ("pylock.dev.toml", Some("pylock.toml")),
            ("pylock..toml", None),
            ("pylock.a.b.toml", None),
            ("Pipfile.lock", Some("Pipfile.lock")),
            ("environment.yaml", Some("environment.yml")),
            ("tool.py", Some("pep723")),
            (".py", None),
            ("Cargo.toml", None),
        ] {
            assert_eq!(discovered(path), want, "{path}");
        }
    }

    #[test]
    fn a_named_file_may_be_any_requirements_file() {
        let named = |p: &str| Format::for_named_file(Path::new(p)).map(Format::id);
        assert_eq!(named("constraints.txt"), Some("requirements"));
        assert_eq!(named("requirements.in"), Some("requirements"));
        assert_eq!(named("pylock.a.b.toml"), None);
        assert_eq!(named("README.md"), None);
    }

    /// One entry per format, ids unique, every lockfile's locked manifests
    /// in the registry too: the table the rest of the crate reads is whole.
    #[test]
    fn the_registry_is_consistent() {
        let all: Vec<Format> = Format::all().collect();
        assert_eq!(all.len(), 11);
        for (i, a) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|b| b.id() != a.id()), "{a:?}");
            assert!(!a.spec().found_as.is_empty(), "{a:?}");
            assert_eq!(Format::by_id(a.id()), Some(*a));
            if let Some(lock) = a.spec().lock {
                for manifest in lock.locks {
                    assert!(Format::by_id(manifest.id).is_some());
                    assert!(manifest.lock.is_none());
                }
            }
        }
        // Every exact name belongs to exactly one format.
        for format in &all {
            for pattern in format.spec().found_as {
                if let NamePattern::Exact(name) = pattern {
                    assert_eq!(Format::discover(Path::new(name)), Some(*format), "{name}");
                }
            }
        }
        assert!(Format::REQUIREMENTS.spec().follows_includes);
        assert!(Format::by_id("uv.lock").is_some_and(Format::is_lockfile));
        assert!(Format::by_id("poetry.lock").is_some_and(|poetry| {
            poetry.locks(Format::by_id("pyproject.toml").unwrap())
                && !poetry.locks(Format::by_id("setup.cfg").unwrap())
        }));
    }
}
