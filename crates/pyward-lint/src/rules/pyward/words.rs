//! Reading names: the words of an identifier, and which paths are tests,
//! shared by the `PW` rules.

/// The lower-case words of an identifier: `newPassword_hash2` gives
/// `new`, `password`, `hash`.
pub(crate) fn words(identifier: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in identifier.chars() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a path (relative, `/`-separated) is test code: a `test`/`tests`
/// folder, `test_*.py`, `*_test.py`, `tests.py` or `conftest.py`.
pub(crate) fn is_test_path(path: &str) -> bool {
    let mut components = path.split('/').peekable();
    while let Some(component) = components.next() {
        let lower = component.to_ascii_lowercase();
        if components.peek().is_none() {
            let stem = lower.strip_suffix(".py").unwrap_or(&lower);
            return stem.starts_with("test_")
                || stem.ends_with("_test")
                || stem.ends_with("_tests")
                || matches!(stem, "test" | "tests" | "conftest");
        }
        if matches!(lower.as_str(), "test" | "tests" | "testing" | "unittests") {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_snake_and_camel_case() {
        assert_eq!(words("newPassword_hash2"), ["new", "password", "hash"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
        assert_eq!(words("HTTPServer"), ["httpserver"]);
        assert!(words("__").is_empty());
    }

    #[test]
    fn test_paths() {
        for path in [
            "tests/a.py",
            "pkg/test/b.py",
            "test_x.py",
            "pkg/x_test.py",
            "conftest.py",
            "app/tests.py",
        ] {
            assert!(is_test_path(path), "{path}");
        }
        for path in ["app/views.py", "contest.py", "attest/x.py", "latest.py"] {
            assert!(!is_test_path(path), "{path}");
        }
    }
}
