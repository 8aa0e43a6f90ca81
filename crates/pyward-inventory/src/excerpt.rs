//! What of a scanned file may reach output: messages on one line, input
//! quoted in short excerpts, and no credentials from URLs.
//!
//! A requirement such as `pkg @ https://user:TOKEN@host/x.whl` keeps its
//! shape with the password replaced by `****` (as pip's
//! `redact_auth_from_url` does), in the dependency's `requirement` and in
//! every error that quotes it.

use std::borrow::Cow;

/// Characters of input an error message quotes at most.
pub const MAX_EXCERPT_CHARS: usize = 80;

/// Characters of one message at most (its own words and its excerpts).
pub const MAX_MESSAGE_CHARS: usize = 400;

/// `text` as one line: line breaks and tabs become spaces, other control
/// characters are escaped (`\x1b`), so that nothing read from a file can
/// move the cursor or clear a terminal; cut to [`MAX_MESSAGE_CHARS`].
pub fn one_line(text: &str) -> String {
    bounded(text.trim(), MAX_MESSAGE_CHARS)
}

/// A short quote of scanned input for a message: credentials redacted,
/// one line, at most [`MAX_EXCERPT_CHARS`] characters (cut with `…`).
pub fn excerpt(text: &str) -> String {
    // The cut comes first so that a 10 MB line costs no more than a short one.
    let head: String = text.trim().chars().take(MAX_EXCERPT_CHARS * 4).collect();
    bounded(&redact_credentials(&head), MAX_EXCERPT_CHARS)
}

fn bounded(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 8));
    let mut count = 0;
    let mut last_space = false;
    for c in text.chars() {
        if count >= max {
            out.push('…');
            return out;
        }
        if matches!(c, '\n' | '\r' | '\t') {
            if !last_space {
                out.push(' ');
                count += 1;
            }
            last_space = true;
            continue;
        }
        last_space = c == ' ';
        if c.is_control() {
            out.push_str(&c.escape_default().to_string());
        } else {
            out.push(c);
        }
        count += 1;
    }
    out
}

/// `text` with the password of every URL in it (`scheme://user:PASSWORD@`)
/// replaced by `****`, and a user name that stands alone (often a token:
/// `https://TOKEN@host`) replaced too, except `git@` (the usual SSH user).
pub fn redact_credentials(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("://") {
        let authority_start = at + 3;
        out.push_str(&rest[..authority_start]);
        let after = &rest[authority_start..];
        // The authority ends at the path, query, fragment or a space.
        let authority_end = after
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(user_end) => {
                let userinfo = &authority[..user_end];
                let redacted = match userinfo.split_once(':') {
                    Some((user, _password)) => format!("{user}:****"),
                    None if userinfo == "git" => userinfo.to_string(),
                    None => "****".to_string(),
                };
                changed |= redacted != userinfo;
                out.push_str(&redacted);
                out.push_str(&authority[user_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens_are_redacted() {
        assert_eq!(
            redact_credentials("pkg @ https://user:s3cr3t@host/x.whl"),
            "pkg @ https://user:****@host/x.whl"
        );
        assert_eq!(
            redact_credentials("git+https://ghp_abc@github.com/o/r.git"),
            "git+https://****@github.com/o/r.git"
        );
        assert_eq!(
            redact_credentials("git+ssh://git@github.com/o/r.git@main"),
            "git+ssh://git@github.com/o/r.git@main"
        );
        assert_eq!(
            redact_credentials("a https://u:p@h/ b https://u2:p2@h2"),
            "a https://u:****@h/ b https://u2:****@h2"
        );
        // A `@` in the path is not a user name.
        let plain = "git+https://github.com/o/r.git@v1.0";
        assert!(matches!(redact_credentials(plain), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        let long = "x".repeat(10_000_000);
        let quoted = excerpt(&long);
        assert_eq!(quoted.chars().count(), MAX_EXCERPT_CHARS + 1);
        assert!(quoted.ends_with('…'));
        assert_eq!(excerpt("a\nb\r\n\tc"), "a b c");
        assert_eq!(excerpt("clear\x1b[2J"), "clear\\u{1b}[2J");
        assert_eq!(excerpt("p @ https://u:TOKEN@h/x"), "p @ https://u:****@h/x");
    }

    #[test]
    fn messages_are_bounded() {
        let message = one_line(&format!("line one\nline two {}", "y".repeat(5000)));
        assert!(!message.contains('\n'));
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }
}
