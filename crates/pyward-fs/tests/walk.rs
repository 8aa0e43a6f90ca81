//! The walker on real folders: what it yields, what it skips, which
//! ignore files count (with real `git init` repositories).

use std::path::{Path, PathBuf};
use std::process::Command;

use pyward_fs::{SkipReason, Walk, Walker};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn names(walk: &Walk) -> Vec<&str> {
    walk.files.iter().map(|f| f.relative.as_str()).collect()
}

fn git_init(dir: &Path) -> bool {
    let ok = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("git is not installed; skipping a repository case");
    }
    ok
}

/// What `git` itself reports as untracked and not ignored, to check the
/// walker against.
fn git_sees(repo: &Path, sub: &str) -> Vec<String> {
    let output = Command::new("git")
        .args(["ls-files", "--others", "--exclude-standard", "--", sub])
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    let mut files: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.strip_prefix(&format!("{sub}/")).unwrap_or(l).to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn skips_folders_excludes_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", "");
    write(root, "b.txt", "");
    write(root, "pkg/c.py", "");
    write(root, "node_modules/d.py", "");
    write(root, "venv/pyvenv.cfg", "");
    write(root, "venv/lib/e.py", "");
    write(root, "tests/f.py", "");
    let walker = Walker::new(root)
        .skip_dirs(&["node_modules"])
        .skip_dir_if(|path| path.join("pyvenv.cfg").is_file())
        .exclude(|relative, _| relative == "tests")
        .filter(|_, relative| relative.ends_with(".py"));
    let walk = walker.walk(&[root.to_path_buf()]);
    assert_eq!(names(&walk), ["a.py", "pkg/c.py"]);
    assert!(walk.errors.is_empty(), "{:?}", walk.errors);
    assert!(walk.files.iter().all(|f| !f.named));
    // The same on several threads.
    let parallel = walker.parallel(true).walk(&[root.to_path_buf()]);
    assert_eq!(parallel.files, walk.files);
}

#[test]
fn paths_are_shown_relative_to_the_root_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Flask-2.0.0/src/flask/app.py", "");
    let tree = dir.path().join("Flask-2.0.0");
    let walk = Walker::new(&tree).walk(std::slice::from_ref(&tree));
    assert_eq!(names(&walk), ["src/flask/app.py"]);
    // A file named directly, relative to its folder.
    let file = tree.join("src/flask/app.py");
    let walk = Walker::new(tree.join("src")).walk(&[file]);
    assert_eq!(names(&walk), ["flask/app.py"]);
    assert!(walk.files[0].named);
}

#[test]
fn overlapping_arguments_yield_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/x.py", "");
    write(root, "y.py", "");
    let walker = Walker::new(root);
    let walk = walker.walk(&[
        root.to_path_buf(),
        root.join("app"),
        root.join("app/x.py"),
        root.join("./app/../y.py"),
    ]);
    assert_eq!(names(&walk), ["app/x.py", "y.py"]);
    // The first argument's form is kept.
    assert!(!walk.files[0].named);
}

#[cfg(unix)]
#[test]
fn links_inside_the_tree_are_never_followed_but_named_ones_are() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.py", "");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    write(&root, "a.py", "");
    std::os::unix::fs::symlink(outside.path(), root.join("linkdir")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.py"), root.join("l.py")).unwrap();
    std::os::unix::fs::symlink(root.join("a.py"), root.join("alias.py")).unwrap();
    let walk = Walker::new(&root).walk(std::slice::from_ref(&root));
    assert_eq!(names(&walk), ["a.py"]);
    assert!(walk.skipped.is_empty());
    // Reported on request (not the folder link: the filter keeps files).
    let walk = Walker::new(&root)
        .filter(|path, _| path.extension().is_some_and(|e| e == "py"))
        .report_links(true)
        .walk(std::slice::from_ref(&root));
    assert_eq!(names(&walk), ["a.py"]);
    let mut reported: Vec<&str> = walk
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::LinkInTree)
        .map(|s| s.relative.as_str())
        .collect();
    reported.sort_unstable();
    assert_eq!(reported, ["alias.py", "l.py"]);

    // A root that is a link is the tree.
    let link = dir.path().join("project");
    std::os::unix::fs::symlink(&root, &link).unwrap();
    let walk = Walker::new(&link)
        .parallel(true)
        .walk(std::slice::from_ref(&link));
    assert_eq!(names(&walk), ["a.py"]);

    // Named file links: followed inside the root, not out of it.
    let walk = Walker::new(&root).walk(&[root.join("alias.py"), root.join("l.py")]);
    assert_eq!(names(&walk), ["alias.py"]);
    assert_eq!(walk.skipped.len(), 1);
    assert_eq!(walk.skipped[0].reason, SkipReason::LinkOutOfTree);
    assert!(walk.skipped[0].to_string().contains("l.py"));
}

