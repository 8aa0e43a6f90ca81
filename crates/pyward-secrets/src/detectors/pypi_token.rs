use super::{Candidate, Context, Pattern, pattern, push_group};

/// `pypi-` and a macaroon whose base64 starts by naming its location:
/// `AgEIcHlwaS5vcmc` is `pypi.org`, `AgENdGVzdC5weXBpLm9yZw` is
/// `test.pypi.org`.
static RE: Pattern = Pattern::new(|| {
    pattern(r"\b(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})")
});

fn find(ctx: &Context<'_>, out: &mut Vec<Candidate>) {
    push_group(ctx, &RE, 1, out);
}

detector! {
    /// ## What it finds
    /// PyPI and TestPyPI API tokens: `pypi-AgEIcHlwaS5vcmc…` (the macaroon
    /// names `pypi.org` at its start) and `pypi-AgENdGVzdC5weXBpLm9yZw…`.
    ///
    /// ## Why it matters
    /// An upload token publishes new releases of the owner's projects: a
    /// malicious release reaches everyone who installs them.
    ///
    /// ## How to rotate
    /// pypi.org → Account settings → API tokens: remove the token, create
    /// a project-scoped one, or better, switch to Trusted Publishing so no
    /// token is stored at all. Check the project's release history.
    pub static PYPI_TOKEN = {
        id: "pypi-token",
        title: "PyPI upload token",
        severity: High,
        confidence: High,
        keywords: &["pypi-ag"],
        find: find,
    };
}
