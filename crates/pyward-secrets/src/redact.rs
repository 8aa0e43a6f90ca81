//! Redaction of scanned text on its way to a report: a code finding's
//! snippet, an error message quoting a line, a requirement line. Every
//! secret the detectors recognise becomes its preview (`ghp_…`), and the
//! password of every URL with credentials becomes `****`, whether or not
//! it looks like a secret (`https://user:hunter2@host`).

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::Settings;
use crate::detectors::{Candidate, Context, REGISTRY};
use crate::file_kind::FileKind;
use crate::filters;
use crate::scan::{detectors_to_run, preview};

/// What a URL's password becomes.
const MASK: &str = "****";

/// A user part without a password at least this long is a token
/// (`https://ghp_…@github.com`), not a user name (`git@`, `deploy@`).
const LONE_TOKEN: usize = 16;

/// The settings redaction runs with: every detector.
static EVERY_DETECTOR: LazyLock<Settings> = LazyLock::new(Settings::default);

/// `text` with every secret in it replaced by its preview and every URL
/// password by `****`; borrowed when there is nothing to hide (the common
/// case, and the fast one: a keyword prefilter decides which detectors
/// run at all). Meant for short pieces of text (a line, a message).
/// Tokens of a known shape are found in any syntax; passwords and
/// high-entropy strings only when quoted (`password = "..."`), since
/// unquoted values in code are expressions (`password = forms.CharField(`).
pub fn redact(text: &str) -> Cow<'_, str> {
    let masked = mask_url_passwords(text);
    let spans = secret_spans(&masked);
    if spans.is_empty() {
        return masked;
    }
    let mut out = String::with_capacity(masked.len());
    let mut last = 0;
    for (start, end, secret) in spans {
        out.push_str(&masked[last..start]);
        out.push_str(&preview(&secret));
        last = end;
    }
    out.push_str(&masked[last..]);
    Cow::Owned(out)
}

/// The secrets the detectors find in `text`, as in a file scan (the most
/// specific detector wins a span, placeholders are left alone) but
/// regardless of suppression comments: `# pragma: allowlist secret` says
/// a value may stay in the file, not that it may be printed. Sorted by
/// position, not overlapping.
fn secret_spans(text: &str) -> Vec<(usize, usize, String)> {
    let settings = &*EVERY_DETECTOR;
    let run = detectors_to_run(text, settings);
    let ctx = Context {
        text,
        kind: FileKind::Python,
    };
    let mut found: Vec<(usize, Candidate)> = Vec::new();
    let mut buffer = Vec::new();
    for (index, detector) in REGISTRY.iter().enumerate() {
        if !run[index] {
            continue;
        }
        buffer.clear();
        (detector.find)(&ctx, &mut buffer);
        found.extend(buffer.drain(..).map(|c| (index, c)));
    }
    if found.is_empty() {
        return Vec::new();
    }
    found.sort_by_key(|(index, c)| (*index, c.start));
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for (_, candidate) in found {
        if candidate.check_placeholder && filters::is_placeholder(&candidate.secret) {
            continue;
        }
        let overlaps = spans
            .iter()
            .any(|&(start, end, _)| candidate.start < end && start < candidate.end);
        if !overlaps && candidate.start < candidate.end {
            spans.push((candidate.start, candidate.end, candidate.secret));
        }
    }
    spans.sort_by_key(|(start, _, _)| *start);
    spans
}

