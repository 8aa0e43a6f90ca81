//! `pyward scan`: every scanner over a project, one report.

use std::path::PathBuf;

use clap::Args;
use pyward_model::{Finding, ScanError};

use crate::cli::{DbArgs, ReportArgs};
use crate::commands::deps::{self, SelectionArgs};
use crate::config;
use crate::exit::ExitStatus;
use crate::{outcome, output};

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Project folders [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Leave out these scanners: deps, code, secrets (comma-separated)
    #[arg(long, value_delimiter = ',', value_parser = ["deps", "code", "secrets"])]
    pub skip: Vec<String>,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let paths = deps::default_paths(&args.paths, true);
    let base = deps::base_dir(&paths, &[]);
    let config = config::load(args.report.config.as_deref(), &base)?;
    let runs = |scanner: &str| !args.skip.iter().any(|s| s == scanner);

    let mut report = if runs("deps") {
        let inventory = deps::read_inventory(&paths, &[], &args.selection, &base)?;
        deps::audit(inventory, &args.db)?
    } else {
        pyward_model::Report::new(env!("CARGO_PKG_VERSION"))
    };

    let (more, more_errors, baselined) = std::thread::scope(|scope| {
        let code = runs("code").then(|| scope.spawn(|| scan_code(&paths, &base, &config)));
        let secrets = runs("secrets").then(|| scope.spawn(|| scan_secrets(&paths, &base, &config)));
        let mut findings = Vec::new();
        let mut errors = Vec::new();
        let mut baselined = Vec::new();
        for handle in [code, secrets].into_iter().flatten() {
            let found = handle
                .join()
                .map_err(|_| anyhow::anyhow!("a scanner stopped unexpectedly"))??;
            findings.extend(found.findings);
            errors.extend(found.errors);
            baselined.extend(found.ignored);
        }
        anyhow::Ok((findings, errors, baselined))
    })?;
    report.findings.extend(more);
    report.errors.extend(more_errors);
    report.ignored.extend(baselined);

    // Whatever could not be read, by any scanner, leaves the scan
    // incomplete, as in `deps`, `code` and `secrets` alone.
    let incomplete = !report.errors.is_empty();
    outcome::conclude(report, &args.report, &config, incomplete)
}

/// What one file scanner found; `ignored` holds findings its own baseline
/// suppressed (the secrets baseline), kept for the report's record.
struct Found {
    findings: Vec<Finding>,
    errors: Vec<ScanError>,
    ignored: Vec<Finding>,
}

type ScannerResult = anyhow::Result<Found>;

fn scan_code(
    paths: &[PathBuf],
    base: &std::path::Path,
    config: &config::LoadedConfig,
) -> ScannerResult {
    let settings = pyward_lint::Settings::from_config(config.config.code.as_ref(), base)?;
    let outcome = pyward_lint::check_paths(paths, base, &settings);
    Ok(Found {
        findings: outcome.findings,
        errors: outcome.errors,
        ignored: Vec::new(),
    })
}

fn scan_secrets(
    paths: &[PathBuf],
    base: &std::path::Path,
    config: &config::LoadedConfig,
) -> ScannerResult {
    let settings = pyward_secrets::Settings::from_config(config.config.secrets.as_ref(), base)?;
    let outcome = pyward_secrets::scan_paths(paths, base, &settings);
    for warning in &outcome.warnings {
        output::warn(warning);
    }
    Ok(Found {
        findings: outcome.findings,
        errors: outcome.errors,
        ignored: outcome.baselined,
    })
}
