//! The end every scanning command shares: apply the policy, render the
//! report, and turn what was found into the exit status.

use pyward_model::{Report, Severity};

use crate::cli::ReportArgs;
use crate::config::LoadedConfig;
use crate::exit::ExitStatus;
use crate::{output, policy};

/// `incomplete` says some input could not be read (exit 2 unless
/// `--keep-going`).
pub fn conclude(
    mut report: Report,
    args: &ReportArgs,
    config: &LoadedConfig,
    incomplete: bool,
) -> anyhow::Result<ExitStatus> {
    let format: pyward_report::Format = args.format.parse()?;
    let notes = policy::apply(&mut report, &config.config, policy::today());
    for warning in &notes.warnings {
        output::warn(warning);
    }
    sort_findings(&mut report);
    for error in &report.errors {
        output::error_line(&format!("error: {error}"));
    }
    output::write_report(args.output.as_deref(), |out| {
        pyward_report::render(&report, format, &pyward_report::RenderOptions::default(), out)
    })?;

    let fail_on = args
        .fail_on
        .or(config.config.fail_on)
        .unwrap_or(Severity::Unknown);
    Ok(if incomplete && !args.keep_going {
        output::error_line(
            "hint: the scan is incomplete; fix or exclude the inputs above, or pass `--keep-going` to exit by the findings alone",
        );
        ExitStatus::Error
    } else if report.has_finding_at_or_above(fail_on) {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    })
}

/// One order for every format and every run, so reports diff cleanly.
fn sort_findings(report: &mut Report) {
    report.findings.sort_by(|a, b| {
        let key = |f: &pyward_model::Finding| {
            (
                f.kind,
                f.package.clone(),
                f.version.clone(),
                f.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, l.column)),
                f.id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}
