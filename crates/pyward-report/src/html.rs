//! `--format html`: one self-contained page. Inline CSS and script, and a
//! Content-Security-Policy that lets the page load nothing at all, so
//! opening it sends no request. A summary by severity and section with an
//! inline SVG chart, the upgrades that fix whole packages, then one table
//! of findings that sorts and filters (state kept in the URL's `#...`, so
//! a filtered view can be linked: `#q=django&severity=high&sort=id`).
//! Without scripts the page is the same table, complete and readable.

use std::fmt::Write as _;
use std::io::{self, Write};

use pyward_model::{Dependency, Finding, FindingKind, Report, Severity};

use crate::RenderOptions;
use crate::escape::html as h;
use crate::present::{self, Item, PackageGroup, Section, plural};

pub fn write(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report, options).as_bytes())
}

const STYLE: &str = r#"
:root{--critical:#7b1fa2;--high:#c62828;--medium:#e65100;--low:#1565c0;--unknown:#616161;--line:#ddd}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1200px;padding:1rem 1.5rem;color:#1a1a1a;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid var(--line)}
.meta{color:#555}code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:.4rem .6rem;overflow-x:auto;margin:.3rem 0}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer}th[aria-sort] button::after{content:" ↕"}
th[aria-sort=ascending] button::after{content:" ↑"}th[aria-sort=descending] button::after{content:" ↓"}
.counts td,.counts th{text-align:right}.counts td:first-child,.counts th:first-child{text-align:left}
.sev{display:inline-block;min-width:4.5em;padding:0 .4em;border-radius:3px;color:#fff;font-weight:600;font-size:.85em;text-align:center}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-unknown{background:var(--unknown)}
.dim{color:#666;font-size:.9em}.controls{display:flex;gap:.6rem;flex-wrap:wrap;align-items:center;margin:.6rem 0}
.controls input{min-width:16rem;padding:.25rem .4rem}.upgrade{color:#2e7d32;font-weight:600}
tr[hidden]{display:none}
@media (prefers-color-scheme:dark){body{background:#111;color:#e6e6e6}pre{background:#1c1f24}.dim,.meta{color:#aaa}:root{--line:#333}th button{color:inherit}}
"#;

const SCRIPT: &str = r##"
(function () {
  var table = document.getElementById("findings-table");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("filter");
  var severity = document.getElementById("severity");
  var section = document.getElementById("section");
  var shown = document.getElementById("shown");
  var heads = table.tHead.rows[0].cells;
  var sortKey = null, dir = 1;
  document.getElementById("controls").hidden = false;
  function compare(a, b) {
    if (sortKey === "rank") return (a.dataset.rank - b.dataset.rank) || (a.dataset.order - b.dataset.order);
    return a.dataset[sortKey].localeCompare(b.dataset[sortKey], undefined, {numeric: true, sensitivity: "base"})
      || (a.dataset.order - b.dataset.order);
  }
  function apply() {
    var text = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (row) {
      var ok = (!text || row.textContent.toLowerCase().indexOf(text) >= 0)
        && (!severity.value || row.dataset.severity === severity.value)
        && (!section.value || row.dataset.section === section.value);
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + " of " + rows.length + " shown";
    var order = rows.slice();
    if (sortKey) order.sort(function (a, b) { return dir * compare(a, b); });
    order.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(heads, function (th) {
      var key = th.dataset.key;
      if (!key) return;
      th.setAttribute("aria-sort", key === sortKey ? (dir > 0 ? "ascending" : "descending") : "none");
    });
    var state = [];
    if (text) state.push("q=" + encodeURIComponent(text));
    if (severity.value) state.push("severity=" + severity.value);
    if (section.value) state.push("section=" + section.value);
    if (sortKey) state.push("sort=" + sortKey, "dir=" + (dir > 0 ? "asc" : "desc"));
    try { history.replaceState(null, "", state.length ? "#" + state.join("&") : location.pathname + location.search); } catch (e) {}
  }
  Array.prototype.forEach.call(heads, function (th) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var key = th.dataset.key;
      if (sortKey === key) dir = -dir; else { sortKey = key; dir = key === "rank" ? -1 : 1; }
      apply();
    });
  });
  [q, severity, section].forEach(function (control) { control.addEventListener("input", apply); });
  var state = {};
  location.hash.slice(1).split("&").forEach(function (pair) {
    var i = pair.indexOf("=");
    if (i > 0) state[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1));
  });
  q.value = state.q || "";
  severity.value = state.severity || "";
  section.value = state.section || "";
  if (state.sort && /^(rank|kind|id|where)$/.test(state.sort)) { sortKey = state.sort; dir = state.dir === "desc" ? -1 : 1; }
  apply();
})();
"##;

/// Colours of the chart, as the stylesheet's.
fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#7b1fa2",
        Severity::High => "#c62828",
        Severity::Medium => "#e65100",
        Severity::Low => "#1565c0",
        Severity::Unknown => "#616161",
    }
}

fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Critical => 4,
        Severity::High => 3,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Unknown => 0,
    }
}

