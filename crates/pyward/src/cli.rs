//! The command line, as clap structs. Doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use pyward_model::Severity;

use crate::commands::{code, config, db, deps, fix, gateway, licenses, rule, scan, secrets, setup};

/// pyward: one security scanner for Python projects. Audits dependencies
/// against OSV vulnerability data, finds insecure code and hardcoded
/// secrets.
#[derive(Debug, Parser)]
#[command(
    name = "pyward",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every scanner over a project folder: dependencies (vulnerable,
    /// malicious, look-alike, licenses), code, secrets
    Scan(scan::ScanArgs),
    /// Audit dependencies against known vulnerabilities
    Deps(deps::DepsArgs),
    /// A software bill of materials of the dependencies, with their known
    /// vulnerabilities: `deps` in CycloneDX 1.6 JSON unless `--format
    /// spdx` (or another format) is asked for
    Sbom(deps::DepsArgs),
    /// The license of every dependency, checked against the license policy
    Licenses(licenses::LicensesArgs),
    /// Move vulnerable pins to the nearest fixed releases, in
    /// requirements files and pyproject.toml; name the lockfile commands
    Fix(fix::FixArgs),
    /// Find insecure Python code (Bandit's checks and more)
    Code(code::CodeArgs),
    /// Find hardcoded keys, tokens and passwords
    Secrets(secrets::SecretsArgs),
    /// Fetch, build or describe the vulnerability database
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Print the documentation of a code rule (`pyward rule B602`)
    Rule(rule::RuleArgs),
    /// Show the settings in effect and where each came from
    Config(config::ConfigArgs),
    /// Serve a package index that refuses what the policy forbids
    Gateway(gateway::GatewayArgs),
    /// Point pip, uv or poetry at the gateway (or back with --undo)
    Setup(setup::SetupArgs),
}

/// How a scanning command reports: shared by `scan`, `deps`, `code`,
/// `secrets`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Report format
    #[arg(long, default_value = "text", value_name = "FORMAT", value_parser = parse_format)]
    pub format: pyward_report::Format,

    /// Write the report to FILE instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Lowest severity that makes the exit status 1: critical, high,
    /// medium, low, unknown (any finding), none (never) [default: any
    /// finding]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: Option<pyward_engine::FailOn>,

    /// Report, but never exit 1 because of findings (same as
    /// `--fail-on none`)
    #[arg(long, conflicts_with = "fail_on")]
    pub exit_zero: bool,

    /// Set aside findings with these ids or aliases, as `[[ignore]]`
    /// entries would (repeatable, comma-separated); for `code`, rule ids
    /// and prefixes (`B1`) are not run at all
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub ignore: Vec<String>,

    /// Do not show findings below this severity (counted, and listed
    /// under `ignored` in JSON) [default: `min-severity`]
    #[arg(long, value_name = "SEVERITY")]
    pub min_severity: Option<Severity>,

    /// Configuration file [default: pyward.toml, .pyward.toml or
    /// [tool.pyward] in pyproject.toml, found upward from the scanned path]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Report only findings not in this baseline: a JSON report saved
    /// earlier (`--write-baseline`), or for secrets a detect-secrets
    /// `.secrets.baseline`
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Decisions recorded as VEX (OpenVEX or CycloneDX): findings marked
    /// `not_affected` or `fixed` are set aside with the justification
    /// (repeatable)
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,

    /// Save every finding of this run as a baseline (a JSON report) to
    /// FILE
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Colour in the text report: auto (on a terminal, unless NO_COLOR),
    /// always (also FORCE_COLOR), never
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = parse_color)]
    pub color: pyward_report::ColorChoice,

    /// Only the summary line (text report)
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Every finding in full, collapsed runs spelled out (text report)
    #[arg(short, long)]
    pub verbose: bool,

    /// Counts per rule and advisory, as Ruff's `--statistics` (text
    /// report)
    #[arg(long)]
    pub statistics: bool,

    /// Report what could be read and exit by the findings, even when some
    /// inputs could not be read (by default that is exit status 2)
    #[arg(long)]
    pub keep_going: bool,
}

/// `--format`, checked when the arguments are read, so that a bad name
/// stops the run before any scanning work.
fn parse_format(text: &str) -> Result<pyward_report::Format, String> {
    text.parse()
        .map_err(|e: pyward_report::UnknownFormat| e.to_string())
}

fn parse_color(text: &str) -> Result<pyward_report::ColorChoice, String> {
    match text {
        "auto" => Ok(pyward_report::ColorChoice::Auto),
        "always" => Ok(pyward_report::ColorChoice::Always),
        "never" => Ok(pyward_report::ColorChoice::Never),
        other => Err(format!("`{other}` is not one of auto, always, never")),
    }
}

fn parse_fail_on(text: &str) -> Result<pyward_engine::FailOn, String> {
    text.parse()
}

/// Which vulnerability database to use: shared by `scan`, `deps`, `db`.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Use this vulnerability database instead of the default one
    #[arg(long, value_name = "FILE", env = "PYWARD_DB")]
    pub db: Option<PathBuf>,

    /// Never touch the network; use the local or built-in database
    #[arg(long)]
    pub offline: bool,
}

impl DbArgs {
    pub fn request(&self) -> pyward_engine::database::DbRequest {
        use std::io::IsTerminal;
        pyward_engine::database::DbRequest {
            path: self.db.clone(),
            offline: self.offline,
            progress: std::io::stderr().is_terminal(),
        }
    }
}
