//! Bounded, safe reads of files pyward did not write.
//!
//! A file in a scanned tree, or named on the command line, can be a FIFO
//! (opening it blocks forever), a device (`/dev/zero` never ends), a file
//! under `/proc` or `/sys` (the environment of the CI job, tokens
//! included), or a regular file far larger than anything worth reading.
//! [`read`] refuses the first three before opening, and reads at most
//! `limit + 1` bytes of the rest, so a file that grows while it is read or
//! lies about its size cannot exhaust memory either.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be examined or read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A folder, FIFO, device or socket: never opened.
    #[error("`{}` is {kind}, not a regular file; not read", path.display())]
    NotRegular { path: PathBuf, kind: FileKind },
    /// A file of a kernel's virtual file system (`/proc`, `/sys`, ...):
    /// never opened.
    #[error("`{}` is on the virtual file system {fs}; not read", path.display())]
    Virtual { path: PathBuf, fs: &'static str },
    /// Larger than the limit; `size` is what the file system said, when
    /// that was already over it.
    #[error("`{}` is larger than the {limit} byte limit; not read", path.display())]
    TooLarge {
        path: PathBuf,
        size: Option<u64>,
        limit: u64,
    },
    /// The path resolves to a place outside the scanned tree.
    #[error("`{}` resolves outside the scanned tree `{}`; not read", path.display(), root.display())]
    OutsideTree { path: PathBuf, root: PathBuf },
    /// The file was replaced between the check and the open (by a FIFO or
    /// a link, say).
    #[error("`{}` changed while it was being opened; not read", path.display())]
    Changed { path: PathBuf },
}

impl ReadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::NotRegular { path, .. }
            | ReadError::Virtual { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::OutsideTree { path, .. }
            | ReadError::Changed { path } => path,
        }
    }

    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }

    /// The reason without the path, for reports that name the file in a
    /// field of its own (`ScanError`): `a FIFO, not a regular file`.
    pub fn reason(&self) -> String {
        match self {
            ReadError::Io { source, .. } => format!("cannot read: {}", io_reason(source)),
            ReadError::NotRegular { kind, .. } => format!("{kind}, not a regular file; not read"),
            ReadError::Virtual { fs, .. } => format!("on the virtual file system {fs}; not read"),
            ReadError::TooLarge {
                size: Some(size),
                limit,
                ..
            } => format!("{size} bytes is over the {limit} byte limit; not read"),
            ReadError::TooLarge { limit, .. } => {
                format!("larger than the {limit} byte limit; not read")
            }
            ReadError::OutsideTree { root, .. } => format!(
                "resolves outside the scanned tree `{}`; not read",
                root.display()
            ),
            ReadError::Changed { .. } => "changed while it was being opened; not read".to_string(),
        }
    }
}

/// The OS reason of an I/O error, without a path some wrappers repeat.
fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// What a path is, when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    /// A symbolic link (only where links are not followed).
    Symlink,
    Other,
}

impl FileKind {
    /// The kind of a non-regular file, from its metadata.
    pub fn of(meta: &Metadata) -> Self {
        let kind = meta.file_type();
        if kind.is_dir() {
            return FileKind::Directory;
        }
        if kind.is_symlink() {
            return FileKind::Symlink;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_fifo() {
                return FileKind::Fifo;
            }
            if kind.is_char_device() {
                return FileKind::CharDevice;
            }
            if kind.is_block_device() {
                return FileKind::BlockDevice;
            }
            if kind.is_socket() {
                return FileKind::Socket;
            }
        }
        FileKind::Other
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a folder",
            FileKind::Fifo => "a FIFO (named pipe)",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Socket => "a socket",
            FileKind::Symlink => "a symbolic link",
            FileKind::Other => "a special file",
        })
    }
}

/// Reads a whole file of at most `limit` bytes (symbolic links are
/// followed: callers that must not follow them check first, as the
/// walker does).
///
/// Refused before it is opened: anything that is not a regular file
/// (folders, FIFOs, devices, sockets) and, on Linux, files of virtual file
/// systems (`/proc`, `/sys`, debugfs, ...); a file whose size is already
/// over `limit`. It is then opened without blocking (`O_NONBLOCK`, in case
/// it was swapped for a FIFO meanwhile), checked again, and read through
/// `take(limit + 1)`.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (mut file, size) = open_checked(path, Some(limit))?;
    // Trust the size only as a hint, never past the limit.
    let hint = usize::try_from(size.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(hint.saturating_add(1));
    (&mut file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| io(path, source))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: None,
            limit,
        });
    }
    Ok(bytes)
}

/// Reads at most the first `max` bytes of a file (fewer if it is shorter),
/// with the same refusals as [`read`]: for sniffing a file's first line.
pub fn read_head(path: &Path, max: usize) -> Result<Vec<u8>, ReadError> {
    let (file, _) = open_checked(path, None)?;
    let mut bytes = Vec::with_capacity(max);
    file.take(max as u64)
        .read_to_end(&mut bytes)
        .map_err(|source| io(path, source))?;
    Ok(bytes)
}

