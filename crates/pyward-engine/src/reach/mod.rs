//! Reachability: whether first-party code reaches a vulnerable direct
//! dependency. A vulnerability finding on a direct dependency that no
//! first-party module imports is marked `reachable: false`; when the
//! advisory names the affected modules or functions (OSV
//! `ecosystem_specific.imports`, GitHub's `affected_functions`), one
//! whose package is imported but whose named functions nothing calls is
//! too. Where code imports or calls it is named (`reached_at`).
//!
//! The judgement leans towards "reachable": a package used without an
//! import (servers, database drivers, tools: `used_without_import.txt`),
//! one required by a package that is reached (the inventory's graph, or
//! for files that record none the table `requires.txt`), one named in a
//! string that reads as a module path (Django settings) or in a file that
//! could not be parsed is never marked unreachable. Transitive
//! dependencies are reached through their parents and are not judged.
//!
//! The first-party code is read once ([`pyward_lint::imports_of_paths`]),
//! and only when some direct dependency has a vulnerability finding.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use pyward_lint::{ImportIndex, Site};
use pyward_model::{
    Dependency, DependencyEdge, Detail, Finding, FindingKind, PackageName, RelatedLocation,
};

/// Larger `top_level.txt` files are not read.
const MAX_TOP_LEVEL_BYTES: u64 = 64 * 1024;
/// Larger `RECORD` files are not read (the largest wheels list some
/// tens of thousands of files: a few megabytes).
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
/// A file that could not be parsed is searched as text for import names
/// up to this size (the code scanner's own limit).
const MAX_UNPARSED_BYTES: u64 = pyward_lint::DEFAULT_MAX_FILE_SIZE;

mod shared;

pub use shared::SharedImports;

/// What a run knows to judge reachability with.
pub(crate) struct Project<'a> {
    /// Every dependency of the inventory (installed ones carry their
    /// metadata file).
    pub dependencies: &'a [Dependency],
    /// The dependency graphs read.
    pub graph: &'a [DependencyEdge],
    /// The folders of first-party code.
    pub roots: Vec<PathBuf>,
    /// What paths are shown relative to.
    pub base: &'a Path,
    /// The code scanner's walk settings (its `exclude`).
    pub settings: &'a pyward_lint::Settings,
    /// Where the code scanner leaves the imports when it reads them.
    pub shared: &'a SharedImports,
}

/// What judging told.
#[derive(Debug, Default)]
pub(crate) struct Judged {
    /// Findings marked `reachable: false`.
    pub unreachable: usize,
    /// For the user: why reachability was not judged, when it was not.
    pub notes: Vec<String>,
}

/// The folders whose Python code is first-party for `paths` (folders as
/// given; a named file's folder) and `requirements` (`-r FILE`: its
/// folder), without repeats.
pub(crate) fn roots_of(paths: &[PathBuf], requirements: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    for path in paths.iter().chain(requirements) {
        let folder = if path.is_dir() {
            path.clone()
        } else {
            match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        if !roots.contains(&folder) {
            roots.push(folder);
        }
    }
    roots
}

/// Marks the vulnerability findings of direct dependencies declared by
/// the project (not installed environments') with what the first-party
/// code reaches.
pub(crate) fn judge(findings: &mut [Finding], project: &Project<'_>) -> Judged {
    let mut judged = Judged::default();
    let candidates: Vec<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| is_candidate(f))
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() || project.roots.is_empty() {
        return judged;
    }
    let index: Arc<ImportIndex> = project.shared.wait(&project.roots).unwrap_or_else(|| {
        Arc::new(pyward_lint::imports_of_paths(
            &project.roots,
            project.base,
            project.settings,
        ))
    });
    let index = index.as_ref();
    if index.files == 0 {
        // No first-party Python code (a folder of requirements files):
        // nothing to judge by.
        return judged;
    }
    let Some(unparsed) = unparsed_texts(index, project.base) else {
        let first = &index.errors[0];
        judged.notes.push(format!(
            "reachability not judged: `{first}` (what it imports is not known)"
        ));
        return judged;
    };
    let code = Code::new(index, unparsed);
    let direct: BTreeSet<&PackageName> = project
        .dependencies
        .iter()
        .filter(|d| d.direct && d.environment.is_none())
        .map(|d| &d.name)
        .collect();
    let judge = Judge {
        code: &code,
        project,
        direct,
    };
    for i in candidates {
        let finding = &mut findings[i];
        let Some(package) = finding.package.clone() else {
            continue;
        };
        let verdict = judge.verdict(&package, finding);
        if verdict.reachable == Some(false) {
            judged.unreachable += 1;
        }
        if let Some(Detail::Vulnerability(detail)) = &mut finding.detail {
            detail.reachable = verdict.reachable;
            detail.reachability = Some(verdict.why);
            detail.reached_at = verdict.at;
        }
    }
    judged
}

