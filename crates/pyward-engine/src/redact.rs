//! The one redaction step: every piece of scanned text that reaches a
//! report (requirement lines, code snippets, error messages) goes through
//! here, so a credential a scanner quoted is never printed in full.

use std::borrow::Cow;

use pyward_model::{Detail, Report};
// The secrets detectors' redaction: their previews for tokens, `****` for
// URL passwords and lone tokens before `@`.
use pyward_secrets::redact;

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

/// At most [`MAX_QUOTED`] characters of `text`, cut with an ellipsis.
fn bounded(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
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
        let snippet = redact(
            r#"requests.get(url, headers={"token": "ghp_R8tq2LmZ0vXw4Kc9PaYb7NdE1sHu3JfGh6Qi"})"#,
        );
        assert!(
            !snippet.contains("R8tq2LmZ0vXw4Kc9PaYb7NdE1sHu3JfGh6Qi"),
            "{snippet}"
        );
        assert!(snippet.contains("requests.get(url"), "{snippet}");
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "x".repeat(10_000);
        let cut = bounded(&long);
        assert!(cut.chars().count() <= MAX_QUOTED + 1);
    }
}
