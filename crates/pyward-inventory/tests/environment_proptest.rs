//! No metadata file makes the environment reader panic, and every header
//! block with a valid name and version is read back as written.

use proptest::prelude::*;
use pyward_inventory::environment::metadata;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(parsed) = metadata::parse(&bytes) {
            prop_assert!(!parsed.name.is_empty());
            for requirement in &parsed.requires_dist {
                let _ = metadata::needs_extra(requirement);
            }
        }
        let _ = metadata::egg_requires(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn headers_round_trip(
        name in "[A-Za-z][A-Za-z0-9._-]{0,20}",
        version in "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}",
        requires in proptest::collection::vec("[a-z]{1,8}(>=[0-9])?( ; extra == \"[a-z]{1,5}\")?", 0..5),
        newline in prop_oneof![Just("\n"), Just("\r\n")],
    ) {
        let mut text = format!("Metadata-Version: 2.1{newline}Name: {name}{newline}Version: {version}{newline}");
        for r in &requires {
            text.push_str(&format!("Requires-Dist: {r}{newline}"));
        }
        text.push_str(newline);
        text.push_str("Name: body-text-is-not-a-header\n");
        let parsed = metadata::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(parsed.name, name);
        prop_assert_eq!(parsed.version, version);
        prop_assert_eq!(&parsed.requires_dist, &requires);
        for r in &requires {
            prop_assert_eq!(metadata::needs_extra(r), r.contains("extra"));
        }
    }
}