/// A vulnerability (not a malicious package: installing it is the
/// attack) of a direct dependency the project declares.
fn is_candidate(finding: &Finding) -> bool {
    finding.kind == FindingKind::Vulnerability
        && finding.package.is_some()
        && finding
            .dependency
            .as_ref()
            .is_some_and(|d| d.direct == Some(true) && d.environment.is_none() && d.via.is_empty())
        && matches!(finding.detail, Some(Detail::Vulnerability(_)))
}

/// The text of every file that could not be parsed; `None` when one
/// cannot be read either (then nothing can be said of what is not
/// imported).
fn unparsed_texts(index: &ImportIndex, base: &Path) -> Option<Vec<(String, String)>> {
    let mut texts = Vec::new();
    for error in &index.errors {
        let path = base.join(&error.path);
        // A link (out of the tree, or anywhere) is not followed: what it
        // names stays unknown.
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let bytes = pyward_fs::read(&path, MAX_UNPARSED_BYTES).ok()?;
        texts.push((
            error.path.clone(),
            String::from_utf8_lossy(&bytes).to_lowercase(),
        ));
    }
    Some(texts)
}

/// The first-party code, as reachability asks about it: modules by their
/// lower-cased names (distribution names lose case, `M2Crypto` is
/// `m2crypto`).
struct Code<'a> {
    index: &'a ImportIndex,
    modules: BTreeMap<String, &'a Site>,
    mentions: BTreeMap<String, &'a Site>,
    unparsed: Vec<(String, String)>,
}

impl<'a> Code<'a> {
    fn new(index: &'a ImportIndex, unparsed: Vec<(String, String)>) -> Self {
        let lowered = |map: &'a BTreeMap<String, Site>| {
            let mut out: BTreeMap<String, &'a Site> = BTreeMap::new();
            for (name, site) in map {
                let slot = out.entry(name.to_lowercase()).or_insert(site);
                if site < *slot {
                    *slot = site;
                }
            }
            out
        };
        Self {
            index,
            modules: lowered(&index.modules),
            mentions: lowered(&index.mentions),
            unparsed,
        }
    }

    /// The first import of `module` or of anything inside it.
    fn import_of(&self, module: &str) -> Option<&'a Site> {
        first_within(&self.modules, module)
    }

    fn mention_of(&self, module: &str) -> Option<&'a Site> {
        first_within(&self.mentions, module)
    }

    /// A file that could not be parsed and names `module`.
    fn unparsed_naming(&self, module: &str) -> Option<&str> {
        self.unparsed
            .iter()
            .find(|(_, text)| text.contains(module))
            .map(|(path, _)| path.as_str())
    }
}

fn first_within<'a>(map: &BTreeMap<String, &'a Site>, name: &str) -> Option<&'a Site> {
    map.range(name.to_string()..)
        .take_while(|(key, _)| key.starts_with(name))
        .filter(|(key, _)| key.len() == name.len() || key[name.len()..].starts_with('.'))
        .map(|(_, site)| *site)
        .min()
}

struct Verdict {
    reachable: Option<bool>,
    why: String,
    at: Vec<RelatedLocation>,
}

/// How a distribution is reached without being imported, if it is.
enum Reached {
    Imported(String, Site),
    Mentioned(String, Site),
    /// Not judged, and why.
    Unknown(String),
}

struct Judge<'a> {
    code: &'a Code<'a>,
    project: &'a Project<'a>,
    direct: BTreeSet<&'a PackageName>,
}

