//! `pyward fix`: moves each vulnerable pin to the smallest release that
//! fixes its known vulnerabilities (`pyward_fix`), edits the files that
//! state it, and names (or with `--run-lockers` runs) the commands that
//! update the lockfiles.
//!
//! Standard output says what changed, what cannot be fixed and why, and
//! the lock commands; warnings go to standard error. Exit status: 0 when
//! every vulnerable pin is fixed (or, with `--dry-run`, would be), 1 when
//! vulnerabilities remain (not fixable, a file left alone, a lockfile not
//! yet updated), 2 when the project or database could not be read or a
//! file could not be written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use pyward_engine::{Engine, Level, Request, ScannerId};
use pyward_fix::{ApplyError, Limit, LockRun, Project, ReleaseSource};
use pyward_model::ScanRoot;

use crate::cli::DbArgs;
use crate::exit::ExitStatus;
use crate::output;

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Project folders or dependency files (requirements file,
    /// pyproject.toml, lockfile) [default: .]
    pub paths: Vec<PathBuf>,

    /// How far a pin may move: patch (3.0.1 → 3.0.14), minor (3.0.1 →
    /// 3.2.25) or major
    #[arg(long, default_value = "minor", value_name = "LIMIT", value_parser = parse_limit)]
    pub limit: Limit,

    /// Print the changes as a unified diff and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Run the commands that update the lockfiles (uv, poetry, pdm,
    /// pipenv), when the tool is installed
    #[arg(long, conflicts_with = "dry_run")]
    pub run_lockers: bool,

    /// Leave these advisories alone, as `[[ignore]]` entries would
    /// (repeatable, comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    /// Configuration file [default: pyward.toml, .pyward.toml or
    /// [tool.pyward] in pyproject.toml, found upward from the scanned path]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub db: DbArgs,
}

fn parse_limit(text: &str) -> Result<Limit, String> {
    text.parse()
}

/// Where PyPI's JSON API is (`PYWARD_PYPI_URL` points it elsewhere: a
/// mirror, or a test server).
#[cfg(feature = "fetch")]
const PYPI_URL_VARIABLE: &str = "PYWARD_PYPI_URL";

/// Which releases exist: PyPI unless offline (or built without `fetch`).
fn release_source(offline: bool) -> Box<dyn ReleaseSource> {
    #[cfg(feature = "fetch")]
    if !offline {
        let url = std::env::var(PYPI_URL_VARIABLE)
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| pyward_fix::pypi::DEFAULT_URL.to_string());
        return Box::new(pyward_fix::pypi::PypiReleases::new(&url));
    }
    let _ = offline;
    Box::new(pyward_fix::NoIndex)
}

