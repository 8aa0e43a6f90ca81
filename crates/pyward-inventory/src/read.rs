//! Reading a file of a scanned project, bounded and checked first: only
//! regular files (never a FIFO, device, socket, nor anything under `/proc`,
//! `/sys` or `/dev`, wherever the path came from), never more than
//! [`MAX_FILE_BYTES`], and, for files found inside a scanned tree, never
//! through a symbolic link and never outside the tree.
//!
//! The type is checked before the file is opened (a FIFO would block the
//! open), the file is opened without following a last link and without
//! blocking, and the opened handle is checked again, so that a file
//! swapped for something else in between is refused too.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The most pyward reads of one dependency file (requirements file,
/// manifest, lockfile, metadata file): 16 MiB, far above the largest real
/// lockfiles (a few MiB). A larger file is an error, not read.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Where a file may be, and whether a link may lead to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Access<'a> {
    /// Follow a symbolic link at the path (a file the user named).
    pub follow_links: bool,
    /// The canonical folder the file must resolve inside.
    pub inside: Option<&'a Path>,
    /// The path's folders were reached by a walk that follows no links
    /// (from `inside`, when given): only its last part can be a link, and
    /// it is not followed, so the path need not be resolved to know it is
    /// inside (resolving costs a system call per folder of the path).
    pub walked: bool,
}

impl<'a> Access<'a> {
    /// A file the user named on the command line: anywhere, links followed.
    pub(crate) const NAMED: Access<'static> = Access {
        follow_links: true,
        inside: None,
        walked: false,
    };

    /// A file inside a folder pyward listed itself (an installed
    /// environment, a walked tree): never through a link.
    pub(crate) const NO_LINKS: Access<'static> = Access {
        follow_links: false,
        inside: None,
        walked: true,
    };

    /// A file found by the walk of the scanned tree `root` (canonical), or
    /// beside one (the manifest of a lock).
    pub(crate) fn found_in(root: &'a Path) -> Self {
        Self {
            follow_links: false,
            inside: Some(root),
            walked: true,
        }
    }

    /// A file inside `root` (canonical) reached by a path pyward did not
    /// walk itself (a name read from a file): not through a link at its
    /// end, and resolved to check it stays inside.
    pub(crate) fn resolved_in(root: &'a Path) -> Self {
        Self {
            follow_links: false,
            inside: Some(root),
            walked: false,
        }
    }

    /// A file another one names (an include) inside the tree `root`: it
    /// may be reached through a link, as long as it stays inside.
    pub(crate) fn included_in(root: &'a Path) -> Self {
        Self {
            follow_links: true,
            inside: Some(root),
            walked: false,
        }
    }
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("no such file")]
    NotFound,
    #[error("is a symbolic link; links inside a scanned folder are not followed")]
    Link,
    #[error("resolves outside the scanned folder; pyward reads nothing outside it")]
    Outside,
    #[error("is {0}, not a regular file; not read")]
    Special(&'static str),
    #[error("is larger than {} MiB, the most pyward reads of one file", MAX_FILE_BYTES >> 20)]
    TooLarge,
    #[error("cannot read: {0}")]
    Io(String),
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> Self {
        match error.kind() {
            std::io::ErrorKind::NotFound => Self::NotFound,
            _ => Self::Io(io_reason(&error)),
        }
    }
}

/// The OS's reason alone (fs-err and std messages repeat the path).
pub(crate) fn io_reason(error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        return "no such file".to_string();
    }
    let text = error.to_string();
    text.rsplit(": ").next().unwrap_or(&text).to_string()
}

/// What a file's type makes it, when it is not a regular file.
fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

/// Kernel file systems whose "regular files" are not files: `/proc/self/environ`
/// holds the environment (tokens included), `/proc/kmsg` never ends.
fn is_kernel_path(canonical: &Path) -> bool {
    cfg!(unix)
        && ["/proc", "/sys", "/dev"]
            .iter()
            .any(|p| canonical.starts_with(p))
}

/// Whether an open file lives on `/proc`, `/sys` or another kernel file
/// system (a bind mount of one inside a tree included), whose files claim
/// to be regular and are not.
#[cfg(target_os = "linux")]
fn on_kernel_file_system(file: &std::fs::File) -> bool {
    const PROC: u64 = 0x9fa0;
    const SYSFS: u64 = 0x6265_6572;
    const DEBUGFS: u64 = 0x6462_6720;
    const TRACEFS: u64 = 0x7472_6163;
    const SECURITYFS: u64 = 0x7363_6673;
    rustix::fs::fstatfs(file).is_ok_and(|stat| {
        u64::try_from(stat.f_type)
            .is_ok_and(|kind| [PROC, SYSFS, DEBUGFS, TRACEFS, SECURITYFS].contains(&kind))
    })
}