/// A link only to a web page; anything else (a `javascript:` URL from a
/// hostile advisory) is shown as text.
fn link(text: &str, url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!(
            "<a href=\"{}\" rel=\"noreferrer noopener\">{}</a>",
            h(url),
            h(text)
        )
    } else {
        h(text).into_owned()
    }
}

pub(crate) fn render(report: &Report, options: &RenderOptions) -> String {
    let subject = crate::sbom::subject_name(report);
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>pyward report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        h(&subject)
    );
    let total = report.findings.len();
    let _ = writeln!(page, "<header>\n<h1>pyward report: {}</h1>", h(&subject));
    let mut meta = vec![
        format!("{total} {}", plural(total, "finding", "findings")),
        format!("{} dependencies", report.dependencies.len()),
    ];
    if !report.ignored.is_empty() {
        meta.push(format!("{} ignored by policy", report.ignored.len()));
    }
    if let Some(db) = &report.database {
        meta.push(format!(
            "{} advisories, database built {}",
            db.advisories,
            h(&db.built)
        ));
    }
    meta.push(format!("pyward {}", h(&report.tool.version)));
    if let Some(at) = &options.timestamp {
        meta.push(format!("made {}", h(at)));
    }
    let _ = writeln!(
        page,
        "<p class=\"meta\">{}</p>\n</header>",
        meta.join(" · ")
    );

    summary(report, &mut page);
    findings_table(report, options, &mut page);
    other_lists(report, &mut page);
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn summary(report: &Report, page: &mut String) {
    page.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    let by_section = present::by_section(report);
    page.push_str("<table class=\"counts\">\n<thead><tr><th scope=\"col\">section</th>");
    for s in Severity::ALL {
        let _ = write!(
            page,
            "<th scope=\"col\"><span class=\"sev sev-{s}\">{s}</span></th>"
        );
    }
    page.push_str("<th scope=\"col\">total</th></tr></thead>\n<tbody>\n");
    for section in Section::ALL {
        let findings = by_section.get(&section).map_or(&[][..], Vec::as_slice);
        let _ = write!(page, "<tr><th scope=\"row\">{}</th>", section.title());
        for s in Severity::ALL {
            let _ = write!(
                page,
                "<td>{}</td>",
                findings.iter().filter(|f| f.severity == s).count()
            );
        }
        let _ = writeln!(page, "<td>{}</td></tr>", findings.len());
    }
    page.push_str("</tbody>\n</table>\n");

    // A bar per severity, drawn inline: no chart library, no request.
    let counts = report.count_by_severity();
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let bar_height = 22;
    let height = counts.len() * (bar_height + 6) + 6;
    let _ = writeln!(
        page,
        "<svg id=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"520\" height=\"{height}\" viewBox=\"0 0 520 {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">Findings by severity</title>"
    );
    for (i, (severity, n)) in counts.iter().enumerate() {
        let y = 6 + i * (bar_height + 6);
        let width = if *n == 0 { 0 } else { (n * 380 / max).max(2) };
        let _ = writeln!(
            page,
            "<g><text x=\"0\" y=\"{}\" font-size=\"13\" fill=\"currentColor\">{severity}</text><rect x=\"80\" y=\"{y}\" width=\"{width}\" height=\"{bar_height}\" rx=\"3\" fill=\"{}\"><title>{n} {severity}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"currentColor\">{n}</text></g>",
            y + 16,
            colour(*severity),
            86 + width,
            y + 16
        );
    }
    page.push_str("</svg>\n");

    let deps: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind.is_dependency_kind())
        .collect();
    let upgrades: Vec<String> = present::package_groups(&deps)
        .iter()
        .filter_map(PackageGroup::upgrade_line)
        .collect();
    if !upgrades.is_empty() {
        page.push_str("<h3>Upgrades that fix whole packages</h3>\n<ul>\n");
        for line in upgrades {
            let _ = writeln!(page, "<li class=\"upgrade\">{}</li>", h(&line));
        }
        page.push_str("</ul>\n");
    }
    page.push_str("</section>\n");
}

