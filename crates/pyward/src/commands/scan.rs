//! `pyward scan`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{DbArgs, ReportArgs};
use crate::exit::ExitStatus;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Project folders [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(_args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`pyward scan` is not built yet")
}
