//! The "skeleton" of a name: what it looks like on screen, so that two names
//! drawn alike compare equal.
//!
//! Names are PEP 503 normalized (lower case) before they get here, so an
//! upper-case `I` arrives as `i`; it is folded with `l` and `1` because
//! `jeIlyfish` reads as `jellyfish` in most fonts. The pairs are the ones
//! seen in reported typosquats and in Unicode's confusables table for Latin
//! look-alikes; digits that only resemble letters in "leetspeak" (`3`/`e`,
//! `5`/`s`) are left out on purpose: they are a distinct habit of package
//! authors (`boto3`, `s3fs`) and are not mistaken for letters when read.

/// The skeleton of `name` with separators removed.
#[cfg(test)]
pub(crate) fn skeleton(name: &str) -> String {
    skeleton_chars(name).collect()
}

/// The characters of `name`'s skeleton, separators removed.
pub(crate) fn skeleton_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    let mut chars = name.chars().filter(|c| *c != '-').peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        let folded = match (c, chars.peek().copied()) {
            ('r', Some('n')) => {
                chars.next();
                'm'
            }
            ('v', Some('v')) => {
                chars.next();
                'w'
            }
            _ => fold(c),
        };
        Some(folded)
    })
}

fn fold(c: char) -> char {
    match c {
        '1' | 'i' | '\u{0456}' /* Cyrillic і */ | '\u{03B9}' /* Greek ι */ => 'l',
        '0' | '\u{043E}' /* Cyrillic о */ | '\u{03BF}' /* Greek ο */ => 'o',
        '\u{0430}' /* а */ | '\u{03B1}' /* α */ => 'a',
        '\u{0435}' /* е */ => 'e',
        '\u{0440}' /* р */ | '\u{03C1}' /* ρ */ => 'p',
        '\u{0441}' /* с */ => 'c',
        '\u{0443}' /* у */ => 'y',
        '\u{0445}' /* х */ => 'x',
        '\u{0458}' /* ј */ => 'j',
        '\u{0455}' /* ѕ */ => 's',
        '\u{04BB}' /* һ */ => 'h',
        '\u{0501}' /* ԁ */ => 'd',
        '\u{051B}' /* ԛ */ => 'q',
        '\u{051D}' /* ԝ */ => 'w',
        '\u{03BD}' /* ν */ => 'v',
        '\u{03BA}' /* κ */ | '\u{043A}' /* к */ => 'k',
        '\u{03C5}' /* υ */ => 'u',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::skeleton;

    #[test]
    fn look_alikes_share_a_skeleton() {
        assert_eq!(skeleton("jeilyfish"), skeleton("jellyfish"));
        assert_eq!(skeleton("je1lyfish"), skeleton("jellyfish"));
        assert_eq!(skeleton("b0to3"), skeleton("boto3"));
        assert_eq!(skeleton("rnatplotlib"), skeleton("matplotlib"));
        assert_eq!(skeleton("vvheel"), skeleton("wheel"));
        // Cyrillic е in "requеsts".
        assert_eq!(skeleton("requ\u{0435}sts"), skeleton("requests"));
        assert_eq!(skeleton("typing-extensions"), "typlngextenslons");
    }

    #[test]
    fn different_letters_stay_different() {
        assert_ne!(skeleton("flask"), skeleton("flash"));
        assert_ne!(skeleton("boto3"), skeleton("botoe"));
    }
}
