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
    let spinner = engine.setup().request.progress.clone().map(spinner);
    let outcome = engine.run();
    // Gone before anything else is printed, the report included.
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    finish(outcome?, args)
}

/// Where the scanners count their files when a spinner will show them:
/// standard error is a terminal and `-q` was not given. Otherwise nothing
/// is counted.
pub fn progress(args: &ReportArgs) -> Option<pyward_fs::Progress> {
    (!args.quiet && std::io::stderr().is_terminal()).then(pyward_fs::Progress::new)
}

/// A spinner on standard error while the scanners run (a large tree takes
/// seconds): the elapsed time and each scanner's count of files, as in
/// `⠋ scanning 4s · code 1200/5000 files · secrets 800/5000 files`, on one
/// line (cut to the terminal's width), drawn at most ten times a second.
/// The engine prints nothing while it runs, so nothing interleaves.
fn spinner(progress: pyward_fs::Progress) -> indicatif::ProgressBar {
    let spinner = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    // The counts are read as the line is drawn: the scanners only add.
    let line = move |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
        let _ = out.write_str(&progress_line(
            &progress.counts(),
            state.elapsed(),
            terminal_size::terminal_size_of(std::io::stderr()).map(|(w, _)| usize::from(w.0)),
        ));
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {line}") {
        spinner.set_style(style.with_key("line", line));
    }
    spinner.enable_steady_tick(std::time::Duration::from_millis(100));
    spinner
}

/// The spinner's line after the spinner itself: fits in `width` columns
/// less the spinner's two.
fn progress_line(
    counts: &[pyward_fs::TaskCount],
    elapsed: std::time::Duration,
    width: Option<usize>,
) -> String {
    use std::fmt::Write;
    let mut line = format!("scanning {:#}", indicatif::HumanDuration(elapsed));
    for task in counts {
        let _ = if task.found == 0 {
            write!(line, " · {} walking", task.name)
        } else {
            write!(line, " · {} {}/{} files", task.name, task.done, task.found)
        };
    }
    // A line longer than the terminal would wrap: cut, as cargo does.
    if let Some(room) = width.filter(|&w| w > 2).map(|w| w - 2)
        && let Some((cut, _)) = line.char_indices().nth(room)
    {
        line.truncate(cut);
    }
    line
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_names_each_scanner_and_fits_the_terminal() {
        let progress = pyward_fs::Progress::new();
        let code = progress.task("code");
        progress.task("secrets");
        code.found(5000);
        for _ in 0..1200 {
            code.done();
        }
        let elapsed = std::time::Duration::from_secs(4);
        assert_eq!(
            progress_line(&progress.counts(), elapsed, None),
            "scanning 4s · code 1200/5000 files · secrets walking"
        );
        assert_eq!(
            progress_line(&progress.counts(), elapsed, Some(24)),
            "scanning 4s · code 120"
        );
        assert_eq!(
            progress_line(&progress.counts(), elapsed, Some(0)),
            "scanning 4s · code 1200/5000 files · secrets walking"
        );
    }
}
