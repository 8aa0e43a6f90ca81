//! `pyward gateway`: a package index that pip, uv and poetry use in place
//! of PyPI, refusing what the policy forbids (see `docs/gateway.md`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use pyward_engine::judge::BlockVulnerable;
use pyward_engine::{Judge, database};

use crate::exit::ExitStatus;
use crate::output;

/// PyPI's simple API: the upstream when neither `--upstream` nor
/// `[gateway] upstream` names one.
const PYPI: &str = "https://pypi.org/simple/";

#[derive(Debug, Clone, Args)]
pub struct GatewayArgs {
    /// Address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The index to serve from: the URL of a simple API, or a folder laid
    /// out as one [default: `upstream` in `[gateway]`, else
    /// https://pypi.org/simple/]
    #[arg(long, value_name = "URL|DIR")]
    pub upstream: Option<String>,

    /// Cache folder, shareable by several gateways [default: the user
    /// cache folder, `pyward/gateway`]
    #[arg(long, value_name = "DIR", env = "PYWARD_GATEWAY_CACHE")]
    pub cache_dir: Option<PathBuf>,

    /// Leave known-vulnerable versions out of project pages and refuse
    /// their files; `=SEVERITY` only from that severity (critical, high,
    /// medium, low) [default: `block-vulnerable` in `[gateway]`, else off]
    #[arg(
        long,
        value_name = "SEVERITY",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = parse_block
    )]
    pub block_vulnerable: Option<BlockVulnerable>,

    /// Configuration file [default: pyward.toml, .pyward.toml or
    /// [tool.pyward] in pyproject.toml, found upward from the current
    /// folder]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Vulnerability database; re-read when replaced (`pyward db update`)
    #[arg(long, value_name = "FILE", env = "PYWARD_DB")]
    pub db: Option<PathBuf>,

    /// How often to look whether the database file was replaced, seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 2)]
    pub db_check_interval: u64,

    /// Requests answered at once; more get 503 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_in_flight: usize,

    /// Log format on standard error: json (one object a line) or text
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["json", "text"])]
    pub log_format: String,
}

fn parse_block(text: &str) -> Result<BlockVulnerable, String> {
    text.parse()
}

pub fn run(args: &GatewayArgs) -> anyhow::Result<ExitStatus> {
    let loaded = pyward_engine::config::load(args.config.as_deref(), Path::new("."))?;
    for warning in &loaded.warnings {
        output::warn(warning);
    }
    // The gateway never downloads a database itself: it talks to its
    // upstream and nothing else. `pyward db update` (a cron job, an init
    // container) refreshes the file, and the gateway re-reads it.
    let request = database::DbRequest {
        path: args.db.clone(),
        offline: true,
        progress: false,
    };
    let mut warnings = Vec::new();
    let db = database::open(&request, &mut warnings)?;
    for warning in &warnings {
        output::warn(warning);
    }
    let watch = (!db.is_builtin()).then(|| pyward_gateway::DatabaseWatch {
        path: db.path().to_path_buf(),
        every: Duration::from_secs(args.db_check_interval.max(1)),
    });
    let gateway_config = loaded.config.gateway.clone().unwrap_or_default();
    let upstream = args
        .upstream
        .clone()
        .or_else(|| gateway_config.upstream.clone())
        .unwrap_or_else(|| PYPI.to_string());
    let cache_dir = match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => pyward_gateway::default_cache_dir()
            .context("no user cache folder (set XDG_CACHE_HOME or HOME), and no --cache-dir")?,
    };
    let judge = Judge::new(loaded.config, db, args.block_vulnerable)?;
    init_log(&args.log_format);
    let mut options = pyward_gateway::GatewayOptions::new(args.listen, upstream, cache_dir);
    options.max_in_flight = args.max_in_flight;
    options.watch = watch;
    pyward_gateway::Gateway::run(options, judge)?;
    Ok(ExitStatus::Success)
}

fn init_log(format: &str) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false);
    let _ = if format == "text" {
        builder.with_ansi(false).try_init()
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init()
    };
}
