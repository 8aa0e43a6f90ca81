//! The `# nosec` comment reader over arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|comment: &str| {
    if let Some(nosec) = pyward_lint::suppress::parse_nosec_comment(comment) {
        let _ = nosec.silences("B101");
    }
});
