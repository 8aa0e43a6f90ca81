//! B6xx: injection — shell commands, SQL built from strings, wildcards,
//! Django's raw SQL, unsafe model loading, trojan source. `ENGINE.md` says
//! how to add a rule (one file, one line in the table below).

pub(crate) mod names;
mod shell;

crate::rules! {
    paramiko_calls::PARAMIKO_CALLS,
    subprocess_popen_with_shell_equals_true::SUBPROCESS_POPEN_WITH_SHELL_EQUALS_TRUE,
    subprocess_without_shell_equals_true::SUBPROCESS_WITHOUT_SHELL_EQUALS_TRUE,
    any_other_function_with_shell_equals_true::ANY_OTHER_FUNCTION_WITH_SHELL_EQUALS_TRUE,
    start_process_with_a_shell::START_PROCESS_WITH_A_SHELL,
    start_process_with_no_shell::START_PROCESS_WITH_NO_SHELL,
    start_process_with_partial_path::START_PROCESS_WITH_PARTIAL_PATH,
    hardcoded_sql_expressions::HARDCODED_SQL_EXPRESSIONS,
    linux_commands_wildcard_injection::LINUX_COMMANDS_WILDCARD_INJECTION,
    django_extra_used::DJANGO_EXTRA_USED,
    django_rawsql_used::DJANGO_RAWSQL_USED,
    logging_config_insecure_listen::LOGGING_CONFIG_INSECURE_LISTEN,
    trojansource::TROJANSOURCE,
    pytorch_load::PYTORCH_LOAD,
    huggingface_unsafe_download::HUGGINGFACE_UNSAFE_DOWNLOAD,
}
