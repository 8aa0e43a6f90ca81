//! What the analysis of one file leaves for the project-wide pass: function
//! summaries, calls into the project, and findings waiting for a verdict.
//! No AST: these are small, and the pass over a whole tree keeps only
//! them.

use pyward_model::Finding;

use super::label::{SinkClass, Taint};

/// A place in a file shown in a data-flow path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spot {
    /// Index of the file in the run.
    pub(crate) file: u32,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) end_line: u32,
    pub(crate) end_column: u32,
    /// What happens there ("request parameter `name`", "passes through
    /// `clean()`").
    pub(crate) message: String,
}

/// A kind of untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceKind {
    /// Data of an HTTP request.
    Request,
    /// Command-line arguments, console input, environment variables (off
    /// unless configured).
    Local,
    /// A source declared in the configuration.
    Declared,
}

/// Where untrusted data enters.
#[derive(Debug, Clone)]
pub(crate) struct SourceInfo {
    pub(crate) spot: Spot,
    pub(crate) kind: SourceKind,
}

/// One call step of a path: the call site, and the step before it (0:
/// none; the table's entry 0 is a placeholder).
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) spot: Spot,
    pub(crate) prev: u32,
}

/// A call to a function of the project, with what its arguments carry.
#[derive(Debug, Clone)]
pub(crate) struct CallSite {
    /// Dotted name of the callee (`pkg.helpers.clean`, `pkg.views.View.get`).
    pub(crate) callee: String,
    /// Positional arguments (the receiver first for `self.method()`);
    /// `None` past a `*args`, whose positions are unknown.
    pub(crate) args: Vec<Taint>,
    pub(crate) kwargs: Vec<(String, Taint)>,
    /// The call has `*args` or `**kwargs`: arguments past `args` are
    /// unknown.
    pub(crate) spread: Option<Taint>,
    /// Where: a [`Step`] spot.
    pub(crate) spot: Spot,
}

/// What a function does with data, in terms of its own parameters.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    /// Dotted name: module, classes, function.
    pub(crate) name: String,
    /// Parameter names in positional order.
    pub(crate) params: Vec<String>,
    /// What its return values carry (`Param` labels: that argument flows
    /// to the result; empty: only constants).
    pub(crate) returns: Taint,
    /// Candidates (indices in the file's table) in its body.
    pub(crate) candidates: Vec<u32>,
    /// Call sites (indices in the file's table) of its body whose
    /// arguments carry something.
    pub(crate) calls: Vec<u32>,
}

/// How a candidate's verdict is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// A data-flow rule: reported only when untrusted data reaches it.
    Flow,
    /// A Bandit check in the precise profile: dropped when only constants
    /// or sanitised values reach it, reported with high confidence and
    /// the path when untrusted data does, as Bandit reports it otherwise.
    Bandit,
}

/// A finding that waits for the project-wide pass.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// The finding as it would be reported (location, snippet, nosec
    /// already applied).
    pub(crate) finding: Finding,
    pub(crate) class: SinkClass,
    pub(crate) policy: Policy,
    /// What reaches the sink.
    pub(crate) taint: Taint,
    /// For XML parsers: the parser is known to resolve external entities
    /// (the finding needs it); `None` when that does not matter.
    pub(crate) gate: Option<bool>,
    /// Where the sink is, for the path.
    pub(crate) spot: Spot,
    /// How the sink is called in messages (`cursor.execute`).
    pub(crate) sink: String,
}

/// Data-flow sinks of a scope that was not analysed: only untrusted data
/// from elsewhere could reach them (through the scope's parameters, or the
/// project functions it calls).
#[derive(Debug)]
pub(crate) struct Deferred {
    /// Dotted path in the file (`Class.method`, `<module>`).
    pub(crate) path: String,
    /// The findings, as the walk left them.
    pub(crate) pending: Vec<super::file::Pending>,
    /// The project functions the scope calls (dotted names).
    pub(crate) calls: Vec<String>,
}

/// Everything one file leaves for the project-wide pass. Ids in labels
/// (`Origin::Source`, `Origin::Call`, `via`) index this file's tables until
/// the pass renumbers them.
#[derive(Debug, Default)]
pub(crate) struct FileFacts {
    pub(crate) sources: Vec<SourceInfo>,
    pub(crate) steps: Vec<Step>,
    pub(crate) sites: Vec<CallSite>,
    pub(crate) summaries: Vec<Summary>,
    pub(crate) candidates: Vec<Candidate>,
    pub(crate) deferred: Vec<Deferred>,
}
