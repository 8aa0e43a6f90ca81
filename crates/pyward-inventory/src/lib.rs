//! Inventory: every way a Python project states its dependencies
//! (requirements files, manifests, lockfiles, installed environments), read
//! into one list of [`pyward_model::Dependency`].
