//! One report with a finding of every shape, shared by the format tests so
//! each format's snapshot shows the same facts.

use pyward_model::{
    Confidence, DatabaseInfo, Dependency, DependencyKind, Finding, FindingKind, Location,
    PackageName, Report, ScanError, Severity, fingerprint,
};

pub fn sample_report() -> Report {
    let mut report = Report::new("0.1.0");
    report.database = Some(DatabaseInfo {
        advisories: 2665,
        built: "2024-10-10T17:35:05Z".into(),
        source: "built-in".into(),
        newest_modified: Some("2024-10-09T00:00:00Z".into()),
    });
    let mut django = Dependency::new("Django", Some("3.0.1"), "requirements.txt");
    django.line = Some(1);
    let mut werkzeug = Dependency::new("werkzeug", Some("0.15.0"), "requirements.txt");
    werkzeug.direct = false;
    werkzeug.via = vec![PackageName::new("flask")];
    let mut unpinned = Dependency::new("requests", None, "requirements.txt");
    unpinned.requirement = Some("requests>=2".into());
    let mut url = Dependency::new("mylib", None, "requirements.txt");
    url.kind = DependencyKind::Url;
    url.requirement = Some("mylib @ git+https://example.com/mylib.git".into());
    report.dependencies = vec![django, werkzeug, unpinned, url];

    let mut vuln = Finding::new(FindingKind::Vulnerability, "PYSEC-2021-9", Severity::Medium);
    vuln.aliases = vec!["CVE-2021-3281".into(), "GHSA-fvgf-6h6h-3322".into()];
    vuln.package = Some(PackageName::new("django"));
    vuln.version = Some(Some("3.0.1".into()));
    vuln.fix_versions = Some(vec!["2.2.18".into(), "3.0.12".into(), "3.1.6".into()]);
    vuln.summary = Some("Potential directory traversal via archive.extract()".into());
    vuln.source = Some("requirements.txt".into());
    vuln.fingerprint = fingerprint(&["PYSEC-2021-9", "django", "3.0.1"]);

    let mut transitive = Finding::new(
        FindingKind::Vulnerability,
        "GHSA-2p9h-ccw7-33gf",
        Severity::High,
    );
    transitive.package = Some(PackageName::new("werkzeug"));
    transitive.version = Some(Some("0.15.0".into()));
    transitive.fix_versions = Some(vec![]);
    transitive.summary = Some("Debugger PIN bypass".into());
    transitive.source = Some("requirements.txt".into());
    transitive.fingerprint = fingerprint(&["GHSA-2p9h-ccw7-33gf", "werkzeug", "0.15.0"]);
    transitive
        .extra
        .insert("via".into(), serde_json::json!(["flask"]));

    let mut code = Finding::new(FindingKind::Code, "B602", Severity::High);
    code.rule = Some("subprocess_popen_with_shell_equals_true".into());
    code.confidence = Some(Confidence::High);
    code.location = Some(Location {
        path: "app/util.py".into(),
        line: 12,
        column: 5,
    });
    code.message = Some("subprocess call with shell=True identified, security issue.".into());
    code.fingerprint = fingerprint(&["B602", "app/util.py", "subprocess.call(cmd, shell=True)"]);

    let mut secret = Finding::new(FindingKind::Secret, "github-token", Severity::High);
    secret.location = Some(Location {
        path: "settings.py".into(),
        line: 3,
        column: 9,
    });
    secret.message = Some("GitHub token `ghp_…` (40 chars)".into());
    secret.fingerprint = fingerprint(&["github-token", "0123"]);

    report.findings = vec![vuln, transitive, code, secret];
    report.errors = vec![ScanError {
        path: "broken/requirements.txt".into(),
        line: Some(4),
        message: "invalid requirement `flask==`".into(),
    }];
    report
}
