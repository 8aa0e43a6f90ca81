//! Baselines: the secrets a project has already looked at, so that only
//! new ones are reported. Reads detect-secrets' `.secrets.baseline` (its
//! `results` map of file to `{type, hashed_secret, line_number}`) and
//! pyward's own, which is the same file with a `fingerprint` on the
//! entries pyward wrote.
//!
//! Writing shares the file with detect-secrets: `plugins_used`,
//! `filters_used`, `version`, `generated_at`, unknown keys and every entry
//! pyward did not write stay as they are; pyward adds, updates and
//! removes only its own entries (those with a `fingerprint`, or typed by
//! a pyward detector id). A new baseline gets detect-secrets 1.5's default
//! plugins and filters, so `detect-secrets-hook --baseline` accepts it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use pyward_model::Finding;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{SecretsError, SecretsOutcome, detectors, sha1_hex};

/// Baselines larger than this are refused: one of 100,000 secrets is a
/// few tens of MB.
pub const BASELINE_LIMIT: u64 = 64 * 1024 * 1024;

/// A loaded baseline.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    path: PathBuf,
    /// File (as the baseline names it, `/` separators) → its entries.
    files: HashMap<String, Vec<Entry>>,
}

/// One secret in a baseline, in detect-secrets' shape. Fields pyward does
/// not know (`is_secret`, ...) are kept in `extra` and written back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub filename: String,
    /// SHA-1 of the secret, as detect-secrets hashes it (it requires the
    /// field). For the human-chosen passwords pyward reports, whose real
    /// hash could be guessed back, pyward writes a stand-in derived from
    /// the fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashed_secret: Option<String>,
    #[serde(default)]
    pub is_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_number: Option<u64>,
    /// pyward's fingerprint of the secret: set on the entries pyward wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Entry {
    /// Whether pyward wrote this entry (and may update or remove it).
    fn is_pywards(&self) -> bool {
        self.fingerprint.is_some() || detectors::by_id(&self.kind).is_some()
    }
}

/// The file as written: detect-secrets' top-level keys, in its order.
#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generated_by: Option<String>,
    #[serde(default)]
    plugins_used: Vec<Value>,
    #[serde(default)]
    filters_used: Vec<Value>,
    results: BTreeMap<String, Vec<Entry>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generated_at: Option<String>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

impl Baseline {
    /// Reads a baseline; a file that is not one is an error naming it.
    /// Special files and files over [`BASELINE_LIMIT`] are refused.
    pub fn load(path: &Path) -> Result<Self, SecretsError> {
        let text = read_baseline(path)?;
        Self::parse(path, &text)
    }

    /// Parses baseline text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Self, SecretsError> {
        let file = parse_file(path, text)?;
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
            .any(|entry| entry_matches(entry, fingerprint, Some(sha1), alt_sha1))
    }
}

fn entry_matches(entry: &Entry, fingerprint: &str, sha1: Option<&str>, alt: Option<&str>) -> bool {
    entry.fingerprint.as_deref() == Some(fingerprint)
        || entry.hashed_secret.as_deref().is_some_and(|hashed| {
            sha1.is_some_and(|sha1| hashed.eq_ignore_ascii_case(sha1))
                || alt.is_some_and(|alt| hashed.eq_ignore_ascii_case(alt))
        })
}

fn read_baseline(path: &Path) -> Result<String, SecretsError> {
    let bytes = pyward_fs::read(path, BASELINE_LIMIT).map_err(|error| {
        let source = match error {
            pyward_fs::ReadError::Io { source, .. } => source,
            other => std::io::Error::other(other.reason()),
        };
        SecretsError::BaselineRead {
            path: path.to_path_buf(),
            source,
        }
    })?;
    String::from_utf8(bytes).map_err(|error| SecretsError::BaselineCorrupt {
        path: path.to_path_buf(),
        line: 1,
        message: format!("not UTF-8 text: {error}"),
    })
}

fn parse_file(path: &Path, text: &str) -> Result<BaselineFile, SecretsError> {
    serde_json::from_str(text).map_err(|error| SecretsError::BaselineCorrupt {
        path: path.to_path_buf(),
        line: error.line(),
        message: error.to_string(),
    })
}

