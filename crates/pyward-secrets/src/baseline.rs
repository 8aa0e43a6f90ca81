//! Baselines: the secrets a project has already looked at, so that only
//! new ones are reported. Reads detect-secrets' `.secrets.baseline` (its
//! `results` map of file to `{type, hashed_secret, line_number}`) and
//! pyward's own, which has the same shape plus a `fingerprint`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use pyward_model::Finding;
use serde::{Deserialize, Serialize};

use crate::SecretsError;

/// A loaded baseline.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    path: PathBuf,
    /// File (as the baseline names it, `/` separators) → its entries.
    files: HashMap<String, Vec<Entry>>,
}

/// One secret in a baseline, in detect-secrets' shape. Unknown fields
/// (`is_verified`, `is_secret`) are kept out of the way, not rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(rename = "type")]
    pub kind: String,
    pub filename: String,
    /// SHA-1 of the secret (detect-secrets); absent for pyward's entries
    /// of human-chosen passwords, which carry only a fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashed_secret: Option<String>,
    #[serde(default)]
    pub is_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_number: Option<u64>,
    /// pyward's fingerprint of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// The file as written: detect-secrets' top-level keys.
#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    #[serde(default)]
    version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generated_by: Option<String>,
    #[serde(default)]
    plugins_used: Vec<serde_json::Value>,
    #[serde(default)]
    filters_used: Vec<serde_json::Value>,
    results: BTreeMap<String, Vec<Entry>>,
}

impl Baseline {
    /// Reads a baseline; a file that is not one is an error naming it.
    pub fn load(path: &Path) -> Result<Self, SecretsError> {
        let text = fs_err::read_to_string(path).map_err(|source| SecretsError::BaselineRead {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parses baseline text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Self, SecretsError> {
        let file: BaselineFile =
            serde_json::from_str(text).map_err(|error| SecretsError::BaselineCorrupt {
                path: path.to_path_buf(),
                line: error.line(),
                message: error.to_string(),
            })?;
        let mut files: HashMap<String, Vec<Entry>> = HashMap::new();
        for (name, entries) in file.results {
            files.entry(normalize(&name)).or_default().extend(entries);
        }
        Ok(Self {
            path: path.to_path_buf(),
            files,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of secrets listed.
    pub fn len(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the secret at `path` is listed: the same file (either path
    /// may be relative to a different folder, so one may end with the
    /// other) and the same secret, by SHA-1 (`hashed_secret`, or the
    /// alternative spelling detect-secrets hashed) or by fingerprint. Line
    /// numbers are ignored: edits above a secret must not bring it back.
    pub fn contains(
        &self,
        path: &str,
        sha1: &str,
        alt_sha1: Option<&str>,
        fingerprint: &str,
    ) -> bool {
        let path = normalize(path);
        self.files
            .iter()
            .filter(|(name, _)| same_file(name, &path))
            .flat_map(|(_, entries)| entries)
            .any(|entry| {
                entry.fingerprint.as_deref() == Some(fingerprint)
                    || entry.hashed_secret.as_deref().is_some_and(|hashed| {
                        hashed.eq_ignore_ascii_case(sha1)
                            || alt_sha1.is_some_and(|alt| hashed.eq_ignore_ascii_case(alt))
                    })
            })
    }
}

/// Writes a baseline listing `findings` (secret findings with a location)
/// to `path` atomically: a temporary file beside it, then a rename, so a
/// failed write never leaves half a baseline.
pub fn write_baseline(
    path: &Path,
    findings: &[Finding],
    tool_version: &str,
) -> Result<(), SecretsError> {
    let mut results: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for finding in findings {
        let Some(location) = &finding.location else {
            continue;
        };
        results
            .entry(location.path.clone())
            .or_default()
            .push(Entry {
                kind: finding.id.clone(),
                filename: location.path.clone(),
                hashed_secret: finding.secret().and_then(|s| s.hashed_secret.clone()),
                is_verified: false,
                line_number: Some(u64::from(location.line)),
                fingerprint: Some(finding.fingerprint.clone()),
            });
    }
    let file = BaselineFile {
        version: Some("1.5.0".to_string()),
        generated_by: Some(format!("pyward {tool_version}")),
        plugins_used: Vec::new(),
        filters_used: Vec::new(),
        results,
    };
    let write_error = |source: std::io::Error| SecretsError::BaselineWrite {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
    serde_json::to_writer_pretty(&mut temp, &file).map_err(|e| write_error(e.into()))?;
    temp.write_all(b"\n").map_err(write_error)?;
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
}

fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    path.strip_prefix("./").unwrap_or(&path).to_string()
}

fn same_file(a: &str, b: &str) -> bool {
    a == b || a.ends_with(&format!("/{b}")) || b.ends_with(&format!("/{a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DETECT_SECRETS: &str = r#"{
      "version": "1.5.0",
      "plugins_used": [{"name": "AWSKeyDetector"}],
      "filters_used": [],
      "results": {
        "app/settings.py": [
          {"type": "Secret Keyword", "filename": "app/settings.py",
           "hashed_secret": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
           "is_verified": false, "line_number": 3}
        ]
      },
      "generated_at": "2024-01-01T00:00:00Z"
    }"#;

    #[test]
    fn reads_detect_secrets_baselines() {
        let baseline = Baseline::parse(Path::new(".secrets.baseline"), DETECT_SECRETS).unwrap();
        assert_eq!(baseline.len(), 1);
        // sha1("test")
        let sha1 = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3";
        assert!(baseline.contains("app/settings.py", sha1, None, "f"));
        assert!(baseline.contains("./app/settings.py", sha1, None, "f"));
        assert!(!baseline.contains("other.py", sha1, None, "f"));
        assert!(!baseline.contains("app/settings.py", "00", None, "f"));
    }

    #[test]
    fn corrupt_baseline_names_file_and_line() {
        let error = Baseline::parse(Path::new("b.json"), "{\n \"results\": [").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("b.json"), "{message}");
        assert!(
            matches!(error, SecretsError::BaselineCorrupt { line: 2, .. }),
            "{message}"
        );
        assert!(Baseline::parse(Path::new("b.json"), "{}").is_err());
    }

    #[test]
    fn written_baselines_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".secrets.baseline");
        let mut finding = Finding::new(
            pyward_model::FindingKind::Secret,
            "github-token",
            pyward_model::Severity::High,
        );
        finding.location = Some(pyward_model::Location::new("a.py", 2, 1));
        finding.fingerprint = "fp".into();
        write_baseline(&path, &[finding], "0.1.0").unwrap();
        let baseline = Baseline::load(&path).unwrap();
        assert!(baseline.contains("a.py", "00", None, "fp"));
        assert!(!baseline.contains("a.py", "00", None, "other"));
    }

    proptest::proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = Baseline::parse(Path::new("b"), &text);
        }
    }
}
