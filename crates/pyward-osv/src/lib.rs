//! The OSV vulnerability database: reads OSV records (folders of JSON/YAML,
//! single files, OSV's zip exports), stores a PyPI index on disk, and
//! matches PyPI package versions against it exactly as OSV defines.
//!
//! ```text
//! source (folder | file | zip) --read_source--> Vec<Advisory>
//!     --import/build--> database file (store.rs: header, per-package blobs, index)
//!     --Database::open/builtin--> Database::audit(&[Dependency]) -> Vec<Finding>
//! ```

mod audit;
pub use audit::{AdvisoryMatch, PackageAdvisories};
mod error;
#[cfg(feature = "fetch")]
mod fetch;
pub mod matching;
pub mod record;
pub mod severity;
mod source;
mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pyward_model::{DatabaseInfo, PackageName};

pub use error::DbError;
#[cfg(feature = "fetch")]
pub use fetch::{DEFAULT_URL, FetchOptions, update};
pub use record::{Advisory, AdvisoryCore, AdvisoryDisplay};
pub use source::{SkippedRecord, SourceRecords, read_source};
pub use store::Meta;

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

/// How [`import`] labels what it builds.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// When the database was built (RFC 3339) [default: now].
    pub built: Option<String>,
    /// What to record as its source [default: the source path].
    pub source_label: Option<String>,
}

/// What an import read and wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub meta: Meta,
    /// Malformed records, left out.
    pub skipped: Vec<SkippedRecord>,
    pub withdrawn: usize,
    pub other_ecosystems: usize,
    /// Files (or zip entries) read.
    pub files: usize,
}

/// Builds a database at `dest` from the OSV records at `source` (folder,
/// file or zip), atomically: `dest` is replaced only once the new database
/// is complete, and stays as it was on any error.
pub fn import(
    source: &Path,
    dest: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, DbError> {
    let records = read_source(source)?;
    let label = options
        .source_label
        .clone()
        .unwrap_or_else(|| absolute_display(source));
    build(records, source, dest, &label, options.built.clone())
}

fn absolute_display(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Writes `records` as a database at `dest`. `origin` names the source in
/// errors; an origin with no PyPI record at all is refused.
pub fn build(
    records: SourceRecords,
    origin: &Path,
    dest: &Path,
    source_label: &str,
    built: Option<String>,
) -> Result<ImportReport, DbError> {
    if records.advisories.is_empty() {
        let detail = match records.skipped.first() {
            Some(first) => format!(" ({} malformed, the first: {first})", records.skipped.len()),
            None if records.files == 0 => " (no .json, .yaml or .yml records found)".to_string(),
            None => format!(
                " ({} records of other ecosystems or withdrawn)",
                records.files
            ),
        };
        return Err(DbError::NoRecords {
            path: origin.to_path_buf(),
            detail,
        });
    }
    // One advisory per id: when a source holds two, the newer wins.
    let mut by_id: BTreeMap<String, Advisory> = BTreeMap::new();
    for advisory in records.advisories {
        match by_id.get(&advisory.id) {
            Some(old) if old.modified >= advisory.modified => {}
            _ => {
                by_id.insert(advisory.id.clone(), advisory);
            }
        }
    }
    let mut newest: Option<(jiff::Timestamp, &str)> = None;
    type Parts = (Vec<AdvisoryCore>, Vec<AdvisoryDisplay>, Vec<Advisory>);
    let mut by_package: BTreeMap<String, Parts> = BTreeMap::new();
    for advisory in by_id.values() {
        if let Some((ts, modified)) = advisory
            .modified
            .as_deref()
            .and_then(|m| Some((m.parse::<jiff::Timestamp>().ok()?, m)))
            && newest.is_none_or(|(n, _)| ts > n)
        {
            newest = Some((ts, modified));
        }
        let mut packages: Vec<&PackageName> =
            advisory.affected.iter().map(|a| &a.package).collect();
        packages.sort();
        packages.dedup();
        for package in packages {
            let mut one = advisory.clone();
            one.affected.retain(|a| &a.package == package);
            let slot = by_package.entry(package.as_str().to_string()).or_default();
            slot.0.push(AdvisoryCore::from_advisory(&one));
            slot.1.push(AdvisoryDisplay::from_advisory(&one));
            slot.2.push(one);
        }
    }
    let built = built.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap_or_else(|_| jiff::Timestamp::now())
            .to_string()
    });
    let meta = Meta {
        built,
        source: source_label.to_string(),
        advisories: by_id.len(),
        packages: by_package.len(),
        newest_modified: newest
            .map(|(ts, _)| ts.round(jiff::Unit::Second).unwrap_or(ts).to_string()),
        skipped: records.skipped.len(),
        withdrawn: records.withdrawn,
    };
    let mut blobs = BTreeMap::new();
    for (name, (cores, displays, full)) in by_package {
        let blob = store::PackageBlobs {
            core: to_json(dest, &cores)?,
            display: to_json(dest, &displays)?,
            full: to_json(dest, &full)?,
        };
        blobs.insert(name, blob);
    }
    store::write_atomically(dest, &blobs, &meta)?;
    Ok(ImportReport {
        meta,
        skipped: records.skipped,
        withdrawn: records.withdrawn,
        other_ecosystems: records.other_ecosystems,
        files: records.files,
    })
}

fn to_json<T: serde::Serialize>(dest: &Path, value: &T) -> Result<Vec<u8>, DbError> {
    serde_json::to_vec(value).map_err(|e| DbError::Write {
        path: dest.to_path_buf(),
        cause: std::io::Error::other(e),
    })
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
