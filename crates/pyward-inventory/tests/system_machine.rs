//! `--system` on a machine built by the test in a temporary home: real
//! `python3 -m venv` environments with packages installed by pip, with no
//! index, from wheels the test writes; a pyenv version, a pipx venv, a
//! virtualenvwrapper venv, conda environments, an interpreter on `PATH`
//! and a project `.venv` under the root. Every environment is found once,
//! with its packages.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pyward_inventory::Options;
use pyward_inventory::environment::{Host, scan_system_on};
use pyward_model::PackageName;

/// Writes minimal wheels (dist-info METADATA, WHEEL, RECORD and one module)
/// into `out`.
const BUILD_WHEELS: &str = r#"
import os, sys, zipfile
out = sys.argv[1]
packages = [
    ("alpha", "1.0", ["beta>=2"]),
    ("beta", "2.0", ['gamma ; python_version >= "3"']),
    ("gamma", "3.0", []),
    ("toolpkg", "0.5", ["gamma"]),
    ("delta", "1.0", ['epsilon ; extra == "x"']),
]
for name, version, requires in packages:
    info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{name}/__init__.py": "",
        f"{info}/METADATA": metadata,
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: pyward-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},,\n" for path in files) + f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record
    with zipfile.ZipFile(os.path.join(out, f"{name}-{version}-py3-none-any.whl"), "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
"#;

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The real interpreter behind `python3` (which may be a slow pyenv shim).
fn python() -> Result<String, String> {
    let output = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .map_err(|e| format!("no python3: {e}"))?;
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if output.status.success() && !path.is_empty() {
        Ok(path)
    } else {
        Err("python3 does not run".to_string())
    }
}

fn venv(python: &str, dir: &Path) -> Result<(), String> {
    run(Command::new(python)
        .args(["-m", "venv", "--without-pip"])
        .arg(dir))
}

/// `pip install --no-index` of `packages` (and what they require) from the
/// test's wheels, into the venv `into`.
fn pip_install(python: &str, wheels: &Path, into: &Path, packages: &[&str]) -> Result<(), String> {
    let mut command = Command::new(python);
    command.args(["-m", "pip", "--python"]);
    command.arg(into.join("bin/python"));
    command.args([
        "install",
        "--no-index",
        "--no-compile",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--quiet",
        "--find-links",
    ]);
    command.arg(wheels);
    command.args(packages);
    run(&mut command)
}

fn write(path: &Path, text: &str) {
    fs_err::create_dir_all(path.parent().unwrap()).unwrap();
    fs_err::write(path, text).unwrap();
}

/// Why the machine could not be built.
enum Unbuilt {
    /// No python3 (or one without pip): the test is skipped.
    Skip(String),
    Fail(String),
}

impl From<String> for Unbuilt {
    fn from(message: String) -> Self {
        Unbuilt::Fail(message)
    }
}

/// Builds the machine.
fn build_machine(tmp: &Path) -> Result<(Host, PathBuf), Unbuilt> {
    let python = python().map_err(Unbuilt::Skip)?;
    run(Command::new(&python).args(["-m", "pip", "--version"]))
        .map_err(|e| Unbuilt::Skip(format!("python3 has no pip: {e}")))?;
    let home = tmp.join("home");
    let root = tmp.join("work");
    let wheels = tmp.join("wheels");
    fs_err::create_dir_all(&wheels).unwrap();
    run(Command::new(&python)
        .args(["-c", BUILD_WHEELS])
        .arg(&wheels))?;

    // Three real venvs, each with pip installing into it, side by side:
    // a project venv under the root, a pipx venv, a virtualenvwrapper venv.
    let project = root.join("proj/.venv");
    let pipx = home.join(".local/pipx/venvs/toolpkg");
    let work = home.join(".virtualenvs/work");
    let jobs: [(&Path, &[&str]); 3] = [
        (&project, &["alpha"]),
        (&pipx, &["toolpkg"]),
        (&work, &["delta"]),
    ];
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|(dir, packages)| {
                let (python, wheels) = (&python, &wheels);
                scope.spawn(move || {
                    venv(python, dir)?;
                    pip_install(python, wheels, dir, packages)
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap_or_else(|_| Err("panicked".into())))
    })
    .map_err(Unbuilt::Fail)?;
    // The project venv again, linked from virtualenvwrapper's folder and
    // active on PATH: still one environment.
    #[cfg(unix)]
    std::os::unix::fs::symlink(&project, home.join(".virtualenvs/alias")).unwrap();

    // Prefixes that are not venvs get the distributions pip installed in
    // the project venv, copied.
    let installed = fs_err::read_dir(project.join("lib"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .find(|p| p.is_dir())
        .ok_or_else(|| Unbuilt::Fail("the project venv has no site-packages".into()))?;
    let copy_dist = |name: &str, to: &Path| {
        let info = format!("{name}.dist-info");
        for file in ["METADATA", "RECORD", "WHEEL"] {
            let from = installed.join(&info).join(file);
            fs_err::create_dir_all(to.join(&info)).unwrap();
            fs_err::copy(from, to.join(&info).join(file)).unwrap();
        }
    };

    // A pyenv version: an interpreter prefix.
    let pyenv = home.join(".pyenv/versions/3.12.9");
    write(&pyenv.join("bin/python3.12"), "");
    copy_dist("gamma-3.0", &pyenv.join("lib/python3.12/site-packages"));

    // Conda: a base with one env, which environments.txt lists again.
    let conda = home.join("miniconda3");
    write(
        &conda.join("conda-meta/python-3.12.1-h1.json"),
        r#"{"name": "python", "version": "3.12.1", "build": "h1"}"#,
    );
    fs_err::create_dir_all(conda.join("lib/python3.12/site-packages")).unwrap();
    let data_env = conda.join("envs/data");
    write(
        &data_env.join("conda-meta/openssl-3.0.12-h2.json"),
        r#"{"name": "openssl", "version": "3.0.12", "build": "h2"}"#,
    );
    write(
        &home.join(".conda/environments.txt"),
        &format!("{}\n{}\n", conda.display(), data_env.display()),
    );

    // An interpreter on PATH with its own prefix.
    let system = tmp.join("sysprefix");
    write(&system.join("bin/python3"), "");
    copy_dist("beta-2.0", &system.join("lib/python3.12/site-packages"));
    copy_dist("gamma-3.0", &system.join("lib/python3.12/site-packages"));

    let host = Host {
        home: Some(home),
        path: vec![system.join("bin"), project.join("bin")],
        vars: Default::default(),
        fixed_paths: false,
    };
    Ok((host, root))
}

#[test]
fn every_environment_is_found_once_with_its_packages() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let (host, root) = match build_machine(tmp.path()) {
        Ok(built) => built,
        Err(Unbuilt::Skip(reason)) => {
            eprintln!("skipped: {reason}");
            return;
        }
        Err(Unbuilt::Fail(reason)) => panic!("could not build the machine: {reason}"),
    };
    let built = started.elapsed();
    let scan_started = Instant::now();
    let inventory = scan_system_on(&host, Some(&root), &Options::default());
    eprintln!(
        "machine built in {built:?}, scanned in {:?}",
        scan_started.elapsed()
    );
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);

    // Found once each, by canonical path.
    let canonical: Vec<PathBuf> = inventory
        .environments
        .iter()
        .map(|e| fs_err::canonicalize(&e.path).unwrap())
        .collect();
    let unique: HashSet<&PathBuf> = canonical.iter().collect();
    assert_eq!(
        unique.len(),
        canonical.len(),
        "{:#?}",
        inventory.environments
    );

    let tmp_path = fs_err::canonicalize(tmp.path()).unwrap();
    let rel = |p: &str| {
        fs_err::canonicalize(p)
            .unwrap()
            .strip_prefix(&tmp_path)
            .unwrap()
            .display()
            .to_string()
    };
    // Environment -> (origin, packages as name==version).
    let mut found: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for env in &inventory.environments {
        let packages = inventory
            .dependencies
            .iter()
            .filter(|d| d.environment.as_deref() == Some(env.path.as_str()))
            .map(|d| format!("{}=={}", d.name, d.version.as_deref().unwrap_or("")))
            .collect();
        found.insert(
            rel(&env.path),
            (env.origin.clone().unwrap_or_default(), packages),
        );
    }
    let expected: BTreeMap<String, (String, Vec<String>)> = [
        (
            "work/proj/.venv",
            "venv",
            &["alpha==1.0", "beta==2.0", "gamma==3.0"][..],
        ),
        ("home/.pyenv/versions/3.12.9", "pyenv", &["gamma==3.0"]),
        ("home/miniconda3", "conda", &["python==3.12.1"]),
        ("home/miniconda3/envs/data", "conda", &["openssl==3.0.12"]),
        (
            "home/.local/pipx/venvs/toolpkg",
            "pipx",
            &["gamma==3.0", "toolpkg==0.5"],
        ),
        (
            "home/.virtualenvs/work",
            "virtualenvwrapper",
            &["delta==1.0"],
        ),
        ("sysprefix", "system", &["beta==2.0", "gamma==3.0"]),
    ]
    .into_iter()
    .map(|(path, origin, packages)| {
        (
            path.to_string(),
            (
                origin.to_string(),
                packages.iter().map(|p| (*p).to_string()).collect(),
            ),
        )
    })
    .collect();
    assert_eq!(found, expected);

    // The graph in the project venv, through Requires-Dist.
    let project_deps: Vec<_> = inventory
        .dependencies
        .iter()
        .filter(|d| {
            d.environment
                .as_deref()
                .is_some_and(|e| e.ends_with(".venv"))
        })
        .collect();
    let gamma = project_deps
        .iter()
        .find(|d| d.name.as_str() == "gamma")
        .unwrap();
    assert!(!gamma.direct);
    assert_eq!(
        gamma.via,
        vec![PackageName::new("alpha"), PackageName::new("beta")]
    );
    let project_env = inventory
        .environments
        .iter()
        .find(|e| e.path.ends_with(".venv"))
        .unwrap();
    assert!(project_env.python_version.is_some());
    assert!(
        project_env
            .interpreter
            .as_deref()
            .is_some_and(|i| i.contains("bin/python"))
    );
    let system_env = inventory
        .environments
        .iter()
        .find(|e| e.origin.as_deref() == Some("system"))
        .unwrap();
    assert!(
        system_env
            .interpreter
            .as_deref()
            .is_some_and(|i| i.ends_with("sysprefix/bin/python3"))
    );
    assert_eq!(system_env.python_version.as_deref(), Some("3.12"));
}