impl Judge<'_> {
    fn verdict(&self, package: &PackageName, finding: &Finding) -> Verdict {
        let affected: Vec<String> = finding
            .vulnerability()
            .map(|d| d.affected_imports.clone())
            .unwrap_or_default();
        match self.reached(package, &mut Vec::new()) {
            None => Verdict {
                reachable: Some(false),
                why: format!(
                    "no first-party module imports {}",
                    quoted_list(&self.import_names(package), "or")
                ),
                at: Vec::new(),
            },
            Some(Reached::Unknown(why)) => Verdict {
                reachable: None,
                why,
                at: Vec::new(),
            },
            Some(Reached::Mentioned(module, site)) => Verdict {
                reachable: Some(true),
                why: format!("`{module}` is named at {}", place(&site)),
                at: vec![related(&site, format!("names `{module}`"))],
            },
            Some(Reached::Imported(module, site)) => {
                let import = related(&site, format!("imports `{module}`"));
                if affected.is_empty() {
                    return Verdict {
                        reachable: Some(true),
                        why: format!("`{module}` is imported at {}", place(&site)),
                        at: vec![import],
                    };
                }
                let names = self.import_names(package);
                let mut calls = Vec::new();
                for name in &affected {
                    // The advisory names the whole package: importing it is
                    // enough.
                    let whole = names.iter().any(|n| n.eq_ignore_ascii_case(name));
                    let used = if whole {
                        Some(site.clone())
                    } else {
                        self.code.index.use_of(name).cloned()
                    };
                    if let Some(at) = used {
                        calls.push(related(&at, format!("uses `{name}`")));
                    }
                }
                if calls.is_empty() {
                    Verdict {
                        reachable: Some(false),
                        why: format!(
                            "`{module}` is imported at {}, but nothing uses what the advisory names: {}",
                            place(&site),
                            quoted_list(&affected, "or")
                        ),
                        at: vec![import],
                    }
                } else {
                    let first = &calls[0];
                    let why = format!("{} at {}:{}", first.message, first.path, first.line);
                    Verdict {
                        reachable: Some(true),
                        why,
                        at: std::iter::once(import).chain(calls).collect(),
                    }
                }
            }
        }
    }

    /// How `package` is reached, `None` when it is not; `visiting` breaks
    /// cycles of the requirement tables.
    fn reached(&self, package: &PackageName, visiting: &mut Vec<PackageName>) -> Option<Reached> {
        let names = self.import_names(package);
        let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        if let Some((module, site)) = lowered
            .iter()
            .zip(&names)
            .filter_map(|(low, name)| self.code.import_of(low).map(|s| (name, s)))
            .min_by(|a, b| a.1.cmp(b.1))
        {
            return Some(Reached::Imported(module.clone(), site.clone()));
        }
        if let Some((module, site)) = lowered
            .iter()
            .zip(&names)
            .filter_map(|(low, name)| self.code.mention_of(low).map(|s| (name, s)))
            .min_by(|a, b| a.1.cmp(b.1))
        {
            return Some(Reached::Mentioned(module.clone(), site.clone()));
        }
        if tables().used_without_import(package) {
            return Some(Reached::Unknown(format!(
                "`{package}` is used without an import (a server, driver or tool): not judged"
            )));
        }
        if let Some(path) = lowered.iter().find_map(|n| self.code.unparsed_naming(n)) {
            return Some(Reached::Unknown(format!(
                "named in `{path}`, which could not be parsed: not judged"
            )));
        }
        visiting.push(package.clone());
        let mut result = None;
        for parent in self.requirers(package) {
            if visiting.contains(&parent) {
                continue;
            }
            let through = if self.direct.contains(&parent) {
                self.reached(&parent, visiting).map(|_| ())
            } else {
                // Required by something that is not a direct dependency of
                // the project: reached through that, as far as is known.
                Some(())
            };
            if through.is_some() {
                result = Some(Reached::Unknown(format!(
                    "required by `{parent}`, which is reached: not judged"
                )));
                break;
            }
        }
        visiting.pop();
        result
    }

    /// Who requires `package`: the graphs read, else the table.
    fn requirers(&self, package: &PackageName) -> Vec<PackageName> {
        let mut parents: Vec<PackageName> = self
            .project
            .graph
            .iter()
            .filter(|edge| &edge.to.name == package)
            .filter_map(|edge| edge.from.as_ref().map(|from| from.name.clone()))
            .filter(|from| from != package)
            .collect();
        parents.extend(
            self.direct
                .iter()
                .filter(|d| **d != package && tables().requires(d, package))
                .map(|d| (*d).clone()),
        );
        parents.sort();
        parents.dedup();
        parents
    }

    /// The top-level modules `package` installs: its installed metadata's,
    /// else the table's, else its name's.
    fn import_names(&self, package: &PackageName) -> Vec<String> {
        let installed = self
            .project
            .dependencies
            .iter()
            .filter(|d| &d.name == package)
            .filter_map(|d| d.file.as_deref())
            .find_map(installed_import_names);
        if let Some(names) = installed.filter(|n| !n.is_empty()) {
            return names;
        }
        if let Some(names) = tables().import_names.get(package.as_str()) {
            return names.clone();
        }
        names_from(package.as_str())
    }
}

/// The modules a distribution's name suggests: `python-json-logger`
/// gives `python_json_logger`, `python.json.logger` (namespace packages:
/// `zope-interface` is `zope.interface`), `json_logger` and
/// `pythonjsonlogger`.
fn names_from(name: &str) -> Vec<String> {
    let mut names = vec![name.replace(['-', '.'], "_")];
    if name.contains('-') {
        names.push(name.replace('-', "."));
    }
    for affix in ["python-", "py-"] {
        if let Some(rest) = name.strip_prefix(affix) {
            names.push(rest.replace('-', "_"));
        }
    }
    if let Some(rest) = name.strip_suffix("-python") {
        names.push(rest.replace('-', "_"));
    }
    if name.contains('-') {
        names.push(name.replace('-', ""));
    }
    names.dedup();
    names
}

