//! The entry points against hostile input (issue 9): source nested deep
//! enough to overflow a recursive parser or walk, files too large to
//! parse in memory, declared encodings, and special files named on the
//! command line. Every input is generated here.

use std::path::PathBuf;

use pyward_lint::{Limits, Settings, check_bytes, check_paths, check_paths_with, check_source};

/// The shapes of issue 9 that aborted the scan (exit 134) with a stack
/// overflow, at the sizes reported there.
fn deep_shapes() -> Vec<(&'static str, String)> {
    vec![
        (
            "50k nested lists",
            format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000)),
        ),
        ("500k-term sum", format!("x = a{}\n", "+a".repeat(500_000))),
        (
            "100k nested calls",
            format!("x = {}1{}\n", "f(".repeat(100_000), ")".repeat(100_000)),
        ),
        (
            "500k attribute chain",
            format!("x = a{}\n", ".b".repeat(500_000)),
        ),
        (
            "200k subscripts",
            format!("x = a{}\n", "[0]".repeat(200_000)),
        ),
        (
            "200k unary minus",
            format!("x = {}a\n", "-".repeat(200_000)),
        ),
        ("200k not", format!("x = {}a\n", "not ".repeat(200_000))),
        (
            "100k nested lambdas",
            format!("x = {}a\n", "lambda: ".repeat(100_000)),
        ),
        (
            "100k lambda defaults",
            format!(
                "x = {}0{}\n",
                "lambda a=".repeat(100_000),
                ": 0".repeat(100_000)
            ),
        ),
        (
            "100k ternaries",
            format!("x = a{}\n", " if b else a".repeat(100_000)),
        ),
        ("100k powers", format!("x = a{}\n", "**a".repeat(100_000))),
        (
            "50k nested f-strings",
            format!("x = {}1{}\n", "f'{".repeat(50_000), "}'".repeat(50_000)),
        ),
        (
            "50k nested dicts",
            format!("x = {}1{}\n", "{a: ".repeat(50_000), "}".repeat(50_000)),
        ),
    ]
}

fn assert_too_deep(
    name: &str,
    result: Result<Vec<pyward_model::Finding>, pyward_model::ScanError>,
) {
    let error = result.expect_err(name);
    assert!(
        error
            .message
            .starts_with("too deeply nested to analyse (depth ")
            && error.message.ends_with(" > limit 2000)"),
        "{name}: {}",
        error.message
    );
}

// See issue 9: each of these aborted pyward with a stack overflow.
#[test]
fn deep_nesting_is_an_error_for_the_file_never_an_abort() {
    for (name, source) in deep_shapes() {
        assert_too_deep(name, check_source("deep.py", &source, &Settings::default()));
        assert_too_deep(
            name,
            check_bytes("deep.py", source.as_bytes(), &Settings::default()),
        );
    }
}

/// Statements nested by indentation: 3000 levels fit in 4.5 MB of
/// source.
#[test]
fn deep_blocks_are_an_error_too() {
    let mut source = String::new();
    for depth in 0..3000 {
        source.push_str(&" ".repeat(depth));
        source.push_str("if x:\n");
    }
    source.push_str(&" ".repeat(3000));
    source.push_str("pass\n");
    assert_too_deep(
        "3000 nested blocks",
        check_source("blocks.py", &source, &Settings::default()),
    );
}

/// Just under the limit, each shape is analysed: the analysis threads'
/// stack holds the deepest input the limit lets through (a stack sized
/// too small would abort this test).
#[test]
fn the_deepest_accepted_inputs_are_analysed() {
    let shapes = [
        format!("x = {}{}\n", "[".repeat(990), "]".repeat(990)),
        format!("x = a{}\n", "+a".repeat(1990)),
        format!("x = {}1{}\n", "f(".repeat(990), ")".repeat(990)),
        format!("x = a{}\n", ".b".repeat(1990)),
        format!("x = a{}\n", "[0]".repeat(990)),
        format!("x = {}a\n", "-".repeat(1990)),
        format!("x = {}0{}\n", "lambda a=".repeat(1990), ": 0".repeat(1990)),
        format!("x = {}1{}\n", "f(a=".repeat(990), ")".repeat(990)),
        format!("x = a{}\n", " if b else a".repeat(990)),
        format!("x = a{}\n", "**a".repeat(1990)),
    ];
    for source in &shapes {
        let result = check_source("ok.py", source, &Settings::default());
        assert!(result.is_ok(), "{:?} for {}", result.err(), &source[..40]);
    }
    // And on the worker threads of a folder scan.
    let dir = tempfile::tempdir().unwrap();
    for (index, source) in shapes.iter().enumerate() {
        std::fs::write(dir.path().join(format!("ok{index}.py")), source).unwrap();
    }
    let outcome = check_paths(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::default(),
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.files_checked, shapes.len());
}

