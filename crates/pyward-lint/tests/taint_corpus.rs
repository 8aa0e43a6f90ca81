//! The labelled taint corpus (`resources/taint-corpus/`): view functions
//! for Flask, Django and FastAPI, real vulnerabilities and safe look-alikes,
//! each labelled on its sink line (`# vuln: CWE-89 [trick]`,
//! `# safe: CWE-89 [trick]`).
//!
//! Scored per sink class, as the true-positive rate (vulnerable cases
//! reported) and the false-positive rate (safe cases reported), for the
//! default profile and for the bandit profile (Bandit's checks alone: the
//! baseline). The precise profile must not fall below the committed floors;
//! the table is pinned by a snapshot (and copied in the corpus README).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pyward_lint::{CodeConfig, Profile, Settings, check_paths};
use pyward_model::Finding;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/taint-corpus")
}

/// One labelled case.
#[derive(Debug)]
struct Case {
    path: String,
    line: u32,
    vulnerable: bool,
    class: &'static str,
    trick: String,
}

/// The class a label's CWE stands for.
fn class_of_cwe(cwe: &str) -> Option<&'static str> {
    Some(match cwe {
        "CWE-89" => "sql",
        "CWE-78" => "command",
        "CWE-94" | "CWE-95" => "code",
        "CWE-22" => "path",
        "CWE-79" => "xss",
        "CWE-1336" => "template",
        "CWE-601" => "redirect",
        "CWE-918" => "ssrf",
        "CWE-90" => "ldap",
        "CWE-643" => "xpath",
        "CWE-611" => "xxe",
        "CWE-502" => "deserialization",
        "CWE-501" => "trust-boundary",
        "CWE-113" => "header",
        "CWE-117" => "log",
        _ => return None,
    })
}

/// The class of sink a finding reports: the data-flow rules by their CWE,
/// the Bandit checks by what they look at (Bandit's own CWEs are coarser:
/// B307's `eval` is CWE-78, B310's `urlopen` CWE-22).
fn class_of_finding(finding: &Finding) -> Option<&'static str> {
    Some(match finding.id.as_str() {
        "B102" | "B307" => "code",
        "B301" | "B302" | "B506" | "B614" => "deserialization",
        "B308" | "B703" | "B704" => "xss",
        "B310" => "ssrf",
        "B313" | "B314" | "B315" | "B316" | "B317" | "B318" | "B319" | "B320" => "xxe",
        "B601" | "B602" | "B603" | "B604" | "B605" | "B606" | "B607" | "B609" => "command",
        "B608" | "B610" | "B611" => "sql",
        id if id.starts_with("PW7") => class_of_cwe(finding.cwe.as_deref()?)?,
        _ => return None,
    })
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let root = corpus_dir();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let relative = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            for (index, line) in text.lines().enumerate() {
                for (marker, vulnerable) in [("# vuln: ", true), ("# safe: ", false)] {
                    let Some(at) = line.find(marker) else {
                        continue;
                    };
                    let rest = &line[at + marker.len()..];
                    let cwe = rest.split_whitespace().next().unwrap_or("");
                    let trick = rest
                        .split_once('[')
                        .and_then(|(_, t)| t.split_once(']'))
                        .map_or("", |(t, _)| t)
                        .to_string();
                    let class = class_of_cwe(cwe)
                        .unwrap_or_else(|| panic!("{relative}:{}: CWE {cwe}", index + 1));
                    cases.push(Case {
                        path: relative.clone(),
                        line: u32::try_from(index + 1).unwrap(),
                        vulnerable,
                        class,
                        trick,
                    });
                }
            }
        }
    }
    cases
}

/// Per class: (vulnerable, reported; safe, reported).
type Scores = BTreeMap<&'static str, [usize; 4]>;

fn score(cases: &[Case], findings: &[Finding]) -> (Scores, Vec<String>) {
    let mut scores: Scores = BTreeMap::new();
    let mut misses = Vec::new();
    for case in cases {
        let reported = findings.iter().any(|f| {
            let location = f.location.as_ref().unwrap();
            location.path == case.path
                && location.line == case.line
                && class_of_finding(f) == Some(case.class)
        });
        let entry = scores.entry(case.class).or_default();
        if case.vulnerable {
            entry[0] += 1;
            entry[1] += usize::from(reported);
        } else {
            entry[2] += 1;
            entry[3] += usize::from(reported);
        }
        if reported != case.vulnerable {
            misses.push(format!(
                "{} {}:{} [{}]",
                if case.vulnerable {
                    "missed"
                } else {
                    "false positive"
                },
                case.path,
                case.line,
                case.trick
            ));
        }
    }
    (scores, misses)
}

