//! The project's dependency files as `fix` sees them: every file the
//! inventory read, the manifest beside each lockfile (which the inventory
//! audits the lock in place of, but whose pins and ranges still count),
//! and the constraints files that requirements files name with `-c`. Each
//! is read afresh and parsed with the inventory, so its spans are those of
//! the bytes about to be edited.

use std::collections::HashSet;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use pep440_rs::VersionSpecifiers;
use pyward_inventory::{Document, Format, MAX_FILE_BYTES, MAX_INCLUDE_DEPTH, ParseError};
use pyward_model::{Dependency, DependencyKind, PackageName, ScanError};

/// Why a file is part of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The inventory read it.
    Stated,
    /// The manifest beside a lockfile the inventory read.
    BesideLock,
    /// A constraints file a requirements file names with `-c`.
    Constraints,
}

/// One dependency file, read and parsed.
#[derive(Debug, Clone)]
pub struct ProjectFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// How messages name it (relative to the scanned path).
    pub source: String,
    pub format: Format,
    pub role: Role,
    pub text: String,
    /// What the inventory reads in `text`, with spans into it.
    pub dependencies: Vec<Dependency>,
    /// Entries the inventory could not read (left as they are; the text
    /// parsed back after an edit must have the same).
    pub errors: Vec<ParseError>,
    /// The path is a symbolic link: `fix` reads it but never writes
    /// through it.
    pub is_link: bool,
    /// How many `-c` steps from a file the inventory read.
    pub(crate) depth: usize,
}

/// Every dependency file of the project.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub files: Vec<ProjectFile>,
    /// Files that could not be read: `fix` changes nothing then, since a
    /// constraint it did not see could forbid what it would write.
    pub errors: Vec<ScanError>,
    /// The real paths read, so that each file is read once.
    pub(crate) seen: HashSet<PathBuf>,
}

/// A requirement that is not a pin but names a package: the releases a
/// pin of the package moves to must satisfy it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub source: String,
    pub line: Option<u32>,
    /// The requirement as written (`django>=3.0,<3.2`).
    pub requirement: String,
    /// Its version specifiers, or why they could not be read (a Poetry
    /// `^2.0 || ^3.0`).
    pub specifiers: Result<VersionSpecifiers, String>,
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "`{}` ({}:{line})", self.requirement, self.source),
            None => write!(f, "`{}` ({})", self.requirement, self.source),
        }
    }
}

impl Project {
    /// Reads the files `dependencies` came from (installed packages have
    /// none), the manifests beside their lockfiles and the constraints
    /// files their requirements files name. Files found this way, rather
    /// than named by the inventory, must be regular files whose real path
    /// is inside one of `roots` (canonical folders: the scanned folders,
    /// the folders of scanned files).
    pub fn read(dependencies: &[Dependency], roots: &[PathBuf]) -> Project {
        let mut project = Project::default();
        let mut stated: Vec<(&Path, &str)> = Vec::new();
        for dependency in dependencies {
            if dependency.environment.is_some() {
                continue;
            }
            let Some(file) = dependency.file.as_deref() else {
                continue;
            };
            if !stated.iter().any(|(path, _)| *path == file) {
                stated.push((file, dependency.source.as_str()));
            }
        }
        for (path, source) in stated {
            let format = Format::for_named_file(path).unwrap_or(Format::REQUIREMENTS);
            project.add(path, source, format, Role::Stated, None, 0);
        }
        let mut index = 0;
        while index < project.files.len() {
            let file = &project.files[index];
            let (path, source, format) = (file.path.clone(), file.source.clone(), file.format);
            if format.is_lockfile() {
                for (manifest, name) in manifests_beside(format) {
                    let beside = path.with_file_name(name);
                    if beside.exists() {
                        let source = sibling_source(&source, name);
                        project.add(&beside, &source, manifest, Role::BesideLock, Some(roots), 0);
                    }
                }
            } else if format == Format::REQUIREMENTS {
                let depth = project.files[index].depth;
                if depth < MAX_INCLUDE_DEPTH {
                    let targets = constraint_includes(&project.files[index].text);
                    for target in targets {
                        let found = path.parent().unwrap_or(Path::new("")).join(&target);
                        let source = sibling_source(&source, &target);
                        project.add(
                            &found,
                            &source,
                            Format::REQUIREMENTS,
                            Role::Constraints,
                            Some(roots),
                            depth + 1,
                        );
                    }
                }
            }
            index += 1;
        }
        project
    }

    /// Every requirement naming `package` that is not a pin, in any file:
    /// what the release a pin moves to must satisfy.
    pub fn constraints_for(&self, package: &PackageName) -> Vec<Constraint> {
        let mut out = Vec::new();
        for file in &self.files {
            for dependency in &file.dependencies {
                if dependency.name != *package
                    || dependency.kind != DependencyKind::Registry
                    || dependency.version.is_some()
                {
                    continue;
                }
                let Some(requirement) = dependency.requirement.as_deref() else {
                    continue;
                };
                if let Some(specifiers) = specifiers_of(requirement) {
                    out.push(Constraint {
                        source: file.source.clone(),
                        line: dependency.line,
                        requirement: requirement.to_string(),
                        specifiers,
                    });
                }
            }
        }
        out
    }

