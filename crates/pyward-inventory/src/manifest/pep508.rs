//! PEP 508 requirement strings (`requests[socks]>=2.31 ; python_version <
//! "3.12"`, `pkg @ git+https://...`) turned into [`Dependency`]s, the way
//! every manifest format that embeds them needs.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use pep440_rs::{Operator, VersionSpecifiers};
use pep508_rs::{MarkerTree, Requirement, VersionOrUrl};
use pyward_model::{Dependency, DependencyKind, Span};

use crate::excerpt::{excerpt, redact_credentials};
use crate::nesting::check_parentheses;

/// The longest requirement (or marker) pyward parses: 16 KiB. The PEP 508
/// parser is quadratic in the number of extras (a million take minutes),
/// and no real requirement comes near this.
pub const MAX_REQUIREMENT_BYTES: usize = 16 * 1024;

/// Checks made before a requirement or marker reaches a parser that
/// recurses per parenthesis and slows down with length.
fn check_bounds(text: &str) -> Result<(), String> {
    if text.len() > MAX_REQUIREMENT_BYTES {
        return Err(format!(
            "longer than {} KiB, the most pyward parses of one requirement",
            MAX_REQUIREMENT_BYTES / 1024
        ));
    }
    check_parentheses(text)
}

/// Names, extras, specifiers and marker variables and operators are
/// ASCII, and the values markers compare (platforms, versions, Python
/// implementations) are too; pep508_rs 0.9.2 slices its input by byte
/// where it meant characters and panics on non-ASCII text in several
/// places, quoted strings included (found by the `requirements` fuzz
/// target). Such text is refused before it reaches the parser; only a
/// `name @ url` URL may hold any character.
fn ascii_only(text: &str) -> Result<(), String> {
    match text.chars().find(|c| !c.is_ascii()) {
        None => Ok(()),
        Some(c) => Err(format!(
            "`{}` is not allowed outside a URL: requirements and markers are ASCII",
            c.escape_default()
        )),
    }
}

/// Parses a PEP 508 marker expression, refusing one too deep or too long
/// for the parser.
pub(crate) fn parse_marker(text: &str) -> Result<MarkerTree, String> {
    check_bounds(text)?;
    ascii_only(text)?;
    // The error's message only: pep508_rs 0.9.2's `Display` of the whole
    // error slices the input by byte where it counts chars, and panics on
    // non-ASCII text (found by the `requirements` fuzz target).
    MarkerTree::from_str(text).map_err(|e| first_line(&e.message.to_string()).to_string())
}

/// The URL of a `name @ url` requirement, kept exactly as written: a
/// relative path (`pkg @ ./vendor/pkg`) is not resolved against anything,
/// because the reader has no business touching the file system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct RawUrl(String);

impl fmt::Display for RawUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl pep508_rs::Pep508Url for RawUrl {
    type Err = std::convert::Infallible;

    fn parse_url(url: &str, _working_dir: Option<&Path>) -> Result<Self, Self::Err> {
        Ok(Self(url.to_string()))
    }
}

/// Whether a direct reference points at the local file system rather than
/// at a remote URL.
pub(crate) fn is_local_reference(url: &str) -> bool {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("file:") {
        return true;
    }
    if lower.contains("://") || lower.starts_with("git+") {
        return false;
    }
    // `./x`, `../x`, `/abs`, `C:\x`, `.`, or a bare relative folder name.
    url.starts_with('.')
        || url.starts_with('/')
        || url.starts_with('\\')
        || url.as_bytes().get(1) == Some(&b':')
        || !url.contains(':')
}

/// The exact version a specifier set pins (`==1.2.3`, `===1.2.3`), if it
/// is a single such pin; `==1.*` and ranges pin nothing.
pub(crate) fn pinned_version(specifiers: &VersionSpecifiers) -> Option<String> {
    let mut iter = specifiers.iter();
    let only = iter.next()?;
    if iter.next().is_some() {
        return None;
    }
    match only.operator() {
        Operator::Equal | Operator::ExactEqual => Some(only.version().to_string()),
        _ => None,
    }
}

/// The marker text after the requirement's `;`, as written.
fn marker_text(text: &str, has_url: bool) -> Option<&str> {
    let position = if has_url {
        // In `name @ url ; marker` the `;` must follow whitespace (PEP 508),
        // since a URL may itself contain `;`.
        text.char_indices()
            .zip(text.chars().skip(1))
            .find(|&((_, c), next)| c.is_whitespace() && next == ';')
            .map(|((i, c), _)| i + c.len_utf8())
    } else {
        text.find(';')
    }?;
    let marker = text.get(position + 1..)?.trim();
    (!marker.is_empty()).then_some(marker)
}

