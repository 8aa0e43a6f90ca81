//! Reading call arguments and constants the way Bandit's `Context` does,
//! so that ported checks keep Bandit's exact behaviour.
//!
//! Bandit turns an argument into a "literal value": a constant's value
//! (`True`, `False`, `None` become the strings `"True"`, `"False"`,
//! `"None"`), a name's identifier, an attribute's last name, and lists,
//! tuples and sets of those. [`Value`] is that, borrowed from the AST.

use ruff_python_ast::{self as ast, Expr, Number};
use ruff_text_size::TextRange;

/// The handlers of a `try` statement that catch everything (`except:` or
/// `except Exception:`, as with Bandit's default `check_typed_exception:
/// False`) and whose whole body is one statement, with that statement:
/// what B110 (`pass`) and B112 (`continue`) look at.
pub fn catch_all_handlers_of_one_statement(
    stmt: &ast::Stmt,
) -> impl Iterator<Item = (&ast::ExceptHandlerExceptHandler, &ast::Stmt)> {
    let handlers = match stmt {
        ast::Stmt::Try(try_stmt) => try_stmt.handlers.as_slice(),
        _ => &[],
    };
    handlers.iter().filter_map(|handler| {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        let catches_all = match handler.type_.as_deref() {
            None => true,
            Some(Expr::Name(name)) => name.id.as_str() == "Exception",
            Some(_) => false,
        };
        match handler.body.as_slice() {
            [only] if catches_all => Some((handler, only)),
            _ => None,
        }
    })
}

/// A Bandit literal value (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A string constant (implicit concatenations joined).
    Str(std::borrow::Cow<'a, str>),
    /// A bytes constant.
    Bytes(Vec<u8>),
    /// An integer that fits in `i64`.
    Int(i64),
    Float(f64),
    /// `True`/`False`: Bandit compares these as the strings `"True"` and
    /// `"False"`, see [`Value::as_str`].
    Bool(bool),
    /// `None`.
    None,
    /// A bare name: Bandit's value is the identifier.
    Name(&'a str),
    /// An attribute: Bandit's value is the last name (`ssl.CERT_NONE` is
    /// `"CERT_NONE"`).
    Attribute(&'a str),
    List(Vec<Value<'a>>),
    Tuple(Vec<Value<'a>>),
    Set(Vec<Value<'a>>),
    /// A dict display (its items are not read).
    Dict,
    /// Anything else (calls, f-strings, operations): Bandit's `None`.
    Unknown,
}

impl<'a> Value<'a> {
    /// Bandit's literal value of `expr`.
    pub fn of(expr: &'a Expr) -> Self {
        match expr {
            Expr::StringLiteral(s) => Value::Str(std::borrow::Cow::Borrowed(s.value.to_str())),
            Expr::BytesLiteral(b) => Value::Bytes(b.value.bytes().collect()),
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => i.as_i64().map_or(Value::Unknown, Value::Int),
                Number::Float(f) => Value::Float(*f),
                Number::Complex { .. } => Value::Unknown,
            },
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::Name(n) => Value::Name(n.id.as_str()),
            Expr::Attribute(a) => Value::Attribute(a.attr.as_str()),
            Expr::List(l) => Value::List(l.elts.iter().map(Value::of).collect()),
            Expr::Tuple(t) => Value::Tuple(t.elts.iter().map(Value::of).collect()),
            Expr::Set(s) => Value::Set(s.elts.iter().map(Value::of).collect()),
            Expr::Dict(_) => Value::Dict,
            _ => Value::Unknown,
        }
    }

    /// The value as Bandit's string comparisons see it: string constants,
    /// names, attributes' last names, and `"True"`/`"False"`/`"None"`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::Name(s) | Value::Attribute(s) => Some(s),
            Value::Bool(true) => Some("True"),
            Value::Bool(false) => Some("False"),
            Value::None => Some("None"),
            _ => None,
        }
    }

    /// Python truthiness of a constant value, `None` when unknown.
    pub fn truthy(&self) -> Option<bool> {
        match self {
            Value::Str(s) => Some(!s.is_empty()),
            Value::Bytes(b) => Some(!b.is_empty()),
            Value::Int(i) => Some(*i != 0),
            Value::Float(f) => Some(*f != 0.0),
            Value::Bool(b) => Some(*b),
            Value::None => Some(false),
            Value::List(v) | Value::Tuple(v) | Value::Set(v) => Some(!v.is_empty()),
            _ => None,
        }
    }
}

/// The value of keyword argument `name` (`shell` in `f(shell=True)`).
pub fn keyword<'a>(call: &'a ast::ExprCall, name: &str) -> Option<&'a Expr> {
    call.arguments.find_keyword(name).map(|k| &k.value)
}

/// Bandit's `get_call_arg_value`: the literal value of keyword `name`, or
/// `None` when it is absent.
pub fn keyword_value<'a>(call: &'a ast::ExprCall, name: &str) -> Option<Value<'a>> {
    keyword(call, name).map(Value::of)
}

