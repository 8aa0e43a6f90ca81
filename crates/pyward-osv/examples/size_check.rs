fn main() {
    let db = pyward_osv::Database::builtin().unwrap();
    let names: Vec<String> = db.package_names().map(str::to_string).collect();
    let (mut versions, mut events, mut json) = (0, 0, 0);
    for n in &names {
        let cores = db.cores(&pyward_model::PackageName::new(n)).unwrap();
        json += serde_json::to_vec(&cores).unwrap().len();
        for c in &cores {
            for a in &c.affected {
                versions += a.versions.len();
                events += a.ranges.iter().map(|r| r.events.len()).sum::<usize>();
            }
        }
    }
    println!("core json {json} bytes, {versions} residual versions, {events} events");
}
