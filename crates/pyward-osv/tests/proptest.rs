//! Properties of the record parser, the matcher and the file format.

use std::str::FromStr;

use pep440_rs::Version;
use proptest::prelude::*;
use pyward_model::PackageName;
use pyward_osv::matching::{QueryVersion, entry_matches};
use pyward_osv::record::{Affected, Event, Range, parse_json, parse_yaml};

/// PEP 440 versions with epochs, pre, post, dev and local parts.
fn pep440() -> impl Strategy<Value = String> {
    (
        prop::option::of(0u8..3),
        prop::collection::vec(0u16..20, 1..4),
        prop::option::of((prop::sample::select(vec!["a", "b", "rc"]), 0u8..5)),
        prop::option::of(0u8..5),
        prop::option::of(0u8..5),
        prop::option::of("[a-z0-9]{1,4}"),
    )
        .prop_map(|(epoch, release, pre, post, dev, local)| {
            let mut s = String::new();
            if let Some(e) = epoch {
                s.push_str(&format!("{e}!"));
            }
            s.push_str(
                &release
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
            );
            if let Some((kind, n)) = pre {
                s.push_str(&format!("{kind}{n}"));
            }
            if let Some(n) = post {
                s.push_str(&format!(".post{n}"));
            }
            if let Some(n) = dev {
                s.push_str(&format!(".dev{n}"));
            }
            if let Some(l) = local {
                s.push_str(&format!("+{l}"));
            }
            s
        })
}

fn any_version() -> impl Strategy<Value = String> {
    prop_oneof![pep440(), ".{0,12}"]
}

fn event() -> impl Strategy<Value = Event> {
    (0u8..4, prop_oneof![Just("0".to_string()), any_version()]).prop_map(|(k, v)| match k {
        0 => Event::Introduced(v),
        1 => Event::Fixed(v),
        2 => Event::LastAffected(v),
        _ => Event::Limit(v),
    })
}

fn entry() -> impl Strategy<Value = Affected> {
    (
        prop::collection::vec(prop::collection::vec(event(), 0..6), 0..3),
        prop::collection::vec(any_version(), 0..5),
    )
        .prop_map(|(ranges, versions)| Affected {
            package: PackageName::new("p"),
            ranges: ranges.into_iter().map(|events| Range { events }).collect(),
            versions,
            severity: Vec::new(),
            imports: Vec::new(),
        })
}

proptest! {
    /// Brackets and list indicators in any arrangement: parsing stays
    /// quick and never overflows the stack, however deep the nesting.
    #[test]
    fn nesting_never_overflows(
        pieces in prop::collection::vec(prop::sample::select(vec!["[", "]", "{", "}", "- ", "\n", "a: ", "\"", "'", " "]), 0..400),
        repeat in 1usize..400,
    ) {
        let body: String = pieces.concat().repeat(repeat);
        let yaml = format!("id: X\naliases: {body}");
        let _ = parse_yaml(yaml.as_bytes());
        let json = format!(r#"{{"id": "X", "aliases": {body}}}"#);
        let _ = parse_json(json.as_bytes());
    }

    /// A valid archive with bytes flipped: an error or a result, never a
    /// panic (what `db update` reads from the network).
    #[test]
    fn zip_reader_never_panics(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8)) {
        let mut bytes = include_bytes!("fixtures/demo-all.zip").to_vec();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value;
        }
        let _ = pyward_osv::read_zip(std::io::Cursor::new(bytes), std::path::Path::new("p.zip"));
    }

    /// Headlines and details stay within their bounds on any text.
    #[test]
    fn advisory_text_stays_bounded(summary in prop::option::of(".{0,40}"), details in ".{0,3000}", repeat in 1usize..4) {
        use pyward_osv::limits::{MAX_DETAILS_BYTES, MAX_HEADLINE_BYTES};
        let details = details.repeat(repeat);
        if let Some(h) = pyward_osv::text::headline(summary.as_deref(), Some(&details)) {
            prop_assert!(h.len() <= MAX_HEADLINE_BYTES && !h.contains('\n'));
        }
        if let Some(d) = pyward_osv::text::bounded_details(&details) {
            prop_assert!(d.len() <= MAX_DETAILS_BYTES);
        }
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_json(&bytes);
        let _ = parse_yaml(&bytes);
    }

    #[test]
    fn parsers_never_panic_on_near_records(
        id in ".{0,8}",
        name in ".{0,8}",
        version in ".{0,8}",
        kind in prop::sample::select(vec!["ECOSYSTEM", "GIT", "SEMVER", ""]),
    ) {
        let json = serde_json::json!({
            "id": id,
            "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                          "ranges": [{"type": kind, "events": [{"introduced": version}, {"fixed": version}]}],
                          "versions": [version]}]
        });
        let _ = parse_json(json.to_string().as_bytes());
        let yaml = serde_yaml_ng::to_string(&json).unwrap();
        let _ = parse_yaml(yaml.as_bytes());
    }

    #[test]
    fn matching_never_panics(entry in entry(), version in any_version()) {
        let _ = entry_matches(&entry, &QueryVersion::new(&version));
    }

    /// One interval `[a, b)`: a version is inside exactly when
    /// `a <= v < b`, and then its fix is `b`.
    #[test]
    fn one_interval_matches_its_definition(a in pep440(), b in pep440(), v in pep440()) {
        let (pa, pb, pv) = (
            Version::from_str(&a).unwrap(),
            Version::from_str(&b).unwrap(),
            Version::from_str(&v).unwrap(),
        );
        prop_assume!(pa < pb);
        let entry = Affected {
            package: PackageName::new("p"),
            ranges: vec![Range { events: vec![Event::Fixed(b.clone()), Event::Introduced(a)] }],
            versions: vec![],
            severity: vec![],
            imports: vec![],
        };
        let got = entry_matches(&entry, &QueryVersion::new(&v)).map(|m| m.fix_versions);
        let want = (pa <= pv && pv < pb).then(|| vec![pb.clone()]);
        prop_assert_eq!(got, want);
        // The typed interval says the same.
        let typed = pyward_osv::matching::PreparedEntry::new(&entry).affected_ranges();
        prop_assert_eq!(typed.iter().any(|r| r.contains(&pv)), pa <= pv && pv < pb);
    }

    /// A listed version matches itself and every spelling PEP 440 calls equal.
    #[test]
    fn listed_versions_match_equal_spellings(v in pep440(), zeros in 0usize..3) {
        let entry = Affected {
            package: PackageName::new("p"),
            ranges: vec![],
            versions: vec![v.clone()],
            severity: vec![],
            imports: vec![],
        };
        prop_assert!(entry_matches(&entry, &QueryVersion::new(&v)).is_some());
        let parsed = Version::from_str(&v).unwrap();
        if parsed.local().is_empty() && parsed.pre().is_none() && parsed.post().is_none() && parsed.dev().is_none() {
            let padded = format!("{v}{}", ".0".repeat(zeros));
            prop_assert!(entry_matches(&entry, &QueryVersion::new(&padded)).is_some());
        }
    }
}
