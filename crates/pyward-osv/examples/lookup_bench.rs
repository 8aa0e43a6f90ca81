//! Times opening a database and looking packages up, without the CLI:
//!
//! ```text
//! cargo run --release -p pyward-osv --example lookup_bench -- [DB_FILE]
//! ```
//!
//! Without a file it measures the built-in snapshot.

use std::path::PathBuf;
use std::time::Instant;

use pyward_model::{Dependency, PackageName};
use pyward_osv::Database;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .filter(|p| p.as_os_str() != "builtin");
    if let Some(requirements) = std::env::args_os().nth(2) {
        return audit_only(path, &PathBuf::from(requirements));
    }
    let started = Instant::now();
    let db = match &path {
        Some(p) => Database::open(p)?,
        None => Database::builtin()?,
    };
    let opened = started.elapsed();
    let names: Vec<String> = db.package_names().map(str::to_string).collect();

    // 1,000 look-ups: every package once, then misses; first of what the
    // audit reads, then of the full records.
    let queries: Vec<PackageName> = (0..1000)
        .map(|i| match names.get(i) {
            Some(n) => PackageName::new(n),
            None => PackageName::new(&format!("absent-{i}")),
        })
        .collect();
    let started = Instant::now();
    let mut found = 0;
    for name in &queries {
        found += db.cores(name)?.len();
    }
    let lookups = started.elapsed();
    let started = Instant::now();
    for name in &queries {
        db.advisories(name)?;
    }
    let full_lookups = started.elapsed();

    // An audit of 700 pins, each at a version its advisories list.
    let deps: Vec<Dependency> = names
        .iter()
        .take(700)
        .map(|n| {
            let version = db
                .advisories(&PackageName::new(n))
                .ok()
                .and_then(|a| {
                    a.iter()
                        .find_map(|a| a.affected.first()?.versions.first().cloned())
                })
                .unwrap_or_else(|| "1.0".into());
            Dependency::new(n, Some(&version), "requirements.txt")
        })
        .collect();
    let started = Instant::now();
    let findings = db.query(&deps)?;
    let audit = started.elapsed();
    let started = Instant::now();
    let matches = db.query(&deps)?;
    let query = started.elapsed();
    println!(
        "open {opened:?}; 1000 look-ups {lookups:?} ({found} advisory records; {full_lookups:?} for full records); audit of {} pins {audit:?} ({} findings); query alone {query:?} ({} matches)",
        deps.len(),
        findings.len(),
        matches.len()
    );
    Ok(())
}

/// Opens the database and audits the `name==version` lines of a file:
/// what `pyward deps` does with the database, to time under `perf stat`.
fn audit_only(
    path: Option<PathBuf>,
    requirements: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let text = std::fs::read_to_string(requirements)?;
    let deps: Vec<Dependency> = text
        .lines()
        .filter_map(|l| l.split_once("=="))
        .map(|(n, v)| Dependency::new(n.trim(), Some(v.trim()), "requirements.txt"))
        .collect();
    let db = match &path {
        Some(p) => Database::open(p)?,
        None => Database::builtin()?,
    };
    let opened = started.elapsed();
    let t = Instant::now();
    let mut cores = Vec::new();
    for dep in &deps {
        cores.push(db.cores(&dep.name)?);
    }
    let decode = t.elapsed();
    let t = Instant::now();
    let prepared: Vec<_> = cores
        .into_iter()
        .map(pyward_osv::PackageAdvisories::new)
        .collect();
    let prepare = t.elapsed();
    let t = Instant::now();
    let mut matched = 0;
    for (dep, package) in deps.iter().zip(&prepared) {
        matched += match dep.version.as_deref() {
            Some(version) => package.matches_spelled(version).len(),
            None => package.matches_unpinned().len(),
        };
    }
    let matching = t.elapsed();
    let t = Instant::now();
    let findings = db.query(&deps)?;
    let audit = t.elapsed();
    println!(
        "{} pins, {} findings ({matched} matches): read+open {opened:?}; decode cores {decode:?}, prepare {prepare:?}, match {matching:?}; whole audit {audit:?}",
        deps.len(),
        findings.len(),
    );
    Ok(())
}
