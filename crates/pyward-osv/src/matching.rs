//! OSV's matching rules for PyPI: a version is affected when it is in an
//! entry's `versions` list or inside one of its `ECOSYSTEM` ranges, ordered
//! by PEP 440.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::str::FromStr;

use pep440_rs::Version;

use crate::record::{Affected, Event, Range};

/// A version as installed or pinned: parsed when it is PEP 440, otherwise
/// kept as a string that only an exact `versions` entry can match.
#[derive(Debug, Clone)]
pub struct QueryVersion<'a> {
    /// As written; `None` for a version given already parsed.
    raw: Option<&'a str>,
    parsed: Option<Cow<'a, Version>>,
}

impl<'a> QueryVersion<'a> {
    /// A version as written: PEP 440 or not.
    pub fn new(raw: &'a str) -> Self {
        Self {
            raw: Some(raw),
            parsed: Version::from_str(raw.trim()).ok().map(Cow::Owned),
        }
    }

    /// A version already parsed (no parsing per query).
    pub fn parsed(version: &'a Version) -> Self {
        Self {
            raw: None,
            parsed: Some(Cow::Borrowed(version)),
        }
    }

    /// The version as written, when it was given as a string.
    pub fn raw(&self) -> Option<&str> {
        self.raw
    }

    pub fn is_pep440(&self) -> bool {
        self.parsed.is_some()
    }
}

/// Why an `affected` entry covers a version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryMatch {
    /// The `fixed` versions that end the ranges the version is in.
    pub fix_versions: Vec<Version>,
}

/// One interval of affected versions, typed (the model's type, shared
/// with the findings that carry it): from `introduced` (inclusive; `None`
/// is OSV's `"0"`, before every version) up to `fixed` (exclusive) or
/// `last_affected` (inclusive); neither means no end. A version the
/// `versions` list names outside every range is the interval from it to
/// it (`introduced` and `last_affected` both that version).
pub use pyward_model::AffectedRange;

/// Whether `entry` covers `version`; `None` when it does not.
pub fn entry_matches(entry: &Affected, version: &QueryVersion<'_>) -> Option<EntryMatch> {
    PreparedEntry::new(entry).matches(version)
}

/// An `affected` entry with its versions parsed once, to be matched against
/// many versions.
#[derive(Debug, Clone)]
pub struct PreparedEntry {
    ranges: Vec<PreparedRange>,
    /// The `versions` list as written (trimmed).
    listed: Vec<String>,
    /// The PEP 440 ones among them, parsed.
    listed_parsed: Vec<Version>,
}

impl PreparedEntry {
    pub fn new(entry: &Affected) -> Self {
        let listed: Vec<String> = entry
            .versions
            .iter()
            .map(|v| v.trim().to_string())
            .collect();
        let listed_parsed = listed
            .iter()
            .filter_map(|v| Version::from_str(v).ok())
            .collect();
        Self {
            ranges: entry.ranges.iter().map(PreparedRange::new).collect(),
            listed,
            listed_parsed,
        }
    }

    /// Whether the entry covers `version`: it is inside one of the ranges
    /// (PEP 440 versions only), or the `versions` list names it (equal as
    /// PEP 440 versions, `1.0` being `1.0.0`, or else equal as strings).
    pub fn matches(&self, version: &QueryVersion<'_>) -> Option<EntryMatch> {
        let mut matched = false;
        let mut fix_versions = Vec::new();
        if let Some(parsed) = &version.parsed {
            for range in &self.ranges {
                if let Some(fix) = range.contains(parsed) {
                    matched = true;
                    fix_versions.extend(fix);
                }
            }
        }
        if !matched {
            matched = version
                .raw
                .is_some_and(|raw| self.listed.iter().any(|l| l == raw.trim()))
                || version
                    .parsed
                    .as_ref()
                    .is_some_and(|p| self.listed_parsed.iter().any(|l| l == p.as_ref()));
        }
        matched.then_some(EntryMatch { fix_versions })
    }

    /// The entry's ranges as typed intervals, then its PEP 440 listed
    /// versions (outside the ranges, in a core) as one-version intervals.
    pub fn affected_ranges(&self) -> Vec<AffectedRange> {
        let mut out: Vec<AffectedRange> = self
            .ranges
            .iter()
            .flat_map(PreparedRange::intervals)
            .collect();
        out.extend(self.listed_parsed.iter().map(|v| AffectedRange {
            introduced: Some(v.clone()),
            fixed: None,
            last_affected: Some(v.clone()),
        }));
        out
    }
}

