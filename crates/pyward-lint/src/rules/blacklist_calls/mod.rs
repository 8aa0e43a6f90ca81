//! B3xx: Bandit's call blacklist. Each rule lists the qualified names it
//! flags; a call whose function resolves to one of them is reported (with
//! `{name}` in the message replaced by that name). `ENGINE.md` says how to
//! add a rule.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::registry::Rule;
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};

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

/// Each name-table rule with its names (B324 is not a table).
static TABLE: &[(&Rule, &[&str])] = &[
    (&pickle::PICKLE, pickle::QUALNAMES),
    (&marshal::MARSHAL, marshal::QUALNAMES),
    (&md5::MD5, md5::QUALNAMES),
    (&ciphers::CIPHERS, ciphers::QUALNAMES),
    (&cipher_modes::CIPHER_MODES, cipher_modes::QUALNAMES),
    (&mktemp_q::MKTEMP_Q, mktemp_q::QUALNAMES),
    (&eval::EVAL, eval::QUALNAMES),
    (&mark_safe::MARK_SAFE, mark_safe::QUALNAMES),
    (&urllib_urlopen::URLLIB_URLOPEN, urllib_urlopen::QUALNAMES),
    (&random::RANDOM, random::QUALNAMES),
    (&telnetlib::TELNETLIB, telnetlib::QUALNAMES),
    (
        &xml_bad_celementtree::XML_BAD_CELEMENTTREE,
        xml_bad_celementtree::QUALNAMES,
    ),
    (
        &xml_bad_elementtree::XML_BAD_ELEMENTTREE,
        xml_bad_elementtree::QUALNAMES,
    ),
    (
        &xml_bad_expatreader::XML_BAD_EXPATREADER,
        xml_bad_expatreader::QUALNAMES,
    ),
    (
        &xml_bad_expatbuilder::XML_BAD_EXPATBUILDER,
        xml_bad_expatbuilder::QUALNAMES,
    ),
    (&xml_bad_sax::XML_BAD_SAX, xml_bad_sax::QUALNAMES),
    (
        &xml_bad_minidom::XML_BAD_MINIDOM,
        xml_bad_minidom::QUALNAMES,
    ),
    (
        &xml_bad_pulldom::XML_BAD_PULLDOM,
        xml_bad_pulldom::QUALNAMES,
    ),
    (&ftplib::FTPLIB, ftplib::QUALNAMES),
    (
        &unverified_context::UNVERIFIED_CONTEXT,
        unverified_context::QUALNAMES,
    ),
];

/// Qualified name -> the rule that flags it, for every rule of the table.
///
/// Fx-hashed: every call of every file is looked up here, and the keys
/// are this table's own names (input only probes them).
fn index() -> &'static FxHashMap<&'static str, &'static Rule> {
    static INDEX: OnceLock<FxHashMap<&'static str, &'static Rule>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = FxHashMap::default();
        for &(rule, qualnames) in TABLE {
            for &name in qualnames {
                index.entry(name).or_insert(rule);
            }
        }
        index
    })
}

/// The check every table rule of the family shares ([`Check::SharedCall`]):
/// the rule whose names the call's function resolves to, reported when it
/// is enabled.
///
/// [`Check::SharedCall`]: crate::registry::Check::SharedCall
pub(super) static CHECK: crate::registry::CallCheck = check_call;

fn check_call(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(&rule) = checker
        .call_qualified_name(call)
        .and_then(|name| index().get(name.as_str()))
    else {
        return;
    };
    if !checker.is_enabled(rule) {
        return;
    }
    let Some(name) = checker.call_qualified_name(call) else {
        return;
    };
    let message = if rule.message.contains("{name}") {
        rule.message.replace("{name}", name.as_str()).into()
    } else {
        std::borrow::Cow::Borrowed(rule.message)
    };
    let mut issue = Issue::new(rule, call.range()).message(message);
    if let Some(class) = data_class(rule.code) {
        issue = issue.data(class, select(call, Args::First(DATA_KEYWORDS)));
    }
    checker.report_issue(issue);
}

/// The keyword names of the data argument of the calls below.
const DATA_KEYWORDS: &[&str] = &[
    "data",
    "s",
    "source",
    "url",
    "expression",
    "string",
    "text",
    "file",
];

/// The rules whose danger is in the data they are given (the precise
/// profile asks the data-flow analysis about their first argument), with
/// the kind of sink: deserialisers, `eval`, `mark_safe`, `urlopen`, XML
/// parsers.
fn data_class(code: &str) -> Option<SinkClass> {
    Some(match code {
        "B301" | "B302" => SinkClass::Deserialization,
        "B307" => SinkClass::Code,
        "B308" => SinkClass::Xss,
        "B310" => SinkClass::Ssrf,
        "B313" | "B314" | "B315" | "B316" | "B317" | "B318" | "B319" => SinkClass::Xxe,
        _ => return None,
    })
}
