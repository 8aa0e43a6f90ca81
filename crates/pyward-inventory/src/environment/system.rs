//! `--system`: every Python environment on the machine, found where the
//! tools that make them put them, without running any interpreter.
//!
//! Interpreters are not run (`python -c 'import sys; print(sys.path)'`
//! would tell their site-packages exactly) because `--system` then executes
//! every `python` on `PATH`, including ones a scan is meant to judge; the
//! site-packages folders follow from the interpreter's prefix instead
//! (`lib/pythonX.Y/site-packages`, Debian's `lib/python3/dist-packages`,
//! `Lib/site-packages` on Windows).
//!
//! Where it looks, in this order (an environment reached twice, through a
//! link or a second tool, is read once, under the first origin):
//! environments under `--root` (any folder with `pyvenv.cfg` or
//! `conda-meta/`); pyenv (`$PYENV_ROOT` or `~/.pyenv`: `versions/*`,
//! `versions/*/envs/*`); conda (`~/miniconda3`, `~/anaconda3`,
//! `~/miniforge3`, `~/mambaforge`, `~/micromamba`, `~/.conda`, their
//! `envs/*`, `~/.conda/environments.txt`, `$CONDA_PREFIX`); pipx
//! (`$PIPX_HOME`, `~/.local/pipx/venvs/*`, `~/.local/share/pipx/venvs/*`);
//! uv tools and uv's Pythons (`$UV_TOOL_DIR`, `~/.local/share/uv/tools/*`,
//! `~/.local/share/uv/python/*`); virtualenvwrapper (`$WORKON_HOME` or
//! `~/.virtualenvs/*`); pipenv (`~/.local/share/virtualenvs/*`); poetry
//! (`$POETRY_VIRTUALENVS_PATH`, `~/.cache/pypoetry/virtualenvs/*`,
//! `~/Library/Caches/pypoetry/virtualenvs/*`); pdm
//! (`~/.local/share/pdm/venvs/*`); the user site (`~/.local`,
//! `~/Library/Python/*`); and last
//! the interpreters on `PATH`. `$XDG_DATA_HOME` and `$XDG_CACHE_HOME`
//! replace `~/.local/share` and `~/.cache` when set.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::{Hint, detect, scan_as};
use crate::{Inventory, Options};

/// Folders visited at most under `--root`, and how deep.
const MAX_ROOT_DIRS: usize = 200_000;
const MAX_ROOT_DEPTH: usize = 8;

/// Folder names never descended into under `--root`.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".git",
    ".hg",
    ".svn",
    "target",
    "__pycache__",
];

/// Environment variables read.
const VARS: &[&str] = &[
    "PYENV_ROOT",
    "CONDA_PREFIX",
    "CONDA_ENVS_PATH",
    "PIPX_HOME",
    "UV_TOOL_DIR",
    "UV_PYTHON_INSTALL_DIR",
    "WORKON_HOME",
    "POETRY_VIRTUALENVS_PATH",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
];

/// The machine as `--system` sees it: the home folder, `PATH` and the
/// environment variables that move tools' folders. [`Host::from_process`]
/// reads the real ones; tests build their own.
#[derive(Debug, Clone, Default)]
pub struct Host {
    pub home: Option<PathBuf>,
    /// `PATH`, in order.
    pub path: Vec<PathBuf>,
    /// `PYENV_ROOT`, `WORKON_HOME`, `XDG_DATA_HOME`, ... as set.
    pub vars: HashMap<String, String>,
    /// Also look in fixed system folders (`/opt/conda`, ...).
    pub fixed_paths: bool,
}

impl Host {
    pub fn from_process() -> Self {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        let path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        let vars = VARS
            .iter()
            .filter_map(|k| {
                let value = std::env::var(k).ok()?;
                (!value.is_empty()).then(|| ((*k).to_string(), value))
            })
            .collect();
        Self {
            home,
            path,
            vars,
            fixed_paths: true,
        }
    }

