//! Installed environments: `*.dist-info/METADATA` and `*.egg-info/PKG-INFO`
//! in virtual environments, conda environments, interpreter prefixes and
//! site-packages folders, and the discovery of every environment on a
//! machine (`--system`, in [`system`]).
//!
//! Nothing is imported or run: metadata files are read as text. Links are
//! not followed out of the environment: a site-packages folder that
//! resolves outside it, and any linked distribution folder or metadata
//! file, are left alone.

pub mod metadata;
pub mod system;

use std::fs;
use std::io::BufReader;
use std::path::{Component, Path, PathBuf};

use pyward_model::{
    Dependency, DependencyKind, Environment, LicenseMetadata, PackageName, ScanError,
};
use serde::Deserialize;

use crate::lockfile::graph::{LockGraph, MarkerMode, Node};
use crate::lockfile::requirement_name_and_marker;
use crate::read::{Access, open_checked, read_head, read_text};
use crate::{Inventory, Options};

pub use system::{Host, scan_system_on};

/// `--env DIR`: a virtual environment, a conda environment, an interpreter
/// prefix (`/usr/local`, a pyenv version) or a site-packages folder.
pub fn scan(dir: &Path, options: &Options) -> Inventory {
    scan_as(dir, &Hint::default(), options)
}

/// `--system`: every Python environment on this machine (see [`system`]);
/// with `root`, also the environments under that folder.
pub fn scan_system(root: Option<&Path>, options: &Options) -> Inventory {
    scan_system_on(&Host::from_process(), root, options)
}

/// What the finder of an environment already knows about it.
#[derive(Debug, Clone, Default)]
pub struct Hint {
    /// `venv`, `conda`, `pyenv`, `pipx`, `system`, ...; by default from the
    /// layout.
    pub origin: Option<String>,
    /// The interpreter that led to it (a `python3` on `PATH`).
    pub interpreter: Option<PathBuf>,
}

/// How an environment folder is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `pyvenv.cfg` at the top (venv, virtualenv, uv, pipx, poetry, ...).
    Venv,
    /// `conda-meta/` at the top.
    Conda,
    /// An interpreter's prefix (`/usr`, `/usr/local`, a pyenv version):
    /// `lib/pythonX.Y/site-packages` or `lib/python3/dist-packages`.
    Prefix,
    /// A site-packages folder itself.
    SitePackages,
}

impl Layout {
    fn origin(self) -> &'static str {
        match self {
            Layout::Venv => "venv",
            Layout::Conda => "conda",
            Layout::Prefix => "prefix",
            Layout::SitePackages => "site-packages",
        }
    }
}

/// The layout of `dir` and its site-packages folders, or `None` when it is
/// no Python environment.
pub(crate) fn detect(dir: &Path) -> Option<(Layout, Vec<PathBuf>)> {
    let is_file = |p: &Path| fs::symlink_metadata(dir.join(p)).is_ok_and(|m| m.is_file());
    let is_dir = |p: &Path| fs::symlink_metadata(dir.join(p)).is_ok_and(|m| m.is_dir());
    let site = site_packages_dirs(dir);
    if is_file(Path::new("pyvenv.cfg")) {
        return Some((Layout::Venv, site));
    }
    if is_dir(Path::new("conda-meta")) {
        return Some((Layout::Conda, site));
    }
    if !site.is_empty() {
        return Some((Layout::Prefix, site));
    }
    let named_like_one = dir
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| matches!(n, "site-packages" | "dist-packages"));
    if named_like_one || holds_distributions(dir) {
        return Some((Layout::SitePackages, vec![dir.to_path_buf()]));
    }
    None
}

fn holds_distributions(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".dist-info") || name.ends_with(".egg-info")
        })
    })
}

/// `Lib/site-packages` (Windows layouts), `lib/python*/site-packages` and
/// `lib/python*/dist-packages` (also under `lib64`), each once and only if
/// it resolves inside `dir`.
fn site_packages_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(root) = fs::canonicalize(dir) else {
        return Vec::new();
    };
    let mut candidates = vec![dir.join("Lib").join("site-packages")];
    for lib in ["lib", "lib64"] {
        let Ok(entries) = fs::read_dir(dir.join(lib)) else {
            continue;
        };
        let mut versions: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("python"))
            .map(|e| e.path())
            .collect();
        versions.sort();
        for version in versions {
            candidates.push(version.join("site-packages"));
            candidates.push(version.join("dist-packages"));
        }
    }
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for candidate in candidates {
        let Ok(real) = fs::canonicalize(&candidate) else {
            continue;
        };
        if !real.is_dir() || !real.starts_with(&root) || seen.contains(&real) {
            continue;
        }
        seen.push(real);
        out.push(candidate);
    }
    out
}

