//! Which files get checked: `.py`, `.pyw` and `.pyi` files, and scripts without
//! an extension whose first line is a Python shebang, found under the
//! given paths by `pyward-fs`'s walker. `.gitignore` (of the tree and its
//! repository) and `exclude` are respected; version-control and cache
//! folders are skipped; symbolic links inside the tree are never followed.

use std::path::{Path, PathBuf};

use pyward_fs::Walker;
use pyward_model::ScanError;

use crate::settings::Settings;

/// Version-control and cache folders, as Bandit and Ruff skip them.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    "CVS",
    "__pycache__",
    ".tox",
    ".nox",
    ".eggs",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// One file to check, with its path as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SourceFile {
    /// Relative to the root, `/`-separated.
    pub(crate) relative: String,
    pub(crate) path: PathBuf,
}

/// Every file to check under `paths` (files given by name are checked
/// whatever their extension), sorted, without duplicates; and the paths
/// that could not be read.
pub(crate) fn python_files(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
) -> (Vec<SourceFile>, Vec<ScanError>) {
    python_files_in(paths, settings, Walker::new(root).skip_dirs(SKIPPED_DIRS))
}

/// [`python_files`], also leaving out folders named `more_skipped` and
/// every virtual or conda environment, whatever its name: the first-party
/// code alone.
pub(crate) fn python_files_skipping(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
    more_skipped: &[&str],
) -> (Vec<SourceFile>, Vec<ScanError>) {
    let names: Vec<&str> = SKIPPED_DIRS.iter().chain(more_skipped).copied().collect();
    let walker = Walker::new(root)
        .skip_dirs(&names)
        .skip_dir_if(|path| path.join("pyvenv.cfg").is_file() || path.join("conda-meta").is_dir());
    python_files_in(paths, settings, walker)
}

fn python_files_in(
    paths: &[PathBuf],
    settings: &Settings,
    walker: Walker,
) -> (Vec<SourceFile>, Vec<ScanError>) {
    let mut walker = walker.filter(|path, _| is_python(path));
    if !settings.exclude.is_empty() {
        let exclude = settings.exclude.clone();
        // Excluded folders are not walked at all.
        walker = walker.exclude(move |relative, _| exclude.matches(relative));
    }
    let walk = walker.walk(paths);
    let files = walk
        .files
        .into_iter()
        .map(|file| SourceFile {
            relative: file.relative,
            path: file.path,
        })
        .collect();
    let mut errors: Vec<ScanError> = walk
        .errors
        .into_iter()
        .map(|error| ScanError {
            path: error.relative,
            line: error.line.and_then(|line| u32::try_from(line).ok()),
            message: error.message,
        })
        .collect();
    // A named link out of the tree is not followed: the file it names is
    // not checked, which the user must hear.
    errors.extend(walk.skipped.into_iter().filter_map(|skipped| {
        matches!(skipped.reason, pyward_fs::SkipReason::LinkOutOfTree).then(|| ScanError {
            path: skipped.relative,
            line: None,
            message: "a symbolic link out of the scanned tree; not followed".to_string(),
        })
    }));
    (files, errors)
}

/// `.py`, `.pyi`, or no extension and a `#!` line that names Python.
fn is_python(path: &Path) -> bool {
    match path.extension() {
        Some(ext) => ext == "py" || ext == "pyi" || ext == "pyw",
        None => has_python_shebang(path),
    }
}

fn has_python_shebang(path: &Path) -> bool {
    let Ok(head) = pyward_fs::read_head(path, 128) else {
        return false;
    };
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    first_line.starts_with(b"#!") && first_line.windows(6).any(|w| w == b"python")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, text).unwrap();
    }

    #[test]
    fn finds_python_sources_and_scripts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.py", "x = 1\n");
        write(root, "pkg/b.pyi", "x: int\n");
        write(root, "bin/tool", "#!/usr/bin/env python3\nprint(1)\n");
        write(root, "bin/shell", "#!/bin/sh\necho\n");
        write(root, "notes.txt", "x\n");
        write(root, ".git/hooks/h.py", "x\n");
        write(root, "ignored/c.py", "x\n");
        write(root, ".gitignore", "ignored/\n");
        write(root, "tests/test_a.py", "x\n");
        let settings = Settings::from_code_config(&crate::CodeConfig {
            exclude: vec!["tests".into()],
            ..Default::default()
        })
        .unwrap();
        let (files, errors) = python_files(&[root.to_path_buf()], root, &settings);
        let names: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(names, vec!["a.py", "bin/tool", "pkg/b.pyi"]);
        assert!(errors.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.py", "x\n");
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.py", "x\n");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.py"), dir.path().join("l.py"))
            .unwrap();
        let (files, _) = python_files(
            &[dir.path().to_path_buf()],
            dir.path(),
            &Settings::default(),
        );
        let names: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(names, vec!["a.py"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_named_symlink_is_the_tree() {
        let real = tempfile::tempdir().unwrap();
        write(real.path(), "a.py", "x\n");
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("project");
        std::os::unix::fs::symlink(real.path(), &link).unwrap();
        let (files, _) = python_files(std::slice::from_ref(&link), &link, &Settings::default());
        let names: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(names, vec!["a.py"]);
    }

    #[test]
    fn missing_path_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (files, errors) =
            python_files(&[dir.path().join("nope")], dir.path(), &Settings::default());
        assert!(files.is_empty());
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "nope");
    }
}
