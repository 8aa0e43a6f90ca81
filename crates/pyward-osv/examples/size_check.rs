//! Counts what the built-in database holds: listed versions in the full
//! records against those kept in the audit core, and the core's size.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = pyward_osv::Database::builtin()?;
    let names: Vec<String> = db.package_names().map(str::to_string).collect();
    let (mut full_versions, mut core_versions, mut core_json) = (0, 0, 0);
    for name in &names {
        let package = pyward_model::PackageName::new(name);
        let cores = db.cores(&package)?;
        core_json += serde_json::to_vec(&cores)?.len();
        core_versions += cores
            .iter()
            .flat_map(|c| &c.affected)
            .map(|a| a.versions.len())
            .sum::<usize>();
        full_versions += db
            .advisories(&package)?
            .iter()
            .flat_map(|a| &a.affected)
            .map(|a| a.versions.len())
            .sum::<usize>();
    }
    println!(
        "{} packages; listed versions: {full_versions} in the full records, {core_versions} kept in the core; core JSON {core_json} bytes",
        names.len()
    );
    Ok(())
}
