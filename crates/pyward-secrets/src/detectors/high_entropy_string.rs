use super::{Candidate, Context, Pattern, pattern};
use crate::filters;

/// Quoted strings of base64 / base64url / hex characters.
static QUOTED: Pattern = Pattern::new(|| pattern(r#"["'`]([A-Za-z0-9+/=_\-]{20,256})["'`]"#));

/// Bare values at the end of a line (`KEY=value`, `key: value`) in the
/// syntaxes whose bare values are strings.
static BARE: Pattern =
    Pattern::new(|| pattern(r#"(?m)[:=][ \t]*([A-Za-z0-9+/=_\-]{20,256})[ \t]*$"#));

/// Lowest entropy (bits per character) a string of `len` characters must
/// have, by linear interpolation: the 1st percentile of the entropy of
/// uniformly random base64 strings of that length (4,000 samples per
/// length, see the table in the detector's docs). So 99 % of random keys
/// pass, while words, identifiers and structured ids, whose entropy is far
/// lower at the same length, do not.
fn base64_threshold(len: usize) -> f64 {
    const TABLE: &[(usize, f64)] = &[
        (20, 3.68),
        (24, 3.90),
        (28, 4.06),
        (32, 4.20),
        (40, 4.46),
        (48, 4.64),
        (64, 4.93),
        (88, 5.18),
    ];
    interpolate(TABLE, len)
}

/// The same for hex strings (1st percentile of random hex).
fn hex_threshold(len: usize) -> f64 {
    const TABLE: &[(usize, f64)] = &[
        (20, 2.9),
        (24, 3.06),
        (32, 3.26),
        (40, 3.40),
        (48, 3.50),
        (64, 3.63),
        (88, 3.74),
    ];
    interpolate(TABLE, len)
}

fn interpolate(table: &[(usize, f64)], len: usize) -> f64 {
    let mut previous = table[0];
    if len <= previous.0 {
        return previous.1;
    }
    for &(at, value) in &table[1..] {
        if len <= at {
            #[allow(clippy::cast_precision_loss)] // lengths are at most 256
            let t = (len - previous.0) as f64 / (at - previous.0) as f64;
            return previous.1 + t * (value - previous.1);
        }
        previous = (at, value);
    }
    previous.1
}

/// Words on the line that say a long hex string is a key rather than a
/// digest or an id.
const SECRET_CONTEXT: &[&str] = &[
    "key",
    "secret",
    "token",
    "passw",
    "auth",
    "credential",
    "api",
];

/// Prefixes of long base64 strings that are public by nature: SSH public
/// key blobs (`AAAAB3NzaC1yc2E` = `ssh-rsa`, `AAAAC3NzaC1lZDI1NTE5` =
/// `ssh-ed25519`, `AAAAE2VjZHNh` = `ecdsa`).
/// Stripe publishable keys (`pk_live_`, `pk_test_`) are meant for browsers.
const PUBLIC_PREFIXES: &[&str] = &[
    "AAAAB3NzaC1",
    "AAAAC3NzaC1",
    "AAAAE2VjZHNh",
    "pk_live_",
    "pk_test_",
];

/// The name a value is assigned to, if the text before it ends with one
/// (`private_key_id": "`, `token = `).
fn name_before(before: &str) -> Option<&str> {
    let trimmed = before.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | ':' | '=' | '>' | '(')
    });
    let start = trimmed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(0, |i| i + 1);
    let name = &trimmed[start..];
    (!name.is_empty()).then_some(name)
}

fn check(ctx: &Context<'_>, start: usize, end: usize, out: &mut Vec<Candidate>) {
    let value = &ctx.text[start..end];
    let line_start = ctx.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = ctx.text[end..]
        .find('\n')
        .map_or(ctx.text.len(), |i| end + i);
    let before = &ctx.text[line_start..start];
    let line = &ctx.text[line_start..line_end];
    if filters::names_a_digest(before)
        || filters::is_uuid(value)
        || filters::is_placeholder(value)
        || PUBLIC_PREFIXES.iter().any(|p| value.starts_with(p))
        || line.contains("ssh-rsa")
        || line.contains("ssh-ed25519")
        || filters::is_lookup_context(before)
    {
        return;
    }
    let len = value.len();
    let entropy = filters::shannon_entropy(value);
    if filters::is_hex(value) {
        // Hex strings are digests and ids far more often than keys: only
        // when the line names a key, and only 32 characters (128 bits) or
        // more.
        let lower = line.to_ascii_lowercase();
        let names_an_id = name_before(before).is_some_and(|name| {
            let name = name.to_ascii_lowercase();
            name.ends_with("id") || name.ends_with("ids")
        });
        if names_an_id {
            return;
        }
        if len >= 32
            && entropy >= hex_threshold(len)
            && SECRET_CONTEXT.iter().any(|w| lower.contains(w))
        {
            out.push(Candidate::new(ctx.text, start, end));
        }
        return;
    }
    // A generated key mixes upper case, lower case and digits; words,
    // identifiers and paths rarely have all three.
    let upper = value.bytes().any(|b| b.is_ascii_uppercase());
    let lower = value.bytes().any(|b| b.is_ascii_lowercase());
    let digit = value.bytes().any(|b| b.is_ascii_digit());
    if !(upper && lower && digit) {
        return;
    }
    // Identifiers with separators (`my_module-Name/path_2`), CamelCase
    // identifiers (`Python3TracebackLexer`), digests named inside the value
    // (`gss-group1-sha1-…`), and base64 of readable text
    // (`dXNlcm5hbWU6cGFzc3dvcmQ=` is `username:password`): none is a key.
    // `=` only pads the end of base64: `KEY=VALUE` and `a=b+c` are not.
    if value.trim_end_matches('=').contains('=') {
        return;
    }
    // Paths: `/usr/share/i18n/SUPPORTED`.
    if (value.starts_with('/') || value.starts_with("./")) && value.matches('/').count() >= 3 {
        return;
    }
    if looks_like_words(value)
        || wordiness(value) >= WORDY
        || value
            .split(['-', '_'])
            .any(|piece| matches!(piece, "sha1" | "sha256" | "sha512" | "md5"))
        || decodes_to_text(value)
    {
        return;
    }
    if entropy >= base64_threshold(len) {
        out.push(Candidate::new(ctx.text, start, end));
    }
}

/// Share of a string's characters that sit in word-like runs (a capital
/// and three or more lower-case letters, or three or more lower-case
/// letters: `Terminal`, `ormatter`).
fn wordiness(value: &str) -> f64 {
    let bytes = value.as_bytes();
    let mut covered = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower_start = i;
        while i < bytes.len() && bytes[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower_start >= 3 {
            covered += i - start;
        }
        if i == start {
            // A digit or a symbol.
            i += 1;
        }
    }
    #[allow(clippy::cast_precision_loss)] // lengths are at most 256
    let share = covered as f64 / value.len().max(1) as f64;
    share
}

/// Strings at least this word-like are identifiers: only 0.1 % of random
/// base64 strings of 20 characters, and fewer of longer ones, reach it
/// (20,000 samples per length), while CamelCase names sit at 0.8 to 1.
const WORDY: f64 = 0.7;

/// Whether a base64 string decodes to readable ASCII text: encoded text
/// (test vectors, `user:password` pairs, JSON) rather than a random key,
/// whose bytes are almost never all printable.
fn decodes_to_text(value: &str) -> bool {
    let Some(bytes) = decode_base64(value) else {
        return false;
    };
    bytes.len() >= 8
        && bytes
            .iter()
            .all(|&b| b == b'\n' || b == b'\t' || (0x20..0x7f).contains(&b))
}

/// Lenient base64 (standard or URL-safe, padding optional) decoding.
fn decode_base64(value: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(value.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for c in value.trim_end_matches('=').bytes() {
        let sextet = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// Whether the string is made of separated readable pieces, as
/// identifiers, paths and slugs are, rather than random characters: at
/// least two separators and no piece with a case change after a digit run.
fn looks_like_words(value: &str) -> bool {
    let pieces: Vec<&str> = value
        .split(['_', '-', '/', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.len() < 3 {
        return false;
    }
    pieces.iter().all(|piece| {
        let digits = piece.bytes().filter(u8::is_ascii_digit).count();
        let uppers = piece.bytes().filter(u8::is_ascii_uppercase).count();
        let letters_upper = piece.bytes().all(|b| b.is_ascii_uppercase());
        digits == piece.len() || letters_upper || (digits * 3 <= piece.len() && uppers <= 2)
    })
}

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in QUOTED.captures_iter(ctx.text) {
        if let Some(m) = caps.get(1) {
            check(ctx, m.start(), m.end(), out);
        }
    }
    if ctx.kind.has_bare_values() {
        for caps in BARE.captures_iter(ctx.text) {
            if let Some(m) = caps.get(1) {
                check(ctx, m.start(), m.end(), out);
            }
        }
    }
}

detector! {
    /// ## What it finds
    /// Quoted strings (and bare values in YAML, INI and `.env` files) of 20
    /// to 256 base64 or base64url characters that look generated: they mix
    /// upper case, lower case and digits and their Shannon entropy is at
    /// least the 1st percentile of uniformly random strings of the same
    /// length (measured, 4,000 samples per length: 3.68 bits/char at 20
    /// characters, 4.20 at 32, 4.46 at 40, 4.93 at 64, 5.18 at 88; linear
    /// in between). Hex strings only count when they have 32 or more
    /// characters, pass the same test against random hex (3.26 at 32, 3.63
    /// at 64) and the line mentions a key, secret, token, password, auth or
    /// API: otherwise hex is almost always a digest or an id.
    ///
    /// Not reported: digests named as such (`sha256`, `checksum`,
    /// `integrity`, `hash`, `digest`, `--hash=`), lockfiles, UUIDs, SSH
    /// public keys, strings passed to lookups (`os.getenv("…")`),
    /// placeholders, and separated words (`some_module-Name/path`).
    ///
    /// Why these numbers: detect-secrets uses one threshold for every
    /// length (4.5 for base64, 3.0 for hex). A fixed 4.5 misses most random
    /// keys shorter than 36 characters (their mean entropy is 4.25 at 24
    /// characters), and 3.0 for hex flags every git commit id and SHA-256
    /// digest. A length-aware threshold keeps short keys and drops both.
    ///
    /// ## Why it matters
    /// A random-looking string in source is often a key with no
    /// recognisable prefix: a signing secret, an encryption key, an
    /// internal service token. Severity is low and confidence low: it is
    /// the detector most likely to be wrong, and a human should look.
    ///
    /// ## How to rotate
    /// Find out what the string is for; if it is a credential, revoke it
    /// where it was issued, issue a new one and load it from the
    /// environment or a secret manager.
    pub static HIGH_ENTROPY_STRING = {
        id: "high-entropy-string",
        title: "High-entropy string",
        severity: Low,
        confidence: Low,
        keywords: &[],
        find: find,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_grow_with_length() {
        assert!((base64_threshold(10) - 3.68).abs() < 1e-9);
        assert!((base64_threshold(36) - 4.33).abs() < 1e-9);
        assert!((base64_threshold(500) - 5.18).abs() < 1e-9);
        assert!(hex_threshold(40) > hex_threshold(32));
    }

    #[test]
    fn names_before_values() {
        assert_eq!(
            name_before("  \"private_key_id\": \""),
            Some("private_key_id")
        );
        assert_eq!(name_before("token = "), Some("token"));
        assert_eq!(name_before("  \"user\": \""), Some("user"));
        assert_eq!(name_before(""), None);
    }

    #[test]
    fn identifiers_and_encoded_text_are_not_keys() {
        assert!(wordiness("Terminal256Formatter") >= WORDY);
        assert!(wordiness("Python3TracebackLexer") >= WORDY);
        assert!(wordiness("hQ7x9Kd2LmZp4RtV8wYc") < WORDY);
        assert!(decodes_to_text("dXNlcm5hbWU6cGFzc3dvcmQ="));
        assert!(!decodes_to_text("hQ7x9Kd2LmZp4RtV8wYc3NbF6gJ1sA0e"));
        assert!(looks_like_words("PLATLIB/pywin32_system32"));
        let ctx = |text: &'static str| Context {
            text,
            kind: crate::file_kind::FileKind::Python,
        };
        for text in [
            "x = \"/DPythonArchitecture=AMD64\"",
            "x = \"/usr/share/i18n/SUPPORTED\"",
        ] {
            let mut out = Vec::new();
            find(&ctx(text), &mut out);
            assert!(out.is_empty(), "{text}");
        }
    }

    #[test]
    fn words_are_not_keys() {
        assert!(looks_like_words("my_module-Name/path_2"));
        assert!(!looks_like_words("hQ7x9Kd2LmZp4RtV8wYc"));
    }
}
