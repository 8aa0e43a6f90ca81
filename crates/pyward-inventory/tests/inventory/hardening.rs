//! Crafted inputs from a repository pyward does not trust, each a case of
//! issue 9: nothing outside the scanned tree is read, special files are
//! refused, nothing aborts or hangs, and nothing is lost silently.
//! Stack-hungry cases run on a thread with the 2 MiB stack of a test (or
//! worker) thread.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use pyward_inventory::{
    Document, Format, Inventory, Options, parse_document, scan_path, scan_requirements_file,
};

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent");
    }
    fs::write(path, text).expect("write file");
}

fn scan(root: &Path) -> Inventory {
    scan_path(root, root, &Options::default())
}

/// Runs `f` on a thread with a 2 MiB stack, failing if it takes longer
/// than `limit` (a hang) or aborts.
fn on_small_stack<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let _ = send.send(f());
        })
        .expect("spawn");
    receive
        .recv_timeout(limit)
        .expect("finished in time, without aborting")
}

fn nothing_secret(inventory: &Inventory, secret: &str) {
    let shown = format!("{inventory:?}");
    assert!(!shown.contains(secret), "`{secret}` leaked: {shown}");
}

fn error_naming<'a>(inventory: &'a Inventory, needle: &str) -> &'a pyward_model::ScanError {
    inventory
        .errors
        .iter()
        .find(|e| e.message.contains(needle))
        .unwrap_or_else(|| panic!("no error naming `{needle}`: {:?}", inventory.errors))
}

// See: issue 9. `-r /proc/self/environ` printed the CI environment.
#[cfg(target_os = "linux")]
#[test]
fn includes_of_kernel_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("requirements.txt"),
        "django==3.0.1\n-r /proc/self/environ\n",
    );
    let inventory = scan(tmp.path());
    let error = error_naming(&inventory, "/proc/self/environ");
    assert_eq!(
        (error.path.as_str(), error.line),
        ("requirements.txt", Some(2))
    );
    assert_eq!(inventory.dependencies.len(), 1);
    // What the environment holds (here, the test runner's PATH) is not read.
    if let Ok(path) = std::env::var("PATH") {
        nothing_secret(&inventory, &path);
    }
}

// See: issue 9.
#[cfg(unix)]
#[test]
fn includes_and_links_out_of_the_tree_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("secret.txt"), "leaked-secret==6.6.6\n");
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("a/b");
    let relative = pathdiff(&outside.path().join("secret.txt"), &project);
    write(
        &project.join("requirements.txt"),
        &format!("-r {relative}\n-r inner.txt\nok==1.0\n"),
    );
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), project.join("inner.txt"))
        .unwrap();
    let inventory = scan(&project);
    assert_eq!(inventory.errors.len(), 2, "{:?}", inventory.errors);
    for (line, error) in (1..).zip(&inventory.errors) {
        assert_eq!(error.line, Some(line), "{error}");
        assert!(
            error.message.contains("outside the scanned folder"),
            "{error}"
        );
    }
    nothing_secret(&inventory, "leaked-secret");
    assert_eq!(inventory.dependencies.len(), 1);

    // A file named on the command line may be anywhere; what it includes
    // stays in its own folder.
    let named = scan_requirements_file(
        &outside.path().join("secret.txt"),
        tmp.path(),
        &Options::default(),
    );
    assert_eq!(named.dependencies.len(), 1);
}

/// `../..` from `from` to `to`, as a `-r` line writes it.
fn pathdiff(to: &Path, from: &Path) -> String {
    let depth = from.components().count();
    format!(
        "{}{}",
        "../".repeat(depth),
        to.display().to_string().trim_start_matches('/')
    )
}

