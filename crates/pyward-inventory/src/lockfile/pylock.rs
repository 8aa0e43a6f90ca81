//! `pylock.toml` / `pylock.NAME.toml` (PEP 751, `lock-version` 1.x), as
//! written by `pip lock` and `uv export --format pylock.toml`.
//!
//! Groups come from the markers PEP 751 uses for them (`'dev' in
//! dependency_groups`, `'socks' in extras`); a package without such a
//! marker is `main`. The graph comes from the optional `dependencies` of
//! each package; without it every package counts as direct unless the
//! manifest's requirements are given to [`parse_with_roots`]. The project
//! itself (a `directory` package at `.`) is not a dependency.

use pyward_model::{Dependency, DependencyKind, PackageName};
use serde::Deserialize;

use super::entries::Prepared;
use super::graph::{LockGraph, MarkerMode, Node, sort_groups};
use super::{Root, checked_version, line_of_key, read_toml};
use crate::ParseError;
use crate::format::{Document, FormatSpec, LockSpec, NamePattern, Parsed};

/// The registry's entry for `pylock.toml` and `pylock.NAME.toml`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "pylock.toml",
    display_name: "pylock.toml",
    found_as: &[
        NamePattern::Exact("pylock.toml"),
        NamePattern::Middle {
            prefix: "pylock.",
            suffix: ".toml",
        },
    ],
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

#[derive(Deserialize)]
struct Pylock {
    #[serde(rename = "lock-version")]
    lock_version: Option<toml::Value>,
    #[serde(default)]
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
    marker: Option<String>,
    #[serde(default)]
    dependencies: Vec<PackageRef>,
    vcs: Option<Vcs>,
    directory: Option<Local>,
    archive: Option<Archive>,
}

#[derive(Deserialize)]
struct PackageRef {
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
struct Vcs {
    url: Option<String>,
    path: Option<String>,
    #[serde(rename = "commit-id")]
    commit_id: Option<String>,
}

#[derive(Deserialize)]
struct Local {
    path: Option<String>,
}

#[derive(Deserialize)]
struct Archive {
    url: Option<String>,
    path: Option<String>,
}

#[derive(Deserialize)]
struct VersionOnly {
    #[serde(rename = "lock-version")]
    lock_version: Option<toml::Value>,
}

/// The dependencies of a `pylock.toml`; an entry error fails the whole
/// text (see [`parse_document`] for the rest of the file).
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_document(&Document::new(text, source))?.into_strict()
}

/// As [`parse`], with the project's requirements deciding which packages
/// are direct.
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

/// Everything a `pylock.toml` states: its packages (each with its place
/// and hashes) and its graph.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    let text = document.text;
    let (lock, mut prepared) = read_toml::<Pylock>(text, "[[packages]]", |text| {
        match toml::from_str::<VersionOnly>(text) {
            Ok(only) => check_version(text, only.lock_version.as_ref()),
            Err(_) => Ok(()),
        }
    })?;
    check_version(text, lock.lock_version.as_ref())?;
    Ok(build(lock, document, &mut prepared))
}

fn check_version(text: &str, version: Option<&toml::Value>) -> Result<(), ParseError> {
    let Some(value) = version else {
        return Err(ParseError::new(
            "pylock.toml has no `lock-version`; pyward reads lock-version 1.x",
        ));
    };
    let raw = match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if raw.split('.').next().map(str::trim) == Some("1") {
        return Ok(());
    }
    let message =
        format!("pylock.toml lock-version {raw} is not supported; pyward reads lock-version 1.x");
    Err(match line_of_key(text, "lock-version") {
        Some(line) => ParseError::at_line(line, message),
        None => ParseError::new(message),
    })
}

/// The names in `'NAME' in extras` / `'NAME' in dependency_groups` terms of
/// a marker.
fn groups_in_marker(marker: &str) -> Vec<String> {
    let mut groups = Vec::new();
    for keyword in [" in extras", " in dependency_groups"] {
        let mut rest = marker;
        while let Some(at) = rest.find(keyword) {
            let before = rest[..at].trim_end();
            if let Some(quote) = before.chars().last().filter(|c| matches!(c, '\'' | '"')) {
                let inner = &before[..before.len() - 1];
                if let Some(start) = inner.rfind(quote) {
                    groups.push(inner[start + 1..].to_string());
                }
            }
            rest = &rest[at + keyword.len()..];
        }
    }
    groups
}

