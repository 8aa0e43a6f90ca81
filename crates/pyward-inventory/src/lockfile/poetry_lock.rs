//! `poetry.lock`, lock formats 1.x (Poetry 1.0 to 1.4: `category`,
//! `[metadata.files]`) and 2.x (Poetry 1.5 and later; 2.1 adds `groups`
//! and per-package `markers`).
//!
//! The lock does not record the project's own requirements: the packages
//! no other package requires are taken as direct, unless the manifest's
//! are given to [`parse_with_roots`].

use std::collections::{BTreeMap, HashMap};

use pyward_model::{Dependency, DependencyKind, PackageName};
use serde::Deserialize;

use super::entries::Prepared;
use super::graph::{LockGraph, MarkerMode, Node, any_of};
use super::{
    Root, checked_version, line_of_key, read_toml, requirement_name_and_marker,
};
use crate::ParseError;
use crate::format::{Document, FormatSpec, LockSpec, NamePattern, Parsed};

/// The registry's entry for `poetry.lock`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "poetry.lock",
    display_name: "poetry.lock",
    found_as: &[NamePattern::Exact("poetry.lock")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    // Poetry reads only `pyproject.toml`.
    lock: Some(LockSpec {
        locks: &[&crate::manifest::pyproject::FORMAT],
        roots_from: Some((&crate::manifest::pyproject::FORMAT, "pyproject.toml")),
    }),
};

const SUPPORTED: &str = "1.x and 2.x";

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<Package>,
    #[serde(default)]
    extras: BTreeMap<String, Vec<String>>,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(rename = "lock-version")]
    lock_version: Option<toml::Value>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    category: Option<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    groups: Vec<String>,
    markers: Option<toml::Value>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    source: Option<Source>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    reference: Option<String>,
    resolved_reference: Option<String>,
}

#[derive(Deserialize)]
struct MetadataOnly {
    metadata: Option<Metadata>,
}

/// The dependencies of a `poetry.lock`; an entry error fails the whole
/// text (see [`parse_document`] for the rest of the file).
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_document(&Document::new(text, source))?.into_strict()
}

/// As [`parse`], with the project's requirements (from `pyproject.toml`)
/// deciding which packages are direct and in which groups.
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

/// Everything a `poetry.lock` states: its packages (each with its place
/// and hashes) and its graph.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    let text = document.text;
    let (lock, mut prepared) = read_toml::<PoetryLock>(text, "[[package]]", |text| {
        match toml::from_str::<MetadataOnly>(text) {
            Ok(only) => lock_version(text, only.metadata.as_ref()).map(|_| ()),
            Err(_) => Ok(()),
        }
    })?;
    let version = lock_version(text, lock.metadata.as_ref())?;
    Ok(build(lock, document, &mut prepared, version))
}

/// The lock format version, checked to be one this reader knows.
fn lock_version(text: &str, metadata: Option<&Metadata>) -> Result<(u64, u64), ParseError> {
    let Some(metadata) = metadata else {
        return Err(ParseError::new(format!(
            "poetry.lock has no `[metadata]` table; pyward reads lock versions {SUPPORTED}"
        )));
    };
    // Poetry 1.0 wrote no lock-version, and Poetry reads its absence as 1.0.
    let Some(value) = metadata.lock_version.as_ref() else {
        return Ok((1, 0));
    };
    let raw = match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut parts = raw.split('.').map(|p| p.trim().parse::<u64>());
    let parsed = match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => Some((major, minor)),
        (Some(Ok(major)), None) => Some((major, 0)),
        _ => None,
    };
    match parsed {
        Some((major, minor)) if (1..=2).contains(&major) => Ok((major, minor)),
        _ => {
            let message = format!(
                "poetry.lock lock-version {raw} is not supported; pyward reads lock versions {SUPPORTED}"
            );
            Err(match line_of_key(text, "lock-version") {
                Some(line) => ParseError::at_line(line, message),
                None => ParseError::new(message),
            })
        }
    }
}

