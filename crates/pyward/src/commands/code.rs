//! `pyward code`: static analysis of Python source (Bandit's checks and
//! pyward's own).

use std::path::PathBuf;

use clap::Args;
use pyward_engine::{CodeRequest, Engine, Request, ScannerId};
use pyward_lint::Profile;
use pyward_model::{Confidence, Severity};

use crate::cli::ReportArgs;
use crate::exit::ExitStatus;
use crate::outcome;

#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Files or folders to scan [default: .]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub options: CodeOptions,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// The code scanner's options.
#[derive(Debug, Clone, Default, Args)]
pub struct CodeOptions {
    /// Run only these rules: ids or prefixes, comma-separated (`B6,PW`)
    /// [default: every rule, or `[code] select`]
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub select: Vec<String>,

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

    /// How the checks whose danger depends on data decide: `precise` asks
    /// the data-flow analysis (constants alone are not reported, untrusted
    /// data is reported with its path); `bandit` reports exactly what
    /// Bandit does [default: `[code] profile`, else `bandit` when the
    /// settings come from a Bandit configuration, else `precise`]
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<Profile>,

    /// Report `# nosec` and `# noqa: S…` comments that silence nothing
    /// (rule PW001)
    #[arg(long)]
    pub report_unused_suppressions: bool,
}

impl CodeOptions {
    pub fn apply(&self, request: &mut Request) {
        request.code = CodeRequest {
            select: self.select.clone(),
            exclude: self.exclude.clone(),
            severity: self.severity,
            confidence: self.confidence,
            profile: self.profile,
            report_unused_suppressions: self.report_unused_suppressions,
        };
    }
}

pub fn run(args: &CodeArgs) -> anyhow::Result<ExitStatus> {
    let mut request = Request {
        paths: args.paths.clone(),
        ..Request::default()
    };
    args.options.apply(&mut request);
    args.report.apply(&mut request);
    let engine = Engine::new(request, &[ScannerId::Code])?;
    outcome::run(engine, &args.report)
}
