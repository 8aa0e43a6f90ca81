//! `--format text`: what a person reads in a terminal or a CI log.
//!
//! Sections (dependencies, supply chain, code, secrets), then what was not
//! audited, what could not be read, and one summary line. Advisories come
//! per package, most severe first, with the one upgrade that fixes them
//! all; code and secret findings as Ruff- and cargo-like diagnostics (the
//! code line under the finding, drawn by `annotate-snippets`), one entry
//! for findings on the same line about the same value, long runs of one
//! rule in one file collapsed. Colour only when the caller asks; the text
//! reads the same without it.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use pyward_model::{Dependency, DependencyKind, Finding, Report, Severity};

use crate::RenderOptions;
use crate::escape::terminal as esc;
use crate::present::{
    self, Collapsed, Entry, Item, PackageGroup, Section, fit, headline, plural, width_of,
};

pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let text = Text {
        report,
        options,
        paint: Paint(options.color),
    };
    if !options.quiet {
        if options.statistics {
            text.statistics(out)?;
        } else {
            text.sections(out)?;
            text.not_audited(out)?;
            text.errors(out)?;
            if options.verbose {
                text.ignored(out)?;
            }
        }
        text.noise(out)?;
    }
    text.summary(out)
}

struct Text<'a> {
    report: &'a Report,
    options: &'a RenderOptions,
    paint: Paint,
}

/// ANSI styles, or nothing when colour is off.
#[derive(Clone, Copy)]
struct Paint(bool);

const HEADER: Style = Style::new().effects(Effects::BOLD.insert(Effects::UNDERLINE));
const BOLD: Style = Style::new().effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);
const HINT: Style = AnsiColor::Cyan.on_default();
const GOOD: Style = AnsiColor::Green.on_default().effects(Effects::BOLD);

impl Paint {
    fn style(self, style: Style, text: &str) -> String {
        if self.0 {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        self.style(severity_style(severity), severity.as_str())
    }
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => AnsiColor::BrightMagenta.on_default().effects(Effects::BOLD),
        Severity::High => AnsiColor::BrightRed.on_default().effects(Effects::BOLD),
        Severity::Medium => AnsiColor::Yellow.on_default().effects(Effects::BOLD),
        Severity::Low => AnsiColor::BrightBlue.on_default(),
        Severity::Unknown => Style::new().effects(Effects::DIMMED),
    }
}

