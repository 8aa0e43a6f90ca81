//! Finding a project's dependency files: a walk of the folder that
//! respects `.gitignore`, skips virtual environments, `node_modules`,
//! version-control and build output, and never follows a symbolic link.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::format::Format;
use crate::read::{Access, MAX_FILE_BYTES, read_bytes_limited};

/// Folder names never worth entering: virtual environments, caches,
/// version control, build output.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "site-packages",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
];

/// One dependency file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub path: PathBuf,
    pub format: Format,
}

/// Whether the walk should enter this folder.
fn is_skipped_dir(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    SKIPPED_DIRS.contains(&name)
        || name.ends_with(".egg-info")
        // Any virtual environment, whatever its name.
        || path.join("pyvenv.cfg").is_file()
        // A conda environment.
        || path.join("conda-meta").is_dir()
}

/// The format of `path`, found under `root`: the folders above `root`
/// do not make a file a dependency file (a project kept in a folder named
/// `requirements` has other `.txt` files), `root` itself does (`pyward
/// deps requirements/`).
fn discover_under(root: &Path, path: &Path) -> Option<Format> {
    let from = root.parent().unwrap_or(root);
    Format::discover(path.strip_prefix(from).unwrap_or(path))
}

/// What a walk found: the dependency files, in a stable order (sorted by
/// path), and the folders or files it could not read (the scan is then
/// incomplete, and says so).
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub found: Vec<Found>,
    pub unreadable: Vec<(Option<PathBuf>, String)>,
}

/// Every dependency file under `root`, by `pyward-fs`'s walker: the
/// ignore files of the tree and of its own repository count, nothing
/// above them. Each candidate found counts in `progress` once looked at.
pub(crate) fn walk(root: &Path, progress: Option<&pyward_fs::FileCount>) -> Walk {
    let tree_root = root.to_path_buf();
    let walked = pyward_fs::Walker::new(root)
        .skip_dir_if(is_skipped_dir)
        .filter(move |path, _| discover_under(&tree_root, path).is_some())
        .report_links(true)
        .walk(&[root.to_path_buf()]);
    let mut walk = Walk::default();
    // A dependency file that is a link out of the tree is named, never
    // read (issue 9: `requirements.txt -> /proc/self/environ`); one that
    // stays inside is found at its real place.
    let tree = pyward_fs::Tree::new(root);
    for skipped in walked.skipped {
        if skipped.reason == pyward_fs::SkipReason::LinkInTree
            && !tree.as_ref().is_ok_and(|tree| tree.contains(&skipped.path))
        {
            walk.unreadable.push((
                Some(skipped.path),
                "a symbolic link that leads out of the scanned folder (or nowhere), which pyward never follows".to_string(),
            ));
        }
    }
    for error in walked.errors {
        let reason = error
            .message
            .strip_prefix("cannot read: ")
            .unwrap_or(&error.message);
        walk.unreadable.push((Some(error.path), reason.to_string()));
    }
    // Symbolic links are never followed, not even to a file inside the
    // tree: what they point at is found at its real place.
    for file in walked.files {
        if let Some(format) = discover_under(root, &file.path) {
            walk.found.push(Found {
                path: file.path,
                format,
            });
        }
    }
    // Every `.py` file is a candidate; reading them is most of a walk's
    // time, so it is spread over the cores.
    if let Some(progress) = progress {
        progress.found(walk.found.len());
    }
    walk.found = walk
        .found
        .into_par_iter()
        .filter(|found| {
            let keep = found.format != Format::PEP723_SCRIPT || has_script_block(&found.path);
            if let Some(progress) = progress {
                progress.done();
            }
            keep
        })
        .collect();
    walk.found.sort_by(|a, b| a.path.cmp(&b.path));
    walk
}

/// A cheap check before a `.py` file is handed to the PEP 723 reader:
/// does it have a `# /// script` line (the whole line, as PEP 723's
/// regular expression requires)?
pub(crate) fn has_script_block(path: &Path) -> bool {
    has_script_block_in(path, Access::NO_LINKS)
}

/// [`has_script_block`] for a file reached as `access` says; a file too
/// large or not regular has none (it is not read).
pub(crate) fn has_script_block_in(path: &Path, access: Access<'_>) -> bool {
    read_bytes_limited(path, access, MAX_FILE_BYTES)
        .is_ok_and(|(_, bytes)| contains_script_line(&bytes))
}

fn contains_script_line(bytes: &[u8]) -> bool {
    const MARKER: &[u8] = b"# /// script";
    memchr::memmem::find_iter(bytes, MARKER).any(|start| {
        let at_line_start = start == 0 || bytes[start - 1] == b'\n';
        let rest = &bytes[start + MARKER.len()..];
        let at_line_end = rest.is_empty() || rest.starts_with(b"\n") || rest.starts_with(b"\r\n");
        at_line_start && at_line_end
    })
}

/// The files of each project folder, a lockfile and the manifest it
/// locks resolved: the lockfile is read, the manifest is not, and a note
/// says so.
pub(crate) struct Plan {
    pub files: Vec<Found>,
    /// (lockfile, manifest) pairs where the manifest was left out.
    pub replaced: Vec<(PathBuf, PathBuf)>,
}

