//! Lockfiles: files that pin exactly what is installed (`uv.lock`,
//! `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `pylock.toml`). One module per
//! format; each has `parse(text, source) -> Result<Vec<Dependency>, ParseError>`
//! and fills in `direct` and `via` from the lock's graph.
//!
//! Locks that do not record the root project's own requirements (poetry,
//! pdm, Pipfile.lock, pylock) take the packages nothing else requires as
//! direct; their `parse_with_roots` takes the requirements from the
//! manifest beside the lock instead, which is exact.

mod fast_toml;
pub(crate) mod graph;
pub mod pdm_lock;
pub mod pipfile_lock;
pub mod poetry_lock;
pub mod pylock;
pub mod uv_lock;

use std::borrow::Cow;

use pyward_model::{Dependency, PackageName};

use crate::ParseError;

/// A requirement of the project that owns a lockfile, from its manifest:
/// what makes a locked package direct, and in which group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub name: PackageName,
    /// `main`, `dev`, an extra's or a dependency group's name.
    pub group: String,
    pub marker: Option<String>,
}

impl Root {
    /// One root per group of a dependency read from a manifest.
    pub fn from_dependency(dependency: &Dependency) -> Vec<Root> {
        let groups: Vec<&str> = if dependency.groups.is_empty() {
            vec!["main"]
        } else {
            dependency.groups.iter().map(String::as_str).collect()
        };
        groups
            .into_iter()
            .map(|group| Root {
                name: dependency.name.clone(),
                group: group.to_string(),
                marker: dependency.markers.clone(),
            })
            .collect()
    }
}

/// A lockfile reader.
pub type LockParser = fn(&str, &str) -> Result<Vec<Dependency>, ParseError>;

/// The reader for a lockfile, chosen by its file name (`uv.lock`,
/// `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `pylock.toml`,
/// `pylock.NAME.toml`).
pub fn parser_for(file_name: &str) -> Option<LockParser> {
    match file_name {
        "uv.lock" => Some(uv_lock::parse),
        "poetry.lock" => Some(poetry_lock::parse),
        "Pipfile.lock" => Some(pipfile_lock::parse),
        "pdm.lock" => Some(pdm_lock::parse),
        name if name == "pylock.toml"
            || (name.starts_with("pylock.") && name.ends_with(".toml")) =>
        {
            Some(pylock::parse)
        }
        _ => None,
    }
}

/// `text` with the lines that list a lock's distribution files (uv's
/// `sdist`/`wheels`, poetry's and pdm's `files`, poetry 1.x's
/// `[metadata.files]`, pylock's `[[packages.wheels]]` and
/// `[packages.sdist]`) made empty, when they have the shape the tools
/// write. They are most of a lockfile (nine tenths of a `uv.lock`) and no
/// reader looks at them, so the TOML parser is spared them; line numbers
/// stay as they were. Any line of those lists that does not look as
/// expected leaves the whole text untouched, so the parser still sees (and
/// reports) whatever is malformed.
pub(crate) fn without_file_lists(text: &str) -> Cow<'_, str> {
    #[derive(PartialEq)]
    enum State {
        Normal,
        /// A multi-line `[...]` list of inline tables.
        InlineList,
        /// Poetry 1.x's `[metadata.files]` section.
        MetadataFiles,
        /// A pylock `[[packages.wheels]]` / `[packages.sdist]` table.
        FileTable,
    }
    let mut out = String::with_capacity(text.len() / 4);
    let mut state = State::Normal;
    let mut blanked = 0usize;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        let keep = match state {
            State::Normal => {
                if !content.starts_with([' ', '\t']) && is_single_line_file_list(trimmed) {
                    false
                } else if matches!(content, "wheels = [" | "files = [") {
                    state = State::InlineList;
                    false
                } else if content == "[metadata.files]" {
                    state = State::MetadataFiles;
                    false
                } else if is_pylock_file_header(content) {
                    state = State::FileTable;
                    false
                } else {
                    true
                }
            }
            State::InlineList => {
                if content == "]" {
                    state = State::Normal;
                } else if !is_inline_table_item(trimmed) {
                    return Cow::Borrowed(text);
                }
                false
            }
            State::MetadataFiles => {
                if content.starts_with('[') {
                    state = State::Normal;
                    true
                } else if trimmed.is_empty()
                    || trimmed == "]"
                    || trimmed.ends_with("= [")
                    || trimmed.ends_with("= []")
                    || is_inline_table_item(trimmed)
                {
                    false
                } else {
                    return Cow::Borrowed(text);
                }
            }
            State::FileTable => {
                if content.starts_with('[') {
                    if is_pylock_file_header(content) {
                        false
                    } else {
                        state = State::Normal;
                        true
                    }
                } else if trimmed.is_empty() || is_simple_key_value(trimmed) {
                    false
                } else {
                    return Cow::Borrowed(text);
                }
            }
        };
        if keep {
            out.push_str(line);
        } else {
            blanked += 1;
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if state == State::InlineList || blanked == 0 {
        return Cow::Borrowed(text);
    }
    Cow::Owned(out)
}

