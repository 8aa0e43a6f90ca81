//! Conda `environment.yml`: the conda packages under `dependencies:` are
//! listed as [`DependencyKind::NonPython`] (no Python advisory database
//! covers conda builds, so they are never audited), and the `pip:`
//! subsection is read as requirements-file lines (PEP 508, `-e`, URLs;
//! `-r FILE` becomes a note).

use pyward_model::{Dependency, DependencyKind};
use serde_yaml_ng::Value;

use super::Manifest;
use crate::ParseError;
use crate::format::{Document, FormatSpec, NamePattern, Parsed};
use crate::nesting::{Syntax, check_brackets};
use crate::requirements::{IncludeKind, parse_text};

/// The registry's entry for conda's `environment.yml`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "environment.yml",
    display_name: "environment.yml",
    found_as: &[
        NamePattern::Exact("environment.yml"),
        NamePattern::Exact("environment.yaml"),
    ],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: None,
};

/// The dependencies `text` (an `environment.yml`) states; `source` goes
/// into each [`Dependency::source`]. A bad `pip:` line fails the whole
/// text.
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_with_notes(text, source).map(|manifest| manifest.dependencies)
}

/// [`parse`], plus notes on `-r`/`-c` files the `pip:` section names and
/// entries that are neither a package nor a `pip:` list.
pub fn parse_with_notes(text: &str, source: &str) -> Result<Manifest, ParseError> {
    read(text, source)?.into_strict()
}

/// Everything an `environment.yml` states; a `pip:` line that does not
/// parse is left out and reported.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    read(document.text, document.source).map(Manifest::into_parsed)
}

fn read(text: &str, source: &str) -> Result<Manifest, ParseError> {
    // libyaml is slow on deeply nested flow collections, and the value
    // tree is recursive.
    check_brackets(text, Syntax::Yaml)?;
    let root: Value = serde_yaml_ng::from_str(text).map_err(|error| {
        let message = format!("YAML syntax error: {}", first_sentence(&error.to_string()));
        match error.location() {
            Some(location) => {
                ParseError::at_line(u32::try_from(location.line()).unwrap_or(u32::MAX), message)
            }
            None => ParseError::new(message),
        }
    })?;
    let mut manifest = Manifest::default();
    let Some(entries) = root.get("dependencies") else {
        return Ok(manifest);
    };
    let Some(entries) = entries.as_sequence() else {
        return Err(match find_key_line(text, "dependencies") {
            Some(line) => ParseError::at_line(line, "`dependencies` must be a list"),
            None => ParseError::new("`dependencies` must be a list"),
        });
    };
    let mut finder = LineFinder::new(text);
    for entry in entries {
        if let Some(spec) = scalar(entry) {
            let line = finder.find(&spec);
            manifest
                .dependencies
                .push(conda_package(&spec, source, line));
            continue;
        }
        let pip = entry.as_mapping().and_then(|m| m.get("pip"));
        let Some(pip) = pip else {
            manifest.notes.push(format!(
                "{source}: skipped a `dependencies` entry that is neither a package nor `pip:`"
            ));
            continue;
        };
        let Some(lines) = pip.as_sequence() else {
            return Err(match finder.find_key("pip") {
                Some(line) => ParseError::at_line(line, "`pip:` must be a list"),
                None => ParseError::new("`pip:` must be a list"),
            });
        };
        finder.find_key("pip");
        read_pip_section(lines, source, &mut finder, &mut manifest)?;
    }
    Ok(manifest)
}

