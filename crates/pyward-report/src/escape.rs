//! Making text from a scanned tree safe to show. File names, advisory text
//! and messages come from outside: a file named `a\x1b[2J.py` must not clear
//! the reader's screen, a summary holding `<script>` must not run in the
//! HTML report, a `|` must not break a Markdown table. One function per
//! medium; every human-readable format uses them for every string it did
//! not write itself.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` changes how a terminal or a viewer shows what follows:
/// C0 and C1 controls, DEL, and the Unicode bidirectional overrides and
/// isolates that reorder a line ("Trojan Source").
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every control character and bidi override written as a
/// visible escape (`\u{1b}`), so it shows as the characters it is. Tabs
/// and newlines are escaped too: use [`terminal_multiline`] for text
/// whose line breaks should stay.
pub fn terminal(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

/// [`terminal`], keeping line breaks (`\n`) and tabs.
pub fn terminal_multiline(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| c != '\n' && c != '\t' && is_unsafe(c))
}

fn escape_where(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for HTML element content and quoted attribute values: `&<>"'`
/// as entities, controls as with [`terminal`].
pub fn html(text: &str) -> Cow<'_, str> {
    let safe = terminal_multiline(text);
    if !safe.contains(['&', '<', '>', '"', '\'']) {
        return safe;
    }
    let mut out = String::with_capacity(safe.len() + 16);
    for c in safe.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text for Markdown (GitHub Flavored) prose and table cells: Markdown's
/// punctuation backslash-escaped, HTML's `<>&` as entities (GitHub renders
/// inline HTML), line breaks as spaces (a table row is one line), controls
/// as with [`terminal`].
pub fn markdown(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let safe = terminal(&one_line);
    let mut out = String::with_capacity(safe.len() + 16);
    for c in safe.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '~' | '!' | '{' | '}'
            | '+' | '-' | '.' | '@' | ':' => {
                // `@` and `:` keep GitHub from turning text into mentions
                // and emoji; `.`/`-`/`+` stop list and heading syntax.
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block holding `code`: the fence is longer than any run
/// of backticks inside, so the code cannot close it.
pub fn markdown_code_block(code: &str, language: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}", terminal_multiline(code))
}

/// Text for XML 1.0 content and attribute values: `&<>"'` as entities;
/// characters XML 1.0 cannot hold at all (most C0 controls) written as
/// visible escapes, since even `&#1b;` is not well-formed.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: issue 9 (a file named with an escape sequence cleared the screen).
    #[test]
    fn terminal_escapes_controls_and_bidi() {
        assert_eq!(terminal("a\x1b[2J.py"), "a\\u{1b}[2J.py");
        assert_eq!(terminal("bell\x07"), "bell\\u{7}");
        assert_eq!(terminal("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(terminal("rtl\u{202E}gpj.py"), "rtl\\u{202e}gpj.py");
        assert_eq!(terminal("two\nlines"), "two\\u{a}lines");
        assert_eq!(terminal_multiline("two\nlines\r"), "two\nlines\\u{d}");
        assert!(matches!(terminal("plain é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn html_escapes_markup() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("a\x1bb"), "a\\u{1b}b");
    }

    #[test]
    fn markdown_escapes_syntax_and_html() {
        assert_eq!(markdown("a|b"), "a\\|b");
        assert_eq!(markdown("[x](http://e)"), "\\[x\\]\\(http\\://e\\)");
        assert_eq!(markdown("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(markdown("line\nbreak"), "line break");
        assert_eq!(markdown("@team"), "\\@team");
    }

    #[test]
    fn code_fence_outgrows_backticks_inside() {
        let block = markdown_code_block("a ```` b", "python");
        assert!(block.starts_with("`````python\n"));
        assert!(block.ends_with("\n`````"));
    }

    #[test]
    fn xml_escapes_and_drops_nothing_silently() {
        assert_eq!(xml("<a b=\"c\">&'"), "&lt;a b=&quot;c&quot;&gt;&amp;&apos;");
        assert_eq!(xml("x\x1by"), "x\\u{1b}y");
        assert_eq!(xml("tab\tnl\n"), "tab\tnl\n");
    }
}
