//! The detectors, one per file, and the one table that lists them.
//!
//! A detector is plain data: a stable id, a title, how bad and how sure a
//! hit is, the words that must appear in a file before it is worth running
//! (a case-insensitive prefilter shared by all detectors), and a function
//! that pushes [`Candidate`]s. Filtering that every detector needs
//! (placeholders, suppression comments, overlaps) happens afterwards in
//! `scan.rs`, so a detector only says what its secret looks like.

use std::sync::LazyLock;

use pyward_model::{Confidence, Severity};
use regex::Regex;

use crate::file_kind::FileKind;

/// Declares a detector: its doc comment becomes both the rustdoc and
/// [`Detector::docs`], so `--list-detectors` and the docs never disagree.
macro_rules! detector {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            title: $title:literal,
            severity: $sev:ident,
            confidence: $conf:ident,
            keywords: $kw:expr,
            find: $find:expr $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::detectors::Detector = $crate::detectors::Detector {
            id: $id,
            title: $title,
            severity: pyward_model::Severity::$sev,
            confidence: pyward_model::Confidence::$conf,
            docs: concat!($($doc, "\n"),*),
            cwe: $crate::detectors::HARDCODED_CREDENTIALS,
            keywords: $kw,
            find: $find,
        };
    };
}

pub mod anthropic_api_key;
pub mod aws_access_key_id;
pub mod aws_secret_access_key;
pub mod azure_connection_string;
pub mod azure_storage_key;
pub mod github_token;
pub mod gitlab_token;
pub mod google_api_key;
pub mod google_service_account;
pub mod high_entropy_string;
pub mod jwt;
pub mod mailgun;
pub mod npm_token;
pub mod openai_api_key;
pub mod password_assignment;
pub mod private_key;
pub mod pypi_token;
pub mod sendgrid;
pub mod slack_token;
pub mod slack_webhook;
pub mod stripe_key;
pub mod twilio;
pub mod url_credentials;

/// CWE-798, Use of Hard-coded Credentials.
pub const HARDCODED_CREDENTIALS: &str = "CWE-798";

/// Every detector, most specific first: when two detectors claim the same
/// bytes, the one earlier in this table wins (a GitHub token assigned to
/// `token = "..."` is a `github-token`, not a `password-assignment`).
pub static REGISTRY: &[&Detector] = &[
    &google_service_account::GOOGLE_SERVICE_ACCOUNT,
    &private_key::PRIVATE_KEY,
    &aws_access_key_id::AWS_ACCESS_KEY_ID,
    &aws_secret_access_key::AWS_SECRET_ACCESS_KEY,
    &google_api_key::GOOGLE_API_KEY,
    &azure_storage_key::AZURE_STORAGE_KEY,
    &azure_connection_string::AZURE_CONNECTION_STRING,
    &github_token::GITHUB_TOKEN,
    &gitlab_token::GITLAB_TOKEN,
    &slack_webhook::SLACK_WEBHOOK,
    &slack_token::SLACK_TOKEN,
    &stripe_key::STRIPE_KEY,
    &twilio::TWILIO,
    &sendgrid::SENDGRID,
    &mailgun::MAILGUN,
    &npm_token::NPM_TOKEN,
    &pypi_token::PYPI_TOKEN,
    &anthropic_api_key::ANTHROPIC_API_KEY,
    &openai_api_key::OPENAI_API_KEY,
    &jwt::JWT,
    &url_credentials::URL_CREDENTIALS,
    &password_assignment::PASSWORD_ASSIGNMENT,
    &high_entropy_string::HIGH_ENTROPY_STRING,
];

/// Looks a detector up by its id.
pub fn by_id(id: &str) -> Option<&'static Detector> {
    REGISTRY.iter().copied().find(|d| d.id == id)
}

