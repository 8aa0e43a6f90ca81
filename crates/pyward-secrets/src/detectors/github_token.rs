use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| {
    pattern(r"\b(gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b")
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// GitHub tokens by their prefixes: `ghp_` (classic personal access
    /// token), `gho_` (OAuth), `ghu_` (user-to-server), `ghs_`
    /// (server-to-server, GitHub Actions), `ghr_` (refresh) and
    /// `github_pat_` (fine-grained personal access token).
    ///
    /// ## Why it matters
    /// A token acts as its owner: it can read private repositories, push
    /// code, and change settings, as far as its scopes allow.
    ///
    /// ## How to rotate
    /// GitHub → Settings → Developer settings → Personal access tokens:
    /// delete the token and create a new one with the narrowest scopes. For
    /// OAuth and app tokens, revoke them in the app's settings. Check the
    /// security log for its use.
    pub static GITHUB_TOKEN = {
        id: "github-token",
        title: "GitHub token",
        severity: High,
        confidence: High,
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        find: find,
    };
}
