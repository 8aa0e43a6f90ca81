//! Which files get checked: `.py`, `.pyw` and `.pyi` files, and scripts without
//! an extension whose first line is a Python shebang, found under the
//! given paths. `.gitignore` and `--exclude` are respected; symbolic links
//! are never followed.

use std::io::Read;
use std::path::{Path, PathBuf};

use pyward_model::ScanError;

use crate::settings::Settings;

/// One file to check, with its path as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SourceFile {
    /// Relative to the root, `/`-separated.
    pub(crate) relative: String,
    pub(crate) path: PathBuf,
}

/// The path reports show: relative to `root` where it is inside it,
/// `/`-separated.
pub(crate) fn relative_path(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let mut out = String::new();
    for component in rel.components() {
        if let std::path::Component::Normal(part) = component {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&part.to_string_lossy());
        }
    }
    if out.is_empty() {
        path.to_string_lossy().replace('\\', "/")
    } else {
        out
    }
}

/// Every file to check under `paths` (files given by name are checked
/// whatever their extension), sorted, without duplicates; and the paths
/// that could not be read.
pub(crate) fn python_files(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
) -> (Vec<SourceFile>, Vec<ScanError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        // A path the user named is followed even when it is a symbolic
        // link (it is the tree to scan); links inside it never are.
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                errors.push(ScanError {
                    path: relative_path(path, root),
                    line: None,
                    message: format!("cannot read: {err}"),
                });
                continue;
            }
        };
        if meta.is_file() {
            files.push(SourceFile {
                relative: relative_path(path, root),
                path: path.clone(),
            });
            continue;
        }
        if !meta.is_dir() {
            continue;
        }
        let walk_root = root.to_path_buf();
        let prune_root = walk_root.clone();
        let exclude = settings.exclude.clone();
        let walker = ignore::WalkBuilder::new(path)
            .follow_links(false)
            .hidden(false)
            .require_git(false)
            .filter_entry(move |entry| {
                let name = entry.file_name().to_string_lossy();
                // Version-control and cache folders, as Bandit and Ruff
                // skip them.
                if entry.depth() > 0
                    && entry.file_type().is_some_and(|t| t.is_dir())
                    && matches!(
                        name.as_ref(),
                        ".git"
                            | ".hg"
                            | ".svn"
                            | ".bzr"
                            | "CVS"
                            | "__pycache__"
                            | ".tox"
                            | ".nox"
                            | ".eggs"
                            | ".mypy_cache"
                            | ".pytest_cache"
                            | ".ruff_cache"
                    )
                {
                    return false;
                }
                // Excluded folders are not walked at all.
                entry.depth() == 0
                    || exclude.is_empty()
                    || !exclude.matches(&relative_path(entry.path(), &prune_root))
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    errors.push(ScanError {
                        path: relative_path(path, root),
                        line: None,
                        message: err.to_string(),
                    });
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            if !file_type.is_file() {
                continue;
            }
            let relative = relative_path(entry.path(), &walk_root);
            if settings.is_excluded(&relative) || !is_python(entry.path()) {
                continue;
            }
            files.push(SourceFile {
                relative,
                path: entry.into_path(),
            });
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
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
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 128];
    let mut read = 0;
    let mut take = file.take(128);
    while read < head.len() {
        match take.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let head = &head[..read];
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
