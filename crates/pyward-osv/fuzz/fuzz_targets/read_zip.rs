//! Arbitrary bytes read as an OSV zip archive (what `db update` downloads):
//! errors, never panics, and never reads past the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pyward_osv::read_zip(std::io::Cursor::new(data), std::path::Path::new("fuzz.zip"));
});
