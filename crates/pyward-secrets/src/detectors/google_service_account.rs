use super::{Candidate, Context, Pattern, pattern};

static TYPE: Pattern = Pattern::new(|| pattern(r#""type"\s*:\s*"service_account""#));
static CLIENT_EMAIL: Pattern = Pattern::new(|| pattern(r#""client_email"\s*:\s*""#));
/// The key's PEM body, written as a JSON string with `\n` escapes.
static PRIVATE_KEY: Pattern = Pattern::new(|| {
    pattern(
        r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]{64,}?-----END [A-Z ]*PRIVATE KEY-----(?:\\n)?)""#,
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    if !TYPE.is_match(ctx.text) || !CLIENT_EMAIL.is_match(ctx.text) {
        return;
    }
    for caps in PRIVATE_KEY.captures_iter(ctx.text) {
        if let Some(key) = caps.get(1) {
            out.push(Candidate::new(ctx.text, key.start(), key.end()));
        }
    }
}

detector! {
    /// ## What it finds
    /// Google Cloud service-account key files: JSON with
    /// `"type": "service_account"`, a `client_email` and a `private_key`.
    /// Reported at the `private_key`, once (not again as a `private-key`).
    ///
    /// ## Why it matters
    /// The file authenticates as the service account, with every IAM role
    /// it holds on the project, from anywhere, until the key is deleted.
    ///
    /// ## How to rotate
    /// Google Cloud console → IAM & Admin → Service accounts → Keys:
    /// delete the key (its `private_key_id`), create a new one only if
    /// workload identity federation can't replace it, and review the audit
    /// logs.
    pub static GOOGLE_SERVICE_ACCOUNT = {
        id: "google-service-account",
        title: "Google Cloud service-account key",
        severity: High,
        confidence: High,
        keywords: &["service_account"],
        find: find,
    };
}
