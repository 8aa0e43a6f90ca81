//! Times discovery and parsing of a project folder, as `bench/inventory.sh`
//! runs it: `inventory_bench PATH [RUNS]`. Prints the dependency count and
//! the best and median wall time of `scan_path` over RUNS runs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pyward_inventory::{Options, scan_path};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: inventory_bench PATH [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let options = Options::default();
    // One untimed run warms the file-system cache.
    let inventory = scan_path(&path, &path, &options);
    let cpu_before = process_cpu_ms();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let inventory = scan_path(&path, &path, &options);
            let elapsed = start.elapsed();
            std::hint::black_box(inventory);
            elapsed
        })
        .collect();
    // CPU time is steadier than wall time on a shared machine.
    let cpu_per_run = cpu_before
        .zip(process_cpu_ms())
        .map(|(before, after)| (after - before) / times.len() as f64);
    times.sort();
    let sources: std::collections::BTreeSet<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.source.as_str())
        .collect();
    println!(
        "files {} dependencies {} errors {} best {:.1} ms median {:.1} ms",
        sources.len(),
        inventory.dependencies.len(),
        inventory.errors.len(),
        times[0].as_secs_f64() * 1000.0,
        times[times.len() / 2].as_secs_f64() * 1000.0,
    );
    if let Some(cpu) = cpu_per_run {
        println!("cpu {cpu:.1} ms per run (all threads)");
    }
    for error in inventory.errors.iter().take(5) {
        eprintln!("error: {error}");
    }
}

/// User + system CPU time of this process so far (Linux: /proc/self/stat,
/// in clock ticks of 10 ms); `None` elsewhere.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}
