//! A project page of the simple repository API, as the gateway keeps it:
//! read from an upstream's PEP 691 JSON or PEP 503 HTML, written back in
//! either form with the file URLs pointing at the gateway.
//!
//! What clients rely on passes through unchanged: hashes, `requires-python`,
//! yanked marks (with their reason), the PEP 658/714 metadata marks, sizes
//! and upload times where the upstream gives them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use url::Url;

/// The JSON form's media type (PEP 691).
pub const JSON_V1: &str = "application/vnd.pypi.simple.v1+json";
/// The HTML form's media type (PEP 691).
pub const HTML_V1: &str = "application/vnd.pypi.simple.v1+html";

/// One project's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectPage {
    /// The project's name as the upstream spells it.
    pub name: String,
    pub files: Vec<FileEntry>,
}

/// One distribution file of a project page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub filename: String,
    /// Where the upstream serves it: absolute (`https://…`, or `file://`
    /// for a folder upstream).
    pub url: String,
    /// Hash name (`sha256`) to lowercase hex digest.
    pub hashes: BTreeMap<String, String>,
    pub requires_python: Option<String>,
    pub yanked: Yanked,
    /// The PEP 658 metadata file, when the upstream has one.
    pub core_metadata: Option<BTreeMap<String, String>>,
    pub size: Option<u64>,
    pub upload_time: Option<String>,
}

/// PEP 592's yanked mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Yanked {
    #[default]
    No,
    Yes,
    Because(String),
}

impl FileEntry {
    /// The sha256 the upstream states, lowercase hex, when it is one.
    pub fn sha256(&self) -> Option<&str> {
        self.hashes
            .get("sha256")
            .map(String::as_str)
            .filter(|h| is_sha256(h))
    }

    /// The metadata file's sha256, when the upstream states one.
    pub fn metadata_sha256(&self) -> Option<&str> {
        self.core_metadata
            .as_ref()?
            .get("sha256")
            .map(String::as_str)
            .filter(|h| is_sha256(h))
    }
}

/// 64 lowercase hex digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Why an upstream page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("not a PEP 691 JSON project page: {0}")]
    Json(String),
    #[error("the page says API version {0}, and only version 1 is understood")]
    Version(String),
    #[error("the page is not UTF-8")]
    Encoding,
}

/// How many files a page may list before it is refused as malformed
/// (PyPI's largest projects list a few tens of thousands).
pub const MAX_FILES: usize = 500_000;

#[derive(Deserialize)]
struct JsonPage {
    meta: Option<JsonMeta>,
    name: Option<String>,
    files: Vec<JsonFile>,
}

#[derive(Deserialize)]
struct JsonMeta {
    #[serde(rename = "api-version")]
    api_version: Option<String>,
}

#[derive(Deserialize)]
struct JsonFile {
    filename: String,
    url: String,
    #[serde(default)]
    hashes: BTreeMap<String, String>,
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
    yanked: Option<serde_json::Value>,
    #[serde(rename = "core-metadata")]
    core_metadata: Option<serde_json::Value>,
    #[serde(rename = "dist-info-metadata")]
    dist_info_metadata: Option<serde_json::Value>,
    size: Option<u64>,
    #[serde(rename = "upload-time")]
    upload_time: Option<String>,
}

/// Reads a PEP 691 JSON page fetched from `base`.
pub fn parse_json(body: &[u8], base: &Url, project: &str) -> Result<ProjectPage, PageError> {
    let page: JsonPage =
        serde_json::from_slice(body).map_err(|e| PageError::Json(e.to_string()))?;
    if let Some(version) = page.meta.and_then(|m| m.api_version) {
        check_version(&version)?;
    }
    if page.files.len() > MAX_FILES {
        return Err(PageError::Json(format!(
            "{} files is more than {MAX_FILES}",
            page.files.len()
        )));
    }
    let mut files = Vec::with_capacity(page.files.len());
    for file in page.files {
        let Ok(url) = base.join(&file.url) else {
            continue;
        };
        if !safe_filename(&file.filename) {
            continue;
        }
        let yanked = match file.yanked {
            Some(serde_json::Value::Bool(true)) => Yanked::Yes,
            Some(serde_json::Value::String(reason)) => Yanked::Because(reason),
            _ => Yanked::No,
        };
        let metadata = file.core_metadata.or(file.dist_info_metadata);
        let core_metadata = match metadata {
            Some(serde_json::Value::Bool(true)) => Some(BTreeMap::new()),
            Some(serde_json::Value::Object(map)) => Some(
                map.into_iter()
                    .filter_map(|(k, v)| {
                        Some((k.to_ascii_lowercase(), v.as_str()?.to_ascii_lowercase()))
                    })
                    .collect(),
            ),
            _ => None,
        };
        files.push(FileEntry {
            filename: file.filename,
            url: strip_fragment(url),
            hashes: lower(file.hashes),
            requires_python: file.requires_python.filter(|r| !r.trim().is_empty()),
            yanked,
            core_metadata,
            size: file.size,
            upload_time: file.upload_time,
        });
    }
    Ok(ProjectPage {
        name: page.name.unwrap_or_else(|| project.to_string()),
        files,
    })
}