/// The hashes detect-secrets would store for a secret pyward found: its
/// SHA-1 and, where detect-secrets hashes another spelling (the header of
/// a private key), that one's. Kept beside the findings (never in them:
/// a password's SHA-1 could be guessed back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SecretHashes {
    pub(crate) sha1: String,
    pub(crate) alt_sha1: Option<String>,
    /// The SHA-1 detect-secrets' own plugin stores, where that plugin
    /// hashes something else than the secret (its GitHub plugin hashes
    /// the `ghp` prefix): used only to find that plugin's entry, never to
    /// call a secret known (every `ghp_` token would match it).
    pub(crate) plugin_sha1: Option<String>,
}

impl SecretHashes {
    pub(crate) fn of(detector: &str, secret: &str, alt: Option<&str>) -> Self {
        let plugin_spelling = match detector {
            "private-key" => alt.map(str::to_string),
            other => detect_secrets_spelling(other, secret),
        };
        Self {
            sha1: sha1_hex(secret),
            alt_sha1: alt.map(sha1_hex),
            plugin_sha1: plugin_spelling.as_deref().map(sha1_hex),
        }
    }
}

/// What detect-secrets 1.5's plugin for the same kind of secret hashes,
/// when it is not the secret itself: its regular expressions' first group
/// (GitHub, GitLab: the prefix) or a shorter match (JWT: header and
/// payload; OpenAI: up to 20 characters after `T3BlbkFJ`).
fn detect_secrets_spelling(detector: &str, secret: &str) -> Option<String> {
    match detector {
        "github-token" => ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
            .iter()
            .find(|prefix| secret.starts_with(*prefix))
            .map(|prefix| prefix[..3].to_string()),
        "gitlab-token" => ["glpat-", "gldt-", "glft-", "glsoat-", "glrt-"]
            .iter()
            .find(|prefix| secret.starts_with(*prefix))
            .map(|prefix| prefix.trim_end_matches('-').to_string()),
        "jwt" => {
            let mut dots = secret.match_indices('.').map(|(at, _)| at);
            let _header = dots.next()?;
            let payload_end = dots.next()?;
            Some(secret[..=payload_end].to_string())
        }
        "openai-api-key" => {
            let at = secret.find("T3BlbkFJ")?;
            let end = at + "T3BlbkFJ".len() + 20;
            (secret.starts_with("sk-") && secret.len() > end && secret.is_char_boundary(end))
                .then(|| secret[..end].to_string())
        }
        _ => None,
    }
}

/// What [`update_baseline`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineUpdate {
    /// pyward entries added for secrets no entry listed.
    pub added: usize,
    /// pyward entries kept, their line numbers brought up to date.
    pub updated: usize,
    /// pyward entries of scanned files whose secret is gone.
    pub removed: usize,
    /// Entries left as they were: detect-secrets' own, and those of files
    /// not scanned this time.
    pub kept: usize,
}

/// detect-secrets' name for the kind of secret a pyward detector finds,
/// where the two find the same strings (checked token shapes). The
/// heuristic detectors (passwords, entropy, URLs) differ between the
/// tools and keep pyward's id.
fn detect_secrets_type(detector: &str) -> Option<&'static str> {
    Some(match detector {
        "aws-access-key-id" | "aws-secret-access-key" => "AWS Access Key",
        "azure-storage-key" => "Azure Storage Account access key",
        "github-token" => "GitHub Token",
        "gitlab-token" => "GitLab Token",
        "slack-token" | "slack-webhook" => "Slack Token",
        "stripe-key" => "Stripe Access Key",
        "twilio" => "Twilio API Key",
        "sendgrid" => "SendGrid API Key",
        "npm-token" => "NPM tokens",
        "pypi-token" => "PyPI Token",
        "jwt" => "JSON Web Token",
        "private-key" => "Private Key",
        "openai-api-key" => "OpenAI Token",
        _ => return None,
    })
}

/// Brings the baseline at `path` up to date with a scan (run without the
/// baseline, so that `outcome.findings` holds every secret found):
/// pyward's entries of the files scanned are replaced by what was found;
/// everything else in the file is kept. A missing file is created. The
/// write is atomic (a temporary file beside it, then a rename).
pub fn update_baseline(
    path: &Path,
    outcome: &SecretsOutcome,
    tool_version: &str,
) -> Result<BaselineUpdate, SecretsError> {
    let findings: Vec<&Finding> = outcome.findings.iter().chain(&outcome.baselined).collect();
    let scanned: HashSet<String> = outcome.scanned.iter().map(|p| normalize(p)).collect();
    merge_into(path, &findings, &outcome.hashes, &scanned, tool_version)
}