/// One installed distribution, read from its metadata.
struct Installed {
    name: String,
    version: String,
    requires: Vec<String>,
    /// The metadata folder or file, relative to the environment.
    source: String,
    /// The metadata file read.
    file: PathBuf,
    kind: DependencyKind,
    requirement: Option<String>,
    license: Option<LicenseMetadata>,
}

/// Reads one environment whose finder may know more about it.
pub fn scan_as(dir: &Path, hint: &Hint, options: &Options) -> Inventory {
    let _ = options; // markers and groups are selected by the caller
    let mut inventory = Inventory::default();
    let env_path = dir.display().to_string();
    if let Err(error) = fs::metadata(dir) {
        inventory.errors.push(ScanError {
            path: env_path,
            line: None,
            message: format!("cannot read the environment: {error}"),
        });
        return inventory;
    }
    let Some((layout, site_packages)) = detect(dir) else {
        inventory.errors.push(ScanError {
            path: env_path,
            line: None,
            message: "not a Python environment: no pyvenv.cfg, conda-meta or site-packages folder"
                .to_string(),
        });
        return inventory;
    };

    let mut installed = Vec::new();
    for site in &site_packages {
        read_site_packages(dir, site, &mut installed, &mut inventory.errors);
    }
    installed.sort_by(|a, b| {
        (PackageName::new(&a.name), &a.version, &a.source).cmp(&(
            PackageName::new(&b.name),
            &b.version,
            &b.source,
        ))
    });

    let mut graph = LockGraph::default();
    for item in &installed {
        let mut dependency = Dependency::new(&item.name, Some(&item.version), item.source.clone());
        dependency.kind = item.kind;
        dependency.requirement = item.requirement.clone();
        dependency.environment = Some(env_path.clone());
        dependency.license_metadata.clone_from(&item.license);
        dependency.file = Some(item.file.clone());
        graph.add_node(Node {
            dependency,
            recorded_groups: Vec::new(),
            recorded_marker: None,
        });
    }
    for (from, item) in installed.iter().enumerate() {
        for requirement in &item.requires {
            // Which extras were asked for is not recorded anywhere: edges
            // that need one are left out.
            if metadata::needs_extra(requirement) {
                continue;
            }
            if let Some((name, _)) = requirement_name_and_marker(requirement) {
                for to in graph.named(&name).to_vec() {
                    graph.add_edge(from, to, None);
                }
            }
        }
    }
    let (mut dependencies, edges) = graph.finish(MarkerMode::Recorded, &env_path);
    inventory.graph = edges;

    let mut python_version = None;
    if layout == Layout::Conda {
        let python_names: Vec<PackageName> = dependencies.iter().map(|d| d.name.clone()).collect();
        let (conda, conda_python) =
            read_conda_meta(dir, &env_path, &python_names, &mut inventory.errors);
        python_version = conda_python;
        dependencies.extend(conda);
    }
    inventory.dependencies = dependencies;

    let python_version = python_version
        .or_else(|| pyvenv_version(dir))
        .or_else(|| version_from_site_packages(&site_packages))
        .or_else(|| {
            hint.interpreter
                .as_deref()
                .and_then(version_from_interpreter)
        });
    let interpreter = hint
        .interpreter
        .clone()
        .or_else(|| find_interpreter(dir))
        .map(|p| p.display().to_string());
    inventory.environments.push(Environment {
        path: env_path,
        interpreter,
        python_version,
        origin: Some(
            hint.origin
                .clone()
                .unwrap_or_else(|| layout.origin().to_string()),
        ),
    });
    inventory
}

/// A regular file (not a link) at `path`.
fn plain_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

