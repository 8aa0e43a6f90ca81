use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::helpers::{Value, keyword_value};
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags pysnmp's `CommunityData` with `mpModel=0` (SNMPv1) or
    /// `mpModel=1` (SNMPv2c).
    ///
    /// ## Why is this bad?
    /// SNMPv1 and v2c send the community string, which is the only
    /// credential, in clear text, and nothing they carry is encrypted.
    ///
    /// ## Example
    /// ```python
    /// from pysnmp.hlapi import CommunityData
    /// auth = CommunityData("public", mpModel=0)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from pysnmp.hlapi import UsmUserData, usmHMACSHAAuthProtocol, usmAesCfb128Protocol
    /// auth = UsmUserData("user", auth_key, priv_key,
    ///                    authProtocol=usmHMACSHAAuthProtocol, privProtocol=usmAesCfb128Protocol)
    /// ```
    ///
    /// ## References
    /// - Bandit: B508 `snmp_insecure_version`
    /// - CWE-319
    pub(crate) static SNMP_INSECURE_VERSION = Rule {
        code: "B508",
        name: "snmp_insecure_version",
        severity: Medium,
        confidence: High,
        message: "The use of SNMPv1 and SNMPv2 is insecure. You should use SNMPv3 if able.",
        cwe: "CWE-319",
        check: Call(snmp_insecure_version),
    };
}

fn snmp_insecure_version(checker: &mut Checker<'_>, call: &ExprCall) {
    if qualified_name(checker, call) != Some("pysnmp.hlapi.CommunityData") {
        return;
    }
    let insecure = match keyword_value(call, "mpModel") {
        Some(Value::Int(model)) => model == 0 || model == 1,
        Some(Value::Float(model)) => model == 0.0 || model == 1.0,
        _ => false,
    };
    if insecure {
        checker.report(&SNMP_INSECURE_VERSION, call.range());
    }
}
