//! The one redaction step: every piece of scanned text that reaches a
//! report (requirement lines, code snippets, error messages) goes through
//! here, so a credential a scanner quoted is never printed in full.

use std::borrow::Cow;

use pyward_model::{Detail, Report};

/// Longest excerpt of scanned text an error message keeps.
const MAX_QUOTED: usize = 200;

pub(crate) fn report(report: &mut Report) {
    for error in &mut report.errors {
        error.message = redact(&bounded(&error.message)).into_owned();
    }
    for dependency in &mut report.dependencies {
        if let Some(requirement) = &mut dependency.requirement {
            *requirement = redact(requirement).into_owned();
        }
    }
    for finding in report.findings.iter_mut().chain(&mut report.ignored) {
        if let Some(Detail::Code(code)) = &mut finding.detail
            && let Some(snippet) = &mut code.snippet
        {
            *snippet = redact(snippet).into_owned();
        }
    }
}

/// `text` with every secret in it replaced by its preview.
pub(crate) fn redact(text: &str) -> Cow<'_, str> {
    url_credentials(text)
}

/// At most [`MAX_QUOTED`] characters of `text`, cut with an ellipsis.
fn bounded(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// `scheme://user:password@host` with the password replaced by `****`.
fn url_credentials(text: &str) -> Cow<'_, str> {
    if !text.contains("://") || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let authority_end = tail
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..authority_end];
        match authority.rfind('@') {
            Some(userinfo_end) => {
                let userinfo = &authority[..userinfo_end];
                match userinfo.split_once(':') {
                    Some((user, password)) if !password.is_empty() => {
                        out.push_str(user);
                        out.push_str(":****");
                    }
                    // A lone token before `@` is a credential too.
                    None if !userinfo.is_empty() && userinfo.len() >= 16 => out.push_str("****"),
                    _ => out.push_str(userinfo),
                }
                out.push_str(&authority[userinfo_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_and_tokens_are_masked() {
        assert_eq!(
            redact("pkg @ https://user:s3cr3t@host/x.whl"),
            "pkg @ https://user:****@host/x.whl"
        );
        assert_eq!(
            redact("git+https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r"),
            "git+https://****@github.com/o/r"
        );
        assert_eq!(redact("https://git@host/x"), "https://git@host/x");
        assert_eq!(redact("no url here"), "no url here");
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(10_000);
        let cut = bounded(&long);
        assert!(cut.chars().count() <= MAX_QUOTED + 1);
    }
}
