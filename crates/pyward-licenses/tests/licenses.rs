//! Licenses of real installed packages (`tests/fixtures/dist-info/`), the
//! PyPI client against a server on loopback, and properties for any input.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use pyward_licenses::{
    Category, LicenseInfo, LicenseMetadata, LicensePolicy, Origin, evaluate, license_file_names,
    resolve,
};

mod pypi;

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dist-info")
        .join(name)
}

/// What the inventory will do: the headers of `METADATA`, and each
/// `License-File` from `licenses/`.
fn read_dist_info(dir: &Path) -> LicenseMetadata {
    let text = std::fs::read_to_string(dir.join("METADATA"))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut metadata = pyward_licenses::from_core_metadata(&text);
    for name in license_file_names(&text) {
        if let Ok(content) = std::fs::read_to_string(dir.join("licenses").join(&name)) {
            metadata.files.push((name, content));
        }
    }
    metadata
}

use Category::{Permissive as P, StrongCopyleft as S, WeakCopyleft as W};
use Origin::{Classifier as C, Expression as E, LicenseField as L};

/// (folder, expected expression, category, origin, approximate)
const INSTALLED: &[(&str, Option<&str>, Category, Origin, bool)] = &[
    (
        "Unidecode-1.4.0.dist-info",
        Some("GPL-2.0-or-later"),
        S,
        C,
        false,
    ),
    (
        "astroid-4.3.4.dist-info",
        Some("LGPL-2.1-or-later"),
        W,
        E,
        false,
    ),
    ("attrs-26.1.0.dist-info", Some("MIT"), P, E, false),
    ("blinker-1.9.0.dist-info", Some("MIT"), P, C, false),
    (
        "certifi-2026.10.19.post1.dist-info",
        Some("MPL-2.0"),
        W,
        L,
        false,
    ),
    ("cffi-2.1.1.dist-info", Some("MIT-0"), P, E, false),
    ("chardet-7.7.0.dist-info", Some("0BSD"), P, E, false),
    (
        "cryptography-50.0.2.dist-info",
        Some("Apache-2.0 OR BSD-3-Clause"),
        P,
        E,
        false,
    ),
    ("django-5.2.19.dist-info", Some("BSD-3-Clause"), P, E, false),
    // Public Domain, BSD and GPL classifiers: a choice, the most permissive.
    ("docutils-0.23.dist-info", None, P, C, true),
    ("flask-3.1.3.dist-info", Some("BSD-3-Clause"), P, E, false),
    ("jinja2-3.1.6.dist-info", Some("BSD-3-Clause"), P, C, true),
    // "Expat license" in the field.
    ("mccabe-0.7.0.dist-info", Some("MIT"), P, C, false),
    (
        "numpy-2.4.6.dist-info",
        Some("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0"),
        P,
        E,
        false,
    ),
    // `License-Expression: LGPL-2.1`, a deprecated id.
    (
        "paramiko-5.1.0.dist-info",
        Some("LGPL-2.1-only"),
        W,
        E,
        false,
    ),
    ("pathspec-1.1.1.dist-info", Some("MPL-2.0"), W, C, false),
    // "LGPL with exceptions" is not recognised; the classifier is.
    (
        "psycopg2_binary-2.9.13.dist-info",
        Some("LGPL-2.0-or-later"),
        W,
        C,
        true,
    ),
    (
        "pycryptodome-4.4.0.dist-info",
        Some("BSD-2-Clause AND Unlicense AND MIT"),
        P,
        E,
        false,
    ),
    (
        "pylint-4.1.4.dist-info",
        Some("GPL-2.0-or-later"),
        S,
        E,
        false,
    ),
    (
        "python_dateutil-4.0.0.dist-info",
        Some("BSD-3-Clause"),
        P,
        E,
        false,
    ),
    ("pytz-2026.6.dist-info", Some("MIT"), P, L, false),
    ("pyyaml-6.0.4.dist-info", Some("MIT"), P, L, false),
    ("requests-2.34.2.dist-info", Some("Apache-2.0"), P, L, false),
    ("sqlparse-0.6.1.dist-info", Some("BSD-3-Clause"), P, C, true),
    (
        "text_unidecode-1.3.dist-info",
        Some("Artistic-2.0"),
        P,
        L,
        true,
    ),
    (
        "tqdm-4.70.1.dist-info",
        Some("MPL-2.0 AND MIT"),
        W,
        L,
        false,
    ),
    (
        "typing_extensions-4.16.0.dist-info",
        Some("PSF-2.0"),
        P,
        E,
        false,
    ),
    ("tzdata-2026.6.dist-info", Some("Apache-2.0"), P, L, false),
];