/// An event's version, with `introduced: "0"` meaning "before every
/// version" (so `0.dev1` and `0a1` are inside it too).
#[derive(Debug, Clone)]
enum Bound {
    Zero,
    At(Version),
}

impl Bound {
    fn cmp_version(&self, v: &Version) -> Ordering {
        match self {
            Bound::Zero => Ordering::Less,
            Bound::At(b) => b.cmp(v),
        }
    }

    fn cmp_bound(&self, other: &Bound) -> Ordering {
        match (self, other) {
            (Bound::Zero, Bound::Zero) => Ordering::Equal,
            (Bound::Zero, Bound::At(_)) => Ordering::Less,
            (Bound::At(_), Bound::Zero) => Ordering::Greater,
            (Bound::At(x), Bound::At(y)) => x.cmp(y),
        }
    }
}

const INTRODUCED: u8 = 0;
const FIXED: u8 = 1;
const LAST_AFFECTED: u8 = 2;
const LIMIT: u8 = 3;

/// Ties between events at the same version sort in this order.
fn kind_order(event: &Event) -> u8 {
    match event {
        Event::Introduced(_) => INTRODUCED,
        Event::Fixed(_) => FIXED,
        Event::LastAffected(_) => LAST_AFFECTED,
        Event::Limit(_) => LIMIT,
    }
}

/// A range with its events parsed and sorted.
#[derive(Debug, Clone)]
struct PreparedRange {
    /// (version, kind order), sorted.
    events: Vec<(Bound, u8)>,
    limits: Vec<Bound>,
}

impl PreparedRange {
    /// Sorts the events by version (ties: introduced, fixed, last_affected,
    /// limit). Events whose version is not PEP 440 are ignored.
    fn new(range: &Range) -> Self {
        let mut events: Vec<(Bound, u8)> = range
            .events
            .iter()
            .filter_map(|event| {
                let raw = event.version().trim();
                if matches!(event, Event::Introduced(_)) && raw == "0" {
                    return Some((Bound::Zero, kind_order(event)));
                }
                Version::from_str(raw)
                    .ok()
                    .map(|v| (Bound::At(v), kind_order(event)))
            })
            .collect();
        events.sort_by(|(a, ka), (b, kb)| a.cmp_bound(b).then(ka.cmp(kb)));
        let limits = events
            .iter()
            .filter(|(_, kind)| *kind == LIMIT)
            .map(|(b, _)| b.clone())
            .collect();
        Self { events, limits }
    }

    /// `Some(fix)` when `version` is inside the range, `fix` being the
    /// `fixed` version that ends the interval it is in (none for an open or
    /// `last_affected` interval).
    ///
    /// The sorted events are walked: `introduced` at or below the version
    /// opens an interval, `fixed` above it or `last_affected` at or above
    /// it closes the interval around it. `limit` events bound the range:
    /// the version must be below one of them.
    fn contains(&self, version: &Version) -> Option<Option<Version>> {
        if !self.limits.is_empty()
            && !self
                .limits
                .iter()
                .any(|limit| limit.cmp_version(version) == Ordering::Greater)
        {
            return None;
        }
        let mut inside = false;
        for (bound, kind) in &self.events {
            let order = bound.cmp_version(version);
            match (*kind, inside) {
                (INTRODUCED, false) if order != Ordering::Greater => inside = true,
                (FIXED, true) if order == Ordering::Greater => {
                    return Some(match bound {
                        Bound::At(v) => Some(v.clone()),
                        Bound::Zero => None,
                    });
                }
                (LAST_AFFECTED, true) if order != Ordering::Less => return Some(None),
                (FIXED | LAST_AFFECTED, true) => inside = false,
                _ => {}
            }
        }
        inside.then_some(None)
    }