impl Text<'_> {
    fn width(&self) -> Option<usize> {
        self.options.width.map(|w| w.max(40))
    }

    /// `text` fitted to the width left after `indent` columns.
    fn fitted(&self, text: &str, indent: usize) -> String {
        match self.width() {
            Some(width) => fit(text, width.saturating_sub(indent).max(20)),
            None => text.to_string(),
        }
    }

    fn section_header(
        &self,
        section: Section,
        count: usize,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let title = format!("{} ({count})", section.title());
        writeln!(out, "{}", self.paint.style(HEADER, &title))?;
        writeln!(out)
    }

    fn sections(&self, out: &mut dyn Write) -> io::Result<()> {
        let by_section = present::by_section(self.report);
        let located: Vec<&Finding> = by_section
            .iter()
            .filter(|(s, _)| !s.is_about_packages())
            .flat_map(|(_, f)| f.iter().copied())
            .collect();
        let collapse = (!self.options.verbose).then_some(self.options.collapse_threshold);
        let items = present::located_items(&located, collapse);
        for section in Section::ALL {
            if section.is_about_packages() {
                let findings = by_section.get(&section).map_or(&[][..], Vec::as_slice);
                let shows_environments =
                    section == Section::Dependencies && !self.report.environments.is_empty();
                if findings.is_empty() && !shows_environments {
                    continue;
                }
                self.section_header(section, findings.len(), out)?;
                self.packages(section, findings, out)?;
            } else {
                let in_section: Vec<&Item<'_>> =
                    items.iter().filter(|i| i.section() == section).collect();
                if in_section.is_empty() {
                    continue;
                }
                let count = in_section
                    .iter()
                    .map(|i| match i {
                        Item::Entry(e) => e.findings.len(),
                        Item::Collapsed(c) => c.count,
                    })
                    .sum();
                self.section_header(section, count, out)?;
                for item in in_section {
                    match item {
                        Item::Entry(entry) => self.diagnostic(entry, out)?,
                        Item::Collapsed(collapsed) => self.collapsed(collapsed, out)?,
                    }
                }
            }
        }
        Ok(())
    }

    /// Package groups: project files first, then one part per installed
    /// environment (a clean environment still gets its line, so the reader
    /// sees it was looked at).
    fn packages(
        &self,
        section: Section,
        findings: &[&Finding],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let groups = present::package_groups(findings);
        for group in groups.iter().filter(|g| {
            g.environment
                .is_none_or(|env| !self.report.environments.iter().any(|e| e.path == env))
        }) {
            self.package_group(group, out)?;
        }
        if section != Section::Dependencies {
            for env in &self.report.environments {
                for group in groups
                    .iter()
                    .filter(|g| g.environment == Some(env.path.as_str()))
                {
                    self.package_group(group, out)?;
                }
            }
            return Ok(());
        }
        for env in &self.report.environments {
            let mut heading = format!("environment {}", esc(&env.path));
            if let Some(origin) = &env.origin {
                heading.push_str(&format!(" ({})", esc(origin)));
            }
            if let Some(version) = &env.python_version {
                heading.push_str(&format!(", python {}", esc(version)));
            }
            if let Some(interpreter) = &env.interpreter {
                heading.push_str(&format!(", {}", esc(interpreter)));
            }
            writeln!(out, "{}", self.paint.style(BOLD, &format!("── {heading}")))?;
            writeln!(out)?;
            let in_env: Vec<&PackageGroup<'_>> = groups
                .iter()
                .filter(|g| g.environment == Some(env.path.as_str()))
                .collect();
            if in_env.is_empty() {
                let packages = self
                    .report
                    .dependencies
                    .iter()
                    .filter(|d| d.environment.as_deref() == Some(env.path.as_str()))
                    .count();
                let line = format!(
                    "no known vulnerabilities in {packages} {}",
                    plural(packages, "package", "packages")
                );
                writeln!(out, "{}", self.paint.style(GOOD, &line))?;
                writeln!(out)?;
            }
            for group in in_env {
                self.package_group(group, out)?;
            }
        }
        Ok(())
    }

    fn source_text(&self, group: &PackageGroup<'_>) -> Option<String> {
        let source = group.source?;
        let path = if group.environment.is_some() {
            source.to_string()
        } else {
            self.report.root.display_path(source)
        };
        Some(match group.line {
            Some(line) => format!("{}:{line}", esc(&path)),
            None => esc(&path).into_owned(),
        })
    }

    fn package_group(&self, group: &PackageGroup<'_>, out: &mut dyn Write) -> io::Result<()> {
        let version = group.version.as_deref().map_or("(unpinned)".into(), esc);
        let mut heading = self
            .paint
            .style(BOLD, &format!("{} {version}", esc(&group.package)));
        if let Some(source) = self.source_text(group) {
            heading.push_str(&format!("  {}", self.paint.style(DIM, &source)));
        }
        if !group.via.is_empty() {
            let chain: Vec<&str> = group.via.iter().map(|p| p.as_str()).collect();
            heading.push_str(&format!("  via {}", esc(&chain.join(" → "))));
        }
        writeln!(out, "{heading}")?;
        if let Some(line) = group.upgrade_line() {
            writeln!(out, "  {}", self.paint.style(GOOD, &esc(&line)))?;
        } else if group.advisories() > 0 && group.unfixed() > 0 {
            let n = group.unfixed();
            let line = format!(
                "{n} {} no fixed release yet",
                plural(n, "advisory has", "advisories have")
            );
            writeln!(out, "  {}", self.paint.style(DIM, &line))?;
        }
        for finding in &group.findings {
            self.dependency_finding(finding, out)?;
        }
        writeln!(out)
    }

    fn dependency_finding(&self, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
        let mut line = format!(
            "  {} {}",
            self.paint.severity(finding.severity),
            self.paint.style(BOLD, &esc(&finding.id))
        );
        if finding.kind != pyward_model::FindingKind::Vulnerability
            && finding.id != finding.kind.as_str()
        {
            line.push_str(&format!(" {}", finding.kind));
        }
        if !finding.aliases.is_empty() {
            let aliases = if self.options.verbose || finding.aliases.len() <= 2 {
                finding.aliases.join(", ")
            } else {
                format!(
                    "{}, +{}",
                    finding.aliases[..2].join(", "),
                    finding.aliases.len() - 2
                )
            };
            line.push_str(&format!(
                " {}",
                self.paint.style(DIM, &format!("({})", esc(&aliases)))
            ));
        }
        writeln!(out, "{line}")?;
        let headline = headline(self.report, finding);
        if !headline.is_empty() {
            writeln!(out, "    {}", self.fitted(&esc(&headline), 4))?;
        }
        let mut facts = Vec::new();
        match finding.fix_versions.as_deref() {
            Some([]) => facts.push("no fix yet".to_string()),
            Some(fixes) => facts.push(format!("fix: {}", esc(&fixes.join(", ")))),
            None => {}
        }
        if let Some(detail) = finding.vulnerability() {
            if let Some(cvss) = detail.cvss {
                facts.push(format!("CVSS {cvss:.1}"));
            }
            match detail.reachable {
                Some(true) => facts.push("imported by your code".into()),
                Some(false) => facts.push(match &detail.reachability {
                    Some(why) => format!("unreachable: {}", esc(why)),
                    None => "unreachable: not imported by your code".into(),
                }),
                None => {}
            }
        }
        if let Some(cwe) = &finding.cwe {
            facts.push(esc(cwe).into_owned());
        }
        if let Some(link) = present::link(self.report, finding) {
            facts.push(self.paint.style(HINT, &esc(&link)));
        }
        if !facts.is_empty() {
            writeln!(out, "    {}", facts.join(" · "))?;
        }
        if self.options.verbose {
            for reference in finding.references().iter().skip(1) {
                writeln!(out, "    {}", self.paint.style(HINT, &esc(reference)))?;
            }
        }
        Ok(())
    }

    fn renderer(&self) -> Renderer {
        let renderer = if self.options.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.term_width(self.width().unwrap_or(usize::MAX / 4))
    }

    /// One code or secret entry, as Ruff and cargo show a diagnostic.
    fn diagnostic(&self, entry: &Entry<'_>, out: &mut dyn Write) -> io::Result<()> {
        let primary = entry.primary();
        let Some(location) = &primary.location else {
            return Ok(());
        };
        let level = level_of(entry.severity());
        let ids = esc(&entry.ids().join(", ")).into_owned();
        let path = esc(&self.report.root.display_path(&location.path)).into_owned();
        let title_text = esc(&present::one_line(primary.headline())).into_owned();
        // The title line carries "high[B602]: " before the message.
        let title_room = width_of(primary.severity.as_str()) + width_of(&ids) + 4;
        let title_text = self.fitted(&title_text, title_room);
        let title = level.primary_title(title_text).id(ids);

        let snippet = primary.code().and_then(|c| c.snippet.as_deref());
        let mut group: Group<'_> = match snippet {
            Some(snippet) => {
                let source = esc(snippet).into_owned();
                let span = span_in(snippet, &source, location);
                let label = entry.cwes().join(", ");
                title.element(
                    Snippet::source(source)
                        .line_start(location.line as usize)
                        .path(path)
                        .annotation(AnnotationKind::Primary.span(span).label(label)),
                )
            }
            None => title.element(
                Origin::path(path)
                    .line(location.line as usize)
                    .char_column(location.column as usize),
            ),
        };

        let mut notes = Vec::new();
        if let Some(flow) = primary
            .code()
            .map(|c| c.flow.as_slice())
            .filter(|f| !f.is_empty())
        {
            for (i, step) in flow.iter().enumerate() {
                notes.push((
                    Level::NOTE,
                    format!(
                        "{} {}:{}:{}: {}",
                        if i == 0 { "flow:" } else { "   →" },
                        esc(&self.report.root.display_path(&step.path)),
                        step.line,
                        step.column,
                        esc(&step.message)
                    ),
                ));
            }
        }
        for related in &location.related {
            notes.push((
                Level::NOTE,
                format!(
                    "see {}:{}:{}: {}",
                    esc(&self.report.root.display_path(&related.path)),
                    related.line,
                    related.column,
                    esc(&related.message)
                ),
            ));
        }
        let mut facts = Vec::new();
        if snippet.is_none() {
            facts.extend(entry.cwes().into_iter().map(|c| esc(c).into_owned()));
        }
        if let Some(confidence) = primary.confidence {
            facts.push(format!("confidence {confidence}"));
        }
        if let Some(secret) = primary.secret()
            && let Some(commit) = &secret.commit
        {
            facts.push(format!("added in {}", esc(commit)));
        }
        if !facts.is_empty() {
            notes.push((Level::NOTE, facts.join(" · ")));
        }
        for other in entry.findings.iter().skip(1) {
            if self.options.verbose {
                notes.push((
                    Level::NOTE,
                    format!(
                        "{}: {}",
                        esc(&other.id),
                        esc(&present::one_line(other.headline()))
                    ),
                ));
            }
        }
        // The primary finding's page first: it is the advice to follow.
        let mut links: Vec<String> = Vec::new();
        for link in entry
            .findings
            .iter()
            .filter_map(|f| present::link(self.report, f))
        {
            if !links.contains(&link) {
                links.push(link);
            }
        }
        for link in links
            .iter()
            .take(if self.options.verbose { usize::MAX } else { 1 })
        {
            notes.push((Level::HELP, esc(link).into_owned()));
        }
        for (level, text) in notes {
            group = group.element(level.message(text));
        }
        let rendered = self.renderer().render(&[group]);
        writeln!(out, "{rendered}")?;
        writeln!(out)
    }

    fn collapsed(&self, collapsed: &Collapsed<'_>, out: &mut dyn Write) -> io::Result<()> {
        let path = esc(&self.report.root.display_path(collapsed.path)).into_owned();
        let name = collapsed
            .name
            .map(|n| format!(" `{}`", esc(n)))
            .unwrap_or_default();
        writeln!(
            out,
            "{}[{}]: {} findings of{name} in {} (lines {}-{})",
            self.paint.severity(collapsed.severity),
            self.paint.style(BOLD, &esc(collapsed.id)),
            collapsed.count,
            self.paint.style(BOLD, &path),
            collapsed.lines.0,
            collapsed.lines.1,
        )?;
        writeln!(
            out,
            "  = {}: {}",
            self.paint.style(HINT, "hint"),
            esc(&collapsed.hint())
        )?;
        writeln!(out)
    }

    fn statistics(&self, out: &mut dyn Write) -> io::Result<()> {
        let rows = present::statistics(self.report);
        let count_width = rows
            .iter()
            .map(|r| r.count.to_string().len())
            .max()
            .unwrap_or(1);
        let id_width = rows.iter().map(|r| width_of(&esc(r.id))).max().unwrap_or(1);
        for row in &rows {
            let id = esc(row.id);
            let pad = " ".repeat(id_width - width_of(&id));
            let severity_pad = " ".repeat(8 - row.severity.as_str().len());
            writeln!(
                out,
                "{:>count_width$}  {}{pad}  {}{severity_pad}  {}",
                row.count,
                self.paint.style(BOLD, &id),
                self.paint.severity(row.severity),
                esc(row.name.unwrap_or("")),
            )?;
        }
        if !rows.is_empty() {
            writeln!(out)?;
        }
        Ok(())
    }

    /// Requirements that name no exact version, a URL or a path: listed so
    /// that nothing is dropped silently.
    fn not_audited(&self, out: &mut dyn Write) -> io::Result<()> {
        let skipped: Vec<&Dependency> = self
            .report
            .dependencies
            .iter()
            .filter(|d| !d.is_auditable())
            .collect();
        if skipped.is_empty() {
            return Ok(());
        }
        let title = format!("Not audited by version ({})", skipped.len());
        writeln!(out, "{}", self.paint.style(HEADER, &title))?;
        writeln!(out)?;
        for dependency in skipped {
            let what = dependency
                .requirement
                .clone()
                .unwrap_or_else(|| dependency.name.to_string());
            let source = self.report.root.display_path(&dependency.source);
            let place = match dependency.line {
                Some(line) => format!("{source}:{line}"),
                None => source,
            };
            let why = match dependency.kind {
                DependencyKind::Registry => "unpinned",
                DependencyKind::Url => "direct URL",
                DependencyKind::Path => "local path",
                DependencyKind::NonPython => "not a Python package",
            };
            writeln!(out, "  {}  ({why}, {})", esc(&what), esc(&place))?;
        }
        writeln!(out)
    }

    fn errors(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.report.errors.is_empty() {
            return Ok(());
        }
        let title = format!("Could not read ({})", self.report.errors.len());
        writeln!(out, "{}", self.paint.style(HEADER, &title))?;
        writeln!(out)?;
        for error in &self.report.errors {
            writeln!(out, "  {}", esc(&error.to_string()))?;
        }
        writeln!(out)
    }

    fn ignored(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.report.ignored.is_empty() {
            return Ok(());
        }
        let title = format!("Ignored by policy ({})", self.report.ignored.len());
        writeln!(out, "{}", self.paint.style(HEADER, &title))?;
        writeln!(out)?;
        for finding in &self.report.ignored {
            let what = match (&finding.package, &finding.location) {
                (Some(package), _) => format!(
                    "{package} {}",
                    finding.version.clone().flatten().unwrap_or_default()
                ),
                (None, Some(location)) => format!(
                    "{}:{}",
                    self.report.root.display_path(&location.path),
                    location.line
                ),
                (None, None) => String::new(),
            };
            writeln!(
                out,
                "  {} {}  {}",
                self.paint.style(BOLD, &esc(&finding.id)),
                esc(what.trim()),
                self.paint.style(
                    DIM,
                    &esc(finding
                        .ignore_reason
                        .as_deref()
                        .unwrap_or("no reason given"))
                ),
            )?;
        }
        writeln!(out)
    }

    /// The noise figures on one line, when some step took findings out:
    /// `noise: 7 advisory matches → 5 aliases merged → 1 --no-dev`.
    fn noise(&self, out: &mut dyn Write) -> io::Result<()> {
        let steps = &self.report.noise;
        let (Some(first), Some(last)) = (steps.first(), steps.last()) else {
            return Ok(());
        };
        if first.findings == last.findings {
            return Ok(());
        }
        let mut shown = vec![format!("{} advisory matches", first.findings)];
        let mut previous = first.findings;
        for step in &steps[1..] {
            if step.findings != previous {
                shown.push(format!("{} after {}", step.findings, esc(&step.step)));
                previous = step.findings;
            }
        }
        writeln!(
            out,
            "{} {}",
            self.paint.style(DIM, "noise:"),
            shown.join(" → ")
        )
    }

    fn summary(&self, out: &mut dyn Write) -> io::Result<()> {
        let report = self.report;
        let mut parts = Vec::new();
        if report.database.is_some() || !report.dependencies.is_empty() {
            let audited = report
                .dependencies
                .iter()
                .filter(|d| d.is_auditable())
                .count();
            let mut vulnerable: Vec<(String, String)> = report
                .findings
                .iter()
                .filter(|f| f.kind.is_dependency_kind())
                .map(|f| {
                    (
                        f.package
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        f.version.clone().flatten().unwrap_or_default(),
                    )
                })
                .collect();
            vulnerable.sort();
            vulnerable.dedup();
            parts.push(format!(
                "{audited} {} audited, {} vulnerable",
                plural(audited, "package", "packages"),
                vulnerable.len()
            ));
        }
        let total = report.findings.len();
        if total == 0 {
            parts.push(self.paint.style(GOOD, "no findings"));
        } else {
            let counts: Vec<String> = report
                .count_by_severity()
                .into_iter()
                .filter(|&(_, n)| n > 0)
                .map(|(s, n)| format!("{n} {}", self.paint.severity(s)))
                .collect();
            parts.push(format!(
                "{} ({})",
                self.paint.style(
                    BOLD,
                    &format!("{total} {}", plural(total, "finding", "findings"))
                ),
                counts.join(", ")
            ));
        }
        let unreachable = report
            .findings
            .iter()
            .filter(|f| f.vulnerability().and_then(|v| v.reachable) == Some(false))
            .count();
        if unreachable > 0 {
            parts.push(format!("{unreachable} unreachable"));
        }
        if !report.ignored.is_empty() {
            parts.push(format!("{} ignored by policy", report.ignored.len()));
        }
        if !report.errors.is_empty() {
            parts.push(format!(
                "{} {} could not be read",
                report.errors.len(),
                plural(report.errors.len(), "input", "inputs")
            ));
        }
        writeln!(out, "{}", parts.join("; "))
    }
}

