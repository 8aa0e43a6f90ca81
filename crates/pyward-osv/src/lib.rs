//! The OSV vulnerability database: reads OSV records (folders of JSON/YAML,
//! single files, OSV's zip exports), stores a PyPI index on disk, and
//! matches PyPI package versions against it exactly as OSV defines.
//!
//! ```text
//! source (folder | file | zip) --read_source--> Vec<Advisory>
//!     --import/build--> database file (store.rs: header, per-package blobs, index)
//!     --Database::open/builtin--> Database::query(&[Dependency]) -> Vec<VulnerabilityMatch>
//!                                 Database::package(&name) -> PackageAdvisories
//! ```
//!
//! What it does not do: decide what a finding looks like (the engine does,
//! from the typed matches), or print anything. Every read of a source is bounded
//! ([`limits`]), special files are refused, and an interrupted import
//! leaves nothing behind once the caller's signal handler has called
//! [`remove_temporaries`].

mod build;
mod error;
#[cfg(feature = "fetch")]
mod fetch;
mod files;
pub mod limits;
pub mod matching;
mod query;
pub mod record;
pub mod severity;
mod source;
mod store;
mod temporaries;
pub mod text;

use std::path::{Path, PathBuf};

use pyward_model::{DatabaseInfo, PackageName};

pub use build::{ImportOptions, ImportReport, build, import};
pub use error::DbError;
#[cfg(feature = "fetch")]
pub use fetch::{DEFAULT_URL, FetchOptions, update};
pub use matching::AffectedRange;
pub use query::{AdvisoryMatch, PackageAdvisories, VulnerabilityMatch};
pub use record::{Advisory, AdvisoryCore, AdvisoryDisplay, CvssScore};
pub use source::{SkippedRecord, SourceRecords, read_source, read_zip};
pub use store::Meta;
pub use temporaries::remove_temporaries;

/// The snapshot of the PyPA advisory database the binary carries (see
/// `data/SNAPSHOT`), in the database file format.
static BUILTIN: &[u8] = include_bytes!("../data/pypa-snapshot.pwdb");

/// The `source` a built-in database reports.
pub const BUILTIN_SOURCE: &str = "built-in";

/// An open vulnerability database.
pub struct Database {
    store: store::Store,
    builtin: bool,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.store.path())
            .field("builtin", &self.builtin)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens a database file written by [`import`] or [`update`]. Checks its
    /// magic, format, length and index checksum: a truncated or foreign
    /// file is an error, never half-read.
    pub fn open(path: &Path) -> Result<Database, DbError> {
        Ok(Database {
            store: store::Store::open(path)?,
            builtin: false,
        })
    }

    /// The snapshot built into the binary.
    pub fn builtin() -> Result<Database, DbError> {
        Ok(Database {
            store: store::Store::from_static(BUILTIN, Path::new("<built-in database>"))?,
            builtin: true,
        })
    }

    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// The file it was opened from (`<built-in database>` for the snapshot).
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// What the database says about itself (counts, dates, source).
    pub fn meta(&self) -> &Meta {
        self.store.meta()
    }

    pub fn info(&self) -> DatabaseInfo {
        let meta = self.store.meta();
        DatabaseInfo {
            advisories: meta.advisories,
            built: meta.built.clone(),
            source: if self.builtin {
                BUILTIN_SOURCE.to_string()
            } else {
                meta.source.clone()
            },
            newest_modified: meta.newest_modified.clone(),
        }
    }

    /// Seconds since the database was built; `None` when its build date is
    /// unreadable.
    pub fn age_seconds(&self) -> Option<i64> {
        let built: jiff::Timestamp = self.store.meta().built.parse().ok()?;
        Some(jiff::Timestamp::now().as_second() - built.as_second())
    }

    /// Every package name with advisories, sorted.
    pub fn package_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.store.package_names()
    }

    /// Every advisory of `package` in full, reduced to its entries for
    /// `package`.
    pub fn advisories(&self, package: &PackageName) -> Result<Vec<Advisory>, DbError> {
        self.decode(package, store::Part::Full)
    }

    /// What the audit needs of every advisory of `package`.
    pub fn cores(&self, package: &PackageName) -> Result<Vec<AdvisoryCore>, DbError> {
        self.decode(package, store::Part::Core)
    }

    /// What findings show of every advisory of `package`, in the order of
    /// [`Database::cores`].
    pub fn displays(&self, package: &PackageName) -> Result<Vec<AdvisoryDisplay>, DbError> {
        self.decode(package, store::Part::Display)
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        package: &PackageName,
        part: store::Part,
    ) -> Result<Vec<T>, DbError> {
        let decoded = self.store.with_part(package.as_str(), part, |json| {
            serde_json::from_slice::<Vec<T>>(json)
        })?;
        match decoded {
            None => Ok(Vec::new()),
            Some(Ok(records)) => Ok(records),
            Some(Err(e)) => Err(DbError::Corrupt {
                path: self.store.path().to_path_buf(),
                detail: format!("the records of `{package}` are unreadable: {e}"),
            }),
        }
    }
}

/// The default location of the downloaded database:
/// `$XDG_CACHE_HOME/pyward/osv-pypi.db`, else `~/.cache/pyward/osv-pypi.db`
/// (the platform cache folder outside Unix).
pub fn default_path() -> Option<PathBuf> {
    let cache = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .filter(|v| !v.is_empty())?;
            if cfg!(windows) {
                std::env::var_os("LOCALAPPDATA").map_or_else(
                    || PathBuf::from(&home).join("AppData").join("Local"),
                    PathBuf::from,
                )
            } else {
                PathBuf::from(home).join(".cache")
            }
        }
    };
    Some(cache.join("pyward").join("osv-pypi.db"))
}
