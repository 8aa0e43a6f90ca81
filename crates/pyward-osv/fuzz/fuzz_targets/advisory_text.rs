//! Advisory text (summary and details, HTML entities and Markdown
//! included) made into a headline and bounded details: never panics,
//! never exceeds its bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyward_osv::limits::{MAX_DETAILS_BYTES, MAX_HEADLINE_BYTES};
use pyward_osv::text::{bounded_details, headline, unescape_html};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (summary, details) = text.split_once('\u{1}').unwrap_or(("", text));
    if let Some(h) = headline(Some(summary).filter(|s| !s.is_empty()), Some(details)) {
        assert!(h.len() <= MAX_HEADLINE_BYTES);
    }
    if let Some(d) = bounded_details(details) {
        assert!(d.len() <= MAX_DETAILS_BYTES);
    }
    let _ = unescape_html(text);
});