/// One kind of secret pyward looks for.
#[derive(Debug)]
pub struct Detector {
    /// Stable kebab-case id: the finding's `id`, what `[[ignore]] id = `
    /// names.
    pub id: &'static str,
    /// What a user calls it, as it starts a sentence: "GitHub token",
    /// "npm access token".
    pub title: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    /// What it finds, why it matters, how to rotate (the doc comment).
    pub docs: &'static str,
    /// The weakness a hit is: every detector finds credentials written
    /// into a file.
    pub cwe: &'static str,
    /// Lower-case words of which at least one must occur in a file for the
    /// detector to run; empty means it always runs.
    pub(crate) keywords: &'static [&'static str],
    pub(crate) find: fn(&Context<'_>, &mut Vec<Candidate>),
}

/// The file a detector looks at.
pub struct Context<'a> {
    pub text: &'a str,
    pub kind: FileKind,
}

/// A possible secret: where its value sits in the file, and the value.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Byte range of the secret value in the file text.
    pub start: usize,
    pub end: usize,
    /// The secret as it should be hashed (usually `text[start..end]`).
    pub secret: String,
    /// Another spelling of the secret as detect-secrets hashes it (its
    /// private-key detector hashes the `BEGIN ... PRIVATE KEY` header), so
    /// that its baselines still match.
    pub alt_secret: Option<String>,
    /// A severity other than the detector's (Stripe test-mode keys).
    pub severity: Option<Severity>,
    /// Whether the generic placeholder filter applies: specific detectors
    /// with a checked shape set it to `false` only where placeholders
    /// cannot take that shape.
    pub check_placeholder: bool,
}

impl Candidate {
    pub fn new(text: &str, start: usize, end: usize) -> Self {
        Self {
            start,
            end,
            secret: text[start..end].to_string(),
            alt_secret: None,
            severity: None,
            check_placeholder: true,
        }
    }
}

/// Compiles a built-in pattern. The patterns are constants covered by the
/// registry test, so a failure is a bug in pyward, never bad input.
pub(crate) fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("built-in secret pattern compiles")
}

/// Lazily compiled pattern, for `static`s in detector files.
pub(crate) type Pattern = LazyLock<Regex>;

/// Pushes every match of `group` of `re` in the file.
pub(crate) fn push_group(ctx: &Context<'_>, re: &Regex, group: usize, out: &mut Vec<Candidate>) {
    for caps in re.captures_iter(ctx.text) {
        if let Some(m) = caps.get(group) {
            out.push(Candidate::new(ctx.text, m.start(), m.end()));
        }
    }
}

/// Whether the characters just around `start..end` are not part of a
/// longer token (a hand-made `\b` that also treats `-`, `_`, `+`, `/` and
/// `=` as token characters, which `\b` does not).
pub(crate) fn standalone(text: &str, start: usize, end: usize) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=');
    let before = text[..start].chars().next_back().is_none_or(|c| !token(c));
    let after = text[end..].chars().next().is_none_or(|c| !token(c));
    before && after
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = HashSet::new();
        for detector in REGISTRY {
            assert!(seen.insert(detector.id), "duplicate id {}", detector.id);
            assert!(
                detector
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                detector.id
            );
            for heading in ["What it finds", "Why it matters", "How to rotate"] {
                assert!(
                    detector.docs.contains(heading),
                    "{} docs lack `{heading}`",
                    detector.id
                );
            }
            for keyword in detector.keywords {
                assert_eq!(*keyword, keyword.to_lowercase(), "{}", detector.id);
            }
        }
        assert_eq!(REGISTRY.len(), 23);
    }

    #[test]
    fn every_detector_runs_on_empty_text() {
        let ctx = Context {
            text: "",
            kind: FileKind::Other,
        };
        for detector in REGISTRY {
            let mut out = Vec::new();
            (detector.find)(&ctx, &mut out);
            assert!(out.is_empty(), "{}", detector.id);
        }
    }

    #[test]
    fn standalone_sees_token_characters() {
        assert!(standalone("x = AKIA1 y", 4, 9));
        assert!(!standalone("xAKIA1", 1, 6));
        assert!(!standalone("AKIA1_", 0, 5));
    }
}
