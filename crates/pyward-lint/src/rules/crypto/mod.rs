//! B5xx: cryptography and TLS — certificate validation, protocol
//! versions, key sizes, unsafe YAML, SSH host keys, SNMP. `ENGINE.md` says
//! how to add a rule (one file, one line in the table below).

crate::rules! {
    request_with_no_cert_validation::REQUEST_WITH_NO_CERT_VALIDATION,
    ssl_with_bad_version::SSL_WITH_BAD_VERSION,
    ssl_with_bad_defaults::SSL_WITH_BAD_DEFAULTS,
    ssl_with_no_version::SSL_WITH_NO_VERSION,
    weak_cryptographic_key::WEAK_CRYPTOGRAPHIC_KEY,
    yaml_load::YAML_LOAD,
    ssh_no_host_key_verification::SSH_NO_HOST_KEY_VERIFICATION,
    snmp_insecure_version::SNMP_INSECURE_VERSION,
    snmp_weak_cryptography::SNMP_WEAK_CRYPTOGRAPHY,
}
