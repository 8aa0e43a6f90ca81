//! One report with a finding of every kind and shape, shared by the format
//! tests so each format's snapshot shows the same facts: advisories whose
//! ids sort differently as text and as numbers, a summary that only
//! describes the product, a transitive dependency, an installed
//! environment, malicious, look-alike and license findings, a data-flow
//! code finding with end positions, one value seen by three checks, a rule
//! firing 24 times in one file, a file name holding an escape sequence,
//! ignored findings with their reasons, and an input that could not be read.

use std::str::FromStr;

use pyward_model::{
    AffectedRange, CodeDetail, Confidence, DatabaseInfo, Dependency, DependencyContext,
    DependencyEdge, DependencyKind, Detail, Environment, FileHash, Finding, FindingKind,
    LicenseDetail, Location, PackageName, PackageRef, RelatedLocation, Report, RuleInfo, ScanError,
    ScanRoot, SecretDetail, Severity, TyposquatDetail, Version, VulnerabilityDetail, fingerprint,
};

fn v(text: &str) -> Version {
    Version::from_str(text).expect("sample versions are PEP 440")
}

fn range(introduced: Option<&str>, fixed: &str) -> AffectedRange {
    AffectedRange {
        introduced: introduced.map(v),
        fixed: Some(v(fixed)),
        last_affected: None,
    }
}

struct Advisory<'a> {
    id: &'a str,
    aliases: &'a [&'a str],
    severity: Severity,
    summary: Option<&'a str>,
    details: &'a str,
    ranges: Vec<AffectedRange>,
    fixes: &'a [&'a str],
    cvss: Option<f64>,
}

fn advisory(package: &str, version: &str, line: u32, a: Advisory<'_>) -> Finding {
    let mut f = Finding::new(FindingKind::Vulnerability, a.id, a.severity);
    f.aliases = a.aliases.iter().map(ToString::to_string).collect();
    f.package = Some(PackageName::new(package));
    f.version = Some(Some(version.into()));
    f.fix_versions = Some(a.fixes.iter().map(ToString::to_string).collect());
    f.summary = a.summary.map(str::to_string);
    f.source = Some("requirements.txt".into());
    f.fingerprint = fingerprint(&[a.id, package, version]);
    f.dependency = Some(DependencyContext {
        direct: Some(true),
        line: Some(line),
        ..DependencyContext::default()
    });
    f.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        references: vec![
            format!("https://osv.dev/vulnerability/{}", a.id),
            "https://www.djangoproject.com/weblog/".into(),
        ],
        cvss: a.cvss,
        reachable: None,
        affected: a.ranges,
        fixes: a.fixes.iter().copied().map(v).collect(),
        details: Some(a.details.into()),
        ..VulnerabilityDetail::default()
    }));
    f
}

fn code(
    id: &str,
    rule: &str,
    severity: Severity,
    location: Location,
    message: &str,
    snippet: Option<&str>,
    cwe: Option<&str>,
) -> Finding {
    let mut f = Finding::new(FindingKind::Code, id, severity);
    f.rule = Some(rule.into());
    f.confidence = Some(Confidence::High);
    f.fingerprint = fingerprint(&[id, &location.path, snippet.unwrap_or(message)]);
    f.location = Some(location);
    f.message = Some(message.into());
    f.cwe = cwe.map(str::to_string);
    f.detail = Some(Detail::Code(CodeDetail {
        snippet: snippet.map(str::to_string),
        flow: Vec::new(),
    }));
    f
}

fn dependency(name: &str, version: &str, line: u32, license: &str) -> Dependency {
    let mut d = Dependency::new(name, Some(version), "requirements.txt");
    d.line = Some(line);
    d.license = Some(license.into());
    d.license_category = Some(
        match license {
            "GPL-3.0-only" => "strong-copyleft",
            "NOASSERTION" => "unknown",
            _ => "permissive",
        }
        .into(),
    );
    d
}

fn rule(
    id: &str,
    kind: FindingKind,
    name: &str,
    description: &str,
    severity: Severity,
    cwe: Option<&str>,
) -> RuleInfo {
    let help_uri = match kind {
        FindingKind::Code => Some(format!("https://pyward.dev/rules/{id}")),
        FindingKind::Secret => Some(format!("https://pyward.dev/detectors/{id}")),
        FindingKind::Typosquat | FindingKind::License => None,
        FindingKind::Vulnerability | FindingKind::Malicious => {
            Some(format!("https://osv.dev/vulnerability/{id}"))
        }
    };
    RuleInfo {
        id: id.into(),
        kind,
        name: name.into(),
        description: description.into(),
        help: format!("## What it does\n{description}\n\n## Why is this bad?\nSee the link."),
        help_uri,
        severity,
        cwe: cwe.map(str::to_string),
    }
}

