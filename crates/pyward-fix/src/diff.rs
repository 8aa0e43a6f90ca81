//! `--dry-run`: each change as a unified diff, as `git diff` prints one
//! (`a/` and `b/` prefixes, three lines of context), so that `git apply`
//! or `patch -p1` applies it.

use crate::edit::FileChange;

/// The unified diff of one change, the file named `name` in its header:
/// the path relative to where the diff is to be applied.
pub fn unified_diff(change: &FileChange, name: &str) -> String {
    let diff = similar::TextDiff::from_lines(&change.before, &change.after);
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
