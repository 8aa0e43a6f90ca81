//! Times the checker: building the built-in index, then checking 20,000
//! names (the 5,000 committed ordinary names, each in four spellings that
//! miss the popular list, so every name takes the full path). Each is run
//! several times and the fastest run is reported, which is what the code
//! costs when the (shared) machine lets it run.
//!
//! `cargo run --release -p pyward-typosquat --example bench`

use std::time::{Duration, Instant};

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

    let mut built = Duration::MAX;
    let mut checker = Checker::builtin();
    for _ in 0..10 {
        let started = Instant::now();
        checker = Checker::builtin();
        built = built.min(started.elapsed());
    }

    let mut checked = Duration::MAX;
    let mut flagged = 0;
    for _ in 0..5 {
        let started = Instant::now();
        flagged = names.iter().filter(|n| checker.check(n).is_some()).count();
        checked = checked.min(started.elapsed());
    }

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
