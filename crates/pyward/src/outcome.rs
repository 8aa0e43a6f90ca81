//! The end every scanning command shares: say what the engine had to say,
//! render the report, and turn the verdict into the exit status.

use pyward_engine::{Engine, Level, Outcome, Verdict};

use crate::cli::ReportArgs;
use crate::exit::ExitStatus;
use crate::output;

/// Runs a prepared engine and reports its outcome. The output file is
/// checked first, so a report that cannot be written costs no scanning.
pub fn run(engine: Engine, args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    if let Some(path) = &args.output {
        output::check_output_path(path, engine.setup())?;
    }
    let outcome = engine.run()?;
    finish(outcome, args)
}

pub fn finish(outcome: Outcome, args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let Outcome {
        report,
        messages,
        verdict,
    } = outcome;
    for message in &messages {
        output::message(message.level, &message.text);
    }
    for error in &report.errors {
        output::message(Level::Error, &error.to_string());
    }
    let format = args.format;
    let written = output::write_report(args.output.as_deref(), |out| {
        pyward_report::render(&report, format, out)
    });
    // `pyward scan | head -1`: the reader stopped listening, but what was
    // found still decides the exit status.
    if let Err(error) = written
        && !output::is_broken_pipe(&error)
    {
        return Err(error);
    }
    Ok(match verdict {
        Verdict::Incomplete => {
            output::message(
                Level::Hint,
                "the scan is incomplete; fix or exclude the inputs above, or pass `--keep-going` to exit by the findings alone",
            );
            ExitStatus::Error
        }
        Verdict::Findings => ExitStatus::Findings,
        Verdict::Clean => ExitStatus::Success,
    })
}
