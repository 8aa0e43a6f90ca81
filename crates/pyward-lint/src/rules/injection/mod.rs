//! B6xx: injection — shell commands, SQL built from strings, wildcards,
//! Django's raw SQL, unsafe deserialisation of models, trojan source.
//! `ENGINE.md` says how to add a rule (one file, one line in the table
//! below).

pub(crate) mod names;

crate::rules! {}
