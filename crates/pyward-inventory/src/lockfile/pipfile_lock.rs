//! `Pipfile.lock` (pipenv; `_meta.pipfile-spec` up to 6).
//!
//! `default` is the group `main`, `develop` is `dev`, and any other
//! category pipenv writes keeps its name. The lock records no graph: every
//! package counts as direct unless the Pipfile's requirements are given to
//! [`parse_with_roots`], and `via` stays empty.

use std::collections::{BTreeMap, HashSet};

use pyward_model::{Dependency, DependencyKind, PackageName};
use serde::Deserialize;

use super::graph::any_of;
use super::{Root, json_error, line_of_key, strip_pin};
use crate::ParseError;

const NEWEST_SPEC: u64 = 6;

#[derive(Deserialize)]
struct Entry {
    version: Option<String>,
    markers: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    path: Option<String>,
    file: Option<String>,
}

pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_inner(text, source, None)
}

/// As [`parse`], with the Pipfile's requirements deciding which packages
/// are direct.
pub fn parse_with_roots(
    text: &str,
    source: &str,
    roots: &[Root],
) -> Result<Vec<Dependency>, ParseError> {
    parse_inner(text, source, Some(roots))
}

fn parse_inner(
    text: &str,
    source: &str,
    roots: Option<&[Root]>,
) -> Result<Vec<Dependency>, ParseError> {
    let document: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| json_error(&e))?;
    check_spec(text, document.get("_meta"))?;

    let direct: Option<HashSet<&PackageName>> = roots.map(|r| r.iter().map(|r| &r.name).collect());
    let mut out: Vec<Dependency> = Vec::new();
    // (name, version) -> index in `out`, to merge a package locked in
    // several categories, and the markers seen for it per category.
    let mut seen: BTreeMap<(PackageName, Option<String>), usize> = BTreeMap::new();
    let mut markers: Vec<Vec<Option<String>>> = Vec::new();
    // `default` and `develop` first, then other categories by name.
    let mut categories: Vec<(&String, &serde_json::Value)> = document
        .iter()
        .filter(|(key, _)| !key.starts_with('_'))
        .collect();
    categories.sort_by_key(|(key, _)| match key.as_str() {
        "default" => 0,
        "develop" => 1,
        _ => 2,
    });
    for (category, packages) in categories {
        let group = match category.as_str() {
            "default" => "main",
            "develop" => "dev",
            other => other,
        };
        let Some(packages) = packages.as_object() else {
            let message = format!("`{category}` is not a table of packages");
            return Err(match line_of_key(text, category) {
                Some(line) => ParseError::at_line(line, message),
                None => ParseError::new(message),
            });
        };
        for (name, value) in packages {
            let entry: Entry = serde_json::from_value(value.clone()).map_err(|e| {
                let message = format!("package `{name}` in `{category}`: {e}");
                match line_of_key(text, name) {
                    Some(line) => ParseError::at_line(line, message),
                    None => ParseError::new(message),
                }
            })?;
            let version = entry.version.as_deref().map(strip_pin).map(str::to_string);
            let version = version.filter(|v| !v.is_empty() && v != "*");
            let key = (PackageName::new(name), version.clone());
            if let Some(&index) = seen.get(&key) {
                out[index].groups.push(group.to_string());
                markers[index].push(entry.markers.clone());
                continue;
            }
            let mut dependency = Dependency::new(name, version.as_deref(), source);
            dependency.groups = vec![group.to_string()];
            if let Some(git) = &entry.git {
                dependency.kind = DependencyKind::Url;
                dependency.requirement = Some(match &entry.reference {
                    Some(r) => format!("git+{git}@{r}"),
                    None => format!("git+{git}"),
                });
            } else if let Some(path) = &entry.path {
                dependency.kind = DependencyKind::Path;
                dependency.requirement = Some(path.clone());
            } else if let Some(file) = &entry.file {
                dependency.kind = if is_local(file) {
                    DependencyKind::Path
                } else {
                    DependencyKind::Url
                };
                dependency.requirement = Some(file.clone());
            }
            dependency.direct = direct.as_ref().is_none_or(|d| d.contains(&dependency.name));
            seen.insert(key, out.len());
            out.push(dependency);
            markers.push(vec![entry.markers]);
        }
    }
    for (dependency, markers) in out.iter_mut().zip(markers) {
        dependency.markers = any_of(markers.iter().map(Option::as_deref));
        super::graph::sort_groups(&mut dependency.groups);
    }
    Ok(out)
}

/// Whether a `file` entry names a local archive rather than a URL.
fn is_local(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.starts_with("file:") || !lower.contains("://")
}

fn check_spec(text: &str, meta: Option<&serde_json::Value>) -> Result<(), ParseError> {
    let spec = meta.and_then(|m| m.get("pipfile-spec"));
    let supported = format!("pyward reads pipfile-spec 1 to {NEWEST_SPEC}");
    let found = match spec {
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(v) if (1..=NEWEST_SPEC).contains(&v) => return Ok(()),
            _ => n.to_string(),
        },
        Some(other) => other.to_string(),
        None => {
            return Err(ParseError::new(format!(
                "Pipfile.lock has no `_meta.pipfile-spec`; {supported}"
            )));
        }
    };
    let message = format!("Pipfile.lock pipfile-spec {found} is not supported; {supported}");
    Err(match line_of_key(text, "pipfile-spec") {
        Some(line) => ParseError::at_line(line, message),
        None => ParseError::new(message),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
    "_meta": {"pipfile-spec": 6, "hash": {"sha256": "x"}},
    "default": {
        "flask": {"version": "==2.2.5", "markers": "python_version >= '3.7'"},
        "six": {"version": "==1.16.0"},
        "mylib": {"git": "https://github.com/x/mylib.git", "ref": "abc"}
    },
    "develop": {
        "six": {"version": "==1.16.0"},
        "pytest": {"version": "==8.0.0"}
    }
}"#;

    #[test]
    fn merges_categories() {
        let deps = parse(LOCK, "Pipfile.lock").unwrap();
        assert_eq!(deps.len(), 4);
        let six = deps.iter().find(|d| d.name.as_str() == "six").unwrap();
        assert_eq!(six.groups, vec!["main", "dev"]);
        let flask = deps.iter().find(|d| d.name.as_str() == "flask").unwrap();
        assert_eq!(flask.version.as_deref(), Some("2.2.5"));
        assert_eq!(flask.markers.as_deref(), Some("python_version >= '3.7'"));
        let mylib = deps.iter().find(|d| d.name.as_str() == "mylib").unwrap();
        assert_eq!(mylib.kind, DependencyKind::Url);
        assert_eq!(mylib.version, None);
    }

    #[test]
    fn future_spec_is_named() {
        let err = parse(
            r#"{"_meta": {"pipfile-spec": 7}, "default": {}}"#,
            "Pipfile.lock",
        )
        .unwrap_err();
        assert!(err.message.contains("pipfile-spec 7"), "{err}");
        assert!(err.message.contains("1 to 6"), "{err}");
    }

    #[test]
    fn json_error_has_line() {
        let err = parse("{\n\"_meta\": {,\n}", "Pipfile.lock").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }
}
