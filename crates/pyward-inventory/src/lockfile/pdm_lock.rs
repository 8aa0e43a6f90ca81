//! `pdm.lock` (PDM; `lock_version` 3.x and 4.x).
//!
//! Groups are as PDM records them, with `default` read as `main`. An entry
//! locked with extras (`requests` with `extras = ["socks"]`) is the same
//! package as the plain entry: they are merged. The lock does not record
//! the project's own requirements: the packages no other package requires
//! are taken as direct, unless the manifest's are given to
//! [`parse_with_roots`].

use std::collections::HashMap;

use pyward_model::{Dependency, DependencyKind, PackageName};
use serde::Deserialize;

use super::entries::Prepared;
use super::graph::{LockGraph, MarkerMode, Node, any_of};
use super::{Root, checked_version, line_of_key, read_toml, requirement_name_and_marker};
use crate::ParseError;
use crate::format::{Document, FormatSpec, LockSpec, NamePattern, Parsed};

/// The registry's entry for `pdm.lock`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "pdm.lock",
    display_name: "pdm.lock",
    found_as: &[NamePattern::Exact("pdm.lock")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: Some(LockSpec {
        locks: &[
            &crate::manifest::pyproject::FORMAT,
            &crate::manifest::setup_cfg::FORMAT,
        ],
        roots_from: Some((&crate::manifest::pyproject::FORMAT, "pyproject.toml")),
    }),
};

const SUPPORTED: &str = "3.x and 4.x";

#[derive(Deserialize)]
struct PdmLock {
    metadata: Option<Metadata>,
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Metadata {
    lock_version: Option<toml::Value>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    /// lock_version 3 called groups sections.
    #[serde(default)]
    sections: Vec<String>,
    marker: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    path: Option<String>,
    url: Option<String>,
    git: Option<String>,
    revision: Option<String>,
}

#[derive(Deserialize)]
struct MetadataOnly {
    metadata: Option<Metadata>,
}

/// The dependencies of a `pdm.lock`; an entry error fails the whole text
/// (see [`parse_document`] for the rest of the file).
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_document(&Document::new(text, source))?.into_strict()
}

/// As [`parse`], with the project's requirements (from `pyproject.toml`)
/// deciding which packages are direct.
pub fn parse_with_roots(
    text: &str,
    source: &str,
    roots: &[Root],
) -> Result<Vec<Dependency>, ParseError> {
    let document = Document {
        roots: Some(roots),
        ..Document::new(text, source)
    };
    parse_document(&document)?.into_strict()
}

/// Everything a `pdm.lock` states: its packages (each with its place and
/// hashes) and its graph.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    let text = document.text;
    let (lock, mut prepared) = read_toml::<PdmLock>(text, "[[package]]", |text| {
        match toml::from_str::<MetadataOnly>(text) {
            Ok(only) => check_version(text, only.metadata.as_ref()),
            Err(_) => Ok(()),
        }
    })?;
    check_version(text, lock.metadata.as_ref())?;
    Ok(build(lock, document, &mut prepared))
}

fn check_version(text: &str, metadata: Option<&Metadata>) -> Result<(), ParseError> {
    let Some(value) = metadata.and_then(|m| m.lock_version.as_ref()) else {
        return Err(ParseError::new(format!(
            "pdm.lock has no `[metadata] lock_version`; pyward reads lock versions {SUPPORTED}"
        )));
    };
    let raw = match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let major = raw
        .split('.')
        .next()
        .and_then(|m| m.trim().parse::<u64>().ok());
    if matches!(major, Some(3 | 4)) {
        return Ok(());
    }
    let message = format!(
        "pdm.lock lock_version {raw} is not supported; pyward reads lock versions {SUPPORTED}"
    );
    Err(match line_of_key(text, "lock_version") {
        Some(line) => ParseError::at_line(line, message),
        None => ParseError::new(message),
    })
}

/// The version specifiers of a requirement string, between its name (and
/// extras) and its marker.
fn specifiers(requirement: &str) -> Option<&str> {
    let before_marker = requirement.split(';').next()?;
    if before_marker.contains(" @ ") {
        return None;
    }
    let rest = before_marker
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let rest = match rest.trim_start().strip_prefix('[') {
        Some(extras) => extras.split_once(']').map_or("", |(_, r)| r),
        None => rest,
    };
    Some(rest.trim().trim_start_matches('(').trim_end_matches(')'))
}

