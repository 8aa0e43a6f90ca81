//! Every rule over arbitrary bytes: the engine must never panic, whatever
//! it is given (invalid UTF-8, syntax errors, deep nesting).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pyward_lint::Settings;

fuzz_target!(|data: &[u8]| {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    let settings = SETTINGS.get_or_init(Settings::default);
    let _ = pyward_lint::check_bytes("fuzz.py", data, settings);
});
