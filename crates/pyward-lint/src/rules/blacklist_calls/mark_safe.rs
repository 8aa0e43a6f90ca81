crate::declare_rule! {
    /// ## What it does
    /// Flags Django's `mark_safe`.
    ///
    /// ## Why is this bad?
    /// `mark_safe` switches off HTML escaping; any user data in the string
    /// becomes markup (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// from django.utils.safestring import mark_safe
    /// html = mark_safe(f'<b>{user.name}</b>')
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from django.utils.html import format_html
    /// html = format_html('<b>{}</b>', user.name)
    /// ```
    ///
    /// ## What counts
    /// Calls to `django.utils.safestring.mark_safe`, however imported (`import
    /// x as y`, `from x import f`).
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the text comes from: when only constants or sanitised values reach
    /// it (`html.escape`, `markupsafe.escape`, Django's `escape`, numeric
    /// conversion, allow-list checks) it is not reported; when untrusted data
    /// does (request data, or a source declared in `[code.taint]`) it is
    /// reported with high confidence and the path from the source; when that is
    /// not known (a parameter of a function, the result of a library call) it
    /// is reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B308 `mark_safe` (call blacklist)
    pub(crate) static MARK_SAFE = Rule {
        code: "B308",
        name: "mark_safe",
        severity: Medium,
        confidence: High,
        message: "Use of mark_safe() may expose cross-site scripting vulnerabilities and should be reviewed.",
        cwe: "CWE-79",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "django.utils.safestring.mark_safe",
];
