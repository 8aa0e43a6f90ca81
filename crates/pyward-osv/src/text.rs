//! Advisory text as reports show it: one headline sentence that says what
//! is wrong, and the details with HTML entities decoded and their length
//! bounded. Computed once, when the database is built.

use std::borrow::Cow;

use crate::limits::{MAX_DETAILS_BYTES, MAX_HEADLINE_BYTES};

/// The sentence that says what is wrong: the summary's first line when
/// the record has one, else the first sentence of the details that does
/// not describe the product ("Flask is a lightweight WSGI web application
/// framework."), else the details' first sentence. Entities decoded,
/// whitespace collapsed, at most [`MAX_HEADLINE_BYTES`].
pub fn headline(summary: Option<&str>, details: Option<&str>) -> Option<String> {
    if let Some(line) = summary
        .and_then(|s| s.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| collapse(&unescape_html(l)))
        .filter(|l| !l.is_empty())
    {
        return Some(shorten(line, MAX_HEADLINE_BYTES));
    }
    let text = prose(&unescape_html(details?));
    let mut first = None;
    let mut chosen = None;
    for sentence in sentences(&text) {
        first.get_or_insert(sentence);
        if !describes_product(sentence) && !is_notice(sentence) {
            chosen = Some(sentence);
            break;
        }
    }
    Some(shorten(chosen.or(first)?.to_string(), MAX_HEADLINE_BYTES))
}

/// The details with entities decoded and surrounding blank lines trimmed,
/// cut at a line or word boundary to at most [`MAX_DETAILS_BYTES`] (an
/// ellipsis marks the cut). Line breaks are kept: the text is Markdown.
pub fn bounded_details(details: &str) -> Option<String> {
    let text = unescape_html(details);
    let text = text.trim_matches(|c: char| c == '\n' || c == '\r' || c.is_whitespace());
    if text.is_empty() {
        return None;
    }
    Some(shorten(text.to_string(), MAX_DETAILS_BYTES))
}

/// Cuts `text` to at most `max` bytes, at the last line break or space in
/// its second half if there is one, and ends it with `…`.
fn shorten(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let ellipsis = '…';
    let mut end = max - ellipsis.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let cut = head
        .rfind('\n')
        .or_else(|| head.rfind(' '))
        .filter(|&at| at > end / 2)
        .unwrap_or(end);
    let mut out = head[..cut].trim_end().to_string();
    out.push(ellipsis);
    out
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The running text of Markdown details, on one line: headings (also
/// inline ones, `... Framework. ### Impact An attacker ...`, where a record
/// lost its line breaks), rules and the malicious-packages project's "Per
/// source details" banner are left out, since none of them says what is
/// wrong. A NUL marks where they were: a sentence never runs across one.
fn prose(details: &str) -> String {
    let mut words: Vec<&str> = Vec::new();
    let boundary = |words: &mut Vec<&str>| {
        if words.last().is_some_and(|w| *w != "\u{0}") {
            words.push("\u{0}");
        }
    };
    for line in details.lines() {
        let trimmed = line.trim();
        let is_rule = trimmed.len() >= 3
            && trimmed
                .chars()
                .all(|c| matches!(c, '-' | '_' | '*' | '=' | ' '));
        let is_heading = trimmed.starts_with('#') && !line_heading_is_inline(trimmed);
        if is_heading || is_rule || trimmed.starts_with("_-=") {
            boundary(&mut words);
            continue;
        }
        let mut after_marker = false;
        for word in trimmed.split_whitespace() {
            if (1..=6).contains(&word.len()) && word.bytes().all(|b| b == b'#') {
                boundary(&mut words);
                after_marker = true;
                continue;
            }
            if after_marker {
                after_marker = false;
                let bare = word.trim_end_matches(':');
                if HEADINGS.iter().any(|h| h.eq_ignore_ascii_case(bare)) {
                    continue;
                }
            }
            words.push(word);
        }
    }
    words.join(" ")
}

/// Whether a line that starts with `#` is a heading that runs on into
/// prose (a record that lost its line breaks): then only the marker and
/// the heading word are dropped, not the line.
fn line_heading_is_inline(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let _marker = words.next();
    let heading = words.next().map(|w| w.trim_end_matches(':'));
    heading.is_some_and(|h| HEADINGS.iter().any(|k| k.eq_ignore_ascii_case(h)))
        && words.count() >= 3
}

/// Heading words of GitHub's advisory template and others like them.
const HEADINGS: &[&str] = &[
    "Impact",
    "Summary",
    "Details",
    "Description",
    "Overview",
    "Patches",
    "Workarounds",
    "References",
    "Reproducer",
    "PoC",
    "Credits",
    "Mitigation",
    "Resolution",
    "Vulnerability",
];

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "cf", "approx", "incl", "no", "resp", "al", "inc", "ltd", "corp",
    "mr", "dr", "st", "fig", "ver", "v",
];

/// Splits one line of prose into sentences: at `.`, `!` or `?` followed by
/// a space, unless the word is an abbreviation (`e.g.`), and at the marks
/// [`prose`] leaves where a heading was.
fn sentences(text: &str) -> Sentences<'_> {
    Sentences { text, start: 0 }
}

