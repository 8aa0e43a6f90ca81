//! One report with a finding of every shape, shared by the format tests so
//! each format's snapshot shows the same facts.

use pyward_model::{
    Confidence, DatabaseInfo, Dependency, DependencyContext, DependencyKind, Environment, Finding,
    FindingKind, Location, PackageName, Report, ScanError, Severity, fingerprint,
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
    let mut installed = Dependency::new(
        "pip",
        Some("23.2.1"),
        "lib/python3.11/site-packages/pip-23.2.1.dist-info",
    );
    installed.environment = Some("/home/dev/project/.venv".into());
    let mut clean = Dependency::new(
        "six",
        Some("1.16.0"),
        "lib/python3.12/site-packages/six-1.16.0.dist-info",
    );
    clean.environment = Some("/home/dev/.local/pipx/venvs/tool".into());
    report.environments = vec![
        Environment {
            path: "/home/dev/project/.venv".into(),
            interpreter: Some("/home/dev/project/.venv/bin/python3".into()),
            python_version: Some("3.11".into()),
            origin: Some("venv".into()),
        },
        Environment {
            path: "/home/dev/.local/pipx/venvs/tool".into(),
            interpreter: None,
            python_version: Some("3.12".into()),
            origin: Some("pipx".into()),
        },
    ];
    report.dependencies = vec![django, werkzeug, unpinned, url, installed, clean];

    let mut in_env = Finding::new(FindingKind::Vulnerability, "PYSEC-2023-228", Severity::Low);
    in_env.aliases = vec!["CVE-2023-5752".into()];
    in_env.package = Some(PackageName::new("pip"));
    in_env.version = Some(Some("23.2.1".into()));
    in_env.fix_versions = Some(vec!["23.3".into()]);
    in_env.summary = Some("Mercurial configuration injectable in repo revision".into());
    in_env.source = Some("lib/python3.11/site-packages/pip-23.2.1.dist-info".into());
    in_env.fingerprint = fingerprint(&["PYSEC-2023-228", "pip", "23.2.1"]);
    in_env.dependency = Some(DependencyContext {
        direct: Some(true),
        environment: Some("/home/dev/project/.venv".into()),
        ..DependencyContext::default()
    });

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
    transitive.dependency = Some(DependencyContext {
        direct: Some(false),
        via: vec![PackageName::new("flask")],
        ..DependencyContext::default()
    });

    let mut code = Finding::new(FindingKind::Code, "B602", Severity::High);
    code.rule = Some("subprocess_popen_with_shell_equals_true".into());
    code.confidence = Some(Confidence::High);
    code.location = Some(Location::new("app/util.py", 12, 5));
    code.message = Some("subprocess call with shell=True identified, security issue.".into());
    code.fingerprint = fingerprint(&["B602", "app/util.py", "subprocess.call(cmd, shell=True)"]);

    let mut secret = Finding::new(FindingKind::Secret, "github-token", Severity::High);
    secret.location = Some(Location::new("settings.py", 3, 9));
    secret.message = Some("GitHub token `ghp_…` (40 chars)".into());
    secret.fingerprint = fingerprint(&["github-token", "0123"]);

    report.findings = vec![vuln, transitive, in_env, code, secret];
    report.errors = vec![ScanError {
        path: "broken/requirements.txt".into(),
        line: Some(4),
        message: "invalid requirement `flask==`".into(),
    }];
    report
}
