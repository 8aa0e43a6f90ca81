//! One module per scanner; `crate::scanner::REGISTRY` lists them.

pub(crate) mod code;
pub(crate) mod deps;
pub(crate) mod licenses;
pub(crate) mod names;
pub(crate) mod secrets;
