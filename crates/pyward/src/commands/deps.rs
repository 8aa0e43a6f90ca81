//! `pyward deps`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{DbArgs, ReportArgs};
use crate::exit::ExitStatus;

#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Project folders or dependency files [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(_args: &DepsArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`pyward deps` is not built yet")
}
