//! Parsing any baseline text never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = pyward_secrets::Baseline::parse(std::path::Path::new("fuzz.baseline"), &text);
});
