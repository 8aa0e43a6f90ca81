//! One reading of a report for the formats people read (text, Markdown,
//! HTML): which section a finding belongs to, the order of advisories, the
//! upgrade that fixes a package, findings on one line about one value
//! grouped into one entry, long runs of one rule in one file collapsed, and
//! the headline an advisory is shown by. The machine formats do none of
//! this: they keep every finding as its own record.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use pyward_model::{Finding, FindingKind, PackageName, Report, Severity, Version};

/// The parts of a human report, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Section {
    /// Known vulnerabilities in dependencies.
    Dependencies,
    /// Malicious and look-alike packages, and licenses the policy rejects.
    SupplyChain,
    Code,
    Secrets,
}

impl Section {
    pub(crate) const ALL: [Section; 4] = [
        Section::Dependencies,
        Section::SupplyChain,
        Section::Code,
        Section::Secrets,
    ];

    pub(crate) fn of(kind: FindingKind) -> Section {
        match kind {
            FindingKind::Vulnerability => Section::Dependencies,
            FindingKind::Malicious | FindingKind::Typosquat | FindingKind::License => {
                Section::SupplyChain
            }
            FindingKind::Code => Section::Code,
            FindingKind::Secret => Section::Secrets,
        }
    }

    pub(crate) fn title(self) -> &'static str {
        match self {
            Section::Dependencies => "Dependencies",
            Section::SupplyChain => "Supply chain",
            Section::Code => "Code",
            Section::Secrets => "Secrets",
        }
    }

    /// An id for anchors and filters.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Section::Dependencies => "dependencies",
            Section::SupplyChain => "supply-chain",
            Section::Code => "code",
            Section::Secrets => "secrets",
        }
    }

    pub(crate) fn is_about_packages(self) -> bool {
        matches!(self, Section::Dependencies | Section::SupplyChain)
    }
}

/// The findings of one package at one version in one place (a project
/// file, or an installed environment).
#[derive(Debug)]
pub(crate) struct PackageGroup<'a> {
    pub package: String,
    pub version: Option<String>,
    pub source: Option<&'a str>,
    pub line: Option<u32>,
    pub environment: Option<&'a str>,
    pub via: &'a [PackageName],
    /// Most severe first, then by id in natural order.
    pub findings: Vec<&'a Finding>,
    /// The smallest release that fixes every vulnerability of the group.
    pub upgrade: Option<Version>,
}

impl PackageGroup<'_> {
    pub(crate) fn severity(&self) -> Severity {
        self.findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Unknown)
    }

    /// How many of the findings are advisories (what an upgrade fixes).
    pub(crate) fn advisories(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.kind == FindingKind::Vulnerability)
            .count()
    }

    /// "upgrade django 3.0.1 → 3.1.12 fixes 10 advisories", when one
    /// release fixes them all.
    pub(crate) fn upgrade_line(&self) -> Option<String> {
        let to = self.upgrade.as_ref()?;
        let n = self.advisories();
        Some(format!(
            "upgrade {} {} → {to} fixes {n} {}",
            self.package,
            self.version.as_deref().unwrap_or("?"),
            plural(n, "advisory", "advisories")
        ))
    }

    /// When no single release helps: how many advisories have no fix yet.
    pub(crate) fn unfixed(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| {
                f.kind == FindingKind::Vulnerability
                    && f.fix_versions.as_ref().is_none_or(Vec::is_empty)
            })
            .count()
    }
}

/// Dependency findings grouped by (environment, package, version), the
/// groups most severe first, then by name.
pub(crate) fn package_groups<'a>(findings: &[&'a Finding]) -> Vec<PackageGroup<'a>> {
    // (environment, package, version)
    type Key<'k> = (Option<&'k str>, String, Option<String>);
    let mut by_key: BTreeMap<Key<'a>, Vec<&'a Finding>> = BTreeMap::new();
    for finding in findings {
        let package = finding
            .package
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let version = finding.version.clone().flatten();
        by_key
            .entry((finding.environment(), package, version))
            .or_default()
            .push(finding);
    }
    let mut groups: Vec<PackageGroup<'a>> = by_key
        .into_iter()
        .map(|((environment, package, version), mut findings)| {
            findings.sort_by(|a, b| by_severity_then_id(a, b));
            let first = findings[0];
            PackageGroup {
                package,
                version,
                source: first.source.as_deref(),
                line: first.dependency.as_ref().and_then(|d| d.line),
                environment,
                via: first.via(),
                upgrade: pyward_model::smallest_fixing_version(findings.iter().copied()),
                findings,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.severity()
            .cmp(&a.severity())
            .then_with(|| a.package.cmp(&b.package))
            .then_with(|| a.environment.cmp(&b.environment))
    });
    groups
}