/// The annotate-snippets level a severity is drawn with, named by the
/// severity.
fn level_of(severity: Severity) -> Level<'static> {
    let level = match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::INFO,
        Severity::Unknown => Level::NOTE,
    };
    level.with_name(severity.as_str())
}

/// The byte range of the flagged code in the escaped `source`, from the
/// finding's 1-based character columns (end exclusive); to the end of the
/// line when the finding spans lines or has no end.
fn span_in(raw: &str, escaped: &str, location: &pyward_model::Location) -> std::ops::Range<usize> {
    let byte_at_column = |column: u32| -> usize {
        let chars = (column.max(1) - 1) as usize;
        let raw_end = raw.char_indices().nth(chars).map_or(raw.len(), |(i, _)| i);
        esc(&raw[..raw_end]).len()
    };
    let start = byte_at_column(location.column).min(escaped.len());
    let end = match (location.end_line, location.end_column) {
        (Some(end_line), Some(end_column)) if end_line == location.line => {
            byte_at_column(end_column).min(escaped.len())
        }
        _ => escaped.trim_end().len(),
    };
    if end > start {
        start..end
    } else {
        // A point: mark the first character, or the line's end.
        let next = escaped[start..].chars().next().map_or(0, char::len_utf8);
        start..start + next
    }
}

