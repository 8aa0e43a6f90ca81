crate::declare_rule! {
    /// ## What it does
    /// Flags file paths built from untrusted data that reach `open()`,
    /// `io.open()`, `codecs.open()`, `os.open()`, `pathlib.Path()`, `shutil`
    /// and `os` file operations, Flask's `send_file()` or the directory of
    /// `send_from_directory()`, FastAPI's `FileResponse`.
    ///
    /// ## Why is this bad?
    /// `../../etc/passwd` walks out of the folder the code means; an absolute
    /// path replaces it altogether (`os.path.join(base, '/etc/passwd')` is
    /// `/etc/passwd`).
    ///
    /// A data-flow rule: it reports a sink only when untrusted data reaches it,
    /// with the path from the source (the message names both ends). Sources are
    /// request data (Flask/Werkzeug `request.*`, route parameters; Django
    /// `request.GET` and the rest, URL parameters of views; FastAPI/Starlette
    /// handler parameters and `Request`), also when a helper of the project
    /// returns them, and what `[code.taint]` declares; command-line arguments,
    /// `input()` and environment variables count when `local-sources = true`.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     name = request.args["file"]
    ///     return open(os.path.join(UPLOADS, name)).read()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     name = secure_filename(request.args["file"])
    ///     return send_from_directory(UPLOADS, name)
    /// ```
    ///
    /// ## Sanitisers it knows
    /// `os.path.basename()`, `werkzeug.utils.secure_filename()`, Django's
    /// `get_valid_filename()` and `safe_join()`,
    /// `werkzeug.security.safe_join()`; a check that the resolved path stays in
    /// its folder (`path = os.path.realpath(...)` then `if
    /// path.startswith(BASE):`, or `Path.resolve()` then `is_relative_to()`);
    /// numeric conversion; allow-list checks. `send_from_directory`'s file name
    /// argument is safe (Flask joins it safely).
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`path =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-22
    pub(crate) static PATH_TRAVERSAL = Rule {
        code: "PW704",
        name: "path_traversal",
        severity: High,
        confidence: High,
        message: "Untrusted data reaches a file path.",
        cwe: "CWE-22",
        check: Flow(crate::taint::SinkClass::Path),
    };
}