/// The sentences of a line of prose, found one at a time (a headline
/// usually needs the first or second only).
struct Sentences<'a> {
    text: &'a str,
    start: usize,
}

impl<'a> Iterator for Sentences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        while self.start < bytes.len() {
            let begin = self.start;
            let mut end = bytes.len();
            for at in begin..bytes.len() {
                let b = bytes[at];
                let next_is_space = bytes.get(at + 1).is_none_or(|n| *n == b' ');
                let boundary = match b {
                    0 => Some(at),
                    b'.' | b'!' | b'?' if next_is_space => {
                        let word = text[begin..at].rsplit(' ').next().unwrap_or("");
                        let word = word.trim_start_matches(['(', '"', '\'']);
                        let abbreviation =
                            b == b'.' && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
                        // "etc." ends a sentence as often as not: it does
                        // when a capitalised word follows.
                        let ends_anyway = word.eq_ignore_ascii_case("etc")
                            && bytes.get(at + 2).is_some_and(u8::is_ascii_uppercase);
                        (!abbreviation || ends_anyway).then_some(at + 1)
                    }
                    _ => None,
                };
                if let Some(found) = boundary {
                    end = found;
                    break;
                }
            }
            // A NUL boundary ends the sentence before it; step over it.
            self.start = if end < bytes.len() && bytes[end] == 0 {
                end + 1
            } else {
                end
            };
            let sentence = text[begin..end].trim_matches([' ', '\u{0}']);
            if !sentence.is_empty() {
                return Some(sentence);
            }
        }
        None
    }
}

/// Openings of CVE boilerplate that names the product and nothing else:
/// "An issue was discovered in aubio 0.4.6."
const NOTICES: &[&str] = &[
    "an issue was discovered",
    "an issue was found",
    "a flaw was found",
    "a vulnerability was found",
    "a vulnerability was discovered",
];