#[cfg(test)]
mod tests {
    use crate::RenderOptions;
    use crate::sample::sample_report;

    fn render(options: &RenderOptions) -> String {
        let mut out = Vec::new();
        super::write(&sample_report(), options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sample_text() {
        let text = render(&RenderOptions::for_tests());
        assert!(
            !text.contains('\u{1b}'),
            "no escape sequence without colour"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn sample_text_in_colour() {
        let options = RenderOptions {
            color: true,
            ..RenderOptions::for_tests()
        };
        let text = render(&options);
        // Colour comes only from pyward's own styles: the hostile file
        // name's escape is shown, not sent.
        assert!(text.contains("a\\u{1b}[2J.py"));
        assert!(!text.contains("\u{1b}[2J"));
        assert!(!text.contains("\u{1b}]0;"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn verbose_lists_each_finding_and_the_ignored() {
        let options = RenderOptions {
            verbose: true,
            ..RenderOptions::for_tests()
        };
        let text = render(&options);
        assert_eq!(text.matches("low[B101]").count(), 24);
        assert!(text.contains("Ignored by policy (2)"));
        assert!(text.contains("uploads are disabled in production"));
        assert!(text.contains("B324: Use of weak MD5 hash"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn quiet_is_the_summary_alone() {
        let options = RenderOptions {
            quiet: true,
            ..RenderOptions::for_tests()
        };
        let text = render(&options);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("findings"));
    }

    #[test]
    fn statistics_count_per_rule() {
        let options = RenderOptions {
            statistics: true,
            ..RenderOptions::for_tests()
        };
        let text = render(&options);
        let first = text.lines().next().unwrap();
        assert!(first.starts_with("24  B101"), "{first}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn headlines_fit_a_narrow_terminal() {
        let options = RenderOptions {
            width: Some(60),
            ..RenderOptions::for_tests()
        };
        let text = render(&options);
        let headline = text
            .lines()
            .find(|l| l.contains("MultiPartParser"))
            .unwrap();
        assert!(super::width_of(headline) <= 60, "{headline}");
        assert!(headline.ends_with('…'));
    }

    #[test]
    fn empty_report_says_no_findings() {
        let mut out = Vec::new();
        super::write(
            &pyward_model::Report::new("0.1.0"),
            &RenderOptions::default(),
            &mut out,
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "no findings\n");
    }
}
