use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| {
    pattern(
        r"\b(xox[baprseo]-[0-9A-Za-z]{6,}-[0-9A-Za-z\-]{6,}|xapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-z0-9]{32,})\b",
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// Slack tokens: `xoxb-` (bot), `xoxp-` (user), `xoxa-`/`xoxr-`
    /// (OAuth access and refresh), `xoxe-`, `xoxs-`, `xoxo-` and `xapp-`
    /// (app-level) tokens.
    ///
    /// ## Why it matters
    /// A token reads and posts messages, lists users and files, and for
    /// user tokens acts as that person in every channel they can see.
    ///
    /// ## How to rotate
    /// api.slack.com → Your apps → the app → OAuth & Permissions: revoke
    /// the token (`auth.revoke`) and reinstall the app or rotate the
    /// token; for app-level tokens regenerate them under Basic Information.
    pub static SLACK_TOKEN = {
        id: "slack-token",
        title: "Slack token",
        severity: High,
        confidence: High,
        keywords: &["xox", "xapp-"],
        find: find,
    };
}
