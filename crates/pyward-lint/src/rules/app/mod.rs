//! B2xx: application frameworks (Flask debug mode, tarfile extraction).
//! `ENGINE.md` says how to add a rule.

crate::rules! {
    flask_debug_true::FLASK_DEBUG_TRUE,
    tarfile_unsafe_members::TARFILE_UNSAFE_MEMBERS,
}