/// `sdist = { ... }`, `wheels = [{ ... }]`, `files = [{ ... }]` on one line.
fn is_single_line_file_list(line: &str) -> bool {
    (line.starts_with("sdist = {") && line.ends_with('}'))
        || ((line.starts_with("wheels = [{") || line.starts_with("files = [{"))
            && line.ends_with("}]"))
}

/// `{ url = "...", hash = "..." },` as one line of a list.
fn is_inline_table_item(line: &str) -> bool {
    line.starts_with('{') && (line.ends_with('}') || line.ends_with("},"))
}

fn is_pylock_file_header(line: &str) -> bool {
    matches!(
        line,
        "[[packages.wheels]]"
            | "[packages.sdist]"
            | "[packages.wheels.hashes]"
            | "[packages.sdist.hashes]"
    )
}

/// `key = value` with a value that does not open a multi-line construct.
fn is_simple_key_value(line: &str) -> bool {
    let Some((key, value)) = line.split_once(" = ") else {
        return false;
    };
    let value = value.trim();
    let opens_multi_line = value.starts_with("\"\"\"")
        || value.starts_with("'''")
        || (value.starts_with('[') && !value.ends_with(']'))
        || (value.starts_with('{') && !value.ends_with('}'));
    !key.is_empty()
        && !key.contains(['[', '{', '"', '\''])
        && !value.is_empty()
        && !opens_multi_line
}

/// A lockfile read from TOML: the distribution-file lists left out (see
/// [`without_file_lists`]), by the fast reader where it can, else by the
/// `toml` crate, whose errors carry their place.
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, toml::de::Error> {
    let text = without_file_lists(text);
    if let Some(Ok(value)) =
        fast_toml::parse(&text).map(|table| toml::Value::Table(table).try_into::<T>())
    {
        return Ok(value);
    }
    toml::from_str(&text)
}

/// A TOML error as a [`ParseError`] on the line where it starts.
pub(crate) fn toml_error(text: &str, error: &toml::de::Error) -> ParseError {
    // toml writes "what, newline, expected what": one line reads better.
    let message = error
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    match error.span() {
        Some(span) => ParseError::at_line(line_of(text, span.start), message),
        None => ParseError::new(message),
    }
}

pub(crate) fn json_error(error: &serde_json::Error) -> ParseError {
    let message = error.to_string();
    // serde_json appends " at line L column C"; the line is given apart.
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    match u32::try_from(error.line()) {
        Ok(line) if line > 0 => ParseError::at_line(line, message),
        _ => ParseError::new(message),
    }
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// 1-based line of the first line starting with `key` (for errors about a
/// field the typed parse accepted, such as an unsupported version).
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
                || line.starts_with(&format!("\"{key}\""))
        })
        .and_then(|index| u32::try_from(index + 1).ok())
}

/// The exact version of a `==1.2` / `===1.2` pin as lockfiles write it.
pub(crate) fn strip_pin(version: &str) -> &str {
    let version = version.trim();
    version
        .strip_prefix("===")
        .or_else(|| version.strip_prefix("=="))
        .unwrap_or(version)
        .trim()
}