// See: issue 9. A pyproject.toml that is a link to /proc/self/environ was
// echoed through the TOML error.
#[cfg(unix)]
#[test]
fn manifests_that_are_links_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    write(
        &outside.path().join("pyproject.toml"),
        "[tool.poetry.dependencies]\nb = \"*\"\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let lock = "[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n[package.dependencies]\nb = \"*\"\n\n\
                [[package]]\nname = \"b\"\nversion = \"2.0\"\n\n[metadata]\nlock-version = \"2.0\"\n";
    write(&tmp.path().join("poetry.lock"), lock);
    // Beside the lock, the manifest whose requirements would make `b`
    // direct: a link out of the tree, so it is not read.
    std::os::unix::fs::symlink(
        outside.path().join("pyproject.toml"),
        tmp.path().join("pyproject.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", tmp.path().join("setup.cfg")).unwrap();
    let inventory = scan(tmp.path());
    // Named as links that are not read, nothing of them quoted.
    let errors: Vec<(&str, &str)> = inventory
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    for (path, message) in errors {
        assert!(["pyproject.toml", "setup.cfg"].contains(&path), "{path}");
        assert!(message.contains("symbolic link"), "{message}");
    }
    let b = inventory
        .dependencies
        .iter()
        .find(|d| d.name.as_str() == "b")
        .unwrap();
    assert!(!b.direct, "the linked manifest was read");
}

// See: issue 9. `-r /dev/zero` reached 8.6 GB in 20 s; a FIFO include
// blocked forever.
#[cfg(unix)]
#[test]
fn special_files_are_refused_even_when_named() {
    let named = on_small_stack(Duration::from_secs(10), || {
        scan_requirements_file(Path::new("/dev/zero"), Path::new("/"), &Options::default())
    });
    assert_eq!(named.errors.len(), 1, "{:?}", named.errors);
    assert!(
        named.errors[0].message.contains("not a regular file"),
        "{:?}",
        named.errors
    );

    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.txt");
    if !std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        return;
    }
    write(&tmp.path().join("requirements.txt"), "-r fifo.txt\nok==1\n");
    let root = tmp.path().to_path_buf();
    let inventory = on_small_stack(Duration::from_secs(10), move || scan(&root));
    let error = error_naming(&inventory, "fifo.txt");
    assert!(error.message.contains("a FIFO"), "{error}");
    let fifo_named = on_small_stack(Duration::from_secs(10), move || {
        scan_requirements_file(&fifo, Path::new("/"), &Options::default())
    });
    assert!(fifo_named.errors[0].message.contains("a FIFO"));
}

// See: issue 9. Every read is bounded before it is buffered.
#[test]
fn files_past_the_limit_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("requirements.txt");
    let file = fs::File::create(&big).unwrap();
    file.set_len(pyward_inventory::MAX_FILE_BYTES + 1).unwrap();
    let inventory = scan(tmp.path());
    let error = error_naming(&inventory, "MiB");
    assert_eq!(error.path, "requirements.txt");
}

fn deep_lock(header: &str, depth: usize) -> String {
    format!(
        "{header}\nname = \"a\"\nversion = \"1\"\nx = {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

// See: issue 9. 100k nested `[` overflowed the stack of every TOML lock
// reader; 5k did beside other projects (smaller worker stacks).
#[test]
fn deeply_nested_locks_are_errors_not_aborts() {
    for (id, header) in [
        ("uv.lock", "version = 1\n[[package]]"),
        ("poetry.lock", "[[package]]"),
        ("pdm.lock", "[[package]]"),
        ("pylock.toml", "lock-version = \"1.0\"\n[[packages]]"),
    ] {
        let text = deep_lock(header, 100_000);
        let error = on_small_stack(Duration::from_secs(20), move || {
            let format = Format::by_id(id).expect("registered");
            parse_document(format, &Document::new(&text, id)).expect_err("too deep")
        });
        assert!(error.message.contains("nested more than"), "{id}: {error}");
    }
    let json = format!(
        "{{\"default\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let error = on_small_stack(Duration::from_secs(20), move || {
        parse_document(
            Format::by_id("Pipfile.lock").unwrap(),
            &Document::new(&json, "Pipfile.lock"),
        )
        .expect_err("too deep")
    });
    assert!(error.message.contains("nested more than"), "{error}");

    // Beside other projects, read by worker threads.
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("deep/poetry.lock"),
        &deep_lock("[[package]]", 5_000),
    );
    write(&tmp.path().join("ok/requirements.txt"), "django==3.0.1\n");
    let root = tmp.path().to_path_buf();
    let inventory = on_small_stack(Duration::from_secs(20), move || scan(&root));
    assert_eq!(inventory.errors.len(), 1, "{:?}", inventory.errors);
    assert_eq!(inventory.errors[0].path, "deep/poetry.lock");
    assert_eq!(inventory.dependencies.len(), 1);
}

