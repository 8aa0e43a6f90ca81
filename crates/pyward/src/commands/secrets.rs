//! `pyward secrets`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::ReportArgs;
use crate::exit::ExitStatus;

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// Files or folders to scan [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(_args: &SecretsArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`pyward secrets` is not built yet")
}
