//! The matcher against an independent implementation of the OSV rules:
//! `scripts/osv_crosscheck.py` (Python `packaging`) wrote, for ~50,000
//! (package, version) pairs drawn from the PyPA advisory database, which
//! advisories affect each and their fix versions. The built-in database is
//! built from the same snapshot, so every answer must be the same.

use std::collections::BTreeMap;
use std::io::Read;
use std::str::FromStr;

use flate2::read::GzDecoder;
use pep440_rs::Version;
use pyward_model::PackageName;
use pyward_osv::Database;

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    GzDecoder::new(bytes).read_to_string(&mut text).unwrap();
    text
}

#[test]
fn matcher_agrees_with_python_packaging_over_the_builtin_database() {
    let text = gunzip(include_bytes!("fixtures/crosscheck.tsv.gz"));
    let db = Database::builtin().unwrap();
    let mut by_package: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(name), Some(version), Some(expected)) =
            (fields.next(), fields.next(), fields.next())
        else {
            panic!("bad fixture line {line:?}");
        };
        by_package
            .entry(name)
            .or_default()
            .push((version, expected));
    }
    assert!(by_package.len() > 600, "{} packages", by_package.len());
    let mut pairs = 0;
    let mut affected = 0;
    let mut mismatches = Vec::new();
    for (name, cases) in &by_package {
        let package = db.package(&PackageName::new(name)).unwrap();
        assert!(
            !package.advisories().is_empty(),
            "{name} missing from the built-in database"
        );
        for (version, expected) in cases {
            pairs += 1;
            let mut matches = package.matches_spelled(version);
            matches.sort_by(|a, b| a.advisory.id.cmp(&b.advisory.id));
            let got = matches
                .iter()
                .map(|m| {
                    let fixes: Vec<String> =
                        m.fix_versions.iter().map(ToString::to_string).collect();
                    format!("{}={}", m.advisory.id, fixes.join(","))
                })
                .collect::<Vec<_>>()
                .join(";");
            if !got.is_empty() {
                affected += 1;
            }
            // Fix versions are typed, so they print normalized (`1.8c1`
            // is `1.8rc1`).
            let expected = normalize_fixes(expected);
            if got != expected {
                mismatches.push(format!(
                    "{name} {version}:\n  python {expected}\n  pyward {got}"
                ));
            }
        }
    }
    assert!(
        pairs > 10_000 && affected > 5_000,
        "{pairs} pairs, {affected} affected"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {pairs} disagree, e.g.:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(5)].join("\n")
    );
}

/// `id=fix,fix;id=...` with each fix written as PEP 440 normalizes it.
fn normalize_fixes(expected: &str) -> String {
    expected
        .split(';')
        .map(|advisory| match advisory.split_once('=') {
            Some((id, fixes)) if !fixes.is_empty() => {
                let fixes: Vec<String> = fixes
                    .split(',')
                    .map(|f| Version::from_str(f).map_or_else(|_| f.to_string(), |v| v.to_string()))
                    .collect();
                format!("{id}={}", fixes.join(","))
            }
            _ => advisory.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[test]
fn pep440_rs_orders_versions_as_python_packaging_does() {
    let text = gunzip(include_bytes!("fixtures/pep440-ordering.tsv.gz"));
    let mut checked = 0;
    let mut wrong = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split('\t').collect();
        let [a, op, b] = parts.as_slice() else {
            panic!("bad fixture line {line:?}");
        };
        let (Ok(va), Ok(vb)) = (Version::from_str(a), Version::from_str(b)) else {
            wrong.push(format!("{a} or {b} does not parse"));
            continue;
        };
        let want = if *op == "==" {
            std::cmp::Ordering::Equal
        } else {
            std::cmp::Ordering::Less
        };
        if va.cmp(&vb) != want {
            wrong.push(format!("{a} {op} {b}, pep440_rs says {:?}", va.cmp(&vb)));
        }
        checked += 1;
    }
    assert!(checked > 10_000, "{checked}");
    assert!(
        wrong.is_empty(),
        "{}",
        wrong[..wrong.len().min(20)].join("\n")
    );
}
