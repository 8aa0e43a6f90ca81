//! `pyward scan`: every scanner over a project, one report.

use std::path::PathBuf;

use clap::Args;
use pyward_engine::{Engine, Request, ScannerId};
use pyward_lint::Profile;

use crate::cli::{DbArgs, ReportArgs};
use crate::commands::code::CodeOptions;
use crate::commands::deps::SelectionArgs;
use crate::exit::ExitStatus;
use crate::outcome;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Project folders [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    /// Leave out these scanners (comma-separated)
    #[arg(long, value_delimiter = ',', value_parser = scanner_name)]
    pub skip: Vec<ScannerId>,

    /// The code scanner's profile: `precise` or `bandit` (see `pyward
    /// code --help`)
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<Profile>,

    /// Report `# nosec` and `# noqa: S…` comments that silence nothing
    /// (rule PW001)
    #[arg(long)]
    pub report_unused_suppressions: bool,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub db: DbArgs,
}

fn scanner_name(text: &str) -> Result<ScannerId, String> {
    ScannerId::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = ScannerId::all().map(ScannerId::name).collect();
        format!("no scanner `{text}`; expected one of: {}", names.join(", "))
    })
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let mut request = Request {
        paths: args.paths.clone(),
        db: args.db.request(),
        ..Request::default()
    };
    args.selection.apply(&mut request);
    args.report.apply(&mut request);
    CodeOptions {
        profile: args.profile,
        report_unused_suppressions: args.report_unused_suppressions,
        ..CodeOptions::default()
    }
    .apply(&mut request);
    let scanners: Vec<ScannerId> = ScannerId::all()
        .filter(|id| !args.skip.contains(id))
        .collect();
    let engine = Engine::new(request, &scanners)?;
    outcome::run(engine, &args.report)
}
