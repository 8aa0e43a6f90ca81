use super::{Candidate, Context, Pattern, pattern, push_group};

/// The classic `key-` form, and the newer form that only a name next to it
/// identifies (32 hex, dash, 8 hex, dash, 8 hex).
static CLASSIC: Pattern = Pattern::new(|| pattern(r"\b(key-[0-9a-z]{32})\b"));
static NAMED: Pattern = Pattern::new(|| {
    pattern(
        r#"(?i)mailgun[\w.\-]*(?:key|secret|token)[\w.\-]*["']?\s*(?:[:=]|:=|=>)\s*["']?([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b"#,
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &CLASSIC, 1, out);
    push_group(ctx, &NAMED, 1, out);
}

detector! {
    /// ## What it finds
    /// Mailgun API keys: `key-` and 32 characters, or the newer
    /// `<32 hex>-<8 hex>-<8 hex>` form assigned to a `MAILGUN_…KEY` name.
    ///
    /// ## Why it matters
    /// The key sends mail from the account's domains and reads its logs
    /// and stored messages.
    ///
    /// ## How to rotate
    /// Mailgun → API Security: create a new key, deploy it, delete the old
    /// one.
    pub static MAILGUN = {
        id: "mailgun",
        title: "Mailgun API key",
        severity: High,
        confidence: High,
        keywords: &["key-", "mailgun"],
        find: find,
    };
}
