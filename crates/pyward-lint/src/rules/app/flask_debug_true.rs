use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags `app.run(debug=True)` in a module that imports Flask.
    ///
    /// ## Why is this bad?
    /// Flask's debug mode serves the Werkzeug debugger, which runs any
    /// Python code a visitor types into an error page.
    ///
    /// ## Example
    /// ```python
    /// from flask import Flask
    /// app = Flask(__name__)
    /// app.run(debug=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    /// ```
    ///
    /// ## Details
    /// As Bandit: any call of a function whose name ends in `.run` with
    /// `debug=True`, once any import naming something with `flask` in it
    /// has been seen; reported on the line of `debug=`.
    ///
    /// ## References
    /// - Bandit: B201 `flask_debug_true`
    /// - CWE-94
    pub(crate) static FLASK_DEBUG_TRUE = Rule {
        code: "B201",
        name: "flask_debug_true",
        severity: High,
        confidence: Medium,
        message: "A Flask app appears to be run with debug=True, which exposes the Werkzeug debugger and allows the execution of arbitrary code.",
        cwe: "CWE-94",
        check: Call(flask_debug_true),
    };
}

fn flask_debug_true(checker: &mut Checker<'_>, call: &ExprCall) {
    // Cheapest test first: this runs on every call.
    if helpers::keyword_is(call, "debug", &["True"]) != Some(true) {
        return;
    }
    let Some(debug) = helpers::keyword(call, "debug") else {
        return;
    };
    if !checker
        .call_qualified_name(call)
        .is_some_and(|name| name.as_str().ends_with(".run"))
    {
        return;
    }
    if !checker.is_module_imported_like("flask") {
        return;
    }
    checker.report_issue(Issue::new(&FLASK_DEBUG_TRUE, call.range()).line_at(debug.range().start()));
}
