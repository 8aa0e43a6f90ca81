use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::PackageName;

/// One dependency as a project states it or an environment has it installed.
///
/// Every inventory reader (requirements files, manifests, lockfiles,
/// installed environments) produces these; the vulnerability audit reads
/// `name` and `version`, the reports read the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// PEP 503 normalized name.
    pub name: PackageName,
    /// The exact version (`==`/`===` pin, lockfile entry, installed
    /// version); `None` when the requirement does not fix one.
    pub version: Option<String>,
    /// The file it came from, relative to the scanned path (or the
    /// environment's path for installed packages).
    pub source: String,
    /// 1-based line in `source`, where the format has lines that mean
    /// something (requirements files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Stated by the project itself rather than pulled in by another
    /// dependency.
    pub direct: bool,
    /// The chain of packages that brings a transitive dependency in, from
    /// the direct dependency down to its parent (`["flask", "werkzeug"]`).
    /// Empty for direct dependencies and where the source has no graph.
    #[serde(default)]
    pub via: Vec<PackageName>,
    /// Groups the dependency belongs to: `main`, `dev`, an extra's or a
    /// dependency group's name.
    #[serde(default)]
    pub groups: Vec<String>,
    /// PEP 508 environment markers under which it applies, if any.
    #[serde(default)]
    pub markers: Option<String>,
    /// What the requirement points at, so that unpinned, URL and local-path
    /// requirements are listed rather than dropped.
    #[serde(default, skip_serializing_if = "DependencyKind::is_registry")]
    pub kind: DependencyKind,
    /// The requirement as written, for anything not audited by version
    /// (`flask>=2`, `git+https://...`, `./vendor/pkg`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// For installed packages, the environment (its path) they live in, so
    /// that reports can give each environment its own section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The license, as an SPDX expression, once the license check has
    /// read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// `permissive`, `weak-copyleft`, `strong-copyleft`,
    /// `network-copyleft`, `proprietary` or `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_category: Option<String>,
    /// For an unpinned requirement (`django>=3.0,<4`): what the range it
    /// allows admits, by the versions the vulnerability database knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<RangeAssessment>,

    /// The file on disk it was read from (`source` is how reports name it).
    #[serde(skip)]
    pub file: Option<PathBuf>,
    /// Byte range of the whole requirement in `file` (`django==3.0.1`,
    /// a lockfile's package entry), for rewriting it.
    #[serde(skip)]
    pub span: Option<Span>,
    /// Byte range of the version itself in `file` (`3.0.1`), for `fix`.
    #[serde(skip)]
    pub version_span: Option<Span>,
    /// The artifact hashes the file records for it (`--hash`, lockfile
    /// `hashes`), for SBOMs.
    #[serde(skip)]
    pub hashes: Vec<FileHash>,
    /// What installed metadata says of its license, for the license check.
    #[serde(skip)]
    pub license_metadata: Option<LicenseMetadata>,
}

/// What an unpinned requirement's range admits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeAssessment {
    /// Advisories affecting at least one allowed version.
    pub admits: Vec<String>,
    /// The newest allowed version the database knows of.
    pub newest_allowed: Option<String>,
    /// Whether that newest version has no known vulnerability.
    pub newest_allowed_safe: bool,
}

/// A byte range in a file: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// One artifact hash: `sha256` and its hex digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileHash {
    pub algorithm: String,
    pub digest: String,
}

/// What an installed distribution's metadata says about its license,
/// raw: the license check turns it into an SPDX expression.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseMetadata {
    /// PEP 639 `License-Expression`.
    pub expression: Option<String>,
    /// The free-text `License` field.
    pub license: Option<String>,
    /// `Classifier: License :: ...` lines.
    #[serde(default)]
    pub classifiers: Vec<String>,
    /// License files: name and the first few kilobytes of text.
    #[serde(default)]
    pub files: Vec<(String, String)>,
}

/// One edge of a dependency graph: `from` requires `to`. `from` is `None`
/// for the project itself (its direct dependencies).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DependencyEdge {
    /// The file the graph was read from (a lockfile, a compiled
    /// requirements file, an environment).
    pub source: String,
    pub from: Option<PackageRef>,
    pub to: PackageRef,
}

/// A package at a version, as a node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageRef {
    pub name: PackageName,
    pub version: Option<String>,
}

/// Where a dependency's code comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DependencyKind {
    /// A package index release (PyPI or a mirror): auditable by version.
    #[default]
    Registry,
    /// A direct URL (VCS or archive): not auditable by version.
    Url,
    /// A local path or editable install: not auditable by version.
    Path,
    /// Not a Python package (a conda package): listed, never audited.
    NonPython,
}

impl DependencyKind {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
    pub fn is_registry(&self) -> bool {
        matches!(self, DependencyKind::Registry)
    }
}

impl Dependency {
    /// A dependency with the common defaults: direct, no graph, no groups
    /// beyond `main`, no markers, from a package index.
    pub fn new(name: &str, version: Option<&str>, source: impl Into<String>) -> Self {
        Self {
            name: PackageName::new(name),
            version: version.map(str::to_string),
            source: source.into(),
            line: None,
            direct: true,
            via: Vec::new(),
            groups: vec!["main".to_string()],
            markers: None,
            kind: DependencyKind::Registry,
            requirement: None,
            environment: None,
            license: None,
            license_category: None,
            range: None,
            file: None,
            span: None,
            version_span: None,
            hashes: Vec::new(),
            license_metadata: None,
        }
    }

    /// Whether the vulnerability audit can look this dependency up by
    /// version.
    pub fn is_auditable(&self) -> bool {
        self.kind == DependencyKind::Registry && self.version.is_some()
    }

    /// The version as PEP 440, when it is one.
    pub fn parsed_version(&self) -> Option<pep440_rs::Version> {
        self.version.as_deref()?.trim().parse().ok()
    }
}
