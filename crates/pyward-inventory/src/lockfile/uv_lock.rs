//! `uv.lock` (uv's universal lockfile, format `version = 1`).
//!
//! The root project and workspace members (`source = { editable = "." }`,
//! `{ virtual = "." }`, or the `[manifest] members`) are not dependencies:
//! their `dependencies`, `optional-dependencies` and `dev-dependencies` are
//! the direct requirements, in the groups `main`, the extra's name and the
//! dependency group's name.

use std::collections::{BTreeMap, HashMap, HashSet};

use pyward_model::{Dependency, DependencyKind, PackageName};
use serde::Deserialize;

use super::entries::Prepared;
use super::graph::{LockGraph, MarkerMode, Node, RootEdge, any_of};
use super::{checked_version, line_of_key, read_toml};
use crate::format::{Document, FormatSpec, LockSpec, NamePattern, Parsed};
use crate::ParseError;

/// The registry's entry for `uv.lock`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "uv.lock",
    display_name: "uv.lock",
    found_as: &[NamePattern::Exact("uv.lock")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    // uv locks a project whose dependencies may be in either; the lock
    // records the project's own requirements itself.
    lock: Some(LockSpec {
        locks: &[
            &crate::manifest::pyproject::FORMAT,
            &crate::manifest::setup_cfg::FORMAT,
        ],
        roots_from: None,
    }),
};

/// The `version` of `uv.lock` this reader understands.
const SUPPORTED_VERSION: i64 = 1;

#[derive(Deserialize)]
struct UvLock {
    version: Option<toml::Value>,
    #[serde(default)]
    manifest: Manifest,
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "resolution-markers")]
    resolution_markers: Vec<String>,
    #[serde(default)]
    dependencies: Vec<DependencyRef>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<DependencyRef>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<DependencyRef>>,
}

#[derive(Deserialize)]
struct DependencyRef {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
    marker: Option<String>,
    #[serde(default)]
    extra: Vec<String>,
}

#[derive(Deserialize)]
struct VersionOnly {
    version: Option<toml::Value>,
}

/// The dependencies of a `uv.lock`; an entry error fails the whole text
/// (see [`parse_document`] for the rest of the file).
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_document(&Document::new(text, source))?.into_strict()
}

/// Everything a `uv.lock` states: its packages (each with its place and
/// hashes) and its graph.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    let text = document.text;
    // A future format may fail the typed parse: say so rather than report
    // its first unfamiliar field.
    let (lock, mut prepared) = read_toml::<UvLock>(text, "[[package]]", |text| {
        match toml::from_str::<VersionOnly>(text) {
            Ok(only) => check_version(text, only.version.as_ref()),
            Err(_) => Ok(()),
        }
    })?;
    check_version(text, lock.version.as_ref())?;
    Ok(build(lock, document, &mut prepared))
}

fn check_version(text: &str, version: Option<&toml::Value>) -> Result<(), ParseError> {
    let found = match version {
        Some(toml::Value::Integer(v)) if *v == SUPPORTED_VERSION => return Ok(()),
        Some(toml::Value::Integer(v)) => v.to_string(),
        Some(other) => other.to_string(),
        None => {
            return Err(ParseError::new(format!(
                "uv.lock has no `version`; pyward reads uv.lock version {SUPPORTED_VERSION}"
            )));
        }
    };
    let message = format!(
        "uv.lock version {found} is not supported; pyward reads uv.lock version {SUPPORTED_VERSION}"
    );
    Err(match line_of_key(text, "version") {
        Some(line) => ParseError::at_line(line, message),
        None => ParseError::new(message),
    })
}

/// How a package's source reads in uv.lock, and what that makes it.
fn classify(source: &BTreeMap<String, toml::Value>) -> (DependencyKind, Option<String>) {
    let value = |key: &str| source.get(key).and_then(toml::Value::as_str);
    if source.is_empty() || source.contains_key("registry") {
        return (DependencyKind::Registry, None);
    }
    if let Some(url) = value("git") {
        return (DependencyKind::Url, Some(format!("git+{url}")));
    }
    if let Some(url) = value("url") {
        return (DependencyKind::Url, Some(url.to_string()));
    }
    for key in ["path", "directory", "editable", "virtual"] {
        if let Some(path) = value(key) {
            return (DependencyKind::Path, Some(path.to_string()));
        }
    }
    (DependencyKind::Registry, None)
}

/// Whether a package is the project itself or a workspace member.
fn is_project(package: &Package, members: &HashSet<PackageName>) -> bool {
    let local = ["editable", "virtual"]
        .iter()
        .find_map(|key| package.source.get(*key).and_then(toml::Value::as_str));
    match local {
        None => false,
        Some(path) if members.is_empty() => path == "." || path.is_empty(),
        Some(_) => members.contains(&PackageName::new(&package.name)),
    }
}

/// A package's source as a key to compare with a dependency's (values are
/// strings in every source uv writes).
fn source_key(source: &BTreeMap<String, toml::Value>) -> String {
    let mut key = String::new();
    for (name, value) in source {
        key.push_str(name);
        key.push('=');
        key.push_str(value.as_str().unwrap_or("?"));
        key.push(',');
    }
    key
}

