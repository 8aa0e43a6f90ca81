//! Every rule, one folder per family, one file per rule. Each family's
//! `mod.rs` lists its rules with `crate::rules!`; this file lists the
//! families.

use crate::registry::Rule;

/// B2xx: application frameworks (Flask debug, tarfile members).
pub(crate) mod app;
/// B3xx: Bandit's call blacklist.
pub(crate) mod blacklist_calls;
/// B4xx: Bandit's import blacklist.
pub(crate) mod blacklist_imports;
/// B5xx: cryptography and TLS.
pub(crate) mod crypto;
/// B6xx: injection (shell, SQL, wildcards, ...).
pub(crate) mod injection;
/// B1xx: asserts, exec, permissions, bind-all, passwords, temp files,
/// try/except, timeouts.
pub(crate) mod misc;
/// PW: pyward's own checks.
pub(crate) mod pyward;
/// PW7xx: data-flow rules, one per class of sink.
pub(crate) mod taint;
/// B7xx: templates and cross-site scripting.
pub(crate) mod templates;

/// Every family's table, in id order.
pub(crate) static FAMILIES: &[&[&Rule]] = &[
    misc::RULES,
    app::RULES,
    blacklist_calls::RULES,
    blacklist_imports::RULES,
    crypto::RULES,
    injection::RULES,
    templates::RULES,
    pyward::RULES,
    taint::RULES,
];
