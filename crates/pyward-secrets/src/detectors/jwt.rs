use super::{Candidate, Context, Pattern, pattern, push_group};

/// Header and payload are base64url JSON objects, so both start `eyJ`
/// (`{"`); the signature is base64url.
static RE: Pattern = Pattern::new(|| {
    pattern(r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})")
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// Signed JSON Web Tokens: three base64url parts, the first two JSON
    /// objects (`eyJ…`). Unsigned tokens (`alg: none`, empty signature)
    /// are not reported.
    ///
    /// ## Why it matters
    /// A token is a bearer credential: whoever holds it is the user it
    /// names until it expires, which for service tokens is often never.
    ///
    /// ## How to rotate
    /// Revoke the session or token at its issuer; if it never expires,
    /// rotate the issuer's signing key, which invalidates every token it
    /// signed. Issue short-lived tokens instead of storing them.
    pub static JWT = {
        id: "jwt",
        title: "JSON Web Token",
        severity: Medium,
        confidence: High,
        keywords: &["eyj"],
        find: find,
    };
}
