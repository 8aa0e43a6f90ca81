//! Lockfiles: files that pin exactly what is installed (`uv.lock`,
//! `poetry.lock`, `Pipfile.lock`, `pdm.lock`, `pylock.toml`). One module per
//! format, each with its registry entry (`FORMAT`), its parser
//! (`parse_document`, and `parse(text, source)` for the dependencies
//! alone), and the lock's graph turned into `direct`, `via` and
//! [`Parsed::graph`] edges.
//!
//! Locks that do not record the root project's own requirements (poetry,
//! pdm, Pipfile.lock, pylock) take the packages nothing else requires as
//! direct; given the requirements of the manifest beside the lock
//! ([`crate::Document::roots`]) they use those instead, which is exact.
//!
//! Adding a lockfile format: a module here (its `FORMAT` static and its
//! parser) and one line in the `lockfiles!` table below.

pub(crate) mod entries;
mod fast_toml;
pub(crate) mod graph;

use std::str::FromStr;

use pyward_model::{Dependency, PackageName};

use crate::excerpt::excerpt;
use crate::format::{FormatSpec, ParseError};

/// Declares the lockfile modules and the registry's list of them.
macro_rules! lockfiles {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every lockfile format, in the order discovery tries them.
        pub(crate) static LOCKFILES: &[&FormatSpec] = &[$(&$module::FORMAT),*];
    };
}

lockfiles! {
    uv_lock,
    poetry_lock,
    pipfile_lock,
    pdm_lock,
    pylock,
}

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

/// A lockfile reader: the dependencies of one lock's text alone.
pub type LockParser = fn(&str, &str) -> Result<Vec<Dependency>, ParseError>;

/// A locked version, checked to be PEP 440: a version that is not (poetry
/// writes what it is given) cannot be matched against advisories, so the
/// package is listed as not audited and the entry is an error (the scan
/// is incomplete), at the entry's line in `text` when known.
pub(crate) fn checked_version(
    dependency: &mut Dependency,
    text: &str,
    errors: &mut Vec<ParseError>,
) {
    let Some(version) = dependency.version.as_deref() else {
        return;
    };
    if pep440_rs::Version::from_str(version.trim()).is_ok() {
        return;
    }
    // Only now: finding a line costs a pass over the text.
    let line = entry_line(text, dependency);
    errors.push(ParseError::at(
        line,
        format!(
            "`{}` is locked at version `{}`, which is not a PEP 440 version; it is not audited",
            dependency.name,
            excerpt(version)
        ),
    ));
    dependency.requirement = Some(format!("{}=={}", dependency.name, excerpt(version)));
    dependency.version = None;
}

/// The line of a locked package's version (else of its entry), for
/// errors about it.
pub(crate) fn entry_line(text: &str, dependency: &Dependency) -> Option<u32> {
    dependency
        .version_span
        .or(dependency.span)
        .map(|span| line_of(text, span.start))
}

/// A TOML lockfile read: its nesting checked first (the parsers recurse),
/// then the entry pass of [`entries::prepare`] (`header` is `[[package]]`
/// or `[[packages]]`), then the fast reader where it can, else the `toml`
/// crate, whose errors carry their place. When the text does not read,
/// `version_check` may explain why better than the TOML error (a lock
/// format from the future).
pub(crate) fn read_toml<'a, T: serde::de::DeserializeOwned>(
    text: &'a str,
    header: &str,
    version_check: impl FnOnce(&str) -> Result<(), ParseError>,
) -> Result<(T, entries::Prepared<'a>), ParseError> {
    let prepared = entries::prepare(text, header);
    // The parser sees only the prepared text: the blanked file lists need
    // no check (a crafted line there is never parsed).
    crate::nesting::check_brackets(&prepared.text, crate::nesting::Syntax::Toml)?;
    if let Some(Ok(value)) =
        fast_toml::parse(&prepared.text).map(|table| toml::Value::Table(table).try_into::<T>())
    {
        return Ok((value, prepared));
    }
    match toml::from_str(&prepared.text) {
        Ok(value) => Ok((value, prepared)),
        Err(error) => {
            version_check(text)?;
            Err(toml_error(text, &error))
        }
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
    fn lines_of_offsets() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
        assert_eq!(line_of_key("x = 1\nversion = 2\n", "version"), Some(2));
    }
}
