use ruff_python_ast::ExprCall;

use crate::checker::Checker;

crate::declare_rule! {
    /// ## What it does
    /// Flags `urllib.request.urlopen` and its relatives.
    ///
    /// ## Why is this bad?
    /// They accept `file:` and custom schemes as well as `http(s):`; a URL from
    /// outside can read local files.
    ///
    /// ## Example
    /// ```python
    /// from urllib.request import urlopen
    /// urlopen(url)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// if not url.startswith(('http://', 'https://')):
    ///     raise ValueError(url)
    /// urlopen(url)
    /// ```
    ///
    /// ## What counts
    /// Calls to `urllib.request.urlopen`, `urllib.request.urlretrieve`,
    /// `urllib.request.URLopener`, `urllib.request.FancyURLopener`,
    /// `six.moves.urllib.request.urlopen`,
    /// `six.moves.urllib.request.urlretrieve`,
    /// `six.moves.urllib.request.URLopener`,
    /// `six.moves.urllib.request.FancyURLopener`, however imported (`import x
    /// as y`, `from x import f`).
    ///
    /// ## References
    /// - Bandit: B310 `urllib_urlopen` (call blacklist)
    pub(crate) static URLLIB_URLOPEN = Rule {
        code: "B310",
        name: "urllib_urlopen",
        severity: Medium,
        confidence: High,
        message: "Audit url open for permitted schemes. Allowing use of file:/ or custom schemes is often unexpected.",
        cwe: "CWE-22",
        check: Call(urllib_urlopen_call),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "urllib.request.urlopen",
    "urllib.request.urlretrieve",
    "urllib.request.URLopener",
    "urllib.request.FancyURLopener",
    "six.moves.urllib.request.urlopen",
    "six.moves.urllib.request.urlretrieve",
    "six.moves.urllib.request.URLopener",
    "six.moves.urllib.request.FancyURLopener",
];

fn urllib_urlopen_call(checker: &mut Checker<'_>, call: &ExprCall) {
    super::check_call(checker, call, &URLLIB_URLOPEN);
}
