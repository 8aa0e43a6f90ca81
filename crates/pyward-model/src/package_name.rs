use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// A Python package name normalized as PEP 503 says: lower case, with every
/// run of `-`, `_` and `.` replaced by a single `-`.
///
/// Two spellings of the same project (`Flask_SQLAlchemy`, `flask-sqlalchemy`)
/// compare equal once they are `PackageName`s.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PackageName(String);

impl PackageName {
    /// Normalizes `name`. Any string is accepted: names that PEP 508 would
    /// reject still get a stable key, so a strange name never aborts a scan.
    pub fn new(name: &str) -> Self {
        let name = name.trim();
        let mut out = String::with_capacity(name.len());
        let mut in_separator_run = false;
        for c in name.chars() {
            if matches!(c, '-' | '_' | '.') {
                if !in_separator_run {
                    out.push('-');
                }
                in_separator_run = true;
            } else {
                // Nearly every name is ASCII, and `char::to_lowercase`
                // costs a table search per character: a scan reads tens
                // of thousands of names.
                if c.is_ascii() {
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.extend(c.to_lowercase());
                }
                in_separator_run = false;
            }
        }
        Self(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PackageName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for PackageName {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl<'de> Deserialize<'de> for PackageName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(Self::new(&raw))
    }
}

#[cfg(test)]
mod tests {
    use super::PackageName;
    use proptest::prelude::*;

    /// PEP 503's normalization, written as plainly as it reads.
    fn normalized(name: &str) -> String {
        let mut out = String::new();
        for c in name.trim().chars() {
            if matches!(c, '-' | '_' | '.') {
                if !out.ends_with('-') {
                    out.push('-');
                }
            } else {
                out.extend(c.to_lowercase());
            }
        }
        out
    }

    proptest! {
        #[test]
        fn the_ascii_way_and_the_general_way_agree(name in "[ a-zA-Z0-9._\\-]{0,24}|\\PC{0,12}") {
            let fast = PackageName::new(&name);
            prop_assert_eq!(fast.as_str(), normalized(&name));
        }
    }

    #[test]
    fn normalizes_as_pep_503() {
        for (raw, want) in [
            ("Django", "django"),
            ("Flask_SQLAlchemy", "flask-sqlalchemy"),
            ("zope.interface", "zope-interface"),
            ("a--_.b", "a-b"),
            ("  Requests ", "requests"),
        ] {
            assert_eq!(PackageName::new(raw).as_str(), want, "{raw}");
        }
    }

    #[test]
    fn deserializing_normalizes() {
        let name: PackageName = serde_json::from_str("\"PyYAML\"").unwrap();
        assert_eq!(name, PackageName::new("pyyaml"));
    }
}
