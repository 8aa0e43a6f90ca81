//! The semantic layer: per-scope bindings, control-flow graphs, a forward
//! data-flow solver with reaching definitions, and constant folding. The
//! taint analysis (`crate::taint`) and rules that need more than one node
//! (`django_mark_safe`, `zipfile_extractall_unchecked`) build on it.
//!
//! Nothing here recurses on the depth of the input without a limit:
//! statement nesting stops at [`MAX_DEPTH`] (the body is then "too deep"
//! and analyses give up on it), expression walks are iterative
//! (`walk.rs`).

pub(crate) mod cfg;
pub(crate) mod constant;
pub(crate) mod dataflow;
pub(crate) mod reaching;
pub(crate) mod scope;
pub(crate) mod walk;

/// Statements nested deeper than this are not analysed (CPython itself
/// stops at 100 levels of indentation).
pub(crate) const MAX_DEPTH: usize = 100;
