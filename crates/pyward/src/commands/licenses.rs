//! `pyward licenses`: the license of every dependency, checked against the
//! license policy.

use std::path::PathBuf;

use clap::Args;
use pyward_engine::{Engine, Request, ScannerId};
use pyward_model::Report;
use pyward_report::Format;

use crate::cli::{DbArgs, ReportArgs};
use crate::commands::deps::SelectionArgs;
use crate::exit::ExitStatus;
use crate::{outcome, output};

#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// Project folders or dependency files [default: . when nothing else
    /// is given]
    pub paths: Vec<PathBuf>,

    /// A requirements file, whatever its name (repeatable, as in pip)
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    pub requirements: Vec<PathBuf>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    /// `--offline`: licenses only from installed metadata and the cache,
    /// never from PyPI
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: &LicensesArgs) -> anyhow::Result<ExitStatus> {
    let mut request = Request {
        paths: args.paths.clone(),
        requirements: args.requirements.clone(),
        db: args.db.request(),
        ..Request::default()
    };
    args.selection.apply(&mut request);
    args.report.apply(&mut request);
    let engine = Engine::new(request, &[ScannerId::Licenses])?;
    if args.report.format != Format::Text {
        return outcome::run(engine, &args.report);
    }
    // In text, the table of licenses is the report; the findings follow.
    if let Some(path) = &args.report.output {
        output::check_output_path(path, engine.setup())?;
    }
    let outcome = engine.run()?;
    let table = table(&outcome.report);
    output::write_report(args.report.output.as_deref(), |out| {
        out.write_all(table.as_bytes())
    })?;
    let mut rest = args.report.clone();
    rest.output = None;
    outcome::finish(outcome, &rest)
}

/// Package, version, license, category: one line each, aligned.
fn table(report: &Report) -> String {
    let mut rows: Vec<[String; 4]> = vec![[
        "package".into(),
        "version".into(),
        "license".into(),
        "category".into(),
    ]];
    let mut seen = std::collections::BTreeSet::new();
    for dependency in &report.dependencies {
        if !seen.insert((dependency.name.clone(), dependency.version.clone())) {
            continue;
        }
        rows.push([
            dependency.name.to_string(),
            dependency.version.clone().unwrap_or_else(|| "-".into()),
            dependency
                .license
                .clone()
                .unwrap_or_else(|| "(not known)".into()),
            dependency
                .license_category
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            output::escape_controls(&row[2]),
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push('\n');
    out
}