/// Reads a PEP 503 HTML page fetched from `base`: every `<a>` with an
/// `href` is a file; the hash comes from the URL's fragment.
pub fn parse_html(body: &[u8], base: &Url, project: &str) -> Result<ProjectPage, PageError> {
    let text = std::str::from_utf8(body).map_err(|_| PageError::Encoding)?;
    let mut files = Vec::new();
    let mut base = base.clone();
    for token in html5gum::Tokenizer::new(text).flatten() {
        let html5gum::Token::StartTag(tag) = token else {
            continue;
        };
        let attr = |name: &str| {
            tag.attributes
                .get(name.as_bytes())
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        match tag.name.as_slice() {
            b"meta" if attr("name").as_deref() == Some("pypi:repository-version") => {
                if let Some(version) = attr("content") {
                    check_version(&version)?;
                }
            }
            b"base" => {
                if let Some(joined) = attr("href").and_then(|h| base.join(&h).ok()) {
                    base = joined;
                }
            }
            b"a" => {
                let Some(href) = attr("href") else { continue };
                let Ok(url) = base.join(&href) else { continue };
                let Some(filename) = url
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .map(percent_decode)
                    .filter(|f| safe_filename(f))
                else {
                    continue;
                };
                let mut hashes = BTreeMap::new();
                if let Some((kind, digest)) = url.fragment().and_then(|f| f.split_once('=')) {
                    hashes.insert(kind.to_ascii_lowercase(), digest.to_ascii_lowercase());
                }
                let yanked = match attr("data-yanked") {
                    None => Yanked::No,
                    Some(reason) if reason.trim().is_empty() => Yanked::Yes,
                    Some(reason) => Yanked::Because(reason),
                };
                let core_metadata = attr("data-core-metadata")
                    .or_else(|| attr("data-dist-info-metadata"))
                    .and_then(|value| {
                        let mut map = BTreeMap::new();
                        match value.split_once('=') {
                            Some((kind, digest)) => {
                                map.insert(kind.to_ascii_lowercase(), digest.to_ascii_lowercase());
                            }
                            None if value.eq_ignore_ascii_case("false") => return None,
                            None => {}
                        }
                        Some(map)
                    });
                files.push(FileEntry {
                    filename,
                    url: strip_fragment(url),
                    hashes,
                    requires_python: attr("data-requires-python").filter(|r| !r.trim().is_empty()),
                    yanked,
                    core_metadata,
                    size: None,
                    upload_time: None,
                });
                if files.len() > MAX_FILES {
                    return Err(PageError::Json(format!("more than {MAX_FILES} files")));
                }
            }
            _ => {}
        }
    }
    Ok(ProjectPage {
        name: project.to_string(),
        files,
    })
}

fn check_version(version: &str) -> Result<(), PageError> {
    match version.trim().split('.').next() {
        Some("1") => Ok(()),
        _ => Err(PageError::Version(version.to_string())),
    }
}

fn lower(hashes: BTreeMap<String, String>) -> BTreeMap<String, String> {
    hashes
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_ascii_lowercase()))
        .collect()
}

fn strip_fragment(mut url: Url) -> String {
    url.set_fragment(None);
    url.into()
}

/// A file name the gateway can put in a URL path and a log line: no path
/// separators, no `..`, no control characters, not hidden.
pub fn safe_filename(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with the characters that end an HTML attribute or element escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file name as one URL path segment.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'!') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Where the gateway serves `file` of `project`: relative to the project
/// page (`/simple/{project}/`), so the page works behind any host name or
/// load balancer.
pub fn local_url(project: &str, file: &FileEntry) -> String {
    format!("../../files/{project}/{}", encode_segment(&file.filename))
}

