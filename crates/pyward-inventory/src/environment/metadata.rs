//! The core metadata of an installed distribution (`METADATA`, `PKG-INFO`):
//! an RFC 822 style header block, read without running anything, each line
//! bounded while it is read.

use std::io::BufRead;

use crate::ParseError;

/// Header bytes read at most: the headers come first, the long description
/// after them is never needed. The bound holds while a line is read, so a
/// 3 GB line costs no more than 1 MiB.
pub const MAX_HEADER_BYTES: usize = 1 << 20;

/// Bytes of each license file (`License-File`) kept for the license
/// check: enough to recognise a license text.
pub const MAX_LICENSE_FILE_BYTES: usize = 4096;

/// What pyward needs from a distribution's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    pub name: String,
    pub version: String,
    /// `Requires-Dist` values as written (`werkzeug>=3.0`,
    /// `pytest ; extra == "test"`).
    pub requires_dist: Vec<String>,
    /// PEP 639 `License-Expression`.
    pub license_expression: Option<String>,
    /// The free-text `License` field.
    pub license: Option<String>,
    /// `Classifier: License :: ...` values.
    pub license_classifiers: Vec<String>,
    /// `License-File` values: paths relative to the `.dist-info` folder's
    /// `licenses/` (PEP 639) or to the folder itself (older tools).
    pub license_files: Vec<String>,
}

/// Reads the header block of a metadata file, up to the first blank line.
/// Lines that are not headers are skipped; a file without `Name` and
/// `Version` is an error.
pub fn parse(bytes: &[u8]) -> Result<Metadata, ParseError> {
    let mut reader = bytes;
    read(&mut reader)
}

/// How a bounded line read ended.
enum LineEnd {
    /// A whole line (or the last one, without a newline).
    Complete,
    /// The budget ran out inside the line.
    Cut,
    /// Nothing left.
    Eof,
}

/// Reads one line into `line`, never more than `budget` bytes of it.
fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    budget: usize,
) -> std::io::Result<LineEnd> {
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(if line.is_empty() {
                LineEnd::Eof
            } else {
                LineEnd::Complete
            });
        }
        let room = budget.saturating_sub(line.len());
        match memchr::memchr(b'\n', available) {
            Some(end) if end < room => {
                line.extend_from_slice(&available[..=end]);
                reader.consume(end + 1);
                return Ok(LineEnd::Complete);
            }
            _ => {
                let take = available.len().min(room);
                line.extend_from_slice(&available[..take]);
                reader.consume(take);
                if line.len() >= budget {
                    return Ok(LineEnd::Cut);
                }
            }
        }
    }
}

/// As [`parse`], reading from a file only as far as the headers go, and
/// never more than [`MAX_HEADER_BYTES`] of them.
pub fn read(reader: &mut impl BufRead) -> Result<Metadata, ParseError> {
    let mut metadata = Metadata::default();
    let mut name: Option<String> = None;
    let mut version: Option<String> = None;
    // The header being read (folded lines continue it).
    let mut current: Option<(String, String)> = None;
    let mut line = Vec::new();
    let mut total = 0usize;
    loop {
        line.clear();
        let end = read_line_bounded(reader, &mut line, MAX_HEADER_BYTES - total)
            .map_err(|e| ParseError::new(format!("cannot read: {e}")))?;
        total += line.len();
        match end {
            LineEnd::Eof | LineEnd::Cut => break,
            LineEnd::Complete => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            break;
        }
        if text.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.as_mut() {
                value.push(' ');
                value.push_str(text.trim());
            }
            continue;
        }
        apply(current.take(), &mut name, &mut version, &mut metadata);
        if let Some((key, value)) = text.split_once(':') {
            let key = key.trim();
            if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                current = Some((key.to_string(), value.to_string()));
            }
        }
    }
    apply(current.take(), &mut name, &mut version, &mut metadata);
    let name = name.filter(|n| valid_name(n));
    let version = version.filter(|v| valid_version(v));
    match (name, version) {
        (Some(name), Some(version)) => {
            metadata.name = name;
            metadata.version = version;
            Ok(metadata)
        }
        (None, _) => Err(ParseError::new("no valid `Name` header")),
        (_, None) => Err(ParseError::new("no valid `Version` header")),
    }
}

