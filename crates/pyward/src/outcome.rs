//! The end every scanning command shares: say what the engine had to say,
//! render the report, and turn the verdict into the exit status.

use pyward_engine::{Engine, Level, Outcome, Verdict};

use std::io::IsTerminal;

use crate::cli::ReportArgs;
use crate::exit::ExitStatus;
use crate::output;

/// Runs a prepared engine and reports its outcome. The output file is
/// checked first, so a report that cannot be written costs no scanning.
pub fn run(engine: Engine, args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    if let Some(path) = &args.output {
        output::check_output_path(path, engine.setup())?;
    }
    let spinner = spinner(args);
    let outcome = engine.run();
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    finish(outcome?, args)
}

/// The spinner of the run in progress, for [`files_progress`].
static SPINNER: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::new(None);

/// The code scanner's progress (files checked of the files walked) shown
/// beside the spinner, when there is one.
pub fn files_progress() -> pyward_lint::Progress {
    pyward_lint::Progress::new(|done, total| {
        // Every 64 files is often enough for the eye and cheap for a walk
        // of tens of thousands.
        if done % 64 != 0 && done != total {
            return;
        }
        if let Some(spinner) = SPINNER.lock().ok().and_then(|s| s.clone()) {
            spinner.set_message(format!("code: {done}/{total} files"));
        }
    })
}

/// A spinner with the elapsed time on standard error while the scanners
/// run (a large tree takes seconds), and the code scanner's count of
/// files, on a terminal only, never with `-q`. The engine prints nothing
/// while it runs, so nothing interleaves.
fn spinner(args: &ReportArgs) -> Option<indicatif::ProgressBar> {
    if args.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} scanning {elapsed} {msg}")
    {
        spinner.set_style(style);
    }
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    if let Ok(mut shared) = SPINNER.lock() {
        *shared = Some(spinner.clone());
    }
    Some(spinner)
}

pub fn finish(outcome: Outcome, args: &ReportArgs) -> anyhow::Result<ExitStatus> {
    let Outcome {
        report,
        messages,
        verdict,
        saved_baseline,
    } = outcome;
    if let (Some(path), Some(saved)) = (&args.write_baseline, &saved_baseline) {
        output::write_report(Some(path), |out| {
            pyward_report::render(
                saved,
                pyward_report::Format::Json,
                &pyward_report::RenderOptions::default(),
                out,
            )
        })?;
        output::message(
            Level::Note,
            &format!("baseline written to `{}`", path.display()),
        );
    }
    for message in &messages {
        output::message(message.level, &message.text);
    }
    for error in &report.errors {
        output::message(Level::Error, &error.to_string());
    }
    let format = args.format;
    let options = render_options(args);
    let written = output::write_report(args.output.as_deref(), |out| {
        pyward_report::render(&report, format, &options, out)
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

/// How the text report is drawn: colour and width from the terminal it
/// goes to (never when it goes to a file), and the user's choices.
pub fn render_options(args: &ReportArgs) -> pyward_report::RenderOptions {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let width = to_terminal
        .then(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .or_else(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        })
        .flatten();
    pyward_report::RenderOptions {
        color: args.output.is_none() && pyward_report::use_color(args.color, to_terminal),
        width,
        statistics: args.statistics,
        quiet: args.quiet,
        verbose: args.verbose,
        ..pyward_report::RenderOptions::default()
    }
}