/// Most severe first; equal severities by id, naturally
/// (`PYSEC-2021-7` before `PYSEC-2021-109`).
pub(crate) fn by_severity_then_id(a: &Finding, b: &Finding) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| natural_cmp(&a.id, &b.id))
}

/// Compares runs of digits as numbers and the rest as text.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let a_digit = a.starts_with(|c: char| c.is_ascii_digit());
        let b_digit = b.starts_with(|c: char| c.is_ascii_digit());
        let split = |s: &'_ str, digits: bool| -> usize {
            s.find(|c: char| c.is_ascii_digit() != digits)
                .unwrap_or(s.len())
        };
        let (a_run, a_rest) = a.split_at(split(a, a_digit));
        let (b_run, b_rest) = b.split_at(split(b, b_digit));
        let order = if a_digit && b_digit {
            let a_num = a_run.trim_start_matches('0');
            let b_num = b_run.trim_start_matches('0');
            a_num
                .len()
                .cmp(&b_num.len())
                .then_with(|| a_num.cmp(b_num))
                .then_with(|| a_run.len().cmp(&b_run.len()))
        } else {
            a_run.cmp(b_run)
        };
        if order != Ordering::Equal {
            return order;
        }
        a = a_rest;
        b = b_rest;
    }
}

/// Code and secret findings at one place about one value (B105,
/// `password-assignment` and PW203 on one `SECRET_KEY`): shown as one entry
/// listing every id.
#[derive(Debug)]
pub(crate) struct Entry<'a> {
    /// The most severe first; it gives the entry its message.
    pub findings: Vec<&'a Finding>,
}

impl<'a> Entry<'a> {
    pub(crate) fn primary(&self) -> &'a Finding {
        self.findings[0]
    }

    pub(crate) fn severity(&self) -> Severity {
        self.primary().severity
    }

    pub(crate) fn ids(&self) -> Vec<&'a str> {
        self.findings.iter().map(|f| f.id.as_str()).collect()
    }

    /// A secret among them puts the entry under secrets.
    pub(crate) fn section(&self) -> Section {
        if self.findings.iter().any(|f| f.kind == FindingKind::Secret) {
            Section::Secrets
        } else {
            Section::Code
        }
    }

    /// The CWEs of the entry's findings, once each.
    pub(crate) fn cwes(&self) -> Vec<&'a str> {
        let mut cwes: Vec<&str> = Vec::new();
        for cwe in self.findings.iter().filter_map(|f| f.cwe.as_deref()) {
            if !cwes.contains(&cwe) {
                cwes.push(cwe);
            }
        }
        cwes
    }
}

/// More than the threshold of one rule in one file, shown as a count.
#[derive(Debug)]
pub(crate) struct Collapsed<'a> {
    pub path: &'a str,
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub severity: Severity,
    pub count: usize,
    pub lines: (u32, u32),
    pub kind: FindingKind,
}

impl Collapsed<'_> {
    pub(crate) fn section(&self) -> Section {
        Section::of(self.kind)
    }

    pub(crate) fn hint(&self) -> String {
        format!(
            "`--verbose` lists each; `ignore = [\"{}\"]` under `[code]` silences the rule",
            self.id
        )
    }
}

/// One line of the code and secrets sections.
#[derive(Debug)]
pub(crate) enum Item<'a> {
    Entry(Entry<'a>),
    Collapsed(Collapsed<'a>),
}

impl Item<'_> {
    pub(crate) fn section(&self) -> Section {
        match self {
            Item::Entry(entry) => entry.section(),
            Item::Collapsed(collapsed) => collapsed.section(),
        }
    }
}

