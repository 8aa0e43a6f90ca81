//! Scanning any text, under any file name syntax, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyward_secrets::{Settings, scan_text};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for path in ["a.py", "b.yaml", ".env", "c.json", "d.ini", "e.txt", "poetry.lock"] {
        let _ = scan_text(path, &text, &Settings::default());
    }
});
