use super::{Candidate, Context, Pattern, pattern, standalone};

/// A name that says "AWS secret key", then up to a few characters of
/// assignment syntax, then 40 base64 characters.
static RE: Pattern = Pattern::new(|| {
    pattern(
        r#"(?i)(?:aws[_.\-]?secret[_.\-]?(?:access[_.\-]?)?key|secret[_.\-]?access[_.\-]?key|SecretAccessKey|aws[_.\-]?secret)["']?\s*(?:[:=]|:=|=>)\s*["']?([A-Za-z0-9/+]{40})"#,
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in RE.captures_iter(ctx.text) {
        if let Some(m) = caps.get(1)
            && standalone(ctx.text, m.start(), m.end())
        {
            out.push(Candidate::new(ctx.text, m.start(), m.end()));
        }
    }
}

detector! {
    /// ## What it finds
    /// AWS secret access keys: 40 base64 characters assigned to a name such
    /// as `aws_secret_access_key`, `AWS_SECRET_KEY` or `SecretAccessKey`
    /// (the key alone has no recognisable shape, so the name is required).
    /// The documented example `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` is
    /// ignored.
    ///
    /// ## Why it matters
    /// With its access key id it grants everything the IAM user may do.
    ///
    /// ## How to rotate
    /// Create a new access key for the IAM user, deploy it, deactivate and
    /// delete the old key, and review CloudTrail for its use. Prefer roles
    /// and short-lived credentials over long-term keys in files.
    pub static AWS_SECRET_ACCESS_KEY = {
        id: "aws-secret-access-key",
        title: "AWS secret access key",
        severity: High,
        confidence: High,
        keywords: &["secret"],
        find: find,
    };
}
