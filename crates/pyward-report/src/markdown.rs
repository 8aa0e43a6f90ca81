//! `--format markdown`: a pull-request comment. A summary table by
//! section and severity, the upgrades that fix whole packages, then every
//! package and code entry in a collapsible `<details>` section. GitHub
//! refuses comments over 65,536 characters: past that the rest is left
//! out, and a note says how many findings were.

use std::fmt::Write as _;
use std::io::{self, Write};

use pyward_model::{Finding, Report, Severity};

use crate::RenderOptions;
use crate::escape::{html, markdown as md, markdown_code_block};
use crate::present::{self, Item, PackageGroup, Section, plural};

/// GitHub's limit on a comment's body, in characters.
pub(crate) const COMMENT_LIMIT: usize = 65_536;

pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report, options, COMMENT_LIMIT).as_bytes())
}

/// A block of the comment and how many findings it shows.
struct Block {
    text: String,
    findings: usize,
}

pub(crate) fn render(report: &Report, options: &RenderOptions, limit: usize) -> String {
    let mut head = String::new();
    let total = report.findings.len();
    let _ = writeln!(
        head,
        "## pyward: {}\n",
        if total == 0 {
            "no findings".to_string()
        } else {
            format!("{total} {}", plural(total, "finding", "findings"))
        }
    );
    head.push_str(&summary_table(report));

    let mut blocks: Vec<Block> = Vec::new();
    let upgrades: Vec<String> = {
        let deps: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.kind.is_dependency_kind())
            .collect();
        present::package_groups(&deps)
            .iter()
            .filter_map(PackageGroup::upgrade_line)
            .collect()
    };
    if !upgrades.is_empty() {
        let mut text = String::from("\n**Upgrades that fix whole packages**\n\n");
        for line in upgrades {
            let _ = writeln!(text, "- {}", md(&line));
        }
        blocks.push(Block { text, findings: 0 });
    }

    let by_section = present::by_section(report);
    let located: Vec<&Finding> = by_section
        .iter()
        .filter(|(s, _)| !s.is_about_packages())
        .flat_map(|(_, f)| f.iter().copied())
        .collect();
    let collapse = (!options.verbose).then_some(options.collapse_threshold);
    let items = present::located_items(&located, collapse);
    for section in Section::ALL {
        let mut section_blocks = Vec::new();
        if section.is_about_packages() {
            let findings = by_section.get(&section).map_or(&[][..], Vec::as_slice);
            for group in present::package_groups(findings) {
                section_blocks.push(package_block(report, &group));
            }
        } else {
            for item in items.iter().filter(|i| i.section() == section) {
                section_blocks.push(item_block(report, item));
            }
        }
        if section_blocks.is_empty() {
            continue;
        }
        blocks.push(Block {
            text: format!("\n### {}\n\n", section.title()),
            findings: 0,
        });
        blocks.extend(section_blocks);
    }
    if !report.errors.is_empty() {
        let mut text = format!("\n### Could not read ({})\n\n", report.errors.len());
        for error in &report.errors {
            let _ = writeln!(text, "- {}", md(&error.to_string()));
        }
        blocks.push(Block { text, findings: 0 });
    }
    let mut footer = String::new();
    if !report.ignored.is_empty() {
        let _ = writeln!(
            footer,
            "\n{} {} ignored by the policy file.",
            report.ignored.len(),
            plural(report.ignored.len(), "finding", "findings")
        );
    }
    let _ = writeln!(footer, "\n<sub>pyward {}</sub>", md(&report.tool.version));

    // Fill up to the limit, keeping room for the note and the footer.
    let mut body = head;
    let shown_total: usize = blocks.iter().map(|b| b.findings).sum();
    let reserve = footer.chars().count() + 200;
    let mut left_out = 0;
    let mut used = body.chars().count();
    let mut full = false;
    for block in blocks {
        let size = block.text.chars().count();
        if full || used + size + reserve > limit {
            full = true;
            left_out += block.findings;
            continue;
        }
        used += size;
        body.push_str(&block.text);
    }
    if full {
        let _ = writeln!(
            body,
            "\n> **Note**\n> {left_out} of {} findings are not shown: a comment holds at most {limit} characters. The full report is in the workflow's artifacts (`--format html` or `sarif`).",
            shown_total
        );
    }
    body.push_str(&footer);
    body
}

fn summary_table(report: &Report) -> String {
    let mut table = String::from(
        "| | critical | high | medium | low | unknown |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let by_section = present::by_section(report);
    for section in Section::ALL {
        let findings = by_section.get(&section).map_or(&[][..], Vec::as_slice);
        let counts: Vec<String> = Severity::ALL
            .iter()
            .map(|s| {
                let n = findings.iter().filter(|f| f.severity == *s).count();
                if n == 0 {
                    "·".to_string()
                } else {
                    n.to_string()
                }
            })
            .collect();
        let _ = writeln!(table, "| {} | {} |", section.title(), counts.join(" | "));
    }
    table
}

/// A link only to a web page, its URL made safe inside `(...)`.
fn link(text: &str, url: &str) -> String {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return text.to_string();
    }
    let url: String = url
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '(' => "%28".to_string(),
            ')' => "%29".to_string(),
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            '"' => "%22".to_string(),
            c if c.is_control() => String::new(),
            c => c.to_string(),
        })
        .collect();
    format!("[{text}]({url})")
}

