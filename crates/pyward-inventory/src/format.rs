//! Which reader a dependency file needs, chosen by its name, and the error
//! every reader returns.

use std::path::Path;

/// Why a dependency file could not be read: the line (1-based) where the
/// format has one, and a one-sentence message. The caller adds the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<u32>,
    pub message: String,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: message.into(),
        }
    }

    pub fn at_line(line: u32, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// A kind of dependency file pyward reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// pip requirements file (plain, or compiled by pip-compile / `uv pip compile`).
    Requirements,
    PyProject,
    SetupCfg,
    Pipfile,
    /// A Python script that may carry PEP 723 inline metadata.
    Pep723Script,
    CondaEnvironment,
    UvLock,
    PoetryLock,
    PipfileLock,
    PdmLock,
    /// PEP 751 `pylock.toml` / `pylock.NAME.toml`.
    Pylock,
}

impl Format {
    /// The format of a file found while walking a project folder, from its
    /// name (and, for requirements files, the folder it is in); `None` for
    /// files that are not dependency files.
    pub fn discover(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        let exact = match name {
            "pyproject.toml" => Some(Self::PyProject),
            "setup.cfg" => Some(Self::SetupCfg),
            "Pipfile" => Some(Self::Pipfile),
            "Pipfile.lock" => Some(Self::PipfileLock),
            "uv.lock" => Some(Self::UvLock),
            "poetry.lock" => Some(Self::PoetryLock),
            "pdm.lock" => Some(Self::PdmLock),
            "pylock.toml" => Some(Self::Pylock),
            "environment.yml" | "environment.yaml" => Some(Self::CondaEnvironment),
            _ => None,
        };
        if exact.is_some() {
            return exact;
        }
        if is_pylock_name(name) {
            return Some(Self::Pylock);
        }
        if let Some(stem) = name.strip_suffix(".txt") {
            let in_requirements_dir = path
                .parent()
                .and_then(Path::file_name)
                .and_then(|dir| dir.to_str())
                .is_some_and(|dir| dir.eq_ignore_ascii_case("requirements"));
            if stem.to_ascii_lowercase().contains("requirements") || in_requirements_dir {
                return Some(Self::Requirements);
            }
            return None;
        }
        if name.ends_with(".py") {
            return Some(Self::Pep723Script);
        }
        None
    }

    /// The format of one file the user named: like [`Format::discover`],
    /// and any other `.txt` or `.in` file is read as a requirements file
    /// (pip itself accepts any name after `-r`).
    pub fn for_named_file(path: &Path) -> Option<Self> {
        if let Some(format) = Self::discover(path) {
            return Some(format);
        }
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".txt") || name.ends_with(".in") {
            return Some(Self::Requirements);
        }
        None
    }

    /// Whether this format pins exactly what is installed.
    pub fn is_lockfile(self) -> bool {
        matches!(
            self,
            Self::UvLock | Self::PoetryLock | Self::PipfileLock | Self::PdmLock | Self::Pylock
        )
    }

    /// Whether a lockfile of this format, in the same folder, locks what a
    /// manifest of `manifest`'s format states (so only the lock is read):
    /// uv, PDM and `pylock.toml` lock a project whose dependencies may be
    /// in `pyproject.toml` or `setup.cfg`; Poetry only reads
    /// `pyproject.toml`; `Pipfile.lock` locks the `Pipfile`.
    pub fn locks(self, manifest: Self) -> bool {
        match self {
            Self::UvLock | Self::PdmLock | Self::Pylock => {
                matches!(manifest, Self::PyProject | Self::SetupCfg)
            }
            Self::PoetryLock => manifest == Self::PyProject,
            Self::PipfileLock => manifest == Self::Pipfile,
            _ => false,
        }
    }

    /// The manifest a lockfile of this format is generated from.
    pub fn locked_manifest(self) -> Option<Self> {
        match self {
            Self::UvLock | Self::PoetryLock | Self::PdmLock | Self::Pylock => Some(Self::PyProject),
            Self::PipfileLock => Some(Self::Pipfile),
            _ => None,
        }
    }
}

/// `pylock.toml` or `pylock.NAME.toml` (PEP 751).
fn is_pylock_name(name: &str) -> bool {
    name.strip_prefix("pylock.")
        .and_then(|rest| rest.strip_suffix(".toml"))
        .is_some_and(|middle| !middle.is_empty() && !middle.contains('.'))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Format;

    #[test]
    fn discovers_by_name() {
        for (path, want) in [
            ("requirements.txt", Some(Format::Requirements)),
            ("requirements-dev.txt", Some(Format::Requirements)),
            ("dev-requirements.txt", Some(Format::Requirements)),
            ("requirements/base.txt", Some(Format::Requirements)),
            ("notes.txt", None),
            ("requirements.in", None),
            ("pyproject.toml", Some(Format::PyProject)),
            ("pylock.toml", Some(Format::Pylock)),
            ("pylock.dev.toml", Some(Format::Pylock)),
            ("pylock..toml", None),
            ("Pipfile.lock", Some(Format::PipfileLock)),
            ("environment.yaml", Some(Format::CondaEnvironment)),
            ("tool.py", Some(Format::Pep723Script)),
            ("Cargo.toml", None),
        ] {
            assert_eq!(Format::discover(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn a_named_file_may_be_any_requirements_file() {
        assert_eq!(
            Format::for_named_file(Path::new("constraints.txt")),
            Some(Format::Requirements)
        );
        assert_eq!(
            Format::for_named_file(Path::new("requirements.in")),
            Some(Format::Requirements)
        );
        assert_eq!(Format::for_named_file(Path::new("README.md")), None);
    }
}