/// Name and marker of a PEP 508 requirement string as locks embed them
/// (`Jinja2>=3.0`, `requests[socks]==2.31; python_version < "3.10"`,
/// `pkg @ https://...`): the rest of the requirement is not needed to find
/// the locked package it points at.
pub(crate) fn requirement_name_and_marker(
    requirement: &str,
) -> Option<(PackageName, Option<String>)> {
    let requirement = requirement.trim();
    let end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    let name = &requirement[..end];
    if name.is_empty() {
        return None;
    }
    // A `;` inside a URL is not a marker separator; PEP 508 wants a space
    // before it there, so look for the last `;` outside the URL part.
    let marker = match requirement.find(" @ ") {
        Some(at) => requirement[at..]
            .find("; ")
            .map(|i| &requirement[at + i + 1..]),
        None => requirement.find(';').map(|i| &requirement[i + 1..]),
    }
    .map(str::trim)
    .filter(|m| !m.is_empty())
    .map(str::to_string);
    Some((PackageName::new(name), marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_names_and_markers() {
        let (name, marker) =
            requirement_name_and_marker("importlib-metadata>=3.6.0; python_version < \"3.10\"")
                .unwrap();
        assert_eq!(name.as_str(), "importlib-metadata");
        assert_eq!(marker.as_deref(), Some("python_version < \"3.10\""));
        let (name, marker) = requirement_name_and_marker("Jinja2>=3.0").unwrap();
        assert_eq!(name.as_str(), "jinja2");
        assert_eq!(marker, None);
        let (name, _) = requirement_name_and_marker("requests[socks]==2.31").unwrap();
        assert_eq!(name.as_str(), "requests");
        assert!(requirement_name_and_marker(">=1").is_none());
    }

    #[test]
    fn parsers_are_chosen_by_name() {
        assert!(parser_for("uv.lock").is_some());
        assert!(parser_for("pylock.dev.toml").is_some());
        assert!(parser_for("pylock.toml").is_some());
        assert!(parser_for("requirements.txt").is_none());
    }

    #[test]
    fn file_lists_are_blanked_keeping_lines() {
        let text = "[[package]]\nname = \"a\"\nsdist = { url = \"x\" }\nwheels = [\n    { url = \"y\" },\n]\ndependencies = [\n    { name = \"b\" },\n]\n";
        let out = without_file_lists(text);
        assert_eq!(
            out,
            "[[package]]\nname = \"a\"\n\n\n\n\ndependencies = [\n    { name = \"b\" },\n]\n"
        );
        assert_eq!(out.lines().count(), text.lines().count());
        // A list item of an unexpected shape leaves the text to the parser.
        let odd = "wheels = [\n    { url = \"y\"\n]\n";
        assert!(matches!(without_file_lists(odd), Cow::Borrowed(_)));
        let unclosed = "wheels = [\n    { url = \"y\" },\n";
        assert!(matches!(without_file_lists(unclosed), Cow::Borrowed(_)));
    }

    #[test]
    fn real_locks_lose_their_file_lists() {
        for text in [
            include_str!("../../tests/fixtures/lockfile/uv/uv.lock"),
            include_str!("../../tests/fixtures/lockfile/poetry-2.x/poetry.lock"),
            include_str!("../../tests/fixtures/lockfile/poetry-1.1/poetry.lock"),
            include_str!("../../tests/fixtures/lockfile/pdm/pdm.lock"),
            include_str!("../../tests/fixtures/lockfile/pylock-uv/pylock.toml"),
            include_str!("../../tests/fixtures/lockfile/pylock-pip/pylock.toml"),
        ] {
            let out = without_file_lists(text);
            assert!(matches!(out, Cow::Owned(_)));
            assert!(
                out.len() * 3 < text.len(),
                "{} of {}",
                out.len(),
                text.len()
            );
            assert_eq!(out.lines().count(), text.lines().count());
        }
    }

    #[test]
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
        assert_eq!(line_of_key("x = 1\nversion = 2\n", "version"), Some(2));
    }
}