/// Whether `path` can be read by [`read`]: a regular file, not on a
/// virtual file system. Follows symbolic links. Nothing is opened.
pub fn check_regular(path: &Path) -> Result<Metadata, ReadError> {
    let meta = std::fs::metadata(path).map_err(|source| io(path, source))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind: FileKind::of(&meta),
        });
    }
    if let Some(fs) = virtual_file_system(path) {
        return Err(ReadError::Virtual {
            path: path.to_path_buf(),
            fs,
        });
    }
    Ok(meta)
}

fn open_checked(path: &Path, limit: Option<u64>) -> Result<(File, u64), ReadError> {
    let before = check_regular(path)?;
    if let Some(limit) = limit
        && before.len() > limit
    {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: Some(before.len()),
            limit,
        });
    }
    let file = open_nonblocking(path).map_err(|source| io(path, source))?;
    let after = file.metadata().map_err(|source| io(path, source))?;
    if !after.is_file() || !same_file(&before, &after) {
        return Err(ReadError::Changed {
            path: path.to_path_buf(),
        });
    }
    Ok((file, after.len()))
}

fn io(path: &Path, source: std::io::Error) -> ReadError {
    ReadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A FIFO swapped in after the check would block `open` until a writer
    // comes; O_NONBLOCK returns at once (and the check after the open
    // refuses it). O_NOCTTY: a terminal never becomes ours.
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(flags.bits()).unwrap_or(0))
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    true
}

/// The name of the virtual file system `path` is on, if it is on one.
#[cfg(target_os = "linux")]
fn virtual_file_system(path: &Path) -> Option<&'static str> {
    // Magic numbers from linux/magic.h.
    const VIRTUAL: &[(u64, &str)] = &[
        (0x9fa0, "proc"),
        (0x6265_6572, "sysfs"),
        (0x6462_6720, "debugfs"),
        (0x7472_6163, "tracefs"),
        (0x7363_6673, "securityfs"),
        (0x6367_7270, "cgroup2"),
        (0x0027_e0eb, "cgroup"),
        (0x6265_6570, "configfs"),
        (0xde5e_81e4, "efivarfs"),
        (0xcafe_4a11, "bpf"),
        (0x1cd1, "devpts"),
        (0x6573_5546, "fusectl"),
        (0x6e73_6673, "nsfs"),
        (0x5058_5346, "pstore"),
    ];
    if lexically_virtual(path) {
        return Some(if path.starts_with("/proc") {
            "proc"
        } else {
            "sysfs"
        });
    }
    let stat = rustix::fs::statfs(path).ok()?;
    #[allow(clippy::cast_sign_loss, clippy::unnecessary_cast)]
    let magic = stat.f_type as u64;
    VIRTUAL
        .iter()
        .find(|(number, _)| *number == magic)
        .map(|(_, name)| *name)
}

#[cfg(not(target_os = "linux"))]
fn virtual_file_system(path: &Path) -> Option<&'static str> {
    lexically_virtual(path).then_some("proc")
}

/// `/proc/...` and `/sys/...` as written, before any look at the disk.
fn lexically_virtual(path: &Path) -> bool {
    let path = crate::path::normalize_lexically(path);
    path.starts_with("/proc") || path.starts_with("/sys")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_files_and_refuses_large_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"hello");
        let error = read(&path, 4).unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::TooLarge {
                    size: Some(5),
                    limit: 4,
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("a.txt"), "{error}");
        assert!(error.to_string().contains("4 byte limit"), "{error}");
        assert_eq!(read_head(&path, 2).unwrap(), b"he");
        assert_eq!(read_head(&path, 100).unwrap(), b"hello");
    }

    #[test]
    fn missing_files_and_folders_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let error = read(&dir.path().join("nope"), 10).unwrap_err();
        assert!(error.is_not_found(), "{error}");
        assert_eq!(error.reason(), "cannot read: no such file or folder");
        let error = read(dir.path(), 10).unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::NotRegular {
                    kind: FileKind::Directory,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        let error = read(&fifo, 10).unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                }
            ),
            "{error}"
        );
        assert!(read_head(&fifo, 10).is_err());
        // A link to it is followed, and refused all the same.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        assert!(matches!(read(&link, 10), Err(ReadError::NotRegular { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused() {
        let error = read(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                }
            ),
            "{error}"
        );
        assert_eq!(
            error.reason(),
            "a character device, not a regular file; not read"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn proc_and_sys_are_refused_even_through_links() {
        for path in [
            "/proc/self/environ",
            "/proc/self/status",
            "/sys/kernel/uevent_seqnum",
        ] {
            if Path::new(path).exists() {
                let error = read(Path::new(path), 1 << 20).unwrap_err();
                assert!(
                    matches!(error, ReadError::Virtual { .. }),
                    "{path}: {error}"
                );
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("environ");
        std::os::unix::fs::symlink("/proc/self/environ", &link).unwrap();
        assert!(matches!(
            read(&link, 1 << 20),
            Err(ReadError::Virtual { .. })
        ));
        let folder = dir.path().join("self");
        std::os::unix::fs::symlink("/proc/self", &folder).unwrap();
        assert!(matches!(
            read(&folder.join("environ"), 1 << 20),
            Err(ReadError::Virtual { .. })
        ));
    }
}
