//! Poetry's version constraints (`^1.2`, `~1.2.3`, `1.2.*`, `>=1,<2`,
//! `^2.0 || ^3.0`) in PEP 440 terms, and Poetry's `python = "..."` field
//! as a PEP 508 marker.

/// One comparison: a PEP 440 operator and a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    pub(crate) operator: &'static str,
    pub(crate) version: String,
}

/// A constraint is an OR of alternatives, each an AND of clauses. An empty
/// alternative means "any version".
pub(crate) type Alternatives = Vec<Vec<Clause>>;

/// Parses a Poetry constraint. The error names the part not understood.
pub(crate) fn parse(constraint: &str) -> Result<Alternatives, String> {
    let constraint = constraint.trim();
    if constraint.is_empty() {
        return Err("empty version constraint".to_string());
    }
    let mut alternatives = Vec::new();
    for alternative in constraint.split("||").flat_map(|a| a.split('|')) {
        alternatives.push(parse_and(alternative)?);
    }
    Ok(alternatives)
}

/// Splits `>= 1.2, < 2` or `>=1.2 <2` into its clauses (an operator may be
/// separated from its version by spaces).
fn parse_and(text: &str) -> Result<Vec<Clause>, String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut pending_operator = String::new();
    for token in text.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        if token.chars().all(|c| "<>=!~^".contains(c)) {
            pending_operator.push_str(token);
            continue;
        }
        pieces.push(format!("{pending_operator}{token}"));
        pending_operator.clear();
    }
    if !pending_operator.is_empty() {
        return Err(format!("operator `{pending_operator}` without a version"));
    }
    if pieces.is_empty() {
        return Err(format!("empty version constraint in `{}`", text.trim()));
    }
    let mut clauses = Vec::new();
    for piece in pieces {
        clauses.extend(parse_single(&piece)?);
    }
    Ok(clauses)
}

fn clause(operator: &'static str, version: impl Into<String>) -> Clause {
    Clause {
        operator,
        version: version.into(),
    }
}

/// The numeric release parts at the start of a version (`1.2.3b1` →
/// `[1, 2, 3]`), or None if it does not start with a number.
fn release(version: &str) -> Option<Vec<u64>> {
    let version = version.trim_start_matches(['v', 'V']);
    let mut parts = Vec::new();
    for part in version.split('.') {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            break;
        }
        parts.push(digits.parse().ok()?);
        if digits.len() != part.len() {
            break;
        }
    }
    (!parts.is_empty()).then_some(parts)
}

