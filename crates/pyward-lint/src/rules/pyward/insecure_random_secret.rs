use ruff_python_ast::{Expr, ExprCall, Stmt, UnaryOp};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::rules::pyward::words::{is_test_path, words};

crate::declare_rule! {
    /// ## What it does
    /// Flags secrets (tokens, passwords, one-time codes, salts, nonces, API
    /// keys) generated with the `random` module: a `random.choice`,
    /// `choices`, `sample`, `randint`, `randrange`, `getrandbits`,
    /// `randbytes` or `random` call whose result is assigned to, passed
    /// as, or returned from a function named after, such a secret.
    ///
    /// ## Why is this bad?
    /// `random` is a Mersenne Twister: after seeing enough of its output
    /// anyone can compute every value it will produce next, so a token
    /// made with it can be predicted.
    ///
    /// To stay quiet on simulations and test data, the call must also look
    /// like it makes a secret: characters drawn from a string of letters or
    /// digits (`string.ascii_letters`, `"abc..."`), joined into a string,
    /// a number between two constants (a PIN), or random bits or bytes.
    /// Bandit's B311 reports every use of `random` with low severity; this
    /// rule finds the ones that matter.
    ///
    /// ## Example
    /// ```python
    /// token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
    /// otp = random.randint(100000, 999999)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// token = secrets.token_urlsafe(32)
    /// otp = secrets.randbelow(900000) + 100000
    /// ```
    ///
    /// ## References
    /// - CWE-338: Use of Cryptographically Weak PRNG
    /// - <https://docs.python.org/3/library/random.html> (the warning at the top)
    pub(crate) static INSECURE_RANDOM_SECRET = Rule {
        code: "PW102",
        name: "insecure_random_secret",
        severity: High,
        confidence: Medium,
        message: "Secret generated with the `random` module, which is predictable; use the `secrets` module.",
        cwe: "CWE-338",
        check: Call(insecure_random_secret),
    };
}

const RANDOM_FUNCTIONS: &[&str] = &[
    "random.choice",
    "random.choices",
    "random.sample",
    "random.randint",
    "random.randrange",
    "random.getrandbits",
    "random.randbytes",
    "random.random",
];

const SECRET_WORDS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "nonce",
    "otp",
    "salt",
    "csrf",
    "apikey",
    "pin",
    "passcode",
];

/// Words that say the name is about a secret, not the secret itself, or
/// belongs to text processing (`token_ids`, `mask_token`).
const NOT_A_SECRET: &[&str] = &[
    "length",
    "len",
    "size",
    "count",
    "num",
    "number",
    "type",
    "types",
    "name",
    "names",
    "id",
    "ids",
    "idx",
    "index",
    "indices",
    "pos",
    "position",
    "mask",
    "masked",
    "vocab",
    "prob",
    "probability",
    "rate",
    "ratio",
    "dropout",
    "embedding",
    "char",
    "chars",
    "alphabet",
    "charset",
    "pool",
    "min",
    "max",
    "range",
    "url",
    "path",
    "file",
    "field",
    "timeout",
    "delay",
    "interval",
    "expiry",
    "expires",
    "ttl",
    "prefix",
    "suffix",
    "sep",
    "list",
    "sequence",
    "offset",
    "weight",
    "shape",
    "dim",
    "level",
    "format",
    "regex",
    "pattern",
];

fn is_secret_name(identifier: &str) -> bool {
    let words = words(identifier);
    let secret = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words.windows(2).any(|pair| {
            matches!(
                pair[0].as_str(),
                "api" | "auth" | "access" | "secret" | "private"
            ) && matches!(pair[1].as_str(), "key" | "code")
        });
    secret && !words.iter().any(|w| NOT_A_SECRET.contains(&w.as_str()))
}

/// The name an assignment target gives the value.
fn target_name(target: &Expr) -> Option<&str> {
    match target {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Subscript(subscript) => crate::helpers::string_value(&subscript.slice),
        _ => None,
    }
}

