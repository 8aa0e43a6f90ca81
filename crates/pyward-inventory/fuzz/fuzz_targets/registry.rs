#![no_main]

//! Every format of the registry over the same input, through the reader
//! the scan uses (`parse_document`: spans, hashes, graph, entry errors).

use libfuzzer_sys::fuzz_target;
use pyward_inventory::{Document, Format, parse_document};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for format in Format::all() {
            if let Ok(parsed) = parse_document(format, &Document::new(text, "input")) {
                // The spans a fix would rewrite must lie inside the text,
                // on character boundaries.
                for dependency in &parsed.dependencies {
                    for span in [dependency.span, dependency.version_span].into_iter().flatten() {
                        assert!(text.get(span.range()).is_some(), "{format:?} {span:?}");
                    }
                }
            }
        }
    }
});
