#![no_main]

use libfuzzer_sys::fuzz_target;
use pyward_inventory::environment::metadata;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = metadata::parse(data) {
        for requirement in &parsed.requires_dist {
            let _ = metadata::needs_extra(requirement);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = metadata::egg_requires(text);
    }
});