fn build(lock: UvLock, document: &Document<'_>, prepared: &mut Prepared<'_>) -> Parsed {
    let source = document.source;
    let mut errors = Vec::new();
    let members: HashSet<PackageName> = lock
        .manifest
        .members
        .iter()
        .map(|m| PackageName::new(m))
        .collect();
    let mut graph = LockGraph::default();
    // Index in `lock.package` -> node (None for the project and members).
    let mut node_of: Vec<Option<usize>> = Vec::with_capacity(lock.package.len());
    let mut source_of: HashMap<usize, String> = HashMap::new();
    let count = lock.package.len();
    for (position, package) in lock.package.iter().enumerate() {
        if is_project(package, &members) {
            node_of.push(None);
            continue;
        }
        let (kind, requirement) = classify(&package.source);
        let mut dependency = Dependency::new(&package.name, package.version.as_deref(), source);
        dependency.kind = kind;
        dependency.requirement = requirement;
        prepared.place(position, count, &mut dependency);
        checked_version(&mut dependency, document.text, &mut errors);
        let marker = if package.resolution_markers.is_empty() {
            None
        } else {
            any_of(package.resolution_markers.iter().map(|m| Some(m.as_str())))
        };
        let index = graph.add_node(Node {
            dependency,
            recorded_groups: Vec::new(),
            recorded_marker: marker,
        });
        source_of.insert(index, source_key(&package.source));
        node_of.push(Some(index));
    }

    let resolve = |graph: &LockGraph, dep: &DependencyRef| -> Vec<usize> {
        let name = PackageName::new(&dep.name);
        let mut candidates: Vec<usize> = graph.named(&name).to_vec();
        if let Some(version) = &dep.version {
            candidates.retain(|&i| graph.nodes[i].dependency.version.as_deref() == Some(version));
        }
        if candidates.len() > 1 && !dep.source.is_empty() {
            let wanted = source_key(&dep.source);
            let narrowed: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|i| source_of.get(i) == Some(&wanted))
                .collect();
            if !narrowed.is_empty() {
                candidates = narrowed;
            }
        }
        candidates
    };

    // Extras requested of each package by anyone: their optional
    // dependencies are edges of that package.
    let mut requested_extras: HashMap<usize, HashSet<&str>> = HashMap::new();
    let all_refs = lock.package.iter().flat_map(|p| {
        p.dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten())
            .chain(p.dev_dependencies.values().flatten())
    });
    for dep in all_refs {
        if dep.extra.is_empty() {
            continue;
        }
        for target in resolve(&graph, dep) {
            requested_extras
                .entry(target)
                .or_default()
                .extend(dep.extra.iter().map(String::as_str));
        }
    }

    for (package, node) in lock.package.iter().zip(&node_of) {
        match node {
            Some(from) => {
                let extras = requested_extras.get(from);
                let optional = package
                    .optional_dependencies
                    .iter()
                    .filter(|(extra, _)| extras.is_some_and(|e| e.contains(extra.as_str())))
                    .flat_map(|(_, deps)| deps);
                for dep in package.dependencies.iter().chain(optional) {
                    for to in resolve(&graph, dep) {
                        graph.add_edge(*from, to, dep.marker.clone());
                    }
                }
            }
            None => {
                let groups = std::iter::once(("main", &package.dependencies))
                    .chain(
                        package
                            .optional_dependencies
                            .iter()
                            .map(|(k, v)| (k.as_str(), v)),
                    )
                    .chain(
                        package
                            .dev_dependencies
                            .iter()
                            .map(|(k, v)| (k.as_str(), v)),
                    );
                for (group, deps) in groups {
                    for dep in deps {
                        for to in resolve(&graph, dep) {
                            graph.roots.push(RootEdge {
                                to,
                                group: group.to_string(),
                                marker: dep.marker.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
    let (dependencies, graph) = graph.finish(MarkerMode::Propagated, source);
    Parsed {
        dependencies,
        graph,
        errors,
        ..Parsed::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
version = 1
revision = 2
requires-python = ">=3.9"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "flask" }, { name = "pywin32", marker = "sys_platform == 'win32'" }]

[package.optional-dependencies]
web = [{ name = "gunicorn" }]

[package.dev-dependencies]
test = [{ name = "pytest" }]

[[package]]
name = "flask"
version = "3.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "werkzeug" }]

[[package]]
name = "werkzeug"
version = "3.0.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pywin32"
version = "306"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "gunicorn"
version = "21.2.0"
source = { git = "https://github.com/benoitc/gunicorn?rev=main#abc" }

[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://pypi.org/simple" }
"#;

    #[test]
    fn reads_graph_groups_and_markers() {
        let deps = parse(SMALL, "uv.lock").unwrap();
        let names: Vec<&str> = deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["flask", "werkzeug", "pywin32", "gunicorn", "pytest"]
        );
        assert!(deps[0].direct);
        assert!(!deps[1].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("flask")]);
        assert_eq!(deps[2].markers.as_deref(), Some("sys_platform == 'win32'"));
        assert_eq!(deps[3].groups, vec!["web"]);
        assert_eq!(deps[3].kind, DependencyKind::Url);
        assert_eq!(deps[4].groups, vec!["test"]);
    }

    #[test]
    fn future_version_is_named() {
        let err = parse("version = 2\nrevision = 1\n", "uv.lock").unwrap_err();
        assert!(err.message.contains("version 2"), "{err}");
        assert!(err.message.contains("version 1"), "{err}");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn syntax_error_has_line() {
        let err = parse("version = 1\n[[package]\nname = 'x'\n", "uv.lock").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }
}