/// Keeps a finished header if it is one pyward reads.
fn apply(
    header: Option<(String, String)>,
    name: &mut Option<String>,
    version: &mut Option<String>,
    metadata: &mut Metadata,
) {
    let Some((key, value)) = header else {
        return;
    };
    let value = value.trim().to_string();
    if key.eq_ignore_ascii_case("name") {
        name.get_or_insert(value);
    } else if key.eq_ignore_ascii_case("version") {
        version.get_or_insert(value);
    } else if key.eq_ignore_ascii_case("requires-dist") && !value.is_empty() {
        metadata.requires_dist.push(value);
    } else if key.eq_ignore_ascii_case("license-expression") && !value.is_empty() {
        metadata.license_expression.get_or_insert(value);
    } else if key.eq_ignore_ascii_case("license") && !value.is_empty() {
        metadata.license.get_or_insert(value);
    } else if key.eq_ignore_ascii_case("license-file") && !value.is_empty() {
        metadata.license_files.push(value);
    } else if key.eq_ignore_ascii_case("classifier") && value.starts_with("License ::") {
        metadata.license_classifiers.push(value);
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn valid_version(version: &str) -> bool {
    !version.is_empty()
        && version.len() <= 100
        && version
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b',' | b';' | b'"' | b'\''))
}

/// Requirements listed in an `.egg-info/requires.txt`: the lines before the
/// first section, and those of marker-only sections (`[:python_version <
/// "3.8"]`); sections named after an extra are left out.
pub fn egg_requires(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_extra = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_extra = !section.trim_start().starts_with(':');
            continue;
        }
        if !in_extra {
            out.push(line.to_string());
        }
    }
    out
}

/// Whether a requirement applies only with some extra (`; extra == "test"`).
pub fn needs_extra(requirement: &str) -> bool {
    let Some((_, marker)) = requirement.split_once(';') else {
        return false;
    };
    let bytes = marker.as_bytes();
    let mut start = 0;
    while let Some(found) = marker[start..].find("extra") {
        let at = start + found;
        let before_ok = at == 0 || !is_word_byte(bytes[at - 1]);
        let after = at + "extra".len();
        let after_ok = after >= bytes.len() || !is_word_byte(bytes[after]);
        if before_ok && after_ok {
            return true;
        }
        start = after;
    }
    false
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'\'' || b == b'"'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_until_the_body() {
        let text = b"Metadata-Version: 2.1\r\nName: Flask\r\nVersion: 3.0.0\r\n\
Requires-Dist: Werkzeug>=3.0.0\r\nRequires-Dist: asgiref>=3.2 ; extra == 'async'\r\n\
Summary: A simple\r\n  framework\r\n\r\nName: NotThis\r\n";
        let m = parse(text).unwrap();
        assert_eq!(m.name, "Flask");
        assert_eq!(m.version, "3.0.0");
        assert_eq!(m.requires_dist.len(), 2);
    }

    #[test]
    fn license_headers_are_kept() {
        let text =
            b"Metadata-Version: 2.4\nName: x\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\n\
License: Some text\n  more\nClassifier: License :: OSI Approved :: MIT License\n\
Classifier: Programming Language :: Python\nLicense-File: LICENSE\nLicense-File: NOTICE\n\n";
        let m = parse(text).unwrap();
        assert_eq!(m.license_expression.as_deref(), Some("MIT OR Apache-2.0"));
        assert_eq!(m.license.as_deref(), Some("Some text more"));
        assert_eq!(
            m.license_classifiers,
            ["License :: OSI Approved :: MIT License"]
        );
        assert_eq!(m.license_files, ["LICENSE", "NOTICE"]);
    }

    // See: issue 9 (a 3 GB METADATA line reached 5.3 GB: the cap applied
    // only after the whole line was read).
    #[test]
    fn a_huge_line_is_cut_while_it_is_read() {
        struct Endless(usize);
        impl std::io::Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(b'x');
                self.0 += buf.len();
                Ok(buf.len())
            }
        }
        let head = b"Name: x\nVersion: 1\nSummary: ".as_slice();
        let mut reader = std::io::BufReader::new(std::io::Read::chain(head, Endless(0)));
        let m = read(&mut reader).unwrap();
        assert_eq!(m.name, "x");
        // The endless line was read only up to the budget.
        let consumed = reader.into_inner().into_inner().1.0;
        assert!(consumed <= MAX_HEADER_BYTES + (64 << 10), "{consumed}");
    }

    #[test]
    fn garbled_metadata_is_an_error() {
        assert!(parse(b"\x00\x01\x02garbage").is_err());
        assert!(parse(b"Name: x\n").is_err());
        assert!(parse(b"Version: 1\n").is_err());
        assert!(parse(b"Name: a b\nVersion: 1\n").is_err());
    }

    #[test]
    fn extra_only_requirements() {
        assert!(needs_extra("pytest ; extra == \"test\""));
        assert!(needs_extra("x; python_version < '3' and extra=='a'"));
        assert!(!needs_extra("x; python_version < '3'"));
        assert!(!needs_extra("extras-lib>=1"));
        assert!(!needs_extra("x; sys_platform == 'extra'"));
    }

    #[test]
    fn egg_requires_sections() {
        let text = "six\n[:python_version < \"3.8\"]\nimportlib-metadata\n[test]\npytest\n";
        assert_eq!(egg_requires(text), vec!["six", "importlib-metadata"]);
    }
}
