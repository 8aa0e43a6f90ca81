//! Installed environments laid out as files (tests/fixtures/environment):
//! a Linux venv, a Windows venv, a conda environment and a bare
//! site-packages folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pyward_inventory::environment;
use pyward_inventory::{Inventory, Options};
use pyward_model::{DependencyKind, PackageName};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/environment")
}

/// Everything the inventory holds, with the fixture folder's absolute path
/// replaced so the snapshot is the same on every machine.
fn render(inventory: &Inventory, base: &Path) -> String {
    let base = base.display().to_string();
    let clean = |s: &str| s.replace(&base, "<fixtures>").replace('\\', "/");
    let mut out = String::new();
    for env in &inventory.environments {
        let _ = writeln!(
            out,
            "environment {} interpreter={} python={} origin={}",
            clean(&env.path),
            env.interpreter.as_deref().map(clean).unwrap_or_default(),
            env.python_version.as_deref().unwrap_or(""),
            env.origin.as_deref().unwrap_or("")
        );
    }
    for d in &inventory.dependencies {
        let _ = write!(
            out,
            "{}=={} source={} direct={}",
            d.name,
            d.version.as_deref().unwrap_or("*"),
            d.source,
            d.direct
        );
        if !d.via.is_empty() {
            let via: Vec<&str> = d.via.iter().map(PackageName::as_str).collect();
            let _ = write!(out, " via={}", via.join(">"));
        }
        if d.kind != DependencyKind::Registry {
            let _ = write!(
                out,
                " kind={:?} requirement={}",
                d.kind,
                d.requirement.as_deref().unwrap_or("")
            );
        }
        out.push('\n');
    }
    let mut errors: Vec<String> = inventory
        .errors
        .iter()
        .map(|e| format!("error {}: {}", clean(&e.path), e.message))
        .collect();
    errors.sort();
    for e in errors {
        out.push_str(&e);
        out.push('\n');
    }
    out
}