#[cfg(unix)]
#[test]
fn named_special_files_and_missing_paths_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    rustix_mkfifo(&fifo);
    write(dir.path(), "ok.py", "");
    let walk = Walker::new(dir.path()).walk(&[
        fifo.clone(),
        dir.path().join("missing"),
        PathBuf::from("/dev/zero"),
        dir.path().join("ok.py"),
    ]);
    assert_eq!(names(&walk), ["ok.py"]);
    let errors: Vec<String> = walk
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.relative, e.message))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors.iter().any(|e| e.starts_with("fifo: a FIFO")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("missing: cannot read: no such file")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("character device")),
        "{errors:?}"
    );
    // Inside a folder, special files are not files: left out, no hang.
    let walk = Walker::new(dir.path())
        .parallel(true)
        .walk(&[dir.path().to_path_buf()]);
    assert_eq!(names(&walk), ["ok.py"]);
}

#[cfg(unix)]
fn rustix_mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn unreadable_folders_are_errors_with_their_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "locked/a.py", "");
    write(dir.path(), "b.py", "");
    let locked = dir.path().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        eprintln!("running with permission to read anything (root); skipping");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let walk = Walker::new(dir.path()).walk(&[dir.path().to_path_buf()]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(names(&walk), ["b.py"]);
    assert_eq!(walk.errors.len(), 1, "{:?}", walk.errors);
    assert_eq!(walk.errors[0].relative, "locked");
    assert!(
        walk.errors[0].message.contains("permission denied"),
        "{:?}",
        walk.errors
    );
}

#[test]
fn the_trees_own_ignore_files_count_without_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    write(&root, ".gitignore", "*.log\n!keep.log\nbuild/\n");
    write(&root, "sub/.ignore", "secret.py\n");
    write(&root, "a.py", "");
    write(&root, "x.log", "");
    write(&root, "keep.log", "");
    write(&root, "build/b.py", "");
    write(&root, "sub/secret.py", "");
    write(&root, "sub/c.py", "");
    let walk = Walker::new(&root).walk(std::slice::from_ref(&root));
    assert_eq!(
        names(&walk),
        [".gitignore", "a.py", "keep.log", "sub/.ignore", "sub/c.py"]
    );
    // Switched off, everything.
    let all = Walker::new(&root)
        .ignore_files(false)
        .walk(std::slice::from_ref(&root));
    assert_eq!(all.files.len(), 8);
}

/// See issue 9: a `.gitignore` above the scanned folder that is not part
/// of its repository hid every file (`deps` said "no dependency files
/// found" and exited 0).
#[test]
fn ignore_files_above_the_tree_do_not_count_without_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "*\n");
    write(dir.path(), ".ignore", "*.txt\n");
    let root = dir.path().join("project");
    write(&root, "requirements.txt", "");
    write(&root, "app.py", "");
    let walk = Walker::new(&root).walk(std::slice::from_ref(&root));
    assert_eq!(names(&walk), ["app.py", "requirements.txt"]);
}

