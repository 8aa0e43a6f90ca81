//! B4xx: Bandit's import blacklist. Each rule lists module names; an
//! import of a name that starts with one of them is reported. As in
//! Bandit, one statement gets at most one finding: that of the first
//! enabled rule, in id order, that matches one of its names. `ENGINE.md`
//! says how to add a rule (here also add its arm to `qualnames`).

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

/// The name (as Bandit reports it) that `qualnames` matches in `import`.
fn matching_name<'a>(import: &'a ImportedModule<'_>, qualnames: &[&str]) -> Option<&'a str> {
    for (full, name) in import.full_names() {
        let hit = match import.kind {
            // `__import__("m")` and `importlib.import_module("m")`: Bandit
            // compares the whole name.
            ImportKind::Call => qualnames.contains(&full.as_str()),
            ImportKind::Import | ImportKind::ImportFrom => {
                qualnames.iter().any(|q| full.starts_with(q))
            }
        };
        if hit {
            return Some(name);
        }
    }
    None
}

/// Reports `rule` on `import` when it is the first enabled rule of the
/// family that matches.
fn check_import(checker: &mut Checker<'_>, import: &ImportedModule<'_>, rule: &'static Rule) {
    for &candidate in RULES {
        if !checker.is_enabled(candidate) {
            continue;
        }
        if let Some(name) = matching_name(import, qualnames(candidate.code)) {
            if std::ptr::eq(candidate, rule) {
                let message = rule.message.replace("{name}", name);
                report(checker, rule, import.range, message);
            }
            return;
        }
    }
}

fn report(checker: &mut Checker<'_>, rule: &'static Rule, range: TextRange, message: String) {
    checker.report_issue(Issue::new(rule, range).message(message));
}
