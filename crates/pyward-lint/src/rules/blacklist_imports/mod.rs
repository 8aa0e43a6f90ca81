//! B4xx: Bandit's import blacklist. Each rule lists module names; an
//! import of a name that starts with one of them is reported, and so is a
//! call of exactly one of them (`twcgi.CGIScript(...)`,
//! `importlib.import_module("telnetlib")`). As in Bandit, one statement
//! or call gets at most one finding: that of the first
//! enabled rule, in id order, that matches one of its names. `ENGINE.md`
//! says how to add a rule (here also add its arm to `qualnames`).

use std::collections::HashMap;
use std::sync::OnceLock;

use ruff_text_size::TextRange;

use crate::checker::{Checker, Issue};
use crate::imports::{ImportKind, ImportedModule};
use crate::registry::Rule;

/// This family's key for [`Checker::memo_rule`].
const FAMILY: &str = "blacklist_imports";

crate::rules! {
    import_telnetlib::IMPORT_TELNETLIB,
    import_ftplib::IMPORT_FTPLIB,
    import_pickle::IMPORT_PICKLE,
    import_subprocess::IMPORT_SUBPROCESS,
    import_xml_etree::IMPORT_XML_ETREE,
    import_xml_sax::IMPORT_XML_SAX,
    import_xml_expat::IMPORT_XML_EXPAT,
    import_xml_minidom::IMPORT_XML_MINIDOM,
    import_xml_pulldom::IMPORT_XML_PULLDOM,
    import_xmlrpclib::IMPORT_XMLRPCLIB,
    import_httpoxy::IMPORT_HTTPOXY,
    import_pycrypto::IMPORT_PYCRYPTO,
    import_pyghmi::IMPORT_PYGHMI,
}

/// Each rule with its names, in id order (the order Bandit matches in).
static TABLE: &[(&Rule, &[&str])] = &[
    (
        &import_telnetlib::IMPORT_TELNETLIB,
        import_telnetlib::QUALNAMES,
    ),
    (&import_ftplib::IMPORT_FTPLIB, import_ftplib::QUALNAMES),
    (&import_pickle::IMPORT_PICKLE, import_pickle::QUALNAMES),
    (
        &import_subprocess::IMPORT_SUBPROCESS,
        import_subprocess::QUALNAMES,
    ),
    (
        &import_xml_etree::IMPORT_XML_ETREE,
        import_xml_etree::QUALNAMES,
    ),
    (&import_xml_sax::IMPORT_XML_SAX, import_xml_sax::QUALNAMES),
    (
        &import_xml_expat::IMPORT_XML_EXPAT,
        import_xml_expat::QUALNAMES,
    ),
    (
        &import_xml_minidom::IMPORT_XML_MINIDOM,
        import_xml_minidom::QUALNAMES,
    ),
    (
        &import_xml_pulldom::IMPORT_XML_PULLDOM,
        import_xml_pulldom::QUALNAMES,
    ),
    (
        &import_xmlrpclib::IMPORT_XMLRPCLIB,
        import_xmlrpclib::QUALNAMES,
    ),
    (&import_httpoxy::IMPORT_HTTPOXY, import_httpoxy::QUALNAMES),
    (
        &import_pycrypto::IMPORT_PYCRYPTO,
        import_pycrypto::QUALNAMES,
    ),
    (&import_pyghmi::IMPORT_PYGHMI, import_pyghmi::QUALNAMES),
];

/// For calls (compared whole): name -> the first rule that has it.
fn call_index() -> &'static HashMap<&'static str, &'static Rule> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Rule>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        for &(rule, qualnames) in TABLE {
            for &name in qualnames {
                index.entry(name).or_insert(rule);
            }
        }
        index
    })
}

/// The first enabled rule, in id order, that matches `import`.
fn winner(checker: &Checker<'_>, import: &ImportedModule<'_>) -> Option<&'static Rule> {
    if import.kind == ImportKind::Call
        && !import
            .names
            .iter()
            .any(|name| call_index().contains_key(name))
    {
        return None;
    }
    TABLE
        .iter()
        .find(|(rule, qualnames)| {
            checker.is_enabled(rule) && import.first_match(qualnames).is_some()
        })
        .map(|(rule, _)| *rule)
}

/// Reports `rule` on `import` when it is the first enabled rule of the
/// family (in id order) that matches; worked out once per statement or
/// call for the whole family.
fn check_import(checker: &mut Checker<'_>, import: &ImportedModule<'_>, rule: &'static Rule) {
    let winner = checker.memo_rule(FAMILY, import.range, |checker| winner(checker, import));
    if !winner.is_some_and(|w| std::ptr::eq(w, rule)) {
        return;
    }
    let qualnames = TABLE
        .iter()
        .find(|(r, _)| std::ptr::eq(*r, rule))
        .map_or(&[][..], |(_, q)| *q);
    if let Some(name) = import.first_match(qualnames) {
        let message = rule.message.replace("{name}", name);
        report(checker, rule, import.range, message);
    }
}

fn report(checker: &mut Checker<'_>, rule: &'static Rule, range: TextRange, message: String) {
    checker.report_issue(Issue::new(rule, range).message(message));
}
