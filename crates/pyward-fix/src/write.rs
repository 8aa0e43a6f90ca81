//! Replacing a file so that a reader never sees half of it: the new text
//! goes to a temporary file beside it, with the same permissions, is read
//! back, and is renamed over the original.

use std::io::{Read, Write};
use std::path::Path;

use crate::FixError;
use crate::edit::FileChange;
use crate::verify::{VerifyError, verify};

/// Why a change was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The edited text does not parse back as it should: the file is left
    /// untouched.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Write(#[from] FixError),
}

impl FileChange {
    /// Parses the new text back ([`verify`]) and, when it says what it
    /// should, replaces the file with it ([`write_atomically`]).
    pub fn apply(&self) -> Result<(), ApplyError> {
        verify(self)?;
        write_atomically(&self.path, &self.before, &self.after)?;
        Ok(())
    }
}

/// Replaces the file at `path`, which must still hold `before` (else it
/// changed since it was read, and is left alone), with `after`. A symbolic
/// link is refused: renaming over it would replace the link, not what it
/// points to.
pub fn write_atomically(path: &Path, before: &str, after: &str) -> Result<(), FixError> {
    let failed = |source: std::io::Error| FixError::Write {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::symlink_metadata(path).map_err(failed)?;
    if metadata.file_type().is_symlink() || !metadata.is_file() {
        return Err(failed(std::io::Error::other(
            "it is not a regular file (pyward does not write through links)",
        )));
    }
    let current =
        crate::project::read_bounded(path).map_err(|why| failed(std::io::Error::other(why)))?;
    if current != before {
        return Err(failed(std::io::Error::other(
            "it changed since pyward read it; run `pyward fix` again",
        )));
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".pyward-fix.")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(failed)?;
    temporary.write_all(after.as_bytes()).map_err(failed)?;
    temporary.as_file().sync_all().map_err(failed)?;
    std::fs::set_permissions(temporary.path(), metadata.permissions()).map_err(failed)?;
    // What is on disk is what was checked.
    let mut written = String::new();
    std::fs::File::open(temporary.path())
        .and_then(|mut file| file.read_to_string(&mut written))
        .map_err(failed)?;
    if written != after {
        return Err(failed(std::io::Error::other(
            "the temporary file does not read back as written",
        )));
    }
    temporary.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.txt");
        std::fs::write(&path, "django==3.0.1\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&path, "django==3.0.1\n", "django==3.0.14\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "django==3.0.14\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn a_file_changed_meanwhile_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("requirements.txt");
        std::fs::write(&path, "django==3.0.2\n").unwrap();
        let error = write_atomically(&path, "django==3.0.1\n", "django==3.0.14\n").unwrap_err();
        assert!(
            error.to_string().contains("changed since pyward read it"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "django==3.0.2\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.txt");
        std::fs::write(&target, "django==3.0.1\n").unwrap();
        let link = dir.path().join("requirements.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_atomically(&link, "django==3.0.1\n", "django==3.0.14\n").is_err());
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "django==3.0.1\n");
    }
}
