//! `Pipfile` (pipenv): `[packages]` (group `main`), `[dev-packages]` (group
//! `dev`) and custom package categories (`[docs]`: group `docs`). Values
//! are `"*"`, a version specifier (`"==1.0"`, `">=2"`), or a table with
//! `version`, `extras`, `markers`, marker fields (`sys_platform = "==
//! 'win32'"`), `git`/`ref`, `path`, `file` and `editable`.

use std::str::FromStr;

use pep440_rs::VersionSpecifiers;
use pyward_model::{Dependency, DependencyKind, PackageName};
use toml_edit::{Item, TableLike};

use super::Manifest;
use super::pep508::{self, and_markers};
use super::pyproject::{constraint_span, poetry_version_strings};
use super::toml_doc::TomlDoc;
use crate::ParseError;
use crate::format::{Document, FormatSpec, NamePattern, Parsed};

/// The registry's entry for `Pipfile`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "Pipfile",
    display_name: "Pipfile",
    found_as: &[NamePattern::Exact("Pipfile")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: None,
};

/// Top-level tables that are not package categories.
const NOT_CATEGORIES: &[&str] = &["source", "requires", "pipenv", "scripts"];

/// Table keys pipenv turns into `key value` markers.
const MARKER_FIELDS: &[&str] = &[
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
];

/// The dependencies `text` (a `Pipfile`) states; `source` goes into each
/// [`Dependency::source`].
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_with_notes(text, source).map(|manifest| manifest.dependencies)
}

/// [`parse`], plus notes on entries of a shape pipenv does not document.
/// A bad entry fails the whole text.
pub fn parse_with_notes(text: &str, source: &str) -> Result<Manifest, ParseError> {
    read(text, source)?.into_strict()
}

/// Everything a `Pipfile` states; an entry that does not parse is left out
/// and reported, the rest of the file is read.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    read(document.text, document.source).map(Manifest::into_parsed)
}

fn read(text: &str, source: &str) -> Result<Manifest, ParseError> {
    let doc = TomlDoc::parse(text)?;
    let mut manifest = Manifest::default();
    for (category, item) in doc.doc.as_table().iter() {
        if NOT_CATEGORIES.contains(&category) {
            continue;
        }
        let Some(table) = item.as_table_like() else {
            continue;
        };
        let group = match category {
            "packages" => "main".to_string(),
            "dev-packages" => "dev".to_string(),
            other => PackageName::new(other).as_str().to_string(),
        };
        for (name, value) in table.iter() {
            let line = doc.key_line(table, name);
            match entry(name, value, source, &group, line) {
                Ok(Some(mut dependency)) => {
                    dependency.span = doc.entry_span(table, name);
                    if let Some(Some((start, constraint))) =
                        poetry_version_strings(&doc, value).first()
                    {
                        dependency.version_span =
                            constraint_span(constraint, *start, dependency.version.is_some());
                    }
                    manifest.dependencies.push(dependency);
                }
                Ok(None) => manifest.notes.push(format!(
                    "{source}:{}: skipped `{name}` in [{category}]: not a version string or table",
                    line.unwrap_or(0)
                )),
                Err(message) => manifest.errors.push(ParseError::at(line, message)),
            }
        }
    }
    Ok(manifest)
}

/// One `name = value` of a category; `Ok(None)` for a value of unknown
/// shape.
fn entry(
    name: &str,
    value: &Item,
    source: &str,
    group: &str,
    line: Option<u32>,
) -> Result<Option<Dependency>, String> {
    if let Some(version) = value.as_str() {
        return registry(name, version, &[], Vec::new(), source, group, line).map(Some);
    }
    let Some(table) = value.as_table_like() else {
        return Ok(None);
    };
    table_entry(name, table, source, group, line).map(Some)
}

