//! Prints the headline of every advisory in a database (the built-in one
//! without an argument), one per line after its id, to review the headline
//! rule (`src/text.rs`) on real data:
//!
//! ```text
//! cargo run --release -p pyward-osv --example headlines -- [DB_FILE] | shuf -n 40
//! ```

use pyward_model::PackageName;
use pyward_osv::Database;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = match std::env::args_os().nth(1) {
        Some(path) => Database::open(std::path::Path::new(&path))?,
        None => Database::builtin()?,
    };
    let names: Vec<String> = db.package_names().map(str::to_string).collect();
    for name in &names {
        let package = PackageName::new(name);
        let cores = db.cores(&package)?;
        for (core, display) in cores.iter().zip(db.displays(&package)?) {
            println!(
                "{}\t{}\t{}",
                core.id,
                name,
                display.headline.as_deref().unwrap_or("-")
            );
        }
    }
    Ok(())
}
