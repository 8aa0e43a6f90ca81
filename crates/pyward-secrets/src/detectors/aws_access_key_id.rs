use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| {
    pattern(r"\b((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16})\b")
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// AWS access key ids: `AKIA` (long-term IAM user keys), `ASIA`
    /// (temporary STS keys) and the other documented prefixes, followed by
    /// 16 base32 characters. AWS's documented example
    /// `AKIAIOSFODNN7EXAMPLE` is ignored.
    ///
    /// ## Why it matters
    /// The id is half of an AWS credential; where it sits, the secret key
    /// is usually close by. Together they sign API calls as that IAM user.
    ///
    /// ## How to rotate
    /// IAM console → Users → Security credentials: create a new access key,
    /// deploy it, then deactivate and delete the old one (`aws iam
    /// update-access-key --status Inactive`, `aws iam delete-access-key`).
    /// Check CloudTrail for use of the old key.
    pub static AWS_ACCESS_KEY_ID = {
        id: "aws-access-key-id",
        title: "AWS access key id",
        severity: High,
        confidence: High,
        keywords: &["akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "anpa", "anva", "aipa"],
        find: find,
    };
}
