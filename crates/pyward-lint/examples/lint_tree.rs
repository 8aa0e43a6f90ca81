//! Times the engine alone on a tree: `cargo run --release -p pyward-lint
//! --example lint_tree -- DIR [RULE-PREFIX...]`. Prints files, findings,
//! errors and seconds. For profiling (`perf record`) without the CLI.

use std::path::PathBuf;
use std::time::Instant;

use pyward_lint::{CodeConfig, Settings, check_paths};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: lint_tree DIR [PREFIX...]")?);
    let select: Vec<String> = args.collect();
    let config = CodeConfig {
        select: (!select.is_empty()).then_some(select),
        ..CodeConfig::default()
    };
    let settings = Settings::from_code_config(&config)?;
    let started = Instant::now();
    let outcome = check_paths(std::slice::from_ref(&dir), &dir, &settings);
    let seconds = started.elapsed().as_secs_f64();
    let summary = format!(
        "files={} findings={} errors={} seconds={seconds:.3}\n",
        outcome.files_checked,
        outcome.findings.len(),
        outcome.errors.len()
    );
    std::io::Write::write_all(&mut std::io::stderr(), summary.as_bytes())?;
    Ok(())
}
