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
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the URL comes from: when only constants or sanitised values reach
    /// it (a constant prefix that fixes the host, allow-list checks) it is not
    /// reported; when untrusted data does (request data, or a source declared
    /// in `[code.taint]`) it is reported with high confidence and the path from
    /// the source; when that is not known (a parameter of a function, the
    /// result of a library call) it is reported as Bandit reports it. The
    /// `bandit` profile (`profile = "bandit"`) reports exactly what Bandit
    /// does.
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
        check: SharedCall(&super::CHECK),
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