/// Whether an expression is a string of characters to draw from.
fn is_charset(checker: &Checker<'_>, expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) => true,
        Expr::Name(name) => {
            let lower = name.id.as_str().to_ascii_lowercase();
            [
                "chars", "alphabet", "letters", "digits", "charset", "symbols", "alnum", "hex",
            ]
            .iter()
            .any(|w| lower.contains(w))
        }
        Expr::Attribute(_) => checker
            .resolve_qualified_name(expr)
            .is_some_and(|q| q.as_str().starts_with("string.")),
        Expr::BinOp(binop) => is_charset(checker, &binop.left) || is_charset(checker, &binop.right),
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Name(n) if matches!(n.id.as_str(), "list" | "str" | "tuple"))
                && call
                    .arguments
                    .args
                    .first()
                    .is_some_and(|a| is_charset(checker, a))
        }
        _ => false,
    }
}

fn is_numeric_constant(expr: &Expr) -> bool {
    match expr {
        Expr::NumberLiteral(_) => true,
        Expr::UnaryOp(unary) => unary.op == UnaryOp::USub && is_numeric_constant(&unary.operand),
        Expr::BinOp(binop) => is_numeric_constant(&binop.left) && is_numeric_constant(&binop.right),
        _ => false,
    }
}

/// Whether the call looks like it makes a secret (see the rule's docs).
fn makes_secret(checker: &Checker<'_>, function: &str, call: &ExprCall) -> bool {
    let joined = checker.expr_ancestors().any(|ancestor| {
        matches!(ancestor, Expr::Call(c) if matches!(&*c.func, Expr::Attribute(a) if a.attr.as_str() == "join"))
    });
    match function {
        "random.getrandbits" | "random.randbytes" | "random.random" => true,
        "random.randint" | "random.randrange" => {
            joined
                || !call.arguments.args.is_empty()
                    && call.arguments.args.iter().all(is_numeric_constant)
        }
        _ => {
            let population = call
                .arguments
                .args
                .first()
                .or_else(|| crate::helpers::keyword(call, "population"));
            joined || population.is_some_and(|p| is_charset(checker, p))
        }
    }
}

/// The secret's name when the call's value goes to one: an assignment
/// target, a keyword argument, a dict key, or the function it is returned
/// from.
fn secret_destination(checker: &Checker<'_>, call: &ExprCall) -> Option<String> {
    let range = call.range();
    for ancestor in checker.expr_ancestors() {
        match ancestor {
            Expr::Call(outer) => {
                for keyword in &outer.arguments.keywords {
                    if let Some(arg) = &keyword.arg
                        && keyword.value.range().contains_range(range)
                        && is_secret_name(arg.as_str())
                    {
                        return Some(arg.to_string());
                    }
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    if item.value.range().contains_range(range)
                        && let Some(key) = item.key.as_ref().and_then(crate::helpers::string_value)
                        && is_secret_name(key)
                    {
                        return Some(key.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let named = |target: &Expr| {
        target_name(target)
            .filter(|n| is_secret_name(n))
            .map(str::to_string)
    };
    match checker.current_stmt()? {
        Stmt::Assign(assign) => assign.targets.iter().find_map(named),
        Stmt::AnnAssign(assign) => named(&assign.target),
        Stmt::AugAssign(assign) => named(&assign.target),
        Stmt::Return(_) => {
            let function = checker.enclosing_function()?;
            let name = function.name.as_str();
            // A function named after a secret; `token` alone is too common
            // in text processing to count here.
            (is_secret_name(name) && !words(name).iter().all(|w| w == "token" || w == "random"))
                .then(|| name.to_string())
        }
        _ => None,
    }
}

fn insecure_random_secret(checker: &mut Checker<'_>, call: &ExprCall) {
    // Cheap test first: the callee's last name.
    let last = match &*call.func {
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        Expr::Name(name) => name.id.as_str(),
        _ => return,
    };
    if !RANDOM_FUNCTIONS
        .iter()
        .any(|f| f.strip_suffix(last).is_some_and(|rest| rest.ends_with('.')))
    {
        return;
    }
    let Some(function) = checker
        .call_qualified_name(call)
        .map(|q| q.as_str())
        .filter(|q| RANDOM_FUNCTIONS.contains(q))
        .map(str::to_string)
    else {
        return;
    };
    if !makes_secret(checker, &function, call) {
        return;
    }
    let Some(secret) = secret_destination(checker, call) else {
        return;
    };
    if is_test_path(checker.path()) {
        return;
    }
    let message = format!(
        "`{secret}` generated with `{function}`, which is predictable; use the `secrets` module."
    );
    checker.report_issue(Issue::new(&INSECURE_RANDOM_SECRET, call.range()).message(message));
}