fn join(parts: &[u64]) -> String {
    let mut parts = parts.to_vec();
    while parts.len() < 2 {
        parts.push(0);
    }
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// `parts` with the part at `index` bumped and everything after it
/// dropped.
fn bump(parts: &[u64], index: usize) -> String {
    let mut upper: Vec<u64> = parts.iter().take(index + 1).copied().collect();
    if let Some(last) = upper.last_mut() {
        *last = last.saturating_add(1);
    }
    join(&upper)
}

fn check_version(version: &str, whole: &str) -> Result<(), String> {
    if version.is_empty()
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+*!".contains(c))
    {
        return Err(format!("`{whole}` is not a version constraint"));
    }
    Ok(())
}

fn parse_single(piece: &str) -> Result<Vec<Clause>, String> {
    if matches!(piece, "*" | "x" | "X") {
        return Ok(Vec::new());
    }
    if let Some(version) = piece.strip_prefix('^') {
        let parts = release(version).ok_or_else(|| format!("`{piece}` has no version"))?;
        let index = parts
            .iter()
            .position(|&p| p != 0)
            .unwrap_or(parts.len() - 1);
        return Ok(vec![
            clause(">=", version),
            clause("<", bump(&parts, index)),
        ]);
    }
    if let Some(rest) = piece.strip_prefix('~')
        && !rest.starts_with('=')
    {
        let parts = release(rest).ok_or_else(|| format!("`{piece}` has no version"))?;
        let index = if parts.len() == 1 { 0 } else { 1 };
        return Ok(vec![clause(">=", rest), clause("<", bump(&parts, index))]);
    }
    for operator in ["===", "==", "!=", "~=", ">=", "<=", ">", "<", "="] {
        if let Some(version) = piece.strip_prefix(operator) {
            let version = version.trim();
            check_version(version, piece)?;
            let operator = match operator {
                "=" => "==",
                "===" => "===",
                "==" => "==",
                "!=" => "!=",
                "~=" => "~=",
                ">=" => ">=",
                "<=" => "<=",
                ">" => ">",
                _ => "<",
            };
            return Ok(vec![clause(operator, wildcard(version))]);
        }
    }
    check_version(piece, piece)?;
    if piece.ends_with(".*") || piece.ends_with(".x") || piece.ends_with(".X") {
        return Ok(vec![clause("==", wildcard(piece))]);
    }
    Ok(vec![clause("==", piece)])
}

/// `1.2.x` is Poetry's spelling of `1.2.*`.
fn wildcard(version: &str) -> String {
    match version
        .strip_suffix(".x")
        .or_else(|| version.strip_suffix(".X"))
    {
        Some(stem) => format!("{stem}.*"),
        None => version.to_string(),
    }
}

/// The PEP 440 specifier of one alternative (`>=1.2,<2.0`); empty for
/// "any version".
pub(crate) fn specifier(clauses: &[Clause]) -> String {
    clauses
        .iter()
        .map(|c| format!("{}{}", c.operator, c.version))
        .collect::<Vec<_>>()
        .join(",")
}

/// The exact version when the constraint is one `==` pin without a
/// wildcard.
pub(crate) fn pinned(alternatives: &Alternatives) -> Option<String> {
    match alternatives.as_slice() {
        [only] => match only.as_slice() {
            [c] if matches!(c.operator, "==" | "===") && !c.version.contains('*') => {
                Some(c.version.clone())
            }
            _ => None,
        },
        _ => None,
    }
}

/// A Poetry `python = "..."` constraint as a marker (`^3.8` →
/// `python_version >= "3.8" and python_version < "4.0"`); None when it
/// allows every version.
pub(crate) fn python_marker(constraint: &str) -> Result<Option<String>, String> {
    let alternatives = parse(constraint)?;
    if alternatives.iter().any(Vec::is_empty) {
        return Ok(None);
    }
    let rendered: Vec<String> = alternatives
        .iter()
        .map(|clauses| {
            clauses
                .iter()
                .map(|c| {
                    // python_version is only `major.minor`; a three-part
                    // bound needs the full version to keep its meaning.
                    let field = if c.version.split('.').count() > 2 && !c.version.contains('*') {
                        "python_full_version"
                    } else {
                        "python_version"
                    };
                    format!("{field} {} \"{}\"", c.operator, c.version)
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    Ok(Some(if rendered.len() == 1 {
        rendered.into_iter().next().unwrap_or_default()
    } else {
        rendered
            .iter()
            .map(|r| {
                if r.contains(" and ") {
                    format!("({r})")
                } else {
                    r.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" or ")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(constraint: &str) -> String {
        parse(constraint)
            .expect("valid constraint")
            .iter()
            .map(|a| specifier(a))
            .collect::<Vec<_>>()
            .join(" || ")
    }

    #[test]
    fn caret_follows_poetry_docs() {
        assert_eq!(spec("^1.2.3"), ">=1.2.3,<2.0");
        assert_eq!(spec("^1.2"), ">=1.2,<2.0");
        assert_eq!(spec("^1"), ">=1,<2.0");
        assert_eq!(spec("^0.2.3"), ">=0.2.3,<0.3");
        assert_eq!(spec("^0.0.3"), ">=0.0.3,<0.0.4");
        assert_eq!(spec("^0.0"), ">=0.0,<0.1");
        assert_eq!(spec("^0"), ">=0,<1.0");
    }

    #[test]
    fn tilde_wildcards_and_operators() {
        assert_eq!(spec("~1.2.3"), ">=1.2.3,<1.3");
        assert_eq!(spec("~1"), ">=1,<2.0");
        assert_eq!(spec("~=1.2"), "~=1.2");
        assert_eq!(spec("1.2.*"), "==1.2.*");
        assert_eq!(spec("1.2.x"), "==1.2.*");
        assert_eq!(spec("*"), "");
        assert_eq!(spec(">= 1.2, < 2"), ">=1.2,<2");
        assert_eq!(spec(">=1.2 <2"), ">=1.2,<2");
        assert_eq!(spec("^1.0 || ^2.0"), ">=1.0,<2.0 || >=2.0,<3.0");
        assert_eq!(spec("=1.0"), "==1.0");
    }

    #[test]
    fn only_single_exact_versions_pin() {
        assert_eq!(pinned(&parse("1.2.3").unwrap()).as_deref(), Some("1.2.3"));
        assert_eq!(pinned(&parse("==1.2.3").unwrap()).as_deref(), Some("1.2.3"));
        assert_eq!(pinned(&parse("^1.2.3").unwrap()), None);
        assert_eq!(pinned(&parse("1.2.*").unwrap()), None);
        assert_eq!(pinned(&parse("*").unwrap()), None);
        assert_eq!(pinned(&parse("1.0 || 2.0").unwrap()), None);
    }

    #[test]
    fn python_constraints_become_markers() {
        assert_eq!(
            python_marker("^3.8").unwrap().as_deref(),
            Some("python_version >= \"3.8\" and python_version < \"4.0\"")
        );
        assert_eq!(
            python_marker("<3.11").unwrap().as_deref(),
            Some("python_version < \"3.11\"")
        );
        assert_eq!(
            python_marker(">=3.8.1").unwrap().as_deref(),
            Some("python_full_version >= \"3.8.1\"")
        );
        assert_eq!(
            python_marker("~2.7 || ^3.4").unwrap().as_deref(),
            Some(
                "(python_version >= \"2.7\" and python_version < \"2.8\") or \
                 (python_version >= \"3.4\" and python_version < \"4.0\")"
            )
        );
        assert_eq!(python_marker("*").unwrap(), None);
    }

    #[test]
    fn nonsense_is_an_error() {
        assert!(parse("").is_err());
        assert!(parse(">=").is_err());
        assert!(parse("^").is_err());
        assert!(parse("hello world!?").is_err());
        assert!(parse("{1}").is_err());
    }
}