fn classify(source: Option<&Source>) -> (DependencyKind, Option<String>) {
    let Some(source) = source else {
        return (DependencyKind::Registry, None);
    };
    let url = source.url.clone().unwrap_or_default();
    match source.kind.as_deref() {
        Some("git") => {
            let reference = source
                .resolved_reference
                .as_deref()
                .or(source.reference.as_deref());
            let requirement = match reference {
                Some(r) if !r.is_empty() => format!("git+{url}@{r}"),
                _ => format!("git+{url}"),
            };
            (DependencyKind::Url, Some(requirement))
        }
        Some("url") => (DependencyKind::Url, Some(url)),
        Some("directory" | "file") => (DependencyKind::Path, Some(url)),
        // `legacy` (a package index), `pypi`, or none.
        _ => (DependencyKind::Registry, None),
    }
}

/// The edges a `[package.dependencies]` value stands for: a constraint
/// string, a table, or a list of tables (one per marker).
fn constraints(value: &toml::Value) -> Vec<(Option<String>, Option<String>)> {
    match value {
        toml::Value::String(version) => vec![(Some(version.clone()), None)],
        toml::Value::Table(table) => {
            let version = table
                .get("version")
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            let marker = table
                .get("markers")
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            vec![(version, marker)]
        }
        toml::Value::Array(items) => items.iter().flat_map(constraints).collect(),
        _ => vec![(None, None)],
    }
}

/// A package's recorded marker: a string, or (lock 2.1) one per group,
/// which together are alternatives.
fn recorded_marker(package: &Package) -> Option<String> {
    match package.markers.as_ref()? {
        toml::Value::String(marker) => Some(marker.clone()),
        toml::Value::Table(by_group) => {
            if package.groups.iter().any(|g| !by_group.contains_key(g)) {
                // A group without a marker installs it unconditionally.
                return None;
            }
            any_of(by_group.values().map(toml::Value::as_str))
        }
        _ => None,
    }
}

fn build(
    lock: PoetryLock,
    document: &Document<'_>,
    prepared: &mut Prepared<'_>,
    (major, minor): (u64, u64),
) -> Parsed {
    let source = document.source;
    let roots = document.roots.unwrap_or_default();
    let mut errors = Vec::new();
    let count = lock.package.len();
    // Lock 2.1 records each package's complete marker; older locks only the
    // markers on edges.
    let markers_recorded = major > 2 || (major == 2 && minor >= 1);
    let mut graph = LockGraph::default();
    let mut optional = Vec::with_capacity(lock.package.len());
    for (position, package) in lock.package.iter().enumerate() {
        let (kind, requirement) = classify(package.source.as_ref());
        let mut dependency = Dependency::new(&package.name, Some(&package.version), source);
        dependency.kind = kind;
        dependency.requirement = requirement;
        prepared.place(position, count, &mut dependency);
        if dependency.hashes.is_empty()
            && let Some(hashes) = prepared.hashes_by_name.remove(&package.name)
        {
            dependency.hashes = hashes;
        }
        checked_version(&mut dependency, document.text, &mut errors);
        let recorded_groups = if !package.groups.is_empty() {
            package.groups.clone()
        } else {
            package.category.iter().cloned().collect()
        };
        graph.add_node(Node {
            dependency,
            recorded_groups,
            recorded_marker: if markers_recorded {
                recorded_marker(package)
            } else {
                None
            },
        });
        optional.push(package.optional);
    }

    for (from, package) in lock.package.iter().enumerate() {
        for (name, value) in &package.dependencies {
            let name = PackageName::new(name);
            for (version, marker) in constraints(value) {
                for to in graph.named_matching(&name, version.as_deref()) {
                    graph.add_edge(from, to, marker.clone());
                }
            }
        }
    }

    graph.add_roots(roots);

    // Optional packages belong to the extras that pull them in, rather than
    // to `main` (which installs them only with the extra).
    let mut extra_groups: HashMap<usize, Vec<String>> = HashMap::new();
    for (extra, members) in &lock.extras {
        let starts: Vec<usize> = members
            .iter()
            .filter_map(|m| requirement_name_and_marker(m))
            .flat_map(|(name, _)| graph.named(&name).to_vec())
            .collect();
        for (index, reached) in reachable(&graph, &starts).into_iter().enumerate() {
            if reached && optional[index] {
                extra_groups.entry(index).or_default().push(extra.clone());
            }
        }
    }
    for (index, extras) in extra_groups {
        let node = &mut graph.nodes[index];
        node.recorded_groups.retain(|g| g != "main");
        node.recorded_groups.extend(extras);
    }

    let mode = if markers_recorded {
        MarkerMode::Recorded
    } else {
        MarkerMode::Propagated
    };
    let (dependencies, graph) = graph.finish(mode, source);
    Parsed {
        dependencies,
        graph,
        errors,
        ..Parsed::default()
    }
}

