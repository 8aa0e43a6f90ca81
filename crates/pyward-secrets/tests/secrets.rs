//! The corpus test: every planted secret in `tests/corpus` is found, at
//! the line and with the detector its `TRUTH` file says, and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pyward_secrets::{Settings, scan_paths};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn truth() -> BTreeSet<(String, u32, String)> {
    let text = std::fs::read_to_string(corpus().join("TRUTH")).expect("TRUTH is committed");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.split('\t');
            let path = parts.next().expect("path").to_string();
            let number = parts.next().expect("line").parse().expect("line number");
            let id = parts.next().expect("detector").to_string();
            (path, number, id)
        })
        .collect()
}

#[test]
fn corpus_matches_ground_truth() {
    let root = corpus();
    let outcome = scan_paths(&[root.clone()], &root, &Settings::default());
    let found: BTreeSet<(String, u32, String)> = outcome
        .findings
        .iter()
        .map(|f| {
            let l = f
                .location
                .as_ref()
                .expect("secret findings have a location");
            (l.path.clone(), l.line, f.id.clone())
        })
        .collect();
    let expected = truth();
    let missed: Vec<_> = expected.difference(&found).collect();
    let false_alarms: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && false_alarms.is_empty(),
        "missed: {missed:#?}\nfalse alarms: {false_alarms:#?}"
    );
    assert_eq!(
        outcome.findings.len(),
        expected.len(),
        "one finding per planted secret"
    );
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    // Every detector has at least one planted secret.
    for detector in pyward_secrets::detectors::REGISTRY {
        assert!(
            expected.iter().any(|(_, _, id)| id == detector.id),
            "no planted secret for {}",
            detector.id
        );
    }
}

#[test]
fn corpus_skips_binary_and_minified_files_and_says_so() {
    let root = corpus();
    let outcome = scan_paths(&[root.clone()], &root, &Settings::default());
    let warnings = outcome.warnings.join("\n");
    assert!(warnings.contains("decoys/vendor.min.js"), "{warnings}");
    assert!(warnings.contains("decoys/bundle.js"), "{warnings}");
    // Binary files are skipped silently.
    assert!(!warnings.contains("blob.bin"), "{warnings}");
}

#[test]
fn no_finding_carries_a_secret_in_full() {
    let root = corpus();
    let outcome = scan_paths(&[root.clone()], &root, &Settings::default());
    let json = serde_json::to_string(&outcome.findings).expect("findings serialize");
    for (path, line, _) in truth() {
        let text = std::fs::read_to_string(root.join(&path)).expect("corpus file");
        let line_text = text.lines().nth(line as usize - 1).expect("line exists");
        // Every run of 12 characters that could be part of a secret.
        for token in line_text.split(|c: char| !(c.is_ascii_alphanumeric() || "+/_-=.".contains(c)))
        {
            if token.len() >= 12 && !token.contains("..") {
                let middle = &token[token.len() / 2 - 6..token.len() / 2 + 6];
                assert!(!json.contains(middle), "{path}:{line} leaks `{middle}`");
            }
        }
    }
}

#[test]
fn corpus_snapshot() {
    let root = corpus();
    let outcome = scan_paths(&[root.clone()], &root, &Settings::default());
    let rows: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| {
            let l = f.location.as_ref().expect("location");
            format!(
                "{}:{}:{} {} [{}/{}] {}",
                l.path,
                l.line,
                l.column,
                f.id,
                f.severity,
                f.confidence.map_or("-", |c| c.as_str()),
                f.message.as_deref().unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"));
}