    fn var(&self, key: &str) -> Option<PathBuf> {
        self.vars
            .get(key)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    fn home_join(&self, rel: &str) -> Option<PathBuf> {
        self.home.as_ref().map(|h| h.join(rel))
    }

    fn data_dir(&self) -> Option<PathBuf> {
        self.var("XDG_DATA_HOME")
            .or_else(|| self.home_join(".local/share"))
    }

    fn cache_dir(&self) -> Option<PathBuf> {
        self.var("XDG_CACHE_HOME")
            .or_else(|| self.home_join(".cache"))
    }
}

/// Every environment on `host` (and under `root`), each read once.
pub fn scan_system_on(host: &Host, root: Option<&Path>, options: &Options) -> Inventory {
    let mut inventory = Inventory::default();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for (dir, hint) in candidates(host, root) {
        let Ok(canonical) = fs::canonicalize(&dir) else {
            continue;
        };
        if seen.contains(&canonical) || detect(&dir).is_none() {
            continue;
        }
        seen.insert(canonical);
        inventory.extend(scan_as(&dir, &hint, options));
    }
    inventory
}

fn hint(origin: &str) -> Hint {
    Hint {
        origin: Some(origin.to_string()),
        interpreter: None,
    }
}

/// The sub-folders of `dir`, sorted; none if it cannot be read.
fn children(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() || t.is_symlink()))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Every folder that may be an environment, with what found it, in the
/// order of the module documentation.
fn candidates(host: &Host, root: Option<&Path>) -> Vec<(PathBuf, Hint)> {
    let mut out: Vec<(PathBuf, Hint)> = Vec::new();
    let each_child = |out: &mut Vec<(PathBuf, Hint)>, dir: Option<PathBuf>, origin: &str| {
        if let Some(dir) = dir {
            for child in children(&dir) {
                out.push((child, hint(origin)));
            }
        }
    };

    if let Some(root) = root {
        for dir in environments_under(root) {
            out.push((dir, hint("venv")));
        }
    }

    let pyenv = host.var("PYENV_ROOT").or_else(|| host.home_join(".pyenv"));
    if let Some(pyenv) = pyenv {
        for version in children(&pyenv.join("versions")) {
            for env in children(&version.join("envs")) {
                out.push((env, hint("pyenv-virtualenv")));
            }
            out.push((version, hint("pyenv")));
        }
    }

    let mut conda_bases: Vec<PathBuf> = [
        "miniconda3",
        "anaconda3",
        "miniforge3",
        "mambaforge",
        "micromamba",
        ".conda",
        "opt/miniconda3",
        "opt/anaconda3",
    ]
    .iter()
    .filter_map(|rel| host.home_join(rel))
    .collect();
    if host.fixed_paths {
        for fixed in [
            "/opt/conda",
            "/opt/miniconda3",
            "/opt/anaconda3",
            "/opt/miniforge3",
        ] {
            conda_bases.push(PathBuf::from(fixed));
        }
    }
    if let Some(prefix) = host.var("CONDA_PREFIX") {
        out.push((prefix, hint("conda")));
    }
    for base in conda_bases {
        out.push((base.clone(), hint("conda")));
        each_child(&mut out, Some(base.join("envs")), "conda");
    }
    if let Some(envs_path) = host.vars.get("CONDA_ENVS_PATH") {
        for dir in std::env::split_paths(envs_path) {
            each_child(&mut out, Some(dir), "conda");
        }
    }
    if let Some(text) = host
        .home_join(".conda/environments.txt")
        .and_then(|list| crate::read::read_text(&list, crate::read::Access::NAMED).ok())
        .map(|(_, text)| text)
    {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            out.push((PathBuf::from(line), hint("conda")));
        }
    }

    let data = host.data_dir();
    each_child(
        &mut out,
        host.var("PIPX_HOME").map(|p| p.join("venvs")),
        "pipx",
    );
    each_child(&mut out, host.home_join(".local/pipx/venvs"), "pipx");
    each_child(
        &mut out,
        data.as_ref().map(|d| d.join("pipx/venvs")),
        "pipx",
    );

    each_child(&mut out, host.var("UV_TOOL_DIR"), "uv-tool");
    each_child(
        &mut out,
        data.as_ref().map(|d| d.join("uv/tools")),
        "uv-tool",
    );
    each_child(&mut out, host.var("UV_PYTHON_INSTALL_DIR"), "uv-python");
    each_child(
        &mut out,
        data.as_ref().map(|d| d.join("uv/python")),
        "uv-python",
    );

    let workon = host
        .var("WORKON_HOME")
        .or_else(|| host.home_join(".virtualenvs"));
    each_child(&mut out, workon, "virtualenvwrapper");
    each_child(
        &mut out,
        data.as_ref().map(|d| d.join("virtualenvs")),
        "pipenv",
    );

    each_child(&mut out, host.var("POETRY_VIRTUALENVS_PATH"), "poetry");
    each_child(
        &mut out,
        host.cache_dir().map(|c| c.join("pypoetry/virtualenvs")),
        "poetry",
    );
    each_child(
        &mut out,
        host.home_join("Library/Caches/pypoetry/virtualenvs"),
        "poetry",
    );
    each_child(&mut out, data.as_ref().map(|d| d.join("pdm/venvs")), "pdm");

    if let Some(user) = host.home_join(".local") {
        out.push((user, hint("user")));
    }
    // macOS keeps `pip install --user` in ~/Library/Python/3.X.
    each_child(&mut out, host.home_join("Library/Python"), "user");

    for (prefix, interpreter) in path_interpreters(&host.path) {
        let origin = if prefix.join("pyvenv.cfg").is_file() {
            "path"
        } else {
            "system"
        };
        // Debian's pip installs into /usr/local/lib/python3.X/dist-packages
        // for /usr/bin/python3.
        let local = prefix.join("local");
        out.push((
            prefix,
            Hint {
                origin: Some(origin.to_string()),
                interpreter: Some(interpreter),
            },
        ));
        if origin == "system" {
            out.push((local, hint("system")));
        }
    }
    out
}