fn findings_table(report: &Report, options: &RenderOptions, page: &mut String) {
    page.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    page.push_str("<noscript><p class=\"dim\">Sorting and filtering need scripts; every finding is listed below.</p></noscript>\n");
    page.push_str("<div id=\"controls\" class=\"controls\" hidden>\n<input id=\"filter\" type=\"search\" placeholder=\"Filter: id, package, file, text\" aria-label=\"Filter findings\">\n<select id=\"severity\" aria-label=\"Severity\"><option value=\"\">every severity</option>");
    for s in Severity::ALL {
        let _ = write!(page, "<option value=\"{s}\">{s}</option>");
    }
    page.push_str("</select>\n<select id=\"section\" aria-label=\"Section\"><option value=\"\">every section</option>");
    for s in Section::ALL {
        let _ = write!(
            page,
            "<option value=\"{}\">{}</option>",
            s.slug(),
            s.title()
        );
    }
    page.push_str("</select>\n<span id=\"shown\" class=\"dim\"></span>\n</div>\n");
    page.push_str("<table id=\"findings-table\">\n<thead><tr><th data-key=\"rank\" aria-sort=\"none\"><button type=\"button\">Severity</button></th><th data-key=\"kind\" aria-sort=\"none\"><button type=\"button\">Kind</button></th><th data-key=\"id\" aria-sort=\"none\"><button type=\"button\">ID</button></th><th data-key=\"where\" aria-sort=\"none\"><button type=\"button\">Where</button></th><th>What</th></tr></thead>\n<tbody>\n");

    let mut order = 0;
    let by_section = present::by_section(report);
    for section in [Section::Dependencies, Section::SupplyChain] {
        let findings = by_section.get(&section).map_or(&[][..], Vec::as_slice);
        for group in present::package_groups(findings) {
            for f in &group.findings {
                dependency_row(report, section, &group, f, order, page);
                order += 1;
            }
        }
    }
    let located: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !f.kind.is_dependency_kind())
        .collect();
    let collapse = (!options.verbose).then_some(options.collapse_threshold);
    for item in present::located_items(&located, collapse) {
        item_row(report, &item, order, page);
        order += 1;
    }
    page.push_str("</tbody>\n</table>\n");
    if order == 0 {
        page.push_str("<p>No findings.</p>\n");
    }
    page.push_str("</section>\n");
}

#[allow(clippy::too_many_arguments)]
fn row_start(
    page: &mut String,
    severity: Severity,
    kind: FindingKind,
    section: Section,
    id: &str,
    place: &str,
    order: usize,
) {
    let _ = write!(
        page,
        "<tr data-severity=\"{severity}\" data-rank=\"{}\" data-kind=\"{kind}\" data-section=\"{}\" data-id=\"{}\" data-where=\"{}\" data-order=\"{order}\">",
        rank(severity),
        section.slug(),
        h(id),
        h(place)
    );
    let _ = write!(
        page,
        "<td><span class=\"sev sev-{severity}\">{severity}</span></td><td>{kind}</td>"
    );
}

