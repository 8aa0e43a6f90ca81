use serde::Serialize;

use crate::{FindingKind, Severity};

/// One entry of a report's rule catalogue: what a rule, secret detector or
/// advisory that fired is, so that formats such as SARIF (which describe
/// every rule once and point results at it) can be written from the
/// report alone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleInfo {
    /// What findings carry as `id`: `B602`, `aws-access-key-id`,
    /// `PYSEC-2021-9`.
    pub id: String,
    /// Which kind of findings it produces.
    pub kind: FindingKind,
    /// A readable name: `subprocess_popen_with_shell_equals_true`, the
    /// detector's title, the advisory id.
    pub name: String,
    /// One line.
    pub description: String,
    /// The rule's documentation (Markdown), or the advisory's text.
    pub help: String,
    /// Where to read more: the rule's page, the advisory's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    /// The severity it reports by default.
    pub severity: Severity,
    /// The weakness it finds (`CWE-78`), for code and secret rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe: Option<String>,
}
