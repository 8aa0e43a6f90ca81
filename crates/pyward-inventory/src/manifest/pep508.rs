//! PEP 508 requirement strings (`requests[socks]>=2.31 ; python_version <
//! "3.12"`, `pkg @ git+https://...`) turned into [`Dependency`]s, the way
//! every manifest format that embeds them needs.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use pep440_rs::{Operator, VersionSpecifiers};
use pep508_rs::{MarkerTree, Requirement, VersionOrUrl};
use pyward_model::{Dependency, DependencyKind};

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
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(text.len());
    if let Some(last @ ('.' | '-' | '_')) = text[..name_end].chars().last() {
        return Err(format!(
            "package name must end with a letter or digit, not `{last}`"
        ));
    }
    Requirement::<RawUrl>::from_str(text).map_err(|e| first_line(&e.to_string()).to_string())
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
    let requirement =
        parse_requirement(text).map_err(|e| format!("invalid requirement `{text}`: {e}"))?;
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
        dependency.requirement = Some(text.to_string());
    }
    if requirement.marker.contents().is_some() {
        dependency.markers = marker_text(text, has_url)
            .filter(|raw| MarkerTree::from_str(raw).is_ok())
            .map(str::to_string)
            .or_else(|| requirement.marker.try_to_string());
    }
    Ok(dependency)
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

    #[test]
    fn and_markers_keeps_precedence() {
        assert_eq!(and_markers(&[]), None);
        assert_eq!(
            and_markers(&["a == '1' or a == '2'".into(), "b == '3'".into()]).as_deref(),
            Some("(a == '1' or a == '2') and b == '3'")
        );
    }
}
