use super::{Candidate, Context, Pattern, pattern, push_group};

static RE: Pattern = Pattern::new(|| pattern(r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)"));

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// Google API keys: `AIza` followed by 35 characters (Maps, Firebase,
    /// YouTube and other Google Cloud APIs).
    ///
    /// ## Why it matters
    /// An unrestricted key lets anyone spend the project's quota and bill;
    /// some APIs expose data.
    ///
    /// ## How to rotate
    /// Google Cloud console → APIs & Services → Credentials: regenerate the
    /// key (or create a new one and delete the old), and restrict it by API
    /// and by referrer or IP.
    pub static GOOGLE_API_KEY = {
        id: "google-api-key",
        title: "Google API key",
        severity: High,
        confidence: High,
        keywords: &["aiza"],
        find: find,
    };
}
