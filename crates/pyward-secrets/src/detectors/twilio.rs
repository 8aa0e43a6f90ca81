use super::{Candidate, Context, Pattern, pattern, push_group};

/// API key SIDs start with `SK`; the auth token is 32 hex characters that
/// only a name next to it identifies.
static API_KEY: Pattern = Pattern::new(|| pattern(r"\b(SK[0-9a-f]{32})\b"));
static AUTH_TOKEN: Pattern = Pattern::new(|| {
    pattern(
        r#"(?i)twilio[\w.\-]*(?:auth|secret|token)[\w.\-]*["']?\s*(?:[:=]|:=|=>)\s*["']?([0-9a-f]{32})\b"#,
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &API_KEY, 1, out);
    push_group(ctx, &AUTH_TOKEN, 1, out);
}

detector! {
    /// ## What it finds
    /// Twilio API keys (`SK` and 32 hex characters) and auth tokens (32 hex
    /// characters assigned to a name like `TWILIO_AUTH_TOKEN`). Account
    /// SIDs (`AC…`) identify an account and are not secret on their own.
    ///
    /// ## Why it matters
    /// They send SMS and place calls at the account's expense (toll fraud)
    /// and read message history.
    ///
    /// ## How to rotate
    /// Twilio Console → Account → API keys & tokens: delete the API key or
    /// promote the secondary auth token and create a new secondary one.
    pub static TWILIO = {
        id: "twilio",
        title: "Twilio credential",
        severity: High,
        confidence: High,
        keywords: &["sk", "twilio"],
        find: find,
    };
}
