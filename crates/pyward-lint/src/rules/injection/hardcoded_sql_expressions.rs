use pyward_model::Confidence;
use ruff_python_ast::{Expr, ExprBinOp, ExprCall, FStringPart, InterpolatedStringElement};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;

crate::declare_rule! {
    /// ## What it does
    /// Flags SQL statements (`SELECT ... FROM`, `DELETE FROM`,
    /// `INSERT INTO ... VALUES`, `UPDATE ... SET`) built from strings with
    /// `%`, `+`, `.format()`, `.replace()` or an f-string.
    ///
    /// ## Why is this bad?
    /// A value pasted into SQL text can change the statement: `' OR '1'='1`
    /// reads every row, `'; DROP TABLE users; --` does worse. Medium
    /// confidence when the string goes straight into `execute` or
    /// `executemany`, low otherwise.
    ///
    /// ## Example
    /// ```python
    /// cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the values pasted into the statement comes from: when only
    /// constants or sanitised values reach it (numeric conversion, SQL quoting
    /// functions, allow-list checks) it is not reported; when untrusted data
    /// does (request data, or a source declared in `[code.taint]`) it is
    /// reported with high confidence and the path from the source; when that is
    /// not known (a parameter of a function, the result of a library call) it
    /// is reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B608 `hardcoded_sql_expressions`
    /// - CWE-89
    pub(crate) static HARDCODED_SQL_EXPRESSIONS = Rule {
        code: "B608",
        name: "hardcoded_sql_expressions",
        severity: Medium,
        confidence: Low,
        message: "Possible SQL injection vector through string-based query construction.",
        cwe: "CWE-89",
        check: Expr(hardcoded_sql_expressions),
    };
}

/// Bandit's `SIMPLE_SQL_RE`, case-insensitive, `.` matching new lines:
/// `select\s.*from\s|delete\s+from\s|insert\s+into\s.*values[\s(]|update\s.*set\s`.
fn is_sql(text: &str) -> bool {
    // `select\s.*from\s`: the first `select ` decides, `.*` may be empty.
    if let Some(after) = word_then_space(text, "select", 0)
        && word_then_space(text, "from", after).is_some()
    {
        return true;
    }
    // `delete\s+from\s`
    let mut from = 0;
    while let Some(at) = find_word(text, "delete", from) {
        let rest = at + "delete".len();
        let spaces = spaces(text, rest);
        if spaces > rest
            && starts_word(text, spaces, "from")
            && space_len(text, spaces + 4).is_some()
        {
            return true;
        }
        from = at + 1;
    }
    // `insert\s+into\s.*values[\s(]`: the first `insert into ` decides.
    let mut from = 0;
    while let Some(at) = find_word(text, "insert", from) {
        let rest = at + "insert".len();
        let spaces = spaces(text, rest);
        if spaces > rest
            && starts_word(text, spaces, "into")
            && let Some(len) = space_len(text, spaces + 4)
        {
            let mut search = spaces + 4 + len;
            while let Some(values) = find_word(text, "values", search) {
                let next = values + "values".len();
                if text[next..].starts_with('(') || space_len(text, next).is_some() {
                    return true;
                }
                search = values + 1;
            }
            return false;
        }
        from = at + 1;
    }
    // `update\s.*set\s`
    if let Some(after) = word_then_space(text, "update", 0)
        && word_then_space(text, "set", after).is_some()
    {
        return true;
    }
    false
}

/// The first `word` (ASCII case-insensitive) at or after byte `from`.
fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let word = word.as_bytes();
    (from..=bytes.len().checked_sub(word.len())?)
        .find(|&at| bytes[at..at + word.len()].eq_ignore_ascii_case(word))
}

fn starts_word(text: &str, at: usize, word: &str) -> bool {
    text.as_bytes()
        .get(at..at + word.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()))
}

/// The length of the white-space character at byte `at`, if it is one.
fn space_len(text: &str, at: usize) -> Option<usize> {
    let c = text.get(at..)?.chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// The byte after the run of white space starting at `at`.
fn spaces(text: &str, mut at: usize) -> usize {
    while let Some(len) = space_len(text, at) {
        at += len;
    }
    at
}

/// The byte after the first `word` followed by white space, at or after
/// `from`.
fn word_then_space(text: &str, word: &str, from: usize) -> Option<usize> {
    let mut search = from;
    while let Some(at) = find_word(text, word, search) {
        if let Some(len) = space_len(text, at + word.len()) {
            return Some(at + word.len() + len);
        }
        search = at + 1;
    }
    None
}

/// Whether `child` is a positional argument (or the callee) of `parent`:
/// only then is the call the string's "wrapper" for Bandit (a keyword
/// argument's parent in Python's AST is the `keyword`, not the call).
fn is_positional_in(child: &Expr, parent: &Expr) -> bool {
    match parent {
        Expr::Call(call) => {
            std::ptr::eq(&*call.func, child)
                || call
                    .arguments
                    .args
                    .iter()
                    .any(|arg| std::ptr::eq(arg, child))
        }
        _ => false,
    }
}

/// Bandit's test of the wrapper: a call named `execute` or `executemany`.
fn is_execute(call: &ExprCall) -> bool {
    let name = match &*call.func {
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => "",
    };
    matches!(name, "execute" | "executemany")
}

/// The wrapper of `child`: its parent expression, when that is a call
/// `child` is a positional argument of.
fn wrapper_is_execute(child: &Expr, parent: Option<&Expr>) -> bool {
    match parent {
        Some(parent @ Expr::Call(call)) => is_positional_in(child, parent) && is_execute(call),
        _ => false,
    }
}

/// Bandit's `concat_string`: the string constants of the whole `+`/`%`
/// chain joined with spaces, starting with `node` and leaving out the other
/// operand of `node`'s own operation (`stop`).
fn concatenation<'a>(node: &'a str, root: &'a Expr, stop: &'a ExprBinOp, out: &mut Vec<&'a str>) {
    out.push(node);
    fn leaves<'a>(expr: &'a Expr, stop: &'a ExprBinOp, out: &mut Vec<&'a str>) {
        let Expr::BinOp(binop) = expr else {
            return;
        };
        if std::ptr::eq(binop, stop) {
            return;
        }
        for side in [&*binop.left, &*binop.right] {
            match side {
                Expr::BinOp(_) => leaves(side, stop, out),
                Expr::StringLiteral(string) => out.push(string.value.to_str()),
                _ => {}
            }
        }
    }
    leaves(root, stop, out);
}