// See: issue 9. environment.yml with deep `[` took minutes.
#[test]
fn deeply_nested_yaml_is_refused_quickly() {
    let text = format!(
        "dependencies: {}{}\n",
        "[".repeat(80_000),
        "]".repeat(80_000)
    );
    let start = Instant::now();
    let error = on_small_stack(Duration::from_secs(20), move || {
        parse_document(
            Format::by_id("environment.yml").unwrap(),
            &Document::new(&text, "environment.yml"),
        )
        .expect_err("too deep")
    });
    assert!(error.message.contains("nested more than"), "{error}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

// See: issue 9. A marker with 50k parentheses overflowed the stack; a
// million extras took 254 s.
#[test]
fn monstrous_requirement_lines_are_line_errors() {
    let parens = format!(
        "x==1 ; {}python_version < '3'{}\n",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    let extras = format!("django[{}]==1.0\n", vec!["x"; 1_000_000].join(","));
    let text = format!("{parens}{extras}ok==1.0\n");
    let start = Instant::now();
    let parsed = on_small_stack(Duration::from_secs(20), move || {
        parse_document(
            Format::REQUIREMENTS,
            &Document::new(&text, "requirements.txt"),
        )
        .unwrap()
    });
    assert!(start.elapsed() < Duration::from_secs(5));
    let lines: Vec<Option<u32>> = parsed.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(1), Some(2)]);
    assert!(parsed.errors.iter().all(|e| e.message.len() < 600));
    assert_eq!(parsed.dependencies.len(), 1);
}

// See: issue 9. A `-r` chain 20,000 files deep overflowed the stack.
#[test]
fn include_chains_are_depth_limited() {
    let tmp = tempfile::tempdir().unwrap();
    let depth = 20_000;
    for i in 0..depth {
        let next = if i + 1 < depth {
            format!("-r r{}.txt\n", i + 1)
        } else {
            String::new()
        };
        write(
            &tmp.path().join(format!("r{i}.txt")),
            &format!("{next}p{i}==1.0\n"),
        );
    }
    let root = tmp.path().to_path_buf();
    let inventory = on_small_stack(Duration::from_secs(60), move || {
        scan_requirements_file(&root.join("r0.txt"), &root, &Options::default())
    });
    assert_eq!(inventory.errors.len(), 1, "{:?}", inventory.errors);
    assert!(
        inventory.errors[0].message.contains("32 files deep"),
        "{:?}",
        inventory.errors
    );
    assert_eq!(
        inventory.dependencies.len(),
        pyward_inventory::MAX_INCLUDE_DEPTH
    );
}

// See: issue 9. `--only-group` naming a group that exists nowhere
// passed with exit 0.
#[test]
fn an_unknown_only_group_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("requirements-dev.txt"), "pytest==8.0\n");
    write(&tmp.path().join("requirements.txt"), "django==3.0.1\n");
    let options = Options {
        only_groups: vec!["Dev".to_string()],
        ..Options::default()
    };
    let inventory = scan_path(tmp.path(), tmp.path(), &options);
    assert!(inventory.check_groups(&options).is_ok());
    assert_eq!(inventory.dependencies.len(), 1);
    let options = Options {
        only_groups: vec!["docs".to_string()],
        ..Options::default()
    };
    let inventory = scan_path(tmp.path(), tmp.path(), &options);
    let error = inventory.check_groups(&options).unwrap_err();
    assert_eq!(error.option(), "--only-group");
    assert!(error.to_string().contains("`--only-group docs`"), "{error}");
    assert!(error.to_string().contains("dev, main"), "{error}");
}

// See: issue 9. pip expands `${VAR}` and accepts `===foo-bar`.
#[test]
fn pip_syntax_pip_accepts_is_read() {
    let text = "django==${DJANGO_VERSION}\nlegacy===foo-bar\nflask==2.0.0\n";
    let parsed = parse_document(
        Format::REQUIREMENTS,
        &Document::new(text, "requirements.txt"),
    )
    .unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let listed: Vec<(&str, Option<&str>)> = parsed
        .dependencies
        .iter()
        .map(|d| (d.name.as_str(), d.version.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [("django", None), ("legacy", None), ("flask", Some("2.0.0"))]
    );
    assert!(!parsed.dependencies[0].is_auditable());
    assert_eq!(parsed.notes.len(), 1);
    assert!(
        parsed.notes[0].contains("${DJANGO_VERSION}"),
        "{:?}",
        parsed.notes
    );
    assert!(
        parsed.notes[0].contains("requirements.txt:1"),
        "{:?}",
        parsed.notes
    );
}

// See: issue 9. A TOML error took six lines and echoed a 10 MB line; URL
// credentials were printed in full.
#[test]
fn errors_are_one_bounded_line_without_credentials() {
    let long = format!("[project]\ndependencies = [\"{}\n", "x".repeat(10_000_000));
    let error = parse_document(
        Format::by_id("pyproject.toml").unwrap(),
        &Document::new(&long, "pyproject.toml"),
    )
    .unwrap_err();
    assert!(!error.message.contains('\n'));
    assert!(
        error.message.chars().count() <= 401,
        "{}",
        error.message.len()
    );

    let text =
        "pkg @ https://user:TOKEN@host/x.whl\nbad @ https://u:SECRET@h/x.whl ; nope == '1'\n";
    let parsed = parse_document(
        Format::REQUIREMENTS,
        &Document::new(text, "requirements.txt"),
    )
    .unwrap();
    assert_eq!(
        parsed.dependencies[0].requirement.as_deref(),
        Some("pkg @ https://user:****@host/x.whl")
    );
    assert_eq!(parsed.errors.len(), 1);
    let shown = format!("{parsed:?}");
    assert!(
        !shown.contains("TOKEN") && !shown.contains("SECRET"),
        "{shown}"
    );
}
