//! Report formats. Each format is one module that renders a
//! [`pyward_model::Report`]; none of them knows which scanner made a finding.
//!
//! The human formats (`text`, `markdown`, `html`) share one reading of the
//! report ([`present`]): sections, the order of advisories, the upgrade that
//! fixes a package, findings on one line grouped, long runs of one rule
//! collapsed. The machine formats keep every finding as its own record, as
//! CI tools count them. Every string from the report that a human format
//! shows goes through [`escape`], so a file name cannot drive the terminal
//! or inject markup.
//!
//! Adding a format: a module with `pub fn write(report, options, out)`, a
//! variant in [`Format`], a snapshot test over the shared sample report, and
//! a validation test in `tests/validate.rs` when the format has a schema.

mod cyclonedx;
pub mod escape;
mod github;
mod gitlab;
mod html;
mod json;
mod junit;
mod markdown;
mod openvex;
mod options;
mod package_url;
mod present;
mod sarif;
mod sbom;
mod spdx;
mod text;
mod timestamp;

#[doc(hidden)]
pub mod sample;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use pyward_model::Report;

pub use options::{ColorChoice, RenderOptions, use_color, use_color_with};

/// A report format, as `--format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// For people, in a terminal or a CI log.
    Text,
    /// CONTRACT.md's document.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// A pull-request comment.
    Markdown,
    /// One self-contained page.
    Html,
    /// CycloneDX 1.6 JSON SBOM with vulnerabilities.
    CycloneDx,
    /// SPDX 2.3 JSON SBOM.
    Spdx,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML, a test case per rule and file.
    Junit,
    /// GitLab dependency-scanning report.
    GitlabSca,
    /// GitLab code-quality report.
    GitlabCodeQuality,
    /// OpenVEX 0.2.0: the decisions about the dependencies' advisories.
    OpenVex,
}

impl Format {
    /// Every format, in CONTRACT.md's order (the CLI's list of values).
    pub const ALL: [Format; 12] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::CycloneDx,
        Format::Spdx,
        Format::Github,
        Format::Junit,
        Format::GitlabSca,
        Format::GitlabCodeQuality,
        Format::OpenVex,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::GitlabSca => "gitlab-sca",
            Format::GitlabCodeQuality => "gitlab-codequality",
            Format::OpenVex => "openvex",
        }
    }

    /// Every name, in [`Format::ALL`]'s order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Format::ALL.iter().map(|f| f.name())
    }

    /// The usual file extension of a report in this format, for `-o` help
    /// and for naming temporary files.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json | Format::GitlabSca | Format::GitlabCodeQuality => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::CycloneDx => "cdx.json",
            Format::Spdx => "spdx.json",
            Format::Github => "log",
            Format::Junit => "xml",
            Format::OpenVex => "openvex.json",
        }
    }

    /// Whether colour can apply (only the text report has any).
    pub fn is_colored(self) -> bool {
        self == Format::Text
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `--format` named something pyward cannot write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat {
    pub given: String,
}

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown report format `{}`; expected one of: {}",
            self.given,
            Format::names().collect::<Vec<_>>().join(", ")
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat {
                given: s.to_string(),
            })
    }
}

/// Writes `report` in `format` to `out`.
pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, options, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, options, out),
        Format::Markdown => markdown::write(report, options, out),
        Format::Html => html::write(report, options, out),
        Format::CycloneDx => cyclonedx::write(report, options, out),
        Format::Spdx => spdx::write(report, options, out),
        Format::Github => github::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::GitlabSca => gitlab::write_dependency_scanning(report, options, out),
        Format::GitlabCodeQuality => gitlab::write_code_quality(report, out),
        Format::OpenVex => openvex::write(report, options, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_name_parses_and_round_trips() {
        const CONTRACT_NAMES: [&str; 12] = [
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
            "openvex",
        ];
        assert_eq!(Format::names().collect::<Vec<_>>(), CONTRACT_NAMES);
        for name in CONTRACT_NAMES {
            let format: Format = name.parse().unwrap();
            assert_eq!(format.to_string(), name);
        }
        let unknown = "xml".parse::<Format>().unwrap_err();
        assert!(unknown.to_string().contains("gitlab-codequality"));
    }

    #[test]
    fn every_format_renders_the_sample_and_an_empty_report() {
        let options = RenderOptions::for_tests();
        for report in [sample::sample_report(), Report::new("0.1.0")] {
            for format in Format::ALL {
                let mut out = Vec::new();
                render(&report, format, &options, &mut out).unwrap();
                // An empty report has no annotation to make.
                let may_be_empty = format == Format::Github && report.findings.is_empty();
                assert!(may_be_empty || !out.is_empty(), "{format} wrote nothing");
                assert!(String::from_utf8(out).is_ok(), "{format} is not UTF-8");
            }
        }
    }
}
