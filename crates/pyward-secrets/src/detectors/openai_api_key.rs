use super::{Candidate, Context, Pattern, pattern, push_group};

/// Keys carry `T3BlbkFJ` (base64 of `OpenAI`) in the middle; project,
/// service-account and admin keys also carry a `proj-`/`svcacct-`/`admin-`
/// prefix.
static RE: Pattern = Pattern::new(|| {
    pattern(
        r"\b(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,})(?:[^A-Za-z0-9_\-]|$)",
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// OpenAI API keys: `sk-…T3BlbkFJ…` (legacy user keys) and `sk-proj-`,
    /// `sk-svcacct-`, `sk-admin-` keys.
    ///
    /// ## Why it matters
    /// Usage is billed to the organisation, and a key reads its files,
    /// fine-tuned models and assistants.
    ///
    /// ## How to rotate
    /// platform.openai.com → API keys: revoke the key, create a new
    /// project key, and check the usage page for spending you don't know.
    pub static OPENAI_API_KEY = {
        id: "openai-api-key",
        title: "OpenAI API key",
        severity: High,
        confidence: High,
        keywords: &["t3blbkfj", "sk-proj-", "sk-svcacct-", "sk-admin-"],
        find: find,
    };
}