fn severity_badge(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "🟣 critical",
        Severity::High => "🔴 high",
        Severity::Medium => "🟠 medium",
        Severity::Low => "🔵 low",
        Severity::Unknown => "⚪ unknown",
    }
}

fn package_block(report: &Report, group: &PackageGroup<'_>) -> Block {
    let version = group.version.as_deref().unwrap_or("(unpinned)");
    let n = group.findings.len();
    let mut summary = format!(
        "{} <b>{} {}</b> · {n} {}",
        severity_badge(group.severity()),
        html(&group.package),
        html(version),
        plural(n, "finding", "findings"),
    );
    if let Some(source) = group.source {
        let _ = write!(
            summary,
            " · <code>{}</code>",
            html(&report.root.display_path(source))
        );
    }
    if let Some(env) = group.environment {
        let _ = write!(summary, " · environment <code>{}</code>", html(env));
    }
    let mut text = format!("<details><summary>{summary}</summary>\n\n");
    if let Some(line) = group.upgrade_line() {
        let _ = writeln!(text, "**{}**\n", md(&line));
    }
    if !group.via.is_empty() {
        let chain: Vec<&str> = group.via.iter().map(|p| p.as_str()).collect();
        let _ = writeln!(text, "Brought in by {}\n", md(&chain.join(" → ")));
    }
    text.push_str("| severity | id | what | fixed in |\n|---|---|---|---|\n");
    for f in &group.findings {
        let id = match present::link(report, f) {
            Some(url) => link(&md(&f.id), &url),
            None => md(&f.id),
        };
        let fix = match f.fix_versions.as_deref() {
            Some([]) => "no fix yet".to_string(),
            Some(fixes) => md(&fixes.join(", ")),
            None => "·".to_string(),
        };
        let _ = writeln!(
            text,
            "| {} | {id} | {} | {fix} |",
            f.severity,
            md(&present::headline(report, f))
        );
    }
    text.push_str("\n</details>\n");
    Block { text, findings: n }
}

fn item_block(report: &Report, item: &Item<'_>) -> Block {
    match item {
        Item::Collapsed(c) => {
            let path = report.root.display_path(c.path);
            Block {
                text: format!(
                    "<details><summary>{} <code>{}</code> · {} findings in <code>{}</code> (lines {}–{})</summary>\n\n{}\n\n</details>\n",
                    severity_badge(c.severity),
                    html(c.id),
                    c.count,
                    html(&path),
                    c.lines.0,
                    c.lines.1,
                    md(&c.hint())
                ),
                findings: c.count,
            }
        }
        Item::Entry(entry) => {
            let f = entry.primary();
            let location = f.location.as_ref();
            let place = location.map_or(String::new(), |l| {
                format!("{}:{}", report.root.display_path(&l.path), l.line)
            });
            let ids: Vec<String> = entry.ids().iter().map(|id| html(id).into_owned()).collect();
            let mut text = format!(
                "<details><summary>{} <code>{}</code> <code>{}</code> {}</summary>\n\n",
                severity_badge(entry.severity()),
                ids.join(", "),
                html(&place),
                html(&present::one_line(f.headline()))
            );
            if let Some(snippet) = f.code().and_then(|c| c.snippet.as_deref()) {
                text.push_str(&markdown_code_block(snippet, "python"));
                text.push_str("\n\n");
            }
            let mut facts: Vec<String> = entry
                .cwes()
                .iter()
                .map(|cwe| match present::cwe_url(cwe) {
                    Some(url) => link(&md(cwe), &url),
                    None => md(cwe),
                })
                .collect();
            for other in entry.findings.iter().skip(1) {
                facts.push(format!(
                    "also {}: {}",
                    md(&other.id),
                    md(&present::one_line(other.headline()))
                ));
            }
            if let Some(url) = present::link(report, f) {
                facts.push(link("docs", &url));
            }
            if let Some(flow) = f.code().map(|c| &c.flow).filter(|flow| !flow.is_empty()) {
                let steps: Vec<String> = flow
                    .iter()
                    .map(|s| {
                        format!(
                            "{}:{} {}",
                            md(&report.root.display_path(&s.path)),
                            s.line,
                            md(&s.message)
                        )
                    })
                    .collect();
                facts.push(format!("flow: {}", steps.join(" → ")));
            }
            for fact in facts {
                let _ = writeln!(text, "- {fact}");
            }
            text.push_str("\n</details>\n");
            Block {
                text,
                findings: entry.findings.len(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn sample_markdown() {
        let text = render(&sample_report(), &RenderOptions::for_tests(), COMMENT_LIMIT);
        assert!(text.contains("<details><summary>"));
        assert!(!text.contains("<script>"), "advisory text is escaped");
        assert!(!text.contains('\u{1b}'));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_small_limit_truncates_with_a_note() {
        let full = render(&sample_report(), &RenderOptions::for_tests(), COMMENT_LIMIT);
        let cut = render(&sample_report(), &RenderOptions::for_tests(), 3_000);
        assert!(cut.chars().count() <= 3_000, "{}", cut.chars().count());
        assert!(full.len() > cut.len());
        assert!(
            cut.contains("are not shown: a comment holds at most 3000 characters"),
            "{cut}"
        );
    }
}
