//! Where packages come from: a simple repository API over HTTP(S)
//! (`https://pypi.org/simple/`), or a local folder laid out as one (for
//! air-gapped mirrors): `DIR/{project}/index.html` linking to files beside
//! it, or just the files in `DIR/{project}/`.
//!
//! Every read is bounded in size and time, and nothing outside the
//! upstream is followed: an HTTP page's links must be `http(s)`, a
//! folder's must stay inside the folder.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::index::{self, FileEntry, ProjectPage};

/// The most of a project page read (PyPI's largest are tens of MiB).
pub const MAX_PAGE_BYTES: usize = 128 * 1024 * 1024;
/// The most of a metadata file read.
pub const MAX_METADATA_BYTES: usize = 16 * 1024 * 1024;

/// A stream of a file's bytes.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, UpstreamError>> + Send>>;

/// Why the upstream gave no usable answer: the text a `502` carries.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    #[error("upstream unreachable: {0}")]
    Unreachable(String),
    #[error("upstream timed out")]
    Timeout,
    #[error("upstream answered {0}")]
    Status(u16),
    #[error("upstream page malformed: {0}")]
    Malformed(String),
    #[error("upstream response over {0} bytes")]
    TooLarge(usize),
    #[error("upstream link refused: {0}")]
    Link(String),
    #[error("upstream folder: {0}")]
    Folder(String),
}

impl UpstreamError {
    fn from_reqwest(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            return Self::Timeout;
        }
        if let Some(status) = error.status() {
            return Self::Status(status.as_u16());
        }
        // The innermost cause says what happened (connection refused, DNS),
        // without the URL reqwest repeats at every level.
        let mut cause: &dyn std::error::Error = error;
        while let Some(next) = cause.source() {
            cause = next;
        }
        Self::Unreachable(cause.to_string())
    }
}

/// A page's validators, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A page the upstream sent.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub page: ProjectPage,
    pub validators: Validators,
    /// `Cache-Control: max-age`, seconds.
    pub max_age: Option<u64>,
}

/// What asking for a page gave.
#[derive(Debug, Clone)]
pub enum PageFetch {
    Page(Fetched),
    /// The validators still hold.
    NotModified {
        max_age: Option<u64>,
    },
    /// No such project.
    NotFound,
}

/// The index the gateway serves from.
#[derive(Debug, Clone)]
pub enum Upstream {
    Http { client: reqwest::Client, base: Url },
    Folder { root: PathBuf },
}

/// How long the upstream may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// A whole page.
    pub page: Duration,
    /// Between two reads of a file download.
    pub read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            page: Duration::from_secs(60),
            read: Duration::from_secs(60),
        }
    }
}

