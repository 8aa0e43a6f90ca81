use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| {
    pattern(
        r"\b((?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|glimt|glagent|gloas|glwt|glffct)-[A-Za-z0-9_\-]{20,}|GR1348941[A-Za-z0-9_\-]{20,})\b",
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// GitLab tokens by their prefixes: `glpat-` (personal, project and
    /// group access tokens), `gldt-` (deploy), `glrt-` (runner
    /// authentication), `GR1348941` (runner registration), `glptt-`
    /// (pipeline trigger), `glft-` (feed), `glsoat-`, `glcbt-`, `glimt-`,
    /// `glagent-`, `gloas-`, `glwt-`, `glffct-`.
    ///
    /// ## Why it matters
    /// Access tokens read and write repositories and the API as their
    /// owner; runner tokens let a machine receive CI jobs and their secrets.
    ///
    /// ## How to rotate
    /// GitLab → User settings (or the project's / group's settings) →
    /// Access tokens: revoke it and create a new one; for runners, reset
    /// the registration token. Review the audit events.
    pub static GITLAB_TOKEN = {
        id: "gitlab-token",
        title: "GitLab token",
        severity: High,
        confidence: High,
        keywords: &["glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glsoat-", "glcbt-", "glimt-", "glagent-", "gloas-", "glwt-", "glffct-", "gr1348941"],
        find: find,
    };
}