/// Whether `sentence` only announces that a problem exists ("An issue
/// was discovered in urllib3 before 1.26.5."), saying nothing of what it
/// is: a notice of at most sixteen words with no clause after it.
fn is_notice(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    NOTICES.iter().any(|n| lower.starts_with(n))
        && lower.split(' ').count() <= 16
        && ![
            " that ", " which ", " where ", " when ", " allow", " can ", " could ", " may ",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Subjects that make "X is a ..." a statement about the problem, not a
/// product description ("There is a ...", "This is a ...").
const NOT_PRODUCTS: &[&str] = &[
    "there", "this", "that", "it", "here", "which", "what", "a", "an", "in", "when", "if", "prior",
    "before",
];

/// Words that make a sentence a statement about the flaw, whatever its
/// shape ("The issue is a regression" is not a product description).
const FLAW_WORDS: &[&str] = &[
    "vulnerab",
    "attacker",
    "exploit",
    "flaw",
    "bug",
    "issue",
    "overflow",
    "injection",
    "bypass",
    "denial",
    "crash",
    "malicious code",
];

/// Verbs of a product's description that need no article after them
/// ("nbdime provides tools for diffing ...", "The django_ses library
/// implements a mail backend ...").
const PRODUCT_VERBS: &[&str] = &["provides", "implements", "defines", "exports"];

/// Words that, in a sentence with a [`PRODUCT_VERBS`] verb, say what the
/// product can be made to do or which versions: then it is about the flaw
/// ("... provides a function that can, on user request, cause ...",
/// "... before 0.0.61 provides Python REPL access without an opt-in").
const CAPABILITY_WORDS: &[&str] = &[
    " can ",
    " can, ",
    " could ",
    " may ",
    " allow",
    " before ",
    "prior to",
    " without ",
];

/// Whether `sentence` describes the product rather than the flaw: "<name>
/// is a/an/the ..." or "<name> are ..." (also "is software ...") with a
/// name of at most eight words, or "<name> provides/implements/defines
/// ..." saying nothing of what it can be made to do; and none of
/// [`FLAW_WORDS`] (a sentence that runs on into the flaw, its full stop
/// missing, is kept).
fn describes_product(sentence: &str) -> bool {
    let lower = sentence.to_ascii_lowercase();
    if FLAW_WORDS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let words: Vec<&str> = lower.split(' ').take(11).collect();
    let first = words[0].trim_matches(|c: char| !c.is_alphanumeric());
    if NOT_PRODUCTS.contains(&first) {
        return false;
    }
    let named_as_a_kind = words
        .iter()
        .position(|w| *w == "is" || *w == "are")
        .is_some_and(|verb| {
            let article = words.get(verb + 1).copied().unwrap_or("");
            (1..=8).contains(&verb) && matches!(article, "a" | "an" | "the" | "any" | "software")
        });
    named_as_a_kind
        || words
            .iter()
            .position(|w| PRODUCT_VERBS.contains(w))
            .is_some_and(|verb| (1..=8).contains(&verb))
            && !CAPABILITY_WORDS.iter().any(|w| lower.contains(w))
}

/// Decodes the HTML entities found in advisory text: `&lt;` `&gt;`
/// `&amp;` `&quot;` `&apos;` `&nbsp;`, numeric ones (`&#39;`, `&#x27;`), and
/// the first three without their `;` when no letter follows (`NumPy &lt
/// and 1.19`, as some records have it). Anything else is left as written.
pub fn unescape_html(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match decode_entity(rest) {
            Some((decoded, len)) => {
                out.push(decoded);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character an entity at the start of `text` stands for, and the
/// entity's length.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let body = &text[1..];
    if let Some(numeric) = body.strip_prefix('#') {
        let (digits, radix, skip) = match numeric.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (numeric, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric())
            .take(8)
            .count();
        if len == 0 || !digits[len..].starts_with(';') {
            return None;
        }
        let code = u32::from_str_radix(&digits[..len], radix).ok()?;
        return char::from_u32(code)
            .filter(|c| *c != '\0')
            .map(|c| (c, skip + len + 1));
    }
    const NAMED: &[(&str, char)] = &[
        ("lt", '<'),
        ("gt", '>'),
        ("amp", '&'),
        ("quot", '"'),
        ("apos", '\''),
        ("nbsp", ' '),
    ];
    for (name, decoded) in NAMED {
        let Some(after) = body.strip_prefix(name) else {
            continue;
        };
        if after.starts_with(';') {
            return Some((*decoded, 1 + name.len() + 1));
        }
        // Malformed, without its `;`: only the common three, and only
        // where the name cannot be the start of a longer word.
        let legacy = matches!(*name, "lt" | "gt" | "amp");
        if legacy && !after.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Some((*decoded, 1 + name.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_entities_including_malformed_ones() {
        assert_eq!(
            unescape_html("NumPy &lt and 1.19"),
            "NumPy < and 1.19",
            "PYSEC-2021-856"
        );
        assert_eq!(
            unescape_html("a &lt;b&gt; &amp;&amp; &quot;c&quot; &#39;d&#x27; &#8217;"),
            "a <b> && \"c\" 'd' \u{2019}"
        );
        assert_eq!(
            unescape_html("AT&T &ltx &#; &#xZZ; &"),
            "AT&T &ltx &#; &#xZZ; &"
        );
        assert_eq!(unescape_html("&#0; &#99999999;"), "&#0; &#99999999;");
        assert!(matches!(unescape_html("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn summary_wins_and_is_one_line() {
        assert_eq!(
            headline(Some("\n  Flask &amp; cookies\nmore"), Some("x")).as_deref(),
            Some("Flask & cookies")
        );
    }

    #[test]
    fn skips_product_descriptions() {
        let details = "Flask is a lightweight WSGI web application framework. When all of the \
                       following conditions are met, a response containing data intended for one \
                       client may be cached.";
        assert_eq!(
            headline(None, Some(details)).as_deref(),
            Some(
                "When all of the following conditions are met, a response containing data \
                 intended for one client may be cached."
            )
        );
        let tf = "Tensorflow is an Open Source Machine Learning Framework.\n### Impact\nAn \
                  attacker can craft a TFLite model that would trigger a division by zero.";
        assert_eq!(
            headline(None, Some(tf)).as_deref(),
            Some("An attacker can craft a TFLite model that would trigger a division by zero.")
        );
        // The same with its line breaks lost, as PYSEC-2021-... has it.
        let inline = "Tensorflow is an Open Source Machine Learning Framework. ### Impact An \
                      attacker can craft a TFLite model.";
        assert_eq!(
            headline(None, Some(inline)).as_deref(),
            Some("An attacker can craft a TFLite model.")
        );
        let heading_first = "### Summary\nThe parser crashes on long input.";
        assert_eq!(
            headline(None, Some(heading_first)).as_deref(),
            Some("The parser crashes on long input.")
        );
    }

    #[test]
    fn keeps_statements_about_the_flaw() {
        for sentence in [
            "There is a DoS vulnerability in Pillow before 6.2.2.",
            "This is a cross-site scripting flaw.",
            "Synapse is an open-source Matrix homeserver Prior to versions 1.95.1, an attacker \
             can read device information.",
            "In Django 2.2 before 2.2.20, MultiPartParser allowed directory traversal.",
        ] {
            assert!(!describes_product(sentence), "{sentence}");
        }
        assert!(describes_product(
            "aiohttp is an asynchronous HTTP client/server framework for asyncio and Python."
        ));
        assert!(describes_product(
            "The Jupyter notebook is a web-based notebook environment for interactive computing."
        ));
        assert!(!describes_product(
            "The issue is a regression of CVE-2023-1."
        ));
        assert!(describes_product(
            "Internet Routing Registry daemon version 4 is an IRR database server."
        ));
        // Descriptions by what the product provides, as real records open.
        for sentence in [
            "The module `AccessControl` defines security policies for Python code used in \
             restricted code within Zope applications.",
            "nbdime provides tools for diffing and merging of Jupyter Notebooks.",
            "The django_ses library implements a mail backend for Django using AWS Simple Email \
             Service.",
            "Planet is software that provides satellite data.",
            "Restricted code is any code that resides in Zope's object database.",
            "The library exports the `SESEventWebhookView class` intended to receive signed \
             requests from AWS.",
        ] {
            assert!(describes_product(sentence), "{sentence}");
        }
        for sentence in [
            "cdo-local-uuid project provides a specialized UUID-generating function that can, on \
             user request, cause a program to generate deterministic UUIDs.",
            "The server provides no limit on the size of a request, which allows memory \
             exhaustion.",
            "In Django 2.2, the template engine provides unescaped output.",
            "langchain_experimental (aka LangChain Experimental) before 0.0.61 for LangChain \
             provides Python REPL access without an opt-in step.",
        ] {
            assert!(!describes_product(sentence), "{sentence}");
        }
    }

    #[test]
    fn skips_notices_that_say_nothing_of_the_flaw() {
        let details = "An issue was discovered in urllib3 before 1.26.5. When provided with a URL \
                       containing many @ characters, the authority regular expression exhibits \
                       catastrophic backtracking.";
        assert!(
            headline(None, Some(details))
                .unwrap()
                .starts_with("When provided with a URL")
        );
        assert!(!is_notice(
            "A flaw was found in the Ansible Engine when using module_args."
        ));
        assert_eq!(
            headline(None, Some("An issue was discovered in aubio 0.4.6.")).as_deref(),
            Some("An issue was discovered in aubio 0.4.6.")
        );
    }

    #[test]
    fn only_a_description_is_still_a_headline() {
        assert_eq!(
            headline(None, Some("Foo is a library. ")).as_deref(),
            Some("Foo is a library.")
        );
        assert_eq!(headline(None, Some(" \n ")), None);
        assert_eq!(headline(Some(""), None), None);
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences("Bad input, e.g. a long header, crashes it. Then more.").collect::<Vec<_>>(),
            vec!["Bad input, e.g. a long header, crashes it.", "Then more."]
        );
        assert_eq!(
            sentences("Fixed in 1.2. dparse 0.5 is affected").collect::<Vec<_>>(),
            vec!["Fixed in 1.2.", "dparse 0.5 is affected"]
        );
        // "etc." ends one when a capitalised word follows.
        assert_eq!(
            sentences("It handles bounces, etc. These requests are signed. Rules, etc. are kept.")
                .collect::<Vec<_>>(),
            vec![
                "It handles bounces, etc.",
                "These requests are signed.",
                "Rules, etc. are kept."
            ]
        );
    }

    #[test]
    fn malicious_report_banners_are_not_prose() {
        let details = "\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: \
                       kam193 (07f2)\n---\n\nCategory: MALICIOUS - The campaign has clearly \
                       malicious intent.\n";
        assert_eq!(
            headline(None, Some(details)).as_deref(),
            Some("Category: MALICIOUS - The campaign has clearly malicious intent.")
        );
    }

    #[test]
    fn long_text_is_cut_at_a_boundary() {
        let long = "word ".repeat(2000);
        let cut = bounded_details(&long).unwrap();
        assert!(cut.len() <= MAX_DETAILS_BYTES, "{}", cut.len());
        assert!(cut.ends_with("word…"), "{}", &cut[cut.len() - 20..]);
        let wide = "é".repeat(3000);
        let cut = bounded_details(&wide).unwrap();
        assert!(cut.len() <= MAX_DETAILS_BYTES && cut.ends_with('…'));
        let headline = headline(None, Some(&"x".repeat(5000))).unwrap();
        assert!(headline.len() <= MAX_HEADLINE_BYTES);
        assert_eq!(
            bounded_details("\n\n  Text\n  more\n\n").as_deref(),
            Some("Text\n  more")
        );
    }
}