fn dependency_row(
    report: &Report,
    section: Section,
    group: &PackageGroup<'_>,
    f: &Finding,
    order: usize,
    page: &mut String,
) {
    let version = group.version.as_deref().unwrap_or("(unpinned)");
    let source = group.source.map(|s| match group.environment {
        Some(env) => format!("{}/{s}", env.trim_end_matches('/')),
        None => report.root.display_path(s),
    });
    let place = format!("{} {version}", group.package);
    row_start(page, f.severity, f.kind, section, &f.id, &place, order);
    let id = match present::link(report, f) {
        Some(url) => link(&f.id, &url),
        None => h(&f.id).into_owned(),
    };
    let _ = write!(page, "<td>{id}");
    if !f.aliases.is_empty() {
        let _ = write!(
            page,
            "<div class=\"dim\">{}</div>",
            h(&f.aliases.join(", "))
        );
    }
    let _ = write!(page, "</td><td><b>{}</b>", h(&place));
    if let Some(source) = source {
        let line = group.line.map(|l| format!(":{l}")).unwrap_or_default();
        let _ = write!(page, "<div><code>{}{line}</code></div>", h(&source));
    }
    if !group.via.is_empty() {
        let chain: Vec<&str> = group.via.iter().map(|p| p.as_str()).collect();
        let _ = write!(
            page,
            "<div class=\"dim\">via {}</div>",
            h(&chain.join(" → "))
        );
    }
    let _ = write!(page, "</td><td>{}", h(&present::headline(report, f)));
    let mut facts = Vec::new();
    match f.fix_versions.as_deref() {
        Some([]) => facts.push("no fix yet".to_string()),
        Some(fixes) => facts.push(format!("fixed in {}", h(&fixes.join(", ")))),
        None => {}
    }
    if let Some(cvss) = f.vulnerability().and_then(|d| d.cvss) {
        facts.push(format!("CVSS {cvss:.1}"));
    }
    if let Some(line) = group
        .upgrade_line()
        .filter(|_| f.kind == FindingKind::Vulnerability)
    {
        facts.push(format!("<span class=\"upgrade\">{}</span>", h(&line)));
    }
    if let Some(url) = present::link(report, f) {
        facts.push(link("advisory", &url));
    }
    if !facts.is_empty() {
        let _ = write!(page, "<div class=\"dim\">{}</div>", facts.join(" · "));
    }
    page.push_str("</td></tr>\n");
}

fn item_row(report: &Report, item: &Item<'_>, order: usize, page: &mut String) {
    match item {
        Item::Collapsed(c) => {
            let path = report.root.display_path(c.path);
            row_start(page, c.severity, c.kind, c.section(), c.id, &path, order);
            let id = report
                .rule(c.id)
                .and_then(|r| r.help_uri.clone())
                .map_or_else(|| h(c.id).into_owned(), |url| link(c.id, &url));
            let _ = writeln!(
                page,
                "<td>{id}</td><td><code>{}</code><div class=\"dim\">lines {}–{}</div></td><td>{} findings{}<div class=\"dim\">{}</div></td></tr>",
                h(&path),
                c.lines.0,
                c.lines.1,
                c.count,
                c.name
                    .map(|n| format!(" of <code>{}</code>", h(n)))
                    .unwrap_or_default(),
                h(&c.hint())
            );
        }
        Item::Entry(entry) => {
            let f = entry.primary();
            let place = f.location.as_ref().map_or(String::new(), |l| {
                format!(
                    "{}:{}:{}",
                    report.root.display_path(&l.path),
                    l.line,
                    l.column
                )
            });
            let ids = entry.ids().join(", ");
            row_start(
                page,
                entry.severity(),
                f.kind,
                entry.section(),
                &ids,
                &place,
                order,
            );
            let id_links: Vec<String> = entry
                .findings
                .iter()
                .map(|g| match present::link(report, g) {
                    Some(url) => link(&g.id, &url),
                    None => h(&g.id).into_owned(),
                })
                .collect();
            let _ = write!(
                page,
                "<td>{}</td><td><code>{}</code></td><td>{}",
                id_links.join(", "),
                h(&place),
                h(&present::one_line(f.headline()))
            );
            if let Some(snippet) = f.code().and_then(|c| c.snippet.as_deref()) {
                let _ = write!(page, "<pre><code>{}</code></pre>", h(snippet));
            }
            let mut facts: Vec<String> = entry
                .cwes()
                .iter()
                .map(|cwe| {
                    present::cwe_url(cwe).map_or_else(|| h(cwe).into_owned(), |url| link(cwe, &url))
                })
                .collect();
            if let Some(confidence) = f.confidence {
                facts.push(format!("confidence {confidence}"));
            }
            if !facts.is_empty() {
                let _ = write!(page, "<div class=\"dim\">{}</div>", facts.join(" · "));
            }
            for other in entry.findings.iter().skip(1) {
                let _ = write!(
                    page,
                    "<div class=\"dim\">also {}: {}</div>",
                    h(&other.id),
                    h(&present::one_line(other.headline()))
                );
            }
            if let Some(flow) = f.code().map(|c| &c.flow).filter(|flow| !flow.is_empty()) {
                page.push_str("<ol class=\"dim\">");
                for step in flow {
                    let _ = write!(
                        page,
                        "<li><code>{}:{}</code> {}</li>",
                        h(&report.root.display_path(&step.path)),
                        step.line,
                        h(&step.message)
                    );
                }
                page.push_str("</ol>");
            }
            page.push_str("</td></tr>\n");
        }
    }
}

