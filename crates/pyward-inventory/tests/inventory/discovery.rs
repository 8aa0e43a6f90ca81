//! Discovery over fixture project trees, copied to a temporary folder and
//! given the things discovery must skip (ignored and build folders, virtual
//! environments, symbolic links out of the tree), created here rather than
//! committed.

use std::fs;
use std::path::Path;

use pyward_inventory::{Options, scan_path};

use crate::{fixtures, render};

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy");
    for entry in fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent");
    }
    fs::write(path, text).expect("write file");
}

/// A requirement no walk may ever report.
const HIDDEN: &str = "must-not-be-found==6.6.6\n";

/// Adds every kind of folder discovery skips, each holding a requirements
/// file that must not be read; returns the folder outside the tree that
/// the symbolic links point at (kept alive by the caller).
fn add_noise(root: &Path) -> tempfile::TempDir {
    write(&root.join(".gitignore"), "generated/\n*.log\n");
    write(&root.join("generated/requirements.txt"), HIDDEN);
    write(&root.join("services/worker/.gitignore"), "local/\n");
    write(&root.join("services/worker/local/requirements.txt"), HIDDEN);
    // A virtual environment under any name, found through its pyvenv.cfg.
    write(&root.join("envs/py311/pyvenv.cfg"), "home = /usr/bin\n");
    write(
        &root.join("envs/py311/lib/python3.11/site-packages/pkg/requirements.txt"),
        HIDDEN,
    );
    for skipped in [
        ".venv",
        "venv",
        "node_modules/left-pad",
        "build/lib",
        "dist",
        "app.egg-info",
        "__pycache__",
        ".tox/py311",
        ".nox/tests",
        ".git",
        "lib/site-packages",
    ] {
        write(&root.join(skipped).join("requirements.txt"), HIDDEN);
    }
    let outside = tempfile::tempdir().expect("outside dir");
    write(&outside.path().join("requirements.txt"), HIDDEN);
    write(
        &outside.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\ndependencies = [\"must-not-be-found==6.6.6\"]\n",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), root.join("linked-dir")).expect("symlink dir");
        std::os::unix::fs::symlink(
            outside.path().join("requirements.txt"),
            root.join("requirements-linked.txt"),
        )
        .expect("symlink file");
    }
    outside
}

/// One line per file read (dependencies, how many direct), then errors
/// and notes.
fn summary(inventory: &pyward_inventory::Inventory) -> String {
    let mut per_source: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for d in &inventory.dependencies {
        let entry = per_source.entry(d.source.as_str()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(d.direct);
    }
    let mut out = String::new();
    for (source, (all, direct)) in per_source {
        out.push_str(&format!("{source}: {all} dependencies, {direct} direct\n"));
    }
    for e in &inventory.errors {
        out.push_str(&format!("error: {e}\n"));
    }
    for n in &inventory.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

fn scan(root: &Path) -> pyward_inventory::Inventory {
    scan_path(root, root, &Options::default())
}

fn assert_nothing_hidden(inventory: &pyward_inventory::Inventory) {
    for d in &inventory.dependencies {
        assert_ne!(d.name.as_str(), "must-not-be-found", "read {}", d.source);
    }
    // A link out of the tree is named, never read (issue 9).
    for e in &inventory.errors {
        if e.path.contains("linked") {
            assert!(e.message.contains("symbolic link"), "followed a link: {e}");
        }
    }
}

#[test]
fn simple_project_requirements_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("simple");
    copy_tree(&fixtures("projects/simple"), &root);
    let _outside = add_noise(&root);
    let inventory = scan(&root);
    assert_nothing_hidden(&inventory);
    // Only the noise's link out of the tree, named.
    let errors: Vec<&str> = inventory.errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(errors, ["requirements-linked.txt"]);
    insta::assert_snapshot!("simple", render(&inventory));
}

#[test]
fn monorepo_every_project() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("monorepo");
    copy_tree(&fixtures("projects/monorepo"), &root);
    let _outside = add_noise(&root);
    let inventory = scan(&root);
    assert_nothing_hidden(&inventory);
    for (lockfile, manifest) in [
        ("services/api/uv.lock", "services/api/pyproject.toml"),
        (
            "services/billing/poetry.lock",
            "services/billing/pyproject.toml",
        ),
        ("libs/common/Pipfile.lock", "libs/common/Pipfile"),
        ("analytics/pdm.lock", "analytics/pyproject.toml"),
        ("exporter/pylock.toml", "exporter/pyproject.toml"),
    ] {
        let note = format!("`{lockfile}` audited in place of `{manifest}`");
        assert!(
            inventory.notes.contains(&note),
            "{note} in {:?}",
            inventory.notes
        );
        assert!(
            !inventory.dependencies.iter().any(|d| d.source == manifest),
            "{manifest} read although locked"
        );
    }
    // `requirements/constraints.txt` is named by `-c`: not dependencies.
    assert!(
        !inventory
            .dependencies
            .iter()
            .any(|d| d.source == "requirements/constraints.txt")
    );
    // Per file, not per package: the readers of each format have their own
    // snapshots; this one pins what discovery found and chose.
    insta::assert_snapshot!("monorepo", summary(&inventory));
}

