use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags `logging.config.listen()` without a `verify` function.
    ///
    /// ## Why is this bad?
    /// The listener accepts logging configurations from the network, and a
    /// configuration can name classes and functions to call: anyone who
    /// can reach the port can run code in the process. `verify` lets the
    /// program check (for example, a signature) before applying it.
    ///
    /// ## Example
    /// ```python
    /// thread = logging.config.listen(9999)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// thread = logging.config.listen(9999, verify=check_signature)
    /// ```
    ///
    /// ## References
    /// - Bandit: B612 `logging_config_insecure_listen`
    /// - CWE-94
    pub(crate) static LOGGING_CONFIG_INSECURE_LISTEN = Rule {
        code: "B612",
        name: "logging_config_insecure_listen",
        severity: Medium,
        confidence: High,
        message: "Use of insecure logging.config.listen detected.",
        cwe: "CWE-94",
        check: Call(logging_config_insecure_listen),
    };
}

fn logging_config_insecure_listen(checker: &mut Checker<'_>, call: &ExprCall) {
    // Bandit's keyword test also sees `**options` (as a keyword named
    // `None`), so only a literal `verify=` counts.
    if call.arguments.find_keyword("verify").is_some() {
        return;
    }
    if qualified_name(checker, call) == Some("logging.config.listen") {
        checker.report(&LOGGING_CONFIG_INSECURE_LISTEN, call.range());
    }
}
