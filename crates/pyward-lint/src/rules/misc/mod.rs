//! B1xx: Bandit's miscellaneous checks. `ENGINE.md` says how to add one.

crate::rules! {
    assert_used::ASSERT_USED,
    exec_used::EXEC_USED,
    set_bad_file_permissions::SET_BAD_FILE_PERMISSIONS,
    hardcoded_bind_all_interfaces::HARDCODED_BIND_ALL_INTERFACES,
    hardcoded_password_string::HARDCODED_PASSWORD_STRING,
    hardcoded_password_funcarg::HARDCODED_PASSWORD_FUNCARG,
    hardcoded_password_default::HARDCODED_PASSWORD_DEFAULT,
    hardcoded_tmp_directory::HARDCODED_TMP_DIRECTORY,
    try_except_pass::TRY_EXCEPT_PASS,
    try_except_continue::TRY_EXCEPT_CONTINUE,
    request_without_timeout::REQUEST_WITHOUT_TIMEOUT,
}
