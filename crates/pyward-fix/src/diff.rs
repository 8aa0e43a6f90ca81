//! `--dry-run`: each change as a unified diff, as `git diff` prints one
//! (`a/` and `b/` prefixes, three lines of context), so that `git apply`
//! or `patch -p1` run from the scanned folder applies it.

use crate::edit::FileChange;

/// The unified diff of one change.
pub fn unified_diff(change: &FileChange) -> String {
    let diff = similar::TextDiff::from_lines(&change.before, &change.after);
    diff.unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", change.source),
            &format!("b/{}", change.source),
        )
        .to_string()
}