    /// Reads one file into the project, once (by its real path); a file
    /// that cannot be read is an error of the project.
    fn add(
        &mut self,
        path: &Path,
        source: &str,
        format: Format,
        role: Role,
        confined_to: Option<&[PathBuf]>,
        depth: usize,
    ) {
        let error = |message: String| ScanError {
            path: source.to_string(),
            line: None,
            message,
        };
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let canonical = match std::fs::canonicalize(path) {
            Ok(canonical) => canonical,
            Err(e) => {
                self.errors.push(error(format!("cannot read: {e}")));
                return;
            }
        };
        if let Some(roots) = confined_to {
            // Found by pyward, not named: it may not lead outside the tree.
            if is_link {
                self.errors.push(error(
                    "is a symbolic link; pyward does not follow links it finds".to_string(),
                ));
                return;
            }
            if !roots.iter().any(|root| canonical.starts_with(root)) {
                self.errors
                    .push(error("is outside the scanned folders".to_string()));
                return;
            }
        }
        if !self.seen.insert(canonical) {
            return;
        }
        let text = match read_bounded(path) {
            Ok(text) => text,
            Err(message) => {
                self.errors.push(error(message));
                return;
            }
        };
        let parsed = match pyward_inventory::parse_document(format, &Document::new(&text, source)) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.errors.push(ScanError {
                    path: source.to_string(),
                    line: e.line,
                    message: e.message,
                });
                return;
            }
        };
        self.files.push(ProjectFile {
            path: path.to_path_buf(),
            source: source.to_string(),
            format,
            role,
            text,
            dependencies: parsed.dependencies,
            errors: parsed.errors,
            is_link,
            depth,
        });
    }
}

/// The manifests a lockfile of `format` is audited in place of, and the
/// one beside it that states its requirements: (format, file name).
fn manifests_beside(format: Format) -> Vec<(Format, &'static str)> {
    let mut out: Vec<(Format, &'static str)> = Vec::new();
    if let Some(lock) = format.spec().lock {
        for spec in lock.locks {
            let Some(manifest) = Format::by_id(spec.id) else {
                continue;
            };
            for pattern in spec.found_as {
                if let pyward_inventory::NamePattern::Exact(name) = pattern
                    && !out.iter().any(|(_, n)| n == name)
                {
                    out.push((manifest, name));
                }
            }
        }
    }
    if let Some((manifest, name)) = format.roots_from()
        && !out.iter().any(|(_, n)| *n == name)
    {
        out.push((manifest, name));
    }
    out
}

/// `name` in the folder `source` names (`app/uv.lock` → `app/pyproject.toml`).
fn sibling_source(source: &str, name: &str) -> String {
    match source.rfind('/') {
        Some(at) => format!("{}/{name}", &source[..at]),
        None => name.to_string(),
    }
}

/// The targets of a requirements file's `-c FILE` / `--constraint FILE`
/// lines (remote ones and those naming environment variables left out:
/// the inventory reports them).
pub(crate) fn constraint_includes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let content = strip_comment(line);
        let mut words = content.split_whitespace();
        while let Some(word) = words.next() {
            let target = match word {
                "-c" | "--constraint" => words.next().map(str::to_string),
                _ => word
                    .strip_prefix("--constraint=")
                    .or_else(|| word.strip_prefix("-c").filter(|rest| !rest.is_empty()))
                    .map(|rest| rest.trim_start_matches('=').to_string()),
            };
            if let Some(target) = target
                && !target.contains("://")
                && !target.contains("${")
                && !target.is_empty()
            {
                out.push(target);
            }
        }
    }
    out
}

/// A requirements line without its comment (`#` at the start or after
/// whitespace, as pip reads it).
pub(crate) fn strip_comment(line: &str) -> &str {
    let mut previous_is_space = true;
    for (index, c) in line.char_indices() {
        if c == '#' && previous_is_space {
            return &line[..index];
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

/// The version specifiers of a requirement as written (`django[x]>=3.0,<4
/// ; python_version > "3"` gives `>=3.0,<4`); `None` when it has none.
fn specifiers_of(requirement: &str) -> Option<Result<VersionSpecifiers, String>> {
    let without_markers = requirement.split(';').next()?.trim();
    let start = without_markers.find(['<', '>', '=', '!', '~', '^'])?;
    let text = without_markers[start..].trim().trim_end_matches(')').trim();
    Some(
        text.parse::<VersionSpecifiers>()
            .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string()),
    )
}

/// A file's text, at most [`MAX_FILE_BYTES`], UTF-8.
pub(crate) fn read_bounded(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let metadata = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !metadata.is_file() {
        return Err("is not a regular file".to_string());
    }
    let too_large = || {
        format!(
            "is larger than {} MiB, the most pyward reads of one file",
            MAX_FILE_BYTES >> 20
        )
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_lines_in_every_spelling() {
        let text = "-c a.txt\n--constraint b.txt\n--constraint=c.txt\n-cd.txt\n\
                    # -c commented.txt\n-r other.txt\n-c https://example.org/x.txt\n\
                    django==3.0.1  # -c not-this.txt\n";
        assert_eq!(
            constraint_includes(text),
            ["a.txt", "b.txt", "c.txt", "d.txt"]
        );
    }

    #[test]
    fn specifiers_of_requirements_as_the_inventory_writes_them() {
        let ok = |text: &str| specifiers_of(text).unwrap().unwrap().to_string();
        assert_eq!(ok("django>=3.0,<4"), ">=3.0, <4");
        assert_eq!(ok("django[argon2] >= 3.0 ; python_version > '3'"), ">=3.0");
        assert_eq!(ok("django (>=3.0)"), ">=3.0");
        assert!(specifiers_of("django").is_none());
        assert!(specifiers_of("django (^2.0 || ^3.0)").unwrap().is_err());
    }

    #[test]
    fn siblings_are_named_in_the_folder_of_their_source() {
        assert_eq!(
            sibling_source("app/uv.lock", "pyproject.toml"),
            "app/pyproject.toml"
        );
        assert_eq!(
            sibling_source("uv.lock", "pyproject.toml"),
            "pyproject.toml"
        );
    }
}
