//! Lockfiles: files that pin exactly what is installed (`uv.lock`,
//! `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `pylock.toml`). One module per
//! format; each has `parse(text, source) -> Result<Vec<Dependency>, ParseError>`
//! and fills in `direct` and `via` from the lock's graph.
//!
//! Locks that do not record the root project's own requirements (poetry,
//! pdm, Pipfile.lock, pylock) take the packages nothing else requires as
//! direct; their `parse_with_roots` takes the requirements from the
//! manifest beside the lock instead, which is exact.

pub(crate) mod graph;
pub mod pdm_lock;
pub mod pipfile_lock;
pub mod poetry_lock;
pub mod pylock;
pub mod uv_lock;

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
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
        assert_eq!(line_of_key("x = 1\nversion = 2\n", "version"), Some(2));
    }
}