/// `python`, `python3`, `python3.X` and `python.exe` in the `PATH` folders,
/// each with the prefix it belongs to: the folder above `bin` (the link is
/// followed to find it: `/usr/bin/python3` may point into a pyenv version),
/// or the folder of `python.exe`.
fn path_interpreters(path: &[PathBuf]) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for dir in path {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_interpreter_name)
            })
            .collect();
        names.sort();
        for interpreter in names {
            // A venv's bin/python names its venv, whatever it links to.
            if let Some(parent) = interpreter
                .parent()
                .and_then(Path::parent)
                .filter(|p| p.join("pyvenv.cfg").is_file())
            {
                out.push((parent.to_path_buf(), interpreter));
                continue;
            }
            let Ok(real) = fs::canonicalize(&interpreter) else {
                continue;
            };
            let windows = real
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("exe"));
            let prefix = if windows {
                real.parent().map(Path::to_path_buf)
            } else {
                real.parent().and_then(Path::parent).map(Path::to_path_buf)
            };
            if let Some(prefix) = prefix {
                out.push((prefix, interpreter));
            }
        }
    }
    out
}

fn is_interpreter_name(name: &str) -> bool {
    let name = name.strip_suffix(".exe").unwrap_or(name);
    let Some(rest) = name.strip_prefix("python") else {
        return false;
    };
    match rest.split_once('.') {
        None => rest.is_empty() || rest.bytes().all(|b| b.is_ascii_digit()),
        Some((major, minor)) => {
            !major.is_empty()
                && !minor.is_empty()
                && major.bytes().all(|b| b.is_ascii_digit())
                && minor.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// Folders under `root` with `pyvenv.cfg` or `conda-meta/`, not descending
/// into links, environments found, or [`SKIPPED_DIRS`].
fn environments_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    let mut visited = 0usize;
    while let Some((dir, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_ROOT_DIRS {
            break;
        }
        if dir.join("pyvenv.cfg").is_file() || dir.join("conda-meta").is_dir() {
            found.push(dir);
            continue;
        }
        if depth >= MAX_ROOT_DEPTH {
            continue;
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut subdirs: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| !SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
            .map(|e| e.path())
            .collect();
        subdirs.sort();
        for sub in subdirs.into_iter().rev() {
            stack.push((sub, depth + 1));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreter_names() {
        for name in [
            "python",
            "python3",
            "python3.12",
            "python.exe",
            "python3.exe",
        ] {
            assert!(is_interpreter_name(name), "{name}");
        }
        for name in [
            "python3-config",
            "python3.12-config",
            "pythonw",
            "python3.",
            "ipython",
        ] {
            assert!(!is_interpreter_name(name), "{name}");
        }
    }

    #[test]
    fn environments_under_root_skip_what_they_should() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for venv in [
            "a/.venv",
            "b/venv",
            "node_modules/x/.venv",
            "a/.venv/nested",
        ] {
            fs::create_dir_all(root.join(venv)).unwrap();
            fs::write(root.join(venv).join("pyvenv.cfg"), "").unwrap();
        }
        let found = environments_under(root);
        assert_eq!(found, vec![root.join("a/.venv"), root.join("b/venv")]);
    }
}
