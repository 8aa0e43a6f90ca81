use super::{Candidate, Context, Pattern, pattern, push_group};

/// Service Bus, Event Hubs, Relay and IoT Hub connection strings carry a
/// `SharedAccessKey=` (44 base64 characters); SAS URLs carry `sig=`.
static SHARED_ACCESS_KEY: Pattern =
    Pattern::new(|| pattern(r"(?i)SharedAccessKey=([A-Za-z0-9+/]{42,43}=)"));
static SAS_SIGNATURE: Pattern = Pattern::new(|| {
    pattern(
        r"(?i)https://[a-z0-9\-]+\.(?:blob|queue|table|file|dfs)\.core\.windows\.net/[^\s'\x22]*[?&]sig=([A-Za-z0-9%+/=]{30,})",
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &SHARED_ACCESS_KEY, 1, out);
    push_group(ctx, &SAS_SIGNATURE, 1, out);
}

detector! {
    /// ## What it finds
    /// Azure connection strings that carry a key: `SharedAccessKey=` in
    /// Service Bus, Event Hubs, Relay and IoT Hub connection strings, and
    /// the `sig=` of Storage SAS URLs. (`AccountKey=` is reported by
    /// `azure-storage-key`.)
    ///
    /// ## Why it matters
    /// A shared access key sends and receives on the namespace's queues and
    /// topics, or manages it when the policy allows; a SAS URL grants what
    /// it names until it expires.
    ///
    /// ## How to rotate
    /// Azure portal → the namespace → Shared access policies: regenerate
    /// the primary or secondary key (after moving clients to the other).
    /// For SAS URLs, rotate the account key that signed them or revoke the
    /// stored access policy.
    pub static AZURE_CONNECTION_STRING = {
        id: "azure-connection-string",
        title: "Azure connection string key",
        severity: High,
        confidence: High,
        keywords: &["sharedaccesskey", "core.windows.net"],
        find: find,
    };
}
