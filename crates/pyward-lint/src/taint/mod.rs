//! Taint analysis: where values come from, and whether untrusted ones
//! reach a dangerous sink.
//!
//! Runs in two phases so that a tree is analysed with one parse per file:
//!
//! 1. Per file (`file.rs`, `engine.rs`), after the rule walk: the scopes
//!    that matter (those with a finding waiting for a verdict, request
//!    handlers, and the functions of the file they call) are interpreted
//!    over their control-flow graphs. A call into the project becomes a
//!    call-site entry; each function gets a summary (what its parameters
//!    and sources make of its return value). What is kept is small
//!    (`facts.rs`): no AST outlives its file.
//! 2. Over the tree (`resolve.rs`): summaries are closed over calls, the
//!    files defining functions that a pending verdict still needs are
//!    read again (few), and each waiting finding is decided.

pub(crate) mod config;
pub(crate) mod engine;
pub(crate) mod facts;
pub(crate) mod file;
pub(crate) mod label;
pub(crate) mod models;
pub(crate) mod project;
pub(crate) mod resolve;
pub(crate) mod sinks;
pub(crate) mod value;

pub use config::TaintConfig;
pub use label::SinkClass;
