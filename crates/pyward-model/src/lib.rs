//! The vocabulary every pyward crate shares: package names, dependencies,
//! findings and the report they make up.
//!
//! Types only, no I/O. Every scanner turns its results into [`Finding`]s and
//! every report format reads a [`Report`]; neither side knows the other.

mod dependency;
mod detail;
mod finding;
mod package_name;
mod report;
mod rule;
mod severity;
pub mod shell;
mod upgrade;

pub use dependency::{
    Dependency, DependencyEdge, DependencyKind, FileHash, InlineIgnore, LicenseMetadata,
    PackageRef, RangeAssessment, Span,
};
pub use detail::{
    AffectedRange, CodeDetail, DependencyContext, Detail, LicenseDetail, SecretDetail,
    TyposquatDetail, VulnerabilityDetail,
};
pub use finding::{Finding, FindingKind, Location, RelatedLocation, fingerprint};
pub use package_name::PackageName;
pub use pep440_rs::Version;
pub use report::{DatabaseInfo, Environment, NoiseStep, Report, ScanError, ScanRoot, ToolInfo};
pub use rule::RuleInfo;
pub use severity::{Confidence, ParseLevelError, Severity};
pub use upgrade::smallest_fixing_version;
