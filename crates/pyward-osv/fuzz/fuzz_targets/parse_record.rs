//! The OSV record parser on arbitrary bytes, as JSON and as YAML; whatever
//! parses is then matched against a few versions.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyward_osv::matching::{QueryVersion, entry_matches};
use pyward_osv::record::{Parsed, parse_json, parse_yaml};

fuzz_target!(|data: &[u8]| {
    for parsed in [parse_json(data), parse_yaml(data)] {
        if let Ok(Parsed::Advisory(advisory)) = parsed {
            for entry in &advisory.affected {
                for version in ["0", "1.0", "2.0rc1", "1!0.1+local", "junk"] {
                    let _ = entry_matches(entry, &QueryVersion::new(version));
                }
            }
        }
    }
});
