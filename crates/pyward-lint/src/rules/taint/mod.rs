//! PW7xx: data-flow rules, one per class of sink. The walk finds the sinks
//! (`crate::taint::sinks`), the taint analysis decides which ones
//! untrusted data reaches.

crate::rules! {
    sql_injection::SQL_INJECTION,
    command_injection::COMMAND_INJECTION,
    code_injection::CODE_INJECTION,
    path_traversal::PATH_TRAVERSAL,
    reflected_xss::REFLECTED_XSS,
    template_injection::TEMPLATE_INJECTION,
    open_redirect::OPEN_REDIRECT,
    server_side_request_forgery::SERVER_SIDE_REQUEST_FORGERY,
    ldap_injection::LDAP_INJECTION,
    xpath_injection::XPATH_INJECTION,
    xml_external_entities::XML_EXTERNAL_ENTITIES,
    untrusted_deserialization::UNTRUSTED_DESERIALIZATION,
    session_trust_boundary::SESSION_TRUST_BOUNDARY,
    header_injection::HEADER_INJECTION,
    log_injection::LOG_INJECTION,
}
