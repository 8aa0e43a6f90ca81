//! The `pyward` command line: parses arguments, runs one command, prints its
//! error chain, and turns the outcome into CONTRACT.md's exit status.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod exit;
mod outcome;
mod output;

use exit::ExitStatus;

/// Ctrl-C or a `kill` during `db update` must not leave a half-written
/// database or download beside the real one: a thread waits for SIGINT
/// and SIGTERM, deletes the temporaries, and exits as the signal would
/// (128 + its number).
#[cfg(unix)]
fn remove_temporaries_on_interrupt() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            pyward_osv::remove_temporaries();
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn remove_temporaries_on_interrupt() {}

// A scan allocates many small, short-lived strings and vectors (advisory
// records, dependency lists, findings): with glibc's allocator they cost
// about a fifth of a `pyward deps` run; mimalloc brings 700 pins from about
// 20 ms to 15 ms (bench/deps.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors; everything else clap
            // rejects is a bad argument, exit 2 as CONTRACT.md says.
            let _ = err.print();
            return if err.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    // The gateway shuts down gracefully on these signals itself (it
    // finishes the requests in flight, and writes nothing half-done).
    if !matches!(cli.command, cli::Command::Gateway(_)) {
        remove_temporaries_on_interrupt();
    }
    match commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            // A closed pipe (`pyward ... | head`) is not a failure.
            if err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitStatus::Success.into();
            }
            let mut message = format!("pyward: error: {err}");
            for cause in err.chain().skip(1) {
                message.push_str(&format!(": {cause}"));
            }
            output::error_line(&message);
            ExitStatus::Error.into()
        }
    }
}
