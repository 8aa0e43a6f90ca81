use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| {
    pattern(r"\b(sk-ant-(?:api|admin|sid|oat)\d{2}-[A-Za-z0-9_\-]{32,})(?:[^A-Za-z0-9_\-]|$)")
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// Anthropic API keys: `sk-ant-api03-…`, and admin keys
    /// `sk-ant-admin01-…`.
    ///
    /// ## Why it matters
    /// Usage is billed to the organisation; admin keys also manage its
    /// members and keys.
    ///
    /// ## How to rotate
    /// console.anthropic.com → Settings → API keys: disable and delete the
    /// key, create a new one, and check usage for calls you don't know.
    pub static ANTHROPIC_API_KEY = {
        id: "anthropic-api-key",
        title: "Anthropic API key",
        severity: High,
        confidence: High,
        keywords: &["sk-ant-"],
        find: find,
    };
}
