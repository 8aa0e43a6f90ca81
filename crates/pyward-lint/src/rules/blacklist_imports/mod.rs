//! B4xx: Bandit's import blacklist. Each rule lists module names; an
//! import of a name that starts with one of them is reported, and so is a
//! call of exactly one of them (`twcgi.CGIScript(...)`,
//! `importlib.import_module("telnetlib")`). As in Bandit, one statement
//! or call gets at most one finding: that of the first
//! enabled rule, in id order, that matches one of its names. `ENGINE.md`
//! says how to add a rule (here also add its arm to `qualnames`).

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use ruff_text_size::TextRange;

use crate::checker::{Checker, Issue};
use crate::imports::{ImportKind, ImportedModule};
use crate::registry::Rule;

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
///
/// Fx-hashed: every call of every file is looked up here, and the keys
/// are this table's own names (input only probes them).
fn call_index() -> &'static FxHashMap<&'static str, &'static Rule> {
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

/// The check every rule of the family shares ([`Check::SharedImport`]):
/// reports `import` under the first enabled rule of the family (in id
/// order) that matches.
///
/// [`Check::SharedImport`]: crate::registry::Check::SharedImport
pub(super) static CHECK: crate::registry::ImportCheck = check_import;

fn check_import(checker: &mut Checker<'_>, import: &ImportedModule<'_>) {
    let Some(rule) = winner(checker, import) else {
        return;
    };
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