#[test]
fn installed_packages_get_their_license() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture_dir(""))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = INSTALLED.iter().map(|row| row.0).collect();
    assert_eq!(on_disk, listed, "every fixture folder has a row, and back");

    for &(folder, expression, category, origin, approximate) in INSTALLED {
        let info = resolve(&read_dist_info(&fixture_dir(folder)));
        assert_eq!(info.expression.as_deref(), expression, "{folder}");
        assert_eq!(info.category, category, "{folder}");
        assert_eq!(info.origin, origin, "{folder}");
        assert_eq!(info.approximate, approximate, "{folder}");
        assert!(info.raw.is_some(), "{folder}");
    }
}

/// The license files alone, as for a package whose metadata says nothing.
#[test]
fn real_license_files_are_recognised() {
    for (folder, expression) in [
        ("attrs-26.1.0.dist-info", "MIT"),
        ("certifi-2026.10.19.post1.dist-info", "MPL-2.0"),
        ("cffi-2.1.1.dist-info", "MIT-0"),
        ("chardet-7.7.0.dist-info", "0BSD"),
        ("flask-3.1.3.dist-info", "BSD-3-Clause"),
        ("paramiko-5.1.0.dist-info", "LGPL-2.1-only"),
        ("pathspec-1.1.1.dist-info", "MPL-2.0"),
        ("psycopg2_binary-2.9.13.dist-info", "LGPL-3.0-or-later"),
        ("pylint-4.1.4.dist-info", "GPL-2.0-only"),
        ("requests-2.34.2.dist-info", "Apache-2.0"),
        ("typing_extensions-4.16.0.dist-info", "PSF-2.0"),
        ("django-5.2.19.dist-info", "BSD-3-Clause AND PSF-2.0"),
    ] {
        let files = read_dist_info(&fixture_dir(folder)).files;
        let info = resolve(&LicenseMetadata {
            files,
            ..LicenseMetadata::default()
        });
        assert_eq!(info.expression.as_deref(), Some(expression), "{folder}");
        assert_eq!(info.origin, Origin::File, "{folder}");
    }
}

#[test]
fn installed_packages_against_policies() {
    let info = |folder: &str| resolve(&read_dist_info(&fixture_dir(folder)));
    let pylint = info("pylint-4.1.4.dist-info");
    let found = evaluate(None, Some("MIT"), &pylint).unwrap();
    assert_eq!(
        found.reason,
        "`GPL-2.0-or-later` (strong-copyleft) conflicts with the project's license `MIT` (permissive)"
    );
    assert_eq!(
        evaluate(None, Some("MIT"), &info("paramiko-5.1.0.dist-info")),
        None
    );

    let permissive_only = LicensePolicy::new(
        vec![],
        vec![],
        vec![Category::StrongCopyleft, Category::NetworkCopyleft],
    )
    .unwrap();
    assert!(evaluate(Some(&permissive_only), None, &pylint).is_some());
    assert_eq!(
        evaluate(
            Some(&permissive_only),
            None,
            &info("cryptography-50.0.2.dist-info")
        ),
        None
    );
    let allow = LicensePolicy::new(
        ["MIT", "BSD-3-Clause", "Apache-2.0"]
            .map(String::from)
            .to_vec(),
        vec![],
        vec![],
    )
    .unwrap();
    assert_eq!(
        evaluate(Some(&allow), None, &info("cryptography-50.0.2.dist-info")),
        None
    );
    let numpy = evaluate(Some(&allow), None, &info("numpy-2.4.6.dist-info")).unwrap();
    assert!(
        numpy.reason.contains("`0BSD` is not in the allow list"),
        "{}",
        numpy.reason
    );
}

