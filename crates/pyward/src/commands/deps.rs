//! `pyward deps`: the dependency audit alone.

use std::path::PathBuf;

use clap::Args;
use pyward_engine::{Engine, Request, ScannerId, Selection};

use crate::cli::{DbArgs, ReportArgs};
use crate::exit::ExitStatus;
use crate::outcome;

#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Project folders or dependency files (requirements file, lockfile,
    /// pyproject.toml) [default: . when nothing else is given]
    pub paths: Vec<PathBuf>,

    /// A requirements file, whatever its name (repeatable, as in pip)
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    pub requirements: Vec<PathBuf>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub db: DbArgs,
}

/// Which installed environments and which variants of the dependencies to
/// audit: shared by `deps` and `scan`.
#[derive(Debug, Clone, Args)]
pub struct SelectionArgs {
    /// An installed environment: a virtual environment, a conda
    /// environment or a site-packages folder (repeatable)
    #[arg(long = "env", value_name = "DIR")]
    pub envs: Vec<PathBuf>,

    /// Every Python environment found on this machine
    #[arg(long)]
    pub system: bool,

    /// With --system: also the `.venv`/`venv` environments under DIR
    #[arg(long, value_name = "DIR", requires = "system")]
    pub root: Option<PathBuf>,

    /// Only dependencies in these groups (main, dev, an extra's name)
    #[arg(long = "only-group", value_name = "GROUP")]
    pub only_groups: Vec<String>,

    /// Leave out development dependency groups
    #[arg(long)]
    pub no_dev: bool,

    /// Audit what would be installed for this Python version (3.12)
    #[arg(long, value_name = "VERSION")]
    pub python_version: Option<String>,

    /// Audit what would be installed on this platform
    #[arg(long, value_parser = ["linux", "macos", "windows"])]
    pub platform: Option<String>,
}

impl SelectionArgs {
    /// Fills the request's inventory options.
    pub fn apply(&self, request: &mut Request) {
        request.environments.clone_from(&self.envs);
        request.system = self.system;
        request.system_root.clone_from(&self.root);
        request.selection = Selection {
            only_groups: self.only_groups.clone(),
            no_dev: self.no_dev,
            python_version: self.python_version.clone(),
            platform: self.platform.clone(),
        };
    }
}

impl ReportArgs {
    /// Fills the request's options shared by every scanning command.
    pub fn apply(&self, request: &mut Request) {
        request.config_file.clone_from(&self.config);
        request.fail_on = if self.exit_zero {
            Some(pyward_engine::FailOn::Never)
        } else {
            self.fail_on
        };
        request.keep_going = self.keep_going;
        request.ignore.clone_from(&self.ignore);
        request.min_severity = self.min_severity;
        request.baseline.clone_from(&self.baseline);
        request.write_baseline.clone_from(&self.write_baseline);
        request.vex.clone_from(&self.vex);
        request.progress = crate::outcome::progress(self);
        // A refresh of a stale database shows its download bar under the
        // same conditions as the spinner.
        request.db.progress = request.progress.is_some();
    }
}

pub fn run(args: &DepsArgs) -> anyhow::Result<ExitStatus> {
    let mut request = Request {
        paths: args.paths.clone(),
        requirements: args.requirements.clone(),
        db: args.db.request(),
        ..Request::default()
    };
    args.selection.apply(&mut request);
    args.report.apply(&mut request);
    // Known-vulnerable, malicious and look-alike packages.
    let engine = Engine::new(request, &[ScannerId::Deps, ScannerId::Names])?;
    outcome::run(engine, &args.report)
}
