use pyward_model::{DependencyContext, PackageRef, Severity, VulnerabilityDetail};

use super::*;

fn finding(package: &str, affected_imports: &[&str]) -> Finding {
    let mut f = Finding::new(FindingKind::Vulnerability, "PYSEC-1", Severity::High);
    f.package = Some(PackageName::new(package));
    f.dependency = Some(DependencyContext {
        direct: Some(true),
        ..DependencyContext::default()
    });
    f.detail = Some(Detail::Vulnerability(VulnerabilityDetail {
        affected_imports: affected_imports.iter().map(|s| s.to_string()).collect(),
        ..VulnerabilityDetail::default()
    }));
    f
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn judged(
    dir: &Path,
    dependencies: &[Dependency],
    graph: &[DependencyEdge],
    mut findings: Vec<Finding>,
) -> (Vec<Finding>, Judged) {
    let settings = pyward_lint::Settings::default();
    let shared = SharedImports::default();
    let project = Project {
        dependencies,
        graph,
        roots: vec![dir.to_path_buf()],
        base: dir,
        settings: &settings,
        shared: &shared,
    };
    let outcome = judge(&mut findings, &project);
    (findings, outcome)
}

fn reachable(f: &Finding) -> Option<bool> {
    f.vulnerability().unwrap().reachable
}

fn deps(names: &[&str]) -> Vec<Dependency> {
    names
        .iter()
        .map(|n| Dependency::new(n, Some("1.0"), "requirements.txt"))
        .collect()
}

#[test]
fn tables_are_well_formed() {
    let t = tables();
    assert!(t.import_names.len() > 40);
    for (name, modules) in &t.import_names {
        assert_eq!(
            PackageName::new(name).as_str(),
            name,
            "not normalized: {name}"
        );
        assert!(!modules.is_empty(), "{name}");
        assert!(
            modules.iter().all(|m| is_module_name(m)),
            "{name}: {modules:?}"
        );
    }
    for (key, children) in &t.requires {
        let bare = key.trim_end_matches('-');
        assert_eq!(PackageName::new(bare).as_str(), bare, "{key}");
        for child in children {
            assert_eq!(PackageName::new(child).as_str(), child, "{key}: {child}");
        }
    }
    for entry in &t.used_without_import {
        let bare = entry.trim_end_matches('-');
        assert_eq!(PackageName::new(bare).as_str(), bare, "{entry}");
    }
    assert_eq!(t.import_names["pyyaml"], ["yaml"]);
    assert!(t.used_without_import(&PackageName::new("pytest-cov")));
    assert!(!t.used_without_import(&PackageName::new("pytest2")));
    assert!(t.requires(&PackageName::new("flask-login"), &PackageName::new("flask")));
}

#[test]
fn names_come_from_the_distribution_name() {
    assert_eq!(names_from("demo-pkg"), ["demo_pkg", "demo.pkg", "demopkg"]);
    assert_eq!(
        names_from("python-json-logger"),
        [
            "python_json_logger",
            "python.json.logger",
            "json_logger",
            "pythonjsonlogger"
        ]
    );
    assert!(names_from("zope-interface").contains(&"zope.interface".to_string()));
    assert_eq!(names_from("requests"), ["requests"]);
}

#[test]
fn installed_metadata_names_the_modules() {
    assert_eq!(
        top_level_names("yaml\n_yaml\n\n../bad\n"),
        ["_yaml", "yaml"]
    );
    let record = "yaml/__init__.py,sha256=x,10\n_yaml.cpython-312-x86_64-linux-gnu.so,sha256=y,5\nPyYAML-6.0.dist-info/METADATA,,\n../../../bin/tool,,\nsix.py,,\nREADME.txt,,\n";
    assert_eq!(record_names(record), ["_yaml", "six", "yaml"]);
    let dir = tempfile::tempdir().unwrap();
    let info = dir.path().join("Pillow-9.0.dist-info");
    write(&info, "METADATA", "Name: Pillow\n");
    write(&info, "RECORD", "PIL/__init__.py,,\nPIL/Image.py,,\n");
    assert_eq!(
        installed_import_names(&info.join("METADATA")),
        Some(vec!["PIL".to_string()])
    );
    write(&info, "top_level.txt", "PIL\n");
    assert_eq!(
        installed_import_names(&info.join("METADATA")),
        Some(vec!["PIL".to_string()])
    );
    assert_eq!(
        installed_import_names(&dir.path().join("requirements.txt")),
        None
    );
}

#[test]
fn a_direct_dependency_nothing_imports_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/main.py",
        "import yaml\nfrom PIL import Image\n",
    );
    write(
        dir.path(),
        ".venv/lib/site-packages/django/x.py",
        "import django\n",
    );
    let dependencies = deps(&["pyyaml", "django", "pillow", "gunicorn"]);
    let (findings, outcome) = judged(
        dir.path(),
        &dependencies,
        &[],
        vec![
            finding("pyyaml", &[]),
            finding("django", &[]),
            finding("pillow", &[]),
            finding("gunicorn", &[]),
        ],
    );
    assert_eq!(outcome.unreachable, 1);
    assert_eq!(reachable(&findings[0]), Some(true));
    let detail = findings[0].vulnerability().unwrap();
    assert_eq!(detail.reached_at[0].path, "app/main.py");
    assert_eq!(detail.reached_at[0].line, 1);
    assert_eq!(reachable(&findings[1]), Some(false));
    assert_eq!(
        findings[1].vulnerability().unwrap().reachability.as_deref(),
        Some("no first-party module imports `django`")
    );
    assert_eq!(reachable(&findings[2]), Some(true));
    assert_eq!(
        reachable(&findings[3]),
        None,
        "a server is used without an import"
    );
}