impl Upstream {
    /// `spec` is a URL (`http://`, `https://`) or a folder.
    pub fn new(spec: &str, timeouts: Timeouts) -> Result<Self, String> {
        if spec.starts_with("http://") || spec.starts_with("https://") {
            let mut base = Url::parse(spec).map_err(|e| format!("`{spec}` is not a URL: {e}"))?;
            if !base.path().ends_with('/') {
                let path = format!("{}/", base.path());
                base.set_path(&path);
            }
            let client = reqwest::Client::builder()
                .connect_timeout(timeouts.connect)
                .read_timeout(timeouts.read)
                .user_agent(concat!("pyward-gateway/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
            return Ok(Self::Http { client, base });
        }
        let path = spec.strip_prefix("file://").unwrap_or(spec);
        let root = fs_err::canonicalize(path)
            .map_err(|e| format!("upstream folder `{path}`: {}", io_cause(&e)))?;
        if !root.is_dir() {
            return Err(format!("upstream `{path}` is neither a URL nor a folder"));
        }
        Ok(Self::Folder { root })
    }

    /// How logs and `/health` name it (without any password in the URL).
    pub fn describe(&self) -> String {
        match self {
            Self::Http { base, .. } => {
                let mut shown = base.clone();
                let _ = shown.set_password(None);
                let _ = shown.set_username("");
                shown.to_string()
            }
            Self::Folder { root } => root.display().to_string(),
        }
    }

    /// The page of `project` (a normalized name), conditionally on
    /// `validators`.
    pub async fn page(
        &self,
        project: &str,
        validators: Option<&Validators>,
        timeouts: Timeouts,
    ) -> Result<PageFetch, UpstreamError> {
        match self {
            Self::Http { client, base } => {
                http_page(client, base, project, validators, timeouts).await
            }
            Self::Folder { root } => {
                let root = root.clone();
                let project = project.to_string();
                let validators = validators.cloned();
                tokio::task::spawn_blocking(move || {
                    folder_page(&root, &project, validators.as_ref())
                })
                .await
                .map_err(|e| UpstreamError::Folder(e.to_string()))?
            }
        }
    }

    /// The bytes of `file`.
    pub async fn open(&self, url: &str) -> Result<(ByteStream, Option<u64>), UpstreamError> {
        match self {
            Self::Http { client, .. } => {
                let url = http_link(url)?;
                let response = client
                    .get(url)
                    .send()
                    .await
                    .map_err(|e| UpstreamError::from_reqwest(&e))?;
                let status = response.status();
                if !status.is_success() {
                    return Err(UpstreamError::Status(status.as_u16()));
                }
                let length = response.content_length();
                let stream = response
                    .bytes_stream()
                    .map(|chunk| chunk.map_err(|e| UpstreamError::from_reqwest(&e)));
                Ok((Box::pin(stream), length))
            }
            Self::Folder { root } => {
                let path = folder_link(root, url)?;
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| UpstreamError::Folder(io_cause(&e)))?;
                let length = file.metadata().await.ok().map(|m| m.len());
                Ok((file_stream(file), length))
            }
        }
    }

    /// A whole small file (a metadata file), bounded.
    pub async fn read_small(&self, url: &str, limit: usize) -> Result<Bytes, UpstreamError> {
        let (mut stream, length) = self.open(url).await?;
        if length.is_some_and(|l| l > limit as u64) {
            return Err(UpstreamError::TooLarge(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > limit {
                return Err(UpstreamError::TooLarge(limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.into())
    }
}

/// A local file as a stream of chunks.
pub fn file_stream(file: tokio::fs::File) -> ByteStream {
    use tokio::io::AsyncReadExt;
    Box::pin(futures_util::stream::unfold(
        Some(file),
        |file| async move {
            let mut file = file?;
            let mut buf = vec![0u8; 64 * 1024];
            match file.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(Bytes::from(buf)), Some(file)))
                }
                Err(e) => Some((Err(UpstreamError::Folder(io_cause(&e))), None)),
            }
        },
    ))
}

fn http_link(url: &str) -> Result<Url, UpstreamError> {
    let parsed = Url::parse(url).map_err(|e| UpstreamError::Link(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UpstreamError::Link(format!(
            "`{}` links are not followed",
            parsed.scheme()
        )));
    }
    Ok(parsed)
}

/// The path of a `file://` link, when it stays inside `root`.
fn folder_link(root: &Path, url: &str) -> Result<PathBuf, UpstreamError> {
    let parsed = Url::parse(url).map_err(|e| UpstreamError::Link(e.to_string()))?;
    let path = parsed
        .to_file_path()
        .map_err(|()| UpstreamError::Link("not a file in the upstream folder".into()))?;
    let real = fs_err::canonicalize(&path).map_err(|e| UpstreamError::Folder(io_cause(&e)))?;
    if !real.starts_with(root) || !real.is_file() {
        return Err(UpstreamError::Link(
            "a link that leaves the upstream folder".into(),
        ));
    }
    Ok(real)
}

async fn http_page(
    client: &reqwest::Client,
    base: &Url,
    project: &str,
    validators: Option<&Validators>,
    timeouts: Timeouts,
) -> Result<PageFetch, UpstreamError> {
    let url = base
        .join(&format!("{project}/"))
        .map_err(|e| UpstreamError::Link(e.to_string()))?;
    let mut request = client.get(url.clone()).timeout(timeouts.page).header(
        reqwest::header::ACCEPT,
        format!(
            "{}, {};q=0.2, text/html;q=0.01",
            index::JSON_V1,
            index::HTML_V1
        ),
    );
    if let Some(v) = validators {
        if let Some(etag) = &v.etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = &v.last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, date);
        }
    }
    let response = request
        .send()
        .await
        .map_err(|e| UpstreamError::from_reqwest(&e))?;
    let status = response.status();
    let max_age = max_age(response.headers());
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(PageFetch::NotModified { max_age });
    }
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(PageFetch::NotFound);
    }
    if !status.is_success() {
        return Err(UpstreamError::Status(status.as_u16()));
    }
    let header = |name: reqwest::header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = Validators {
        etag: header(reqwest::header::ETAG),
        last_modified: header(reqwest::header::LAST_MODIFIED),
    };
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    // A redirect may have moved the page: links are relative to where it
    // ended up.
    let final_url = response.url().clone();
    if response
        .content_length()
        .is_some_and(|l| l > MAX_PAGE_BYTES as u64)
    {
        return Err(UpstreamError::TooLarge(MAX_PAGE_BYTES));
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| UpstreamError::from_reqwest(&e))?;
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(UpstreamError::TooLarge(MAX_PAGE_BYTES));
        }
        body.extend_from_slice(&chunk);
    }
    let page = if content_type.contains("json") {
        index::parse_json(&body, &final_url, project)
    } else {
        index::parse_html(&body, &final_url, project)
    }
    .map_err(|e| UpstreamError::Malformed(e.to_string()))?;
    for file in &page.files {
        http_link(&file.url)?;
    }
    Ok(PageFetch::Page(Fetched {
        page,
        validators,
        max_age,
    }))
}

