crate::declare_rule! {
    /// ## What it does
    /// Flags SQL statements built from untrusted data: request parameters
    /// (Flask, Django, FastAPI, Starlette), or sources declared in
    /// `[code.taint]`, that reach
    /// `cursor.execute()`/`executemany()`/`executescript()`, SQLAlchemy's
    /// `text()` and `execute()`, Django's `raw()`, `extra()` and `RawSQL`, or
    /// `pandas.read_sql()`.
    ///
    /// ## Why is this bad?
    /// A value pasted into SQL text can change the statement: `' OR '1'='1`
    /// reads every row, `'; DROP TABLE users; --` does worse. Only the first
    /// argument of `execute` is SQL: the parameters passed beside it are sent
    /// as data and are safe.
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
    /// @app.route("/user")
    /// def user():
    ///     name = request.args.get("name")
    ///     cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/user")
    /// def user():
    ///     name = request.args.get("name")
    ///     cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Parameterised queries (the parameters of `execute(sql, params)`);
    /// numeric conversion (`int()`, `float()`, `uuid.UUID()`);
    /// `psycopg2.sql.Literal`/`Identifier`, `escape_string`, Django's
    /// `connection.ops.quote_name`; an allow-list check (`if name in
    /// ALLOWED:`), an equality test with a constant, `isdigit()`/`isalnum()`.
    /// HTML escaping does **not** make a value safe for SQL.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`sql =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-89
    pub(crate) static SQL_INJECTION = Rule {
        code: "PW701",
        name: "sql_injection",
        severity: High,
        confidence: High,
        message: "Untrusted data reaches SQL text.",
        cwe: "CWE-89",
        check: Flow(crate::taint::SinkClass::Sql),
    };
}