pub fn run(args: &FixArgs) -> anyhow::Result<ExitStatus> {
    let request = Request {
        paths: args.paths.clone(),
        db: args.db.request(),
        config_file: args.config.clone(),
        ignore: args.ignore.clone(),
        ..Request::default()
    };
    let engine = Engine::new(request, &[ScannerId::Deps])?;
    let inventory = Arc::clone(&engine.setup().inventory);
    let roots = roots(&engine.setup().paths);
    // Files are named as the user would type them (the diff's headers as
    // `git diff` names them: see `diff_name`).
    let root = engine.setup().root.clone();
    let shown = |source: &str| root.display_path(source);
    let fix_command = engine.setup().fix_command();
    let outcome = engine.run()?;
    // The scan's "run `pyward fix`" note is what this command does.
    let fixable_note = pyward_engine::fixable_note(&outcome.report, &fix_command);
    for message in &outcome.messages {
        if Some(&message.text) != fixable_note.as_ref() {
            output::message(message.level, &message.text);
        }
    }
    if !outcome.report.errors.is_empty() {
        for error in &outcome.report.errors {
            output::message(Level::Error, &error.to_string());
        }
        output::message(
            Level::Hint,
            "pyward fix changes nothing while part of the project cannot be read",
        );
        return Ok(ExitStatus::Error);
    }
    let project = Project::read(&inventory.get().dependencies, &roots);
    if !project.errors.is_empty() {
        for error in &project.errors {
            output::message(Level::Error, &error.to_string());
        }
        output::message(
            Level::Hint,
            "pyward fix changes nothing while a file that may constrain the versions cannot be read",
        );
        return Ok(ExitStatus::Error);
    }
    let (database, _) = pyward_engine::database::open_quietly(&args.db.request())?;
    let advisories = pyward_fix::DatabaseAdvisories::new(&database);
    let index = release_source(args.db.offline);
    let plan = pyward_fix::plan(
        &outcome.report.findings,
        &outcome.report.ignored,
        &project,
        &advisories,
        index.as_ref(),
        args.limit,
    )?;
    for warning in &plan.warnings {
        output::message(Level::Warning, warning);
    }
    let changes = pyward_fix::changes(&plan, &project);

    let mut out = std::io::stdout().lock();
    let mut remaining = !plan.unfixable.is_empty() || !changes.not_edited.is_empty();
    let mut failed_writes = false;
    let mut changed_files = 0;
    let verb = if args.dry_run {
        "would change"
    } else {
        "changed"
    };
    for change in &changes.files {
        let applied = if args.dry_run {
            pyward_fix::verify(change).map_err(ApplyError::from)
        } else {
            change.apply()
        };
        match applied {
            Ok(()) => {
                changed_files += 1;
                if args.dry_run {
                    write!(
                        out,
                        "{}",
                        pyward_fix::unified_diff(change, &diff_name(&change.source, &root))
                    )?;
                }
                for edit in &change.edits {
                    let place = match edit.line {
                        Some(line) => format!("{}:{line}", shown(&change.source)),
                        None => shown(&change.source),
                    };
                    writeln!(
                        out,
                        "{verb} {place}: {} {} → {}",
                        edit.package, edit.from, edit.to
                    )?;
                    if edit.hashes_removed > 0 {
                        output::message(
                            Level::Warning,
                            &format!(
                                "{place}: removed {} `--hash` value{} of {} (they were for {}); regenerate them, e.g. with `pip-compile --generate-hashes`",
                                edit.hashes_removed,
                                if edit.hashes_removed == 1 { "" } else { "s" },
                                edit.package,
                                edit.from
                            ),
                        );
                    }
                }
            }
            Err(ApplyError::Verify(why)) => {
                remaining = true;
                output::message(
                    Level::Error,
                    &format!("{}: left untouched: {why}", shown(&change.source)),
                );
            }
            Err(ApplyError::Write(why)) => {
                failed_writes = true;
                output::message(Level::Error, &why.to_string());
            }
        }
    }
    for skipped in &changes.not_edited {
        let place = match skipped.line {
            Some(line) => format!("{}:{line}", shown(&skipped.source)),
            None => shown(&skipped.source),
        };
        writeln!(
            out,
            "not changed {place}: {} {}: {}",
            skipped.package, skipped.version, skipped.reason
        )?;
    }
    if !plan.unfixable.is_empty() {
        writeln!(out, "not fixable:")?;
        for unfixable in &plan.unfixable {
            let place = match (&unfixable.source, unfixable.line) {
                (Some(source), Some(line)) => format!(" ({}:{line})", shown(source)),
                (Some(source), None) => format!(" ({})", shown(source)),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {} {} {}{place}: {}",
                unfixable.package,
                unfixable.version.as_deref().unwrap_or("(unpinned)"),
                unfixable.id,
                unfixable.reason
            )?;
        }
    }
    if !changes.locks.is_empty() {
        writeln!(out, "lockfiles:")?;
    }
    for lock in &changes.locks {
        let Some(line) = lock.command_line() else {
            remaining = true;
            writeln!(
                out,
                "  {}: regenerate it with the tool that wrote it ({})",
                shown(&lock.lockfile),
                lock.moves.join(", ")
            )?;
            continue;
        };
        writeln!(out, "  {}: {line}", shown(&lock.lockfile))?;
        if !args.run_lockers {
            remaining = true;
            continue;
        }
        match lock.run() {
            LockRun::Succeeded => writeln!(out, "  {}: updated", shown(&lock.lockfile))?,
            LockRun::Failed {
                status,
                output: text,
            } => {
                remaining = true;
                output::message(
                    Level::Error,
                    &format!("`{line}` failed ({status}):\n{text}"),
                );
            }
            LockRun::NotInstalled { program } => {
                remaining = true;
                output::message(
                    Level::Warning,
                    &format!("`{program}` is not installed; run `{line}` where it is"),
                );
            }
            LockRun::NoCommand => remaining = true,
            LockRun::CannotStart(why) => {
                remaining = true;
                output::message(Level::Error, &format!("cannot run `{line}`: {why}"));
            }
        }
    }
    let upgrades = plan.upgrades.len();
    if upgrades == 0 && plan.unfixable.is_empty() {
        writeln!(
            out,
            "nothing to fix: no known vulnerability in a pinned dependency"
        )?;
    } else {
        writeln!(
            out,
            "{} {changed_files} file{}; {} advisor{} not fixable",
            if args.dry_run {
                "would change"
            } else {
                "changed"
            },
            if changed_files == 1 { "" } else { "s" },
            plan.unfixable.len(),
            if plan.unfixable.len() == 1 {
                "y"
            } else {
                "ies"
            },
        )?;
    }
    if !args.run_lockers
        && !args.dry_run
        && changes.locks.iter().any(|l| l.command_line().is_some())
    {
        output::message(
            Level::Hint,
            "the lockfiles above still pin the old versions: run their commands, or `pyward fix --run-lockers`",
        );
    }
    out.flush()?;
    Ok(if failed_writes {
        ExitStatus::Error
    } else if remaining {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// A file as a diff header names it, as `git diff` would: relative to
/// the top of the git repository when the file is in one (`git apply`
/// takes the patch's paths from there, wherever in the repository it
/// runs); otherwise as the user would type it from here, for `git apply`
/// or `patch -p1` in this folder, unless that climbs out (`..`) or is
/// absolute, which both refuse: then relative to the scanned tree.
fn diff_name(source: &str, root: &ScanRoot) -> String {
    if root.in_repository.is_some() {
        return root.repository_path(source);
    }
    let shown = root.display_path(source);
    let climbs = Path::new(&shown)
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir));
    if Path::new(&shown).is_absolute() || climbs {
        source.to_string()
    } else {
        shown
    }
}

/// The folders files found beside the named ones must stay in: each
/// scanned folder, or a scanned file's folder, resolved.
fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|path| {
            let folder = if path.is_dir() {
                path.clone()
            } else {
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), PathBuf::from)
            };
            std::fs::canonicalize(folder).ok()
        })
        .collect()
}
