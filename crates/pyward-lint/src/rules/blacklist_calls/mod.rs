//! B3xx: Bandit's call blacklist. Each rule lists the qualified names it
//! flags; a call whose function resolves to one of them is reported (with
//! `{name}` in the message replaced by that name). `ENGINE.md` says how to
//! add a rule.

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::registry::Rule;

crate::rules! {
    pickle::PICKLE,
    marshal::MARSHAL,
    md5::MD5,
    ciphers::CIPHERS,
    cipher_modes::CIPHER_MODES,
    mktemp_q::MKTEMP_Q,
    eval::EVAL,
    mark_safe::MARK_SAFE,
    urllib_urlopen::URLLIB_URLOPEN,
    random::RANDOM,
    telnetlib::TELNETLIB,
    xml_bad_celementtree::XML_BAD_CELEMENTTREE,
    xml_bad_elementtree::XML_BAD_ELEMENTTREE,
    xml_bad_expatreader::XML_BAD_EXPATREADER,
    xml_bad_expatbuilder::XML_BAD_EXPATBUILDER,
    xml_bad_sax::XML_BAD_SAX,
    xml_bad_minidom::XML_BAD_MINIDOM,
    xml_bad_pulldom::XML_BAD_PULLDOM,
    ftplib::FTPLIB,
    unverified_context::UNVERIFIED_CONTEXT,
    hashlib::HASHLIB,
}

/// Reports `rule` when `call`'s function resolves to one of `qualnames`.
fn check_call(checker: &mut Checker<'_>, call: &ExprCall, rule: &'static Rule, qualnames: &[&str]) {
    let Some(name) = checker.call_qualified_name(call) else {
        return;
    };
    if !qualnames.contains(&name.as_str()) {
        return;
    }
    let message = if rule.message.contains("{name}") {
        rule.message.replace("{name}", name.as_str()).into()
    } else {
        std::borrow::Cow::Borrowed(rule.message)
    };
    checker.report_issue(Issue::new(rule, call.range()).message(message));
}