fn table_entry(
    name: &str,
    table: &dyn TableLike,
    source: &str,
    group: &str,
    line: Option<u32>,
) -> Result<Dependency, String> {
    let get = |key: &str| -> Result<Option<&str>, String> {
        match table.get(key) {
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(Some)
                .ok_or_else(|| format!("`{name}`: `{key}` must be a string")),
        }
    };
    let extras: Vec<String> = match table.get("extras") {
        None => Vec::new(),
        Some(item) => item
            .as_array()
            .ok_or_else(|| format!("`{name}`: `extras` must be a list"))?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{name}`: `extras` must hold strings"))
            })
            .collect::<Result<_, _>>()?,
    };
    let mut markers = Vec::new();
    if let Some(marker) = get("markers")? {
        markers.push(marker.to_string());
    }
    for field in MARKER_FIELDS {
        if let Some(condition) = get(field)? {
            markers.push(format!("{field} {}", condition.trim()));
        }
    }
    if let Some(marker) = and_markers(&markers) {
        pep508::parse_marker(&marker).map_err(|e| {
            format!(
                "`{name}`: invalid markers `{}`: {}",
                crate::excerpt::excerpt(&marker),
                first_line(&e)
            )
        })?;
    }
    let extras_text = if extras.is_empty() {
        String::new()
    } else {
        format!("[{}]", extras.join(","))
    };
    let editable = table.get("editable").and_then(Item::as_bool) == Some(true);
    let prefix = if editable { "-e " } else { "" };

    let direct = if let Some(git) = get("git")? {
        let prefix_git = if git.starts_with("git+") { "" } else { "git+" };
        let mut text = format!("{prefix}{name}{extras_text} @ {prefix_git}{git}");
        if let Some(reference) = get("ref")? {
            text.push('@');
            text.push_str(reference);
        }
        if let Some(subdirectory) = get("subdirectory")? {
            text.push_str("#subdirectory=");
            text.push_str(subdirectory);
        }
        Some((DependencyKind::Url, text))
    } else if let Some(path) = get("path")? {
        Some((
            DependencyKind::Path,
            format!("{prefix}{name}{extras_text} @ {path}"),
        ))
    } else if let Some(file) = get("file")? {
        let kind = if pep508::is_local_reference(file) {
            DependencyKind::Path
        } else {
            DependencyKind::Url
        };
        Some((kind, format!("{prefix}{name}{extras_text} @ {file}")))
    } else {
        None
    };
    if let Some((kind, requirement)) = direct {
        let mut dependency = Dependency::new(name, None, source);
        dependency.line = line;
        dependency.groups = vec![group.to_string()];
        dependency.markers = and_markers(&markers);
        dependency.kind = kind;
        dependency.requirement = Some(requirement);
        return Ok(dependency);
    }
    let version = get("version")?.unwrap_or("*");
    registry(name, version, &extras, markers, source, group, line)
}

fn first_line(message: &str) -> &str {
    message
        .lines()
        .next()
        .unwrap_or(message)
        .trim_end_matches(':')
        .trim_start_matches("Failed to parse version: ")
}

/// A package from an index, with pipenv's version string (`"*"`,
/// `"==1.0"`, `">=1,<2"`).
fn registry(
    name: &str,
    version: &str,
    extras: &[String],
    markers: Vec<String>,
    source: &str,
    group: &str,
    line: Option<u32>,
) -> Result<Dependency, String> {
    let version = version.trim();
    let specifier = match version {
        "" | "*" => String::new(),
        // pipenv writes a bare version as an exact pin.
        v if v.starts_with(|c: char| c.is_ascii_digit()) => format!("=={v}"),
        v => v.to_string(),
    };
    let specifiers = VersionSpecifiers::from_str(&specifier).map_err(|e| {
        format!(
            "`{name}`: invalid version `{}`: {}",
            crate::excerpt::excerpt(version),
            first_line(&e.to_string())
        )
    })?;
    let pinned = pep508::pinned_version(&specifiers);
    let mut dependency = Dependency::new(name, pinned.as_deref(), source);
    dependency.line = line;
    dependency.groups = vec![group.to_string()];
    dependency.markers = and_markers(&markers);
    if pinned.is_none() {
        let extras_text = if extras.is_empty() {
            String::new()
        } else {
            format!("[{}]", extras.join(","))
        };
        dependency.requirement = Some(format!("{name}{extras_text}{specifier}"));
    }
    Ok(dependency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::test_support::{fixtures, render_manifest, snapshot};

    #[test]
    fn fixtures_match_snapshots() {
        let mut seen = 0;
        for (name, text) in fixtures("pipfile") {
            if name.starts_with("error_") {
                continue;
            }
            let manifest = parse_with_notes(&text, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!manifest.dependencies.is_empty(), "{name}: nothing read");
            snapshot(&format!("pipfile__{name}"), &render_manifest(&manifest));
            seen += 1;
        }
        assert!(seen >= 2, "only {seen} fixtures");
    }

    #[test]
    fn errors_name_the_line() {
        let mut seen = 0;
        for (name, text) in fixtures("pipfile") {
            if !name.starts_with("error_") {
                continue;
            }
            let error = parse(&text, &name).expect_err(&name);
            assert!(error.line.is_some(), "{name}: {error}");
            seen += 1;
        }
        assert!(seen >= 2);
    }

    #[test]
    fn shapes() {
        let text = r#"
[packages]
requests = "==2.31.0"
flask = "*"
django = {version = "==4.2.7", extras = ["argon2"]}
pywinusb = {version = "*", sys_platform = "== 'win32'"}
gunicorn = {version = ">=21", markers = "os_name == 'posix'", platform_machine = "!= 'arm64'"}
records = {git = "https://github.com/kennethreitz/records.git", ref = "v0.5.0", editable = true}
mylib = {path = "./mylib", editable = true}
bare = "1.0"

[dev-packages]
pytest = ">=8"
"#;
        let deps = parse(text, "Pipfile").unwrap();
        let get = |n: &str| deps.iter().find(|d| d.name.as_str() == n).unwrap();
        assert_eq!(get("requests").version.as_deref(), Some("2.31.0"));
        assert_eq!(get("requests").line, Some(3));
        assert_eq!(get("flask").version, None);
        assert_eq!(get("django").version.as_deref(), Some("4.2.7"));
        assert_eq!(
            get("pywinusb").markers.as_deref(),
            Some("sys_platform == 'win32'")
        );
        assert_eq!(
            get("gunicorn").markers.as_deref(),
            Some("os_name == 'posix' and platform_machine != 'arm64'")
        );
        assert_eq!(get("records").kind, DependencyKind::Url);
        assert_eq!(
            get("records").requirement.as_deref(),
            Some("-e records @ git+https://github.com/kennethreitz/records.git@v0.5.0")
        );
        assert_eq!(get("mylib").kind, DependencyKind::Path);
        assert_eq!(get("bare").version.as_deref(), Some("1.0"));
        assert_eq!(get("pytest").groups, ["dev"]);
    }

    #[test]
    fn unknown_shapes_are_notes() {
        let manifest = parse_with_notes("[packages]\nodd = 3\nok = \"*\"\n", "Pipfile").unwrap();
        assert_eq!(manifest.dependencies.len(), 1);
        assert_eq!(manifest.notes.len(), 1);
        assert!(manifest.notes[0].contains("`odd`"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse(&text, "Pipfile");
        }

        #[test]
        fn never_panics_on_pipfile_like_text(
            text in "(\\[(packages|dev-packages|docs)\\]\n|[a-z]{1,5} = (\"[a-z^~=<>.0-9 *']{0,8}\"|\\{ ?[a-z_]{1,12} = \"[a-z0-9=<>!' .]{0,8}\" ?\\})\n){0,8}"
        ) {
            let _ = parse(&text, "Pipfile");
        }
    }
}
