//! One module per scanner; `crate::scanner::REGISTRY` lists them.

pub(crate) mod code;
pub(crate) mod deps;
pub(crate) mod secrets;