#[cfg(not(target_os = "linux"))]
fn on_kernel_file_system(_file: &std::fs::File) -> bool {
    false
}

/// The canonical path of `path`, checked against `access`, and its length
/// and type, without opening it.
/// The path returned is the canonical one, except for a walked path that
/// is no link, returned as it is (see [`Access::walked`]).
pub(crate) fn check(path: &Path, access: Access<'_>) -> Result<PathBuf, ReadError> {
    let link = std::fs::symlink_metadata(path)?;
    let is_link = link.file_type().is_symlink();
    if is_link && !access.follow_links {
        return Err(ReadError::Link);
    }
    let (resolved, metadata) = if access.walked && !is_link {
        (path.to_path_buf(), link)
    } else {
        let canonical = std::fs::canonicalize(path)?;
        if is_kernel_path(&canonical) {
            return Err(ReadError::Special("a file of /proc, /sys or /dev"));
        }
        if let Some(root) = access.inside
            && !canonical.starts_with(root)
        {
            return Err(ReadError::Outside);
        }
        let metadata = std::fs::metadata(&canonical)?;
        (canonical, metadata)
    };
    let canonical = resolved;
    if let Some(kind) = special_kind(metadata.file_type()) {
        return Err(ReadError::Special(kind));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(canonical)
}

/// Opens a checked canonical path for reading: without blocking (a FIFO
/// put there since the check does not hang the scan) and without following
/// a link put there since; the handle is checked again.
pub(crate) fn open_checked(canonical: &Path) -> Result<std::fs::File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    let file = options.open(canonical)?;
    let metadata = file.metadata()?;
    if let Some(kind) = special_kind(metadata.file_type()) {
        return Err(ReadError::Special(kind));
    }
    if on_kernel_file_system(&file) {
        return Err(ReadError::Special("a file of /proc or /sys"));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(file)
}

/// A file's bytes, at most `limit` of them (more is [`ReadError::TooLarge`]).
pub(crate) fn read_bytes_limited(
    path: &Path,
    access: Access<'_>,
    limit: u64,
) -> Result<(PathBuf, Vec<u8>), ReadError> {
    let canonical = check(path, access)?;
    let file = open_checked(&canonical)?;
    let expected = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    // A file that grows while it is read is still cut at the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok((canonical, bytes))
}

/// The first `limit` bytes of a file (all of it when shorter).
pub(crate) fn read_head(path: &Path, access: Access<'_>, limit: u64) -> Result<Vec<u8>, ReadError> {
    let canonical = check(path, access)?;
    let file = open_checked(&canonical)?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A file's text (see [`text_of`]) and its canonical path.
pub(crate) fn read_text(path: &Path, access: Access<'_>) -> Result<(PathBuf, String), ReadError> {
    read_bytes_limited(path, access, MAX_FILE_BYTES)
        .map(|(canonical, bytes)| (canonical, text_of(bytes)))
}

/// A file's text: UTF-8 as it should be, or with invalid bytes replaced
/// (a stray Latin-1 comment must not hide the requirements around it).
pub(crate) fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.txt");
        std::fs::write(&path, "a==1\n").unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let (_, text) = read_text(&path, Access::found_in(&root)).unwrap();
        assert_eq!(text, "a==1\n");
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_wherever_they_come_from() {
        assert_eq!(
            read_text(Path::new("/dev/zero"), Access::NAMED).unwrap_err(),
            ReadError::Special("a file of /proc, /sys or /dev")
        );
        assert!(matches!(
            read_text(Path::new("/proc/self/environ"), Access::NAMED),
            Err(ReadError::Special(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.txt");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if status.is_ok_and(|s| s.success()) {
            // Would block forever if it were opened for reading.
            assert_eq!(
                read_text(&fifo, Access::NAMED).unwrap_err(),
                ReadError::Special("a FIFO")
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_and_paths_out_of_the_tree_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "token").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(
            read_text(&link, Access::found_in(&root)).unwrap_err(),
            ReadError::Link
        );
        assert_eq!(
            read_text(&link, Access::included_in(&root)).unwrap_err(),
            ReadError::Outside
        );
        assert_eq!(
            read_text(&secret, Access::included_in(&root)).unwrap_err(),
            ReadError::Outside
        );
        assert!(read_text(&link, Access::NAMED).is_ok());
    }

    #[test]
    fn large_files_are_refused_before_they_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert_eq!(
            read_text(&path, Access::NAMED).unwrap_err(),
            ReadError::TooLarge
        );
        let small = dir.path().join("small.txt");
        std::fs::write(&small, "0123456789").unwrap();
        assert_eq!(
            read_bytes_limited(&small, Access::NAMED, 4).unwrap_err(),
            ReadError::TooLarge
        );
    }
}
