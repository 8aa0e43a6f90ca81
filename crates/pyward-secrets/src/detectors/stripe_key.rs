use pyward_model::Severity;

use super::{Candidate, Context, Pattern, pattern};

static RE: Pattern = Pattern::new(|| pattern(r"\b((?:sk|rk)_(live|test)_[0-9A-Za-z]{20,247})\b"));

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    for caps in RE.captures_iter(ctx.text) {
        if let (Some(key), Some(mode)) = (caps.get(1), caps.get(2)) {
            let mut candidate = Candidate::new(ctx.text, key.start(), key.end());
            if mode.as_str() == "test" {
                // Test-mode keys move no money and see no real customers.
                candidate.severity = Some(Severity::Low);
            }
            out.push(candidate);
        }
    }
}

detector! {
    /// ## What it finds
    /// Stripe secret keys (`sk_live_`, `sk_test_`) and restricted keys
    /// (`rk_live_`, `rk_test_`). Publishable keys (`pk_`) are meant to be
    /// public and are not reported. Test-mode keys are reported as low.
    ///
    /// ## Why it matters
    /// A live secret key can create charges, issue refunds and read every
    /// customer and payment of the account.
    ///
    /// ## How to rotate
    /// Stripe Dashboard → Developers → API keys: "Roll key" (optionally
    /// with a grace period), deploy the new key, and review the request
    /// logs for use of the old one.
    pub static STRIPE_KEY = {
        id: "stripe-key",
        title: "Stripe secret key",
        severity: High,
        confidence: High,
        keywords: &["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
        find: find,
    };
}
