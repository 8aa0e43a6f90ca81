//! `setup.cfg`: `[options] install_requires` (group `main`) and
//! `[options.extras_require]` (one group per extra), read the way
//! setuptools reads them with Python's `configparser`. `setup.py` is never
//! run: what it computes is invisible here.

use pyward_model::{Dependency, PackageName};

use super::{Manifest, pep508};
use crate::ParseError;
use crate::format::{Document, FormatSpec, NamePattern, Parsed};

/// The registry's entry for `setup.cfg`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "setup.cfg",
    display_name: "setup.cfg",
    found_as: &[NamePattern::Exact("setup.cfg")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: None,
};

/// The dependencies `text` (a `setup.cfg`) states; `source` goes into each
/// [`Dependency::source`]. A bad requirement fails the whole text.
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_with_notes(text, source).map(|manifest| manifest.dependencies)
}

/// [`parse`], plus notes on `file:` directives (read by setuptools from
/// another file, which pyward audits only if it is scanned too).
pub fn parse_with_notes(text: &str, source: &str) -> Result<Manifest, ParseError> {
    read(text, source)?.into_strict()
}

/// Everything a `setup.cfg` states; a requirement that does not parse is
/// left out and reported, the rest of the file is read.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    read(document.text, document.source).map(Manifest::into_parsed)
}

fn read(text: &str, source: &str) -> Result<Manifest, ParseError> {
    let config = Config::parse(text)?;
    let mut manifest = Manifest::default();
    if let Some(value) = config.get("options", "install_requires") {
        read_requirements(value, source, "main", &mut manifest)?;
    }
    for (key, value) in config.section("options.extras_require") {
        let group = PackageName::new(key).as_str().to_string();
        read_requirements(value, source, &group, &mut manifest)?;
    }
    Ok(manifest)
}

/// One option's value: its lines, each with its 1-based line number and
/// the byte its text starts at in the file.
#[derive(Debug, Default)]
struct Value {
    lines: Vec<(u32, usize, String)>,
    /// Whether the value starts on the `option =` line; one that starts
    /// on the next line is multi-line even with a single line.
    on_option_line: bool,
}

/// setuptools' `_parse_requirements_list`: a multi-line value has one
/// requirement per line; a one-line value is a `;`-separated list.
fn read_requirements(
    value: &Value,
    source: &str,
    group: &str,
    manifest: &mut Manifest,
) -> Result<(), ParseError> {
    let multi_line = value.lines.len() > 1 || !value.on_option_line;
    if let Some((line, _, first)) = value.lines.first()
        && let Some(files) = first.trim().strip_prefix("file:")
    {
        manifest.notes.push(format!(
            "{source}:{line}: group `{group}` is read from {}: audit that file",
            files.trim()
        ));
        return Ok(());
    }
    for (line, offset, text) in &value.lines {
        let chunks: Vec<&str> = if multi_line {
            vec![text.as_str()]
        } else {
            text.split(';').collect()
        };
        for chunk in chunks {
            let at = offset + (chunk.as_ptr() as usize - text.as_ptr() as usize);
            let trimmed = chunk.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            match pep508::dependency(trimmed, source, group, Some(*line)) {
                Ok(mut dependency) => {
                    pep508::place(&mut dependency, chunk, at);
                    manifest.dependencies.push(dependency);
                }
                Err(m) if multi_line => manifest.errors.push(ParseError::at_line(*line, m)),
                // A one-line value is split at `;`, so markers must go on
                // their own line: say so, as setuptools warns.
                Err(m) => manifest.errors.push(ParseError::at_line(
                    *line,
                    format!(
                        "{m} (a one-line value is a `;`-separated list: put each \
                         requirement with markers on its own line)"
                    ),
                )),
            }
        }
    }
    Ok(())
}

/// The sections and options of an INI file, as Python's `configparser`
/// (the parser setuptools uses) reads them.
#[derive(Debug, Default)]
struct Config {
    /// (section name, [(option name lowercased, value)]) in file order.
    sections: Vec<(String, Vec<(String, Value)>)>,
}

impl Config {
    fn parse(text: &str) -> Result<Self, ParseError> {
        let mut config = Config::default();
        // Indentation of the option line whose value continues.
        let mut option_indent: Option<usize> = None;
        let mut next_start = 0usize;
        for (index, physical) in text.split_inclusive('\n').enumerate() {
            let line_start = next_start;
            next_start += physical.len();
            let raw = physical.trim_end_matches(['\n', '\r']);
            let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let raw = if index == 0 {
                raw.trim_start_matches('\u{feff}')
            } else {
                raw
            };
            let stripped = raw.trim();
            let stripped_at = line_start + (stripped.as_ptr() as usize - physical.as_ptr() as usize);
            if stripped.starts_with('#') || stripped.starts_with(';') {
                continue;
            }
            let indent = raw.len() - raw.trim_start().len();
            if stripped.is_empty() {
                // configparser keeps blank lines inside values; they are
                // dropped when the list is split, so only the end matters.
                continue;
            }
            if let Some(option_level) = option_indent
                && indent > option_level
                && let Some(value) = config.last_value_mut()
            {
                value.lines.push((line_no, stripped_at, stripped.to_string()));
                continue;
            }
            if stripped.starts_with('[') && stripped.ends_with(']') && stripped.len() > 2 {
                let name = stripped[1..stripped.len() - 1].to_string();
                config.sections.push((name, Vec::new()));
                option_indent = None;
                continue;
            }
            let Some((_, options)) = config.sections.last_mut() else {
                return Err(ParseError::at_line(
                    line_no,
                    "text before the first `[section]` header",
                ));
            };
            let delimiter = stripped.find(['=', ':']).ok_or_else(|| {
                ParseError::at_line(
                    line_no,
                    format!(
                        "`{stripped}` is neither a `[section]`, an `option = value` nor a comment"
                    ),
                )
            })?;
            let key = stripped[..delimiter].trim().to_lowercase();
            let first = stripped[delimiter + 1..].trim();
            let first_at = stripped_at + (first.as_ptr() as usize - stripped.as_ptr() as usize);
            let mut value = Value::default();
            if !first.is_empty() {
                value.lines.push((line_no, first_at, first.to_string()));
                value.on_option_line = true;
            }
            options.push((key, value));
            option_indent = Some(indent);
        }
        Ok(config)
    }

