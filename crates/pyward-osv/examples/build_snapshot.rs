//! Rebuilds the built-in database from a PyPA advisory-db checkout:
//!
//! ```text
//! cargo run --release -p pyward-osv --example build_snapshot -- \
//!     ../shared/data/pypa-advisory-db crates/pyward-osv/data
//! ```
//!
//! Writes `pypa-snapshot.pwdb`, `SNAPSHOT` and `LICENSE` into the data
//! folder; the build date recorded is the snapshot's commit date.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [checkout, data] = args.as_slice() else {
        eprintln!("usage: build_snapshot PYPA_ADVISORY_DB_DIR DATA_DIR");
        return ExitCode::from(2);
    };
    match run(checkout, data) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("build_snapshot: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(
    checkout: &std::path::Path,
    data: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    // SNAPSHOT: "<commit> <RFC 3339 date>"
    let snapshot = std::fs::read_to_string(checkout.join("SNAPSHOT"))?;
    let date = snapshot
        .split_whitespace()
        .nth(1)
        .ok_or("SNAPSHOT has no date")?
        .to_string();
    let options = pyward_osv::ImportOptions {
        built: Some(date),
        source_label: Some("PyPA advisory-db".to_string()),
    };
    let started = std::time::Instant::now();
    let report = pyward_osv::import(
        &checkout.join("vulns"),
        &data.join("pypa-snapshot.pwdb"),
        &options,
    )?;
    for skipped in &report.skipped {
        eprintln!("skipped {skipped}");
    }
    eprintln!(
        "{} advisories, {} packages, {} withdrawn, {} skipped in {:?}",
        report.meta.advisories,
        report.meta.packages,
        report.withdrawn,
        report.skipped.len(),
        started.elapsed()
    );
    std::fs::write(data.join("SNAPSHOT"), snapshot)?;
    std::fs::copy(checkout.join("LICENSE"), data.join("LICENSE"))?;
    Ok(())
}