fn find<'a>(inventory: &'a Inventory, name: &str) -> &'a pyward_model::Dependency {
    inventory
        .dependencies
        .iter()
        .find(|d| d.name.as_str() == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

#[test]
fn linux_venv() {
    let dir = fixtures().join("venv-linux");
    let inventory = environment::scan(&dir, &Options::default());
    let env = &inventory.environments[0];
    assert_eq!(inventory.environments.len(), 1);
    assert_eq!(env.python_version.as_deref(), Some("3.11.7"));
    assert_eq!(env.origin.as_deref(), Some("venv"));
    assert!(env.interpreter.as_deref().unwrap().ends_with("bin/python"));

    let werkzeug = find(&inventory, "werkzeug");
    assert!(!werkzeug.direct);
    // myapp (installed editable) requires flask, which requires werkzeug.
    assert_eq!(
        werkzeug.via,
        vec![PackageName::new("myapp"), PackageName::new("flask")]
    );
    assert_eq!(
        werkzeug.source,
        "lib/python3.11/site-packages/Werkzeug-2.2.2.dist-info"
    );
    assert_eq!(
        werkzeug.environment.as_deref(),
        Some(&*dir.display().to_string())
    );
    // The editable app requires flask, so flask is not top-level.
    assert!(!find(&inventory, "flask").direct);
    assert!(find(&inventory, "myapp").direct);
    assert_eq!(find(&inventory, "myapp").kind, DependencyKind::Path);
    // Asked for only by an extra of flask: counted as top-level.
    assert!(find(&inventory, "python-dotenv").direct);
    assert_eq!(
        find(&inventory, "six").via,
        vec![PackageName::new("legacy-pkg")]
    );
    assert_eq!(
        find(&inventory, "single-file").version.as_deref(),
        Some("1.0")
    );
    assert_eq!(find(&inventory, "wheelpkg").kind, DependencyKind::Registry);
    assert_eq!(find(&inventory, "gitpkg").kind, DependencyKind::Url);
    // Garbled METADATA and a dist-info without one are errors; the rest is read.
    assert_eq!(inventory.errors.len(), 2, "{:?}", inventory.errors);
    insta::assert_snapshot!("venv_linux", render(&inventory, &fixtures()));
}

#[test]
fn windows_venv() {
    let inventory = environment::scan(&fixtures().join("venv-windows"), &Options::default());
    let env = &inventory.environments[0];
    assert_eq!(env.python_version.as_deref(), Some("3.12.1"));
    assert!(env.interpreter.as_deref().unwrap().ends_with("python.exe"));
    assert!(inventory.errors.is_empty());
    assert_eq!(
        find(&inventory, "urllib3").via,
        vec![PackageName::new("requests")]
    );
    insta::assert_snapshot!("venv_windows", render(&inventory, &fixtures()));
}

#[test]
fn conda_environment() {
    let inventory = environment::scan(&fixtures().join("conda"), &Options::default());
    let env = &inventory.environments[0];
    assert_eq!(env.origin.as_deref(), Some("conda"));
    assert_eq!(env.python_version.as_deref(), Some("3.11.5"));
    // numpy and requests are conda packages with a dist-info: read as
    // Python distributions, once.
    let numpy: Vec<_> = inventory
        .dependencies
        .iter()
        .filter(|d| d.name.as_str() == "numpy")
        .collect();
    assert_eq!(numpy.len(), 1);
    assert_eq!(numpy[0].kind, DependencyKind::Registry);
    let openssl = find(&inventory, "openssl");
    assert_eq!(openssl.kind, DependencyKind::NonPython);
    assert!(!openssl.is_auditable());
    assert_eq!(inventory.errors.len(), 1, "{:?}", inventory.errors);
    insta::assert_snapshot!("conda", render(&inventory, &fixtures()));
}

#[test]
fn site_packages_folder() {
    let inventory = environment::scan(&fixtures().join("site-packages"), &Options::default());
    assert_eq!(inventory.dependencies.len(), 4);
    assert_eq!(
        inventory.environments[0].origin.as_deref(),
        Some("site-packages")
    );
    assert_eq!(
        find(&inventory, "pytz").via,
        vec![PackageName::new("django")]
    );
    assert_eq!(find(&inventory, "django").source, "Django-3.0.1.dist-info");
    insta::assert_snapshot!("site_packages", render(&inventory, &fixtures()));
}

#[test]
fn missing_folder_is_an_error() {
    let inventory = environment::scan(&fixtures().join("no-such-env"), &Options::default());
    assert!(inventory.dependencies.is_empty());
    assert_eq!(inventory.errors.len(), 1);
    assert!(inventory.errors[0].message.contains("cannot read"));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_environment_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    let outside_dist = outside.path().join("evil-1.0.dist-info");
    fs_err::create_dir_all(&outside_dist).unwrap();
    fs_err::write(outside_dist.join("METADATA"), "Name: evil\nVersion: 1.0\n").unwrap();
    let outside_site = outside.path().join("site");
    fs_err::create_dir_all(outside_site.join("other-1.0.dist-info")).unwrap();
    fs_err::write(
        outside_site.join("other-1.0.dist-info/METADATA"),
        "Name: other\nVersion: 1.0\n",
    )
    .unwrap();

    let env = tempfile::tempdir().unwrap();
    fs_err::write(env.path().join("pyvenv.cfg"), "version = 3.12.0\n").unwrap();
    let site = env.path().join("lib/python3.12/site-packages");
    fs_err::create_dir_all(&site).unwrap();
    // A linked distribution folder, a linked METADATA, a linked site-packages.
    symlink(&outside_dist, site.join("evil-1.0.dist-info")).unwrap();
    fs_err::create_dir_all(site.join("linked-1.0.dist-info")).unwrap();
    symlink(
        outside_dist.join("METADATA"),
        site.join("linked-1.0.dist-info/METADATA"),
    )
    .unwrap();
    fs_err::create_dir_all(env.path().join("lib/python3.13")).unwrap();
    symlink(
        &outside_site,
        env.path().join("lib/python3.13/site-packages"),
    )
    .unwrap();
    // lib64 -> lib, as venv makes it: inside, read once.
    symlink("lib", env.path().join("lib64")).unwrap();
    fs_err::create_dir_all(site.join("good-2.0.dist-info")).unwrap();
    fs_err::write(
        site.join("good-2.0.dist-info/METADATA"),
        "Name: good\nVersion: 2.0\n",
    )
    .unwrap();

    let inventory = environment::scan(env.path(), &Options::default());
    let names: Vec<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(names, ["good"]);
    // The linked METADATA is reported, not read.
    assert_eq!(inventory.errors.len(), 1, "{:?}", inventory.errors);
}

/// The whole graph of the installed packages' `Requires-Dist`, for SBOMs.
#[test]
fn requires_dist_is_the_graph() {
    let inventory = environment::scan(&fixtures().join("site-packages"), &Options::default());
    let edges: Vec<(Option<&str>, &str)> = inventory
        .graph
        .iter()
        .map(|e| (e.from.as_ref().map(|f| f.name.as_str()), e.to.name.as_str()))
        .collect();
    assert_eq!(
        edges,
        [
            (None, "django"),
            (Some("django"), "asgiref"),
            (Some("django"), "pytz"),
            (Some("django"), "sqlparse"),
        ]
    );
    assert!(
        inventory
            .graph
            .iter()
            .all(|e| e.source.ends_with("site-packages"))
    );
}

/// What METADATA says of the license, with the head of each license file
/// inside the distribution's folder; names that lead out are not read.
#[cfg(unix)]
#[test]
fn license_metadata_is_read_from_inside_the_dist_info() {
    let env = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "TOKEN").unwrap();
    let site = env.path().join("site-packages");
    let dist = site.join("demo-1.0.dist-info");
    std::fs::create_dir_all(dist.join("licenses")).unwrap();
    std::fs::write(
        dist.join("METADATA"),
        "Metadata-Version: 2.4\nName: demo\nVersion: 1.0\nLicense-Expression: MIT\n\
         License: MIT License\nClassifier: License :: OSI Approved :: MIT License\n\
         License-File: LICENSE\nLicense-File: ../../../secret\nLicense-File: linked\n\n",
    )
    .unwrap();
    std::fs::write(dist.join("licenses/LICENSE"), "MIT License\n".repeat(1000)).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), dist.join("licenses/linked"))
        .unwrap();
    let inventory = environment::scan(&site, &Options::default());
    let demo = find(&inventory, "demo");
    let license = demo.license_metadata.as_ref().expect("license metadata");
    assert_eq!(license.expression.as_deref(), Some("MIT"));
    assert_eq!(license.license.as_deref(), Some("MIT License"));
    assert_eq!(
        license.classifiers,
        ["License :: OSI Approved :: MIT License"]
    );
    let names: Vec<&str> = license.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["LICENSE", "../../../secret", "linked"]);
    assert_eq!(
        license.files[0].1.len(),
        pyward_inventory::MAX_LICENSE_FILE_BYTES
    );
    assert!(license.files[0].1.starts_with("MIT License\n"));
    assert_eq!(license.files[1].1, "");
    assert_eq!(license.files[2].1, "");
}
