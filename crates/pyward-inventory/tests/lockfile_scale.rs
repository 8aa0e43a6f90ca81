//! Reading speed on large generated locks. Not run by default (timing
//! depends on the machine): `cargo test --release -p pyward-inventory --test
//! lockfile_scale -- --ignored --nocapture`.

use std::fmt::Write as _;
use std::time::Instant;

use pyward_inventory::lockfile::{pdm_lock, poetry_lock, uv_lock};

/// A lock of `count` packages, package `i` requiring `3i+1` to `3i+3` (a
/// tree nine levels deep, as real graphs are shallow) and every tenth
/// with a marker.
fn uv_lock_text(count: usize) -> String {
    let mut text = String::from("version = 1\nrevision = 2\nrequires-python = \">=3.9\"\n\n");
    let _ = writeln!(
        text,
        "[[package]]\nname = \"root\"\nversion = \"0.1.0\"\nsource = {{ virtual = \".\" }}\ndependencies = [{{ name = \"pkg-0\" }}]\n"
    );
    for i in 0..count {
        let _ = writeln!(
            text,
            "[[package]]\nname = \"pkg-{i}\"\nversion = \"1.{i}.0\"\nsource = {{ registry = \"https://pypi.org/simple\" }}"
        );
        text.push_str("dependencies = [");
        for j in 1..=3 {
            if i + j < count {
                if (i + j) % 10 == 0 {
                    let _ = write!(
                        text,
                        "{{ name = \"pkg-{}\", marker = \"sys_platform == 'win32'\" }}, ",
                        i + j
                    );
                } else {
                    let _ = write!(text, "{{ name = \"pkg-{}\" }}, ", i + j);
                }
            }
        }
        text.push_str("]\n");
        let _ = writeln!(
            text,
            "sdist = {{ url = \"https://files.example/pkg-{i}.tar.gz\", hash = \"sha256:00\", size = 1 }}"
        );
        // Eight wheels a package, about what a compiled package has.
        text.push_str("wheels = [\n");
        for tag in 0..8 {
            let _ = writeln!(
                text,
                "    {{ url = \"https://files.pythonhosted.org/packages/aa/bb/pkg_{i}-1.{i}.0-cp3{tag}-manylinux_x86_64.whl\", hash = \"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", size = 123456, upload-time = \"2025-01-01T00:00:00Z\" }},"
            );
        }
        text.push_str("]\n\n");
    }
    text
}

fn poetry_lock_text(count: usize) -> String {
    let mut text = String::new();
    for i in 0..count {
        let _ = writeln!(
            text,
            "[[package]]\nname = \"pkg-{i}\"\nversion = \"1.{i}.0\"\ndescription = \"\"\noptional = false\npython-versions = \">=3.9\"\ngroups = [\"main\"]\nfiles = [{{file = \"pkg-{i}.tar.gz\", hash = \"sha256:00\"}}]\n"
        );
        let children: Vec<usize> = (3 * i + 1..=3 * i + 3).filter(|&c| c < count).collect();
        if !children.is_empty() {
            text.push_str("[package.dependencies]\n");
            for child in children {
                let _ = writeln!(text, "pkg-{child} = \">=1\"");
            }
            text.push('\n');
        }
    }
    text.push_str(
        "[metadata]\nlock-version = \"2.1\"\npython-versions = \">=3.9\"\ncontent-hash = \"0\"\n",
    );
    text
}

fn pdm_lock_text(count: usize) -> String {
    let mut text = String::from("[metadata]\ngroups = [\"default\"]\nlock_version = \"4.5.0\"\n\n");
    for i in 0..count {
        let _ = writeln!(
            text,
            "[[package]]\nname = \"pkg-{i}\"\nversion = \"1.{i}.0\"\ngroups = [\"default\"]"
        );
        let children: Vec<String> = (3 * i + 1..=3 * i + 3)
            .filter(|&c| c < count)
            .map(|c| format!("\"pkg-{c}>=1\""))
            .collect();
        if !children.is_empty() {
            let _ = writeln!(text, "dependencies = [{}]", children.join(", "));
        }
        text.push('\n');
    }
    text
}

/// CPU time this thread has run, where Linux tells it (wall time on a
/// loaded machine says little).
fn cpu_time_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

#[test]
#[ignore = "timing; run by hand in release mode"]
fn ten_thousand_locked_packages() {
    for (format, text, parse) in [
        (
            "uv.lock",
            uv_lock_text(10_000),
            uv_lock::parse as pyward_inventory::lockfile::LockParser,
        ),
        ("poetry.lock", poetry_lock_text(10_000), poetry_lock::parse),
        ("pdm.lock", pdm_lock_text(10_000), pdm_lock::parse),
    ] {
        let started = Instant::now();
        let cpu_started = cpu_time_ns();
        let deps = parse(&text, format).unwrap();
        let elapsed = started.elapsed();
        let cpu = cpu_time_ns()
            .zip(cpu_started)
            .map(|(end, start)| (end - start) / 1_000_000);
        drop(deps);
        // The toml crate on the whole text, for comparison (after, so that
        // its memory churn does not slow the reader down).
        let started = Instant::now();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let toml_only = started.elapsed();
        drop(table);
        let deps = parse(&text, format).unwrap();
        assert_eq!(deps.len(), 10_000);
        assert!(deps[0].direct);
        eprintln!(
            "{format}: 10,000 packages ({} KB) in {elapsed:?}, CPU {cpu:?} ms (the toml crate alone: {toml_only:?})",
            text.len() / 1024
        );
    }
}
