use ruff_python_ast::ModModule;
use ruff_text_size::{TextRange, TextSize};

use crate::checker::{Checker, Issue};

crate::declare_rule! {
    /// ## What it does
    /// Flags source files that contain Unicode bidirectional control
    /// characters (U+202A–U+202E, U+2066–U+2069, U+200F), once per file, on
    /// the first line that has one.
    ///
    /// ## Why is this bad?
    /// These characters reorder how text is displayed, so the code a
    /// reviewer sees is not the code Python runs ("Trojan Source",
    /// CVE-2021-42574): a comment can appear to end where it does not, or
    /// a condition appear inside a string.
    ///
    /// ## Example
    /// ```python
    /// # with U+202E and U+2066 inside the string, this displays as
    /// #     if access_level != "user":  # Check if admin
    /// if access_level != "user<U+202E> <U+2066>":  # Check if admin<U+2069><U+2066>
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if access_level != "user":  # no invisible control characters
    /// ```
    ///
    /// ## References
    /// - Bandit: B613 `trojansource`
    /// - CWE-838
    /// - <https://trojansource.codes/>
    pub(crate) static TROJANSOURCE = Rule {
        code: "B613",
        name: "trojansource",
        severity: High,
        confidence: Medium,
        message: "A Python source file contains bidirectional control characters.",
        cwe: "CWE-838",
        check: Module(trojansource),
    };
}

/// Bandit's list, in its order: on a line with several, the first of this
/// list is the one reported.
const BIDI_CHARACTERS: [(char, &str); 10] = [
    ('\u{202a}', "\\u202a"),
    ('\u{202b}', "\\u202b"),
    ('\u{202c}', "\\u202c"),
    ('\u{202d}', "\\u202d"),
    ('\u{202e}', "\\u202e"),
    ('\u{2066}', "\\u2066"),
    ('\u{2067}', "\\u2067"),
    ('\u{2068}', "\\u2068"),
    ('\u{2069}', "\\u2069"),
    ('\u{200f}', "\\u200f"),
];

fn trojansource(checker: &mut Checker<'_>, _module: &ModModule) {
    let source = checker.source();
    let Some(first) = first_bidi(source.as_bytes()) else {
        return;
    };
    // Lines end at \n, \r\n or \r, as Python's tokenizer sees them (not at
    // form feeds, where Bandit's str.splitlines() also breaks).
    let line_start = source[..first].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    let line_end = source[first..]
        .find(['\n', '\r'])
        .map_or(source.len(), |at| first + at);
    let line = &source[line_start..line_end];
    // On a line with several, the first in Bandit's list is reported.
    let Some((at, escaped)) = BIDI_CHARACTERS
        .iter()
        .find_map(|&(c, escaped)| line.find(c).map(|at| (at, escaped)))
    else {
        return;
    };
    let start = TextSize::try_from(line_start + at).unwrap_or_default();
    let range = TextRange::at(start, TextSize::from(3));
    let message =
        format!("A Python source file contains bidirectional control characters ('{escaped}').");
    checker.report_issue(Issue::new(&TROJANSOURCE, range).message(message));
}

/// Where the first of [`BIDI_CHARACTERS`] starts. All of them are three
/// bytes in UTF-8 starting with 0xE2, so only those bytes are looked at
/// (typographic quotes and dashes share the lead byte, and are common in
/// docstrings).
fn first_bidi(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(0xE2, bytes).find(|&at| {
        matches!(
            bytes.get(at + 1..at + 3),
            Some([0x80, 0xAA..=0xAE | 0x8F] | [0x81, 0xA6..=0xA9])
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;

    fn lines(source: &str) -> Vec<u32> {
        crate::check_source("t.py", source, &Settings::for_rules(&["B613"]))
            .unwrap()
            .iter()
            .map(|f| f.location.as_ref().unwrap().line)
            .collect()
    }

    #[test]
    fn the_byte_search_finds_exactly_the_listed_characters() {
        for c in '\u{2000}'..='\u{20ff}' {
            let text = format!("a\u{201c}b{c}");
            let listed = super::BIDI_CHARACTERS.iter().any(|&(bidi, _)| bidi == c);
            let found = super::first_bidi(text.as_bytes());
            assert_eq!(found, listed.then(|| text.len() - c.len_utf8()), "{c:?}");
        }
    }

    #[test]
    fn first_line_with_a_control_character_once_per_file() {
        assert_eq!(lines("x = 1\ny = '\u{202e}'\nz = '\u{2066}'\n"), vec![2]);
        assert!(lines("x = 'plain'\n").is_empty());
    }

    #[test]
    fn form_feed_is_not_a_line_break() {
        // Bandit reports line 3 here (its str.splitlines() breaks at the
        // form feed); the character is on line 2. See
        // resources/fixtures/injection/B613_form_feed.py.
        assert_eq!(lines("x = 1\n\x0cy = '\u{202e}'\n"), vec![2]);
    }

    #[test]
    fn carriage_returns_end_lines() {
        assert_eq!(lines("x = 1\r\ny = 2\rz = '\u{200f}'\r\n"), vec![3]);
    }
}
