//! `pyward rule CODE`: prints a code rule's documentation.

use clap::Args;

use crate::exit::ExitStatus;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule id, such as B602 or PW101
    pub code: String,
}

pub fn run(args: &RuleArgs) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("no rule `{}`", args.code)
}