/// Replaces the password of every `scheme://user:password@host` with
/// `****`, and a long user part with no password (a token used as the
/// user name, `https://TOKEN@host`) too.
fn mask_url_passwords(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    for at in memchr::memmem::find_iter(bytes, b"://") {
        let start = at + 3;
        let end = bytes[start..]
            .iter()
            .position(|&b| {
                matches!(
                    b,
                    b'/' | b'?'
                        | b'#'
                        | b'"'
                        | b'\''
                        | b'`'
                        | b'<'
                        | b'>'
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'{'
                        | b'}'
                        | b'\\'
                ) || b.is_ascii_whitespace()
            })
            .map_or(bytes.len(), |p| start + p);
        if start < last {
            continue;
        }
        let authority = &text[start..end];
        let Some(at_sign) = authority.rfind('@') else {
            continue;
        };
        let userinfo = &authority[..at_sign];
        let hidden = match userinfo.find(':') {
            Some(colon) => (start + colon + 1, start + at_sign),
            None if userinfo.len() >= LONE_TOKEN => (start, start + at_sign),
            None => continue,
        };
        if hidden.0 >= hidden.1 || &text[hidden.0..hidden.1] == MASK {
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[last..hidden.0]);
        out.push_str(MASK);
        last = hidden.1;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[last..]);
            Cow::Owned(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Token-shaped strings assembled at run time: no secret in the source.
    fn github_token() -> String {
        format!("{}_{}", "ghp", "Zq3vN8xL2mK7pR4tW9yB6cD1fG5hJ0aS3eU8")
    }

    #[test]
    fn secrets_become_their_preview() {
        let token = github_token();
        let line = format!("requests.get(url, headers={{'Authorization': 'token {token}'}})");
        let redacted = redact(&line);
        assert_eq!(
            redacted,
            "requests.get(url, headers={'Authorization': 'token ghp_…'})"
        );
        let aws = format!("{}{}", "AKIA", "QYLPMN5HZQ7R4WXV");
        let line = format!("cursor.execute(\"SELECT '{aws}'\" + q)");
        let redacted = redact(&line);
        assert!(!redacted.contains(&aws[4..]), "{redacted}");
        let redacted = redact("password = \"Tr0ub4dor&3xyz\"");
        assert_eq!(redacted, "password = \"Tr0…\"");
    }

    #[test]
    fn url_passwords_become_stars() {
        assert_eq!(
            redact("pkg @ https://user:s3cr3tT0ken99@host.example/simple/pkg.whl"),
            "pkg @ https://user:****@host.example/simple/pkg.whl"
        );
        assert_eq!(
            redact(
                "--index-url https://__token__:pypi-AgEI@pypi.org/simple --extra https://:pw@h/"
            ),
            "--index-url https://__token__:****@pypi.org/simple --extra https://:****@h/"
        );
        let token = github_token();
        assert_eq!(
            redact(&format!("git+https://{token}@github.com/org/repo.git")),
            "git+https://****@github.com/org/repo.git"
        );
        // A lone token of `LONE_TOKEN` characters is one; a user name is not.
        assert_eq!(
            redact("https://a1b2c3d4e5f6g7h8@host/x"),
            "https://****@host/x"
        );
        assert_eq!(redact("https://deploy@host/x"), "https://deploy@host/x");
        // No credentials: untouched, and not copied.
        for text in [
            "git+ssh://git@github.com/org/repo.git",
            "https://pypi.org/simple/",
            "mailto:a@b.c",
            "x = 1",
            "",
        ] {
            assert!(matches!(redact(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn placeholders_and_plain_code_are_left_alone() {
        for text in [
            "password = os.environ['DB_PASSWORD']",
            "token = \"<your-token>\"",
            "subprocess.call(cmd, shell=True)",
            "assert response.status_code == 200",
            "hashlib.sha256(b'abc').hexdigest()",
            "password = forms.CharField(",
            "password = get_random_string(30)",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn suppression_comments_do_not_stop_redaction() {
        let token = github_token();
        let line = format!("T = '{token}'  # pragma: allowlist secret");
        let redacted = redact(&line);
        assert!(!redacted.contains(&token[4..]), "{redacted}");
    }

    proptest::proptest! {
        #[test]
        fn redaction_never_panics_and_never_grows_a_secret(text in "\\PC{0,120}") {
            let redacted = redact(&text);
            proptest::prop_assert!(redacted.len() <= text.len() + 16 * 4);
        }

        #[test]
        fn redacted_text_has_nothing_left_to_redact(user in "[a-z]{0,8}", password in "[A-Za-z0-9]{1,30}") {
            let text = format!("see https://{user}:{password}@host.test/x");
            let once = redact(&text).into_owned();
            let leaked = format!(":{password}@");
            proptest::prop_assert!(!once.contains(&leaked), "{}", once);
            proptest::prop_assert_eq!(redact(&once).into_owned(), once);
        }
    }
}
