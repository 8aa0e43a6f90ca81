//! The vocabulary every pyward crate shares: package names, dependencies,
//! findings and the report they make up.
//!
//! Types only, no I/O. Every scanner turns its results into [`Finding`]s and
//! every report format reads a [`Report`]; neither side knows the other.

mod dependency;
mod finding;
mod package_name;
mod report;
mod severity;

pub use dependency::{Dependency, DependencyKind};
pub use finding::{Finding, FindingKind, Location, fingerprint};
pub use package_name::PackageName;
pub use report::{DatabaseInfo, Environment, Report, ScanError, ToolInfo};
pub use severity::{Confidence, ParseLevelError, Severity};
