//! The requirements-file parser on arbitrary bytes: it may refuse the
//! text, never panic; every dependency it returns has a line in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(dependencies) = pyward_inventory::requirements::parse(&text, "requirements.txt") {
        let lines = text.lines().count().max(1);
        for dependency in dependencies {
            let line = dependency.line.expect("requirements carry lines") as usize;
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
    }
});