fn hardcoded_sql_expressions(checker: &mut Checker<'_>, expr: &Expr) {
    match expr {
        Expr::StringLiteral(string) => {
            let text = string.value.to_str();
            // Only strings in an operation or before `.format`/`.replace`
            // are checked; in an operation the other operands count too.
            match checker.parent_expr() {
                Some(Expr::BinOp(_)) => {}
                Some(Expr::Attribute(_)) if looks_like_sql(text) => {}
                _ => return,
            }
            let (statement, execute, replace, data) = {
                let mut ancestors = checker.expr_ancestors();
                let Some(parent) = ancestors.next() else {
                    return;
                };
                match parent {
                    Expr::BinOp(stop) => {
                        // Climb to the top of the chain of operations.
                        let mut root = parent;
                        let mut above = None;
                        for ancestor in ancestors.by_ref() {
                            if matches!(ancestor, Expr::BinOp(_)) {
                                root = ancestor;
                            } else {
                                above = Some(ancestor);
                                break;
                            }
                        }
                        let mut parts = Vec::new();
                        concatenation(text, root, stop, &mut parts);
                        (
                            parts.join(" "),
                            wrapper_is_execute(root, above),
                            false,
                            root,
                        )
                    }
                    Expr::Attribute(attribute)
                        if matches!(attribute.attr.as_str(), "format" | "replace") =>
                    {
                        // Bandit: string -> attribute -> (the call) -> wrapper.
                        let call = ancestors.next();
                        let wrapper = ancestors.next();
                        let execute = call.is_some_and(|call| wrapper_is_execute(call, wrapper));
                        (
                            text.to_string(),
                            execute,
                            attribute.attr.as_str() == "replace",
                            call.unwrap_or(parent),
                        )
                    }
                    _ => return,
                }
            };
            report(checker, expr, data, &statement, execute, replace);
        }
        Expr::FString(fstring) => {
            // Bandit (on Python 3.11) checks the literal parts of an
            // f-string once, joined, at the f-string's start.
            let mut statement = String::new();
            let mut any_literal = false;
            for part in &fstring.value {
                match part {
                    FStringPart::Literal(literal) => {
                        any_literal |= !literal.value.is_empty();
                        statement.push_str(&literal.value);
                    }
                    FStringPart::FString(f) => {
                        for element in &f.elements {
                            if let InterpolatedStringElement::Literal(literal) = element {
                                any_literal |= !literal.value.is_empty();
                                statement.push_str(&literal.value);
                            }
                        }
                    }
                }
            }
            if !any_literal || !looks_like_sql(&statement) {
                return;
            }
            let execute = wrapper_is_execute(expr, checker.parent_expr());
            report(checker, expr, expr, &statement, execute, false);
        }
        _ => {}
    }
}

/// A fast pre-test: the words every pattern of [`is_sql`] needs.
fn looks_like_sql(text: &str) -> bool {
    let bytes = text.as_bytes();
    ["from", "into", "set"].iter().any(|word| {
        bytes
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    })
}

/// Reports at `expr`; `data` is the expression that builds the statement
/// (what the precise profile asks the data-flow analysis about).
fn report(
    checker: &mut Checker<'_>,
    expr: &Expr,
    data: &Expr,
    statement: &str,
    execute: bool,
    replace: bool,
) {
    if !is_sql(statement) {
        return;
    }
    let confidence = if execute && !replace {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    checker.report_issue(
        Issue::new(&HARDCODED_SQL_EXPRESSIONS, expr.range())
            .confidence(confidence)
            .data(SinkClass::Sql, [data]),
    );
}

#[cfg(test)]
mod tests {
    use super::is_sql;

    #[test]
    fn matches_like_bandits_pattern() {
        for sql in [
            "SELECT * FROM t",
            "select\n x\nfrom\n t",
            "Please select an item from the list",
            "delete   from t ",
            "DELETE FROM t WHERE",
            "insert into t values(1)",
            "INSERT INTO t (a) VALUES (1)",
            "update t set x = 1",
            "UPDATE t SET x",
            "select x from\ty",
        ] {
            assert!(is_sql(sql), "{sql:?}");
        }
        for text in [
            "select from",
            "SELECT * FROM",
            "selected from x",
            "delete from",
            "deletefrom t ",
            "insert into t",
            "insert intot values (1)",
            "update t settings",
            "no sql here",
            "",
            "é",
        ] {
            assert!(!is_sql(text), "{text:?}");
        }
    }
}