#[test]
fn a_repositorys_ignore_files_count_for_a_folder_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    if !git_init(&repo) {
        return;
    }
    write(&repo, ".gitignore", "*.log\n/src/app/generated/\n");
    write(&repo, "src/.gitignore", "local.py\n");
    write(&repo, ".git/info/exclude", "*.tmp\n");
    let sub = repo.join("src/app");
    write(&sub, "a.py", "");
    write(&sub, "x.log", "");
    write(&sub, "y.tmp", "");
    write(&sub, "local.py", "");
    write(&sub, "generated/g.py", "");
    write(&sub, ".gitignore", "!x.log\n");
    let walk = Walker::new(&sub).walk(std::slice::from_ref(&sub));
    assert_eq!(names(&walk), [".gitignore", "a.py", "x.log"]);
    // As git says.
    assert_eq!(git_sees(&repo, "src/app"), names(&walk));
    let parallel = Walker::new(&sub)
        .parallel(true)
        .walk(std::slice::from_ref(&sub));
    assert_eq!(parallel.files, walk.files);
    // At the repository's root, its own rules apply.
    let walk = Walker::new(&repo).walk(std::slice::from_ref(&repo));
    assert!(!names(&walk).contains(&"src/app/local.py"));
    assert!(!names(&walk).contains(&"src/app/y.tmp"));
}

#[test]
fn ignore_files_above_the_repository_and_global_excludes_do_not_count() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "*.py\n");
    write(dir.path(), ".ignore", "*.txt\n");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    if !git_init(&repo) {
        return;
    }
    // Excludes from git's configuration: a user's, never the tree's.
    write(dir.path(), "global-ignore", "*.cfg\n");
    let status = Command::new("git")
        .args(["config", "core.excludesFile"])
        .arg(dir.path().join("global-ignore"))
        .current_dir(&repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .unwrap();
    assert!(status.success());
    let sub = repo.join("pkg");
    write(&sub, "a.py", "");
    write(&sub, "r.txt", "");
    write(&sub, "s.cfg", "");
    for scanned in [&repo, &sub] {
        let walk = Walker::new(scanned)
            .skip_dirs(&[".git"])
            .walk(std::slice::from_ref(scanned));
        let expected: Vec<&str> = if scanned == &repo {
            vec!["pkg/a.py", "pkg/r.txt", "pkg/s.cfg"]
        } else {
            vec!["a.py", "r.txt", "s.cfg"]
        };
        assert_eq!(names(&walk), expected, "{}", scanned.display());
    }
}

#[test]
fn a_repository_nested_in_the_tree_has_rules_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "*.log\n");
    let nested = root.join("vendor/lib");
    std::fs::create_dir_all(&nested).unwrap();
    if !git_init(&nested) {
        return;
    }
    write(&nested, "n.log", "");
    write(&nested, ".git/info/exclude", "*.tmp\n");
    write(&nested, "t.tmp", "");
    write(root, "o.log", "");
    let walk = Walker::new(root)
        .skip_dirs(&[".git"])
        .walk(&[root.to_path_buf()]);
    assert_eq!(names(&walk), [".gitignore", "vendor/lib/n.log"]);
}

#[cfg(unix)]
#[test]
fn ignore_files_that_are_links_or_fifos_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.py", "");
    write(root, "sub/b.py", "");
    std::os::unix::fs::symlink("/dev/zero", root.join(".gitignore")).unwrap();
    rustix_mkfifo(&root.join("sub/.gitignore"));
    let walk = Walker::new(root).parallel(true).walk(&[root.to_path_buf()]);
    assert_eq!(names(&walk), ["a.py", "sub/b.py"]);
    let skipped: Vec<String> = walk.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].contains("`.gitignore`") && skipped[0].contains("symbolic link"),
        "{skipped:?}"
    );
    assert!(
        skipped[1].contains("sub/.gitignore") && skipped[1].contains("FIFO"),
        "{skipped:?}"
    );
}

#[test]
fn bad_ignore_lines_are_errors_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "ok.txt\n{a\n");
    write(dir.path(), "ok.txt", "");
    write(dir.path(), "a.py", "");
    let walk = Walker::new(dir.path()).walk(&[dir.path().to_path_buf()]);
    assert_eq!(names(&walk), [".gitignore", "a.py"]);
    assert_eq!(walk.errors.len(), 1, "{:?}", walk.errors);
    assert_eq!(walk.errors[0].relative, ".gitignore");
    assert_eq!(walk.errors[0].line, Some(2));
}
