//! Each machine format, produced for the sample report (a finding of every
//! kind), checked by its official schema or tool; the HTML report rendered
//! by a real headless browser.
//!
//! The tools come from `scripts/setup-validators.sh` (a venv and an npm
//! prefix under `bench/work/validators/`, or `$PYWARD_VALIDATORS`; Debian's
//! `chromium`). Where one is missing the test says so and passes, unless
//! `PYWARD_REQUIRE_VALIDATORS=1` (CI), where a missing tool fails it.

use std::path::{Path, PathBuf};
use std::process::Command;

use pyward_report::{Format, RenderOptions, render, sample::sample_report};

fn validators() -> PathBuf {
    std::env::var_os("PYWARD_VALIDATORS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/work/validators"),
        PathBuf::from,
    )
}

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas")
}

/// A tool is missing: fail in CI, skip (saying so) elsewhere.
fn missing(what: &str) {
    let message =
        format!("{what} is missing: run scripts/setup-validators.sh (skipping this validation)");
    if std::env::var_os("PYWARD_REQUIRE_VALIDATORS").is_some_and(|v| v == "1") {
        panic!("{message}");
    }
    eprintln!("note: {message}");
}

fn python() -> Option<PathBuf> {
    let python = validators().join("venv/bin/python");
    python.exists().then_some(python)
}

fn rendered(format: Format, dir: &Path) -> PathBuf {
    let mut out = Vec::new();
    render(
        &sample_report(),
        format,
        &RenderOptions::for_tests(),
        &mut out,
    )
    .unwrap();
    let path = dir.join(format!("report.{}", format.extension()));
    std::fs::write(&path, out).unwrap();
    path
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("the validator starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Validates `document` against a JSON schema with Python's `jsonschema`,
/// the schema's own draft, formats checked.
fn json_schema(document: &Path, schema: &Path) {
    let Some(python) = python() else {
        return missing("python jsonschema");
    };
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc), key=str)
for e in errors[:20]:
    print("/".join(map(str, e.absolute_path)), e.message[:300])
sys.exit(1 if errors else 0)
"#;
    let (ok, text) = run(Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(schema)
        .arg(document));
    assert!(
        ok,
        "{} is not valid against {}:\n{text}",
        document.display(),
        schema.display()
    );
}

#[test]
fn sarif_is_valid_against_the_schema_and_the_multitool() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = rendered(Format::Sarif, dir.path());
    json_schema(&sarif, &schemas().join("sarif-2.1.0.json"));

    let multitool = validators().join("npm/node_modules/.bin/sarif-multitool");
    if !multitool.exists() {
        return missing("@microsoft/sarif-multitool");
    }
    let log = dir.path().join("validation.sarif");
    let (ok, text) = run(Command::new(&multitool)
        .arg("validate")
        .arg(&sarif)
        .arg("--output")
        .arg(&log));
    assert!(ok, "sarif-multitool failed:\n{text}");
    // The multitool writes its verdict as SARIF: no error-level result.
    let verdict: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let errors: Vec<&serde_json::Value> = verdict["runs"][0]["results"]
        .as_array()
        .map(|r| r.iter().filter(|r| r["level"] == "error").collect())
        .unwrap_or_default();
    assert!(errors.is_empty(), "sarif-multitool errors: {errors:#?}");
    let warnings: Vec<String> = verdict["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["level"] == "warning")
        .map(|r| r["ruleId"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        warnings.is_empty(),
        "sarif-multitool warnings: {warnings:?}"
    );
}

#[test]
fn cyclonedx_is_valid_by_cyclonedx_python_lib() {
    let dir = tempfile::tempdir().unwrap();
    let bom = rendered(Format::CycloneDx, dir.path());
    let Some(python) = python() else {
        return missing("cyclonedx-python-lib");
    };
    let script = r#"
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
if error:
    print(error)
    sys.exit(1)
"#;
    let (ok, text) = run(Command::new(python).arg("-c").arg(script).arg(&bom));
    assert!(ok, "CycloneDX 1.6 validation failed:\n{text}");
}

#[test]
fn spdx_is_valid_by_spdx_tools() {
    let dir = tempfile::tempdir().unwrap();
    let document = rendered(Format::Spdx, dir.path());
    let tool = validators().join("venv/bin/pyspdxtools");
    if !tool.exists() {
        return missing("spdx-tools");
    }
    let (ok, text) = run(Command::new(tool).arg("-i").arg(&document));
    assert!(
        ok && !text.contains("Error"),
        "SPDX 2.3 validation failed:\n{text}"
    );
}

#[test]
fn gitlab_reports_are_valid_against_their_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let sca = rendered(Format::GitlabSca, dir.path());
    json_schema(
        &sca,
        &schemas().join("gitlab-dependency-scanning-report-format.json"),
    );
    let sub = dir.path().join("cq");
    std::fs::create_dir(&sub).unwrap();
    let quality = rendered(Format::GitlabCodeQuality, &sub);
    json_schema(&quality, &schemas().join("gitlab-code-quality-report.json"));
}