#[test]
fn what_a_reached_package_requires_is_reached_through_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "import requests\n");
    let dependencies = deps(&["requests", "urllib3", "markupsafe", "jinja2", "demo-pkg"]);
    // demo-pkg's graph says jinja2 (not imported) requires it.
    let graph = [DependencyEdge {
        source: "requirements.txt".into(),
        from: Some(PackageRef {
            name: PackageName::new("jinja2"),
            version: None,
        }),
        to: PackageRef {
            name: PackageName::new("demo-pkg"),
            version: None,
        },
    }];
    let (findings, outcome) = judged(
        dir.path(),
        &dependencies,
        &graph,
        vec![
            finding("urllib3", &[]),
            finding("markupsafe", &[]),
            finding("demo-pkg", &[]),
        ],
    );
    assert_eq!(reachable(&findings[0]), None);
    assert!(
        findings[0]
            .vulnerability()
            .unwrap()
            .reachability
            .as_deref()
            .unwrap()
            .contains("required by `requests`")
    );
    // markupsafe is required by jinja2 alone, which nothing imports.
    assert_eq!(reachable(&findings[1]), Some(false));
    assert_eq!(reachable(&findings[2]), Some(false));
    assert_eq!(outcome.unreachable, 2);
}

#[test]
fn named_functions_must_be_used() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        "import yaml\nimport jwt as j\n\ndef f(x):\n    return j.decode(x)\n",
    );
    let dependencies = deps(&["pyyaml", "pyjwt"]);
    let (findings, outcome) = judged(
        dir.path(),
        &dependencies,
        &[],
        vec![
            finding("pyyaml", &["yaml.load", "yaml.full_load"]),
            finding("pyjwt", &["jwt.decode"]),
            finding("pyyaml", &["yaml"]),
        ],
    );
    assert_eq!(outcome.unreachable, 1);
    assert_eq!(reachable(&findings[0]), Some(false));
    assert_eq!(
        findings[0].vulnerability().unwrap().reachability.as_deref(),
        Some(
            "`yaml` is imported at app.py:1, but nothing uses what the advisory names: `yaml.load` or `yaml.full_load`"
        )
    );
    assert_eq!(reachable(&findings[1]), Some(true));
    let at = &findings[1].vulnerability().unwrap().reached_at;
    assert_eq!(at.len(), 2);
    assert_eq!((at[1].line, at[1].column), (5, 12));
    assert_eq!(at[1].message, "uses `jwt.decode`");
    assert_eq!(reachable(&findings[2]), Some(true), "the whole module");
}