    fn last_value_mut(&mut self) -> Option<&mut Value> {
        self.sections
            .last_mut()
            .and_then(|(_, options)| options.last_mut())
            .map(|(_, value)| value)
    }

    /// The options of every section named `name`, later ones overriding.
    fn section<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.sections
            .iter()
            .filter(move |(section, _)| section == name)
            .flat_map(|(_, options)| options.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// An option's value; setuptools also accepts the dashed spelling
    /// (`install-requires`).
    fn get<'a>(&'a self, section: &'a str, key: &str) -> Option<&'a Value> {
        let dashed = key.replace('_', "-");
        self.section(section)
            .filter(|(k, _)| *k == key || *k == dashed)
            .map(|(_, v)| v)
            .last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::test_support::{fixtures, render_manifest, snapshot};

    #[test]
    fn fixtures_match_snapshots() {
        let mut seen = 0;
        for (name, text) in fixtures("setup_cfg") {
            if name.starts_with("error_") {
                continue;
            }
            let manifest = parse_with_notes(&text, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!manifest.dependencies.is_empty(), "{name}: nothing read");
            snapshot(&format!("setup_cfg__{name}"), &render_manifest(&manifest));
            seen += 1;
        }
        assert!(seen >= 3, "only {seen} fixtures");
    }

    #[test]
    fn multi_line_values_keep_markers() {
        let text = "[options]\ninstall_requires =\n    requests>=2\n    # pinned for py37\n    \
                    importlib-metadata==6.7.0; python_version < \"3.8\"\n\n    click\n";
        let deps = parse(text, "setup.cfg").unwrap();
        let names: Vec<_> = deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["requests", "importlib-metadata", "click"]);
        assert_eq!(deps[1].version.as_deref(), Some("6.7.0"));
        assert_eq!(deps[1].markers.as_deref(), Some("python_version < \"3.8\""));
        assert_eq!(deps[1].line, Some(5));
        assert_eq!(deps[2].line, Some(7));
    }

    #[test]
    fn a_value_on_the_next_line_is_multi_line() {
        // As PyScaffold writes it: one requirement with a marker.
        let deps = parse(
            "[options]\ninstall_requires =\n    importlib-metadata; python_version<\"3.8\"\n",
            "s",
        )
        .unwrap();
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].markers.as_deref(), Some("python_version<\"3.8\""));
    }

    #[test]
    fn one_line_values_split_at_semicolons() {
        let deps = parse(
            "[options]\ninstall_requires = requests; click==8.1.7\n",
            "s",
        )
        .unwrap();
        assert_eq!(deps.len(), 2);
        assert_eq!(deps[1].version.as_deref(), Some("8.1.7"));
        let error = parse(
            "[options]\ninstall_requires = tomli; python_version<'3.11'\n",
            "s",
        )
        .unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("own line"), "{error}");
    }

    #[test]
    fn extras_are_groups() {
        let text = "[options.extras_require]\nPostgres = psycopg2-binary>=2.9\ntest =\n  pytest\n  \
                    pytest-cov\n";
        let deps = parse(text, "s").unwrap();
        assert_eq!(deps[0].groups, ["postgres"]);
        assert_eq!(deps[2].groups, ["test"]);
        assert_eq!(deps[2].line, Some(5));
    }

    #[test]
    fn file_directives_are_notes() {
        let manifest =
            parse_with_notes("[options]\ninstall_requires = file: requirements.in\n", "s").unwrap();
        assert!(manifest.dependencies.is_empty());
        assert_eq!(manifest.notes.len(), 1);
        assert!(manifest.notes[0].contains("requirements.in"));
    }

    #[test]
    fn errors_name_the_line() {
        for (name, text) in fixtures("setup_cfg") {
            if !name.starts_with("error_") {
                continue;
            }
            let error = parse(&text, &name).expect_err(&name);
            assert!(error.line.is_some(), "{name}: {error}");
        }
        let error = parse("[metadata]\nname = x\n  [oops\nnot an option\n", "s");
        // `[oops` is a continuation of `name`; `not an option` has no `=`.
        assert_eq!(error.unwrap_err().line, Some(4));
        assert_eq!(parse("stray = 1\n", "s").unwrap_err().line, Some(1));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse(&text, "s");
        }

        #[test]
        fn never_panics_on_inilike_text(
            text in "(\\[options(\\.extras_require)?\\]\n|[a-z_]{1,16} ?[=:] ?[a-z0-9=<>.;'\" ]{0,16}\n|  +[a-z0-9=<>.;'\"\\[\\] ]{0,16}\n|[#;][^\n]{0,5}\n){0,10}"
        ) {
            let _ = parse(&text, "s");
        }
    }
}