/// Code and secret findings as entries, by file and line; with a
/// threshold, runs longer than it of one rule in one file collapsed.
pub(crate) fn located_items<'a>(
    findings: &[&'a Finding],
    collapse: Option<usize>,
) -> Vec<Item<'a>> {
    let mut sorted: Vec<&'a Finding> = findings.to_vec();
    sorted.sort_by(|a, b| {
        place(a)
            .cmp(&place(b))
            .then_with(|| by_severity_then_id(a, b))
    });

    let mut items = Vec::new();
    let mut rest = sorted;
    if let Some(threshold) = collapse {
        let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for f in &rest {
            *counts.entry((place(f).0, f.id.as_str())).or_default() += 1;
        }
        let mut collapsed: BTreeMap<(&str, &str), Collapsed<'a>> = BTreeMap::new();
        rest.retain(|f| {
            let key = (place(f).0, f.id.as_str());
            if counts[&key] <= threshold {
                return true;
            }
            let line = place(f).1;
            collapsed
                .entry(key)
                .and_modify(|c| {
                    c.severity = c.severity.max(f.severity);
                    c.lines = (c.lines.0.min(line), c.lines.1.max(line));
                })
                .or_insert(Collapsed {
                    path: key.0,
                    id: key.1,
                    name: f.rule.as_deref(),
                    severity: f.severity,
                    count: counts[&key],
                    lines: (line, line),
                    kind: f.kind,
                });
            false
        });
        items.extend(collapsed.into_values().map(Item::Collapsed));
    }

    let mut entries: Vec<Entry<'a>> = Vec::new();
    for finding in rest {
        match entries.last_mut() {
            Some(entry) if same_value(entry.primary(), finding) => entry.findings.push(finding),
            _ => entries.push(Entry {
                findings: vec![finding],
            }),
        }
    }
    for entry in &mut entries {
        entry.findings.sort_by(|a, b| by_severity_then_id(a, b));
    }
    items.extend(entries.into_iter().map(Item::Entry));
    items.sort_by(|a, b| {
        let key = |item: &Item<'_>| match item {
            Item::Entry(e) => (place(e.primary()).0.to_string(), place(e.primary()).1),
            Item::Collapsed(c) => (c.path.to_string(), c.lines.0),
        };
        key(a).cmp(&key(b))
    });
    items
}

fn place(finding: &Finding) -> (&str, u32, u32) {
    finding
        .location
        .as_ref()
        .map_or(("", 0, 0), |l| (l.path.as_str(), l.line, l.column))
}

/// Same file and line, and the flagged ranges meet (or one has no end):
/// the same value seen by different checks.
fn same_value(a: &Finding, b: &Finding) -> bool {
    let (Some(la), Some(lb)) = (&a.location, &b.location) else {
        return false;
    };
    if la.path != lb.path || la.line != lb.line {
        return false;
    }
    let single_line = |l: &pyward_model::Location| l.end_line.is_none_or(|end| end == l.line);
    match (la.end_column, lb.end_column) {
        (Some(a_end), Some(b_end)) if single_line(la) && single_line(lb) => {
            la.column < b_end && lb.column < a_end || la.column == lb.column
        }
        _ => true,
    }
}

/// The sentence a finding is shown by: the advisory's summary, unless it
/// only describes the product ("Flask is a lightweight WSGI web
/// application framework."), else the first sentence of its details that
/// says what is wrong; the message of a code or secret finding. One line,
/// not cut (the caller fits it to a width).
pub(crate) fn headline(report: &Report, finding: &Finding) -> String {
    let package = finding.package.as_ref().map(PackageName::as_str);
    let summary = finding.summary.as_deref().map(one_line).unwrap_or_default();
    // Only advisories carry text written about a product by someone else.
    let from_advisory = matches!(
        finding.kind,
        FindingKind::Vulnerability | FindingKind::Malicious
    );
    if !from_advisory {
        if !summary.is_empty() {
            return summary;
        }
        return one_line(finding.message.as_deref().unwrap_or(""));
    }
    let details = finding
        .vulnerability()
        .and_then(|d| d.details.as_deref())
        .or_else(|| {
            report
                .rule(&finding.id)
                .map(|rule| rule.description.as_str())
        })
        .map(one_line)
        .unwrap_or_default();
    let chosen = sentences(&summary)
        .chain(sentences(&details))
        .find(|s| !is_product_description(s, package));
    if let Some(sentence) = chosen {
        return sentence.to_string();
    }
    let fallback = if summary.is_empty() {
        &details
    } else {
        &summary
    };
    if fallback.is_empty() {
        return one_line(finding.message.as_deref().unwrap_or(""));
    }
    first_sentence(fallback).to_string()
}

/// Whitespace runs (newlines included) as one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let sentence = first_sentence(rest);
        rest = rest[sentence.len()..].trim_start();
        Some(sentence)
    })
}