#[test]
fn strings_and_unparsed_files_keep_a_package_reachable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "settings.py",
        "INSTALLED_APPS = ['rest_framework']\n",
    );
    write(dir.path(), "legacy.py", "print 'hi'\nimport bs4\n");
    let dependencies = deps(&["djangorestframework", "beautifulsoup4", "lxml"]);
    let (findings, outcome) = judged(
        dir.path(),
        &dependencies,
        &[],
        vec![
            finding("djangorestframework", &[]),
            finding("beautifulsoup4", &[]),
            finding("lxml", &[]),
        ],
    );
    assert_eq!(reachable(&findings[0]), Some(true));
    assert_eq!(reachable(&findings[1]), None);
    assert_eq!(reachable(&findings[2]), Some(false));
    assert_eq!(outcome.unreachable, 1);
}

#[test]
fn nothing_is_judged_without_code_or_for_transitive_and_installed_packages() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "requirements.txt", "django==3.0.1\n");
    let dependencies = deps(&["django"]);
    let (findings, outcome) = judged(dir.path(), &dependencies, &[], vec![finding("django", &[])]);
    assert_eq!(reachable(&findings[0]), None);
    assert_eq!(outcome.unreachable, 0);

    write(dir.path(), "app.py", "x = 1\n");
    let mut transitive = finding("django", &[]);
    transitive.dependency.as_mut().unwrap().direct = Some(false);
    let mut installed = finding("django", &[]);
    installed.dependency.as_mut().unwrap().environment = Some("/venv".into());
    let mut malicious = finding("django", &[]);
    malicious.kind = FindingKind::Malicious;
    let (findings, outcome) = judged(
        dir.path(),
        &dependencies,
        &[],
        vec![transitive, installed, malicious, finding("django", &[])],
    );
    assert_eq!(
        findings.iter().map(reachable).collect::<Vec<_>>(),
        [None, None, None, Some(false)]
    );
    assert_eq!(outcome.unreachable, 1);
}

#[test]
fn roots_are_the_named_folders_and_the_folders_of_named_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "sub/requirements.txt", "x\n");
    let roots = roots_of(
        &[
            dir.path().to_path_buf(),
            dir.path().join("sub/requirements.txt"),
        ],
        &[dir.path().join("sub/requirements.txt")],
    );
    assert_eq!(roots, [dir.path().to_path_buf(), dir.path().join("sub")]);
}

/// A link is never followed (as the code scanner never follows one): what
/// the file outside imports does not count.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_tree_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.py", "import django\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "import yaml\n");
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        dir.path().join("linked.py"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("vendor")).unwrap();
    let dependencies = deps(&["django"]);
    let (findings, outcome) = judged(dir.path(), &dependencies, &[], vec![finding("django", &[])]);
    assert_eq!(reachable(&findings[0]), Some(false));
    assert_eq!(outcome.unreachable, 1);
}

proptest::proptest! {
    /// Installed metadata is outside input: any text gives module names
    /// only, and never a panic.
    #[test]
    fn metadata_of_any_text_gives_module_names(text in "\\PC{0,400}") {
        for name in record_names(&text).into_iter().chain(top_level_names(&text)) {
            proptest::prop_assert!(is_module_name(&name), "{name:?}");
        }
    }

    #[test]
    fn record_lines_name_their_top_folder(
        top in "[a-z_][a-z0-9_]{0,12}",
        rest in "[a-z0-9_/]{1,20}",
    ) {
        let record = format!("{top}/{rest}.py,sha256=x,1\n");
        proptest::prop_assert_eq!(record_names(&record), vec![top]);
    }
}