/// `Cache-Control: max-age=N` (`no-cache`/`no-store` count as 0).
fn max_age(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let value = headers.get(reqwest::header::CACHE_CONTROL)?.to_str().ok()?;
    let mut age = None;
    for directive in value.split(',').map(str::trim) {
        let lower = directive.to_ascii_lowercase();
        if lower == "no-cache" || lower == "no-store" {
            return Some(0);
        }
        if let Some(n) = lower.strip_prefix("max-age=") {
            age = n.trim_matches('"').parse().ok();
        }
    }
    age
}

/// A folder's project page: its `index.html`, else a listing of its files
/// (hashed here). The validator is the modification time and size of what
/// was read, so an unchanged folder costs one `stat`.
fn folder_page(
    root: &Path,
    project: &str,
    validators: Option<&Validators>,
) -> Result<PageFetch, UpstreamError> {
    let Some(dir) = find_project_dir(root, project) else {
        return Ok(PageFetch::NotFound);
    };
    let index_file = dir.join("index.html");
    let stamp_of = |path: &Path| -> Option<String> {
        let meta = fs_err::metadata(path).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!(
            "{}.{}-{}",
            modified.as_secs(),
            modified.subsec_nanos(),
            meta.len()
        ))
    };
    let has_index = index_file.is_file();
    let stamp = stamp_of(if has_index { &index_file } else { &dir });
    if let (Some(stamp), Some(v)) = (&stamp, validators)
        && v.etag.as_ref() == Some(stamp)
    {
        return Ok(PageFetch::NotModified { max_age: Some(0) });
    }
    let base = Url::from_directory_path(&dir)
        .map_err(|()| UpstreamError::Folder(format!("`{}` is not a usable path", dir.display())))?;
    let page = if has_index {
        let body = read_bounded(&index_file, MAX_PAGE_BYTES)?;
        let page = index::parse_html(&body, &base, project)
            .map_err(|e| UpstreamError::Malformed(e.to_string()))?;
        // Links that leave the folder are dropped, not followed.
        ProjectPage {
            files: page
                .files
                .into_iter()
                .filter(|f| folder_link(root, &f.url).is_ok())
                .collect(),
            ..page
        }
    } else {
        list_folder(&dir, &base, project)?
    };
    Ok(PageFetch::Page(Fetched {
        page,
        validators: Validators {
            etag: stamp,
            last_modified: None,
        },
        max_age: Some(0),
    }))
}

/// `root/{project}`, also when the folder spells the name another way
/// (`Django/`, `zope.interface/`).
fn find_project_dir(root: &Path, project: &str) -> Option<PathBuf> {
    let direct = root.join(project);
    if direct.is_dir() {
        return Some(direct);
    }
    fs_err::read_dir(root)
        .ok()?
        .flatten()
        .find(|entry| {
            entry.file_type().is_ok_and(|t| t.is_dir())
                && pyward_model::PackageName::new(&entry.file_name().to_string_lossy()).as_str()
                    == project
        })
        .map(|entry| entry.path())
}

