use std::collections::HashSet;
use std::fmt;

use pyward_model::PackageName;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::confusable::skeleton_chars;
use crate::distance::{SingleEdit, osa_within, single_edit};
use crate::index::DeletionIndex;
use crate::rules::{
    AFFIX_MIN_LEN, FIRST_CHAR_EDIT_MIN_LEN, GENERIC_EDIT_MIN_LEN, LOOK_MIN_LEN, MAX_COMPARED_LEN,
    ONE_EDIT_MIN_LEN, PREFIXES, SHORT_SEGMENT_LEN, STRONG_GAP, SUFFIXES, TWO_EDIT_MIN_LEN,
    TWO_EDIT_SHORT_SEGMENT_LEN, WEAK_GAP,
};
use crate::technique::{Affix, AffixPosition, Technique};

/// The built-in list: the 15,000 most downloaded PyPI projects, most
/// downloaded first, `name<TAB>downloads` (see `data/README.md`).
const BUILTIN: &str = include_str!("../data/top-pypi-packages.tsv");

/// A dependency name that looks like a popular project it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookAlike {
    /// The name that was checked.
    pub name: PackageName,
    /// The popular project it looks like; when it looks like several, the
    /// most downloaded of them.
    pub similar_to: PackageName,
    /// How `name` differs from `similar_to`.
    pub technique: Technique,
    /// `similar_to`'s place in the list of most downloaded projects
    /// (1 = most downloaded).
    pub similar_to_rank: usize,
}

