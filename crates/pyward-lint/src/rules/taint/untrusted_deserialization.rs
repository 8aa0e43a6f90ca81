crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data given to deserialisers that build arbitrary
    /// objects: `pickle`, `dill`, `marshal`, `jsonpickle`,
    /// `pandas.read_pickle`, `shelve`, `numpy.load(allow_pickle=True)`, and
    /// `yaml.load()` without a safe loader.
    ///
    /// ## Why is this bad?
    /// Unpickling runs code chosen by whoever wrote the data (`__reduce__`);
    /// PyYAML's unsafe loaders build any Python object
    /// (`!!python/object/apply:os.system`).
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
    /// @app.route("/restore", methods=["POST"])
    /// def restore():
    ///     state = pickle.loads(base64.b64decode(request.form["state"]))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/restore", methods=["POST"])
    /// def restore():
    ///     state = json.loads(base64.b64decode(request.form["state"]))
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Data-only formats (`json.loads`, `yaml.safe_load`, `yaml.load(...,
    /// Loader=SafeLoader)`); base64 and URL decoding do **not** clean (the data
    /// passes through).
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]`
    /// (`deserialization = ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-502
    pub(crate) static UNTRUSTED_DESERIALIZATION = Rule {
        code: "PW712",
        name: "untrusted_deserialization",
        severity: High,
        confidence: High,
        message: "Untrusted data is deserialised into arbitrary objects.",
        cwe: "CWE-502",
        check: Flow(crate::taint::SinkClass::Deserialization),
    };
}