fn list_folder(dir: &Path, base: &Url, project: &str) -> Result<ProjectPage, UpstreamError> {
    let mut files = Vec::new();
    let entries = fs_err::read_dir(dir).map_err(|e| UpstreamError::Folder(io_cause(&e)))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type().is_ok_and(|t| t.is_file())
            || !index::safe_filename(&name)
            || crate::filename::version(project, &name).is_none()
        {
            continue;
        }
        let path = entry.path();
        let (digest, size) = hash_file(&path).map_err(|e| UpstreamError::Folder(io_cause(&e)))?;
        let Ok(url) = base.join(&index::encode_segment(&name)) else {
            continue;
        };
        let metadata_file = dir.join(format!("{name}.metadata"));
        let core_metadata = hash_file(&metadata_file)
            .ok()
            .map(|(digest, _)| [("sha256".to_string(), digest)].into_iter().collect());
        files.push(FileEntry {
            filename: name,
            url: url.into(),
            hashes: [("sha256".to_string(), digest)].into_iter().collect(),
            requires_python: None,
            yanked: index::Yanked::No,
            core_metadata,
            size: Some(size),
            upload_time: None,
        });
    }
    files.sort_by(|a, b| a.filename.cmp(&b.filename));
    Ok(ProjectPage {
        name: project.to_string(),
        files,
    })
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = fs_err::File::open(path)?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher)?;
    Ok((hex::encode(hasher.finalize()), size))
}

fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, UpstreamError> {
    use std::io::Read;
    let file = fs_err::File::open(path).map_err(|e| UpstreamError::Folder(io_cause(&e)))?;
    let mut body = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| UpstreamError::Folder(io_cause(&e)))?;
    if body.len() > limit {
        return Err(UpstreamError::TooLarge(limit));
    }
    Ok(body)
}

/// An I/O error's own words, without the path `fs_err` adds (paths of the
/// upstream folder are not for clients).
pub fn io_cause(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            text.rsplit(": ").next().unwrap_or(&text).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::CACHE_CONTROL,
            "public, max-age=600".parse().unwrap(),
        );
        assert_eq!(max_age(&headers), Some(600));
        headers.insert(reqwest::header::CACHE_CONTROL, "no-cache".parse().unwrap());
        assert_eq!(max_age(&headers), Some(0));
        headers.clear();
        assert_eq!(max_age(&headers), None);
    }

    #[test]
    fn folder_links_stay_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs_err::canonicalize(dir.path()).unwrap();
        let project = root.join("demo");
        fs_err::create_dir(&project).unwrap();
        fs_err::write(project.join("demo-1.0.tar.gz"), b"x").unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        fs_err::write(
            project.join("index.html"),
            format!(
                "<a href=\"demo-1.0.tar.gz\">ok</a><a href=\"../../../../../../{}\">bad</a><a href=\"file:///etc/passwd\">bad</a>",
                outside.path().display()
            ),
        )
        .unwrap();
        let PageFetch::Page(fetched) = folder_page(&root, "demo", None).unwrap() else {
            panic!("no page");
        };
        let names: Vec<&str> = fetched
            .page
            .files
            .iter()
            .map(|f| f.filename.as_str())
            .collect();
        assert_eq!(names, ["demo-1.0.tar.gz"]);
        assert!(folder_link(&root, "file:///etc/passwd").is_err());
        // Unchanged: one stat, no reading.
        let again = folder_page(&root, "demo", Some(&fetched.validators)).unwrap();
        assert!(matches!(again, PageFetch::NotModified { .. }));
    }

    #[test]
    fn a_folder_without_an_index_is_listed_and_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs_err::canonicalize(dir.path()).unwrap();
        let project = root.join("Demo_Pkg");
        fs_err::create_dir(&project).unwrap();
        fs_err::write(project.join("demo_pkg-1.0-py3-none-any.whl"), b"wheel").unwrap();
        fs_err::write(
            project.join("demo_pkg-1.0-py3-none-any.whl.metadata"),
            b"Name: demo-pkg\n",
        )
        .unwrap();
        fs_err::write(project.join("notes.txt"), b"not a distribution").unwrap();
        let PageFetch::Page(fetched) = folder_page(&root, "demo-pkg", None).unwrap() else {
            panic!("no page");
        };
        assert_eq!(fetched.page.files.len(), 1);
        let file = &fetched.page.files[0];
        assert_eq!(file.sha256().map(str::len), Some(64));
        assert_eq!(file.size, Some(5));
        assert!(file.metadata_sha256().is_some());
        assert!(matches!(
            folder_page(&root, "other", None).unwrap(),
            PageFetch::NotFound
        ));
    }

    #[test]
    fn http_pages_may_not_link_to_local_files() {
        assert!(http_link("file:///etc/passwd").is_err());
        assert!(http_link("https://files.example/x.whl").is_ok());
    }
}
