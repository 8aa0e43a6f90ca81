//! Licenses of packages known only from a lockfile, from PyPI's JSON API
//! (`{base}/NAME/VERSION/json`: `info.license_expression`, `info.license`,
//! `info.classifiers`), with an on-disk cache and an offline mode.
//!
//! Nothing here stops a scan: a timeout, an HTTP error or a malformed answer
//! gives no license and a [`PypiWarning`] the caller can print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use pyward_model::PackageName;
use serde::Deserialize;

use crate::metadata::{LicenseInfo, LicenseMetadata, Origin, resolve};

/// PyPI's JSON API.
pub const DEFAULT_BASE_URL: &str = "https://pypi.org/pypi";

/// How the client reaches PyPI.
#[derive(Debug, Clone)]
pub struct PypiOptions {
    /// Without the trailing `/`; tests point it at a server on loopback.
    pub base_url: String,
    /// One file per name and version; `None` keeps nothing.
    pub cache_dir: Option<PathBuf>,
    /// Answer from the cache only, never touching the network.
    pub offline: bool,
    pub connect_timeout: Duration,
    /// For the response headers and again for the body.
    pub read_timeout: Duration,
    /// Longer answers are refused (a version's JSON is a few KiB to a few
    /// hundred, its description included).
    pub max_response_bytes: u64,
}

impl Default for PypiOptions {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            cache_dir: None,
            offline: false,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(15),
            max_response_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Why a license could not be had from PyPI. The license is then `None` and
/// the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PypiWarning {
    #[error("PyPI did not answer in time for `{name}` {version}")]
    Timeout { name: String, version: String },
    #[error("PyPI answered HTTP {status} for `{name}` {version}")]
    Status {
        name: String,
        version: String,
        status: u16,
    },
    #[error("PyPI's answer for `{name}` {version} is not the JSON expected: {detail}")]
    Malformed {
        name: String,
        version: String,
        detail: String,
    },
    #[error("PyPI's answer for `{name}` {version} is larger than {limit} bytes")]
    TooLarge {
        name: String,
        version: String,
        limit: u64,
    },
    #[error("cannot reach PyPI for `{name}` {version}: {detail}")]
    Network {
        name: String,
        version: String,
        detail: String,
    },
    /// The license was found but could not be cached.
    #[error("cannot write the license cache `{}`: {detail}", path.display())]
    Cache { path: PathBuf, detail: String },
}

/// A license looked up, and what went wrong if something did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub license: Option<LicenseInfo>,
    pub warning: Option<PypiWarning>,
}

/// Looks licenses up in PyPI's JSON API. Build it once per scan.
pub struct PypiClient {
    options: PypiOptions,
    agent: ureq::Agent,
}