#[allow(clippy::too_many_lines)] // one fixture, read top to bottom
pub fn sample_report() -> Report {
    let mut report = Report::new("0.1.0");
    report.root = ScanRoot {
        display: "myapp".into(),
        in_repository: Some("services/myapp".into()),
    };
    report.database = Some(DatabaseInfo {
        advisories: 2665,
        built: "2024-10-10T17:35:05Z".into(),
        source: "built-in".into(),
        newest_modified: Some("2024-10-09T00:00:00Z".into()),
    });

    // Dependencies: requirements.txt, then two installed environments.
    let mut django = dependency("Django", "3.0.1", 1, "BSD-3-Clause");
    django.hashes = vec![FileHash {
        algorithm: "sha256".into(),
        digest: "315b11ea265dd15348d47f2cbb044ef71da2018f6e582fed875c889758e6f844".into(),
    }];
    let flask = dependency("flask", "2.0.0", 2, "BSD-3-Clause");
    let mut werkzeug = dependency("werkzeug", "0.15.0", 3, "BSD-3-Clause");
    werkzeug.direct = false;
    werkzeug.via = vec![PackageName::new("flask")];
    let mut unpinned = Dependency::new("requests", None, "requirements.txt");
    unpinned.line = Some(4);
    unpinned.requirement = Some("requests>=2".into());
    let mut url = Dependency::new("mylib", None, "requirements.txt");
    url.line = Some(8);
    url.kind = DependencyKind::Url;
    url.requirement = Some("mylib @ git+https://example.com/mylib.git".into());
    let evil = dependency("evilpkg", "1.0.0", 5, "NOASSERTION");
    let lookalike = dependency("reqeusts", "2.31.0", 6, "MIT");
    let gpl = dependency("gplpkg", "1.2", 7, "GPL-3.0-only");
    let mut installed = Dependency::new(
        "pip",
        Some("23.2.1"),
        "lib/python3.11/site-packages/pip-23.2.1.dist-info",
    );
    installed.environment = Some("/home/dev/project/.venv".into());
    installed.license = Some("MIT".into());
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
    report.dependencies = vec![
        django, flask, werkzeug, unpinned, url, evil, lookalike, gpl, installed, clean,
    ];
    let node = |name: &str, version: &str| PackageRef {
        name: PackageName::new(name),
        version: Some(version.into()),
    };
    let edge = |from: Option<PackageRef>, to: PackageRef| DependencyEdge {
        source: "requirements.txt".into(),
        from,
        to,
    };
    report.graph = vec![
        edge(None, node("django", "3.0.1")),
        edge(None, node("flask", "2.0.0")),
        edge(Some(node("flask", "2.0.0")), node("werkzeug", "0.15.0")),
        edge(None, node("evilpkg", "1.0.0")),
        edge(None, node("reqeusts", "2.31.0")),
        edge(None, node("gplpkg", "1.2")),
    ];

    // Four Django advisories: ids that sort differently as text and as
    // numbers, and ranges whose one common fix is 3.1.12.
    let d98 = advisory(
        "django",
        "3.0.1",
        1,
        Advisory {
            id: "PYSEC-2021-98",
            aliases: &["CVE-2021-31542"],
            severity: Severity::Critical,
            summary: Some("Django is a high-level Python Web framework."),
            details: "Django is a high-level Python Web framework. In Django 3.0 before 3.1.10, MultiPartParser allowed directory traversal via uploaded files with suitably crafted file names.",
            ranges: vec![range(Some("3.0"), "3.1.10"), range(Some("3.2"), "3.2.2")],
            fixes: &["3.1.10", "3.2.2"],
            cvss: Some(9.8),
        },
    );
    let d7 = advisory(
        "django",
        "3.0.1",
        1,
        Advisory {
            id: "PYSEC-2021-7",
            aliases: &["CVE-2021-23336"],
            severity: Severity::High,
            summary: Some("Web cache poisoning via parameter cloaking"),
            details: "Web cache poisoning via parameter cloaking in django.utils.http.limited_parse_qsl().",
            ranges: vec![range(Some("3.0"), "3.0.14"), range(Some("3.1"), "3.1.8")],
            fixes: &["3.0.14", "3.1.8"],
            cvss: Some(7.5),
        },
    );
    let d109 = advisory(
        "django",
        "3.0.1",
        1,
        Advisory {
            id: "PYSEC-2021-109",
            aliases: &["CVE-2021-33203", "GHSA-68w8-qjq3-2gfm"],
            severity: Severity::High,
            summary: Some("Path traversal in admindocs' <script> templates & TemplateDetailView"),
            details: "A path traversal in TemplateDetailView lets staff read files outside the template folders.",
            ranges: vec![
                range(None, "2.2.24"),
                range(Some("3.0"), "3.1.12"),
                range(Some("3.2"), "3.2.4"),
            ],
            fixes: &["2.2.24", "3.1.12", "3.2.4"],
            cvss: None,
        },
    );
    let d9 = advisory(
        "django",
        "3.0.1",
        1,
        Advisory {
            id: "PYSEC-2021-9",
            aliases: &["CVE-2021-3281", "GHSA-fvgf-6h6h-3322"],
            severity: Severity::Medium,
            summary: Some("Potential directory traversal via archive.extract()"),
            details: "The django.utils.archive.extract() function could extract files outside the target folder.",
            ranges: vec![
                range(Some("2.2"), "2.2.18"),
                range(Some("3.0"), "3.0.12"),
                range(Some("3.1"), "3.1.6"),
            ],
            fixes: &["2.2.18", "3.0.12", "3.1.6"],
            cvss: Some(5.3),
        },
    );
    let mut ignored = advisory(
        "django",
        "3.0.1",
        1,
        Advisory {
            id: "PYSEC-2021-35",
            aliases: &["CVE-2021-28658"],
            severity: Severity::Medium,
            summary: Some("Potential directory traversal via uploaded files"),
            details: "MultiPartParser allowed directory traversal via uploaded files.",
            ranges: vec![range(Some("3.0"), "3.0.14")],
            fixes: &["3.0.14"],
            cvss: None,
        },
    );
    ignored.ignore_reason = Some("uploads are disabled in production".into());

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
        line: Some(3),
        ..DependencyContext::default()
    });
    transitive.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        references: vec!["https://github.com/advisories/GHSA-2p9h-ccw7-33gf".into()],
        reachable: Some(true),
        ..VulnerabilityDetail::default()
    }));

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
    in_env.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        affected: vec![range(None, "23.3")],
        fixes: vec![v("23.3")],
        ..VulnerabilityDetail::default()
    }));

    // Supply chain.
    let mut malicious = Finding::new(FindingKind::Malicious, "MAL-2024-1234", Severity::Critical);
    malicious.package = Some(PackageName::new("evilpkg"));
    malicious.version = Some(Some("1.0.0".into()));
    malicious.summary = Some("Malicious code in evilpkg (PyPI)".into());
    malicious.source = Some("requirements.txt".into());
    malicious.fingerprint = fingerprint(&["MAL-2024-1234", "evilpkg"]);
    malicious.dependency = Some(DependencyContext {
        direct: Some(true),
        line: Some(5),
        ..DependencyContext::default()
    });
    malicious.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        references: vec!["https://osv.dev/vulnerability/MAL-2024-1234".into()],
        details: Some("The package runs a credential stealer at install time.".into()),
        ..VulnerabilityDetail::default()
    }));

    let mut typosquat = Finding::new(FindingKind::Typosquat, "typosquat", Severity::High);
    typosquat.package = Some(PackageName::new("reqeusts"));
    typosquat.version = Some(Some("2.31.0".into()));
    typosquat.summary =
        Some("`reqeusts` looks like the popular `requests` (swapped letters)".into());
    typosquat.source = Some("requirements.txt".into());
    typosquat.fingerprint = fingerprint(&["typosquat", "reqeusts"]);
    typosquat.dependency = Some(DependencyContext {
        direct: Some(true),
        line: Some(6),
        ..DependencyContext::default()
    });
    typosquat.detail = Some(Detail::Typosquat(TyposquatDetail {
        similar_to: PackageName::new("requests"),
        technique: "swapped letters".into(),
    }));

    let mut license = Finding::new(FindingKind::License, "license", Severity::Medium);
    license.package = Some(PackageName::new("gplpkg"));
    license.version = Some(Some("1.2".into()));
    license.summary = Some("GPL-3.0-only is a strong-copyleft license the policy denies".into());
    license.source = Some("requirements.txt".into());
    license.fingerprint = fingerprint(&["license", "gplpkg", "GPL-3.0-only"]);
    license.dependency = Some(DependencyContext {
        direct: Some(true),
        line: Some(7),
        ..DependencyContext::default()
    });
    license.detail = Some(Detail::License(LicenseDetail {
        license: Some("GPL-3.0-only".into()),
        license_category: "strong-copyleft".into(),
        reason: "denied by `deny-categories`".into(),
    }));

    // Code: a data flow with end positions.
    let mut shell = code(
        "B602",
        "subprocess_popen_with_shell_equals_true",
        Severity::High,
        Location::new("app/util.py", 12, 5).ending_at(12, 37),
        "subprocess call with shell=True identified, security issue.",
        Some("    subprocess.call(cmd, shell=True)"),
        Some("CWE-78"),
    );
    if let Some(Detail::Code(detail)) = &mut shell.detail {
        detail.flow = vec![
            RelatedLocation {
                path: "app/util.py".into(),
                line: 9,
                column: 11,
                end_line: Some(9),
                end_column: Some(35),
                message: "untrusted input from `request.args`".into(),
            },
            RelatedLocation {
                path: "app/util.py".into(),
                line: 10,
                column: 5,
                end_line: Some(10),
                end_column: Some(8),
                message: "assigned to `cmd`".into(),
            },
        ];
    }
    if let Some(location) = &mut shell.location {
        location.related = vec![RelatedLocation {
            path: "app/views.py".into(),
            line: 30,
            column: 5,
            end_line: None,
            end_column: None,
            message: "the route that calls `run_command`".into(),
        }];
    }

    // One md5 call seen by two rules.
    let md5 = "    digest = hashlib.md5(data).hexdigest()";
    let pw101 = code(
        "PW101",
        "insecure-hash-for-security",
        Severity::High,
        Location::new("app/crypto.py", 8, 14).ending_at(8, 31),
        "MD5 protects nothing here: use `hashlib.sha256`",
        Some(md5),
        Some("CWE-327"),
    );
    let b324 = code(
        "B324",
        "hashlib",
        Severity::Medium,
        Location::new("app/crypto.py", 8, 14).ending_at(8, 31),
        "Use of weak MD5 hash for security. Consider usedforsecurity=False",
        Some(md5),
        Some("CWE-327"),
    );

    // One SECRET_KEY seen by three checks; no snippet, it is the secret.
    let at_key = || Location::new("settings.py", 5, 1).ending_at(5, 60);
    let b105 = code(
        "B105",
        "hardcoded_password_string",
        Severity::Low,
        at_key(),
        "Possible hardcoded password: 'dj…'",
        None,
        Some("CWE-259"),
    );
    let pw203 = code(
        "PW203",
        "django-secret-key-in-source",
        Severity::Medium,
        at_key(),
        "Django's `SECRET_KEY` is written in the source",
        None,
        Some("CWE-798"),
    );
    let mut assignment = Finding::new(FindingKind::Secret, "password-assignment", Severity::High);
    assignment.location = Some(at_key());
    assignment.message = Some("A password assigned in source (`dj…`, 50 chars)".into());
    assignment.cwe = Some("CWE-798".into());
    assignment.confidence = Some(Confidence::Medium);
    assignment.fingerprint = fingerprint(&["password-assignment", "settings.py", "5f2b"]);
    assignment.detail = Some(Detail::Secret(SecretDetail {
        preview: "dj…".into(),
        length: 50,
        hashed_secret: None,
        commit: None,
    }));

    let mut token = Finding::new(FindingKind::Secret, "github-token", Severity::High);
    token.location = Some(Location::new("settings.py", 3, 16).ending_at(3, 56));
    token.message = Some("GitHub token `ghp_…` (40 chars)".into());
    token.cwe = Some("CWE-798".into());
    token.fingerprint = fingerprint(&["github-token", "0123"]);
    token.detail = Some(Detail::Secret(SecretDetail {
        preview: "ghp_…".into(),
        length: 40,
        hashed_secret: Some("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678".into()),
        commit: None,
    }));

    // A file whose name would clear a terminal (issue 9).
    let hostile = code(
        "B307",
        "eval",
        Severity::Medium,
        Location::new("uploads/a\u{1b}[2J.py", 1, 1).ending_at(1, 11),
        "Use of possibly insecure function - consider using safer ast.literal_eval.\u{7}",
        Some("eval(data)  # \u{1b}]0;pwned\u{7}"),
        Some("CWE-78"),
    );

    let mut findings = vec![
        d98, d7, d109, d9, transitive, in_env, malicious, typosquat, license, shell, pw101, b324,
        b105, pw203, assignment, token, hostile,
    ];
    for i in 0..24 {
        let line = 10 + i;
        let mut assert = code(
            "B101",
            "assert_used",
            Severity::Low,
            Location::new("tests/test_app.py", line, 5).ending_at(line, 40),
            "Use of assert detected. The enclosed code will be removed when compiling to optimised byte code.",
            Some("    assert response.status_code == 200"),
            Some("CWE-703"),
        );
        assert.fingerprint = fingerprint(&["B101", "tests/test_app.py", &line.to_string()]);
        findings.push(assert);
    }
    report.findings = findings;

    let mut ignored_code = code(
        "B608",
        "hardcoded_sql_expressions",
        Severity::Medium,
        Location::new("app/db.py", 20, 9),
        "Possible SQL injection vector through string-based query construction.",
        Some("    cursor.execute(\"SELECT * FROM t WHERE id = %s\" % table_id)"),
        Some("CWE-89"),
    );
    ignored_code.ignore_reason = Some("`table_id` is an int from our own enum".into());
    report.ignored = vec![ignored, ignored_code];

    report.errors = vec![ScanError {
        path: "broken/requirements.txt".into(),
        line: Some(4),
        message: "invalid requirement `flask==`".into(),
    }];

    let k = FindingKind::Vulnerability;
    report.rules = vec![
        rule(
            "B101",
            FindingKind::Code,
            "assert_used",
            "Use of assert detected.",
            Severity::Low,
            Some("CWE-703"),
        ),
        rule(
            "B105",
            FindingKind::Code,
            "hardcoded_password_string",
            "Possible hardcoded password.",
            Severity::Low,
            Some("CWE-259"),
        ),
        rule(
            "B307",
            FindingKind::Code,
            "eval",
            "Use of possibly insecure function eval.",
            Severity::Medium,
            Some("CWE-78"),
        ),
        rule(
            "B324",
            FindingKind::Code,
            "hashlib",
            "Use of weak hash for security.",
            Severity::Medium,
            Some("CWE-327"),
        ),
        rule(
            "B602",
            FindingKind::Code,
            "subprocess_popen_with_shell_equals_true",
            "subprocess call with shell=True.",
            Severity::High,
            Some("CWE-78"),
        ),
        rule(
            "B608",
            FindingKind::Code,
            "hardcoded_sql_expressions",
            "SQL built from strings.",
            Severity::Medium,
            Some("CWE-89"),
        ),
        rule(
            "GHSA-2p9h-ccw7-33gf",
            k,
            "GHSA-2p9h-ccw7-33gf",
            "Debugger PIN bypass",
            Severity::High,
            None,
        ),
        rule(
            "MAL-2024-1234",
            FindingKind::Malicious,
            "MAL-2024-1234",
            "Malicious code in evilpkg (PyPI)",
            Severity::Critical,
            None,
        ),
        rule(
            "PW101",
            FindingKind::Code,
            "insecure-hash-for-security",
            "A broken hash protects a secret.",
            Severity::High,
            Some("CWE-327"),
        ),
        rule(
            "PW203",
            FindingKind::Code,
            "django-secret-key-in-source",
            "Django's SECRET_KEY in source.",
            Severity::Medium,
            Some("CWE-798"),
        ),
        rule(
            "PYSEC-2021-109",
            k,
            "PYSEC-2021-109",
            "Path traversal in admindocs",
            Severity::High,
            None,
        ),
        rule(
            "PYSEC-2021-35",
            k,
            "PYSEC-2021-35",
            "Potential directory traversal via uploaded files",
            Severity::Medium,
            None,
        ),
        rule(
            "PYSEC-2021-7",
            k,
            "PYSEC-2021-7",
            "Web cache poisoning via parameter cloaking",
            Severity::High,
            None,
        ),
        rule(
            "PYSEC-2021-9",
            k,
            "PYSEC-2021-9",
            "Potential directory traversal via archive.extract()",
            Severity::Medium,
            None,
        ),
        rule(
            "PYSEC-2021-98",
            k,
            "PYSEC-2021-98",
            "MultiPartParser directory traversal",
            Severity::Critical,
            None,
        ),
        rule(
            "PYSEC-2023-228",
            k,
            "PYSEC-2023-228",
            "Mercurial configuration injectable in repo revision",
            Severity::Low,
            None,
        ),
        rule(
            "github-token",
            FindingKind::Secret,
            "GitHub token",
            "A GitHub personal access token.",
            Severity::High,
            Some("CWE-798"),
        ),
        rule(
            "license",
            FindingKind::License,
            "license-policy",
            "A dependency's license the policy does not accept.",
            Severity::Medium,
            None,
        ),
        rule(
            "password-assignment",
            FindingKind::Secret,
            "Password assignment",
            "A password assigned in source.",
            Severity::High,
            Some("CWE-798"),
        ),
        rule(
            "typosquat",
            FindingKind::Typosquat,
            "typosquat",
            "A dependency whose name imitates a popular package.",
            Severity::High,
            None,
        ),
    ];
    report
}
