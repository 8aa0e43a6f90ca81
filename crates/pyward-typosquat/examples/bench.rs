//! Times the checker: building the built-in index, then checking 20,000
//! names (the 5,000 committed ordinary names, each in four spellings that
//! miss the popular list, so every name takes the full path).
//!
//! `cargo run --release -p pyward-typosquat --example bench`

use std::time::Instant;

use pyward_model::PackageName;
use pyward_typosquat::Checker;

fn main() {
    let sample = include_str!("../tests/fixtures/ordinary-names.txt");
    let mut names = Vec::with_capacity(20_000);
    for name in sample.lines().filter(|l| !l.is_empty()) {
        names.push(PackageName::new(name));
        names.push(PackageName::new(&format!("{name}x")));
        names.push(PackageName::new(&format!("x{name}")));
        names.push(PackageName::new(&name.chars().rev().collect::<String>()));
    }
    names.truncate(20_000);

    let started = Instant::now();
    let checker = Checker::builtin();
    let built = started.elapsed();

    let started = Instant::now();
    let flagged = names.iter().filter(|n| checker.check(n).is_some()).count();
    let checked = started.elapsed();

    println!(
        "built the index of {} popular names in {:.1} ms ({checker:?})",
        checker.popular_len(),
        built.as_secs_f64() * 1e3
    );
    println!(
        "checked {} names in {:.1} ms ({:.2} µs a name), {flagged} flagged",
        names.len(),
        checked.as_secs_f64() * 1e3,
        checked.as_secs_f64() * 1e6 / names.len() as f64
    );
}
