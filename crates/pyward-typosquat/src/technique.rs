use std::fmt;

use serde::Serialize;

/// How a look-alike name was made from the popular name it imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Technique {
    /// One or two characters added, removed or replaced (Damerau-Levenshtein
    /// distance `distance`) in a way none of the more specific techniques
    /// describes: `reqiest` for `requests`.
    Edit { distance: u8 },
    /// Two adjacent characters swapped: `reqeusts` for `requests`.
    Transposition,
    /// A letter doubled (or a double letter tripled): `fflask` for `flask`.
    RepeatedLetter,
    /// One character left out: `pckaging` for `packaging`.
    DroppedLetter,
    /// Only the word separators differ (`-`, `_`, `.` or none; PEP 503 treats
    /// the three as one, so what is left is a separator added or removed):
    /// `typingextensions` for `typing-extensions`.
    Separator,
    /// Characters that look alike on screen: `1`/`l`/`I`, `0`/`o`, `rn`/`m`,
    /// `vv`/`w`, and Cyrillic or Greek letters drawn like Latin ones:
    /// `jeIlyfish` for `jellyfish`.
    Confusable,
    /// A prefix or suffix that people expect on Python packages added to or
    /// dropped from the name: `python-flask` for `flask`.
    Affix(Affix),
}

/// Where an affix sits and whether the look-alike added or dropped it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Affix {
    /// The affix as it appears in the normalized name (`python-`, `py`, `3`).
    pub text: &'static str,
    pub position: AffixPosition,
    /// `true` when the look-alike has the affix and the popular name does not
    /// (`python-flask`), `false` when it is the other way round (`dateutil`
    /// for `python-dateutil`).
    pub added: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AffixPosition {
    Prefix,
    Suffix,
}

impl Technique {
    /// One line for people: "swapped letters", "`-python` suffix added".
    pub fn description(&self) -> String {
        match self {
            Technique::Edit { distance: 1 } => "one character changed".to_string(),
            Technique::Edit { distance } => format!("{distance} characters changed"),
            Technique::Transposition => "swapped letters".to_string(),
            Technique::RepeatedLetter => "doubled letter".to_string(),
            Technique::DroppedLetter => "dropped letter".to_string(),
            Technique::Separator => "separator added or removed".to_string(),
            Technique::Confusable => "look-alike characters".to_string(),
            Technique::Affix(affix) => {
                let position = match affix.position {
                    AffixPosition::Prefix => "prefix",
                    AffixPosition::Suffix => "suffix",
                };
                let change = if affix.added { "added" } else { "dropped" };
                format!("`{}` {position} {change}", affix.text)
            }
        }
    }

    /// Order of preference when one popular name is reached by several
    /// techniques: the most specific explanation first.
    pub(crate) fn specificity(&self) -> u8 {
        match self {
            Technique::Confusable => 0,
            Technique::Separator => 1,
            Technique::Transposition => 2,
            Technique::RepeatedLetter => 3,
            Technique::DroppedLetter => 4,
            Technique::Affix(_) => 5,
            Technique::Edit { .. } => 6,
        }
    }
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_read_as_one_line() {
        assert_eq!(Technique::Transposition.description(), "swapped letters");
        assert_eq!(
            Technique::Edit { distance: 2 }.description(),
            "2 characters changed"
        );
        let suffix = Technique::Affix(Affix {
            text: "-python",
            position: AffixPosition::Suffix,
            added: true,
        });
        assert_eq!(suffix.description(), "`-python` suffix added");
        let prefix = Technique::Affix(Affix {
            text: "python-",
            position: AffixPosition::Prefix,
            added: false,
        });
        assert_eq!(prefix.to_string(), "`python-` prefix dropped");
    }
}
