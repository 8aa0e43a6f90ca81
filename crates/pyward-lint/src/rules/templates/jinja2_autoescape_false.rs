use pyward_model::Confidence;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Keyword};
use ruff_text_size::{Ranged, TextSize};

use crate::checker::{Checker, Issue};
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags `jinja2.Environment(...)` created without autoescaping:
    /// `autoescape=False`, no `autoescape` at all (Jinja2's default is
    /// off), or a value that is neither `True` nor `select_autoescape(...)`
    /// (reported with medium confidence).
    ///
    /// ## Why is this bad?
    /// Without autoescaping, every variable is inserted into the page as
    /// raw HTML: a value containing `<script>` runs in the visitor's
    /// browser (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// env = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// env = jinja2.Environment(
    ///     loader=jinja2.FileSystemLoader("templates"),
    ///     autoescape=jinja2.select_autoescape(),
    /// )
    /// ```
    ///
    /// ## References
    /// - Bandit: B701 `jinja2_autoescape_false`
    /// - CWE-94
    pub(crate) static JINJA2_AUTOESCAPE_FALSE = Rule {
        code: "B701",
        name: "jinja2_autoescape_false",
        severity: High,
        confidence: High,
        message: "By default, jinja2 sets autoescape to False. Consider using autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.",
        cwe: "CWE-94",
        check: Call(jinja2_autoescape_false),
    };
}

/// Finds the `autoescape=` keyword Bandit's `ast.walk` (breadth first)
/// meets first anywhere inside the call: the shallowest, then the first in
/// source order.
#[derive(Default)]
struct FirstAutoescape<'a> {
    depth: usize,
    found: Option<(usize, TextSize, &'a Keyword)>,
}

impl<'a> Visitor<'a> for FirstAutoescape<'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        self.depth += 1;
        visitor::walk_expr(self, expr);
        self.depth -= 1;
    }

    fn visit_keyword(&mut self, keyword: &'a Keyword) {
        // In Python's AST a keyword is a node of its own, one level above
        // its value.
        self.depth += 1;
        if keyword
            .arg
            .as_ref()
            .is_some_and(|a| a.as_str() == "autoescape")
        {
            let key = (self.depth, keyword.start());
            if self.found.is_none_or(|(d, s, _)| key < (d, s)) {
                self.found = Some((self.depth, keyword.start(), keyword));
            }
        }
        visitor::walk_keyword(self, keyword);
        self.depth -= 1;
    }
}

fn jinja2_autoescape_false(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    if !qualified.ends_with("Environment")
        || qualified.rsplit('.').next() != Some("Environment")
        || !qualified.split('.').any(|s| s == "jinja2")
    {
        return;
    }
    let mut finder = FirstAutoescape::default();
    finder.visit_expr(&call.func);
    finder.visit_arguments(&call.arguments);
    let issue = Issue::new(&JINJA2_AUTOESCAPE_FALSE, call.range());
    let issue = match finder.found.map(|(_, _, keyword)| &keyword.value) {
        None => issue,
        Some(Expr::BooleanLiteral(b)) if !b.value => issue.message(
            "Using jinja2 templates with autoescape=False is dangerous and can lead to XSS. Use autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.",
        ),
        Some(Expr::BooleanLiteral(b)) if b.value => return,
        Some(Expr::Call(inner))
            if matches!(&*inner.func, Expr::Attribute(a) if a.attr.as_str() == "select_autoescape")
                || matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "select_autoescape") =>
        {
            return;
        }
        Some(_) => issue.confidence(Confidence::Medium).message(
            "Using jinja2 templates with autoescape=False is dangerous and can lead to XSS. Ensure autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.",
        ),
    };
    checker.report_issue(issue);
}
