//! What is not a secret: placeholders, documented example keys, values
//! taken from the environment, digests and identifiers.

/// Shannon entropy of `s` in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for b in s.bytes() {
        counts[usize::from(b)] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / total;
            -p * p.log2()
        })
        .sum()
}

/// Keys that vendors print in their documentation; never real.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    // Azure Storage emulator (Azurite) well-known account key.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // jwt.io's sample token signature.
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Words that mark a value as a stand-in, anywhere in it.
const PLACEHOLDER_PARTS: &[&str] = &[
    "example",
    "xxxx",
    "****",
    "...",
    "place_holder",
    "…",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "your key",
    "yoursecret",
    "yourpassword",
    "redacted",
    "replace_me",
    "replaceme",
    "insert_",
    "_here",
    "todo",
    "fixme",
    "notreal",
    "not_a_real",
    "not-a-real",
    "dummy",
    "00000000",
    "12345678",
    "abcdefgh",
];

/// Template syntax: the value is filled in from elsewhere.
const TEMPLATE_MARKERS: &[&str] = &["${", "{{", "}}", "%(", "<%", "$(", "#{"];

/// Whether a value is a stand-in for a secret rather than one.
pub fn is_placeholder(value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    if DOCUMENTED_EXAMPLES.iter().any(|e| value.contains(e)) {
        return true;
    }
    if TEMPLATE_MARKERS.iter().any(|m| value.contains(m)) {
        return true;
    }
    // `<your-key>`, `<token>`: an angle-bracketed word.
    if value.starts_with('<') && value.ends_with('>') {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p)) {
        return true;
    }
    low_variety(value)
}

/// Too few distinct characters for a generated secret (`aaaaaaaa`,
/// `abababab`): random strings of 16 or more characters use far more.
fn low_variety(value: &str) -> bool {
    let mut seen = [false; 128];
    let mut distinct = 0usize;
    let mut len = 0usize;
    for c in value.chars() {
        len += 1;
        if let Some(slot) = seen.get_mut(c as usize)
            && !*slot
        {
            *slot = true;
            distinct += 1;
        }
    }
    len >= 12 && distinct * 5 < len.min(40) || longest_run(value) >= 8
}

/// The longest run of one repeated character (`aaaaaaaa`).
fn longest_run(value: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    let mut previous = None;
    for c in value.chars() {
        run = if previous == Some(c) { run + 1 } else { 1 };
        longest = longest.max(run);
        previous = Some(c);
    }
    longest
}

/// Whether a value is an RFC 4122-shaped UUID (`8-4-4-4-12` hex).
pub fn is_uuid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether a value is all hex digits.
pub fn is_hex(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Names and prefixes that say a value is a digest, not a secret:
/// `sha256`, `checksum`, `integrity`, `--hash=sha256:`.
const DIGEST_WORDS: &[&str] = &[
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha-",
    "md5",
    "blake2",
    "checksum",
    "integrity",
    "hash",
    "digest",
    "etag",
    "commit",
    "revision",
    "fingerprint",
    "crc32",
    "nonce",
    "uuid",
    "guid",
];

/// Whether `text` (a key name or the text before a value) names a digest.
pub fn names_a_digest(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    DIGEST_WORDS.iter().any(|w| lower.contains(w))
}

/// Call names that read a value from somewhere else: the quoted string
/// passed to them is a name or a fallback, not a secret someone typed in.
const LOOKUP_CALLS: &[&str] = &[
    "environ", "getenv", "get", "config", "setting", "secret", "vault", "param", "option", "arg",
    "header", "cookie", "field", "lookup", "fetch", "read", "load", "env", "var", "input",
    "prompt",
];

/// Whether the code right before a value reads it from somewhere
/// (`os.environ["`, `os.getenv("NAME", `, `config.get(`): then the quoted
/// string is a key name or a default, not a secret.
pub fn is_lookup_context(before: &str) -> bool {
    let start = before.len().saturating_sub(120);
    let start = (start..=before.len())
        .find(|&i| before.is_char_boundary(i))
        .unwrap_or(before.len());
    let tail = &before[start..];
    let Some(open) = tail.rfind(['(', '[']) else {
        return false;
    };
    // Between the bracket and the value: nothing, or earlier arguments
    // (`os.getenv("NAME", `), never a closing bracket.
    let between = &tail[open + 1..];
    if between.contains([')', ']', '=']) && !between.trim().is_empty() {
        return false;
    }
    if between.matches(',').count() > 1 {
        return false;
    }
    let callee: String = tail[..open]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_ascii_lowercase();
    let last = callee.rsplit('.').next().unwrap_or("");
    !last.is_empty() && LOOKUP_CALLS.iter().any(|w| last.contains(w)) || callee.contains("environ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_known_strings() {
        assert!(shannon_entropy("") < f64::EPSILON);
        assert!(shannon_entropy("aaaa") < f64::EPSILON);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy("0123456789abcdef") > 3.99);
    }

    #[test]
    fn placeholders() {
        for p in [
            "",
            "AKIAIOSFODNN7EXAMPLE",
            "${DB_PASSWORD}",
            "{{ vault_password }}",
            "<your-key>",
            "changeme",
            "xxxxxxxxxxxxxxxxxxxx",
            "your_api_key_here",
            "********",
            "sk_live_aaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for s in [
            "hunter2",
            "gR8s7Kq2LmZx9PvT3wYb",
            "ghp_R4nd0mT0k3nV4lu3Qw9Zx8Yc7Vb6Nm5Lk4Jh",
        ] {
            assert!(!is_placeholder(s), "{s}");
        }
    }

    #[test]
    fn uuids_and_digests() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567-e89b-12d3-a456-42661417400"));
        assert!(names_a_digest("--hash=sha256:"));
        assert!(names_a_digest("\"integrity\": "));
        assert!(!names_a_digest("password = "));
    }

    #[test]
    fn lookups() {
        assert!(is_lookup_context("x = os.environ["));
        assert!(is_lookup_context("x = os.getenv( "));
        assert!(is_lookup_context("x = os.getenv(\"NAME\", "));
        assert!(is_lookup_context("x = config.get("));
        assert!(!is_lookup_context("password = "));
        assert!(!is_lookup_context("connect(host, "));
        assert!(!is_lookup_context("Client(api_key="));
    }
}
