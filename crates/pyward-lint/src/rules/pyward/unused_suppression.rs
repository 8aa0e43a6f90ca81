use ruff_python_ast::ModModule;

use crate::checker::Checker;

crate::declare_rule! {
    /// ## What it does
    /// Flags a `# nosec` (or `# noqa: S…`) comment that silences nothing:
    /// no finding of the rules it names is on its line or on the lines of
    /// the statement it ends. Reported only with
    /// `--report-unused-suppressions`, as Ruff's `RUF100`.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the code it was written for. Left behind, it
    /// silences the next problem someone writes on that line, without a
    /// review: a `# nosec` that once excused a constant command also hides
    /// the user input that replaces it.
    ///
    /// A comment is judged only when every rule it names ran (a bare
    /// `# nosec` only when every rule ran), so `--select` never makes a
    /// needed suppression look unused. A suppression of a data-dependent
    /// check that the precise profile would not report anyway still counts
    /// as used: the `bandit` profile needs it.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(["ls", "-l"])  # nosec B602
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// subprocess.run(["ls", "-l"])
    /// ```
    ///
    /// ## References
    /// - CWE-1164: Irrelevant Code
    /// - <https://docs.astral.sh/ruff/rules/unused-noqa/>
    pub(crate) static UNUSED_SUPPRESSION = Rule {
        code: "PW001",
        name: "unused_suppression",
        severity: Low,
        confidence: High,
        message: "Suppression comment silences nothing; remove it.",
        cwe: "CWE-1164",
        check: Module(after_the_walk),
    };
}

/// Nothing to do during the walk: whether a comment silenced anything is
/// known once every finding of the file is (`suppress::NosecLines::unused`,
/// called by the file's analysis).
fn after_the_walk(_checker: &mut Checker<'_>, _module: &ModModule) {}