fn rate(hit: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { hit as f64 / of as f64 }
}

fn run(settings: &Settings) -> Vec<Finding> {
    let root = corpus_dir();
    let outcome = check_paths(std::slice::from_ref(&root), &root, settings);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.findings
}

/// The lowest true-positive rate and the highest false-positive rate each
/// class may have in the precise profile (the measured rates when they were
/// committed: a change that lowers one fails here).
const FLOORS: &[(&str, f64, f64)] = &[
    ("code", 48.0 / 51.0, 3.0 / 54.0),
    ("command", 48.0 / 51.0, 3.0 / 54.0),
    ("deserialization", 48.0 / 51.0, 3.0 / 54.0),
    ("header", 48.0 / 51.0, 3.0 / 54.0),
    ("ldap", 48.0 / 51.0, 3.0 / 54.0),
    ("log", 48.0 / 51.0, 3.0 / 54.0),
    ("path", 48.0 / 51.0, 3.0 / 54.0),
    ("redirect", 48.0 / 51.0, 3.0 / 54.0),
    ("sql", 48.0 / 51.0, 3.0 / 54.0),
    ("ssrf", 48.0 / 51.0, 3.0 / 54.0),
    ("template", 48.0 / 51.0, 3.0 / 54.0),
    ("trust-boundary", 48.0 / 51.0, 3.0 / 54.0),
    ("xpath", 48.0 / 51.0, 3.0 / 54.0),
    ("xss", 48.0 / 51.0, 3.0 / 54.0),
    ("xxe", 48.0 / 51.0, 3.0 / 54.0),
];

#[test]
fn corpus_scores_per_class() {
    let cases = cases();
    assert!(cases.len() >= 300, "{} cases", cases.len());
    let vulnerable = cases.iter().filter(|c| c.vulnerable).count();
    assert!(vulnerable * 3 >= cases.len() && vulnerable * 3 <= 2 * cases.len());

    let precise = run(&Settings::default());
    let bandit_config = CodeConfig {
        select: Some(vec!["B".to_string()]),
        profile: Some(Profile::Bandit),
        ..CodeConfig::default()
    };
    let bandit = run(&Settings::from_code_config(&bandit_config).unwrap());
    let (precise_scores, misses) = score(&cases, &precise);
    let (bandit_scores, _) = score(&cases, &bandit);

    let mut table = String::from(
        "| class | cases (vuln/safe) | precise TPR | precise FPR | bandit TPR | bandit FPR |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let mut totals = [[0usize; 4]; 2];
    for (class, p) in &precise_scores {
        let b = bandit_scores[class];
        for i in 0..4 {
            totals[0][i] += p[i];
            totals[1][i] += b[i];
        }
        table.push_str(&format!(
            "| {class} | {}/{} | {:.0}% | {:.0}% | {:.0}% | {:.0}% |\n",
            p[0],
            p[2],
            100.0 * rate(p[1], p[0]),
            100.0 * rate(p[3], p[2]),
            100.0 * rate(b[1], b[0]),
            100.0 * rate(b[3], b[2]),
        ));
    }
    let [p, b] = totals;
    table.push_str(&format!(
        "| **all** | {}/{} | {:.1}% | {:.1}% | {:.1}% | {:.1}% |\n",
        p[0],
        p[2],
        100.0 * rate(p[1], p[0]),
        100.0 * rate(p[3], p[2]),
        100.0 * rate(b[1], b[0]),
        100.0 * rate(b[3], b[2]),
    ));
    table.push_str(&format!(
        "\nTPR - FPR: precise {:.1}%, bandit {:.1}%\n",
        100.0 * (rate(p[1], p[0]) - rate(p[3], p[2])),
        100.0 * (rate(b[1], b[0]) - rate(b[3], b[2])),
    ));

    let mut failures = Vec::new();
    for &(class, tpr_floor, fpr_ceiling) in FLOORS {
        let Some(s) = precise_scores.get(class) else {
            failures.push(format!("{class}: no cases"));
            continue;
        };
        let (tpr, fpr) = (rate(s[1], s[0]), rate(s[3], s[2]));
        if tpr + 1e-9 < tpr_floor || fpr > fpr_ceiling + 1e-9 {
            failures.push(format!(
                "{class}: TPR {:.0}% (floor {:.0}%), FPR {:.0}% (ceiling {:.0}%)",
                100.0 * tpr,
                100.0 * tpr_floor,
                100.0 * fpr,
                100.0 * fpr_ceiling
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{table}\n{}",
        failures.join("\n"),
        misses.join("\n")
    );
    insta::assert_snapshot!("taint_corpus_scores", table);
}
