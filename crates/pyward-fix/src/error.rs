//! What stops `fix` as a whole (as opposed to one file or one package,
//! which are reported and skipped).

use std::path::PathBuf;

/// An error that stops the run.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// The vulnerability database could not answer for a package.
    #[error("the vulnerability database cannot answer for `{package}`: {source}")]
    Database {
        package: String,
        #[source]
        source: pyward_osv::DbError,
    },
    /// A file could not be written (or its temporary file could not be).
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
