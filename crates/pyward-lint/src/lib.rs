//! Static analysis of Python source: Bandit's checks with Bandit's ids, and
//! pyward's own (`PW`). The only crate that parses Python.
//!
//! [`check_paths`] walks folders in parallel, parses each file once with
//! Ruff's parser and runs every enabled rule in a single pass over its
//! AST. Files that do not parse become [`ScanError`]s and the scan carries
//! on. It never runs, imports or follows (symbolic links) anything it
//! examines.
//!
//! A taint analysis (`taint`, on the semantic layer of `semantic`) follows
//! untrusted data across functions and modules: the data-flow rules
//! (PW701-PW715) report where it reaches a sink, and in the default
//! [`Profile::Precise`] the Bandit checks whose danger depends on data are
//! dropped when only constants reach them and reported with the path when
//! untrusted data does. [`Profile::Bandit`] reproduces Bandit exactly.
//!
//! How to write a rule: `ENGINE.md` beside this crate's `Cargo.toml`;
//! what the profiles and the data-flow rules do: its `README.md`.

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
mod run;
mod semantic;
pub mod settings;
pub mod suppress;
mod taint;
mod walk;

pub use checker::{Checker, DataDependence, Issue};
pub use imports::{ImportKind, ImportedModule, QualifiedName};
pub use registry::{Check, Rule, all_rules, rule, rule_docs};
pub use settings::{BanditConfig, CodeConfig, Profile, Settings, SettingsError, bandit_config};
pub use taint::{SinkClass, TaintConfig};

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
///
/// Two phases: every file is parsed, walked and analysed on its own (in
/// parallel), then the data-flow pass over the whole tree decides the
/// findings that depend on where values come from (reading again the few
/// files whose functions it still needs).
pub fn check_paths(paths: &[PathBuf], root: &Path, settings: &Settings) -> LintOutcome {
    let (files, mut errors) = walk::python_files(paths, root, settings);
    let project = taint::project::ProjectIndex::new(
        files.iter().map(|f| (f.relative.clone(), f.path.clone())),
    );
    let results: Vec<Result<run::FileOutcome, ScanError>> = files
        .par_iter()
        .enumerate()
        .map(|(index, file)| match std::fs::read(&file.path) {
            Ok(bytes) => decode(&file.relative, &bytes).and_then(|source| {
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                lint_file(&file.relative, source, settings, &project, index)
            }),
            Err(err) => Err(ScanError {
                path: file.relative.clone(),
                line: None,
                message: format!("cannot read: {err}"),
            }),
        })
        .collect();
    let mut outcome = LintOutcome::default();
    let mut facts = Vec::new();
    for (index, result) in results.into_iter().enumerate() {
        match result {
            Ok(file) => {
                outcome.files_checked += 1;
                outcome.findings.extend(file.findings);
                if let Some(file_facts) = file.facts {
                    facts.push((u32::try_from(index).unwrap_or(u32::MAX), file_facts));
                }
            }
            Err(error) => errors.push(error),
        }
    }
    let mut reread = run::TreeReread {
        project: &project,
        settings,
    };
    outcome
        .findings
        .extend(run::finish(facts, &project, settings, &mut reread));
    run::sort(&mut outcome.findings);
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
    check_source(path, decode(path, bytes)?, settings)
}

/// A file's text from its bytes: UTF-8 with an optional BOM.
pub(crate) fn decode<'b>(path: &str, bytes: &'b [u8]) -> Result<&'b str, ScanError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|err| {
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
    })
}

/// Checks one file's text. `path` is what findings show. The data-flow
/// analysis sees this file alone: calls into other modules are unknown.
pub fn check_source(
    path: &str,
    source: &str,
    settings: &Settings,
) -> Result<Vec<Finding>, ScanError> {
    let project = taint::project::ProjectIndex::new([(path.to_string(), PathBuf::from(path))]);
    let outcome = lint_file(path, source, settings, &project, 0)?;
    let mut findings = outcome.findings;
    let facts: Vec<_> = outcome.facts.into_iter().map(|f| (0, f)).collect();
    let mut reread = run::SourceReread {
        source,
        project: &project,
        settings,
    };
    findings.extend(run::finish(facts, &project, settings, &mut reread));
    run::sort(&mut findings);
    Ok(findings)
}

/// Parses, walks and analyses one file (index `file` of `project`).
fn lint_file(
    path: &str,
    source: &str,
    settings: &Settings,
    project: &taint::project::ProjectIndex,
    file: u32,
) -> Result<run::FileOutcome, ScanError> {
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
            if let Some(comment) = suppress::parse_suppression(text) {
                let line = u32::try_from(line_index.line_index(token.start()).get()).unwrap_or(0);
                nosec.insert(line, comment);
            }
        }
    }
    let module_name = project
        .files
        .get(file as usize)
        .map_or("", |f| f.module.as_str());
    let checker = Checker::new(
        source,
        path,
        &line_index,
        settings,
        &nosec,
        project,
        module_name,
    );
    let walked = checker.run(parsed.syntax());
    Ok(run::analyze(
        walked,
        source,
        &line_index,
        parsed.syntax(),
        settings,
        project,
        file,
    ))
}