    /// The intervals the sorted events make, walked as [`Self::contains`]
    /// walks them (`limit` events are left out).
    fn intervals(&self) -> Vec<AffectedRange> {
        let mut out = Vec::new();
        let mut open: Option<Option<Version>> = None;
        let at = |bound: &Bound| match bound {
            Bound::Zero => None,
            Bound::At(v) => Some(v.clone()),
        };
        for (bound, kind) in &self.events {
            match (*kind, &open) {
                (INTRODUCED, None) => open = Some(at(bound)),
                (FIXED, Some(introduced)) => {
                    out.push(AffectedRange {
                        introduced: introduced.clone(),
                        fixed: at(bound),
                        last_affected: None,
                    });
                    open = None;
                }
                (LAST_AFFECTED, Some(introduced)) => {
                    out.push(AffectedRange {
                        introduced: introduced.clone(),
                        fixed: None,
                        last_affected: at(bound),
                    });
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(introduced) = open {
            out.push(AffectedRange {
                introduced,
                fixed: None,
                last_affected: None,
            });
        }
        out
    }
}

/// Whether `version` is inside `range` (see [`PreparedEntry::matches`]);
/// `Some(fix)` when it is.
pub fn range_contains(range: &Range, version: &Version) -> Option<Option<Version>> {
    PreparedRange::new(range).contains(version)
}

/// Whether the entry covers every version there is: a range that opens at
/// `0` and never closes. Malicious packages are reported like this, and
/// then flag even an unpinned requirement.
pub fn entry_affects_every_version(entry: &Affected) -> bool {
    entry.ranges.iter().any(|range| {
        range
            .events
            .iter()
            .any(|e| matches!(e, Event::Introduced(v) if v.trim() == "0"))
            && range
                .events
                .iter()
                .all(|e| matches!(e, Event::Introduced(_)))
    })
}

/// Sorts version strings by PEP 440 (those that are not PEP 440 go last, as
/// strings) and drops duplicates.
pub fn sort_versions(versions: &mut Vec<String>) {
    versions.sort_by(|a, b| match (Version::from_str(a), Version::from_str(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    });
    versions.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyward_model::PackageName;

    fn range(events: &[(&str, &str)]) -> Range {
        Range {
            events: events
                .iter()
                .map(|(kind, v)| match *kind {
                    "introduced" => Event::Introduced((*v).into()),
                    "fixed" => Event::Fixed((*v).into()),
                    "last_affected" => Event::LastAffected((*v).into()),
                    _ => Event::Limit((*v).into()),
                })
                .collect(),
        }
    }

    fn entry(ranges: Vec<Range>, versions: &[&str]) -> Affected {
        Affected {
            package: PackageName::new("pkg"),
            ranges,
            versions: versions.iter().map(|v| (*v).to_string()).collect(),
            severity: Vec::new(),
            imports: Vec::new(),
        }
    }

    fn hit(e: &Affected, v: &str) -> Option<Vec<String>> {
        entry_matches(e, &QueryVersion::new(v))
            .map(|m| m.fix_versions.iter().map(ToString::to_string).collect())
    }

    fn ranges(e: &Affected) -> Vec<String> {
        PreparedEntry::new(e)
            .affected_ranges()
            .iter()
            .map(|r| {
                let show =
                    |v: &Option<Version>| v.as_ref().map_or("-".to_string(), ToString::to_string);
                format!(
                    "{}..{}|{}",
                    show(&r.introduced),
                    show(&r.fixed),
                    show(&r.last_affected)
                )
            })
            .collect()
    }

    #[test]
    fn introduced_inclusive_fixed_exclusive() {
        let e = entry(vec![range(&[("introduced", "1.0"), ("fixed", "1.5")])], &[]);
        assert_eq!(hit(&e, "0.9"), None);
        assert_eq!(hit(&e, "1.0"), Some(vec!["1.5".to_string()]));
        assert_eq!(hit(&e, "1.0.0"), Some(vec!["1.5".to_string()]));
        assert_eq!(hit(&e, "1.5rc1"), Some(vec!["1.5".to_string()]));
        assert_eq!(hit(&e, "1.5"), None);
        assert_eq!(hit(&e, "1.5.post1"), None);
        assert_eq!(hit(&e, "1.0.dev1"), None);
    }

    #[test]
    fn last_affected_is_inclusive() {
        let e = entry(
            vec![range(&[("introduced", "0"), ("last_affected", "2.0")])],
            &[],
        );
        assert_eq!(hit(&e, "0.0.dev0"), Some(vec![]));
        assert_eq!(hit(&e, "2.0"), Some(vec![]));
        assert_eq!(hit(&e, "2.0+local"), None, "local versions sort above");
        assert_eq!(hit(&e, "2.0.post1"), None);
    }

    #[test]
    fn several_intervals_in_one_range_give_their_own_fix() {
        // Events deliberately out of order: OSV sorts them.
        let e = entry(
            vec![range(&[
                ("introduced", "2.0"),
                ("fixed", "2.2.5"),
                ("introduced", "0"),
                ("fixed", "1.11.29"),
                ("introduced", "3.0"),
            ])],
            &[],
        );
        assert_eq!(hit(&e, "1.11"), Some(vec!["1.11.29".to_string()]));
        assert_eq!(hit(&e, "1.11.29"), None);
        assert_eq!(hit(&e, "2.1"), Some(vec!["2.2.5".to_string()]));
        assert_eq!(hit(&e, "2.9"), None);
        assert_eq!(hit(&e, "3.1"), Some(vec![]));
        assert_eq!(
            hit(&e, "1!0.1"),
            Some(vec![]),
            "epoch 1 is above everything"
        );
    }

    #[test]
    fn typed_ranges_follow_the_sorted_events() {
        let e = entry(
            vec![
                range(&[
                    ("introduced", "2.0"),
                    ("fixed", "2.2.5"),
                    ("introduced", "0"),
                    ("fixed", "1.11.29"),
                    ("introduced", "3.0"),
                ]),
                range(&[("introduced", "0.5"), ("last_affected", "0.9")]),
            ],
            &["0.1", "junk"],
        );
        assert_eq!(
            ranges(&e),
            vec![
                "-..1.11.29|-",
                "2.0..2.2.5|-",
                "3.0..-|-",
                "0.5..-|0.9",
                "0.1..-|0.1"
            ]
        );
        let typed = PreparedEntry::new(&e).affected_ranges();
        for v in ["0.1", "1.0", "2.1", "3.5", "0.9"] {
            let v = Version::from_str(v).unwrap();
            assert!(typed.iter().any(|r| r.contains(&v)), "{v}");
            assert!(
                PreparedEntry::new(&e)
                    .matches(&QueryVersion::parsed(&v))
                    .is_some()
            );
        }
        for v in ["1.11.29", "2.9", "2.2.5", "2.5"] {
            let v = Version::from_str(v).unwrap();
            assert!(!typed.iter().any(|r| r.contains(&v)), "{v}");
            assert!(
                PreparedEntry::new(&e)
                    .matches(&QueryVersion::parsed(&v))
                    .is_none()
            );
        }
    }

    #[test]
    fn limit_bounds_the_range() {
        let e = entry(vec![range(&[("introduced", "0"), ("limit", "3.0")])], &[]);
        assert_eq!(hit(&e, "2.9"), Some(vec![]));
        assert_eq!(hit(&e, "3.0"), None);
    }

    #[test]
    fn versions_list_matches_pep440_equal_and_plain_strings() {
        let e = entry(vec![], &["1.0", "not-a-version", "2.0.1"]);
        assert_eq!(hit(&e, "1.0.0"), Some(vec![]));
        assert_eq!(hit(&e, "v2.0.1"), Some(vec![]));
        assert_eq!(hit(&e, "not-a-version"), Some(vec![]));
        assert_eq!(hit(&e, "not-a-versio"), None);
        assert_eq!(hit(&e, "1.0+local"), None);
    }

    #[test]
    fn non_pep440_query_never_matches_a_range() {
        let e = entry(vec![range(&[("introduced", "0")])], &[]);
        assert_eq!(hit(&e, "weird version!"), None);
        assert!(entry_affects_every_version(&e));
    }

    #[test]
    fn unparsable_events_are_ignored() {
        let e = entry(vec![range(&[("introduced", "abc"), ("fixed", "2.0")])], &[]);
        assert_eq!(hit(&e, "1.0"), None);
        let e = entry(vec![range(&[("introduced", "1.0"), ("fixed", "zzz")])], &[]);
        assert_eq!(hit(&e, "5.0"), Some(vec![]));
    }

    #[test]
    fn sorts_versions_by_pep440() {
        let mut v = vec![
            "1.10".to_string(),
            "1.9".into(),
            "junk".into(),
            "1.10".into(),
            "1.10rc1".into(),
        ];
        sort_versions(&mut v);
        assert_eq!(v, vec!["1.9", "1.10rc1", "1.10", "junk"]);
    }
}
