use super::{Candidate, Context, Pattern, pattern};

/// A PEM, OpenSSH or PGP private key header; the body follows on the next
/// lines, or after `\n` escapes when the key sits in a string.
static BEGIN: Pattern =
    Pattern::new(|| pattern(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"));

/// How far after the header the body is looked for: a 4096-bit RSA key is
/// about 3.2 KiB of base64.
const MAX_BODY: usize = 16 * 1024;

/// Base64 characters a key body needs at least: the smallest real keys
/// (Ed25519 in OpenSSH format) have about 300.
const MIN_BODY_CHARS: usize = 64;

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in BEGIN.captures_iter(ctx.text) {
        let (Some(header), Some(label)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let rest_end = (header.end() + MAX_BODY).min(ctx.text.len());
        let rest_end = (rest_end..=ctx.text.len())
            .find(|&i| ctx.text.is_char_boundary(i))
            .unwrap_or(ctx.text.len());
        let rest = &ctx.text[header.end()..rest_end];
        let end_marker = format!("-----END {}-----", label.as_str());
        let Some(body_end) = rest.find(&end_marker) else {
            continue;
        };
        let body = &rest[..body_end];
        if body_chars(body) < MIN_BODY_CHARS {
            continue;
        }
        // The span covers the whole block, so that no other detector
        // reports a line of its body.
        let block_end = header.end() + body_end + end_marker.len();
        let mut candidate = Candidate::new(ctx.text, header.start(), block_end);
        // The secret is the body, hashed without line breaks or escapes so
        // the same key matches however it is wrapped or quoted.
        candidate.secret = body_text(body);
        // detect-secrets hashes the header's words (`BEGIN RSA PRIVATE KEY`).
        candidate.alt_secret = Some(format!("BEGIN {}", label.as_str()));
        // The header is the preview; never a placeholder.
        candidate.check_placeholder = false;
        out.push(candidate);
    }
}

/// Base64 characters of the body, skipping headers such as `Proc-Type:`.
fn body_text(body: &str) -> String {
    body.replace("\\n", "\n")
        .replace("\\r", "\n")
        .lines()
        .filter(|line| !line.contains(':'))
        .flat_map(|line| {
            line.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        })
        .collect()
}

fn body_chars(body: &str) -> usize {
    body_text(body).len()
}

detector! {
    /// ## What it finds
    /// Private keys: PEM blocks (`-----BEGIN RSA PRIVATE KEY-----`,
    /// `EC`, `DSA`, `ENCRYPTED`, PKCS#8 `PRIVATE KEY`), OpenSSH keys
    /// (`BEGIN OPENSSH PRIVATE KEY`) and PGP secret keys (`BEGIN PGP
    /// PRIVATE KEY BLOCK`), when a body of key material follows. A header
    /// alone (code that parses keys) is not reported.
    ///
    /// ## Why it matters
    /// A private key is the identity itself: it decrypts TLS traffic, signs
    /// as the server or developer, or logs in over SSH wherever the public
    /// half is trusted.
    ///
    /// ## How to rotate
    /// Generate a new key pair, replace the public half everywhere it is
    /// trusted (`authorized_keys`, certificates, deploy keys, keyservers),
    /// revoke certificates issued for the old key, and delete the old key.
    pub static PRIVATE_KEY = {
        id: "private-key",
        title: "Private key",
        severity: High,
        confidence: High,
        keywords: &["private key"],
        find: find,
    };
}
