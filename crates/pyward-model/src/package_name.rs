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
        let mut out = String::with_capacity(name.len());
        let mut in_separator_run = false;
        for c in name.trim().chars() {
            if matches!(c, '-' | '_' | '.') {
                if !in_separator_run {
                    out.push('-');
                }
                in_separator_run = true;
            } else {
                out.extend(c.to_lowercase());
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
