//! `--system` on the machine running the tests: not run by default (what
//! it finds depends on the machine); `cargo test -p pyward-inventory --test
//! system_real_host -- --ignored --nocapture` prints what was found and how
//! long it took.

use std::collections::HashSet;
use std::time::Instant;

use pyward_inventory::Options;
use pyward_inventory::environment::scan_system;

#[test]
#[ignore = "depends on the machine; run by hand"]
fn scans_this_machine() {
    let started = Instant::now();
    let inventory = scan_system(None, &Options::default());
    let elapsed = started.elapsed();
    for env in &inventory.environments {
        let count = inventory
            .dependencies
            .iter()
            .filter(|d| d.environment.as_deref() == Some(env.path.as_str()))
            .count();
        eprintln!(
            "{:<20} {:<8} {:>4} packages  {}  ({})",
            env.origin.as_deref().unwrap_or(""),
            env.python_version.as_deref().unwrap_or("?"),
            count,
            env.path,
            env.interpreter.as_deref().unwrap_or("no interpreter")
        );
    }
    for error in &inventory.errors {
        eprintln!("error: {error}");
    }
    eprintln!(
        "{} environments, {} packages, {} errors in {elapsed:?}",
        inventory.environments.len(),
        inventory.dependencies.len(),
        inventory.errors.len()
    );
    let paths: HashSet<_> = inventory
        .environments
        .iter()
        .map(|e| std::fs::canonicalize(&e.path).ok())
        .collect();
    assert_eq!(paths.len(), inventory.environments.len());
}
