//! From a plan to the edits of each file: the version bytes of every pin
//! the plan moves, in requirements files and manifests; a command for
//! every lockfile that pins one; and, for pins that cannot be edited where
//! they are written, why.

use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use pep440_rs::Version;
use pyward_inventory::Format;
use pyward_model::{Dependency, DependencyKind, PackageName};

use crate::hashes::rewrite_without_hashes;
use crate::lockers::LockCommand;
use crate::plan::{Plan, Upgrade};
use crate::project::{Project, ProjectFile};

/// One pin moved in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub package: PackageName,
    pub from: String,
    pub to: Version,
    /// 1-based, where the format has lines.
    pub line: Option<u32>,
    /// `--hash` options removed with it (requirements files).
    pub hashes_removed: usize,
}

/// A file's new text, not yet checked or written.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: PathBuf,
    pub source: String,
    pub format: Format,
    /// The text as read (the write refuses if the file no longer holds it).
    pub before: String,
    pub after: String,
    pub edits: Vec<Edit>,
    /// The file's dependencies as read: what the parse-back compares with.
    pub(crate) original: Vec<Dependency>,
    pub(crate) original_errors: Vec<pyward_inventory::ParseError>,
    /// For each edited dependency (its index in `original`), the version
    /// it must have after, and whether its hashes went.
    pub(crate) expected: Vec<(usize, Version, bool)>,
}

/// A pin the plan moves that is not edited where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotEdited {
    pub package: PackageName,
    pub version: String,
    pub source: String,
    pub line: Option<u32>,
    pub reason: String,
}

/// Everything a plan changes.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub files: Vec<FileChange>,
    pub locks: Vec<LockCommand>,
    pub not_edited: Vec<NotEdited>,
}

/// The changes that carry out `plan` in `project`'s files.
pub fn changes(plan: &Plan, project: &Project) -> Changes {
    let mut out = Changes::default();
    for file in &project.files {
        let moved: Vec<(usize, &Upgrade)> = file
            .dependencies
            .iter()
            .enumerate()
            .filter_map(|(i, d)| upgrade_for(plan, d).map(|u| (i, u)))
            .collect();
        if moved.is_empty() {
            continue;
        }
        if file.format.is_lockfile() {
            let mut upgrades: Vec<&Upgrade> = moved.iter().map(|(_, u)| *u).collect();
            upgrades.sort_by(|a, b| a.package.cmp(&b.package));
            upgrades.dedup_by(|a, b| a.package == b.package && a.to == b.to);
            out.locks.push(LockCommand::new(file, &upgrades));
            continue;
        }
        let mut not_edited = |dependency: &Dependency, reason: String| {
            out.not_edited.push(NotEdited {
                package: dependency.name.clone(),
                version: dependency.version.clone().unwrap_or_default(),
                source: file.source.clone(),
                line: dependency.line,
                reason,
            });
        };
        if file.is_link {
            for (i, _) in &moved {
                not_edited(
                    &file.dependencies[*i],
                    "the file is a symbolic link; pyward does not write through links (edit the file it points to)".to_string(),
                );
            }
            continue;
        }
        let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
        let mut edits = Vec::new();
        let mut expected = Vec::new();
        for (index, upgrade) in moved {
            let dependency = &file.dependencies[index];
            let Some(version_span) = dependency
                .version_span
                .filter(|span| written_version(file, span.range()) == upgrade.from_version())
            else {
                not_edited(
                    dependency,
                    format!(
                        "its version is not written in `{}` as a pin pyward can rewrite",
                        file.source
                    ),
                );
                continue;
            };
            let to = upgrade.to.to_string();
            let mut hashes_removed = 0;
            let replacement = match (file.format == Format::REQUIREMENTS, dependency.span) {
                (true, Some(span)) if !dependency.hashes.is_empty() => {
                    match rewrite_without_hashes(&file.text, span, version_span, &to) {
                        Some(rewrite) => {
                            hashes_removed = rewrite.removed;
                            (rewrite.range, rewrite.text)
                        }
                        None => {
                            not_edited(
                                dependency,
                                "its `--hash` options cannot be told apart from the requirement"
                                    .to_string(),
                            );
                            continue;
                        }
                    }
                }
                _ => (version_span.range(), to),
            };
            replacements.push(replacement);
            edits.push(Edit {
                package: dependency.name.clone(),
                from: upgrade.from.clone(),
                to: upgrade.to.clone(),
                line: dependency.line,
                hashes_removed,
            });
            expected.push((index, upgrade.to.clone(), hashes_removed > 0));
        }
        if edits.is_empty() {
            continue;
        }
        let Some(after) = apply(&file.text, replacements) else {
            for edit in &edits {
                out.not_edited.push(NotEdited {
                    package: edit.package.clone(),
                    version: edit.from.clone(),
                    source: file.source.clone(),
                    line: edit.line,
                    reason: "two edits of the file overlap".to_string(),
                });
            }
            continue;
        };
        out.files.push(FileChange {
            path: file.path.clone(),
            source: file.source.clone(),
            format: file.format,
            before: file.text.clone(),
            after,
            edits,
            original: file.dependencies.clone(),
            original_errors: file.errors.clone(),
            expected,
        });
    }
    out
}

/// The upgrade that moves `dependency`, when it is a pin the plan moves.
fn upgrade_for<'p>(plan: &'p Plan, dependency: &Dependency) -> Option<&'p Upgrade> {
    if dependency.kind != DependencyKind::Registry || dependency.environment.is_some() {
        return None;
    }
    let version = dependency.parsed_version()?;
    plan.upgrades
        .iter()
        .find(|u| u.package == dependency.name && u.from_version().as_ref() == Some(&version))
}

/// The version written at `range` of the file, when it is one.
fn written_version(file: &ProjectFile, range: Range<usize>) -> Option<Version> {
    Version::from_str(file.text.get(range)?.trim()).ok()
}

/// `text` with each range replaced; `None` when two overlap.
fn apply(text: &str, mut replacements: Vec<(Range<usize>, String)>) -> Option<String> {
    replacements.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len() + 16 * replacements.len());
    let mut at = 0;
    for (range, replacement) in replacements {
        if range.start < at || range.end > text.len() {
            return None;
        }
        out.push_str(text.get(at..range.start)?);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}
