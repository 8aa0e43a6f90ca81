//! Opening the vulnerability database the user asked for: `--db`,
//! `PYWARD_DB`, the cache folder, or the built-in snapshot; refreshing it
//! first when it is stale and the network is allowed.
//!
//! Only a database that was downloaded (its source is a URL) is refreshed,
//! and only without `--offline`: a database imported from a local folder,
//! or the built-in snapshot, never makes pyward touch the network on its
//! own. `PYWARD_DB_URL` overrides where the refresh downloads from, and
//! `PYWARD_DB_MAX_AGE` (seconds, default a day) when it counts as stale.

use std::path::PathBuf;

use anyhow::Context;
use pyward_osv::Database;

use crate::cli::DbArgs;
use crate::output;

/// How old a downloaded database may get before `scan` and `deps` refresh
/// it.
const MAX_AGE_SECONDS: i64 = 24 * 60 * 60;

/// Where the database lives: `--db`/`PYWARD_DB`, else the cache folder.
pub struct Location {
    pub path: Option<PathBuf>,
    /// Named by the user, so a missing file is an error rather than a
    /// reason to fall back to the built-in snapshot.
    pub explicit: bool,
}

pub fn locate(args: &DbArgs) -> Location {
    match &args.db {
        Some(path) => Location {
            path: Some(path.clone()),
            explicit: true,
        },
        None => Location {
            path: pyward_osv::default_path(),
            explicit: false,
        },
    }
}

/// The database path `db import` and `db update` write to.
pub fn target_path(args: &DbArgs) -> anyhow::Result<PathBuf> {
    locate(args).path.context(
        "cannot tell where the database goes: no cache folder (set XDG_CACHE_HOME or HOME) and no --db",
    )
}

/// Opens the database for `scan` and `deps`.
pub fn open(args: &DbArgs) -> anyhow::Result<Database> {
    let location = locate(args);
    let Some(path) = location.path.filter(|p| location.explicit || p.exists()) else {
        return builtin(true);
    };
    let database = open_file(&path)?;
    if args.offline {
        return Ok(database);
    }
    match stale_source(&database) {
        Some(url) => Ok(refresh(database, &path, &url)),
        None => Ok(database),
    }
}

/// Opens the database without refreshing it or warning (for `db status`).
/// `None` as the path means the built-in snapshot.
pub fn open_quietly(args: &DbArgs) -> anyhow::Result<(Database, Option<PathBuf>)> {
    let location = locate(args);
    match location.path {
        Some(path) if location.explicit || path.exists() => Ok((open_file(&path)?, Some(path))),
        _ => Ok((builtin(false)?, None)),
    }
}

fn open_file(path: &std::path::Path) -> anyhow::Result<Database> {
    if !path.exists() {
        anyhow::bail!(
            "the vulnerability database `{}` does not exist; build it with `pyward db update --db {}`",
            path.display(),
            path.display()
        );
    }
    Ok(Database::open(path)?)
}

fn builtin(warn: bool) -> anyhow::Result<Database> {
    let database =
        Database::builtin().context("the built-in vulnerability database is unreadable")?;
    if warn {
        let built = database.info().built;
        let date = built.get(..10).unwrap_or(&built);
        output::warn(&format!(
            "using the built-in vulnerability database of {date}; run `pyward db update` for current advisories"
        ));
    }
    Ok(database)
}

/// The URL to refresh `database` from, when it was downloaded and is older
/// than the maximum age.
fn stale_source(database: &Database) -> Option<String> {
    let info = database.info();
    let recorded = &info.source;
    if !(recorded.starts_with("https://") || recorded.starts_with("http://")) {
        return None;
    }
    let max_age = std::env::var("PYWARD_DB_MAX_AGE")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(MAX_AGE_SECONDS);
    let age = database.age_seconds()?;
    if age <= max_age {
        return None;
    }
    Some(
        std::env::var("PYWARD_DB_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| recorded.clone()),
    )
}

#[cfg(feature = "fetch")]
fn refresh(old: Database, path: &std::path::Path, url: &str) -> Database {
    use std::io::IsTerminal;
    let options = pyward_osv::FetchOptions {
        timeout: std::time::Duration::from_secs(120),
        progress: std::io::stderr().is_terminal(),
    };
    let failed = |cause: &dyn std::fmt::Display, old: &Database| {
        output::warn(&format!(
            "could not refresh the vulnerability database ({cause}); using the one built {}",
            old.info().built
        ));
    };
    match pyward_osv::update(url, path, &options) {
        Ok(_) => match Database::open(path) {
            Ok(fresh) => fresh,
            Err(e) => {
                failed(&e, &old);
                old
            }
        },
        Err(e) => {
            failed(&e, &old);
            old
        }
    }
}

#[cfg(not(feature = "fetch"))]
fn refresh(old: Database, _path: &std::path::Path, _url: &str) -> Database {
    output::warn(&format!(
        "the vulnerability database was built {} and this pyward cannot download (built without `fetch`)",
        old.info().built
    ));
    old
}