// See issue 9: "the same with 10k nesting when other files are scanned
// (worker threads have smaller stacks)".
#[test]
fn deep_files_among_others_are_errors_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.py"), "assert x\n").unwrap();
    for (index, (_, source)) in deep_shapes().into_iter().enumerate() {
        std::fs::write(dir.path().join(format!("deep{index:02}.py")), source).unwrap();
    }
    let ten_k = format!("x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    std::fs::write(dir.path().join("ten_k.py"), ten_k).unwrap();
    let outcome = check_paths(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::for_rules(&["B101"]),
    );
    assert_eq!(outcome.files_checked, 1);
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(outcome.errors.len(), deep_shapes().len() + 1);
    assert!(
        outcome
            .errors
            .iter()
            .all(|e| e.message.starts_with("too deeply nested")),
        "{:?}",
        outcome.errors
    );
}

// See issue 9: a 20 MB file of one list reached 2 GB, a 200 MB one 15 GB.
#[test]
fn files_over_the_size_limit_are_errors_before_they_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.py");
    // 9 MiB of `1,`: over the default 8 MiB.
    let source = format!("x = [{}]\n", "1,".repeat(9 * 512 * 1024));
    std::fs::write(&big, source).unwrap();
    std::fs::write(dir.path().join("small.py"), "assert x\n").unwrap();
    let outcome = check_paths(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::for_rules(&["B101"]),
    );
    assert_eq!(outcome.files_checked, 1);
    assert_eq!(outcome.errors.len(), 1, "{:?}", outcome.errors);
    assert_eq!(outcome.errors[0].path, "big.py");
    assert!(
        outcome.errors[0]
            .message
            .contains("larger than the 8388608 byte limit"),
        "{}",
        outcome.errors[0].message
    );
    // The limit is the caller's to set.
    let limits = Limits {
        max_file_size: 16,
        ..Limits::default()
    };
    let outcome = check_paths_with(
        &[dir.path().join("small.py")],
        dir.path(),
        &Settings::for_rules(&["B101"]),
        limits,
    );
    assert_eq!(outcome.files_checked, 1);
    let outcome = check_paths_with(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::default(),
        Limits {
            max_file_size: 4,
            ..limits
        },
    );
    assert_eq!(outcome.files_checked, 0);
    assert_eq!(outcome.errors.len(), 2);
}

// See issue 9: a PEP 263 declaration was ignored and the file rejected as
// "not UTF-8".
#[test]
fn declared_source_encodings_are_read_as_cpython_reads_them() {
    let latin1 = b"# -*- coding: latin-1 -*-\n# caf\xe9\nassert x\n";
    let findings = check_bytes("latin1.py", latin1, &Settings::for_rules(&["B101"])).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].location.as_ref().unwrap().line, 3);
    let second_line =
        b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\ns = '\xa4'\nexec(s + input())\n";
    assert_eq!(
        check_bytes("v.py", second_line, &Settings::for_rules(&["B102"]))
            .unwrap()
            .len(),
        1
    );
    let undeclared = check_bytes("u.py", b"x = 1\ns = '\xe9'\n", &Settings::default()).unwrap_err();
    assert_eq!(
        (undeclared.line, undeclared.message.as_str()),
        (Some(2), "not UTF-8 text")
    );
    let unknown = check_bytes("k.py", b"# coding: klingon\n", &Settings::default()).unwrap_err();
    assert!(
        unknown.message.contains("unknown encoding `klingon`"),
        "{}",
        unknown.message
    );
    // And through a folder scan.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("l.py"), latin1).unwrap();
    let outcome = check_paths(
        &[dir.path().to_path_buf()],
        dir.path(),
        &Settings::for_rules(&["B101"]),
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.findings.len(), 1);
}

// See issue 9: `pyward code FIFO` hung (or passed it by in silence).
#[cfg(unix)]
#[test]
fn special_files_named_on_the_command_line_are_errors_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.py");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let outcome = check_paths(
        &[fifo, PathBuf::from("/dev/zero")],
        dir.path(),
        &Settings::default(),
    );
    assert_eq!(outcome.files_checked, 0);
    let errors: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors.iter().any(|e| e.contains("fifo.py: a FIFO")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("character device")),
        "{errors:?}"
    );
}

#[test]
fn reported_paths_are_relative_to_the_root_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("Flask-2.0.0");
    std::fs::create_dir_all(tree.join("src/flask")).unwrap();
    std::fs::write(tree.join("src/flask/app.py"), "assert x\n").unwrap();
    // `pyward code . src`: overlapping arguments, one finding.
    let outcome = check_paths(
        &[tree.clone(), tree.join("src")],
        &tree,
        &Settings::for_rules(&["B101"]),
    );
    let paths: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.location.as_ref().unwrap().path.as_str())
        .collect();
    assert_eq!(paths, ["src/flask/app.py"]);
}
