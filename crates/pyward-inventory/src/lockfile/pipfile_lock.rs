//! `Pipfile.lock` (pipenv; `_meta.pipfile-spec` up to 6).
//!
//! `default` is the group `main`, `develop` is `dev`, and any other
//! category pipenv writes keeps its name. The lock records no graph: every
//! package counts as direct unless the Pipfile's requirements are given to
//! [`parse_with_roots`], and `via` stays empty.

use std::collections::{BTreeMap, HashSet};

use pyward_model::{Dependency, DependencyEdge, DependencyKind, FileHash, PackageName, PackageRef, Span};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::graph::any_of;
use super::{Root, checked_version, json_error, line_of, line_of_key, strip_pin};
use crate::ParseError;
use crate::format::{Document, FormatSpec, LockSpec, NamePattern, Parsed};
use crate::nesting::{Syntax, check_brackets};

/// The registry's entry for `Pipfile.lock`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "Pipfile.lock",
    display_name: "Pipfile.lock",
    found_as: &[NamePattern::Exact("Pipfile.lock")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: Some(LockSpec {
        locks: &[&crate::manifest::pipfile::FORMAT],
        roots_from: Some((&crate::manifest::pipfile::FORMAT, "Pipfile")),
    }),
};

const NEWEST_SPEC: u64 = 6;

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    version: Option<&'a RawValue>,
    markers: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    path: Option<String>,
    file: Option<String>,
    #[serde(default)]
    hashes: Vec<String>,
}

/// The dependencies of a `Pipfile.lock`; an entry error fails the whole
/// text (see [`parse_document`] for the rest of the file).
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_document(&Document::new(text, source))?.into_strict()
}

/// As [`parse`], with the Pipfile's requirements deciding which packages
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

