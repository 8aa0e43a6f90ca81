use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags pysnmp's `UsmUserData` given fewer than three positional
    /// arguments: SNMPv3 without authentication or without privacy
    /// (`noAuthNoPriv`, `authNoPriv`).
    ///
    /// ## Why is this bad?
    /// Without the privacy key SNMPv3 traffic is not encrypted; without
    /// the authentication key anyone can send requests.
    ///
    /// ## Example
    /// ```python
    /// auth = UsmUserData("user")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// auth = UsmUserData("user", auth_key, priv_key)
    /// ```
    ///
    /// ## References
    /// - Bandit: B509 `snmp_weak_cryptography`
    /// - CWE-319
    pub(crate) static SNMP_WEAK_CRYPTOGRAPHY = Rule {
        code: "B509",
        name: "snmp_weak_cryptography",
        severity: Medium,
        confidence: High,
        message: "You should not use SNMPv3 without encryption. noAuthNoPriv & authNoPriv is insecure",
        cwe: "CWE-319",
        check: Call(snmp_weak_cryptography),
    };
}

fn snmp_weak_cryptography(checker: &mut Checker<'_>, call: &ExprCall) {
    if call.arguments.args.len() < 3
        && qualified_name(checker, call) == Some("pysnmp.hlapi.UsmUserData")
    {
        checker.report(&SNMP_WEAK_CRYPTOGRAPHY, call.range());
    }
}