/// The page as PEP 503 HTML (with PEP 691's version meta tag), linking to
/// the gateway.
pub fn render_html(project: &str, page: &ProjectPage, files: &[&FileEntry]) -> String {
    let mut out = String::with_capacity(128 + files.len() * 200);
    let title = escape(&page.name);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"1.1\">\n<title>Links for {title}</title>\n</head>\n<body>\n<h1>Links for {title}</h1>\n"
    );
    for file in files {
        let mut href = local_url(project, file);
        if let Some((kind, digest)) = file.sha256().map(|h| ("sha256", h)).or_else(|| {
            file.hashes
                .iter()
                .next()
                .map(|(k, v)| (k.as_str(), v.as_str()))
        }) {
            let _ = write!(href, "#{kind}={digest}");
        }
        let _ = write!(out, "<a href=\"{}\"", escape(&href));
        if let Some(requires) = &file.requires_python {
            let _ = write!(out, " data-requires-python=\"{}\"", escape(requires));
        }
        match &file.yanked {
            Yanked::No => {}
            Yanked::Yes => out.push_str(" data-yanked=\"\""),
            Yanked::Because(reason) => {
                let _ = write!(out, " data-yanked=\"{}\"", escape(reason));
            }
        }
        if let Some(metadata) = &file.core_metadata {
            let value = metadata
                .iter()
                .find(|(k, _)| *k == "sha256")
                .or_else(|| metadata.iter().next())
                .map_or_else(|| "true".to_string(), |(k, v)| format!("{k}={v}"));
            let value = escape(&value);
            // PEP 714 renamed the attribute; older pips read only the old
            // name, so both are written.
            let _ = write!(
                out,
                " data-core-metadata=\"{value}\" data-dist-info-metadata=\"{value}\""
            );
        }
        let _ = writeln!(out, ">{}</a><br>", escape(&file.filename));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The page as PEP 691 JSON (API 1.1 when every size is known, else 1.0),
/// linking to the gateway.
pub fn render_json(project: &str, files: &[&FileEntry]) -> String {
    let sized = files.iter().all(|f| f.size.is_some());
    let entries: Vec<serde_json::Value> = files
        .iter()
        .map(|file| {
            let mut entry = serde_json::Map::new();
            entry.insert("filename".into(), file.filename.clone().into());
            entry.insert("url".into(), local_url(project, file).into());
            entry.insert("hashes".into(), serde_json::json!(file.hashes));
            if let Some(requires) = &file.requires_python {
                entry.insert("requires-python".into(), requires.clone().into());
            }
            match &file.yanked {
                Yanked::No => {}
                Yanked::Yes => {
                    entry.insert("yanked".into(), true.into());
                }
                Yanked::Because(reason) => {
                    entry.insert("yanked".into(), reason.clone().into());
                }
            }
            if let Some(metadata) = &file.core_metadata {
                let value = if metadata.is_empty() {
                    serde_json::Value::Bool(true)
                } else {
                    serde_json::json!(metadata)
                };
                entry.insert("core-metadata".into(), value.clone());
                entry.insert("dist-info-metadata".into(), value);
            }
            if let Some(size) = file.size {
                entry.insert("size".into(), size.into());
            }
            if let Some(time) = &file.upload_time {
                entry.insert("upload-time".into(), time.clone().into());
            }
            serde_json::Value::Object(entry)
        })
        .collect();
    let mut document = serde_json::json!({
        "meta": {"api-version": if sized { "1.1" } else { "1.0" }},
        "name": project,
        "files": entries,
    });
    if sized {
        let mut versions: Vec<String> = files
            .iter()
            .filter_map(|f| crate::filename::version(project, &f.filename))
            .collect();
        versions.sort_by(|a, b| crate::filename::compare_versions(a, b));
        versions.dedup();
        document["versions"] = versions.into();
    }
    document.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://pypi.example/simple/demo/").unwrap()
    }

    const HTML: &str = r#"<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>
<a href="../../packages/demo-1.0-py3-none-any.whl#sha256=AAAA000000000000000000000000000000000000000000000000000000000001" data-requires-python="&gt;=3.8" data-core-metadata="sha256=bbbb000000000000000000000000000000000000000000000000000000000002">demo-1.0-py3-none-any.whl</a><br>
<a href="https://files.example/demo-0.9.tar.gz#sha256=cccc000000000000000000000000000000000000000000000000000000000003" data-yanked="broken build">demo-0.9.tar.gz</a>
<a href="../../packages/%2e%2e%2fescape.whl">bad</a>
<a>no href</a>
</body></html>"#;

    #[test]
    fn html_pages_keep_hashes_marks_and_resolve_urls() {
        let page = parse_html(HTML.as_bytes(), &base(), "demo").unwrap();
        assert_eq!(page.files.len(), 2, "{page:?}");
        let wheel = &page.files[0];
        assert_eq!(wheel.filename, "demo-1.0-py3-none-any.whl");
        assert_eq!(
            wheel.url,
            "https://pypi.example/packages/demo-1.0-py3-none-any.whl"
        );
        assert_eq!(
            wheel.sha256(),
            Some("aaaa000000000000000000000000000000000000000000000000000000000001")
        );
        assert_eq!(wheel.requires_python.as_deref(), Some(">=3.8"));
        assert!(wheel.metadata_sha256().is_some());
        assert_eq!(page.files[1].yanked, Yanked::Because("broken build".into()));
    }

    #[test]
    fn rendering_round_trips_through_both_forms() {
        let page = parse_html(HTML.as_bytes(), &base(), "demo").unwrap();
        let files: Vec<&FileEntry> = page.files.iter().collect();
        let local = Url::parse("http://127.0.0.1:1/simple/demo/").unwrap();
        let html = render_html("demo", &page, &files);
        let again = parse_html(html.as_bytes(), &local, "demo").unwrap();
        assert_eq!(again.files.len(), 2);
        assert_eq!(
            again.files[0].url,
            "http://127.0.0.1:1/files/demo/demo-1.0-py3-none-any.whl"
        );
        for (a, b) in page.files.iter().zip(&again.files) {
            assert_eq!(
                (&a.hashes, &a.requires_python, &a.yanked, &a.core_metadata),
                (&b.hashes, &b.requires_python, &b.yanked, &b.core_metadata)
            );
        }
        let json = render_json("demo", &files);
        let again = parse_json(json.as_bytes(), &local, "demo").unwrap();
        for (a, b) in page.files.iter().zip(&again.files) {
            assert_eq!(
                (&a.hashes, &a.requires_python, &a.yanked, &a.core_metadata),
                (&b.hashes, &b.requires_python, &b.yanked, &b.core_metadata)
            );
        }
    }

    #[test]
    fn attribute_values_cannot_break_out_of_the_page() {
        let mut page = parse_html(HTML.as_bytes(), &base(), "demo").unwrap();
        page.files[0].requires_python = Some("\"><script>alert(1)</script>".into());
        page.files[0].filename = "x<y>.whl".into();
        let files: Vec<&FileEntry> = page.files.iter().collect();
        let html = render_html("demo", &page, &files);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("x%3Cy%3E.whl"), "{html}");
    }

    #[test]
    fn malformed_pages_are_errors_or_empty_never_panics() {
        assert!(parse_json(b"{\"files\": 3}", &base(), "demo").is_err());
        assert!(
            parse_json(
                b"{\"meta\":{\"api-version\":\"2.0\"},\"files\":[]}",
                &base(),
                "demo"
            )
            .is_err()
        );
        assert!(parse_html(b"\xff\xfe", &base(), "demo").is_err());
        assert!(
            parse_html(
                b"<meta name=\"pypi:repository-version\" content=\"3.0\">",
                &base(),
                "demo"
            )
            .is_err()
        );
        assert!(
            parse_html(b"<a href=\"<<<\"", &base(), "demo")
                .unwrap()
                .files
                .is_empty()
        );
        let page = parse_json(
            br#"{"meta":{"api-version":"1.1"},"name":"demo","files":[{"filename":"../x.whl","url":"x"},{"filename":"demo-1.0.tar.gz","url":"demo-1.0.tar.gz","hashes":{"SHA256":"AB"},"yanked":true,"core-metadata":true,"size":3}]}"#,
            &base(),
            "demo",
        )
        .unwrap();
        assert_eq!(page.files.len(), 1);
        assert_eq!(page.files[0].yanked, Yanked::Yes);
        assert_eq!(page.files[0].hashes["sha256"], "ab");
        assert_eq!(page.files[0].sha256(), None, "not a full digest");
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_without_panicking(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse_html(&body, &base(), "demo");
            let _ = parse_json(&body, &base(), "demo");
        }

        #[test]
        fn anchor_soup_parses_without_panicking(body in "(<a href=\"[a-z%./#=]{0,12}\"( data-yanked)?( data-core-metadata=\"[a-z0-9=]{0,8}\")?>[a-z]{0,5}</a>|<[a-z/]{0,3}|&[a-z#0-9]{0,4};?|[ -~]{0,8}){0,20}") {
            let _ = parse_html(body.as_bytes(), &base(), "demo");
        }
    }
}
