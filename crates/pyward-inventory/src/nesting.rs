//! Depth checks made before anything recursive reads a text: the parsers
//! of TOML, JSON, YAML and PEP 508 markers recurse once per level of
//! nesting, so a file with 100,000 nested `[` would overflow the stack and
//! abort the whole scan. A linear pass over the text finds the deepest
//! nesting first; past [`MAX_NESTING`] the file (or the requirement) is an
//! error of its own and the scan goes on.

use crate::ParseError;

/// Levels of `[`/`{` (TOML, JSON, YAML flow collections) or of `(` (PEP
/// 508 markers) a text may nest. Real lockfiles and manifests nest four or
/// five levels, markers two or three.
pub const MAX_NESTING: usize = 64;

/// The syntax of a text, for where its strings and comments are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Toml,
    Json,
    Yaml,
}

/// An error when `text` nests `[`/`{` deeper than [`MAX_NESTING`] outside
/// strings and comments, naming the line where it does.
pub(crate) fn check_brackets(text: &str, syntax: Syntax) -> Result<(), ParseError> {
    match deepest_bracket(text.as_bytes(), syntax) {
        Some(offset) => Err(ParseError::at_line(
            crate::lockfile::line_of(text, offset),
            format!(
                "nested more than {MAX_NESTING} levels deep; pyward does not read files nested so deep"
            ),
        )),
        None => Ok(()),
    }
}

/// The bytes [`deepest_bracket`] looks at: brackets, quotes, comments.
const MEANINGFUL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let bytes = b"[]{}\"'#";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// The offset where nesting first passes the limit, if it does.
fn deepest_bracket(bytes: &[u8], syntax: Syntax) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    let mut after_space = true;
    while i < bytes.len() {
        // Most bytes mean nothing here: skip to the next one that may.
        match bytes[i..].iter().position(|&b| MEANINGFUL[usize::from(b)]) {
            Some(skip) => {
                if skip > 0 {
                    after_space = bytes[i + skip - 1].is_ascii_whitespace();
                }
                i += skip;
            }
            None => break,
        }
        let b = bytes[i];
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' if syntax == Syntax::Toml || (syntax == Syntax::Yaml && after_space) => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' => i = skip_string(bytes, i, syntax),
            b'\'' if syntax != Syntax::Json => i = skip_string(bytes, i, syntax),
            _ => {}
        }
        after_space = b.is_ascii_whitespace() || b == b'[' || b == b'{' || b == b',';
        i += 1;
    }
    None
}

/// The offset of the closing quote of the string opening at `start` (or
/// the end of the text).
fn skip_string(bytes: &[u8], start: usize, syntax: Syntax) -> usize {
    let quote = bytes[start];
    let triple = syntax == Syntax::Toml
        && bytes.get(start + 1) == Some(&quote)
        && bytes.get(start + 2) == Some(&quote);
    let escapes = quote == b'"';
    let mut i = if triple { start + 3 } else { start + 1 };
    while i < bytes.len() {
        // Jump to the next quote, escape or line end.
        match memchr::memchr3(quote, b'\\', b'\n', &bytes[i..]) {
            Some(skip) => i += skip,
            None => return bytes.len(),
        }
        let b = bytes[i];
        if escapes && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if !triple {
                // YAML writes a quote inside a single-quoted string twice.
                if syntax == Syntax::Yaml && quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return i;
            }
            if bytes.get(i + 1) == Some(&quote) && bytes.get(i + 2) == Some(&quote) {
                // A closing `"""` may be followed by up to two more quotes
                // that belong to the string.
                let mut end = i + 2;
                while bytes.get(end + 1) == Some(&quote) && end < i + 4 {
                    end += 1;
                }
                return end;
            }
        }
        // A one-line TOML string ends with its line.
        if !triple && syntax == Syntax::Toml && b == b'\n' {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// An error (one sentence) when a PEP 508 requirement or marker nests
/// parentheses deeper than [`MAX_NESTING`] outside its quoted strings.
pub(crate) fn check_parentheses(text: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for &b in text.as_bytes() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(format!(
                            "parentheses nested more than {MAX_NESTING} levels deep"
                        ));
                    }
                }
                b')' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_brackets_are_found_outside_strings_and_comments() {
        let deep = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = check_brackets(&deep, Syntax::Toml).unwrap_err();
        assert_eq!(error.line, Some(1));
        let shallow = format!(
            "a = {}1{}",
            "[".repeat(MAX_NESTING),
            "]".repeat(MAX_NESTING)
        );
        assert!(check_brackets(&shallow, Syntax::Toml).is_ok());
        let quoted = format!(
            "a = \"{}\"\n# {}\nb = '''\n{}'''\n",
            "[".repeat(500),
            "{".repeat(500),
            "[".repeat(500)
        );
        assert!(check_brackets(&quoted, Syntax::Toml).is_ok());
        let json = format!("{{\"a\": \"{}\"}}", "[\\\"".repeat(500));
        assert!(check_brackets(&json, Syntax::Json).is_ok());
        let yaml = format!(
            "a: '{}'' x' # {}\nb: {}",
            "[".repeat(200),
            "[".repeat(200),
            "[".repeat(65)
        );
        assert_eq!(
            check_brackets(&yaml, Syntax::Yaml).unwrap_err().line,
            Some(2)
        );
    }

    #[test]
    fn deep_parentheses_are_refused() {
        let deep = format!(
            "x; {}python_version < '3'{}",
            "(".repeat(50_000),
            ")".repeat(50_000)
        );
        assert!(check_parentheses(&deep).is_err());
        assert!(check_parentheses("x; (a == '(((((((') and (b == '1')").is_ok());
    }
}