/// Parses a PEP 508 requirement; the error is pep508_rs's message without
/// its drawing of the input.
///
/// pep508_rs 0.9.2 panics on a name that ends in `.`, `-` or `_` when more
/// text follows (`p. >=1`), so such names are rejected here first.
pub(crate) fn parse_requirement(text: &str) -> Result<Requirement<RawUrl>, String> {
    check_bounds(text)?;
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(text.len());
    if let Some(last @ ('.' | '-' | '_')) = text[..name_end].chars().last() {
        return Err(format!(
            "package name must end with a letter or digit, not `{last}`"
        ));
    }
    // The URL of `name @ url` may hold any character; the rest may not.
    // `@` starts a URL only before any marker (`a ; b == '@'` has none).
    let url_at = text
        .find(['@', ';'])
        .filter(|&at| text.as_bytes()[at] == b'@');
    match url_at.map(|at| (&text[..at], &text[at + 1..])) {
        None => ascii_only(text)?,
        Some((head, url)) => {
            ascii_only(head)?;
            if let Some((_, marker)) = url.split_once(" ;").or_else(|| url.split_once("\t;")) {
                ascii_only(marker)?;
            }
        }
    }
    // Likewise an extra (`r[m-`): pep508_rs 0.9.2 panics on one (found by
    // the `requirements` fuzz target).
    if let Some(open) = text[name_end..].trim_start().strip_prefix('[') {
        let extras = open.split(']').next().unwrap_or_default();
        for extra in extras.split(|c: char| c == ',' || c.is_whitespace()) {
            if let Some(last @ ('.' | '-' | '_')) = extra.chars().last() {
                return Err(format!(
                    "extra name must end with a letter or digit, not `{last}`"
                ));
            }
        }
    }
    // The message only, as for markers above: the whole error's `Display`
    // panics on non-ASCII input (`N[e\r\u{fffd}`).
    Requirement::<RawUrl>::from_str(text)
        .map_err(|e| first_line(&e.message.to_string()).to_string())
}

/// Parses one PEP 508 requirement into a direct dependency of `group`.
/// The error is a one-sentence message; the caller adds file and line.
pub(crate) fn dependency(
    text: &str,
    source: &str,
    group: &str,
    line: Option<u32>,
) -> Result<Dependency, String> {
    let text = text.trim();
    let requirement = match parse_requirement(text) {
        Ok(requirement) => requirement,
        Err(error) => {
            return arbitrary_equality(text, source, group, line).ok_or_else(|| {
                let message = format!("invalid requirement `{}`: {error}", excerpt(text));
                redact_credentials(&message).into_owned()
            });
        }
    };
    let mut dependency = Dependency::new(requirement.name.as_ref(), None, source);
    dependency.line = line;
    dependency.groups = vec![group.to_string()];
    let has_url = matches!(requirement.version_or_url, Some(VersionOrUrl::Url(_)));
    match &requirement.version_or_url {
        Some(VersionOrUrl::VersionSpecifier(specifiers)) => {
            dependency.version = pinned_version(specifiers);
        }
        Some(VersionOrUrl::Url(url)) => {
            dependency.kind = if is_local_reference(&url.0) {
                DependencyKind::Path
            } else {
                DependencyKind::Url
            };
        }
        None => {}
    }
    if dependency.version.is_none() {
        dependency.requirement = Some(redact_credentials(text).into_owned());
    }
    if requirement.marker.contents().is_some() {
        dependency.markers = marker_text(text, has_url)
            .filter(|raw| parse_marker(raw).is_ok())
            .map(str::to_string)
            .or_else(|| requirement.marker.try_to_string());
    }
    Ok(dependency)
}

/// `name===anything` where `anything` is no PEP 440 version (pip's
/// arbitrary equality, `===foo-bar`): pip installs it, so it is a
/// dependency, but one no advisory range can match by version: listed, not
/// audited.
fn arbitrary_equality(
    text: &str,
    source: &str,
    group: &str,
    line: Option<u32>,
) -> Option<Dependency> {
    let at = text.find("===")?;
    let after = &text[at + 3..];
    let value_start = after.len() - after.trim_start().len();
    let value = &after[value_start..];
    let value_end = value
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | ')'))
        .unwrap_or(value.len());
    if value_end == 0 || pep440_rs::Version::from_str(&value[..value_end]).is_ok() {
        return None;
    }
    let without = format!("{}{}", &text[..at], &after[value_start + value_end..]);
    let mut dependency = dependency(&without, source, group, line).ok()?;
    dependency.version = None;
    dependency.requirement = Some(redact_credentials(text).into_owned());
    Some(dependency)
}