fn read_site_packages(
    env: &Path,
    site: &Path,
    installed: &mut Vec<Installed>,
    errors: &mut Vec<ScanError>,
) {
    let entries = match fs::read_dir(site) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(ScanError {
                path: site.display().to_string(),
                line: None,
                message: format!("cannot read: {error}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_symlink() {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        let (metadata_file, requires_file) = if name.ends_with(".dist-info") && file_type.is_dir() {
            (path.join("METADATA"), None)
        } else if name.ends_with(".egg-info") && file_type.is_dir() {
            (path.join("PKG-INFO"), Some(path.join("requires.txt")))
        } else if name.ends_with(".egg-info") && file_type.is_file() {
            (path.clone(), None)
        } else if name.ends_with(".egg") && file_type.is_dir() {
            let info = path.join("EGG-INFO");
            (info.join("PKG-INFO"), Some(info.join("requires.txt")))
        } else {
            continue;
        };
        let source = crate::requirements::relative_source(&path, env);
        let error = |message: String| ScanError {
            path: metadata_file.display().to_string(),
            line: None,
            message,
        };
        if !plain_file(&metadata_file) {
            errors.push(error("missing, or not a regular file".to_string()));
            continue;
        }
        // Checked and opened without blocking: a FIFO named METADATA must
        // not hang the scan.
        let parsed = crate::read::check(&metadata_file, Access::NO_LINKS)
            .and_then(|canonical| open_checked(&canonical))
            .map_err(|e| crate::ParseError::new(e.to_string()))
            .and_then(|file| metadata::read(&mut BufReader::new(file)));
        let mut meta = match parsed {
            Ok(meta) => meta,
            Err(e) => {
                errors.push(error(e.message));
                continue;
            }
        };
        if let Some((_, text)) = requires_file
            .filter(|p| plain_file(p))
            .and_then(|p| read_text(&p, Access::NO_LINKS).ok())
        {
            meta.requires_dist.extend(metadata::egg_requires(&text));
        }
        let (kind, requirement) = direct_url(&path);
        let license = license_metadata(&path, &meta);
        installed.push(Installed {
            name: meta.name,
            version: meta.version,
            requires: meta.requires_dist,
            source,
            file: metadata_file.clone(),
            kind,
            requirement,
            license,
        });
    }
}

/// What the metadata says of the license, with the first
/// [`metadata::MAX_LICENSE_FILE_BYTES`] of each `License-File` that is a
/// regular file inside the distribution's own folder (PEP 639 puts them in
/// `licenses/`, older tools at the top); `None` when it says nothing.
fn license_metadata(dist_info: &Path, meta: &metadata::Metadata) -> Option<LicenseMetadata> {
    let nothing = meta.license_expression.is_none()
        && meta.license.is_none()
        && meta.license_classifiers.is_empty()
        && meta.license_files.is_empty();
    if nothing {
        return None;
    }
    let root = fs::canonicalize(dist_info).ok();
    let files = meta
        .license_files
        .iter()
        .map(|name| {
            let text = root
                .as_deref()
                .and_then(|root| license_text(dist_info, root, name))
                .unwrap_or_default();
            (name.clone(), text)
        })
        .collect();
    Some(LicenseMetadata {
        expression: meta.license_expression.clone(),
        license: meta.license.clone(),
        classifiers: meta.license_classifiers.clone(),
        files,
    })
}

/// The head of one license file named by the metadata, only from inside
/// the folder (a name such as `../../etc/passwd` or a link out is not read).
fn license_text(dist_info: &Path, root: &Path, name: &str) -> Option<String> {
    let relative = Path::new(name);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let access = Access::resolved_in(root);
    [
        dist_info.join("licenses").join(relative),
        dist_info.join(relative),
    ]
    .iter()
    .find_map(|path| read_head(path, access, metadata::MAX_LICENSE_FILE_BYTES as u64).ok())
    .map(crate::read::text_of)
}

/// What `direct_url.json` (PEP 610) says of an install: a local folder or
/// editable install, or a VCS checkout, is not auditable by version; a
/// wheel or sdist file installed by path or URL still is that release.
fn direct_url(dist_info: &Path) -> (DependencyKind, Option<String>) {
    #[derive(Deserialize)]
    struct DirectUrl {
        url: Option<String>,
        dir_info: Option<serde_json::Value>,
        vcs_info: Option<serde_json::Value>,
    }
    let path = dist_info.join("direct_url.json");
    if !plain_file(&path) {
        return (DependencyKind::Registry, None);
    }
    let Ok((_, text)) = read_text(&path, Access::NO_LINKS) else {
        return (DependencyKind::Registry, None);
    };
    if crate::nesting::check_brackets(&text, crate::nesting::Syntax::Json).is_err() {
        return (DependencyKind::Registry, None);
    }
    let Ok(direct) = serde_json::from_str::<DirectUrl>(&text) else {
        return (DependencyKind::Registry, None);
    };
    if direct.vcs_info.is_some() {
        return (DependencyKind::Url, direct.url);
    }
    if direct.dir_info.is_some() {
        return (DependencyKind::Path, direct.url);
    }
    (DependencyKind::Registry, None)
}

/// Conda packages from `conda-meta/*.json`, except those whose Python
/// distribution was read from site-packages; and the Python version.
fn read_conda_meta(
    env: &Path,
    env_path: &str,
    python_names: &[PackageName],
    errors: &mut Vec<ScanError>,
) -> (Vec<Dependency>, Option<String>) {
    #[derive(Deserialize)]
    struct CondaPackage {
        name: String,
        version: String,
    }
    let dir = env.join("conda-meta");
    let Ok(entries) = fs::read_dir(&dir) else {
        return (Vec::new(), None);
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && plain_file(p))
        .collect();
    files.sort();
    let mut out = Vec::new();
    let mut python = None;
    for file in files {
        let parsed = read_text(&file, Access::NO_LINKS)
            .map_err(|e| e.to_string())
            .and_then(|(_, t)| serde_json::from_str::<CondaPackage>(&t).map_err(|e| e.to_string()));
        let package = match parsed {
            Ok(package) => package,
            Err(message) => {
                errors.push(ScanError {
                    path: file.display().to_string(),
                    line: None,
                    message,
                });
                continue;
            }
        };
        if package.name == "python" {
            python = Some(package.version.clone());
        }
        let name = PackageName::new(&package.name);
        if python_names.contains(&name) {
            continue;
        }
        let mut dependency = Dependency::new(
            &package.name,
            Some(&package.version),
            crate::requirements::relative_source(&file, env),
        );
        dependency.kind = DependencyKind::NonPython;
        dependency.environment = Some(env_path.to_string());
        out.push(dependency);
    }
    (out, python)
}

/// `version` (venv) or `version_info` (virtualenv, uv) from `pyvenv.cfg`.
fn pyvenv_version(dir: &Path) -> Option<String> {
    let path = dir.join("pyvenv.cfg");
    if !plain_file(&path) {
        return None;
    }
    let (_, text) = read_text(&path, Access::NO_LINKS).ok()?;
    let mut version_info = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "version" if !value.is_empty() => return Some(value.to_string()),
            "version_info" if !value.is_empty() => {
                let numeric: Vec<&str> = value
                    .split('.')
                    .take_while(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                    .take(3)
                    .collect();
                if !numeric.is_empty() {
                    version_info = Some(numeric.join("."));
                }
            }
            _ => {}
        }
    }
    version_info
}

