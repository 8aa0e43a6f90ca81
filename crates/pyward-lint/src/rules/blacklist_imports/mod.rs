//! B4xx: Bandit's import blacklist. Each rule lists module names; an
//! import of a name that starts with one of them is reported, and so is a
//! call of exactly one of them (`twcgi.CGIScript(...)`,
//! `importlib.import_module("telnetlib")`). As in Bandit, one statement
//! or call gets at most one finding: that of the first
//! enabled rule, in id order, that matches one of its names. `ENGINE.md`
//! says how to add a rule (here also add its arm to `qualnames`).

use ruff_text_size::TextRange;

use crate::checker::{Checker, Issue};
use crate::imports::ImportedModule;
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

/// The names a rule of this family flags.
fn qualnames(code: &str) -> &'static [&'static str] {
    match code {
        "B401" => import_telnetlib::QUALNAMES,
        "B402" => import_ftplib::QUALNAMES,
        "B403" => import_pickle::QUALNAMES,
        "B404" => import_subprocess::QUALNAMES,
        "B405" => import_xml_etree::QUALNAMES,
        "B406" => import_xml_sax::QUALNAMES,
        "B407" => import_xml_expat::QUALNAMES,
        "B408" => import_xml_minidom::QUALNAMES,
        "B409" => import_xml_pulldom::QUALNAMES,
        "B411" => import_xmlrpclib::QUALNAMES,
        "B412" => import_httpoxy::QUALNAMES,
        "B413" => import_pycrypto::QUALNAMES,
        "B415" => import_pyghmi::QUALNAMES,
        _ => &[],
    }
}

/// Reports `rule` on `import` when it is the first enabled rule of the
/// family (in id order) that matches; worked out once per statement or
/// call for the whole family.
fn check_import(checker: &mut Checker<'_>, import: &ImportedModule<'_>, rule: &'static Rule) {
    let winner = checker.memo_rule("blacklist_imports", import.range, |checker| {
        RULES.iter().copied().find(|candidate| {
            checker.is_enabled(candidate) && import.first_match(qualnames(candidate.code)).is_some()
        })
    });
    if !winner.is_some_and(|w| std::ptr::eq(w, rule)) {
        return;
    }
    if let Some(name) = import.first_match(qualnames(rule.code)) {
        let message = rule.message.replace("{name}", name);
        report(checker, rule, import.range, message);
    }
}

fn report(checker: &mut Checker<'_>, rule: &'static Rule, range: TextRange, message: String) {
    checker.report_issue(Issue::new(rule, range).message(message));
}