fn build(lock: PdmLock, document: &Document<'_>, prepared: &mut Prepared<'_>) -> Parsed {
    let source = document.source;
    let roots = document.roots.unwrap_or_default();
    let mut errors = Vec::new();
    let count = lock.package.len();
    let mut graph = LockGraph::default();
    let mut node_of: HashMap<(PackageName, Option<String>), usize> = HashMap::new();
    // Per node: the markers of its entries, and its entries' requirements.
    let mut markers: Vec<Vec<Option<String>>> = Vec::new();
    let mut requirements: Vec<Vec<&str>> = Vec::new();
    for (position, package) in lock.package.iter().enumerate() {
        let name = PackageName::new(&package.name);
        let key = (name, package.version.clone());
        let groups = if package.groups.is_empty() {
            &package.sections
        } else {
            &package.groups
        };
        let groups = groups.iter().map(|g| {
            if g == "default" {
                "main".to_string()
            } else {
                g.clone()
            }
        });
        let index = match node_of.get(&key) {
            Some(&index) => {
                graph.nodes[index].recorded_groups.extend(groups);
                index
            }
            None => {
                let mut dependency =
                    Dependency::new(&package.name, package.version.as_deref(), source);
                if let Some(git) = &package.git {
                    dependency.kind = DependencyKind::Url;
                    dependency.requirement = Some(match &package.revision {
                        Some(r) => format!("git+{git}@{r}"),
                        None => format!("git+{git}"),
                    });
                } else if let Some(path) = &package.path {
                    dependency.kind = DependencyKind::Path;
                    dependency.requirement = Some(path.clone());
                } else if let Some(url) = &package.url {
                    dependency.kind = if url.starts_with("file:") {
                        DependencyKind::Path
                    } else {
                        DependencyKind::Url
                    };
                    dependency.requirement = Some(url.clone());
                }
                prepared.place(position, count, &mut dependency);
                checked_version(&mut dependency, document.text, &mut errors);
                let index = graph.add_node(Node {
                    dependency,
                    recorded_groups: groups.collect(),
                    recorded_marker: None,
                });
                node_of.insert(key, index);
                markers.push(Vec::new());
                requirements.push(Vec::new());
                index
            }
        };
        markers[index].push(package.marker.clone());
        requirements[index].extend(package.dependencies.iter().map(String::as_str));
    }

    for (from, requirements) in requirements.iter().enumerate() {
        for requirement in requirements {
            let Some((name, marker)) = requirement_name_and_marker(requirement) else {
                continue;
            };
            for to in graph.named_matching(&name, specifiers(requirement)) {
                graph.add_edge(from, to, marker.clone());
            }
        }
    }
    for (node, markers) in graph.nodes.iter_mut().zip(&markers) {
        node.recorded_marker = any_of(markers.iter().map(Option::as_deref));
    }
    graph.add_roots(roots);
    let (dependencies, graph) = graph.finish(MarkerMode::Recorded, source);
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

    const LOCK: &str = r#"
[metadata]
groups = ["default", "dev"]
lock_version = "4.5.0"

[[package]]
name = "requests"
version = "2.31.0"
groups = ["default"]
dependencies = ["urllib3<3,>=1.21.1"]

[[package]]
name = "requests"
version = "2.31.0"
extras = ["socks"]
groups = ["dev"]
dependencies = ["PySocks!=1.5.7,>=1.5.6", "requests==2.31.0"]

[[package]]
name = "urllib3"
version = "2.0.0"
groups = ["default"]

[[package]]
name = "pysocks"
version = "1.7.1"
groups = ["dev"]
marker = "sys_platform == \"win32\""
"#;

    #[test]
    fn merges_extras_entries() {
        let deps = parse(LOCK, "pdm.lock").unwrap();
        assert_eq!(deps.len(), 3);
        assert_eq!(deps[0].groups, vec!["main", "dev"]);
        assert!(deps[0].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("requests")]);
        assert_eq!(deps[2].via, vec![PackageName::new("requests")]);
        assert_eq!(
            deps[2].markers.as_deref(),
            Some("sys_platform == \"win32\"")
        );
    }

    #[test]
    fn specifiers_between_name_and_marker() {
        assert_eq!(specifiers("Jinja2>=3.0"), Some(">=3.0"));
        assert_eq!(specifiers("requests[socks] (==2.31); x"), Some("==2.31"));
        assert_eq!(specifiers("x @ https://a"), None);
    }

    #[test]
    fn unknown_lock_version_is_named() {
        let err = parse("[metadata]\nlock_version = \"5.0\"\n", "pdm.lock").unwrap_err();
        assert!(
            err.message.contains("5.0") && err.message.contains("4.x"),
            "{err}"
        );
        assert_eq!(err.line, Some(2));
    }
}