fn reachable(graph: &LockGraph, starts: &[usize]) -> Vec<bool> {
    let mut seen = vec![false; graph.nodes.len()];
    let mut stack: Vec<usize> = starts.to_vec();
    while let Some(node) = stack.pop() {
        if node >= seen.len() || seen[node] {
            continue;
        }
        seen[node] = true;
        stack.extend(graph.edges[node].iter().map(|e| e.to));
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"
[[package]]
name = "flask"
version = "2.2.5"
description = ""
category = "main"
optional = false
python-versions = ">=3.7"

[package.dependencies]
Werkzeug = ">=2.2.2"
importlib-metadata = {version = ">=3.6.0", markers = "python_version < \"3.10\""}

[[package]]
name = "werkzeug"
version = "3.1.9"
category = "main"
optional = false

[[package]]
name = "importlib-metadata"
version = "8.7.1"
category = "main"
optional = false

[[package]]
name = "pytest"
version = "8.0.0"
category = "dev"
optional = false

[metadata]
lock-version = "1.1"
python-versions = "^3.9"
content-hash = "x"

[metadata.files]
flask = []
"#;

    #[test]
    fn reads_format_1() {
        let deps = parse(V1, "poetry.lock").unwrap();
        assert_eq!(deps.len(), 4);
        assert!(deps[0].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("flask")]);
        assert_eq!(
            deps[2].markers.as_deref(),
            Some("python_version < \"3.10\"")
        );
        assert_eq!(deps[3].groups, vec!["dev"]);
        assert!(deps[3].direct);
    }

    #[test]
    fn roots_decide_direct() {
        let roots = [Root {
            name: PackageName::new("werkzeug"),
            group: "main".into(),
            marker: None,
        }];
        let deps = parse_with_roots(V1, "poetry.lock", &roots).unwrap();
        assert!(!deps[0].direct);
        assert!(deps[1].direct);
    }

    // See: issue 9 (a poetry.lock written by Poetry 1.0 was refused).
    #[test]
    fn a_missing_lock_version_is_1_0() {
        let text = V1.replace("lock-version = \"1.1\"\n", "");
        let deps = parse(&text, "poetry.lock").unwrap();
        assert_eq!(deps.len(), 4);
        assert!(parse("[[package]]\nname = \"a\"\nversion = \"1\"\n", "poetry.lock").is_err());
    }

    // See: issue 9 (`version = "not-a-version!!"` counted as audited).
    #[test]
    fn a_version_that_is_not_pep_440_is_not_audited() {
        let text = V1.replace("version = \"3.1.9\"", "version = \"not-a-version!!\"");
        let parsed = parse_document(&Document::new(&text, "poetry.lock")).unwrap();
        let werkzeug = &parsed.dependencies[1];
        assert_eq!(werkzeug.version, None);
        assert!(!werkzeug.is_auditable());
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, Some(16));
        assert!(parsed.errors[0].message.contains("not-a-version!!"), "{:?}", parsed.errors);
        assert!(parse(&text, "poetry.lock").is_err());
    }

    #[test]
    fn entries_keep_their_place_and_hashes() {
        let text = V1.replace("flask = []", "flask = [\n    {file = \"flask.whl\", hash = \"sha256:abcd\"},\n]");
        let deps = parse(&text, "poetry.lock").unwrap();
        let flask = &deps[0];
        assert_eq!(&text[flask.version_span.unwrap().range()], "2.2.5");
        assert!(text[flask.span.unwrap().range()].starts_with("[[package]]\nname = \"flask\""));
        assert_eq!(flask.hashes[0].digest, "abcd");
    }

    #[test]
    fn future_lock_version_is_named() {
        let text = "[metadata]\nlock-version = \"3.0\"\n";
        let err = parse(text, "poetry.lock").unwrap_err();
        assert!(err.message.contains("3.0"), "{err}");
        assert!(err.message.contains("2.x"), "{err}");
        assert_eq!(err.line, Some(2));
    }
}