/// Up to the first `. ` (or `! `, `? `) that ends a sentence, not a
/// version (`3.0.1`) or an abbreviation (`e.g.`).
fn first_sentence(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            let word_start = text[..i].rfind(' ').map_or(0, |p| p + 1);
            let word = &text[word_start..i];
            let abbreviation = matches!(
                word,
                "e.g" | "i.e" | "etc" | "vs" | "approx" | "Inc" | "Ltd"
            ) || word.len() == 1;
            // Advisories start sentences with lower-case names
            // ("urllib3 doesn't ..."), so any word after `. ` starts one.
            let next_starts_word = text[i + 2..].starts_with(|c: char| !c.is_whitespace());
            if !abbreviation && next_starts_word {
                return &text[..=i];
            }
        }
    }
    text
}

/// "Flask is a lightweight WSGI web application framework.": names the
/// package (or any product) and says what it is, not what is wrong.
fn is_product_description(sentence: &str, package: Option<&str>) -> bool {
    let lower = sentence.to_lowercase();
    const PROBLEM_WORDS: [&str; 14] = [
        "vulnerab",
        "allow",
        "attack",
        "inject",
        "could",
        "may ",
        "can ",
        "before ",
        "prior to",
        "bypass",
        "overflow",
        "denial",
        "leak",
        "malicious",
    ];
    if PROBLEM_WORDS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    const DESCRIBING: [&str; 6] = [
        " is a ",
        " is an ",
        " is the ",
        " provides ",
        " is a python",
        " are a ",
    ];
    let Some(at) = DESCRIBING.iter().filter_map(|d| lower.find(d)).min() else {
        return false;
    };
    // The subject is short (a product name), and is the package where we
    // know it.
    let subject = &lower[..at];
    let subject_words = subject.split_whitespace().count();
    match package {
        Some(package) => {
            subject_words <= 4
                && (subject.replace(['_', '.', ' '], "-").contains(package) || subject_words <= 2)
        }
        None => subject_words <= 2,
    }
}

/// Where to read more about a finding: the rule's or advisory's page from
/// the catalogue, else the advisory's first reference, else OSV's page for
/// an advisory id OSV serves.
pub(crate) fn link(report: &Report, finding: &Finding) -> Option<String> {
    if let Some(uri) = report.rule(&finding.id).and_then(|r| r.help_uri.clone()) {
        return Some(uri);
    }
    if let Some(first) = finding.references().first() {
        return Some(first.clone());
    }
    let osv = ["PYSEC-", "GHSA-", "CVE-", "MAL-", "OSV-"];
    (finding.kind.is_dependency_kind() && osv.iter().any(|p| finding.id.starts_with(p)))
        .then(|| format!("https://osv.dev/vulnerability/{}", finding.id))
}

/// `CWE-78` as a link to MITRE's page.
pub(crate) fn cwe_url(cwe: &str) -> Option<String> {
    let number = cwe.strip_prefix("CWE-")?;
    number
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| format!("https://cwe.mitre.org/data/definitions/{number}.html"))
}

/// Counts per rule, as Ruff's `--statistics`: most frequent first.
pub(crate) struct RuleCount<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub severity: Severity,
    pub count: usize,
}

pub(crate) fn statistics(report: &Report) -> Vec<RuleCount<'_>> {
    let mut counts: BTreeMap<&str, RuleCount<'_>> = BTreeMap::new();
    for f in &report.findings {
        let entry = counts.entry(f.id.as_str()).or_insert_with(|| RuleCount {
            id: f.id.as_str(),
            name: f
                .rule
                .as_deref()
                .or_else(|| report.rule(&f.id).map(|r| r.name.as_str()))
                .filter(|name| *name != f.id)
                .or_else(|| report.rule(&f.id).map(|r| r.description.as_str())),
            severity: f.severity,
            count: 0,
        });
        entry.count += 1;
        entry.severity = entry.severity.max(f.severity);
    }
    let mut rows: Vec<RuleCount<'_>> = counts.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| natural_cmp(a.id, b.id)));
    rows
}

/// Findings split by section, in report order.
pub(crate) fn by_section(report: &Report) -> BTreeMap<Section, Vec<&Finding>> {
    let mut sections: BTreeMap<Section, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        sections.entry(Section::of(f.kind)).or_default().push(f);
    }
    sections
}

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `text` cut to `width` display columns, at a word where one is near,
/// with an ellipsis.
pub(crate) fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    let budget = width.saturating_sub(1);
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        cut = i + c.len_utf8();
    }
    let head = &text[..cut];
    let at_word = head.rfind(' ').filter(|&p| p >= cut * 2 / 3).unwrap_or(cut);
    format!("{}…", head[..at_word].trim_end())
}

