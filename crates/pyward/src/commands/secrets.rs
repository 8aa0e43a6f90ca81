//! `pyward secrets`: hardcoded keys, tokens and passwords, in the working
//! tree or (`--history`) in every blob reachable from `HEAD`.

use std::path::{Path, PathBuf};

use clap::Args;
use pyward_model::Report;
use pyward_secrets::{Baseline, SecretsConfig, Settings};

use crate::cli::ReportArgs;
use crate::commands::deps;
use crate::config;
use crate::exit::ExitStatus;
use crate::{outcome, output};

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files or folders to scan [default: .]
    pub paths: Vec<PathBuf>,

    /// Report only secrets not listed in this baseline (pyward's, or
    /// detect-secrets' `.secrets.baseline`) [default: `[secrets] baseline`]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write every secret found to the baseline (`--baseline`, the
    /// configured one, or `.secrets.baseline`) instead of reporting them
    #[arg(long)]
    pub update_baseline: bool,

    /// Scan every file version in the git history reachable from HEAD,
    /// reporting the commit that added each secret
    #[arg(long)]
    pub history: bool,

    /// List the secret detectors and exit
    #[arg(long)]
    pub list_detectors: bool,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(args: &SecretsArgs) -> anyhow::Result<ExitStatus> {
    if args.list_detectors {
        output::write_report(args.report.output.as_deref(), list_detectors)?;
        return Ok(ExitStatus::Success);
    }
    let paths = deps::default_paths(&args.paths, true);
    let base = deps::base_dir(&paths, &[]);
    let config = config::load(args.report.config.as_deref(), &base)?;
    // `[secrets]`, checked (unknown keys named) when the file was read.
    let secrets_config = config.config.secrets.clone();
    // A configured baseline is relative to the configuration file's folder
    // (where detect-secrets' `.secrets.baseline` sits), `--baseline` to the
    // current folder.
    let config_dir = config
        .path
        .as_deref()
        .and_then(Path::parent)
        .map_or_else(|| base.clone(), Path::to_path_buf);
    let baseline_path = args
        .baseline
        .clone()
        .or_else(|| Settings::baseline_path(secrets_config.as_ref(), &config_dir));
    let without_baseline = secrets_config.map(|c| SecretsConfig {
        baseline: None,
        ..c
    });
    let mut settings = Settings::from_config(without_baseline.as_ref(), &base)?;

    if args.update_baseline {
        let target = baseline_path.unwrap_or_else(|| config_dir.join(".secrets.baseline"));
        let found = scan(args, &paths, &base, &settings)?;
        report_warnings(&found);
        pyward_secrets::write_baseline(&target, &found.findings, env!("CARGO_PKG_VERSION"))?;
        output::error_line(&format!(
            "wrote {} secret{} to `{}`",
            found.findings.len(),
            if found.findings.len() == 1 { "" } else { "s" },
            target.display()
        ));
        return Ok(if found.errors.is_empty() || args.report.keep_going {
            ExitStatus::Success
        } else {
            ExitStatus::Error
        });
    }

    if let Some(path) = &baseline_path {
        settings.baseline = Some(Baseline::load(path)?);
    }
    let found = scan(args, &paths, &base, &settings)?;
    report_warnings(&found);
    if !found.baselined.is_empty() {
        output::error_line(&format!(
            "note: {} secret{} listed in the baseline not reported",
            found.baselined.len(),
            if found.baselined.len() == 1 {
                " is"
            } else {
                "s are"
            }
        ));
    }
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    let baseline_name = baseline_path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    report.findings = found.findings;
    report.ignored = found
        .baselined
        .into_iter()
        .map(|mut finding| {
            finding.ignore_reason = Some(format!("listed in the baseline `{baseline_name}`"));
            finding
        })
        .collect();
    report.errors = found.errors;
    let incomplete = !report.errors.is_empty();
    outcome::conclude(report, &args.report, &config, incomplete)
}

fn scan(
    args: &SecretsArgs,
    paths: &[PathBuf],
    base: &Path,
    settings: &Settings,
) -> anyhow::Result<pyward_secrets::SecretsOutcome> {
    if args.history {
        let [repo] = paths else {
            anyhow::bail!("`--history` scans one repository; give one path");
        };
        return Ok(pyward_secrets::scan_history(repo, settings)?);
    }
    Ok(pyward_secrets::scan_paths(paths, base, settings))
}

fn report_warnings(found: &pyward_secrets::SecretsOutcome) {
    for warning in &found.warnings {
        output::warn(warning);
    }
}

fn list_detectors(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for detector in pyward_secrets::detectors::REGISTRY {
        writeln!(
            out,
            "{:<24} {:<7} {}",
            detector.id,
            detector.severity.as_str(),
            detector.title
        )?;
    }
    Ok(())
}
