//! Facts particular to one kind of finding, typed. Each is flattened into
//! the finding's JSON object, so a report reads as CONTRACT.md shows it
//! (`"references": [...]` beside `"id"`), while code reads them as fields.

use pep440_rs::Version;
use serde::Serialize;

use crate::{PackageName, RelatedLocation};

/// Where a dependency finding's package sits in the project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DependencyContext {
    /// Stated by the project itself, rather than pulled in by another
    /// dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    /// The chain from a direct dependency down to the package's parent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<PackageName>,
    /// The installed environment it lives in (`--env`, `--system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Every file stating the package, when there is more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The line of `source` that declares it, when the format has lines
    /// (for SARIF and annotations; JSON keeps CONTRACT.md's `source`).
    #[serde(skip)]
    pub line: Option<u32>,
}

/// The kind-specific part of a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    /// Vulnerability and malicious-package findings: what the advisory says.
    Vulnerability(VulnerabilityDetail),
    Typosquat(TyposquatDetail),
    License(LicenseDetail),
    Code(CodeDetail),
    Secret(SecretDetail),
}

/// What an advisory says about a vulnerable (or malicious) package.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VulnerabilityDetail {
    /// The advisory's first few reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The best CVSS base score of the advisory, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss: Option<f64>,
    /// Whether first-party code reaches the flaw: imports the package
    /// (and, when the advisory names the affected modules or functions,
    /// uses one of them). `None`: not judged (a transitive dependency, no
    /// first-party code, code that could not all be read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable: Option<bool>,
    /// Why `reachable` is what it is, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachability: Option<String>,
    /// Where first-party code imports the package or uses what the
    /// advisory names: the first place for each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reached_at: Vec<RelatedLocation>,
    /// The affected modules and functions the advisory names (OSV
    /// `affected[].ecosystem_specific.imports`, or GitHub's vulnerable
    /// functions in `affected_functions`: `yaml.load`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected_imports: Vec<String>,
    /// The affected ranges, typed, for `fix` and the gateway.
    #[serde(skip)]
    pub affected: Vec<AffectedRange>,
    /// `fix_versions`, typed (the PEP 440 ones).
    #[serde(skip)]
    pub fixes: Vec<Version>,
    /// The advisory's text (bounded), for reports that show it in full.
    #[serde(skip)]
    pub details: Option<String>,
}

/// One affected range of an advisory: versions from `introduced`
/// (inclusive; `None` means every version) up to `fixed` (exclusive) or
/// `last_affected` (inclusive), or open-ended when neither is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedRange {
    pub introduced: Option<Version>,
    pub fixed: Option<Version>,
    pub last_affected: Option<Version>,
}

impl AffectedRange {
    /// Whether `version` is inside the range.
    pub fn contains(&self, version: &Version) -> bool {
        let after_start = self
            .introduced
            .as_ref()
            .is_none_or(|start| version >= start);
        let before_end = match (&self.fixed, &self.last_affected) {
            (Some(fixed), _) => version < fixed,
            (None, Some(last)) => version <= last,
            (None, None) => true,
        };
        after_start && before_end
    }
}

/// A dependency whose name imitates a popular package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TyposquatDetail {
    /// The popular package it looks like.
    pub similar_to: PackageName,
    /// How the name differs ("swapped letters").
    pub technique: String,
}

/// A dependency whose license the policy does not accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseDetail {
    /// SPDX expression, `None` when the package declares none.
    pub license: Option<String>,
    /// `permissive`, `weak-copyleft`, `strong-copyleft`, `network-copyleft`,
    /// `proprietary` or `unknown`.
    pub license_category: String,
    /// Which rule of the policy it breaks.
    pub reason: String,
}

/// What a code finding shows besides its message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CodeDetail {
    /// The flagged source line (redacted), left out where the line is
    /// the secret itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// The path untrusted data takes from its source to the flagged sink,
    /// source first (SARIF `codeFlows`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow: Vec<RelatedLocation>,
}

/// What a secret finding shows of the secret: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretDetail {
    /// The first few characters and an ellipsis.
    pub preview: String,
    /// Its length in characters.
    pub length: usize,
    /// detect-secrets' SHA-1 of the secret, for generated keys only (a
    /// person's password could be guessed back from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashed_secret: Option<String>,
    /// The commit that added it, for `secrets --history`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn v(text: &str) -> Version {
        Version::from_str(text).unwrap()
    }

    #[test]
    fn ranges_contain_by_pep440_order() {
        let range = AffectedRange {
            introduced: Some(v("3.0")),
            fixed: Some(v("3.0.12")),
            last_affected: None,
        };
        assert!(range.contains(&v("3.0.1")));
        assert!(!range.contains(&v("3.0.12")));
        assert!(!range.contains(&v("2.2")));
        let open = AffectedRange {
            introduced: None,
            fixed: None,
            last_affected: Some(v("1.2")),
        };
        assert!(open.contains(&v("0.1")));
        assert!(open.contains(&v("1.2")));
        assert!(!open.contains(&v("1.2.1")));
    }
}