/// Where `part` (a slice of `text`) starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// Everything a `Pipfile.lock` states: its packages, each with its place
/// (the entry's object, and the version after its `==`) and hashes. The
/// lock records no graph beyond the project's direct requirements.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    let (text, source) = (document.text, document.source);
    check_brackets(text, Syntax::Json)?;
    let top: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(|error| {
        // Raw values are skipped over, not read, so their errors say less
        // than a full parse does ("trailing comma").
        let full = serde_json::from_str::<serde_json::Value>(text).err();
        json_error(full.as_ref().unwrap_or(&error))
    })?;
    let meta: Option<serde_json::Value> = top
        .get("_meta")
        .and_then(|raw| serde_json::from_str(raw.get()).ok());
    check_spec(text, meta.as_ref())?;

    let direct: Option<HashSet<&PackageName>> =
        document.roots.map(|r| r.iter().map(|r| &r.name).collect());
    let mut out: Vec<Dependency> = Vec::new();
    let mut errors: Vec<ParseError> = Vec::new();
    // (name, version) -> index in `out`, to merge a package locked in
    // several categories, and the markers seen for it per category.
    let mut seen: BTreeMap<(PackageName, Option<String>), usize> = BTreeMap::new();
    let mut markers: Vec<Vec<Option<String>>> = Vec::new();
    // `default` and `develop` first, then other categories by name.
    let mut categories: Vec<(&String, &&RawValue)> =
        top.iter().filter(|(key, _)| !key.starts_with('_')).collect();
    categories.sort_by_key(|(key, _)| match key.as_str() {
        "default" => 0,
        "develop" => 1,
        _ => 2,
    });
    for (category, raw) in categories {
        let group = match category.as_str() {
            "default" => "main",
            "develop" => "dev",
            other => other,
        };
        let Ok(packages) = serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()) else {
            let message = format!("`{category}` is not a table of packages");
            return Err(ParseError::at(line_of_key(text, category), message));
        };
        for (name, raw) in packages {
            let at = offset_in(text, raw.get());
            // Counted only for an error: it costs a pass over the text.
            let line = || line_of(text, at);
            let entry: Entry<'_> = match serde_json::from_str(raw.get()) {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push(ParseError::at_line(
                        line(),
                        format!("package `{name}` in `{category}`: {}", json_error(&e).message),
                    ));
                    continue;
                }
            };
            let (version, version_span) = match entry.version {
                None => (None, None),
                Some(raw_version) => match serde_json::from_str::<String>(raw_version.get()) {
                    Ok(written) => {
                        let pinned = strip_pin(&written).to_string();
                        let span = (!raw_version.get().contains('\\'))
                            .then(|| {
                                let start = offset_in(text, raw_version.get()) + 1;
                                written
                                    .find(&pinned)
                                    .map(|i| Span::new(start + i, start + i + pinned.len()))
                            })
                            .flatten();
                        (Some(pinned), span)
                    }
                    Err(_) => {
                        errors.push(ParseError::at_line(
                        line(),
                            format!("package `{name}` in `{category}`: `version` must be a string"),
                        ));
                        continue;
                    }
                },
            };
            let version = version.filter(|v| !v.is_empty() && v != "*");
            let key = (PackageName::new(&name), version.clone());
            if let Some(&index) = seen.get(&key) {
                out[index].groups.push(group.to_string());
                markers[index].push(entry.markers.clone());
                continue;
            }
            let mut dependency = Dependency::new(&name, version.as_deref(), source);
            dependency.groups = vec![group.to_string()];
            dependency.span = Some(Span::new(at, at + raw.get().len()));
            dependency.version_span = version_span.filter(|_| dependency.version.is_some());
            dependency.hashes = entry
                .hashes
                .iter()
                .filter_map(|h| h.split_once(':'))
                .map(|(algorithm, digest)| FileHash {
                    algorithm: algorithm.to_ascii_lowercase(),
                    digest: digest.to_ascii_lowercase(),
                })
                .collect();
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
            checked_version(&mut dependency, text, &mut errors);
            seen.insert(key, out.len());
            out.push(dependency);
            markers.push(vec![entry.markers]);
        }
    }
    for (dependency, markers) in out.iter_mut().zip(markers) {
        dependency.markers = any_of(markers.iter().map(Option::as_deref));
        super::graph::sort_groups(&mut dependency.groups);
    }
    let graph = out
        .iter()
        .filter(|d| d.direct)
        .map(|d| DependencyEdge {
            source: source.to_string(),
            from: None,
            to: PackageRef {
                name: d.name.clone(),
                version: d.version.clone(),
            },
        })
        .collect();
    Ok(Parsed {
        dependencies: out,
        graph,
        errors,
        ..Parsed::default()
    })
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
    fn entries_keep_their_place_and_hashes() {
        let text = LOCK.replace(
            "\"six\": {\"version\": \"==1.16.0\"},",
            "\"six\": {\"version\": \"==1.16.0\", \"hashes\": [\"sha256:ABCD\"]},",
        );
        let deps = parse(&text, "Pipfile.lock").unwrap();
        let six = deps.iter().find(|d| d.name.as_str() == "six").unwrap();
        assert_eq!(&text[six.version_span.unwrap().range()], "1.16.0");
        assert!(text[six.span.unwrap().range()].starts_with("{\"version\""));
        assert_eq!(six.hashes[0].digest, "abcd");
    }

    #[test]
    fn a_bad_entry_is_skipped_and_reported() {
        let text = LOCK.replacen(
            "\"six\": {\"version\": \"==1.16.0\"},",
            "\"six\": {\"version\": 3},",
            1,
        );
        let parsed = parse_document(&Document::new(&text, "Pipfile.lock")).unwrap();
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, Some(5));
        assert!(parsed.dependencies.iter().any(|d| d.name.as_str() == "flask"));
    }

    #[test]
    fn json_error_has_line() {
        let err = parse("{\n\"_meta\": {,\n}", "Pipfile.lock").unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }
}
