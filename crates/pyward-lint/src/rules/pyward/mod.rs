//! PW: pyward's own checks, for what the best-practice guides (OWASP, the
//! Django deployment checklist, the Python documentation) ask and Bandit
//! does not check. `ENGINE.md` says how to add a rule.
//!
//! Numbering: the hundreds say what a rule is about, the units count.
//!
//! | range | about |
//! | --- | --- |
//! | PW0xx | the suppression comments themselves |
//! | PW1xx | cryptography, secrets and randomness |
//! | PW2xx | framework configuration (Django settings) |
//! | PW3xx | web handlers: what they send back |
//! | PW4xx | network clients |
//! | PW5xx | files and archives |
//! | PW6xx | control flow: checks that can disappear |
//!
//! A new rule takes the next free number in its range; numbers of removed
//! rules are never reused. Checks Bandit already has are not repeated:
//! `tempfile.mktemp` is Bandit's B306, `requests.get()` without a timeout
//! its B113, `tarfile.extractall` its B202.
//!
//! Every `PW` rule is meant to be one nobody wants to switch off: each one
//! needs a second piece of evidence before it reports (a name that says
//! "password", a settings module, a route decorator, ...), and its docs say
//! which. Test code (a `test`/`tests` folder, `test_*.py`, `*_test.py`,
//! `conftest.py`) is not checked by the `PW` rules: a test that hashes a
//! password with MD5 or calls a server without a timeout harms nobody.

mod django;
mod words;

pub(crate) use unused_suppression::UNUSED_SUPPRESSION as UNUSED_SUPPRESSION_RULE;

crate::rules! {
    unused_suppression::UNUSED_SUPPRESSION,
    password_fast_hash::PASSWORD_FAST_HASH,
    insecure_random_secret::INSECURE_RANDOM_SECRET,
    django_debug_true::DJANGO_DEBUG_TRUE,
    django_allowed_hosts_wildcard::DJANGO_ALLOWED_HOSTS_WILDCARD,
    django_hardcoded_secret_key::DJANGO_HARDCODED_SECRET_KEY,
    exception_details_in_response::EXCEPTION_DETAILS_IN_RESPONSE,
    request_without_timeout_session::REQUEST_WITHOUT_TIMEOUT_SESSION,
    zipfile_extractall_unchecked::ZIPFILE_EXTRACTALL_UNCHECKED,
    shutil_unpack_archive_unfiltered::SHUTIL_UNPACK_ARCHIVE_UNFILTERED,
    assert_authorization::ASSERT_AUTHORIZATION,
}