impl fmt::Display for LookAlike {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` looks like `{}` (#{} most downloaded on PyPI): {}",
            self.name, self.similar_to, self.similar_to_rank, self.technique
        )
    }
}

/// Names the user vouches for: never reported, whatever they look like.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(HashSet<PackageName>);

impl AllowList {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, name: PackageName) {
        self.0.insert(name);
    }

    pub fn contains(&self, name: &PackageName) -> bool {
        self.0.contains(name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<PackageName> for AllowList {
    fn from_iter<I: IntoIterator<Item = PackageName>>(names: I) -> Self {
        Self(names.into_iter().collect())
    }
}

impl<'a> FromIterator<&'a str> for AllowList {
    fn from_iter<I: IntoIterator<Item = &'a str>>(names: I) -> Self {
        names.into_iter().map(PackageName::new).collect()
    }
}

/// Compares names with a list of popular projects. Build it once (a few
/// milliseconds for the built-in 15,000) and check every dependency with it.
///
/// # Rules
///
/// A name is a look-alike of a popular one when it differs by look-alike
/// characters or separators only (popular name of 4+ characters), by
/// swapped or doubled letters (5+), by a dropped or any other changed
/// letter (6+; 8+ when the first letter changes), by two changes (8+, first
/// letter kept), or by a Python affix (`python-`, `py`, `-python`, `2`, `3`,
/// ...). A popular name never matches itself, an allowed name never
/// matches, and a short segment of a plugin family (`pytest-cov` /
/// `pytest-cox`) or a trailing version digit (`pyqt5` / `pyqt6`) is not a
/// typo. When several popular names match, the most downloaded is named.
///
/// # Popularity gap
///
/// A checked name is not in the list, so it has fewer downloads than the
/// list's last entry. A near miss only matters when the imitated project is
/// far more downloaded than that: 10 times the list's floor for the signals
/// two unrelated projects seldom share by chance (swapped or doubled
/// letters, separators, look-alike characters), 100 times for those that
/// also join real, unrelated projects (a dropped or changed letter, two
/// changes, affixes: `imutil`/`imutils`, `flash`/`flask`). Below the gap, a
/// similar name is as likely a sibling project as an imitation, and
/// attackers aim at the most installed names anyway. The numbers were
/// tuned on real typosquats and a sample of ordinary PyPI names (see
/// `tests/typosquat.rs`).
pub struct Checker {
    names: Vec<PackageName>,
    downloads: Vec<u64>,
    /// Every name's characters, back to back; `spans[slot]` is its range.
    chars: Vec<char>,
    spans: Vec<(u32, u32)>,
    exact: HashMap<String, u32>,
    /// Hash of a name without separators -> the most downloaded slot with
    /// it (a hit is confirmed by comparing the names).
    squashed: HashMap<u64, u32>,
    /// Hash of a look-alike skeleton -> the most downloaded slot with it.
    skeletons: HashMap<u64, u32>,
    /// Names within one edit of each popular name that allows one.
    index: DeletionIndex,
    /// The popular names that allow two edits, by first character (the two
    /// edits must keep it), with a bit set of each one's characters.
    two_edits: HashMap<char, Vec<(u32, u64)>>,
    strong_min_downloads: u64,
    weak_min_downloads: u64,
    allow: AllowList,
}

impl fmt::Debug for Checker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checker")
            .field("popular", &self.names.len())
            .field("index_entries", &self.index.len())
            .field("allow", &self.allow)
            .finish_non_exhaustive()
    }
}

impl Checker {
    /// A checker over the built-in list of the 15,000 most downloaded PyPI
    /// projects.
    pub fn builtin() -> Self {
        Self::new(BUILTIN.lines().filter_map(|line| {
            let (name, downloads) = line.split_once('\t')?;
            Some((PackageName::new(name), downloads.trim().parse().ok()?))
        }))
    }

    /// A checker over `popular`: `(name, downloads)` pairs, most downloaded
    /// first (the order gives the rank; a name listed twice keeps its first
    /// place).
    pub fn new(popular: impl IntoIterator<Item = (PackageName, u64)>) -> Self {
        let popular = popular.into_iter();
        let expected = popular.size_hint().0;
        let mut names = Vec::with_capacity(expected);
        let mut downloads = Vec::with_capacity(expected);
        let mut exact = HashMap::with_capacity_and_hasher(expected, Default::default());
        for (name, count) in popular {
            if name.as_str().is_empty() || exact.contains_key(name.as_str()) {
                continue;
            }
            exact.insert(name.as_str().to_string(), names.len() as u32);
            names.push(name);
            downloads.push(count);
        }
        let floor = downloads.iter().copied().min().unwrap_or(0);
        let strong_min_downloads = floor.saturating_mul(STRONG_GAP);
        let weak_min_downloads = floor.saturating_mul(WEAK_GAP);

        let mut chars = Vec::new();
        let mut spans = Vec::with_capacity(names.len());
        let mut squashed = HashMap::with_capacity_and_hasher(names.len(), Default::default());
        let mut skeletons = HashMap::with_capacity_and_hasher(names.len(), Default::default());
        for (slot, name) in names.iter().enumerate() {
            let slot = slot as u32;
            let start = chars.len() as u32;
            chars.extend(name.as_str().chars());
            spans.push((start, chars.len() as u32));
            squashed
                .entry(hash_chars(squashed_chars(name.as_str())))
                .or_insert(slot);
            skeletons
                .entry(hash_chars(skeleton_chars(name.as_str())))
                .or_insert(slot);
        }
        let mut checker = Self {
            names,
            downloads,
            chars,
            spans,
            exact,
            squashed,
            skeletons,
            index: DeletionIndex::build(std::iter::empty()),
            two_edits: HashMap::default(),
            strong_min_downloads,
            weak_min_downloads,
            allow: AllowList::new(),
        };
        let depths: Vec<usize> = (0..checker.names.len() as u32)
            .map(|slot| checker.max_edits(slot))
            .collect();
        // One edit through the deletion index; two by scanning the few long,
        // very popular names that allow them, which costs less than indexing
        // every two-character deletion of each (see `index.rs`).
        checker.index = DeletionIndex::build(
            (0..checker.names.len() as u32)
                .map(|slot| (slot, checker.chars_of(slot), depths[slot as usize].min(1))),
        );
        for (slot, depth) in depths.iter().enumerate() {
            let name = checker.chars_of(slot as u32);
            if *depth >= 2
                && let Some(first) = name.first()
            {
                let mask = char_mask(name);
                checker
                    .two_edits
                    .entry(*first)
                    .or_default()
                    .push((slot as u32, mask));
            }
        }
        checker
    }

    /// The same checker, never reporting the names in `allow`.
    pub fn with_allow_list(mut self, allow: AllowList) -> Self {
        self.allow = allow;
        self
    }

    /// How many popular names it compares with.
    pub fn popular_len(&self) -> usize {
        self.names.len()
    }

    /// `name`'s rank among the popular names (1 = most downloaded), if it is
    /// one of them.
    pub fn rank(&self, name: &PackageName) -> Option<usize> {
        self.exact.get(name.as_str()).map(|slot| *slot as usize + 1)
    }

    /// The popular name `name` imitates, if any. Never reports a popular name
    /// itself nor one on the allow list.
    pub fn check(&self, name: &PackageName) -> Option<LookAlike> {
        self.check_allowing(name, &self.allow)
    }

    pub(crate) fn check_allowing(
        &self,
        name: &PackageName,
        allow: &AllowList,
    ) -> Option<LookAlike> {
        let text = name.as_str();
        if text.is_empty() || self.exact.contains_key(text) || allow.contains(name) {
            return None;
        }
        let mut best = Best::default();
        self.separators_and_look_alikes(text, &mut best);
        self.edits(text, &mut best);
        self.affixes(text, &mut best);
        best.0.map(|(slot, technique)| LookAlike {
            name: name.clone(),
            similar_to: self.names[slot as usize].clone(),
            technique,
            similar_to_rank: slot as usize + 1,
        })
    }

    fn separators_and_look_alikes(&self, text: &str, best: &mut Best) {
        if squashed_chars(text).count() < LOOK_MIN_LEN {
            return;
        }
        let popular_enough = |slot: u32| self.downloads[slot as usize] >= self.strong_min_downloads;
        let same_squashed =
            |slot: u32| squashed_chars(self.names[slot as usize].as_str()).eq(squashed_chars(text));
        if let Some(&slot) = self.squashed.get(&hash_chars(squashed_chars(text)))
            && popular_enough(slot)
            && same_squashed(slot)
        {
            best.offer(slot, Technique::Separator);
        }
        if let Some(&slot) = self.skeletons.get(&hash_chars(skeleton_chars(text)))
            && popular_enough(slot)
            && !same_squashed(slot)
            && skeleton_chars(self.names[slot as usize].as_str()).eq(skeleton_chars(text))
        {
            best.offer(slot, Technique::Confusable);
        }
    }

    fn edits(&self, text: &str, best: &mut Best) {
        let candidate: Vec<char> = text.chars().collect();
        if candidate.len() + 1 < ONE_EDIT_MIN_LEN || candidate.len() > MAX_COMPARED_LEN {
            return;
        }
        let mut slots = Vec::new();
        self.index.candidates(&candidate, 1, &mut slots);
        if let Some(first) = candidate.first()
            && let Some(long_names) = self.two_edits.get(first)
        {
            let mask = char_mask(&candidate);
            slots.extend(
                long_names
                    .iter()
                    // Two edits change at most four members of the set of
                    // characters; most names are rejected here.
                    .filter(|(slot, popular_mask)| {
                        (mask ^ popular_mask).count_ones() <= 4
                            && self.chars_of(*slot).len().abs_diff(candidate.len()) <= 2
                    })
                    .map(|(slot, _)| *slot),
            );
        }
        slots.sort_unstable();
        slots.dedup();
        for slot in slots {
            // Slots are ranks: nothing after the current best can beat it.
            if best.0.is_some_and(|(held, _)| held < slot) {
                break;
            }
            let popular = self.chars_of(slot);
            let Some(distance) = osa_within(&candidate, popular, self.max_edits(slot)) else {
                continue;
            };
            if let Some(technique) = self.classify(&candidate, popular, distance, slot) {
                best.offer(slot, technique);
            }
        }
    }

    /// Which technique turns `popular` into `candidate`, `distance` edits
    /// apart, or `None` when the difference is not a typo (a separator, left
    /// to the separator rule; a version digit; a family's short word).
    fn classify(
        &self,
        candidate: &[char],
        popular: &[char],
        distance: usize,
        slot: u32,
    ) -> Option<Technique> {
        let strong = self.downloads[slot as usize] >= self.strong_min_downloads;
        let weak = self.downloads[slot as usize] >= self.weak_min_downloads;
        let first_char_kept = candidate.first() == popular.first();
        let generic_allowed = |len: usize| {
            weak && len >= GENERIC_EDIT_MIN_LEN
                && (first_char_kept || len >= FIRST_CHAR_EDIT_MIN_LEN)
        };
        if distance == 2 {
            let allowed = weak
                && popular.len() >= TWO_EDIT_MIN_LEN
                && first_char_kept
                && !differs_in_short_segment(candidate, popular, TWO_EDIT_SHORT_SEGMENT_LEN);
            return allowed.then_some(Technique::Edit { distance: 2 });
        }
        if distance != 1 {
            return None;
        }
        let (technique, allowed) = match single_edit(candidate, popular)? {
            SingleEdit::Transpose { .. } => (Technique::Transposition, strong),
            // A separator added or removed is the separator rule's.
            SingleEdit::Insert { ch: '-', .. } | SingleEdit::Delete { ch: '-', .. } => return None,
            SingleEdit::Insert { at, ch } => {
                let doubled = (at > 0 && candidate[at - 1] == ch)
                    || candidate.get(at + 1).is_some_and(|next| *next == ch);
                if doubled {
                    (Technique::RepeatedLetter, strong)
                } else {
                    (
                        Technique::Edit { distance: 1 },
                        generic_allowed(popular.len()),
                    )
                }
            }
            SingleEdit::Delete { .. } => (Technique::DroppedLetter, generic_allowed(popular.len())),
            SingleEdit::Substitute { at, from, to } => {
                let version_digit = from.is_ascii_digit()
                    && to.is_ascii_digit()
                    && popular.get(at + 1).is_none_or(|next| *next == '-');
                if version_digit || differs_in_short_segment(candidate, popular, SHORT_SEGMENT_LEN)
                {
                    // `pyqt5`/`pyqt6` is a version; `pytest-cov`/`pytest-cox`
                    // a family of plugins.
                    return None;
                }
                (
                    Technique::Edit { distance: 1 },
                    generic_allowed(popular.len()),
                )
            }
        };
        allowed.then_some(technique)
    }

    fn affixes(&self, text: &str, best: &mut Best) {
        let weak_slot = |name: &str| {
            self.exact
                .get(name)
                .copied()
                .filter(|slot| self.downloads[*slot as usize] >= self.weak_min_downloads)
        };
        let long_enough = |s: &str| s.chars().filter(|c| *c != '-').count() >= AFFIX_MIN_LEN;
        for (affixes, position) in [
            (PREFIXES, AffixPosition::Prefix),
            (SUFFIXES, AffixPosition::Suffix),
        ] {
            for &affix in affixes {
                let stripped = match position {
                    AffixPosition::Prefix => text.strip_prefix(affix),
                    AffixPosition::Suffix => text.strip_suffix(affix),
                };
                if let Some(rest) = stripped
                    && long_enough(rest)
                    && let Some(slot) = weak_slot(rest)
                {
                    best.offer(slot, affix_technique(affix, position, true));
                }
                if long_enough(text) {
                    let extended = match position {
                        AffixPosition::Prefix => format!("{affix}{text}"),
                        AffixPosition::Suffix => format!("{text}{affix}"),
                    };
                    if let Some(slot) = weak_slot(&extended) {
                        best.offer(slot, affix_technique(affix, position, false));
                    }
                }
            }
        }
    }

    /// How many edits away a look-alike of this popular name may be (the
    /// technique then decides whether that many count).
    fn max_edits(&self, slot: u32) -> usize {
        let len = self.chars_of(slot).len();
        let downloads = self.downloads[slot as usize];
        if len > MAX_COMPARED_LEN {
            0
        } else if len >= TWO_EDIT_MIN_LEN && downloads >= self.weak_min_downloads {
            2
        } else if len >= ONE_EDIT_MIN_LEN && downloads >= self.strong_min_downloads {
            1
        } else {
            0
        }
    }

    fn chars_of(&self, slot: u32) -> &[char] {
        let (start, end) = self.spans[slot as usize];
        &self.chars[start as usize..end as usize]
    }
}

fn affix_technique(text: &'static str, position: AffixPosition, added: bool) -> Technique {
    Technique::Affix(Affix {
        text,
        position,
        added,
    })
}

/// The best match so far: the lowest slot (most downloaded), then the most
/// specific technique.
#[derive(Default)]
struct Best(Option<(u32, Technique)>);

impl Best {
    fn offer(&mut self, slot: u32, technique: Technique) {
        let better = match &self.0 {
            None => true,
            Some((held, held_technique)) => {
                (slot, technique.specificity()) < (*held, held_technique.specificity())
            }
        };
        if better {
            self.0 = Some((slot, technique));
        }
    }
}

/// The set of characters in `name`, one bit each (letters, digits and `-`
/// have their own bit; anything else shares the remaining ones).
fn char_mask(name: &[char]) -> u64 {
    name.iter().fold(0, |mask, c| {
        let bit = match c {
            'a'..='z' => *c as u32 - 'a' as u32,
            '0'..='9' => 26 + (*c as u32 - '0' as u32),
            '-' => 36,
            other => 37 + *other as u32 % 27,
        };
        mask | 1 << bit
    })
}

fn squashed_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().filter(|c| *c != '-')
}

fn hash_chars(chars: impl Iterator<Item = char>) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    for c in chars {
        hasher.write_u32(c as u32);
    }
    hasher.finish()
}

/// Whether the two names differ only inside one segment shorter than
/// `short` of a name made of several (`pytest-cov` / `pytest-cox`).
fn differs_in_short_segment(candidate: &[char], popular: &[char], short: usize) -> bool {
    if !popular.contains(&'-') {
        return false;
    }
    let prefix = candidate
        .iter()
        .zip(popular)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = candidate
        .iter()
        .rev()
        .zip(popular.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let shortest = candidate.len().min(popular.len());
    let prefix = prefix.min(shortest);
    let suffix = suffix.min(shortest - prefix);
    // The differing stretch of the popular name, widened to whole segments.
    let (start, end) = (prefix, popular.len() - suffix);
    let segment_start = popular[..start]
        .iter()
        .rposition(|c| *c == '-')
        .map_or(0, |i| i + 1);
    let segment_end = popular[end.max(start)..]
        .iter()
        .position(|c| *c == '-')
        .map_or(popular.len(), |i| end.max(start) + i);
    let segment = &popular[segment_start..segment_end];
    !segment.contains(&'-') && segment.len() < short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn short_segments_of_plugin_families() {
        let short =
            |a: &str, b: &str| differs_in_short_segment(&chars(a), &chars(b), SHORT_SEGMENT_LEN);
        assert!(short("pytest-cox", "pytest-cov"));
        assert!(short("django-cms", "django-csp"));
        assert!(!short("pytest-xdsit", "pytest-xdist"));
        assert!(!short("flsak", "flask"));
        // The edit crosses a separator: not inside one segment.
        assert!(!short("requ-sts", "requests"));
        // Two edits rewrite a word of up to seven letters.
        let two = |a: &str, b: &str| {
            differs_in_short_segment(&chars(a), &chars(b), TWO_EDIT_SHORT_SEGMENT_LEN)
        };
        assert!(two("pytest-salt", "pytest-split"));
        assert!(!two("requests-oathlb", "requests-oauthlib"));
    }
}
