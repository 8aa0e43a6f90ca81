use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::checker::{Checker, Issue};
use crate::rules::pyward::words::is_test_path;

crate::declare_rule! {
    /// ## What it does
    /// Flags `requests` calls without a `timeout` that Bandit's B113 does
    /// not look at: `requests.request(...)`, and the methods (`get`,
    /// `post`, ..., `request`) of a `requests.Session` made in the same
    /// function, module or class (`s = requests.Session()`,
    /// `with requests.Session() as s:`, `self.session = requests.Session()`).
    ///
    /// ## Why is this bad?
    /// `requests` waits forever by default. A server that accepts the
    /// connection and never answers (or a slow-loris attacker) hangs the
    /// worker, and enough of them take the service down.
    ///
    /// Not reported when the call passes `**kwargs` (the timeout may be in
    /// them), or the session has an adapter mounted or its `request`
    /// replaced (the usual ways of giving a session a default timeout).
    /// `httpx` has a default timeout and is not reported.
    ///
    /// ## Example
    /// ```python
    /// session = requests.Session()
    /// response = session.get(url)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// response = session.get(url, timeout=10)
    /// ```
    ///
    /// ## References
    /// - Bandit: B113 covers `requests.get(...)` and the other module functions
    /// - CWE-400
    pub(crate) static REQUEST_WITHOUT_TIMEOUT_SESSION = Rule {
        code: "PW401",
        name: "request_without_timeout_session",
        severity: Medium,
        confidence: Medium,
        message: "requests call without a timeout.",
        cwe: "CWE-400",
        check: Module(request_without_timeout_session),
    };
}

const METHODS: &[&str] = &[
    "get", "options", "head", "post", "put", "patch", "delete", "request",
];

/// Whether `expr` makes a `requests` session.
fn is_session_call(checker: &Checker<'_>, expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call)
        if checker.resolve_qualified_name(&call.func).is_some_and(|q| matches!(q.as_str(), "requests.Session" | "requests.session" | "requests.sessions.Session")))
}

/// How a statement list treats the session named `target` (a name, or
/// `self.<attr>`): whether it is made there, and whether it is given a
/// default timeout (an adapter mounted, `request` replaced).
#[derive(Default)]
struct SessionUse {
    made: bool,
    configured: bool,
}

fn same_target(expr: &Expr, target: &Expr) -> bool {
    match (expr, target) {
        (Expr::Name(a), Expr::Name(b)) => a.id == b.id,
        (Expr::Attribute(a), Expr::Attribute(b)) => {
            a.attr.as_str() == b.attr.as_str() && same_target(&a.value, &b.value)
        }
        _ => false,
    }
}

fn scan(
    checker: &Checker<'_>,
    body: &[Stmt],
    target: &Expr,
    into_functions: bool,
    out: &mut SessionUse,
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(assign) => {
                if assign.targets.iter().any(|t| same_target(t, target))
                    && is_session_call(checker, &assign.value)
                {
                    out.made = true;
                }
                // `session.request = functools.partial(session.request, timeout=5)`
                if assign
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Attribute(a) if same_target(&a.value, target)))
                {
                    out.configured = true;
                }
            }
            Stmt::AnnAssign(assign)
                if same_target(&assign.target, target)
                    && assign
                        .value
                        .as_deref()
                        .is_some_and(|v| is_session_call(checker, v)) =>
            {
                out.made = true;
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if item
                        .optional_vars
                        .as_deref()
                        .is_some_and(|v| same_target(v, target))
                        && is_session_call(checker, &item.context_expr)
                    {
                        out.made = true;
                    }
                }
                scan(checker, &with.body, target, into_functions, out);
            }
            Stmt::Expr(expr) => {
                if let Expr::Call(call) = &*expr.value
                    && let Expr::Attribute(attribute) = &*call.func
                    && attribute.attr.as_str() == "mount"
                    && same_target(&attribute.value, target)
                {
                    out.configured = true;
                }
            }
            Stmt::If(s) => {
                scan(checker, &s.body, target, into_functions, out);
                for clause in &s.elif_else_clauses {
                    scan(checker, &clause.body, target, into_functions, out);
                }
            }
            Stmt::Try(s) => {
                scan(checker, &s.body, target, into_functions, out);
                scan(checker, &s.finalbody, target, into_functions, out);
                scan(checker, &s.orelse, target, into_functions, out);
            }
            Stmt::For(s) => scan(checker, &s.body, target, into_functions, out),
            Stmt::While(s) => scan(checker, &s.body, target, into_functions, out),
            Stmt::FunctionDef(f) if into_functions => {
                scan(checker, &f.body, target, into_functions, out)
            }
            _ => {}
        }
    }
}

