use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::detail::{CodeDetail, DependencyContext, Detail, SecretDetail, VulnerabilityDetail};
use crate::{Confidence, PackageName, Severity};

/// What kind of problem a finding is; also which scanner produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
    pub const ALL: [FindingKind; 6] = [
        FindingKind::Vulnerability,
        FindingKind::Malicious,
        FindingKind::Typosquat,
        FindingKind::License,
        FindingKind::Code,
        FindingKind::Secret,
    ];

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

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file: code and secret findings point here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Relative to the scanned path, with `/` separators.
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Where the flagged code ends (1-based, inclusive line; column just
    /// past the last character), when the scanner knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    /// Other places that explain this one (the definition a value came
    /// from, the other half of a pair), each with what it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
}

impl Location {
    /// A location at one point, with no end and nothing related.
    pub fn new(path: impl Into<String>, line: u32, column: u32) -> Self {
        Self {
            path: path.into(),
            line,
            column,
            end_line: None,
            end_column: None,
            related: Vec::new(),
        }
    }

    /// The same location, ending at (`end_line`, `end_column`).
    #[must_use]
    pub fn ending_at(mut self, end_line: u32, end_column: u32) -> Self {
        self.end_line = Some(end_line);
        self.end_column = Some(end_column);
        self
    }
}

/// A place that explains a finding, with a message saying how: a step of a
/// data-flow path, the declaration a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelatedLocation {
    pub path: String,
    pub line: u32,
    pub column: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    pub message: String,
}

/// One problem found by any scanner. The JSON shape is CONTRACT.md's: the
/// fields of the kinds that do not apply are left out, and the kind's own
/// facts ([`Detail`]) sit at the top level of the object.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// How sure the check is, for code and secret findings.
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
    /// The weakness (`CWE-78`), for code and secret findings and advisories
    /// that name one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe: Option<String>,

    /// Stays the same across runs for the same problem; see [`fingerprint`].
    pub fingerprint: String,

    /// Where a dependency finding's package sits in the project: how it
    /// is brought in, which environment has it.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub dependency: Option<DependencyContext>,
    /// Facts particular to the finding's kind.
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,

    /// Why the policy set this finding aside (only in a report's `ignored`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_reason: Option<String>,
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
            cwe: None,
            fingerprint: String::new(),
            dependency: None,
            detail: None,
            ignore_reason: None,
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

    /// The installed environment a dependency finding belongs to.
    pub fn environment(&self) -> Option<&str> {
        self.dependency.as_ref()?.environment.as_deref()
    }

    /// The chain that brings a transitive dependency in (empty for direct
    /// ones and where the source has no graph).
    pub fn via(&self) -> &[PackageName] {
        self.dependency.as_ref().map_or(&[], |d| d.via.as_slice())
    }

    pub fn vulnerability(&self) -> Option<&VulnerabilityDetail> {
        match &self.detail {
            Some(Detail::Vulnerability(detail)) => Some(detail),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<&CodeDetail> {
        match &self.detail {
            Some(Detail::Code(detail)) => Some(detail),
            _ => None,
        }
    }

    pub fn secret(&self) -> Option<&SecretDetail> {
        match &self.detail {
            Some(Detail::Secret(detail)) => Some(detail),
            _ => None,
        }
    }

    /// The reference URLs of an advisory-based finding.
    pub fn references(&self) -> &[String] {
        self.vulnerability()
            .map_or(&[], |detail| detail.references.as_slice())
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
    use crate::detail::{LicenseDetail, TyposquatDetail};

    #[test]
    fn vulnerability_json_has_contract_fields_only() {
        let mut f = Finding::new(FindingKind::Vulnerability, "PYSEC-2021-9", Severity::Medium);
        f.aliases = vec!["CVE-2021-3281".into()];
        f.package = Some(PackageName::new("Django"));
        f.version = Some(Some("3.0.1".into()));
        f.fix_versions = Some(vec!["3.0.12".into()]);
        f.source = Some("requirements.txt".into());
        f.fingerprint = fingerprint(&["PYSEC-2021-9", "django", "3.0.1"]);
        f.dependency = Some(DependencyContext {
            direct: Some(false),
            via: vec![PackageName::new("flask")],
            ..DependencyContext::default()
        });
        f.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
            references: vec!["https://example.com/advisory".into()],
            ..VulnerabilityDetail::default()
        }));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["package"], "django");
        assert_eq!(json["version"], "3.0.1");
        assert_eq!(json["direct"], false);
        assert_eq!(json["via"], serde_json::json!(["flask"]));
        assert_eq!(json["references"][0], "https://example.com/advisory");
        assert!(json.get("path").is_none());
        assert!(json.get("confidence").is_none());
        assert!(json.get("environment").is_none());
        assert!(json.get("detail").is_none(), "details are flattened");
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
    fn code_finding_flattens_location_and_detail() {
        let mut f = Finding::new(FindingKind::Code, "B602", Severity::High);
        f.location = Some(Location::new("app/util.py", 12, 5).ending_at(12, 40));
        f.cwe = Some("CWE-78".into());
        f.detail = Some(Detail::Code(CodeDetail {
            snippet: Some("subprocess.call(cmd, shell=True)".into()),
            flow: vec![RelatedLocation {
                path: "app/util.py".into(),
                line: 10,
                column: 11,
                end_line: None,
                end_column: None,
                message: "request parameter `cmd`".into(),
            }],
        }));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["path"], "app/util.py");
        assert_eq!(json["line"], 12);
        assert_eq!(json["end_line"], 12);
        assert_eq!(json["end_column"], 40);
        assert_eq!(json["cwe"], "CWE-78");
        assert_eq!(json["snippet"], "subprocess.call(cmd, shell=True)");
        assert_eq!(json["flow"][0]["line"], 10);
        assert!(json.get("related").is_none());
        assert!(json.get("package").is_none());
    }

    #[test]
    fn secret_typosquat_and_license_details_are_flat() {
        let mut f = Finding::new(FindingKind::Secret, "github-token", Severity::High);
        f.detail = Some(Detail::Secret(SecretDetail {
            preview: "ghp_…".into(),
            length: 40,
            hashed_secret: Some("abc".into()),
            commit: None,
        }));
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["preview"], "ghp_…");
        assert_eq!(json["length"], 40);
        assert_eq!(json["hashed_secret"], "abc");
        assert!(json.get("commit").is_none());

        let mut t = Finding::new(FindingKind::Typosquat, "typosquat", Severity::High);
        t.detail = Some(Detail::Typosquat(TyposquatDetail {
            similar_to: PackageName::new("requests"),
            technique: "swapped letters".into(),
        }));
        assert_eq!(serde_json::to_value(&t).unwrap()["similar_to"], "requests");

        let mut l = Finding::new(FindingKind::License, "license", Severity::Medium);
        l.detail = Some(Detail::License(LicenseDetail {
            license: Some("GPL-3.0-only".into()),
            license_category: "strong-copyleft".into(),
            reason: "denied by policy".into(),
        }));
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["license"], "GPL-3.0-only");
        assert_eq!(json["license_category"], "strong-copyleft");
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
    }
}
