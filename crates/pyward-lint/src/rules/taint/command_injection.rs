crate::declare_rule! {
    /// ## What it does
    /// Flags commands built from untrusted data that reach `os.system()`,
    /// `os.popen()`, `subprocess.*` (the command string with `shell=True`, or
    /// the program and its arguments), `os.exec*`/`os.spawn*`,
    /// `asyncio.create_subprocess_*`, or Paramiko's `exec_command()`.
    ///
    /// ## Why is this bad?
    /// A shell runs whatever the string says: `; rm -rf ~` in a file name
    /// becomes a second command. Without a shell, an untrusted program name or
    /// option (`--output=/etc/passwd`) still lets the caller choose what runs.
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
    /// @app.route("/ping")
    /// def ping():
    ///     host = request.args["host"]
    ///     return subprocess.check_output(f"ping -c 1 {host}", shell=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/ping")
    /// def ping():
    ///     host = request.args["host"]
    ///     if not HOST.fullmatch(host):
    ///         abort(400)
    ///     return subprocess.check_output(["ping", "-c", "1", "--", host])
    /// ```
    ///
    /// ## Sanitisers it knows
    /// `shlex.quote()`, `shlex.join()`, `pipes.quote()`; numeric conversion;
    /// allow-list checks (`in`, `==`, `re.fullmatch` with a strict pattern,
    /// `isdigit()`/`isalnum()`).
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`command =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-78
    pub(crate) static COMMAND_INJECTION = Rule {
        code: "PW702",
        name: "command_injection",
        severity: High,
        confidence: High,
        message: "Untrusted data reaches a command.",
        cwe: "CWE-78",
        check: Flow(crate::taint::SinkClass::Command),
    };
}