pub(crate) fn plan(found: Vec<Found>) -> Plan {
    let mut by_dir: BTreeMap<PathBuf, Vec<Found>> = BTreeMap::new();
    for file in found {
        let dir = file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        by_dir.entry(dir).or_default().push(file);
    }
    let mut files = Vec::new();
    let mut replaced = Vec::new();
    for (_, in_dir) in by_dir {
        let lockfiles: Vec<(Format, PathBuf)> = in_dir
            .iter()
            .filter(|f| f.format.is_lockfile())
            .map(|f| (f.format, f.path.clone()))
            .collect();
        for file in in_dir {
            match lockfiles.iter().find(|(lock, _)| lock.locks(file.format)) {
                Some((_, lockfile)) => replaced.push((lockfile.clone(), file.path)),
                None => files.push(file),
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Plan { files, replaced }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(id: &str) -> Format {
        Format::by_id(id).expect("a registered format")
    }

    fn found(path: &str, format: Format) -> Found {
        Found {
            path: PathBuf::from(path),
            format,
        }
    }

    // See issue 9: a `.gitignore` above the scanned folder, not part of
    // its repository, hid every file ("no dependency files found").
    #[test]
    fn ignore_files_above_the_tree_hide_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*\n").unwrap();
        let project = dir.path().join("project");
        std::fs::create_dir(&project).unwrap();
        std::fs::write(project.join("requirements.txt"), "django==3.0.1\n").unwrap();
        let found = walk(&project, None).found;
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].format, Format::REQUIREMENTS);
    }

    // Salt 3000 keeps its pip-compile outputs in
    // `requirements/static/py3.7/linux.txt`: none was found ("no
    // dependency files found").
    #[test]
    fn text_files_anywhere_under_a_requirements_folder_of_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "django==3.0.1\n").unwrap();
        };
        write("salt/requirements/static/py3.7/linux.txt");
        write("salt/requirements/base.txt");
        write("salt/doc/static/notes.txt");
        // A project kept in a folder named `requirements`: its other text
        // files are not requirements files.
        write("requirements/app/doc/notes.txt");
        write("requirements/app/requirements.txt");
        let relative = |root: &Path| -> Vec<String> {
            walk(root, None)
                .found
                .iter()
                .map(|f| {
                    let path = f.path.strip_prefix(root).unwrap();
                    path.to_string_lossy().replace('\\', "/")
                })
                .collect()
        };
        assert_eq!(
            relative(&dir.path().join("salt")),
            [
                "requirements/base.txt",
                "requirements/static/py3.7/linux.txt"
            ]
        );
        assert_eq!(
            relative(&dir.path().join("requirements/app")),
            ["requirements.txt"]
        );
        // The scanned folder itself may be the requirements folder.
        assert_eq!(
            relative(&dir.path().join("salt/requirements")),
            ["base.txt", "static/py3.7/linux.txt"]
        );
    }

    #[test]
    fn script_blocks_are_whole_lines() {
        assert!(contains_script_line(
            b"# /// script\n# dependencies = []\n# ///\n"
        ));
        assert!(contains_script_line(b"import x\r\n# /// script\r\n"));
        assert!(contains_script_line(b"x = 1\n# /// script"));
        assert!(!contains_script_line(b"s = '# /// script'\n"));
        assert!(!contains_script_line(b"# /// scripts\n"));
        assert!(!contains_script_line(b""));
    }

    #[test]
    fn a_lockfile_replaces_its_manifest_in_the_same_folder() {
        let plan = plan(vec![
            found("a/pyproject.toml", fmt("pyproject.toml")),
            found("a/uv.lock", fmt("uv.lock")),
            found("a/requirements.txt", fmt("requirements")),
            found("b/pyproject.toml", fmt("pyproject.toml")),
            found("c/Pipfile", fmt("Pipfile")),
            found("c/Pipfile.lock", fmt("Pipfile.lock")),
            found("d/poetry.lock", fmt("poetry.lock")),
            found("d/pyproject.toml", fmt("pyproject.toml")),
            found("d/setup.cfg", fmt("setup.cfg")),
            found("e/pdm.lock", fmt("pdm.lock")),
            found("e/setup.cfg", fmt("setup.cfg")),
        ]);
        let kept: Vec<_> = plan
            .files
            .iter()
            .map(|f| f.path.to_str().unwrap_or(""))
            .collect();
        assert_eq!(
            kept,
            [
                "a/requirements.txt",
                "a/uv.lock",
                "b/pyproject.toml",
                "c/Pipfile.lock",
                "d/poetry.lock",
                "d/setup.cfg",
                "e/pdm.lock",
            ]
        );
        assert_eq!(
            plan.replaced,
            [
                (
                    PathBuf::from("a/uv.lock"),
                    PathBuf::from("a/pyproject.toml")
                ),
                (PathBuf::from("c/Pipfile.lock"), PathBuf::from("c/Pipfile")),
                (
                    PathBuf::from("d/poetry.lock"),
                    PathBuf::from("d/pyproject.toml")
                ),
                (PathBuf::from("e/pdm.lock"), PathBuf::from("e/setup.cfg")),
            ]
        );
    }
}
