//! `pyward secrets`: hardcoded keys, tokens and passwords, in the working
//! tree or (`--history`) in every blob reachable from `HEAD`.

use std::path::PathBuf;

use clap::Args;
use pyward_engine::{Engine, Request, ScannerId, SecretsRequest, SecretsScan, Setup};

use crate::cli::ReportArgs;
use crate::exit::ExitStatus;
use crate::{outcome, output};

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files or folders to scan [default: .]
    pub paths: Vec<PathBuf>,

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
    let mut request = Request {
        paths: args.paths.clone(),
        secrets: SecretsRequest {
            // `--baseline` (in the report options) is read by the engine:
            // a saved report, or a secrets baseline handed back here.
            baseline: None,
            history: args.history,
        },
        ..Request::default()
    };
    args.report.apply(&mut request);
    if args.update_baseline {
        return update_baseline(request, args);
    }
    let engine = Engine::new(request, &[ScannerId::Secrets])?;
    outcome::run(engine, &args.report)
}

/// `--update-baseline`: every secret found goes into the baseline.
fn update_baseline(request: Request, args: &SecretsArgs) -> anyhow::Result<ExitStatus> {
    let setup = Setup::new(request)?;
    let scan = SecretsScan::new(&setup)?;
    let target = scan
        .baseline_path()
        .map(PathBuf::from)
        .unwrap_or_else(|| setup.config_folder().join(".secrets.baseline"));
    let found = scan.scan_all()?;
    for warning in &found.warnings {
        output::warn(warning);
    }
    for error in &found.errors {
        output::error_line(&format!("error: {error}"));
    }
    pyward_secrets::write_baseline(&target, &found.findings, env!("CARGO_PKG_VERSION"))?;
    output::error_line(&format!(
        "wrote {} secret{} to `{}`",
        found.findings.len(),
        if found.findings.len() == 1 { "" } else { "s" },
        target.display()
    ));
    Ok(if found.errors.is_empty() || args.report.keep_going {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
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
