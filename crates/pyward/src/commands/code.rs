//! `pyward code`: static analysis of Python source (Bandit's checks and
//! pyward's own).

use std::path::PathBuf;

use clap::Args;
use pyward_lint::{CodeConfig, Settings};
use pyward_model::{Confidence, Report, Severity};

use crate::cli::ReportArgs;
use crate::commands::deps;
use crate::config;
use crate::exit::ExitStatus;
use crate::{outcome, output};

#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Files or folders to scan [default: .]
    pub paths: Vec<PathBuf>,

    /// Run only these rules: ids or prefixes, comma-separated (`B6,PW`)
    /// [default: every rule, or `[code] select`]
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,

    /// Do not run these rules: ids or prefixes, comma-separated (added to
    /// `[code] ignore`)
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    /// Report only findings of this severity or higher: low, medium, high
    #[arg(long, value_name = "SEVERITY")]
    pub severity: Option<Severity>,

    /// Report only findings of this confidence or higher: low, medium,
    /// high
    #[arg(long, value_name = "CONFIDENCE")]
    pub confidence: Option<Confidence>,

    /// Skip files and folders matching these globs, comma-separated
    /// (added to `[code] exclude`)
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(args: &CodeArgs) -> anyhow::Result<ExitStatus> {
    let paths = deps::default_paths(&args.paths, true);
    let base = deps::base_dir(&paths, &[]);
    let config = config::load(args.report.config.as_deref(), &base)?;

    // `[code]` when there is one; else a migrating user's Bandit settings.
    let mut code = match &config.config.code {
        Some(code) => code.clone(),
        None => match pyward_lint::bandit_config(&base)? {
            Some(bandit) => {
                output::error_line(&format!(
                    "note: using Bandit's settings from `{}` (no `[code]` configuration)",
                    bandit.source.display()
                ));
                for id in bandit.unknown_ids() {
                    output::warn(&format!(
                        "`{id}` in `{}` is not a pyward rule; left out",
                        bandit.source.display()
                    ));
                }
                bandit.to_code_config()
            }
            None => CodeConfig::default(),
        },
    };
    apply_arguments(&mut code, args);
    let settings = Settings::from_code_config(&code)?;

    let outcome = pyward_lint::check_paths(&paths, &base, &settings);
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    report.findings = outcome.findings;
    report.errors = outcome.errors;
    let incomplete = !report.errors.is_empty();
    outcome::conclude(report, &args.report, &config, incomplete)
}

/// Command-line options win over the configuration: `--select` replaces
/// it, `--ignore` and `--exclude` add to it, the floors replace it.
fn apply_arguments(code: &mut CodeConfig, args: &CodeArgs) {
    if !args.select.is_empty() {
        code.select = Some(args.select.clone());
    }
    code.ignore.extend(args.ignore.iter().cloned());
    code.exclude.extend(args.exclude.iter().cloned());
    if args.severity.is_some() {
        code.severity = args.severity;
    }
    if args.confidence.is_some() {
        code.confidence = args.confidence;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        code: CodeArgs,
    }

    #[test]
    fn arguments_override_configuration() {
        let args = Wrapper::parse_from([
            "x",
            "--select",
            "B6,PW",
            "--ignore",
            "B602",
            "--severity",
            "medium",
            "--exclude",
            "tests/**",
        ])
        .code;
        let mut code = CodeConfig {
            select: Some(vec!["B1".into()]),
            ignore: vec!["B101".into()],
            ..CodeConfig::default()
        };
        apply_arguments(&mut code, &args);
        assert_eq!(code.select, Some(vec!["B6".to_string(), "PW".to_string()]));
        assert_eq!(code.ignore, vec!["B101", "B602"]);
        assert_eq!(code.severity, Some(Severity::Medium));
        assert_eq!(code.exclude, vec!["tests/**"]);
    }
}
