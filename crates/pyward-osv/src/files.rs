//! Opening files that come from outside: regular files only (a FIFO would
//! block forever, `/dev/zero` never ends, `/proc` files lie about their
//! size), opened without blocking, read with a bound.

use std::io::Read;
use std::path::Path;

/// Why a path was not opened.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    /// Not a regular file: what it is instead ("a FIFO", "a device").
    NotRegular(&'static str),
}

/// What kind of special file `file_type` is, `None` for a regular file or
/// a folder.
pub fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() || file_type.is_dir() {
        return None;
    }
    if file_type.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("a device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Whether `path` lies in a kernel's virtual file system (`/proc`, `/sys`,
/// `/dev`), whose files are neither data nor bounded. Checked on the path
/// with its links resolved.
pub fn is_virtual(path: &Path) -> bool {
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    ["/proc", "/sys", "/dev"]
        .iter()
        .any(|root| resolved.starts_with(root))
}

/// Whether [`open_regular`] follows a symbolic link at the path itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow it: the user named the path.
    Follow,
    /// Refuse it: the path was found inside a folder, and a link could
    /// lead out of it.
    Refuse,
}

/// Opens `path` for reading if it is a regular file: checked before
/// opening (so a FIFO is never opened), opened non-blocking, and checked
/// again on the open file (so a swap in between is caught too).
pub fn open_regular(path: &Path, links: Links) -> Result<std::fs::File, OpenError> {
    open_regular_with_metadata(path, links).map(|(file, _)| file)
}

/// [`open_regular`], also giving the open file's metadata.
pub fn open_regular_with_metadata(
    path: &Path,
    links: Links,
) -> Result<(std::fs::File, std::fs::Metadata), OpenError> {
    // Where links are refused, the open itself cannot block or follow
    // (O_NONBLOCK | O_NOFOLLOW) and the check on the open file decides;
    // elsewhere the path is checked first, so a FIFO is never opened.
    if links == Links::Follow || !cfg!(unix) {
        let meta = match links {
            Links::Follow => std::fs::metadata(path),
            Links::Refuse => std::fs::symlink_metadata(path),
        }
        .map_err(OpenError::Io)?;
        if let Some(kind) = special_kind(meta.file_type()) {
            return Err(OpenError::NotRegular(kind));
        }
        if meta.is_dir() {
            return Err(OpenError::NotRegular("a folder"));
        }
    }
    // A file found in a folder is as virtual as its folder, which the
    // caller checked once; resolving every path costs an import dearly.
    if links == Links::Follow && is_virtual(path) {
        return Err(OpenError::NotRegular("a virtual file (/proc, /sys, /dev)"));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_follow = if links == Links::Refuse {
            libc::O_NOFOLLOW
        } else {
            0
        };
        options.custom_flags(libc::O_NONBLOCK | no_follow);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        // O_NOFOLLOW on a link fails with ELOOP.
        #[cfg(unix)]
        Err(e) if links == Links::Refuse && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(OpenError::NotRegular("a symbolic link"));
        }
        Err(e) => return Err(OpenError::Io(e)),
    };
    let opened = file.metadata().map_err(OpenError::Io)?;
    if opened.is_dir() {
        return Err(OpenError::NotRegular("a folder"));
    }
    if let Some(kind) = special_kind(opened.file_type()) {
        return Err(OpenError::NotRegular(kind));
    }
    Ok((file, opened))
}

/// Reads `reader` to its end, or fails once it gives more than `limit`
/// bytes: the bound applies to what is read, not to any size claimed.
pub fn read_bounded(reader: impl Read, limit: u64, capacity_hint: u64) -> std::io::Result<Vec<u8>> {
    // A claimed size only sizes the first allocation, and only up to a
    // modest amount: the claim may be a lie.
    let mut bytes = Vec::with_capacity(capacity_hint.min(limit).min(256 * 1024) as usize);
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than the limit of {}", describe_bytes(limit)),
        ));
    }
    Ok(bytes)
}

/// `4 MiB`, `64 KiB`, `12 bytes`.
pub fn describe_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    if n >= KIB * KIB && n.is_multiple_of(KIB * KIB) {
        format!("{} MiB", n / (KIB * KIB))
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reads_stop_at_the_limit() {
        let zeros = std::io::repeat(0);
        let err = read_bounded(zeros, 1024, u64::MAX).unwrap_err();
        assert!(err.to_string().contains("1 KiB"), "{err}");
        assert_eq!(read_bounded(&b"abc"[..], 3, 0).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_blocking() {
        let err = open_regular(Path::new("/dev/zero"), Links::Follow).unwrap_err();
        assert!(matches!(err, OpenError::NotRegular("a device")), "{err:?}");
        let err = open_regular(Path::new("/proc/self/environ"), Links::Follow).unwrap_err();
        assert!(matches!(err, OpenError::NotRegular(_)), "{err:?}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = open_regular(&fifo, Links::Follow).unwrap_err();
        assert!(matches!(err, OpenError::NotRegular("a FIFO")), "{err:?}");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
        let err = open_regular(&link, Links::Refuse).unwrap_err();
        assert!(
            matches!(err, OpenError::NotRegular("a symbolic link")),
            "{err:?}"
        );
    }
}
