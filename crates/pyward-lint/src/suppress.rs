//! `# nosec` comments, read as Bandit reads them.
//!
//! Bandit searches each comment for `#\s*nosec:?\s*(?P<tests>[^#]+)?`;
//! the words after `nosec` (split at spaces and commas) that are a rule id
//! or a rule name limit the comment to those rules, and a comment with
//! none of them silences every rule. A finding is silenced by a comment on
//! its own line or on any line of the node it was found on (the first
//! such comment counts), so a `# nosec` at the end of a multi-line call
//! works.
//!
//! One deliberate difference: Bandit's pattern keeps only the last id of
//! a run without spaces, so its `# nosec B602,B607` silences B607 alone;
//! pyward silences both, as the comment says.
//!
//! Ruff's suppressions count too, so a team leaving Ruff keeps them:
//! `# noqa: S602` silences B602 (Ruff's `S` codes are Bandit's numbers).
//! A bare `# noqa`, which Ruff reads as "every rule", is not honoured: it
//! is usually there for a style rule (a long line), and must not hide a
//! security finding by accident. In the `bandit` profile, whose promise is
//! Bandit's findings exactly, only `# nosec` counts.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::registry;

/// The rules one `# nosec` comment names; empty means every rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nosec {
    codes: Vec<&'static str>,
}

impl Nosec {
    /// Whether this comment silences `code`.
    pub fn silences(&self, code: &str) -> bool {
        self.codes.is_empty() || self.codes.contains(&code)
    }

    /// The rule ids named, empty for a bare `# nosec`.
    pub fn codes(&self) -> &[&'static str] {
        &self.codes
    }
}

/// Reads one comment (with its `#`): its `# nosec` and its `# noqa: S…`
/// parts. `None` when it suppresses nothing.
pub fn parse_suppression(comment: &str) -> Option<Nosec> {
    let nosec = parse_nosec_comment(comment);
    let noqa = parse_noqa_comment(comment);
    merge(nosec, noqa)
}

/// [`parse_suppression`] as Bandit reads a comment: `# nosec` only.
pub fn parse_bandit_suppression(comment: &str) -> Option<Nosec> {
    parse_nosec_comment(comment)
}

fn merge(nosec: Option<Nosec>, noqa: Option<Nosec>) -> Option<Nosec> {
    match (nosec, noqa) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one),
        // A bare `# nosec` already silences everything.
        (Some(nosec), Some(_)) if nosec.codes.is_empty() => Some(nosec),
        (Some(mut nosec), Some(noqa)) => {
            for code in noqa.codes {
                if !nosec.codes.contains(&code) {
                    nosec.codes.push(code);
                }
            }
            Some(nosec)
        }
    }
}

/// Ruff's `# noqa: S602, E501`: the `S` codes that name a pyward rule, as
/// Bandit ids. `None` when there is none.
pub fn parse_noqa_comment(comment: &str) -> Option<Nosec> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("noqa")?;
    let rest = comment[at + 4..].trim_start().strip_prefix(':')?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let mut codes = Vec::new();
    for word in rest
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let Some(number) = word.strip_prefix(['S', 's']) else {
            continue;
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Some(rule) = registry::rule(&format!("B{number}"))
            && !codes.contains(&rule.code)
        {
            codes.push(rule.code);
        }
    }
    (!codes.is_empty()).then_some(Nosec { codes })
}

/// Reads one comment (with its `#`). `None` when it is not a `nosec`
/// comment.
pub fn parse_nosec_comment(comment: &str) -> Option<Nosec> {
    let tests = find_nosec(comment)?;
    let mut codes = Vec::new();
    for word in tests
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        let found = registry::rule(word)
            .or_else(|| registry::all_rules().find(|r| r.name.eq_ignore_ascii_case(word)));
        if let Some(rule) = found
            && !codes.contains(&rule.code)
        {
            codes.push(rule.code);
        }
    }
    Some(Nosec { codes })
}

/// The text after `nosec` up to the next `#`, for the first `#` that
/// `nosec` follows (after optional white space).
fn find_nosec(comment: &str) -> Option<&str> {
    let mut rest = comment;
    while let Some(hash) = rest.find('#') {
        let after = rest[hash + 1..].trim_start();
        if let Some(tail) = after.strip_prefix("nosec") {
            let tail = tail.strip_prefix(':').unwrap_or(tail);
            let end = tail.find('#').unwrap_or(tail.len());
            return Some(&tail[..end]);
        }
        rest = &rest[hash + 1..];
    }
    None
}

/// Every `# nosec` comment of a file, by 1-based line.
#[derive(Debug, Default)]
pub struct NosecLines {
    by_line: HashMap<u32, Nosec>,
    /// The lines whose comment silenced a finding, for
    /// [`NosecLines::unused`]. A cell because the walk asks through a
    /// shared reference; one file is walked on one thread.
    used: RefCell<HashSet<u32>>,
}

impl NosecLines {
    pub(crate) fn insert(&mut self, line: u32, nosec: Nosec) {
        self.by_line.insert(line, nosec);
    }

    pub fn is_empty(&self) -> bool {
        self.by_line.is_empty()
    }

