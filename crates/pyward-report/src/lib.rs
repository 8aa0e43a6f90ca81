//! Report formats. Each format is one module that renders a
//! [`pyward_model::Report`]; none of them knows which scanner made a finding.
//!
//! Adding a format: a module with `pub fn write(report, out)`, a variant in
//! [`Format`], and a snapshot test over the shared sample report.

mod json;
mod text;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use pyward_model::Report;

/// A report format, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    /// Every name CONTRACT.md reserves for `--format`, in its order.
    pub const CONTRACT_NAMES: [&'static str; 11] = [
        "text",
        "json",
        "sarif",
        "markdown",
        "html",
        "cyclonedx",
        "spdx",
        "github",
        "junit",
        "gitlab-sca",
        "gitlab-codequality",
    ];
}

/// `--format` named something pyward cannot write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat {
    pub given: String,
    /// CONTRACT.md names it, but this build does not write it yet.
    pub reserved: bool,
}

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reserved {
            write!(
                f,
                "the `{}` report format is not available in this version of pyward; use `text` or `json`",
                self.given
            )
        } else {
            write!(
                f,
                "unknown report format `{}`; expected one of: {}",
                self.given,
                Format::CONTRACT_NAMES.join(", ")
            )
        }
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(UnknownFormat {
                given: other.to_string(),
                reserved: Format::CONTRACT_NAMES.contains(&other),
            }),
        }
    }
}

/// Writes `report` in `format` to `out`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, out),
        Format::Json => json::write(report, out),
    }
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats() {
        assert_eq!("json".parse::<Format>().unwrap(), Format::Json);
        let reserved = "sarif".parse::<Format>().unwrap_err();
        assert!(reserved.reserved);
        assert!(reserved.to_string().contains("not available"));
        let unknown = "xml".parse::<Format>().unwrap_err();
        assert!(!unknown.reserved);
        assert!(unknown.to_string().contains("gitlab-codequality"));
    }
}
