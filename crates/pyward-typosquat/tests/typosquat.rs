//! Detection and false-alarm rates measured on committed fixtures (see
//! `tests/fixtures/README.md`), and properties that must hold for any name.

use std::collections::BTreeMap;

use proptest::prelude::*;
use pyward_model::PackageName;
use pyward_typosquat::{AllowList, Checker, Technique, check};

/// Measured 100 of 121 (82.6%) when the rules were tuned; a change that
/// loses more than a couple of real typosquats should be a decision.
const DETECTION_FLOOR: f64 = 0.80;
/// The bound. Measured 19 of 5,000 (0.38%).
const FALSE_ALARM_CEILING: f64 = 0.01;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn known_typosquats() -> Vec<(String, String)> {
    fixture("known-typosquats.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next().unwrap().to_string();
            let target = fields.next().expect("a similar_to column").to_string();
            (name, target)
        })
        .collect()
}

#[test]
fn detects_real_typosquats_and_names_what_they_imitate() {
    let checker = Checker::builtin();
    let squats = known_typosquats();
    let mut detected = 0;
    let mut by_technique: BTreeMap<String, usize> = BTreeMap::new();
    let mut missed = Vec::new();
    for (name, target) in &squats {
        match checker.check(&PackageName::new(name)) {
            Some(found) => {
                assert_eq!(
                    found.similar_to.as_str(),
                    target,
                    "`{name}` was matched with the wrong project"
                );
                detected += 1;
                *by_technique
                    .entry(found.technique.description())
                    .or_default() += 1;
            }
            None => missed.push(name.as_str()),
        }
    }
    let rate = detected as f64 / squats.len() as f64;
    eprintln!(
        "detection: {detected}/{} ({:.1}%); by technique {by_technique:?}; missed {missed:?}",
        squats.len(),
        rate * 100.0
    );
    assert!(
        rate >= DETECTION_FLOOR,
        "detection fell to {:.1}% (floor {:.0}%); missed: {missed:?}",
        rate * 100.0,
        DETECTION_FLOOR * 100.0
    );
}

#[test]
fn ordinary_names_are_seldom_flagged() {
    let checker = Checker::builtin();
    let names = fixture("ordinary-names.txt");
    let names: Vec<&str> = names.lines().filter(|l| !l.is_empty()).collect();
    assert!(names.len() >= 5000, "the sample shrank to {}", names.len());
    let flagged: Vec<String> = names
        .iter()
        .filter_map(|name| checker.check(&PackageName::new(name)))
        .map(|found| {
            format!(
                "{} ~ {} ({})",
                found.name, found.similar_to, found.technique
            )
        })
        .collect();
    let rate = flagged.len() as f64 / names.len() as f64;
    eprintln!(
        "false alarms: {}/{} ({:.2}%): {flagged:#?}",
        flagged.len(),
        names.len(),
        rate * 100.0
    );
    assert!(
        rate <= FALSE_ALARM_CEILING,
        "{:.2}% of ordinary names flagged",
        rate * 100.0
    );
}

#[test]
fn each_technique_on_a_textbook_example() {
    let checker = Checker::builtin();
    let cases = [
        ("reqeusts", "requests", Technique::Transposition),
        ("requestss", "requests", Technique::RepeatedLetter),
        ("reqests", "requests", Technique::DroppedLetter),
        ("dequests", "requests", Technique::Edit { distance: 1 }),
        ("reqest", "requests", Technique::Edit { distance: 2 }),
        (
            "typingextensions",
            "typing-extensions",
            Technique::Separator,
        ),
        (
            "typing-extensi0ns",
            "typing-extensions",
            Technique::Confusable,
        ),
        ("jeIlyfish", "jellyfish", Technique::Confusable),
        ("rnatplotlib", "matplotlib", Technique::Confusable),
    ];
    for (name, target, technique) in cases {
        let found = checker
            .check(&PackageName::new(name))
            .unwrap_or_else(|| panic!("`{name}` not flagged"));
        assert_eq!(found.similar_to.as_str(), target, "{name}");
        assert_eq!(found.technique, technique, "{name}");
        assert_eq!(
            found.similar_to_rank,
            checker.rank(&found.similar_to).unwrap()
        );
    }
    let affixed = checker.check(&PackageName::new("python-flask")).unwrap();
    assert_eq!(affixed.similar_to.as_str(), "flask");
    assert_eq!(affixed.technique.description(), "`python-` prefix added");
    let dropped = checker.check(&PackageName::new("dateutil")).unwrap();
    assert_eq!(dropped.similar_to.as_str(), "python-dateutil");
    assert_eq!(dropped.technique.description(), "`python-` prefix dropped");
}

