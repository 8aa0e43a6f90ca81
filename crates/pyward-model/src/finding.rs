use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Confidence, PackageName, Severity};

/// What kind of problem a finding is; also which scanner produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Vulnerability,
    Malicious,
    Typosquat,
    License,
    Code,
    Secret,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Vulnerability => "vulnerability",
            FindingKind::Malicious => "malicious",
            FindingKind::Typosquat => "typosquat",
            FindingKind::License => "license",
            FindingKind::Code => "code",
            FindingKind::Secret => "secret",
        }
    }

    /// Findings about a dependency (as opposed to a place in a file).
    pub fn is_dependency_kind(self) -> bool {
        matches!(
            self,
            FindingKind::Vulnerability
                | FindingKind::Malicious
                | FindingKind::Typosquat
                | FindingKind::License
        )
    }
}

/// A place in a file: code and secret findings point here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Relative to the scanned path, with `/` separators.
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
}

/// One problem found by any scanner. The JSON shape is CONTRACT.md's: the
/// fields of the kinds that do not apply are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// Advisory id (`PYSEC-2021-9`), rule id (`B602`, `PW101`) or secret
    /// detector id (`aws-access-key-id`).
    pub id: String,
    /// Other ids of the same advisory (CVE, GHSA, PYSEC).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The rule's name, for code findings (`subprocess_popen_with_shell_equals_true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,

    /// PEP 503 normalized name, for dependency findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageName>,
    /// For dependency findings: the exact version, or `null` when the
    /// requirement is unpinned. Absent for other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Option<String>>,
    /// Versions that fix a vulnerability, for vulnerability findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_versions: Option<Vec<String>>,

    pub severity: Severity,
    /// How sure the check is, for code findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,

    /// One line: an advisory's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// For dependency findings, the file the dependency came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,

    /// For code and secret findings.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What is wrong, for code and secret findings, in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,

    /// Stays the same across runs for the same problem; see [`fingerprint`].
    pub fingerprint: String,

    /// Facts particular to one kind of finding (a vulnerability's `via`
    /// chain and references, a secret's redacted preview and length), kept
    /// in the JSON report under these keys.
    #[serde(default, flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Finding {
    /// A finding with only the fields every kind has; the scanner fills in
    /// the rest.
    pub fn new(kind: FindingKind, id: impl Into<String>, severity: Severity) -> Self {
        Self {
            kind,
            id: id.into(),
            aliases: Vec::new(),
            rule: None,
            package: None,
            version: None,
            fix_versions: None,
            severity,
            confidence: None,
            summary: None,
            source: None,
            location: None,
            message: None,
            fingerprint: String::new(),
            extra: BTreeMap::new(),
        }
    }

    /// The sentence a one-line report shows: the summary of an advisory or
    /// the message of a code or secret finding.
    pub fn headline(&self) -> &str {
        self.summary
            .as_deref()
            .or(self.message.as_deref())
            .unwrap_or("")
    }

    /// Every id this finding is known by: its own and its aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A stable, short fingerprint of the parts that identify a problem
/// (never a line number alone, so that edits above a finding keep it).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vulnerability_json_has_contract_fields_only() {
        let mut f = Finding::new(FindingKind::Vulnerability, "PYSEC-2021-9", Severity::Medium);
        f.aliases = vec!["CVE-2021-3281".into()];
        f.package = Some(PackageName::new("Django"));
        f.version = Some(Some("3.0.1".into()));
        f.fix_versions = Some(vec!["3.0.12".into()]);
        f.source = Some("requirements.txt".into());
        f.fingerprint = fingerprint(&["PYSEC-2021-9", "django", "3.0.1"]);
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["package"], "django");
        assert_eq!(json["version"], "3.0.1");
        assert!(json.get("path").is_none());
        assert!(json.get("confidence").is_none());
    }

    #[test]
    fn unpinned_version_is_null_not_absent() {
        let mut f = Finding::new(FindingKind::Malicious, "MAL-1", Severity::Critical);
        f.package = Some(PackageName::new("evil"));
        f.version = Some(None);
        let json = serde_json::to_value(&f).unwrap();
        assert!(json.get("version").unwrap().is_null());
    }

    #[test]
    fn code_finding_flattens_location() {
        let mut f = Finding::new(FindingKind::Code, "B602", Severity::High);
        f.location = Some(Location {
            path: "app/util.py".into(),
            line: 12,
            column: 5,
        });
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["path"], "app/util.py");
        assert_eq!(json["line"], 12);
        assert!(json.get("package").is_none());
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
    }
}
