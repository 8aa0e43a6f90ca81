use super::{Candidate, Context, Pattern, pattern, push_group};

/// Current tokens carry the `npm_` prefix; older ones are UUIDs that only
/// the `_authToken=` of an `.npmrc` identifies.
static PREFIXED: Pattern = Pattern::new(|| pattern(r"\b(npm_[A-Za-z0-9]{36})\b"));
static NPMRC: Pattern = Pattern::new(|| pattern(r#"_authToken\s*=\s*["']?([A-Za-z0-9_\-]{20,})"#));

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &PREFIXED, 1, out);
    push_group(ctx, &NPMRC, 1, out);
}

detector! {
    /// ## What it finds
    /// npm access tokens: `npm_` and 36 characters, and any token written
    /// as `_authToken=` in an `.npmrc` (older tokens are UUIDs).
    ///
    /// ## Why it matters
    /// A publish token lets anyone release a new version of every package
    /// its owner maintains: a supply-chain attack on all their users.
    ///
    /// ## How to rotate
    /// npmjs.com → Access Tokens: delete the token (`npm token revoke`),
    /// create a granular one limited to the packages and IP ranges needed,
    /// and check recent publishes.
    pub static NPM_TOKEN = {
        id: "npm-token",
        title: "npm access token",
        severity: High,
        confidence: High,
        keywords: &["npm_", "_authtoken"],
        find: find,
    };
}