    /// Whether a finding of `code` on `line`, found on a node spanning
    /// `first..=last`, is silenced.
    pub fn silences(&self, code: &str, line: u32, first: u32, last: u32) -> bool {
        if self.by_line.is_empty() {
            return false;
        }
        let own = self.by_line.get(&line).map(|n| (line, n));
        let node = (first..=last).find_map(|l| self.by_line.get(&l).map(|n| (l, n)));
        let silenced_by: Vec<u32> = match (own, node) {
            (None, None) => Vec::new(),
            (Some((at, a)), None) | (None, Some((at, a))) => {
                if a.silences(code) {
                    vec![at]
                } else {
                    Vec::new()
                }
            }
            // Bandit unions the two sets; an empty union silences all.
            (Some((at_a, a)), Some((at_b, b))) => {
                if a.codes.is_empty() && b.codes.is_empty() {
                    vec![at_a, at_b]
                } else {
                    [(at_a, a), (at_b, b)]
                        .into_iter()
                        .filter(|(_, n)| n.codes.contains(&code))
                        .map(|(at, _)| at)
                        .collect()
                }
            }
        };
        if silenced_by.is_empty() {
            return false;
        }
        self.used.borrow_mut().extend(silenced_by);
        true
    }

    /// The comments that silenced nothing, by line, among those that can be
    /// judged: every rule a comment names is enabled (a bare `# nosec`
    /// only when every rule is), since a rule that did not run cannot
    /// have needed it.
    pub fn unused(&self, enabled: &dyn Fn(&str) -> bool, every_rule: bool) -> Vec<u32> {
        let used = self.used.borrow();
        let mut lines: Vec<u32> = self
            .by_line
            .iter()
            .filter(|(line, _)| !used.contains(line))
            .filter(|(_, nosec)| {
                if nosec.codes.is_empty() {
                    every_rule
                } else {
                    nosec.codes.iter().all(|code| enabled(code))
                }
            })
            .map(|(line, _)| *line)
            .collect();
        lines.sort_unstable();
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(comment: &str) -> Option<Vec<&'static str>> {
        parse_nosec_comment(comment).map(|n| n.codes)
    }

    #[test]
    fn bare_nosec_silences_everything() {
        assert_eq!(codes("# nosec"), Some(vec![]));
        assert_eq!(codes("#nosec"), Some(vec![]));
        assert_eq!(codes("# nosec because it is fine"), Some(vec![]));
        assert!(parse_nosec_comment("# nosec").unwrap().silences("B602"));
    }

    #[test]
    fn not_nosec() {
        assert_eq!(codes("# a comment"), None);
        // Bandit's pattern is case-sensitive.
        assert_eq!(codes("# NOSEC"), None);
    }

    #[test]
    fn ids_names_and_colon_forms() {
        assert_eq!(codes("# nosec B102, B110"), Some(vec!["B102", "B110"]));
        assert_eq!(codes("# nosec: B101"), Some(vec!["B101"]));
        assert_eq!(codes("# nosec:B101"), Some(vec!["B101"]));
        assert_eq!(codes("# nosec assert_used"), Some(vec!["B101"]));
        assert_eq!(codes("# nosec b101"), Some(vec!["B101"]));
        // Unknown words are skipped.
        assert_eq!(codes("# nosec B999 B101"), Some(vec!["B101"]));
    }

    #[test]
    fn ids_without_spaces_all_count() {
        // Bandit keeps only B110 here; see the module docs.
        assert_eq!(codes("# nosec B102,B110"), Some(vec!["B102", "B110"]));
    }

    #[test]
    fn nosec_after_another_comment_and_before_a_hash() {
        assert_eq!(codes("# noqa # nosec B101 # reason"), Some(vec!["B101"]));
    }

    #[test]
    fn ruff_noqa_codes_map_to_bandit_ids() {
        let noqa = |c: &str| parse_suppression(c).map(|n| n.codes);
        assert_eq!(noqa("# noqa: S602"), Some(vec!["B602"]));
        assert_eq!(noqa("# noqa: E501, S101,S608"), Some(vec!["B101", "B608"]));
        assert_eq!(noqa("# NOQA:S602"), Some(vec!["B602"]));
        // Bare and style-only noqa hide nothing.
        assert_eq!(noqa("# noqa"), None);
        assert_eq!(noqa("# noqa: E501"), None);
        assert_eq!(noqa("# noqa: S999"), None);
        assert_eq!(parse_bandit_suppression("# noqa: S602"), None);
        assert_eq!(
            parse_bandit_suppression("# noqa: S602 # nosec B101").map(|n| n.codes),
            Some(vec!["B101"])
        );
        // With a nosec on the same comment: the union.
        assert_eq!(
            noqa("# nosec B101 # noqa: S602"),
            Some(vec!["B101", "B602"])
        );
        assert_eq!(noqa("# nosec # noqa: S602"), Some(vec![]));
    }

    #[test]
    fn node_lines_and_own_line() {
        let mut lines = NosecLines::default();
        lines.insert(3, parse_nosec_comment("# nosec B102").unwrap());
        // A finding on line 1 of a call spanning 1..=3.
        assert!(lines.silences("B102", 1, 1, 3));
        assert!(!lines.silences("B110", 1, 1, 3));
        assert!(!lines.silences("B102", 4, 4, 4));
        lines.insert(5, parse_nosec_comment("# nosec").unwrap());
        assert!(lines.silences("B999", 5, 5, 5));
    }
}