#[test]
fn a_subfolder_is_named_relative_to_the_base() {
    let root = fixtures("projects/monorepo");
    let inventory = scan_path(&root.join("services/worker"), &root, &Options::default());
    let sources: Vec<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.source.as_str())
        .collect();
    assert!(
        sources.contains(&"services/worker/requirements.txt"),
        "{sources:?}"
    );
    // See: issue 9. The include reaches out of the folder that was named,
    // so it is an error naming the include, and is not read.
    assert!(!sources.contains(&"requirements/base.txt"), "{sources:?}");
    let error = inventory
        .errors
        .iter()
        .find(|e| e.message.contains("base.txt"))
        .expect("the include is reported");
    assert_eq!(error.path, "services/worker/requirements.txt");
    assert!(error.line.is_some());
    assert!(
        error.message.contains("outside the scanned folder"),
        "{error}"
    );
}

#[test]
fn an_unparsable_file_is_an_error_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    write(&root.join("a/requirements.txt"), "django==3.2.0\n");
    write(
        &root.join("b/requirements.txt"),
        "ok==1.0\nbad line here ===\n",
    );
    let inventory = scan(root);
    assert_eq!(inventory.errors.len(), 1, "{:?}", inventory.errors);
    assert_eq!(inventory.errors[0].path, "b/requirements.txt");
    assert_eq!(inventory.errors[0].line, Some(2));
    // See: issue 9. The bad line is left out, the rest of its file read.
    let read: Vec<(&str, &str)> = inventory
        .dependencies
        .iter()
        .map(|d| (d.source.as_str(), d.name.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            ("a/requirements.txt", "django"),
            ("b/requirements.txt", "ok")
        ]
    );
}

#[test]
fn an_empty_folder_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inventory = scan(tmp.path());
    assert_eq!(inventory.dependencies, []);
    assert_eq!(inventory.notes.len(), 1);
    assert!(inventory.notes[0].starts_with("no dependency files found"));
}

#[test]
fn no_dev_drops_dev_requirements_files() {
    let root = fixtures("projects/simple");
    let options = Options {
        no_dev: true,
        ..Options::default()
    };
    let inventory = scan_path(&root, &root, &options);
    let mut sources: Vec<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.source.as_str())
        .collect();
    sources.dedup();
    // requirements-dev.txt's own line (black) is dev; what it includes
    // from requirements.txt stays main.
    assert_eq!(sources, ["docs/requirements.txt", "requirements.txt"]);
}

/// The folder the user names is read even when it is itself a link; links
/// inside it are still never followed.
#[cfg(unix)]
#[test]
fn a_named_folder_may_be_a_link() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let real = tmp.path().join("real");
    copy_tree(&fixtures("projects/simple"), &real);
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let inventory = scan(&link);
    let sources: Vec<&str> = inventory
        .dependencies
        .iter()
        .map(|d| d.source.as_str())
        .collect();
    assert!(sources.contains(&"requirements.txt"), "{sources:?}");
}

/// A lockfile named on its own still takes its direct dependencies from
/// the manifest beside it (poetry.lock does not record them).
#[test]
fn a_named_lockfile_reads_its_manifest_for_direct_dependencies() {
    let root = fixtures("projects/monorepo");
    let inventory = scan_path(
        &root.join("services/billing/poetry.lock"),
        &root,
        &Options::default(),
    );
    assert_eq!(inventory.errors, []);
    let direct: Vec<&str> = inventory
        .dependencies
        .iter()
        .filter(|d| d.direct)
        .map(|d| d.name.as_str())
        .collect();
    assert!(direct.contains(&"flask"), "{direct:?}");
    assert!(direct.contains(&"requests"), "{direct:?}");
    assert!(!direct.contains(&"werkzeug"), "{direct:?}");
    assert!(
        inventory
            .dependencies
            .iter()
            .all(|d| d.source == "services/billing/poetry.lock")
    );
}

/// A Python file named on its own must carry inline metadata: `setup.py`
/// is code, never run, and saying nothing would look like "no dependencies".
#[test]
fn a_named_python_file_without_metadata_is_an_error() {
    let root = fixtures("projects/monorepo");
    let inventory = scan_path(&root.join("tools/plain.py"), &root, &Options::default());
    assert_eq!(inventory.dependencies, []);
    assert_eq!(inventory.errors.len(), 1);
    assert_eq!(inventory.errors[0].path, "tools/plain.py");
    let inventory = scan_path(&root.join("tools/report.py"), &root, &Options::default());
    assert_eq!(inventory.errors, []);
    assert_eq!(inventory.dependencies.len(), 2);
}
