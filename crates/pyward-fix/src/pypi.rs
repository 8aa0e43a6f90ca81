//! Which releases of a package exist, from PyPI's JSON API
//! (`{base}/{name}/json`): its releases that have files and are not
//! yanked. A failure is a one-line reason, never an abort: the planner then
//! chooses among the versions the advisories name.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use pep440_rs::Version;
use pyward_model::PackageName;
use serde::Deserialize;

use crate::releases::ReleaseSource;

/// PyPI's JSON API.
pub const DEFAULT_URL: &str = "https://pypi.org/pypi";

/// The most of one answer read (Django's is a few MiB).
const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// The package index as a [`ReleaseSource`].
pub struct PypiReleases {
    base_url: String,
    agent: ureq::Agent,
    /// The index could not be reached once: it is not asked again (one
    /// warning, not one per package).
    unreachable: Cell<bool>,
}

impl PypiReleases {
    /// Asks the JSON API at `base_url` (`https://pypi.org/pypi`).
    pub fn new(base_url: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_recv_response(Some(Duration::from_secs(15)))
            .timeout_recv_body(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .user_agent(concat!("pyward/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            base_url: base_url.trim_end_matches('/').to_string(),
            agent,
            unreachable: Cell::new(false),
        }
    }
}

/// The part of the answer this reads.
#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    releases: BTreeMap<String, Vec<ReleaseFile>>,
}

#[derive(Deserialize)]
struct ReleaseFile {
    #[serde(default)]
    yanked: bool,
}

impl ReleaseSource for PypiReleases {
    fn releases(&self, package: &PackageName) -> Result<Option<Vec<Version>>, String> {
        if self.unreachable.get() {
            return Ok(None);
        }
        let url = format!("{}/{}/json", self.base_url, package.as_str());
        let failed =
            |detail: String| format!("cannot list the releases of `{package}` on {url}: {detail}");
        let response = self
            .agent
            .get(&url)
            .header("Accept", "application/json")
            .call()
            .map_err(|e| {
                self.unreachable.set(true);
                format!(
                    "cannot reach the package index at {}: {e}; it is not asked again in this run",
                    self.base_url
                )
            })?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(failed(format!("HTTP status {status}")));
        }
        let body = response
            .into_body()
            .into_with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| failed(e.to_string()))?;
        let answer: Answer =
            serde_json::from_slice(&body).map_err(|e| failed(format!("malformed answer: {e}")))?;
        Ok(Some(releases_of(answer)))
    }
}

/// Releases with at least one file, not every file yanked, with a PEP 440
/// version; sorted.
fn releases_of(answer: Answer) -> Vec<Version> {
    let mut versions: Vec<Version> = answer
        .releases
        .into_iter()
        .filter(|(_, files)| files.iter().any(|f| !f.yanked))
        .filter_map(|(version, _)| Version::from_str(&version).ok())
        .collect();
    versions.sort();
    versions
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use super::*;

    /// Serves `body` with `status` to one request, on 127.0.0.1.
    fn serve_once(status: u16, body: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        });
        format!("http://{address}/pypi")
    }

    #[test]
    fn releases_without_files_yanked_ones_and_non_pep440_are_left_out() {
        let url = serve_once(
            200,
            r#"{"info": {"name": "Django"}, "releases": {
                "3.2.25": [{"yanked": false}],
                "3.2.24": [{"yanked": true}],
                "3.2.23": [{"yanked": true}, {"yanked": false}],
                "3.2.22": [],
                "3.2.10": [{}],
                "not a version": [{"yanked": false}]
            }}"#,
        );
        let releases = PypiReleases::new(&url)
            .releases(&PackageName::new("django"))
            .unwrap()
            .unwrap();
        let releases: Vec<String> = releases.iter().map(ToString::to_string).collect();
        assert_eq!(releases, ["3.2.10", "3.2.23", "3.2.25"]);
    }

    #[test]
    fn an_error_is_a_reason_not_an_abort() {
        let url = serve_once(404, r#"{"message": "Not Found"}"#);
        let error = PypiReleases::new(&url)
            .releases(&PackageName::new("no-such-package"))
            .unwrap_err();
        assert!(error.contains("HTTP status 404"), "{error}");
        let unreachable = PypiReleases::new("http://127.0.0.1:9");
        let error = unreachable
            .releases(&PackageName::new("django"))
            .unwrap_err();
        assert!(error.contains("cannot reach the package index"), "{error}");
        // Asked once: the other packages fall back without a warning each.
        assert_eq!(unreachable.releases(&PackageName::new("flask")), Ok(None));
    }
}