/// Writes `findings` (secret findings with a location) into the baseline
/// at `path`, as [`update_baseline`] does, knowing only the findings: a
/// file is taken as scanned when a finding names it, so pyward's entries
/// of files without findings stay (prefer [`update_baseline`]).
pub fn write_baseline(
    path: &Path,
    findings: &[Finding],
    tool_version: &str,
) -> Result<(), SecretsError> {
    let findings: Vec<&Finding> = findings.iter().collect();
    let scanned: HashSet<String> = findings
        .iter()
        .filter_map(|f| f.location.as_ref())
        .map(|l| normalize(&l.path))
        .collect();
    merge_into(path, &findings, &HashMap::new(), &scanned, tool_version).map(|_| ())
}

fn merge_into(
    path: &Path,
    findings: &[&Finding],
    hashes: &HashMap<String, SecretHashes>,
    scanned: &HashSet<String>,
    tool_version: &str,
) -> Result<BaselineUpdate, SecretsError> {
    let mut file = match std::fs::symlink_metadata(path) {
        Ok(_) => parse_file(path, &read_baseline(path)?)?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => BaselineFile {
            version: Some(DETECT_SECRETS_VERSION.to_string()),
            generated_by: None,
            plugins_used: Vec::new(),
            filters_used: Vec::new(),
            results: BTreeMap::new(),
            generated_at: Some(now()),
            extra: BTreeMap::new(),
        },
        Err(source) => {
            return Err(SecretsError::BaselineRead {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    // An empty plugin list is never detect-secrets' own (pyward wrote it
    // before it knew better): detect-secrets would run no plugin at all.
    if file.plugins_used.is_empty() {
        file.plugins_used = default_plugins();
        if file.filters_used.is_empty() {
            file.filters_used = default_filters();
        }
    }
    if file.version.is_none() {
        file.version = Some(DETECT_SECRETS_VERSION.to_string());
    }
    file.generated_by = Some(format!("pyward {tool_version}"));

    let mut update = BaselineUpdate::default();
    // Every entry, with whether a finding of this scan matched it.
    let mut results: BTreeMap<String, Vec<(Entry, bool)>> = std::mem::take(&mut file.results)
        .into_iter()
        .map(|(name, entries)| (name, entries.into_iter().map(|e| (e, false)).collect()))
        .collect();
    for finding in findings {
        let Some(location) = &finding.location else {
            continue;
        };
        let known = hashes.get(&finding.fingerprint);
        let sha1 = known
            .map(|h| h.sha1.clone())
            .or_else(|| finding.secret().and_then(|s| s.hashed_secret.clone()));
        let alt = known.and_then(|h| h.alt_sha1.clone());
        let plugin = known.and_then(|h| h.plugin_sha1.clone());
        let plugin_type = detect_secrets_type(&finding.id);
        let line = Some(u64::from(location.line));
        let shown = normalize(&location.path);
        // Every entry of the file that lists this secret (detect-secrets
        // lists a token under each of its plugins that saw it) gets the
        // secret's line, as detect-secrets itself would update it.
        let mut matched = false;
        for (name, entries) in results.iter_mut() {
            if !same_file(&normalize(name), &shown) {
                continue;
            }
            for (entry, seen) in entries.iter_mut() {
                let plugins_own = plugin_type == Some(entry.kind.as_str())
                    && entry.hashed_secret.is_some()
                    && entry.hashed_secret.as_deref().map(str::to_ascii_lowercase)
                        == plugin.as_deref().map(str::to_ascii_lowercase);
                if plugins_own
                    || entry_matches(entry, &finding.fingerprint, sha1.as_deref(), alt.as_deref())
                {
                    *seen = true;
                    matched = true;
                    if entry.line_number.is_some() {
                        entry.line_number = line;
                    }
                    if entry.is_pywards() {
                        update.updated += 1;
                    }
                }
            }
        }
        if matched {
            continue;
        }
        let kind = plugin_type.map_or_else(|| finding.id.clone(), str::to_string);
        let reveals = finding.secret().is_some_and(|s| s.hashed_secret.is_some());
        let hashed_secret = match (&plugin, &sha1) {
            // Under detect-secrets' name, what its plugin hashes.
            (Some(plugin), _) if plugin_type.is_some() => plugin.clone(),
            (_, Some(sha1)) if reveals => sha1.clone(),
            // A stand-in detect-secrets can load, from which nothing can
            // be guessed.
            _ => sha1_hex(&format!("pyward:{}", finding.fingerprint)),
        };
        results.entry(location.path.clone()).or_default().push((
            Entry {
                kind,
                filename: location.path.clone(),
                hashed_secret: Some(hashed_secret),
                is_verified: false,
                line_number: line,
                fingerprint: Some(finding.fingerprint.clone()),
                extra: BTreeMap::new(),
            },
            true,
        ));
        update.added += 1;
    }
    for (name, entries) in results {
        let was_scanned = scanned.iter().any(|s| same_file(&normalize(&name), s));
        let mut kept: Vec<Entry> = Vec::new();
        for (entry, seen) in entries {
            if !seen && was_scanned && entry.is_pywards() {
                update.removed += 1;
                continue;
            }
            if !seen || !entry.is_pywards() {
                update.kept += 1;
            }
            kept.push(entry);
        }
        if kept.is_empty() {
            continue;
        }
        // detect-secrets' order, so that its rewrites change nothing.
        kept.sort_by(|a, b| {
            (a.line_number, &a.hashed_secret, &a.kind).cmp(&(
                b.line_number,
                &b.hashed_secret,
                &b.kind,
            ))
        });
        file.results.insert(name, kept);
    }
    write_atomically(path, &file)?;
    Ok(update)
}

fn write_atomically(path: &Path, file: &BaselineFile) -> Result<(), SecretsError> {
    let write_error = |source: std::io::Error| SecretsError::BaselineWrite {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
    serde_json::to_writer_pretty(&mut temp, file).map_err(|e| write_error(e.into()))?;
    temp.write_all(b"\n").map_err(write_error)?;
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
}

/// The baseline format version pyward writes: detect-secrets 1.5's.
const DETECT_SECRETS_VERSION: &str = "1.5.0";

/// `generated_at` as detect-secrets writes it.
fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// detect-secrets 1.5.0's plugins, as `detect-secrets scan` lists them
/// with its default settings.
fn default_plugins() -> Vec<Value> {
    let plain = [
        "ArtifactoryDetector",
        "AWSKeyDetector",
        "AzureStorageKeyDetector",
        "Base64HighEntropyString",
        "BasicAuthDetector",
        "CloudantDetector",
        "DiscordBotTokenDetector",
        "GitHubTokenDetector",
        "GitLabTokenDetector",
        "HexHighEntropyString",
        "IbmCloudIamDetector",
        "IbmCosHmacDetector",
        "IPPublicDetector",
        "JwtTokenDetector",
        "KeywordDetector",
        "MailchimpDetector",
        "NpmDetector",
        "OpenAIDetector",
        "PrivateKeyDetector",
        "PypiTokenDetector",
        "SendGridDetector",
        "SlackDetector",
        "SoftlayerDetector",
        "SquareOAuthDetector",
        "StripeDetector",
        "TelegramBotTokenDetector",
        "TwilioKeyDetector",
    ];
    plain
        .iter()
        .map(|name| match *name {
            "Base64HighEntropyString" => serde_json::json!({"name": name, "limit": 4.5}),
            "HexHighEntropyString" => serde_json::json!({"name": name, "limit": 3.0}),
            "KeywordDetector" => serde_json::json!({"name": name, "keyword_exclude": ""}),
            _ => serde_json::json!({"name": name}),
        })
        .collect()
}

/// detect-secrets 1.5.0's default filters.
fn default_filters() -> Vec<Value> {
    [
        "detect_secrets.filters.allowlist.is_line_allowlisted",
        "detect_secrets.filters.common.is_ignored_due_to_verification_policies",
        "detect_secrets.filters.heuristic.is_indirect_reference",
        "detect_secrets.filters.heuristic.is_likely_id_string",
        "detect_secrets.filters.heuristic.is_lock_file",
        "detect_secrets.filters.heuristic.is_not_alphanumeric_string",
        "detect_secrets.filters.heuristic.is_potential_uuid",
        "detect_secrets.filters.heuristic.is_prefixed_with_dollar_sign",
        "detect_secrets.filters.heuristic.is_sequential_string",
        "detect_secrets.filters.heuristic.is_swagger_file",
        "detect_secrets.filters.heuristic.is_templated_secret",
    ]
    .iter()
    .map(|path| {
        if path.ends_with("is_ignored_due_to_verification_policies") {
            serde_json::json!({"path": path, "min_level": 2})
        } else {
            serde_json::json!({"path": path})
        }
    })
    .collect()
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

    fn secret_finding(path: &str, line: u32, fingerprint: &str, sha1: Option<&str>) -> Finding {
        let mut finding = Finding::new(
            pyward_model::FindingKind::Secret,
            "github-token",
            pyward_model::Severity::High,
        );
        finding.location = Some(pyward_model::Location::new(path, line, 1));
        finding.fingerprint = fingerprint.into();
        finding.detail = Some(pyward_model::Detail::Secret(pyward_model::SecretDetail {
            preview: "ghp_…".into(),
            length: 40,
            hashed_secret: sha1.map(str::to_string),
            commit: None,
        }));
        finding
    }

    #[test]
    fn updates_keep_what_pyward_does_not_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".secrets.baseline");
        std::fs::write(
            &path,
            r#"{
              "version": "1.4.0",
              "custom_top_level": {"kept": true},
              "plugins_used": [{"name": "AWSKeyDetector"}],
              "filters_used": [{"path": "detect_secrets.filters.heuristic.is_lock_file"}],
              "results": {
                "app/settings.py": [
                  {"type": "Secret Keyword", "filename": "app/settings.py",
                   "hashed_secret": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
                   "is_verified": false, "line_number": 3, "is_secret": false}
                ],
                "a.py": [
                  {"type": "github-token", "filename": "a.py", "hashed_secret": "0000",
                   "is_verified": false, "line_number": 9, "fingerprint": "stale"}
                ],
                "untouched.py": [
                  {"type": "github-token", "filename": "untouched.py", "hashed_secret": "1111",
                   "is_verified": false, "line_number": 1, "fingerprint": "other"}
                ]
              },
              "generated_at": "2024-01-01T00:00:00Z"
            }"#,
        )
        .unwrap();
        let finding = secret_finding("a.py", 2, "fresh", Some("2222"));
        write_baseline(&path, &[finding], "0.1.0").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let file: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(file["version"], "1.4.0");
        assert_eq!(file["generated_at"], "2024-01-01T00:00:00Z");
        assert_eq!(file["custom_top_level"]["kept"], true);
        assert_eq!(file["plugins_used"].as_array().unwrap().len(), 1);
        // detect-secrets' entry, with the field pyward does not know.
        assert_eq!(file["results"]["app/settings.py"][0]["is_secret"], false);
        // A file no finding names: its pyward entry stays.
        assert_eq!(file["results"]["untouched.py"][0]["fingerprint"], "other");
        // `a.py` was scanned: the stale entry went, the new one came, under
        // detect-secrets' name for it.
        let a = file["results"]["a.py"].as_array().unwrap();
        assert_eq!(a.len(), 1, "{text}");
        assert_eq!(a[0]["fingerprint"], "fresh");
        assert_eq!(a[0]["type"], "GitHub Token");
        assert_eq!(a[0]["hashed_secret"], "2222");
        // detect-secrets' key order.
        let order: Vec<usize> = [
            "\"version\"",
            "\"plugins_used\"",
            "\"filters_used\"",
            "\"results\"",
            "\"generated_at\"",
        ]
        .iter()
        .map(|key| text.find(key).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    #[test]
    fn an_empty_plugin_list_gets_detect_secrets_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".secrets.baseline");
        std::fs::write(
            &path,
            r#"{"version": "1.5.0", "plugins_used": [], "filters_used": [], "results": {}}"#,
        )
        .unwrap();
        write_baseline(&path, &[], "0.1.0").unwrap();
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(file["plugins_used"].as_array().unwrap().len(), 27);
        assert_eq!(file["filters_used"].as_array().unwrap().len(), 11);
    }

    #[test]
    fn passwords_are_written_with_a_stand_in_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.baseline");
        let mut finding = secret_finding("a.py", 1, "fp", None);
        finding.id = "password-assignment".into();
        write_baseline(&path, &[finding], "0.1.0").unwrap();
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let entry = &file["results"]["a.py"][0];
        assert_eq!(entry["type"], "password-assignment");
        assert_eq!(entry["hashed_secret"], sha1_hex("pyward:fp"));
        assert!(file["generated_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(file["version"], "1.5.0");
    }

    #[test]
    fn detect_secrets_spellings() {
        assert_eq!(
            detect_secrets_spelling("github-token", "ghp_abc").as_deref(),
            Some("ghp")
        );
        assert_eq!(
            detect_secrets_spelling("gitlab-token", "glpat-abc").as_deref(),
            Some("glpat")
        );
        assert_eq!(
            detect_secrets_spelling("jwt", "eyJa.eyJb.sig").as_deref(),
            Some("eyJa.eyJb.")
        );
        assert_eq!(detect_secrets_spelling("aws-access-key-id", "AKIA"), None);
    }

    proptest::proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = Baseline::parse(Path::new("b"), &text);
        }
    }
}
