//! `pyward db import|update|status`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Subcommand;
use pyward_osv::{ImportOptions, ImportReport};

use crate::cli::DbArgs;
use crate::exit::ExitStatus;
use crate::output;
use pyward_engine::database;

/// How many malformed records are named one by one before the rest are
/// only counted.
const MAX_LISTED_SKIPS: usize = 20;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Build the database from a local OSV source (folder, file or zip)
    Import {
        /// Folder of OSV JSON/YAML files, one OSV file, or a zip of JSON files
        source: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Download OSV's PyPI archive and rebuild the database
    Update {
        /// Where to download from [default: OSV's PyPI/all.zip]
        #[arg(long, env = "PYWARD_DB_URL")]
        url: Option<String>,
        /// Give up when the download takes longer than this many seconds
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        timeout: u64,
        /// No download bar (it shows only on a terminal anyway)
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Describe the database: where, from what, how big, how old
    Status {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(command: &DbCommand) -> anyhow::Result<ExitStatus> {
    match command {
        DbCommand::Import { source, db } => import(source, db),
        DbCommand::Update {
            url,
            timeout,
            quiet,
            db,
        } => update(url.as_deref(), *timeout, *quiet, db),
        DbCommand::Status { db } => status(db),
    }
}

fn import(source: &std::path::Path, args: &DbArgs) -> anyhow::Result<ExitStatus> {
    let dest = database::target_path(&args.request())?;
    let started = Instant::now();
    let report = pyward_osv::import(source, &dest, &ImportOptions::default())?;
    summarize(&dest, &report, started);
    Ok(ExitStatus::Success)
}

#[cfg(feature = "fetch")]
fn update(
    url: Option<&str>,
    timeout: u64,
    quiet: bool,
    args: &DbArgs,
) -> anyhow::Result<ExitStatus> {
    if args.offline {
        anyhow::bail!(
            "`pyward db update` downloads the database, and --offline forbids the network"
        );
    }
    let url = url
        .filter(|u| !u.trim().is_empty())
        .unwrap_or(pyward_osv::DEFAULT_URL);
    let dest = database::target_path(&args.request())?;
    let options = pyward_osv::FetchOptions {
        timeout: std::time::Duration::from_secs(timeout.max(1)),
        progress: !quiet && args.request().progress,
        ..pyward_osv::FetchOptions::default()
    };
    let started = Instant::now();
    let report = pyward_osv::update(url, &dest, &options)?;
    summarize(&dest, &report, started);
    Ok(ExitStatus::Success)
}

#[cfg(not(feature = "fetch"))]
fn update(
    _url: Option<&str>,
    _timeout: u64,
    _quiet: bool,
    _args: &DbArgs,
) -> anyhow::Result<ExitStatus> {
    anyhow::bail!(
        "this pyward was built without the `fetch` feature and cannot download; use `pyward db import`"
    )
}

fn summarize(dest: &std::path::Path, report: &ImportReport, started: Instant) {
    for skipped in report.skipped.iter().take(MAX_LISTED_SKIPS) {
        output::warn(&format!("skipped malformed record {skipped}"));
    }
    if report.skipped.len() > MAX_LISTED_SKIPS {
        output::warn(&format!(
            "... and {} more malformed records",
            report.skipped.len() - MAX_LISTED_SKIPS
        ));
    }
    let mut notes = Vec::new();
    if !report.skipped.is_empty() {
        notes.push(format!("{} malformed skipped", report.skipped.len()));
    }
    if report.withdrawn > 0 {
        notes.push(format!("{} withdrawn skipped", report.withdrawn));
    }
    if report.not_regular > 0 {
        notes.push(format!(
            "{} links or special files not read",
            report.not_regular
        ));
    }
    if report.meta.malicious > 0 {
        notes.push(format!(
            "{} malicious-package records",
            report.meta.malicious
        ));
    }
    if report.stale_removed > 0 {
        output::error_line(&format!(
            "note: removed {} temporary file{} an interrupted run left behind",
            report.stale_removed,
            if report.stale_removed == 1 { "" } else { "s" }
        ));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    };
    println!(
        "built {}: {} advisories for {} packages{notes} in {:.2} s",
        dest.display(),
        report.meta.advisories,
        report.meta.packages,
        started.elapsed().as_secs_f64()
    );
}

fn status(args: &DbArgs) -> anyhow::Result<ExitStatus> {
    let (db, path) = database::open_quietly(&args.request())?;
    let meta = db.meta();
    let info = db.info();
    let location = match &path {
        Some(path) => path.display().to_string(),
        None => match database::locate(&args.request()).path {
            Some(default) => format!("built-in (no database at {})", default.display()),
            None => "built-in".to_string(),
        },
    };
    let source = if db.is_builtin() {
        format!("built-in ({})", meta.source)
    } else {
        info.source.clone()
    };
    let age = db
        .age_seconds()
        .map_or_else(|| "unknown".into(), describe_age);
    println!("database:        {location}");
    println!("source:          {source}");
    println!("advisories:      {}", meta.advisories);
    if meta.malicious == 0 {
        println!(
            "malicious:       0 malicious-package records{}",
            if db.is_builtin() {
                " (the built-in database holds PyPA advisories only; `pyward db update` brings OSV's malicious-package records)"
            } else {
                ""
            }
        );
    } else {
        println!(
            "malicious:       {} malicious-package records",
            meta.malicious
        );
    }
    println!("packages:        {}", meta.packages);
    println!("built:           {} ({age} ago)", meta.built);
    println!(
        "newest modified: {}",
        meta.newest_modified.as_deref().unwrap_or("unknown")
    );
    if meta.skipped > 0 {
        println!("skipped records: {}", meta.skipped);
    }
    Ok(ExitStatus::Success)
}

fn describe_age(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (n, unit) = if seconds >= 2 * 86_400 {
        (seconds / 86_400, "day")
    } else if seconds >= 2 * 3600 {
        (seconds / 3600, "hour")
    } else if seconds >= 120 {
        (seconds / 60, "minute")
    } else {
        (seconds, "second")
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{plural}")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/pyward-osv/tests/fixtures")
    }

    fn args(db: &Path, offline: bool) -> DbArgs {
        DbArgs {
            db: Some(db.to_path_buf()),
            offline,
        }
    }

    #[test]
    fn import_then_status_and_a_failed_import_keeps_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("osv.db");
        let import = DbCommand::Import {
            source: fixtures().join("osv"),
            db: args(&db, true),
        };
        assert_eq!(run(&import).unwrap(), ExitStatus::Success);
        let before = std::fs::read(&db).unwrap();
        let status = DbCommand::Status {
            db: args(&db, true),
        };
        assert_eq!(run(&status).unwrap(), ExitStatus::Success);

        let bad = DbCommand::Import {
            source: fixtures().join("not-osv.json"),
            db: args(&db, true),
        };
        let err = run(&bad).unwrap_err().to_string();
        assert!(err.contains("not-osv.json"), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), before);
    }

    #[test]
    fn status_of_a_missing_database_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let status = DbCommand::Status {
            db: args(&dir.path().join("absent.db"), true),
        };
        let err = run(&status).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[cfg(feature = "fetch")]
    #[test]
    fn update_refuses_offline_and_reports_an_unreachable_server_in_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("osv.db");
        let offline = DbCommand::Update {
            url: None,
            timeout: 5,
            quiet: true,
            db: args(&db, true),
        };
        let err = run(&offline).unwrap_err().to_string();
        assert!(err.contains("--offline"), "{err}");

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/all.zip", closed.local_addr().unwrap());
        drop(closed);
        let update = DbCommand::Update {
            url: Some(url),
            timeout: 5,
            quiet: true,
            db: args(&db, false),
        };
        let err = run(&update).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot download http://127.0.0.1:"),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
        assert!(!db.exists(), "nothing written");
    }

    #[test]
    fn ages_read_well() {
        assert_eq!(describe_age(1), "1 second");
        assert_eq!(describe_age(600), "10 minutes");
        assert_eq!(describe_age(3 * 3600), "3 hours");
        assert_eq!(describe_age(86_400 * 400), "400 days");
        assert_eq!(describe_age(-5), "0 seconds");
    }
}