/// The `pip:` lines, parsed as a requirements file whose lines sit where
/// they are in the YAML file (so every dependency and error has its line).
fn read_pip_section(
    lines: &[Value],
    source: &str,
    finder: &mut LineFinder<'_>,
    manifest: &mut Manifest,
) -> Result<(), ParseError> {
    let mut placed: Vec<(u32, String)> = Vec::new();
    for value in lines {
        let Some(line_text) = scalar(value) else {
            manifest.notes.push(format!(
                "{source}: skipped a `pip:` entry that is not a string"
            ));
            continue;
        };
        let line = finder
            .find(&line_text)
            .unwrap_or_else(|| placed.last().map_or(1, |(l, _)| l + 1));
        placed.push((line, line_text));
    }
    let mut text = String::new();
    let mut current = 1;
    for (line, line_text) in &placed {
        while current < *line {
            text.push('\n');
            current += 1;
        }
        // One entry per line, whatever the YAML did with it.
        text.push_str(&line_text.replace('\n', " "));
        text.push('\n');
        current += 1;
    }
    let parsed = parse_text(&text, source, None);
    manifest.errors.extend(parsed.errors);
    manifest.notes.extend(parsed.notes);
    for mut dependency in parsed.dependencies {
        dependency.groups = vec!["main".to_string()];
        // Placed in the text rebuilt above, not in the YAML file.
        dependency.span = None;
        dependency.version_span = None;
        manifest.dependencies.push(dependency);
    }
    for include in parsed.includes {
        let what = match include.kind {
            IncludeKind::Requirements => "requirements",
            IncludeKind::Constraints => "constraints",
        };
        manifest.notes.push(format!(
            "{source}:{}: the `pip:` section reads {what} from {}: audit that file",
            include.line, include.target
        ));
    }
    Ok(())
}

/// A string, number or boolean entry as text (`- 3` is a YAML number).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A conda match spec (`numpy=1.26`, `conda-forge::numpy==1.26.4`,
/// `numpy 1.26.4 py311h_0`, `python>=3.11`), listed and never audited.
fn conda_package(spec: &str, source: &str, line: Option<u32>) -> Dependency {
    let trimmed = spec.trim();
    // `channel::name` or `channel/subdir::name`.
    let without_channel = trimmed.rsplit_once("::").map_or(trimmed, |(_, rest)| rest);
    let name_end = without_channel
        .find(|c: char| c.is_whitespace() || "=<>!~[".contains(c))
        .unwrap_or(without_channel.len());
    let name = &without_channel[..name_end];
    let constraint = without_channel[name_end..].trim();
    let version = exact_conda_version(constraint);
    let mut dependency = Dependency::new(name, version.as_deref(), source);
    dependency.line = line;
    dependency.kind = DependencyKind::NonPython;
    dependency.requirement = Some(trimmed.to_string());
    dependency
}

/// The version a conda constraint fixes exactly: `==1.2`, `=1.2=build`
/// (as `conda env export` writes), `1.2 build`; `=1.2` means `1.2.*`.
fn exact_conda_version(constraint: &str) -> Option<String> {
    let plain = |v: &str| {
        (!v.is_empty()
            && !v.contains(['*', ',', '|', '<', '>', '!', '~', '='])
            && v.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| v.to_string())
    };
    if let Some(rest) = constraint.strip_prefix("==") {
        return plain(rest.split_whitespace().next().unwrap_or_default());
    }
    if let Some(rest) = constraint.strip_prefix('=') {
        let mut parts = rest.splitn(2, '=');
        let version = parts.next().unwrap_or_default();
        return parts.next().and_then(|_| plain(version));
    }
    let mut words = constraint.split_whitespace();
    match (words.next(), words.next()) {
        (Some(version), Some(_build)) => plain(version),
        _ => None,
    }
}

