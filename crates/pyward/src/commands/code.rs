//! `pyward code`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::ReportArgs;
use crate::exit::ExitStatus;

#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Files or folders to scan [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(_args: &CodeArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`pyward code` is not built yet")
}