/// Display width of `text`.
pub(crate) fn width_of(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn natural_order_of_ids() {
        let mut ids = vec![
            "PYSEC-2021-109",
            "PYSEC-2021-7",
            "PYSEC-2020-33",
            "B101",
            "B1",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "B1",
                "B101",
                "PYSEC-2020-33",
                "PYSEC-2021-7",
                "PYSEC-2021-109"
            ]
        );
        assert_eq!(natural_cmp("a01", "a1"), Ordering::Greater);
        assert_eq!(natural_cmp("x", "x"), Ordering::Equal);
    }

    #[test]
    fn product_descriptions_are_not_headlines() {
        assert!(is_product_description(
            "Flask is a lightweight WSGI web application framework.",
            Some("flask")
        ));
        assert!(is_product_description(
            "NumPy is the fundamental package for array computing.",
            Some("numpy")
        ));
        assert!(!is_product_description(
            "Flask is a framework that may leak session cookies.",
            Some("flask")
        ));
        assert!(!is_product_description(
            "An issue was discovered in Django 3.0 before 3.0.12.",
            Some("django")
        ));
    }

    #[test]
    fn first_sentence_skips_versions_and_abbreviations() {
        assert_eq!(
            first_sentence("See e.g. Django 3.0.1 docs. More"),
            "See e.g. Django 3.0.1 docs."
        );
        assert_eq!(first_sentence("No stop here"), "No stop here");
        assert_eq!(
            first_sentence("urllib3 is a library. urllib3 leaks cookies."),
            "urllib3 is a library."
        );
    }

    #[test]
    fn headline_skips_the_product_sentence_of_a_summary() {
        let report = sample_report();
        let mut f = report.findings[0].clone();
        f.summary = Some(
            "urllib3 is a user-friendly HTTP client library for Python. urllib3 doesn't treat the `Cookie` header specially."
                .into(),
        );
        f.package = Some(PackageName::new("urllib3"));
        assert_eq!(
            headline(&report, &f),
            "urllib3 doesn't treat the `Cookie` header specially."
        );
        f.summary = Some("Werkzeug is a comprehensive WSGI web application library.".into());
        f.detail = None;
        f.id = "PYSEC-0000-1".into();
        f.package = Some(PackageName::new("werkzeug"));
        // Nothing better known: the description rather than nothing.
        assert_eq!(
            headline(&report, &f),
            "Werkzeug is a comprehensive WSGI web application library."
        );
    }

    #[test]
    fn fit_cuts_at_a_word() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("one two three four", 12), "one two…");
        assert_eq!(width_of(&fit("ééééééééééé", 5)), 5);
    }

    #[test]
    fn same_line_findings_group_and_long_runs_collapse() {
        let report = sample_report();
        let located: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| !f.kind.is_dependency_kind())
            .collect();
        let items = located_items(&located, Some(20));
        let groups: Vec<Vec<&str>> = items
            .iter()
            .filter_map(|i| match i {
                Item::Entry(e) if e.findings.len() > 1 => Some(e.ids()),
                _ => None,
            })
            .collect();
        assert!(groups.contains(&vec!["PW101", "B324"]), "{groups:?}");
        assert!(
            groups.contains(&vec!["password-assignment", "PW203", "B105"]),
            "{groups:?}"
        );
        assert!(
            items
                .iter()
                .any(|i| matches!(i, Item::Collapsed(c) if c.id == "B101" && c.count == 24))
        );
        let uncollapsed = located_items(&located, None);
        assert!(uncollapsed.len() > items.len() + 20);
    }

    #[test]
    fn packages_are_ordered_by_severity_with_their_upgrade() {
        let report = sample_report();
        let deps: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Vulnerability)
            .collect();
        let groups = package_groups(&deps);
        let django = groups.iter().find(|g| g.package == "django").unwrap();
        let ids: Vec<&str> = django.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "PYSEC-2021-98",
                "PYSEC-2021-7",
                "PYSEC-2021-109",
                "PYSEC-2021-9"
            ]
        );
        assert_eq!(
            django.upgrade_line().unwrap(),
            "upgrade django 3.0.1 → 3.1.12 fixes 4 advisories"
        );
        assert!(groups[0].severity() >= groups[groups.len() - 1].severity());
    }
}