/// Gives a dependency read from the requirement text `raw`, which starts
/// at byte `start` of its file, the spans of the requirement and of its
/// version: for a pin, the version (`3.0.1` of `django==3.0.1`); for a
/// range, the specifiers (`>=3.0,<4`); none for a URL or path.
pub(crate) fn place(dependency: &mut Dependency, raw: &str, start: usize) {
    let lead = raw.len() - raw.trim_start().len();
    let text = raw.trim();
    let start = start + lead;
    dependency.span = Some(Span::new(start, start + text.len()));
    dependency.version_span = version_range(text, dependency.version.is_some())
        .map(|(from, to)| Span::new(start + from, start + to));
}

/// Where the version (pinned) or the specifiers (otherwise) are in a PEP
/// 508 requirement's text.
pub(crate) fn version_range(text: &str, pinned: bool) -> Option<(usize, usize)> {
    let head = &text[..text.find(';').unwrap_or(text.len())];
    if head.contains('@') {
        return None;
    }
    let name_end = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(head.len());
    let mut at = name_end;
    let skip_spaces = |at: usize| at + (head[at..].len() - head[at..].trim_start().len());
    at = skip_spaces(at);
    if head[at..].starts_with('[') {
        at += head[at..].find(']')? + 1;
        at = skip_spaces(at);
    }
    let mut end = head.trim_end().len();
    if head[at..].starts_with('(') {
        at = skip_spaces(at + 1);
        end = head[..end].trim_end_matches(')').trim_end().len();
    }
    if at >= end {
        return None;
    }
    if !pinned {
        return Some((at, end));
    }
    let spec = &head[at..end];
    let operator_end = spec
        .find("===")
        .map(|i| i + 3)
        .or_else(|| spec.find("==").map(|i| i + 2))?;
    let rest = &spec[operator_end..];
    let value_start = operator_end + (rest.len() - rest.trim_start().len());
    let value = &spec[value_start..];
    let value_end = value
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ')'))
        .unwrap_or(value.len());
    (value_end > 0).then_some((at + value_start, at + value_start + value_end))
}

