//! `pyward db import|update|status`.

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::DbArgs;
use crate::exit::ExitStatus;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Build the database from a local OSV source (folder, file or zip)
    Import {
        /// Folder of OSV JSON/YAML files, one OSV file, or a zip of JSON files
        source: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Download OSV's PyPI archive and rebuild the database
    Update {
        /// Where to download from
        #[arg(long, env = "PYWARD_DB_URL")]
        url: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Describe the database: where, from what, how big, how old
    Status {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn run(_command: &DbCommand) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("`pyward db` is not built yet")
}