#[test]
fn policies_deserialize_from_config() {
    let policy: LicensePolicy = serde_json::from_str(
        r#"{"allow": ["mit"], "deny": ["GPL-3.0"], "deny-categories": ["network-copyleft"]}"#,
    )
    .unwrap();
    let policy = policy.validated().unwrap();
    assert_eq!(policy.allow, ["MIT"]);
    assert_eq!(policy.deny, ["GPL-3.0-only"]);
    assert_eq!(policy.deny_categories, [Category::NetworkCopyleft]);
    let unknown: Result<LicensePolicy, _> = serde_json::from_str(r#"{"denny": []}"#);
    assert!(unknown.is_err());
    let bad_category: Result<LicensePolicy, _> =
        serde_json::from_str(r#"{"deny-categories": ["copyleft"]}"#);
    assert!(bad_category.is_err());
}

#[test]
fn license_info_serializes_for_reports() {
    let info = resolve(&read_dist_info(&fixture_dir("jinja2-3.1.6.dist-info")));
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["expression"], "BSD-3-Clause");
    assert_eq!(json["category"], "permissive");
    assert_eq!(json["origin"], "classifier");
    assert_eq!(json["approximate"], true);
    let exact = serde_json::to_value(LicenseInfo::none()).unwrap();
    assert_eq!(exact["origin"], "none");
    assert!(exact.get("approximate").is_none());
}

fn any_metadata() -> impl Strategy<Value = LicenseMetadata> {
    let text = prop_oneof![
        any::<String>(),
        "[A-Za-z0-9 .+/(),-]{0,60}",
        "(MIT|GPL-2.0|Apache-2.0|LGPLv2\\+|BSD)( (or|OR|and|AND|WITH|/) (MIT|GPL-3.0\\+|Classpath-exception-2.0|\\(|\\)))*",
    ];
    (
        proptest::option::of(text.clone()),
        proptest::option::of(text.clone()),
        proptest::collection::vec(
            prop_oneof![
                any::<String>(),
                "License :: (OSI Approved :: )?[A-Za-z ()/.+-]{0,40}",
            ],
            0..4,
        ),
        proptest::collection::vec((any::<String>(), text), 0..3),
    )
        .prop_map(
            |(expression, license, classifiers, files)| LicenseMetadata {
                expression,
                license,
                classifiers,
                files,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_metadata_resolves_without_panicking(metadata in any_metadata()) {
        let info = resolve(&metadata);
        // What is reported as an expression is one.
        if let Some(expression) = &info.expression {
            prop_assert!(spdx::Expression::parse(expression).is_ok(), "{expression}");
        }
        if let Some(raw) = &info.raw {
            prop_assert!(raw.len() <= 1024);
        }
        let _ = evaluate(None, metadata.license.as_deref(), &info);
    }

    #[test]
    fn any_core_metadata_text_is_read_without_panicking(text in any::<String>()) {
        let metadata = pyward_licenses::from_core_metadata(&text);
        let _ = resolve(&metadata);
        let _ = license_file_names(&text);
    }

    #[test]
    fn any_policy_ids_are_validated_without_panicking(
        ids in proptest::collection::vec(any::<String>(), 0..4),
    ) {
        if let Ok(policy) = LicensePolicy::new(ids.clone(), vec![], vec![]) {
            let info = resolve(&LicenseMetadata {
                expression: Some("MIT OR GPL-3.0-only".into()),
                ..LicenseMetadata::default()
            });
            let _ = evaluate(Some(&policy), None, &info);
        }
    }
}
