//! Package URLs (`pkg:pypi/django@3.0.1`), as SBOMs and GitLab name
//! packages. The purl spec's PyPI type: the name lower-cased with `_` as
//! `-` (a PEP 503 name already is), the version percent-encoded.

use pyward_model::PackageName;

/// `pkg:pypi/NAME@VERSION`, or without `@VERSION` when unpinned.
pub(crate) fn pypi(name: &PackageName, version: Option<&str>) -> String {
    let mut purl = format!("pkg:pypi/{}", percent_encode(name.as_str()));
    if let Some(version) = version {
        purl.push('@');
        purl.push_str(&percent_encode(version));
    }
    purl
}

/// Everything but the purl spec's unreserved characters percent-encoded
/// (a local version's `+` must be, or it would read as a space).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A path as a URI reference (SARIF `artifactLocation.uri`): `/` kept,
/// anything a URI cannot hold as is percent-encoded.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
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
    fn pypi_purls() {
        assert_eq!(
            pypi(&PackageName::new("Django"), Some("3.0.1")),
            "pkg:pypi/django@3.0.1"
        );
        assert_eq!(
            pypi(&PackageName::new("Flask_SQLAlchemy"), None),
            "pkg:pypi/flask-sqlalchemy"
        );
        assert_eq!(
            pypi(&PackageName::new("torch"), Some("2.1.0+cpu")),
            "pkg:pypi/torch@2.1.0%2Bcpu"
        );
    }

    #[test]
    fn uri_paths() {
        assert_eq!(uri_path("src/app.py"), "src/app.py");
        assert_eq!(uri_path("my file#1.py"), "my%20file%231.py");
        assert_eq!(uri_path("a\x1b[2J.py"), "a%1B%5B2J.py");
    }
}
