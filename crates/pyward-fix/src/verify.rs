//! Parsing an edited file back before it replaces the original: the
//! inventory must read the same dependencies in the same order, each moved
//! pin at its new version and everything else as it was (names, versions,
//! requirements, markers, groups, hashes, the graph's annotations), and
//! the same entries it could not read. Line numbers may shift (a removed
//! `--hash` line) and are not compared.

use std::str::FromStr;

use pep440_rs::Version;
use pyward_inventory::Document;
use pyward_model::Dependency;

use crate::edit::FileChange;

/// Why an edited text may not replace the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the edited file no longer parses: {0}")]
    DoesNotParse(String),
    #[error("the edited file states {after} dependencies where it stated {before}")]
    Count { before: usize, after: usize },
    #[error("`{package}` reads as {found} after the edit, not {expected}")]
    NotMoved {
        package: String,
        found: String,
        expected: String,
    },
    #[error("the edit changed the {what} of `{package}`, which pyward did not mean to change")]
    Changed { package: String, what: &'static str },
    #[error("the edited file has other unreadable entries than before: {0}")]
    Errors(String),
}

/// Checks that `change.after` says what `change.before` said, but for the
/// moved pins.
pub fn verify(change: &FileChange) -> Result<(), VerifyError> {
    let parsed = pyward_inventory::parse_document(
        change.format,
        &Document::new(&change.after, &change.source),
    )
    .map_err(|e| VerifyError::DoesNotParse(e.to_string()))?;
    let before_errors: Vec<&str> = change
        .original_errors
        .iter()
        .map(|e| e.message.as_str())
        .collect();
    let after_errors: Vec<&str> = parsed.errors.iter().map(|e| e.message.as_str()).collect();
    if before_errors != after_errors {
        let new = parsed
            .errors
            .iter()
            .find(|e| !before_errors.contains(&e.message.as_str()))
            .map_or_else(
                || "an entry is no longer reported".to_string(),
                ToString::to_string,
            );
        return Err(VerifyError::Errors(new));
    }
    if parsed.dependencies.len() != change.original.len() {
        return Err(VerifyError::Count {
            before: change.original.len(),
            after: parsed.dependencies.len(),
        });
    }
    for (index, (before, after)) in change.original.iter().zip(&parsed.dependencies).enumerate() {
        let changed = |what| VerifyError::Changed {
            package: before.name.to_string(),
            what,
        };
        if before.name != after.name {
            return Err(changed("name"));
        }
        if before.kind != after.kind {
            return Err(changed("kind"));
        }
        if before.markers != after.markers {
            return Err(changed("markers"));
        }
        if before.groups != after.groups {
            return Err(changed("groups"));
        }
        if before.direct != after.direct || before.via != after.via {
            return Err(changed("place in the graph"));
        }
        match change.expected.iter().find(|(i, _, _)| *i == index) {
            Some((_, target, hashes_removed)) => {
                let found = after.version.as_deref().unwrap_or("no pinned version");
                if Version::from_str(found.trim()).ok().as_ref() != Some(target) {
                    return Err(VerifyError::NotMoved {
                        package: before.name.to_string(),
                        found: found.to_string(),
                        expected: target.to_string(),
                    });
                }
                let hashes_kept = !hashes_removed && before.hashes == after.hashes;
                if !(hashes_kept || (*hashes_removed && after.hashes.is_empty())) {
                    return Err(changed("hashes"));
                }
            }
            None => unchanged(before, after).map_err(changed)?,
        }
    }
    Ok(())
}

/// A dependency `fix` did not move reads exactly as before.
fn unchanged(before: &Dependency, after: &Dependency) -> Result<(), &'static str> {
    if before.version != after.version {
        return Err("version");
    }
    if before.requirement != after.requirement {
        return Err("requirement");
    }
    if before.hashes != after.hashes {
        return Err("hashes");
    }
    if before.environment != after.environment {
        return Err("environment");
    }
    Ok(())
}
