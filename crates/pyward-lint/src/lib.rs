//! Static analysis of Python source: Bandit's checks with Bandit's ids, and
//! pyward's own (`PW`). The only crate that parses Python.
//!
//! [`check_paths`] walks folders in parallel, parses each file once with
//! Ruff's parser and runs every enabled rule in a single pass over its
//! AST. Files that do not parse become [`ScanError`]s and the scan carries
//! on. It never runs, imports or follows (symbolic links) anything it
//! examines.
//!
//! How to write a rule: `ENGINE.md` beside this crate's `Cargo.toml`.

use std::path::{Path, PathBuf};

use pyward_model::{Finding, ScanError};
use rayon::prelude::*;
use ruff_python_ast::token::TokenKind;
use ruff_source_file::LineIndex;
use ruff_text_size::Ranged;

pub mod checker;
pub mod helpers;
pub mod imports;
pub mod registry;
mod rules;
pub mod settings;
pub mod suppress;
mod semantic;
mod taint;
mod walk;

pub use checker::{Checker, Issue};
pub use imports::{ImportKind, ImportedModule, QualifiedName};
pub use registry::{Check, Rule, all_rules, rule, rule_docs};
pub use settings::{BanditConfig, CodeConfig, Settings, SettingsError, bandit_config};

/// What a run found.
#[derive(Debug, Default)]
pub struct LintOutcome {
    /// Sorted by path, line, column, id.
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed.
    pub errors: Vec<ScanError>,
    /// Files parsed and checked.
    pub files_checked: usize,
}

/// Checks every Python file under `paths`; reported paths are relative to
/// `root`.
pub fn check_paths(paths: &[PathBuf], root: &Path, settings: &Settings) -> LintOutcome {
    let (files, mut errors) = walk::python_files(paths, root, settings);
    let results: Vec<Result<Vec<Finding>, ScanError>> = files
        .par_iter()
        .map(|file| match std::fs::read(&file.path) {
            Ok(bytes) => check_bytes(&file.relative, &bytes, settings),
            Err(err) => Err(ScanError {
                path: file.relative.clone(),
                line: None,
                message: format!("cannot read: {err}"),
            }),
        })
        .collect();
    let mut outcome = LintOutcome::default();
    for result in results {
        match result {
            Ok(findings) => {
                outcome.files_checked += 1;
                outcome.findings.extend(findings);
            }
            Err(error) => errors.push(error),
        }
    }
    outcome.findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column))
        };
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    outcome.errors = errors;
    outcome
}

/// Checks one file's bytes (UTF-8, an optional BOM). `path` is what
/// findings show.
pub fn check_bytes(
    path: &str,
    bytes: &[u8],
    settings: &Settings,
) -> Result<Vec<Finding>, ScanError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let source = std::str::from_utf8(bytes).map_err(|err| {
        let line = bytes[..err.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ScanError {
            path: path.to_string(),
            line: u32::try_from(line).ok(),
            message: "not UTF-8 text".to_string(),
        }
    })?;
    check_source(path, source, settings)
}

/// Checks one file's text. `path` is what findings show.
pub fn check_source(
    path: &str,
    source: &str,
    settings: &Settings,
) -> Result<Vec<Finding>, ScanError> {
    let parsed = ruff_python_parser::parse_module(source).map_err(|err| {
        let index = LineIndex::from_source_text(source);
        let offset = err
            .range()
            .start()
            .min(ruff_text_size::TextSize::try_from(source.len()).unwrap_or_default());
        ScanError {
            path: path.to_string(),
            line: u32::try_from(index.line_index(offset).get()).ok(),
            message: format!("syntax error: {}", err.error),
        }
    })?;
    let line_index = LineIndex::from_source_text(source);
    let mut nosec = suppress::NosecLines::default();
    for token in parsed.tokens() {
        if token.kind() == TokenKind::Comment {
            let text = &source[token.range().start().to_usize()..token.range().end().to_usize()];
            if let Some(comment) = suppress::parse_nosec_comment(text) {
                let line = u32::try_from(line_index.line_index(token.start()).get()).unwrap_or(0);
                nosec.insert(line, comment);
            }
        }
    }
    let checker = Checker::new(source, path, &line_index, settings, &nosec);
    Ok(checker.run(parsed.syntax()))
}
