//! Opening an arbitrary file as a database and looking packages up: errors,
//! never panics or huge allocations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyward_model::PackageName;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if std::io::Write::write_all(&mut file, data).is_err() {
        return;
    }
    if let Ok(db) = pyward_osv::Database::open(file.path()) {
        let names: Vec<String> = db.package_names().map(str::to_string).collect();
        for name in names.iter().take(8) {
            let _ = db.advisories(&PackageName::new(name));
        }
    }
});
