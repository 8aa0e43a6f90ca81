//! Opening the vulnerability database the user asked for: `--db`,
//! `PYWARD_DB`, the cache folder, or the built-in snapshot; refreshing it
//! first when it is stale and the network is allowed.
//!
//! Only a database that was downloaded (its source is a URL) is refreshed,
//! and only without `--offline`: a database imported from a local folder,
//! or the built-in snapshot, never makes pyward touch the network on its
//! own. `PYWARD_DB_URL` overrides where the refresh downloads from, and
//! `PYWARD_DB_MAX_AGE` (seconds, default a day) when it counts as stale.

use std::path::{Path, PathBuf};

use pyward_osv::Database;

use crate::EngineError;

/// How old a downloaded database may get before `scan` and `deps` refresh
/// it.
const MAX_AGE_SECONDS: i64 = 24 * 60 * 60;

/// Which database the user asked for: `--db FILE` (or `PYWARD_DB`), and
/// whether the network may be used to refresh it.
#[derive(Debug, Clone, Default)]
pub struct DbRequest {
    pub path: Option<PathBuf>,
    pub offline: bool,
    /// A download bar on standard error while a stale database is
    /// refreshed (the caller knows whether it is a terminal and `-q`).
    pub progress: bool,
}

/// Where the database lives: `--db`/`PYWARD_DB`, else the cache folder.
pub struct Location {
    pub path: Option<PathBuf>,
    /// Named by the user, so a missing file is an error rather than a
    /// reason to fall back to the built-in snapshot.
    pub explicit: bool,
}

