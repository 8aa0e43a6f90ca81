//! See `rules/mod.rs` for what this family covers; `ENGINE.md` for how to
//! add a rule (one file, one line in the table below).

crate::rules! {}