/// pep508_rs errors draw the input with a caret below it; a report line
/// wants only the sentence.
fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// Joins marker expressions with `and`, parenthesizing any that contain
/// `or` so the meaning is kept.
pub(crate) fn and_markers(parts: &[String]) -> Option<String> {
    let parts: Vec<&String> = parts.iter().filter(|p| !p.trim().is_empty()).collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(one.trim().to_string()),
        many => Some(
            many.iter()
                .map(|p| {
                    let p = p.trim();
                    if p.contains(" or ") {
                        format!("({p})")
                    } else {
                        p.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" and "),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(text: &str) -> Dependency {
        dependency(text, "pyproject.toml", "main", Some(3)).expect("valid requirement")
    }

    #[test]
    fn exact_pins_have_a_version() {
        assert_eq!(dep("Django==4.2.7").version.as_deref(), Some("4.2.7"));
        assert_eq!(dep("django===4.2.7").version.as_deref(), Some("4.2.7"));
        assert_eq!(dep("django==4.2.7").requirement, None);
        assert_eq!(
            dep("uvicorn[standard]==0.30.1").version.as_deref(),
            Some("0.30.1")
        );
    }

    #[test]
    fn ranges_and_wildcards_are_unpinned() {
        for text in [
            "django>=4",
            "django==4.*",
            "django",
            "django~=4.2",
            "django>=4,<5",
        ] {
            let d = dep(text);
            assert_eq!(d.version, None, "{text}");
            assert_eq!(d.requirement.as_deref(), Some(text), "{text}");
        }
    }

    #[test]
    fn markers_are_kept_as_written() {
        let d = dep("tomli>=1.1; python_version < \"3.11\"");
        assert_eq!(d.markers.as_deref(), Some("python_version < \"3.11\""));
        assert_eq!(d.name.as_str(), "tomli");
        assert_eq!(dep("tomli").markers, None);
    }

    #[test]
    fn direct_references_are_urls_or_paths() {
        let d = dep("pkg @ git+https://github.com/o/pkg@v1.0 ; sys_platform == 'linux'");
        assert_eq!(d.kind, DependencyKind::Url);
        assert_eq!(d.markers.as_deref(), Some("sys_platform == 'linux'"));
        assert_eq!(dep("pkg @ file:///opt/pkg").kind, DependencyKind::Path);
        assert_eq!(dep("pkg @ ./vendor/pkg").kind, DependencyKind::Path);
        assert_eq!(
            dep("pkg @ https://example.com/pkg-1.0.tar.gz").kind,
            DependencyKind::Url
        );
    }

    #[test]
    fn invalid_requirements_say_which() {
        let err = dependency("requests >>= 2", "x", "main", None).unwrap_err();
        assert!(err.contains("requests >>= 2"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn names_ending_in_a_separator_are_errors_not_panics() {
        for text in ["p. >=1", "p-;x", "p_ [x]", "p.", "a.b-"] {
            assert!(dependency(text, "x", "main", None).is_err(), "{text}");
        }
    }

    // Found by the `requirements` fuzz target: pep508_rs's error display
    // panicked on a non-ASCII character after the error's position.
    #[test]
    fn non_ascii_after_an_error_is_an_error_not_a_panic() {
        for text in [
            "N[e\r\u{fffd}",
            "a[é",
            "a ; os_name == 'é",
            "r[m-",
            "r[a, b_ ]",
            "r [x.]",
        ] {
            assert!(dependency(text, "x", "main", None).is_err(), "{text:?}");
        }
        assert!(parse_marker("os_name == é é").is_err());
        // The crash the fuzzer found, and text that stays allowed.
        assert!(
            dependency(
                "226;''!='!=\u{82}\u{82}-\u{82}\u{82}6/\u{c3}'-\u{ef}",
                "x",
                "main",
                None
            )
            .is_err()
        );
        assert!(parse_marker("os_name == 'é'").is_err());
        assert!(dependency("26;''!='@'!tps\u{fffd}&", "x", "main", None).is_err());
        assert!(dependency("pkg @ https://example.com/é.whl", "x", "main", None).is_ok());
    }

    #[test]
    fn versions_are_located_for_fix() {
        for (text, pinned, want) in [
            ("django==3.0.1", true, Some("3.0.1")),
            (
                "Django == 3.0.1 ; python_version < '3'",
                true,
                Some("3.0.1"),
            ),
            ("uvicorn[standard]===0.30.1", true, Some("0.30.1")),
            ("requests (==2.31.0)", true, Some("2.31.0")),
            ("django>=3.0,<4", false, Some(">=3.0,<4")),
            ("requests[socks] (>=2.31) ; x == '1'", false, Some(">=2.31")),
            ("django", false, None),
            ("pkg @ https://x/pkg-1.0.whl", false, None),
        ] {
            let got = version_range(text, pinned).map(|(a, b)| &text[a..b]);
            assert_eq!(got, want, "{text}");
        }
        let mut d = dep("django==3.0.1");
        place(&mut d, "  django==3.0.1 ", 10);
        assert_eq!(d.span, Some(Span::new(12, 25)));
        assert_eq!(d.version_span, Some(Span::new(20, 25)));
    }

    // See: issue 9 (`===foo-bar`, which pip accepts, was an error).
    #[test]
    fn arbitrary_equality_is_listed_not_audited() {
        let d = dep("foo===foo-bar");
        assert_eq!(d.name.as_str(), "foo");
        assert_eq!(d.version, None);
        assert_eq!(d.requirement.as_deref(), Some("foo===foo-bar"));
        let d = dep("foo[x] ===foo-bar ; python_version < '4'");
        assert_eq!(d.markers.as_deref(), Some("python_version < '4'"));
        assert_eq!(dep("foo===1.0").version.as_deref(), Some("1.0"));
    }

    // See: issue 9 (a million extras took minutes; 50k parentheses
    // overflowed the stack).
    #[test]
    fn oversized_requirements_are_refused_quickly() {
        let extras = format!("django[{}]==1.0", vec!["x"; 1_000_000].join(","));
        let start = std::time::Instant::now();
        let error = dependency(&extras, "r", "main", None).unwrap_err();
        assert!(error.contains("16 KiB"), "{error}");
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert!(error.len() < 600, "{error}");
        let deep = format!(
            "x; {}python_version < '3'{}",
            "(".repeat(50_000),
            ")".repeat(50_000)
        );
        assert!(dependency(&deep, "r", "main", None).is_err());
        assert!(parse_marker(&deep[3..]).is_err());
    }

    #[test]
    fn credentials_are_redacted_from_requirements() {
        let d = dep("pkg @ https://user:TOKEN@host/x.whl");
        assert_eq!(
            d.requirement.as_deref(),
            Some("pkg @ https://user:****@host/x.whl")
        );
        let error = dependency(
            "pkg @ https://user:TOKEN@host/x.whl ; bogus_marker == '1'",
            "r",
            "main",
            None,
        )
        .unwrap_err();
        assert!(!error.contains("TOKEN"), "{error}");
    }

    #[test]
    fn and_markers_keeps_precedence() {
        assert_eq!(and_markers(&[]), None);
        assert_eq!(
            and_markers(&["a == '1' or a == '2'".into(), "b == '3'".into()]).as_deref(),
            Some("(a == '1' or a == '2') and b == '3'")
        );
    }
}