/// Bandit's `check_call_arg_value(name, values)`: `None` when the keyword
/// is absent (or its value is Bandit's `None`, i.e. not a literal),
/// otherwise whether its value is one of `values` (compared as
/// [`Value::as_str`]).
pub fn keyword_is(call: &ast::ExprCall, name: &str, values: &[&str]) -> Option<bool> {
    let value = keyword_value(call, name)?;
    if value == Value::Unknown {
        return None;
    }
    Some(value.as_str().is_some_and(|s| values.contains(&s)))
}

/// The positional argument at `index`.
pub fn positional(call: &ast::ExprCall, index: usize) -> Option<&Expr> {
    call.arguments.args.get(index)
}

/// Bandit's `get_call_arg_at_position`: an attribute's last name, or the
/// literal value.
pub fn positional_value(call: &ast::ExprCall, index: usize) -> Option<Value<'_>> {
    positional(call, index).map(Value::of)
}

/// A string constant's text (implicit concatenations joined).
pub fn string_value(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

/// The string constants Python's `ast` has inside an f-string: runs of
/// literal text (implicitly concatenated parts merged, as CPython merges
/// them), and the literal text of format specs. Bandit's string checks
/// see these as `Constant` nodes, so ported checks look at them too.
pub fn fstring_literal_runs(fstring: &ast::ExprFString) -> Vec<(String, TextRange)> {
    fn flush(runs: &mut Vec<(String, TextRange)>, current: &mut Option<(String, TextRange)>) {
        if let Some(run) = current.take()
            && !run.0.is_empty()
        {
            runs.push(run);
        }
    }
    fn push(current: &mut Option<(String, TextRange)>, text: &str, range: TextRange) {
        match current {
            Some((s, r)) => {
                s.push_str(text);
                *r = r.cover(range);
            }
            None => *current = Some((text.to_string(), range)),
        }
    }
    fn elements(
        elements: &ast::InterpolatedStringElements,
        runs: &mut Vec<(String, TextRange)>,
        current: &mut Option<(String, TextRange)>,
    ) {
        for element in elements.iter() {
            match element {
                ast::InterpolatedStringElement::Literal(literal) => {
                    push(current, &literal.value, literal.range);
                }
                ast::InterpolatedStringElement::Interpolation(interpolation) => {
                    flush(runs, current);
                    if let Some(spec) = &interpolation.format_spec {
                        let mut inner = None;
                        elements_of_spec(&spec.elements, runs, &mut inner);
                        flush(runs, &mut inner);
                    }
                }
            }
        }
    }
    fn elements_of_spec(
        spec: &ast::InterpolatedStringElements,
        runs: &mut Vec<(String, TextRange)>,
        current: &mut Option<(String, TextRange)>,
    ) {
        elements(spec, runs, current);
    }
    let mut runs = Vec::new();
    let mut current = None;
    for part in fstring.value.as_slice() {
        match part {
            ast::FStringPart::Literal(literal) => push(&mut current, &literal.value, literal.range),
            ast::FStringPart::FString(f) => elements(&f.elements, &mut runs, &mut current),
        }
    }
    flush(&mut runs, &mut current);
    runs
}

/// Bandit's `RE_CANDIDATES` for hardcoded passwords: whether a name has an
/// `_`-separated part that is a password word (`password`, `passwd`,
/// `pass`, `passphrase`, `pwd`, `token`, `secret`, `secrete`, in any case).
/// `name.contains(part)` for the short names of calls, which rules ask on
/// every call: a plain scan, where `str::contains` first builds a searcher
/// that costs more than the whole look on a name this short.
pub fn name_contains(name: &str, part: &str) -> bool {
    let part = part.as_bytes();
    !part.is_empty() && name.as_bytes().windows(part.len()).any(|w| w == part)
}

pub fn looks_like_password(name: &str) -> bool {
    name.split('_').any(is_password_word)
}

/// `pas+wo?r?d|pass(phrase)?|pwd|token|secrete?`, whole word,
/// case-insensitive.
fn is_password_word(word: &str) -> bool {
    let w = word.to_ascii_lowercase();
    if matches!(
        w.as_str(),
        "pass" | "passphrase" | "pwd" | "token" | "secret" | "secrete"
    ) {
        return true;
    }
    // pa s+ w o? r? d
    let Some(rest) = w.strip_prefix("pa") else {
        return false;
    };
    let rest_no_s = rest.trim_start_matches('s');
    if rest_no_s.len() == rest.len() {
        return false;
    }
    let Some(rest) = rest_no_s.strip_prefix('w') else {
        return false;
    };
    let rest = rest.strip_prefix('o').unwrap_or(rest);
    let rest = rest.strip_prefix('r').unwrap_or(rest);
    rest == "d"
}

/// A hardcoded password as a message shows it. Bandit prints the value
/// whole; no pyward report carries a secret in full, so only its first
/// characters (at most four, and never more than a quarter of it) and its
/// length.
pub fn redacted(secret: &str) -> String {
    let length = secret.chars().count();
    let shown: String = secret.chars().take((length / 4).min(4)).collect();
    format!("'{shown}…' ({length} chars)")
}

/// Python's `repr()` of a bytes value: `b'...'`, or `b"..."` when it has
/// a `'` and no `"`.
pub fn bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(quote);
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

/// How Python's `str()` shows a constant, for messages that quote one
/// (Bandit formats values with `str()`); the source text for others.
pub fn python_str<'a>(expr: &'a Expr, source_text: &'a str) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    match expr {
        Expr::StringLiteral(s) => Cow::Borrowed(s.value.to_str()),
        Expr::BooleanLiteral(b) => Cow::Borrowed(if b.value { "True" } else { "False" }),
        Expr::NoneLiteral(_) => Cow::Borrowed("None"),
        Expr::BytesLiteral(b) => Cow::Owned(bytes_repr(&b.value.bytes().collect::<Vec<u8>>())),
        Expr::NumberLiteral(n) => match &n.value {
            Number::Int(i) => i
                .as_i64()
                .map_or(Cow::Borrowed(source_text), |v| Cow::Owned(v.to_string())),
            _ => Cow::Borrowed(source_text),
        },
        _ => Cow::Borrowed(source_text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(source: &str) -> ast::ExprCall {
        let parsed = ruff_python_parser::parse_expression(source).unwrap();
        match parsed.into_expr() {
            Expr::Call(call) => call,
            other => panic!("not a call: {other:?}"),
        }
    }

    #[test]
    fn keyword_values_compare_like_bandit() {
        let c = call("f(shell=True, verify=ssl.CERT_NONE, mode=0o777, x=g())");
        assert_eq!(keyword_is(&c, "shell", &["True"]), Some(true));
        assert_eq!(keyword_is(&c, "verify", &["CERT_NONE"]), Some(true));
        assert_eq!(keyword_value(&c, "mode"), Some(Value::Int(0o777)));
        assert_eq!(keyword_is(&c, "x", &["True"]), None);
        assert_eq!(keyword_is(&c, "absent", &["True"]), None);
    }

    #[test]
    fn name_contains_as_str_contains() {
        for (name, part) in [
            ("chmod", "chmod"),
            ("fchmod", "chmod"),
            ("chmo", "chmod"),
            ("", "x"),
            ("x", ""),
        ] {
            assert_eq!(
                super::name_contains(name, part),
                name.contains(part) && !part.is_empty()
            );
        }
    }

    #[test]
    fn positional_and_strings() {
        let c = call("f('a' 'b', [1, name])");
        assert_eq!(string_value(positional(&c, 0).unwrap()), Some("ab"));
        assert_eq!(
            positional_value(&c, 1),
            Some(Value::List(vec![Value::Int(1), Value::Name("name")]))
        );
        assert_eq!(Value::List(vec![]).truthy(), Some(false));
    }

    #[test]
    fn redacted_shows_a_quarter_at_most() {
        assert_eq!(redacted("q7Hk2Zt9VbN4mLp0"), "'q7Hk…' (16 chars)");
        assert_eq!(redacted("hunter2"), "'h…' (7 chars)");
        assert_eq!(redacted("abc"), "'…' (3 chars)");
    }

    #[test]
    fn bytes_repr_like_python() {
        assert_eq!(bytes_repr(b"password"), "b'password'");
        assert_eq!(bytes_repr(b"it's"), "b\"it's\"");
        assert_eq!(bytes_repr(b"a'\"\n\x00\\"), "b'a\\'\"\\n\\x00\\\\'");
    }

    #[test]
    fn password_names_like_bandit() {
        for yes in [
            "password",
            "PASSWORD",
            "db_password",
            "passwd_hash",
            "my_pwd",
            "api_token",
            "secret",
            "passphrase",
            "pass",
            "paswd",
            "passwrd",
            "x_secrete",
        ] {
            assert!(looks_like_password(yes), "{yes}");
        }
        for no in [
            "passwords",
            "password1",
            "mypassword",
            "token_count1x",
            "secretary",
            "passport",
            "pas",
            "tokens",
        ] {
            assert!(!looks_like_password(no) || no == "token_count1x", "{no}");
        }
        assert!(looks_like_password("token_count1x"));
    }

    #[test]
    fn fstring_runs_merge_like_cpython() {
        let parsed = ruff_python_parser::parse_expression("'/tmp' f'/x{a:>{w}10}/y' 'z'").unwrap();
        let Expr::FString(f) = parsed.expr() else {
            panic!()
        };
        let runs: Vec<_> = fstring_literal_runs(f)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        assert_eq!(runs, vec!["/tmp/x", ">", "10", "/yz"]);
    }
}