impl PypiClient {
    pub fn new(options: PypiOptions) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_recv_body(Some(options.read_timeout))
            .http_status_as_error(false)
            .user_agent(concat!("pyward/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self { options, agent }
    }

    /// The license of `name` at `version`: from the cache when it has the
    /// answer, else (unless offline) from PyPI, caching what it finds.
    pub fn license(&self, name: &PackageName, version: &str) -> Lookup {
        let cache_file = self
            .options
            .cache_dir
            .as_ref()
            .map(|dir| dir.join(cache_file_name(name, version)));
        if let Some(metadata) = cache_file.as_deref().and_then(read_cache) {
            return found(&metadata, None);
        }
        if self.options.offline {
            return Lookup {
                license: None,
                warning: None,
            };
        }
        let metadata = match self.fetch(name, version) {
            Ok(metadata) => metadata,
            Err(warning) => {
                return Lookup {
                    license: None,
                    warning: Some(warning),
                };
            }
        };
        let warning = cache_file
            .as_deref()
            .and_then(|path| write_cache(path, &metadata).err());
        found(&metadata, warning)
    }

    fn fetch(&self, name: &PackageName, version: &str) -> Result<LicenseMetadata, PypiWarning> {
        let url = format!(
            "{}/{}/{}/json",
            self.options.base_url.trim_end_matches('/'),
            path_segment(name.as_str()),
            path_segment(version)
        );
        let who = || (name.to_string(), version.to_string());
        let network = |error: ureq::Error| {
            let (name, version) = who();
            match error {
                ureq::Error::Timeout(_) => PypiWarning::Timeout { name, version },
                ureq::Error::BodyExceedsLimit(limit) => PypiWarning::TooLarge {
                    name,
                    version,
                    limit,
                },
                other => PypiWarning::Network {
                    name,
                    version,
                    detail: other.to_string(),
                },
            }
        };
        let response = self
            .agent
            .get(&url)
            .header("Accept", "application/json")
            .call()
            .map_err(network)?;
        let status = response.status().as_u16();
        if status != 200 {
            let (name, version) = who();
            return Err(PypiWarning::Status {
                name,
                version,
                status,
            });
        }
        let body = response
            .into_body()
            .into_with_config()
            .limit(self.options.max_response_bytes)
            .read_to_vec()
            .map_err(network)?;
        let answer: Answer = serde_json::from_slice(&body).map_err(|error| {
            let (name, version) = who();
            PypiWarning::Malformed {
                name,
                version,
                detail: error.to_string(),
            }
        })?;
        Ok(LicenseMetadata {
            expression: answer.info.license_expression,
            license: answer.info.license,
            classifiers: answer.info.classifiers.unwrap_or_default(),
            files: Vec::new(),
        })
    }
}

fn found(metadata: &LicenseMetadata, warning: Option<PypiWarning>) -> Lookup {
    let mut license = resolve(metadata);
    license.origin = Origin::Pypi;
    Lookup {
        license: Some(license),
        warning,
    }
}

/// The part of PyPI's answer this reads; the rest is ignored.
#[derive(Deserialize)]
struct Answer {
    info: Info,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    license_expression: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    classifiers: Option<Vec<String>>,
}

/// Cache entries are small; a larger file is not one of ours.
const MAX_CACHE_FILE: u64 = 1024 * 1024;

fn read_cache(path: &Path) -> Option<LicenseMetadata> {
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() > MAX_CACHE_FILE {
        return None;
    }
    serde_json::from_reader(std::io::BufReader::new(file)).ok()
}

/// Written next to its final place and renamed over it, so that a reader
/// never sees half a file and two scans never mix their writes.
fn write_cache(path: &Path, metadata: &LicenseMetadata) -> Result<(), PypiWarning> {
    let failed = |detail: String| PypiWarning::Cache {
        path: path.to_path_buf(),
        detail,
    };
    let dir = path
        .parent()
        .ok_or_else(|| failed("no parent folder".into()))?;
    fs_err::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| failed(e.to_string()))?;
    serde_json::to_writer(&mut temp, metadata).map_err(|e| failed(e.to_string()))?;
    temp.flush().map_err(|e| failed(e.to_string()))?;
    temp.persist(path)
        .map_err(|e| failed(e.error.to_string()))?;
    Ok(())
}

/// `name@version.json`, every byte outside `[a-z0-9._+!-]` percent-encoded:
/// one file per name and version, never a path outside the cache folder
/// (`/`, `\` and `..` cannot survive), never two pairs in one file.
pub(crate) fn cache_file_name(name: &PackageName, version: &str) -> String {
    format!("{}@{}.json", encode(name.as_str()), encode(version))
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_lowercase()
            || byte.is_ascii_digit()
            || matches!(byte, b'-' | b'_' | b'+' | b'!')
            || (byte == b'.' && !out.ends_with('.'))
        {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A URL path segment: unreserved characters as they are, the rest
/// percent-encoded, so a version cannot add segments or a query.
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'+' | b'!') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_names_stay_in_the_folder() {
        let name = PackageName::new("requests");
        assert_eq!(cache_file_name(&name, "2.32.3"), "requests@2.32.3.json");
        let odd = cache_file_name(&PackageName::new("../../etc"), "../passwd");
        assert!(!odd.contains('/') && !odd.contains(".."), "{odd}");
        assert_ne!(
            cache_file_name(&name, "1.0%2F"),
            cache_file_name(&name, "1.0/")
        );
        assert_eq!(path_segment("1.0/../x?y"), "1.0%2F..%2Fx%3Fy");
    }
}
