//! No input makes a lockfile reader panic: arbitrary text, and real
//! lockfiles cut short or with a byte replaced anywhere.

use std::path::PathBuf;

use proptest::prelude::*;
use pyward_inventory::lockfile::{
    LockParser, pdm_lock, pipfile_lock, poetry_lock, pylock, uv_lock,
};

const PARSERS: [(&str, LockParser); 5] = [
    ("uv/uv.lock", uv_lock::parse),
    ("poetry-1.1/poetry.lock", poetry_lock::parse),
    ("pipenv/Pipfile.lock", pipfile_lock::parse),
    ("pdm/pdm.lock", pdm_lock::parse),
    ("pylock-uv/pylock.toml", pylock::parse),
];

fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lockfile")
        .join(path);
    fs_err::read_to_string(full).expect("fixture is readable")
}

/// Cuts `text` at a char boundary near `at` (a fraction of its length).
fn cut(text: &str, at: f64) -> &str {
    let mut end = ((text.len() as f64) * at) as usize;
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    &text[..end.min(text.len())]
}

fn replace_char(text: &str, at: f64, with: char) -> String {
    let count = text.chars().count();
    let index = ((count as f64) * at) as usize;
    text.chars()
        .enumerate()
        .map(|(i, c)| if i == index { with } else { c })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        for (_, parse) in PARSERS {
            let _ = parse(&text, "lock");
        }
    }

    #[test]
    fn lock_shaped_text_never_panics(
        version in "1|\"2[.]1\"|\"4[.]5[.]0\"|[0-9]{1,3}",
        body in "(\\[\\[package\\]\\]\nname = \"[a-z]{1,5}\"\nversion = \"[0-9.]{1,5}\"\n(dependencies = \\[\\{ name = \"[a-z]{1,5}\" \\}\\]\n)?){0,6}",
    ) {
        let text = format!("version = {version}\nlock-version = {version}\n{body}");
        for (_, parse) in PARSERS {
            let _ = parse(&text, "lock");
        }
    }

    #[test]
    fn damaged_real_locks_never_panic(at in 0.0f64..1.0, with in any::<char>(), which in 0usize..5) {
        let (path, parse) = PARSERS[which];
        let text = fixture(path);
        let _ = parse(cut(&text, at), "lock");
        let _ = parse(&replace_char(&text, at, with), "lock");
    }
}