#[test]
fn junit_is_valid_against_the_junit_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let xml = rendered(Format::Junit, dir.path());
    let Some(python) = python() else {
        return missing("xmlschema");
    };
    let script = r#"
import sys, xmlschema
schema = xmlschema.XMLSchema(sys.argv[1])
errors = list(schema.iter_errors(sys.argv[2]))
for e in errors[:10]:
    print(e)
sys.exit(1 if errors else 0)
"#;
    let (ok, text) = run(Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(schemas().join("junit-10.xsd"))
        .arg(&xml));
    assert!(ok, "JUnit XML is not valid against junit-10.xsd:\n{text}");
}

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The page after load (scripts run) at `fragment`, as the browser holds
/// it, with the browser's log of every request it tried.
fn dom(browser: &Path, page: &Path, fragment: &str, profile: &Path) -> (String, String) {
    let url = format!("file://{}#{fragment}", page.display());
    let log = profile.join("net.log");
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            // Nothing resolves: a request that leaves the page fails, and
            // the net log records that it was tried.
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", log.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium starts");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let net = std::fs::read_to_string(&log).unwrap_or_default();
    (String::from_utf8(output.stdout).unwrap(), net)
}

/// `(data-id, hidden)` of every row of the findings table, in page order.
fn rows(dom: &str) -> Vec<(String, bool)> {
    let table = &dom[dom.find("id=\"findings-table\"").unwrap()..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    body.split("<tr ")
        .skip(1)
        .map(|row| {
            let tag = &row[..row.find('>').unwrap()];
            let id = tag.split("data-id=\"").nth(1).unwrap();
            let id = id[..id.find('"').unwrap()].to_string();
            (id, tag.contains(" hidden"))
        })
        .collect()
}

#[test]
fn html_renders_sorts_and_filters_in_a_real_browser_offline() {
    let Some(browser) = chromium() else {
        return missing("chromium");
    };
    let dir = tempfile::tempdir().unwrap();
    let page = rendered(Format::Html, dir.path());

    let profile = dir.path().join("profile-plain");
    let (plain, net) = dom(&browser, &page, "", &profile);
    let all = rows(&plain);
    assert_eq!(all.len(), 15, "one row per package finding and code entry");
    assert!(all.iter().all(|(_, hidden)| !hidden));
    assert!(plain.contains("15 of 15 shown"), "the script ran");
    assert!(plain.contains("<pre><code>    subprocess.call(cmd, shell=True)</code></pre>"));
    assert!(plain.contains("href=\"https://osv.dev/vulnerability/PYSEC-2021-98\""));
    // The browser's own background requests (updates, time) are in the
    // log too; none may go to a host the page names.
    let hosts: Vec<&str> = plain
        .split("://")
        .skip(1)
        .map(|rest| &rest[..rest.find(['/', '"', '<']).unwrap_or(rest.len())])
        .filter(|host| !host.is_empty() && *host != "www.w3.org")
        .collect();
    assert!(hosts.contains(&"osv.dev"), "{hosts:?}");
    for url in net.split("\"url\":\"").skip(1) {
        let url = &url[..url.find('"').unwrap_or(url.len())];
        assert!(
            !hosts
                .iter()
                .any(|host| url.contains(&format!("://{host}/"))),
            "the page requested {url}"
        );
    }

    let (filtered, _) = dom(
        &browser,
        &page,
        "q=django%203.0.1",
        &dir.path().join("profile-filter"),
    );
    let shown: Vec<String> = rows(&filtered)
        .into_iter()
        .filter(|(_, h)| !h)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        shown,
        [
            "PYSEC-2021-98",
            "PYSEC-2021-7",
            "PYSEC-2021-109",
            "PYSEC-2021-9"
        ],
        "only django's advisories, most severe first"
    );

    let (by_severity, _) = dom(
        &browser,
        &page,
        "severity=critical",
        &dir.path().join("profile-sev"),
    );
    let critical: Vec<String> = rows(&by_severity)
        .into_iter()
        .filter(|(_, h)| !h)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(critical, ["PYSEC-2021-98", "MAL-2024-1234"]);

    let (sorted, _) = dom(
        &browser,
        &page,
        "sort=id&dir=asc",
        &dir.path().join("profile-sort"),
    );
    let ids: Vec<String> = rows(&sorted).into_iter().map(|(id, _)| id).collect();
    let position = |id: &str| ids.iter().position(|i| i == id).unwrap();
    assert!(position("PYSEC-2021-7") < position("PYSEC-2021-9"));
    assert!(position("PYSEC-2021-9") < position("PYSEC-2021-98"));
    assert!(
        position("PYSEC-2021-98") < position("PYSEC-2021-109"),
        "natural order: {ids:?}"
    );
    assert!(sorted.contains("aria-sort=\"ascending\""));
}