fn first_sentence(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// The line of a top-level `key:`.
fn find_key_line(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// How many lines past the last entry found the next one is looked for.
const SEARCH_WINDOW: usize = 200;

/// Finds the lines of list entries, in file order: YAML values carry no
/// positions, but entries come in the order they are written.
struct LineFinder<'a> {
    lines: Vec<&'a str>,
    next: usize,
}

impl<'a> LineFinder<'a> {
    fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        // Entries are under `dependencies:`; start the search there.
        let next = lines
            .iter()
            .position(|l| l.starts_with("dependencies"))
            .unwrap_or(0);
        Self { lines, next }
    }

    /// The next line at or after the cursor holding `- entry`.
    fn find(&mut self, entry: &str) -> Option<u32> {
        let entry = entry.trim();
        // Entries are a few lines apart at most; a bounded window keeps a
        // file whose entries cannot be found (flow style) linear.
        let end = self.lines.len().min(self.next + SEARCH_WINDOW);
        let found = (self.next..end).find(|&i| {
            let Some(item) = self.lines[i].trim_start().strip_prefix('-') else {
                return false;
            };
            let item = item.split(" #").next().unwrap_or(item).trim();
            let unquoted = item
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| item.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                .unwrap_or(item);
            unquoted == entry
        })?;
        self.next = found + 1;
        u32::try_from(found + 1).ok()
    }

    /// The next line at or after the cursor holding `- key:`.
    fn find_key(&mut self, key: &str) -> Option<u32> {
        let end = self.lines.len().min(self.next + SEARCH_WINDOW);
        let found = (self.next..end).find(|&i| {
            self.lines[i]
                .trim_start()
                .strip_prefix('-')
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix(key))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })?;
        self.next = found + 1;
        u32::try_from(found + 1).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::test_support::{fixtures, render_manifest, snapshot};

    #[test]
    fn fixtures_match_snapshots() {
        let mut seen = 0;
        for (name, text) in fixtures("conda") {
            if name.starts_with("error_") {
                continue;
            }
            let manifest = parse_with_notes(&text, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!manifest.dependencies.is_empty(), "{name}: nothing read");
            snapshot(&format!("conda__{name}"), &render_manifest(&manifest));
            seen += 1;
        }
        assert!(seen >= 2, "only {seen} fixtures");
    }

    #[test]
    fn errors_name_the_line() {
        let mut seen = 0;
        for (name, text) in fixtures("conda") {
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
    fn conda_specs() {
        let cases = [
            ("numpy", "numpy", None),
            ("numpy=1.26", "numpy", None),
            ("numpy==1.26.4", "numpy", Some("1.26.4")),
            ("numpy=1.26.4=py311h64a7726_0", "numpy", Some("1.26.4")),
            (
                "conda-forge::numpy=1.26.4=py311h64a7726_0",
                "numpy",
                Some("1.26.4"),
            ),
            ("numpy 1.26.4 py311h64a7726_0", "numpy", Some("1.26.4")),
            ("python>=3.11", "python", None),
            ("libgcc-ng=13.2.0=h77fa898_7", "libgcc-ng", Some("13.2.0")),
            ("pytorch::pytorch[version='>=2']", "pytorch", None),
            ("numpy=1.26.*=py311*", "numpy", None),
        ];
        for (spec, name, version) in cases {
            let d = conda_package(spec, "environment.yml", None);
            assert_eq!(d.name.as_str(), name, "{spec}");
            assert_eq!(d.version.as_deref(), version, "{spec}");
            assert_eq!(d.kind, DependencyKind::NonPython, "{spec}");
            assert!(!d.is_auditable(), "{spec}");
        }
    }

    #[test]
    fn pip_section_is_requirements() {
        let text = "name: x\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - requests==2.31.0\n    - \"rich>=13 ; python_version >= '3.8'\"\n    - -r requirements-extra.txt\n    - -e ./mylib\n";
        let manifest = parse_with_notes(text, "environment.yml").unwrap();
        let deps = &manifest.dependencies;
        assert_eq!(deps.len(), 5, "{deps:?}");
        assert_eq!(deps[2].name.as_str(), "requests");
        assert_eq!(deps[2].version.as_deref(), Some("2.31.0"));
        assert_eq!(deps[2].kind, DependencyKind::Registry);
        assert_eq!(deps[2].line, Some(6));
        assert_eq!(deps[3].markers.as_deref(), Some("python_version >= '3.8'"));
        assert_eq!(deps[3].line, Some(7));
        assert_eq!(deps[4].kind, DependencyKind::Path);
        assert_eq!(manifest.notes.len(), 1);
        assert!(
            manifest.notes[0].contains("environment.yml:8"),
            "{:?}",
            manifest.notes
        );
        assert!(manifest.notes[0].contains("requirements-extra.txt"));
    }

    #[test]
    fn no_dependencies_is_empty() {
        assert!(
            parse("name: empty\nchannels: [defaults]\n", "e.yml")
                .unwrap()
                .is_empty()
        );
        assert!(parse("", "e.yml").unwrap().is_empty());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse(&text, "environment.yml");
        }

        #[test]
        fn never_panics_on_yamlish_text(
            text in "(dependencies:\n|  - [a-z:=<>.0-9 *\\[\\]']{0,12}\n|  - pip:\n|    - [a-z=<>.0-9 ;'\\-]{0,12}\n|[a-z]{1,5}: [a-z\\[\\]{},]{0,6}\n){0,10}"
        ) {
            let _ = parse(&text, "environment.yml");
        }
    }
}