#[test]
fn false_alarm_shapes_the_rules_exclude() {
    let checker = Checker::builtin();
    for name in [
        // Plugin families: a short distinguishing word.
        "pytest-cox",
        "django-csp2",
        // Two letters of a short word: another word (SaltStack's plugin).
        "pytest-salt",
        // Type stubs and stub-only packages of popular projects.
        "types-flask-cors",
        "colorama-stubs",
        // A version digit, and a short name.
        "pyqt7",
        "six2",
        // One letter in five is another word, not a typo.
        "flash",
        // Far from anything.
        "a-project-nobody-has-heard-of",
    ] {
        assert_eq!(checker.check(&PackageName::new(name)), None, "{name}");
    }
}

#[test]
fn the_most_downloaded_of_several_is_named() {
    // `botocorr` is one edit from `botocore` (#10) and two from others.
    let found = Checker::builtin()
        .check(&PackageName::new("botocorr"))
        .unwrap();
    assert_eq!(found.similar_to.as_str(), "botocore");
    let custom = Checker::new([
        (PackageName::new("alpha-tool"), 1_000_000),
        (PackageName::new("alpha-tools"), 900_000),
        (PackageName::new("filler"), 1_000),
    ]);
    let found = custom.check(&PackageName::new("alpha-toolz")).unwrap();
    assert_eq!(found.similar_to.as_str(), "alpha-tool");
    assert_eq!(found.similar_to_rank, 1);
}

#[test]
fn look_alikes_serialize_for_reports() {
    let found = Checker::builtin()
        .check(&PackageName::new("python3-flask"))
        .unwrap();
    let json = serde_json::to_value(&found).unwrap();
    assert_eq!(json["name"], "python3-flask");
    assert_eq!(json["similar_to"], "flask");
    assert_eq!(json["technique"]["kind"], "affix");
    assert_eq!(json["technique"]["text"], "python3-");
    assert_eq!(json["technique"]["position"], "prefix");
    assert_eq!(json["similar_to_rank"], found.similar_to_rank);
    let swapped = Checker::builtin()
        .check(&PackageName::new("reqeusts"))
        .unwrap();
    assert_eq!(
        serde_json::to_value(&swapped).unwrap()["technique"],
        serde_json::json!({"kind": "transposition"})
    );
    assert_eq!(
        swapped.to_string(),
        "`reqeusts` looks like `requests` (#7 most downloaded on PyPI): swapped letters"
    );
}

#[test]
fn allow_lists_win() {
    let allow: AllowList = ["reqeusts"].into_iter().collect();
    assert_eq!(check(&PackageName::new("reqeusts"), &allow), None);
    assert!(check(&PackageName::new("reqeusts"), &AllowList::new()).is_some());
    let checker = Checker::builtin().with_allow_list(allow);
    assert_eq!(checker.check(&PackageName::new("Reqeusts")), None);
}

fn builtin_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        include_str!("../data/top-pypi-packages.tsv")
            .lines()
            .filter_map(|line| line.split('\t').next())
            .map(str::to_string)
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_is_checked_without_panicking(raw in any::<String>()) {
        let _ = check(&PackageName::new(&raw), &AllowList::new());
    }

    #[test]
    fn name_like_strings_are_checked_without_panicking(raw in "[a-z0-9._\u{0430}-\u{044f}-]{0,80}") {
        if let Some(found) = check(&PackageName::new(&raw), &AllowList::new()) {
            prop_assert_ne!(found.name, found.similar_to);
        }
    }

    #[test]
    fn a_popular_name_is_never_flagged(slot in 0usize..15_000) {
        let name = &builtin_names()[slot];
        prop_assert_eq!(check(&PackageName::new(name), &AllowList::new()), None);
        // Nor in another spelling of the same project.
        let respelled = name.replace('-', "_").to_uppercase();
        prop_assert_eq!(check(&PackageName::new(&respelled), &AllowList::new()), None);
    }

    #[test]
    fn an_allowed_name_is_never_flagged(raw in "[a-z][a-z0-9-]{0,30}") {
        let name = PackageName::new(&raw);
        let allow: AllowList = [name.clone()].into_iter().collect();
        prop_assert_eq!(check(&name, &allow), None);
    }
}