pub fn locate(args: &DbRequest) -> Location {
    match &args.path {
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
pub fn target_path(args: &DbRequest) -> Result<PathBuf, EngineError> {
    locate(args).path.ok_or_else(|| {
        EngineError::NoDatabase(
            "cannot tell where the database goes: no cache folder (set XDG_CACHE_HOME or HOME) and no --db".into(),
        )
    })
}

/// Opens the database for `scan` and `deps`; what the user should hear
/// about it (the built-in snapshot is old, a refresh failed) goes to
/// `warnings`.
pub fn open(args: &DbRequest, warnings: &mut Vec<String>) -> Result<Database, EngineError> {
    let location = locate(args);
    let Some(path) = location.path.filter(|p| location.explicit || p.exists()) else {
        let database = builtin()?;
        let built = database.info().built;
        let date = built.get(..10).unwrap_or(&built);
        warnings.push(format!(
            "using the built-in vulnerability database of {date}; run `pyward db update` for current advisories"
        ));
        return Ok(database);
    };
    let database = open_file(&path)?;
    if args.offline {
        return Ok(database);
    }
    let max_age = std::env::var("PYWARD_DB_MAX_AGE")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(MAX_AGE_SECONDS);
    let url_override = std::env::var("PYWARD_DB_URL").ok();
    match stale_source(&database, max_age, url_override.as_deref()) {
        Some(url) => Ok(refresh(database, &path, &url, args.progress, warnings)),
        None => Ok(database),
    }
}

/// Opens the database without refreshing it or warning (for `db status`).
/// `None` as the path means the built-in snapshot.
pub fn open_quietly(args: &DbRequest) -> Result<(Database, Option<PathBuf>), EngineError> {
    let location = locate(args);
    match location.path {
        Some(path) if location.explicit || path.exists() => Ok((open_file(&path)?, Some(path))),
        _ => Ok((builtin()?, None)),
    }
}

fn open_file(path: &Path) -> Result<Database, EngineError> {
    if !path.exists() {
        return Err(EngineError::NoDatabase(format!(
            "the vulnerability database `{}` does not exist; build it with `pyward db update --db {}`",
            path.display(),
            path.display()
        )));
    }
    Ok(Database::open(path)?)
}

fn builtin() -> Result<Database, EngineError> {
    Database::builtin().map_err(|e| {
        EngineError::NoDatabase(format!(
            "the built-in vulnerability database is unreadable: {e}"
        ))
    })
}

/// The URL to refresh `database` from, when it was downloaded (its source
/// is a URL) and is older than `max_age` seconds: `url_override`
/// (`PYWARD_DB_URL`) or the URL it was downloaded from.
fn stale_source(database: &Database, max_age: i64, url_override: Option<&str>) -> Option<String> {
    let info = database.info();
    let recorded = &info.source;
    if !(recorded.starts_with("https://") || recorded.starts_with("http://")) {
        return None;
    }
    if database.age_seconds()? <= max_age {
        return None;
    }
    Some(
        url_override
            .filter(|u| !u.trim().is_empty())
            .map_or_else(|| recorded.clone(), str::to_string),
    )
}

#[cfg(feature = "fetch")]
fn refresh(
    old: Database,
    path: &Path,
    url: &str,
    progress: bool,
    warnings: &mut Vec<String>,
) -> Database {
    let options = pyward_osv::FetchOptions {
        timeout: std::time::Duration::from_secs(120),
        progress,
        ..pyward_osv::FetchOptions::default()
    };
    let mut failed = |cause: &dyn std::fmt::Display, old: &Database| {
        warnings.push(format!(
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
fn refresh(
    old: Database,
    _path: &Path,
    _url: &str,
    _progress: bool,
    warnings: &mut Vec<String>,
) -> Database {
    warnings.push(format!(
        "the vulnerability database was built {} and this pyward cannot download (built without `fetch`)",
        old.info().built
    ));
    old
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "fetch")]
    use std::io::{BufRead, BufReader, Write};
    #[cfg(feature = "fetch")]
    use std::net::TcpListener;
    use std::path::{Path, PathBuf};

    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../pyward-osv/tests/fixtures")
    }

    /// A database of the fixture records that says it was downloaded from
    /// `source` at `built`.
    fn downloaded(dir: &Path, source: &str, built: &str) -> PathBuf {
        let dest = dir.join("osv.db");
        let records = pyward_osv::read_source(&fixtures().join("osv")).unwrap();
        pyward_osv::build(
            records,
            Path::new("fixtures"),
            &dest,
            source,
            Some(built.into()),
        )
        .unwrap();
        dest
    }

    /// Serves each response (status line, body) to one connection.
    #[cfg(feature = "fetch")]
    fn serve(responses: Vec<(&'static str, Vec<u8>)>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for (status, body) in responses {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut stream = reader.into_inner();
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        format!("http://{addr}/PyPI/all.zip")
    }

    #[test]
    fn only_stale_downloaded_databases_are_refreshed() {
        let dir = tempfile::tempdir().unwrap();
        let url = "https://mirror.example/all.zip";
        let old = Database::open(&downloaded(dir.path(), url, "2020-01-01T00:00:00Z")).unwrap();
        assert_eq!(
            stale_source(&old, MAX_AGE_SECONDS, None).as_deref(),
            Some(url)
        );
        assert_eq!(
            stale_source(&old, MAX_AGE_SECONDS, Some("http://127.0.0.1:1/x.zip")).as_deref(),
            Some("http://127.0.0.1:1/x.zip")
        );
        assert_eq!(stale_source(&old, i64::MAX, None), None, "not old enough");

        let local = dir.path().join("local");
        std::fs::create_dir(&local).unwrap();
        let imported =
            Database::open(&downloaded(&local, "/data/osv", "2020-01-01T00:00:00Z")).unwrap();
        assert_eq!(
            stale_source(&imported, 0, None),
            None,
            "imported from a folder"
        );
        assert_eq!(stale_source(&Database::builtin().unwrap(), 0, None), None);
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn refresh_replaces_a_stale_database_and_keeps_it_when_the_download_fails() {
        let dir = tempfile::tempdir().unwrap();
        let zip = std::fs::read(fixtures().join("demo-all.zip")).unwrap();
        let url = serve(vec![
            ("500 Internal Server Error", b"down".to_vec()),
            ("200 OK", zip),
        ]);
        let path = downloaded(dir.path(), &url, "2020-01-01T00:00:00Z");
        let old = Database::open(&path).unwrap();
        assert_eq!(old.info().advisories, 6);

        let mut warnings = Vec::new();
        let kept = refresh(old, &path, &url, false, &mut warnings);
        assert!(warnings[0].contains("could not refresh"), "{warnings:?}");
        assert_eq!(kept.info().advisories, 6, "the old database is kept");
        assert_eq!(kept.info().built, "2020-01-01T00:00:00Z");

        let fresh = refresh(kept, &path, &url, false, &mut warnings);
        assert_eq!(fresh.info().advisories, 2);
        assert_eq!(fresh.info().source, url);
        assert!(fresh.age_seconds().unwrap() < 3600);
    }

    #[test]
    fn an_explicit_database_that_does_not_exist_is_an_error() {
        let args = DbRequest {
            path: Some(PathBuf::from("/nonexistent/osv.db")),
            offline: true,
            progress: false,
        };
        let err = open(&args, &mut Vec::new()).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        assert!(err.contains("pyward db update"), "{err}");
    }
}
