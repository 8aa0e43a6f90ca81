use super::{Candidate, Context, Pattern, pattern};

static RE: Pattern = Pattern::new(|| {
    pattern(
        r"https://hooks\.slack\.com/((?:services|workflows|triggers)/[A-Za-z0-9_\-]{6,}/[A-Za-z0-9_\-]{6,}/[A-Za-z0-9_\-/]{12,})",
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in RE.captures_iter(ctx.text) {
        if let (Some(whole), Some(path)) = (caps.get(0), caps.get(1)) {
            // The whole URL is the secret, but the preview starts at its
            // path so that it shows nothing of the token itself.
            let mut candidate = super::Candidate::new(ctx.text, path.start(), whole.end());
            candidate.alt_secret = Some(whole.as_str().to_string());
            out.push(candidate);
        }
    }
}

detector! {
    /// ## What it finds
    /// Slack incoming-webhook and workflow URLs:
    /// `https://hooks.slack.com/services/T…/B…/…`.
    ///
    /// ## Why it matters
    /// Anyone with the URL can post messages into the channel, which makes
    /// convincing phishing inside a workspace easy.
    ///
    /// ## How to rotate
    /// api.slack.com → Your apps → Incoming Webhooks: remove the webhook
    /// and add a new one; update the integrations that used it.
    pub static SLACK_WEBHOOK = {
        id: "slack-webhook",
        title: "Slack webhook URL",
        severity: High,
        confidence: High,
        keywords: &["hooks.slack.com"],
        find: find,
    };
}
