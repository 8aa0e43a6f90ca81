crate::declare_rule! {
    /// ## What it does
    /// Flags deserialisation with `pickle` and the modules built on it (`dill`,
    /// `shelve`, `jsonpickle`, `pandas.read_pickle`).
    ///
    /// ## Why is this bad?
    /// Unpickling runs code chosen by whoever wrote the data: loading a pickle
    /// from an untrusted source lets its author run anything.
    ///
    /// ## Example
    /// ```python
    /// import pickle
    /// session = pickle.loads(cookie_value)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import json
    /// session = json.loads(cookie_value)
    /// ```
    ///
    /// ## What counts
    /// Calls to `pickle.loads`, `pickle.load`, `pickle.Unpickler`,
    /// `dill.loads`, `dill.load`, `dill.Unpickler`, `shelve.open`,
    /// `shelve.DbfilenameShelf`, `jsonpickle.decode`,
    /// `jsonpickle.unpickler.decode`, `jsonpickle.unpickler.Unpickler`,
    /// `pandas.read_pickle`, however imported (`import x as y`, `from x import
    /// f`).
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the data comes from: when only constants or sanitised values reach
    /// it (none: only constants) it is not reported; when untrusted data does
    /// (request data, or a source declared in `[code.taint]`) it is reported
    /// with high confidence and the path from the source; when that is not
    /// known (a parameter of a function, the result of a library call) it is
    /// reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B301 `pickle` (call blacklist)
    pub(crate) static PICKLE = Rule {
        code: "B301",
        name: "pickle",
        severity: Medium,
        confidence: High,
        message: "Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue.",
        cwe: "CWE-502",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "pickle.loads",
    "pickle.load",
    "pickle.Unpickler",
    "dill.loads",
    "dill.load",
    "dill.Unpickler",
    "shelve.open",
    "shelve.DbfilenameShelf",
    "jsonpickle.decode",
    "jsonpickle.unpickler.decode",
    "jsonpickle.unpickler.Unpickler",
    "pandas.read_pickle",
];
