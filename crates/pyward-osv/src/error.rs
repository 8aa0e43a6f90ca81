use std::path::PathBuf;

/// Why a database could not be read, built or replaced.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    // The cause is part of the message (one line), not a `source`, so that
    // printing the error chain does not repeat it.
    #[error("cannot read `{}`: {cause}", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot write `{}`: {cause}", path.display())]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("`{}` is not a pyward database{detail}", path.display())]
    NotADatabase { path: PathBuf, detail: String },
    /// The destination of an import or update exists and is not a pyward
    /// database: it is left alone.
    #[error(
        "`{}` exists and is {what}; refusing to replace it with a database (remove it or choose another --db)",
        path.display()
    )]
    NotReplaceable { path: PathBuf, what: String },
    /// A source that is not a regular file or folder (a FIFO, a device, a
    /// socket, a file under /proc).
    #[error("`{}` is {what}; OSV records are read from regular files and folders only", path.display())]
    NotRegular { path: PathBuf, what: String },
    /// A source past one of the limits of [`crate::limits`].
    #[error("`{}` is too large: {detail}", path.display())]
    TooLarge { path: PathBuf, detail: String },
    #[error(
        "`{}` was written by another version of pyward (format {found}, this one reads {expected}); rebuild it with `pyward db update` or `pyward db import`",
        path.display()
    )]
    Format {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error("`{}` is damaged: {detail}; rebuild it with `pyward db update` or `pyward db import`", path.display())]
    Corrupt { path: PathBuf, detail: String },
    #[error("`{}` is not a readable zip archive: {detail}", path.display())]
    Zip { path: PathBuf, detail: String },
    #[error("`{}` holds no OSV records for PyPI{detail}", path.display())]
    NoRecords { path: PathBuf, detail: String },
    #[error("{0}")]
    Download(String),
}