fn build(lock: Pylock, document: &Document<'_>, prepared: &mut Prepared<'_>) -> Parsed {
    let source = document.source;
    let roots = document.roots.unwrap_or_default();
    let mut errors = Vec::new();
    let count = lock.packages.len();
    let mut graph = LockGraph::default();
    let mut kept: Vec<(usize, &Package)> = Vec::new();
    for (position, package) in lock.packages.iter().enumerate() {
        let is_project = package.version.is_none()
            && package
                .directory
                .as_ref()
                .and_then(|d| d.path.as_deref())
                .is_some_and(|p| matches!(p.trim_end_matches('/'), "." | ""));
        if is_project {
            continue;
        }
        let mut dependency = Dependency::new(&package.name, package.version.as_deref(), source);
        if let Some(vcs) = &package.vcs {
            dependency.kind = DependencyKind::Url;
            let url = vcs.url.as_deref().or(vcs.path.as_deref()).unwrap_or("");
            dependency.requirement = Some(match &vcs.commit_id {
                Some(commit) => format!("{url}@{commit}"),
                None => url.to_string(),
            });
            if vcs.url.is_none() {
                dependency.kind = DependencyKind::Path;
            }
        } else if let Some(directory) = &package.directory {
            dependency.kind = DependencyKind::Path;
            dependency.requirement = directory.path.clone();
        } else if let Some(archive) = &package.archive {
            if let Some(url) = &archive.url {
                dependency.kind = DependencyKind::Url;
                dependency.requirement = Some(url.clone());
            } else {
                dependency.kind = DependencyKind::Path;
                dependency.requirement = archive.path.clone();
            }
        }
        let mut groups = package
            .marker
            .as_deref()
            .map(groups_in_marker)
            .unwrap_or_default();
        if groups.is_empty() {
            groups.push("main".to_string());
        }
        sort_groups(&mut groups);
        prepared.place(position, count, &mut dependency);
        checked_version(&mut dependency, document.text, &mut errors);
        let index = graph.add_node(Node {
            dependency,
            recorded_groups: groups,
            recorded_marker: package.marker.clone(),
        });
        kept.push((index, package));
    }
    for (from, package) in kept {
        for reference in &package.dependencies {
            let Some(name) = &reference.name else {
                continue;
            };
            let name = PackageName::new(name);
            let targets: Vec<usize> = graph
                .named(&name)
                .iter()
                .copied()
                .filter(|&i| {
                    reference.version.is_none()
                        || graph.nodes[i].dependency.version == reference.version
                })
                .collect();
            for to in targets {
                graph.add_edge(from, to, None);
            }
        }
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

    #[test]
    fn groups_come_from_markers() {
        assert_eq!(
            groups_in_marker("'dev' in dependency_groups and python_version < '3.10'"),
            vec!["dev"]
        );
        assert_eq!(
            groups_in_marker("\"socks\" in extras or 'web' in extras"),
            vec!["socks", "web"]
        );
        assert!(groups_in_marker("sys_platform == 'win32'").is_empty());
    }

    #[test]
    fn graph_from_dependencies() {
        let text = r#"
lock-version = "1.0"
created-by = "test"

[[packages]]
name = "flask"
version = "3.0.0"
dependencies = [{ name = "werkzeug" }]

[[packages]]
name = "werkzeug"
version = "3.0.1"

[[packages]]
name = "app"
directory = { path = "." }
"#;
        let deps = parse(text, "pylock.toml").unwrap();
        assert_eq!(deps.len(), 2);
        assert!(deps[0].direct);
        assert!(!deps[1].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("flask")]);
    }

    #[test]
    fn major_version_two_is_refused() {
        let err = parse("lock-version = \"2.0\"\n", "pylock.toml").unwrap_err();
        assert!(
            err.message.contains("2.0") && err.message.contains("1.x"),
            "{err}"
        );
        assert_eq!(err.line, Some(1));
    }
}