/// The bodies around a call, innermost last.
#[derive(Clone, Copy)]
enum Body<'a> {
    Module(&'a [Stmt]),
    Class(&'a [Stmt]),
    Function(&'a [Stmt]),
}

struct Walk<'a, 'c, 'x> {
    checker: &'c Checker<'x>,
    bodies: Vec<Body<'a>>,
    found: Vec<(TextRange, String)>,
}

impl Walk<'_, '_, '_> {
    /// Whether the receiver of a call is a session made nearby.
    fn is_session(&self, receiver: &Expr) -> bool {
        let checker = self.checker;
        if is_session_call(checker, receiver) {
            return true;
        }
        let mut found = SessionUse::default();
        match receiver {
            Expr::Name(_) => {
                // The innermost function, then the module.
                if let Some(Body::Function(body)) = self
                    .bodies
                    .iter()
                    .rev()
                    .find(|b| matches!(b, Body::Function(_)))
                {
                    scan(checker, body, receiver, false, &mut found);
                }
                if !found.made
                    && let Some(Body::Module(body)) = self.bodies.first()
                {
                    scan(checker, body, receiver, false, &mut found);
                }
            }
            Expr::Attribute(attribute) if matches!(&*attribute.value, Expr::Name(n) if n.id.as_str() == "self") => {
                if let Some(Body::Class(body)) = self
                    .bodies
                    .iter()
                    .rev()
                    .find(|b| matches!(b, Body::Class(_)))
                {
                    scan(checker, body, receiver, true, &mut found);
                }
            }
            _ => return false,
        }
        found.made && !found.configured
    }
}

impl<'a> Visitor<'a> for Walk<'a, '_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        let body = match stmt {
            Stmt::FunctionDef(f) => Some(Body::Function(&f.body)),
            Stmt::ClassDef(c) => Some(Body::Class(&c.body)),
            _ => None,
        };
        if let Some(body) = body {
            self.bodies.push(body);
            visitor::walk_stmt(self, stmt);
            self.bodies.pop();
        } else {
            visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr {
            self.check(call);
        }
        visitor::walk_expr(self, expr);
    }
}

impl Walk<'_, '_, '_> {
    fn check(&mut self, call: &ExprCall) {
        let Expr::Attribute(attribute) = &*call.func else {
            return;
        };
        if !METHODS.contains(&attribute.attr.as_str()) {
            return;
        }
        let keywords = &call.arguments.keywords;
        if keywords
            .iter()
            .any(|k| k.arg.is_none() || k.arg.as_ref().is_some_and(|a| a.as_str() == "timeout"))
        {
            return;
        }
        let direct = attribute.attr.as_str() == "request"
            && self
                .checker
                .resolve_qualified_name(&call.func)
                .is_some_and(|q| matches!(q.as_str(), "requests.request" | "requests.api.request"));
        if direct {
            self.found.push((
                call.range(),
                "Call to requests.request without a timeout: it can wait forever.".to_string(),
            ));
        } else if self.is_session(&attribute.value) {
            self.found.push((
                call.range(),
                format!(
                    "Call to a requests session's {}() without a timeout: it can wait forever.",
                    attribute.attr
                ),
            ));
        }
    }
}

fn request_without_timeout_session(checker: &mut Checker<'_>, module: &ModModule) {
    // Cheap test first.
    if !checker.source().contains("requests")
        || !checker.is_module_imported_like("requests")
        || is_test_path(checker.path())
    {
        return;
    }
    let found = {
        let mut walk = Walk {
            checker,
            bodies: vec![Body::Module(&module.body)],
            found: Vec::new(),
        };
        walk.visit_body(&module.body);
        walk.found
    };
    for (range, message) in found {
        checker.report_issue(Issue::new(&REQUEST_WITHOUT_TIMEOUT_SESSION, range).message(message));
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;

    fn lines(source: &str) -> Vec<u32> {
        crate::check_source("client.py", source, &Settings::for_rules(&["PW401"]))
            .unwrap()
            .iter()
            .map(|f| f.location.as_ref().unwrap().line)
            .collect()
    }

    #[test]
    fn session_kept_on_self() {
        let source = "import requests\nclass C:\n    def __init__(self):\n        self.s = requests.Session()\n    def get(self):\n        return self.s.get('u')\n";
        assert_eq!(lines(source), vec![6]);
    }
}
