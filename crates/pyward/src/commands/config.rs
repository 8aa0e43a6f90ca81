//! `pyward config --show`: the settings a scan of PATH would run with, and
//! where each one came from.

use std::path::PathBuf;

use clap::Args;
use pyward_engine::config::show;
use pyward_engine::{FailOn, Request, Setup};
use pyward_model::Severity;

use crate::cli::DbArgs;
use crate::exit::ExitStatus;
use crate::output;

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print every setting in effect and where it came from
    #[arg(long, required = true)]
    pub show: bool,

    /// The project folder a scan would run on [default: .]
    pub path: Option<PathBuf>,

    /// Configuration file [default: found upward from PATH]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// As the scanning commands' `--fail-on`
    #[arg(long, value_name = "SEVERITY", value_parser = |s: &str| s.parse::<FailOn>())]
    pub fail_on: Option<FailOn>,

    /// As the scanning commands' `--min-severity`
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,

    /// As the scanning commands' `--ignore`
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: &ConfigArgs) -> anyhow::Result<ExitStatus> {
    let setup = Setup::new(Request {
        paths: args.path.iter().cloned().collect(),
        config_file: args.config.clone(),
        fail_on: args.fail_on,
        min_severity: args.min_severity,
        ignore: args.ignore.clone(),
        db: args.db.request(),
        ..Request::default()
    })?;
    let settings = show::effective(&setup);
    output::write_report(None, |out| {
        match &setup.config.path {
            Some(path) => writeln!(out, "# configuration: {}", path.display())?,
            None => writeln!(out, "# configuration: none found (defaults)")?,
        }
        let width = settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
        for setting in &settings {
            writeln!(
                out,
                "{:<width$} = {}  # {}",
                setting.key, setting.value, setting.origin
            )?;
        }
        Ok(())
    })?;
    Ok(ExitStatus::Success)
}
