use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags Mako `Template(...)` objects.
    ///
    /// ## Why is this bad?
    /// Mako has no template-wide autoescaping: every `${ value }` is
    /// inserted as raw HTML unless it is filtered (`${ value | h }`), and a
    /// single forgotten filter is a cross-site scripting hole.
    ///
    /// ## Example
    /// ```python
    /// from mako.template import Template
    /// Template("<p>${ name }</p>").render(name=name)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// Template("<p>${ name }</p>", default_filters=["h"]).render(name=name)
    /// ```
    ///
    /// ## References
    /// - Bandit: B702 `use_of_mako_templates`
    /// - CWE-80
    pub(crate) static USE_OF_MAKO_TEMPLATES = Rule {
        code: "B702",
        name: "use_of_mako_templates",
        severity: Medium,
        confidence: High,
        message: "Mako templates allow HTML/JS rendering by default and are inherently open to XSS attacks. Ensure variables in all templates are properly sanitized via the 'n', 'h' or 'x' flags (depending on context). For example, to HTML escape the variable 'data' do ${ data |h }.",
        cwe: "CWE-80",
        check: Call(use_of_mako_templates),
    };
}

fn use_of_mako_templates(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    if qualified.rsplit('.').next() == Some("Template") && qualified.split('.').any(|s| s == "mako")
    {
        checker.report(&USE_OF_MAKO_TEMPLATES, call.range());
    }
}
