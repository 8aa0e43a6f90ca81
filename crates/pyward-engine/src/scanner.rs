//! The scanners and the one table that lists them.
//!
//! A scanner is prepared from the checked settings before any work starts
//! (so a bad option or a missing baseline stops the run at once), then
//! run; what it returns is a partial [`Report`] that the engine merges
//! with the others. `pyward scan` runs every scanner of the table, each
//! single command runs one, and both go through [`crate::Engine`], so the
//! findings cannot differ. Adding a scanner: a module in `scanners/` and a
//! line in [`REGISTRY`].

use pyward_model::Report;

use crate::EngineError;
use crate::scanners;
use crate::setup::Setup;

/// Which scanner: what `pyward scan --skip` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScannerId {
    Deps,
    Names,
    Licenses,
    Code,
    Secrets,
}

impl ScannerId {
    pub fn name(self) -> &'static str {
        entry(self).name
    }

    /// The scanner with this name (`deps`, `code`, `secrets`).
    pub fn from_name(name: &str) -> Option<Self> {
        REGISTRY.iter().find(|e| e.name == name).map(|e| e.id)
    }

    /// Every scanner, in the order `scan` reports them.
    pub fn all() -> impl Iterator<Item = ScannerId> {
        REGISTRY.iter().map(|entry| entry.id)
    }
}

/// One line of the table.
pub struct Entry {
    pub id: ScannerId,
    /// What the command line calls it.
    pub name: &'static str,
    /// One line for `--help`.
    pub summary: &'static str,
    /// Checks the settings this scanner needs and readies it.
    pub prepare: fn(&Setup) -> Result<Box<dyn Scan>, EngineError>,
}

/// Every scanner pyward runs.
pub static REGISTRY: &[Entry] = &[
    Entry {
        id: ScannerId::Deps,
        name: "deps",
        summary: "known vulnerabilities and malicious packages among the dependencies",
        prepare: scanners::deps::prepare,
    },
    Entry {
        id: ScannerId::Names,
        name: "names",
        summary: "dependencies whose names imitate popular packages (typosquatting)",
        prepare: scanners::names::prepare,
    },
    Entry {
        id: ScannerId::Licenses,
        name: "licenses",
        summary: "dependency licenses against the license policy",
        prepare: scanners::licenses::prepare,
    },
    Entry {
        id: ScannerId::Code,
        name: "code",
        summary: "insecure Python code (Bandit's checks and more)",
        prepare: scanners::code::prepare,
    },
    Entry {
        id: ScannerId::Secrets,
        name: "secrets",
        summary: "hardcoded keys, tokens and passwords",
        prepare: scanners::secrets::prepare,
    },
];

fn entry(id: ScannerId) -> &'static Entry {
    REGISTRY
        .iter()
        .find(|e| e.id == id)
        .expect("every ScannerId has a line in REGISTRY")
}

pub(crate) fn prepare(id: ScannerId, setup: &Setup) -> Result<Box<dyn Scan>, EngineError> {
    (entry(id).prepare)(setup)
}

/// A prepared scanner.
pub trait Scan: Send + Sync {
    /// What it is, for messages.
    fn id(&self) -> ScannerId;
    /// Notes about how it will run (settings taken from a Bandit file...).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// Runs it: findings (and what its own baseline set aside, in
    /// `ignored`), what it could not read (`errors`), the catalogue of the
    /// rules that fired (`rules`), and for the dependency scanner the
    /// dependencies, environments and database.
    fn run(&self) -> Result<Part, EngineError>;
}

/// What one scanner returns.
#[derive(Debug)]
pub struct Part {
    pub report: Report,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

impl Part {
    pub(crate) fn new() -> Self {
        Self {
            report: Report::new(env!("CARGO_PKG_VERSION")),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scanner_is_listed_once_by_a_unique_name() {
        let names: std::collections::BTreeSet<_> = REGISTRY.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), REGISTRY.len());
        for id in ScannerId::all() {
            assert_eq!(ScannerId::from_name(id.name()), Some(id));
        }
    }
}
