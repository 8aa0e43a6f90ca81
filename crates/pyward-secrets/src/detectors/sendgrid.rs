use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| {
    pattern(r"\b(SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43})(?:[^0-9A-Za-z_\-]|$)")
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// SendGrid API keys: `SG.`, 22 characters, `.`, 43 characters.
    ///
    /// ## Why it matters
    /// Mail sent with the key comes from the account's verified domains:
    /// ideal for phishing, and abuse gets the account suspended.
    ///
    /// ## How to rotate
    /// SendGrid → Settings → API Keys: delete the key, create a new one with
    /// only the permissions needed.
    pub static SENDGRID = {
        id: "sendgrid",
        title: "SendGrid API key",
        severity: High,
        confidence: High,
        keywords: &["sg."],
        find: find,
    };
}