/// `3.11` from `lib/python3.11/site-packages`.
fn version_from_site_packages(site_packages: &[PathBuf]) -> Option<String> {
    site_packages.iter().find_map(|site| {
        let parent = site.parent()?.file_name()?.to_str()?;
        let version = parent.strip_prefix("python")?;
        (version.contains('.') && version.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            .then(|| version.to_string())
    })
}

/// `3.11` from an interpreter that is (or links to) `python3.11`. Only
/// the name is looked at.
fn version_from_interpreter(interpreter: &Path) -> Option<String> {
    let real = fs::canonicalize(interpreter).ok()?;
    let name = real.file_name()?.to_str()?;
    let version = name.strip_prefix("python")?;
    let version = version.strip_suffix(".exe").unwrap_or(version);
    (version.contains('.') && version.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .then(|| version.to_string())
}

/// The environment's own interpreter, named (a link is not resolved).
fn find_interpreter(dir: &Path) -> Option<PathBuf> {
    [
        "bin/python3",
        "bin/python",
        "Scripts/python.exe",
        "python.exe",
    ]
    .iter()
    .map(|p| dir.join(p))
    .find(|p| fs::symlink_metadata(p).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyvenv_versions() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("pyvenv.cfg"),
            "home = /usr/bin\nversion_info = 3.12.1.final.0\n",
        )
        .unwrap();
        assert_eq!(pyvenv_version(dir.path()).as_deref(), Some("3.12.1"));
        fs::write(
            dir.path().join("pyvenv.cfg"),
            "home = /usr/bin\nversion = 3.11.7\n",
        )
        .unwrap();
        assert_eq!(pyvenv_version(dir.path()).as_deref(), Some("3.11.7"));
    }

    #[test]
    fn not_an_environment_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let inventory = scan(dir.path(), &Options::default());
        assert_eq!(inventory.errors.len(), 1);
        assert!(inventory.environments.is_empty());
    }
}
