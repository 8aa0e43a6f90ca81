//! Look-alike package names (typosquatting): whether a dependency's name is
//! a near miss of one of the 15,000 most downloaded PyPI projects (embedded
//! in the library), and which one. It compares names only, by a fixed set of
//! rules (one or two edits scaled to the name's length, swapped, doubled or
//! dropped letters, separators, look-alike characters, Python affixes), each
//! gated by how much more popular the imitated project is than the name can
//! be; the crate README explains the rules and their reasons. It does not
//! fetch anything, look at a package's contents or its real download
//! count, or decide what a finding is: the engine turns a [`LookAlike`] into
//! one.
//!
//! ```text
//! Checker::builtin() (once, a few ms) --check(&PackageName)--> Option<LookAlike>
//! check(&PackageName, &AllowList) uses a process-wide built-in Checker
//! ```

mod checker;
mod confusable;
mod distance;
mod index;
mod rules;
mod technique;

use std::sync::OnceLock;

use pyward_model::PackageName;

pub use checker::{AllowList, Checker, LookAlike};
pub use technique::{Affix, AffixPosition, Technique};

/// The popular project `name` imitates, compared with the built-in list,
/// unless `name` is popular itself or on `allow`. The built-in [`Checker`] is
/// built on the first call and kept for the life of the process.
pub fn check(name: &PackageName, allow: &AllowList) -> Option<LookAlike> {
    static BUILTIN: OnceLock<Checker> = OnceLock::new();
    BUILTIN
        .get_or_init(Checker::builtin)
        .check_allowing(name, allow)
}
