//! Properties of the requirements parser over arbitrary input.

use proptest::prelude::*;
use pyward_inventory::requirements::parse;
use pyward_model::PackageName;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever the text, parsing returns (it may refuse the text).
    #[test]
    fn never_panics(text in "\\PC*") {
        let _ = parse(&text, "requirements.txt");
    }

    /// Lines shaped like requirements files, mixed: still never a panic,
    /// and every dependency has a line inside the text.
    #[test]
    fn never_panics_on_requirement_like_lines(
        lines in prop::collection::vec(
            prop_oneof![
                "[a-zA-Z][a-zA-Z0-9._-]{0,12}(==|>=|~=|===|!=)[0-9]{1,3}(\\.[0-9*]{1,3}){0,3}",
                "-[rcei] [a-z./]{0,10}",
                "--hash=sha256:[0-9a-f]{0,8}",
                "# ?via ?[a-z, -]{0,12}",
                "[a-z+]{0,8}://[a-z./@#=]{0,20}",
                "[a-z]{1,6} ?; ?(python_version|sys_platform) ?[<=>!]{1,2} ?'[0-9a-z.]{0,5}'",
                "[ \\t\\\\#;@\\[\\],]{0,6}",
            ],
            0..12,
        )
    ) {
        let text = lines.join("\n");
        if let Ok(deps) = parse(&text, "r.txt") {
            let count = u32::try_from(lines.len()).unwrap_or(u32::MAX);
            for d in deps {
                let line = d.line.expect("requirements carry lines");
                prop_assert!(line >= 1 && line <= count.max(1));
            }
        }
    }

    /// `name==version` reads back as that name and version.
    #[test]
    fn a_pin_round_trips(
        name in "[A-Za-z]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?",
        version in "[0-9]{1,4}(\\.[0-9]{1,4}){0,3}",
        spaces in " {0,2}",
    ) {
        let line = format!("{name}{spaces}=={spaces}{version}");
        let deps = parse(&line, "requirements.txt").expect("a valid pin");
        prop_assert_eq!(deps.len(), 1);
        prop_assert_eq!(&deps[0].name, &PackageName::new(&name));
        let parsed = pep440_rs::Version::from_str(deps[0].version.as_deref().unwrap_or(""))
            .expect("a version");
        prop_assert_eq!(parsed, pep440_rs::Version::from_str(&version).expect("version"));
        prop_assert_eq!(deps[0].line, Some(1));
    }
}

use std::str::FromStr;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the text and format, the spans a fix would rewrite lie
    /// inside the text on character boundaries, and a pin's version span
    /// holds its version.
    #[test]
    fn spans_lie_inside_the_text(
        lines in prop::collection::vec(
            prop_oneof![
                "[a-z]{1,6}(==|>=)[0-9]{1,2}(\\.[0-9]{1,2}){0,2}( ?\\\\)?",
                "[a-z]{1,5} = \"[=^~0-9.* ]{0,8}\"",
                "(dependencies|name|version) = (\"[a-z0-9=.]{0,10}\"|\\[\"[a-z=0-9.]{0,10}\"\\])",
                "\\[(\\[package\\]|\\[packages\\]|project|tool\\.poetry\\.dependencies|packages|options)\\]\\]?",
                "install_requires = [a-z]{1,4}==[0-9]",
                "# (/// script|///|dependencies = \\[\"[a-z]{1,4}==1\"\\])?",
                "[ \\t\\\\#\"'\\[\\]{}é€]{0,6}",
            ],
            0..14,
        )
    ) {
        let text = lines.join("\n");
        for format in pyward_inventory::Format::all() {
            let document = pyward_inventory::Document::new(&text, "input");
            let Ok(parsed) = pyward_inventory::parse_document(format, &document) else {
                continue;
            };
            for d in &parsed.dependencies {
                for span in [d.span, d.version_span].into_iter().flatten() {
                    prop_assert!(text.get(span.range()).is_some(), "{:?} {:?}", format, span);
                }
                if let (Some(version), Some(span)) = (&d.version, d.version_span) {
                    let written = &text[span.range()];
                    let same = match (pep440_rs::Version::from_str(written), pep440_rs::Version::from_str(version)) {
                        (Ok(a), Ok(b)) => a == b,
                        _ => written == version,
                    };
                    prop_assert!(same, "{:?}: `{}` for {}", format, written, version);
                }
            }
        }
    }
}