/// What an installed distribution's `top_level.txt` (else `RECORD`) says
/// it installs, for `metadata` its `METADATA` or `PKG-INFO` file. Reads
/// are bounded; a link is not followed.
fn installed_import_names(metadata: &Path) -> Option<Vec<String>> {
    let name = metadata.file_name()?.to_str()?;
    if name != "METADATA" && name != "PKG-INFO" {
        return None;
    }
    let folder = metadata.parent()?;
    let plain = |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
    let top_level = folder.join("top_level.txt");
    if plain(&top_level)
        && let Ok(bytes) = pyward_fs::read(&top_level, MAX_TOP_LEVEL_BYTES)
    {
        let names = top_level_names(&String::from_utf8_lossy(&bytes));
        if !names.is_empty() {
            return Some(names);
        }
    }
    let record = folder.join("RECORD");
    if plain(&record)
        && let Ok(bytes) = pyward_fs::read(&record, MAX_RECORD_BYTES)
    {
        return Some(record_names(&String::from_utf8_lossy(&bytes)));
    }
    None
}

/// `top_level.txt`: one module a line (`yaml`, `_yaml`; `google/protobuf`
/// in some older ones).
fn top_level_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .map(|line| line.trim().replace('/', "."))
        .filter(|line| is_module_name(line))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The top-level modules a `RECORD` lists: the first part of each path
/// that is a package folder or a module file, leaving out the metadata
/// folders, scripts (`../../bin/x`) and caches.
fn record_names(text: &str) -> Vec<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let path = line.split(',').next().unwrap_or_default().trim();
        let mut parts = path.split('/');
        let Some(first) = parts.next() else {
            continue;
        };
        let is_folder = parts.next().is_some();
        let module = if is_folder {
            if first.ends_with(".dist-info") || first.ends_with(".data") || first == "__pycache__" {
                continue;
            }
            first.to_string()
        } else {
            // `six.py`, `_yaml.cpython-312-x86_64-linux-gnu.so`.
            let Some((stem, ext)) = first.split_once('.') else {
                continue;
            };
            let ext = ext.rsplit('.').next().unwrap_or(ext);
            if !matches!(ext, "py" | "so" | "pyd" | "pyc") {
                continue;
            }
            stem.to_string()
        };
        if is_module_name(&module) {
            names.insert(module);
        }
    }
    names.into_iter().collect()
}

fn is_module_name(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

fn place(site: &Site) -> String {
    format!("{}:{}", site.path, site.line)
}

fn related(site: &Site, message: String) -> RelatedLocation {
    RelatedLocation {
        path: site.path.clone(),
        line: site.line,
        column: site.column,
        end_line: None,
        end_column: None,
        message,
    }
}

/// `` `a`, `b` or `c` ``.
fn quoted_list(items: &[String], last: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

/// The data tables beside this module, parsed once.
struct Tables {
    import_names: BTreeMap<String, Vec<String>>,
    used_without_import: Vec<String>,
    requires: Vec<(String, Vec<String>)>,
}

impl Tables {
    fn used_without_import(&self, package: &PackageName) -> bool {
        self.used_without_import
            .iter()
            .any(|entry| matches_entry(entry, package.as_str()))
    }

    /// Whether the table says `parent` requires `child`.
    fn requires(&self, parent: &PackageName, child: &PackageName) -> bool {
        self.requires.iter().any(|(key, children)| {
            matches_entry(key, parent.as_str()) && children.iter().any(|c| c == child.as_str())
        })
    }
}

/// `name` is `entry`, or begins with it when it ends in `-`.
fn matches_entry(entry: &str, name: &str) -> bool {
    if entry.ends_with('-') {
        name.starts_with(entry) && name.len() > entry.len()
    } else {
        entry == name
    }
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let lines = |text: &'static str| {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
        };
        let pairs = |text: &'static str| -> Vec<(String, Vec<String>)> {
            lines(text)
                .filter_map(|line| line.split_once(':'))
                .map(|(key, rest)| {
                    (
                        key.trim().to_string(),
                        rest.split_whitespace().map(str::to_string).collect(),
                    )
                })
                .collect()
        };
        Tables {
            import_names: pairs(include_str!("import_names.txt"))
                .into_iter()
                .collect(),
            used_without_import: lines(include_str!("used_without_import.txt"))
                .map(str::to_string)
                .collect(),
            requires: pairs(include_str!("requires.txt")),
        }
    })
}

#[cfg(test)]
mod tests;
