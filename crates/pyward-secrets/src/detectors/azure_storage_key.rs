use super::{Candidate, Context, Pattern, pattern, push_group};

/// Storage account keys are 64 random bytes: 86 base64 characters and
/// `==`. They are found after `AccountKey=` in connection strings, or
/// assigned to a name that mentions Azure or a storage/account key.
static IN_CONNECTION_STRING: Pattern =
    Pattern::new(|| pattern(r"AccountKey=([A-Za-z0-9+/]{86}==)"));
static NAMED: Pattern = Pattern::new(|| {
    pattern(
        r#"(?i)(?:azure|storage|account)[\w.\-]*key["']?\s*(?:[:=]|:=|=>)\s*["']?([A-Za-z0-9+/]{86}==)"#,
    )
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &IN_CONNECTION_STRING, 1, out);
    push_group(ctx, &NAMED, 1, out);
}

detector! {
    /// ## What it finds
    /// Azure Storage account keys: 88-character base64 keys after
    /// `AccountKey=` in a connection string, or assigned to a name like
    /// `AZURE_STORAGE_KEY`. The storage emulator's published key is
    /// ignored.
    ///
    /// ## Why it matters
    /// An account key is full control of every blob, queue, table and file
    /// share in the storage account, and signs SAS tokens for them.
    ///
    /// ## How to rotate
    /// Azure portal → the storage account → Access keys: move clients to
    /// the other key, "Rotate key" on the leaked one, and prefer Entra ID
    /// (managed identity) access to account keys.
    pub static AZURE_STORAGE_KEY = {
        id: "azure-storage-key",
        title: "Azure Storage account key",
        severity: High,
        confidence: High,
        keywords: &["accountkey", "azure", "storage"],
        find: find,
    };
}