fn other_lists(report: &Report, page: &mut String) {
    let skipped: Vec<&Dependency> = report
        .dependencies
        .iter()
        .filter(|d| !d.is_auditable())
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(
            page,
            "<section id=\"not-audited\">\n<h2>Not audited by version ({})</h2>\n<ul>",
            skipped.len()
        );
        for d in skipped {
            let what = d.requirement.clone().unwrap_or_else(|| d.name.to_string());
            let _ = writeln!(
                page,
                "<li><code>{}</code> <span class=\"dim\">{}</span></li>",
                h(&what),
                h(&report.root.display_path(&d.source))
            );
        }
        page.push_str("</ul>\n</section>\n");
    }
    if !report.errors.is_empty() {
        let _ = writeln!(
            page,
            "<section id=\"errors\">\n<h2>Could not read ({})</h2>\n<ul>",
            report.errors.len()
        );
        for e in &report.errors {
            let _ = writeln!(page, "<li>{}</li>", h(&e.to_string()));
        }
        page.push_str("</ul>\n</section>\n");
    }
    if !report.ignored.is_empty() {
        let _ = writeln!(
            page,
            "<section id=\"ignored\">\n<h2>Ignored by policy ({})</h2>\n<ul>",
            report.ignored.len()
        );
        for f in &report.ignored {
            let what = match (&f.package, &f.location) {
                (Some(p), _) => format!("{p} {}", f.version.clone().flatten().unwrap_or_default()),
                (None, Some(l)) => format!("{}:{}", report.root.display_path(&l.path), l.line),
                _ => String::new(),
            };
            let _ = writeln!(
                page,
                "<li><b>{}</b> {} <span class=\"dim\">{}</span></li>",
                h(&f.id),
                h(what.trim()),
                h(f.ignore_reason.as_deref().unwrap_or("no reason given"))
            );
        }
        page.push_str("</ul>\n</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_report;

    #[test]
    fn sample_html() {
        let page = render(&sample_report(), &RenderOptions::for_tests());
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt; templates"));
        assert!(!page.contains('\u{1b}'));
        // Nothing is loaded from anywhere.
        assert!(!page.contains(" src="));
        assert!(!page.contains("<link"));
        assert!(!page.contains("url("));
        insta::assert_snapshot!(page);
    }

    #[test]
    fn only_web_links_become_links() {
        assert_eq!(link("x", "javascript:alert(1)"), "x");
        assert!(link("x", "https://e.com/?a=\"b\"").contains("&quot;b&quot;"));
    }
}
