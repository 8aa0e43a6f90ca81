//! B1xx: Bandit's miscellaneous checks. `ENGINE.md` says how to add one.

crate::rules! {
    assert_used::ASSERT_USED,
    exec_used::EXEC_USED,
    try_except_pass::TRY_EXCEPT_PASS,
}
