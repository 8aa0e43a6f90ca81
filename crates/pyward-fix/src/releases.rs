//! What the planner asks of the outside world: which releases of a package
//! exist, and which advisories affect a version of it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use pep440_rs::Version;
use pyward_model::PackageName;
use pyward_osv::{Database, PackageAdvisories};

use crate::FixError;

/// Where the versions a package may move to were learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleasesFrom {
    /// The package index (PyPI's JSON API): its releases that are not
    /// yanked and have files.
    Index,
    /// The versions the advisories name (offline, or the index failed).
    Advisories,
}

/// The versions of one package known to exist, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseList {
    pub versions: Vec<Version>,
    pub from: ReleasesFrom,
}

/// A package index, asked which releases of a package exist.
pub trait ReleaseSource {
    /// `Ok(None)` when this source has no answer by design (offline);
    /// `Err` with a one-line reason when asking failed (the planner then
    /// falls back to the advisory data and says so).
    fn releases(&self, package: &PackageName) -> Result<Option<Vec<Version>>, String>;
}

/// No index at all: `--offline`, or built without the `fetch` feature.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoIndex;

impl ReleaseSource for NoIndex {
    fn releases(&self, _: &PackageName) -> Result<Option<Vec<Version>>, String> {
        Ok(None)
    }
}

/// What the advisory data says about a package.
pub trait AdvisoryData {
    /// Every version the advisories of `package` name, sorted: versions
    /// known to exist, when no index is asked.
    fn known_versions(&self, package: &PackageName) -> Result<Vec<Version>, FixError>;

    /// The advisories affecting `version` of `package`, each as its ids
    /// (its own and its aliases).
    fn affecting(
        &self,
        package: &PackageName,
        version: &Version,
    ) -> Result<Vec<Vec<String>>, FixError>;
}

/// The vulnerability database as [`AdvisoryData`], each package's
/// advisories read once however many versions are tried.
pub struct DatabaseAdvisories<'a> {
    database: &'a Database,
    packages: RefCell<HashMap<PackageName, Rc<PackageAdvisories>>>,
}

impl<'a> DatabaseAdvisories<'a> {
    pub fn new(database: &'a Database) -> Self {
        Self {
            database,
            packages: RefCell::new(HashMap::new()),
        }
    }

    fn package(&self, package: &PackageName) -> Result<Rc<PackageAdvisories>, FixError> {
        if let Some(found) = self.packages.borrow().get(package) {
            return Ok(Rc::clone(found));
        }
        let read = Rc::new(
            self.database
                .package(package)
                .map_err(|source| database_error(package, source))?,
        );
        self.packages
            .borrow_mut()
            .insert(package.clone(), Rc::clone(&read));
        Ok(read)
    }
}

fn database_error(package: &PackageName, source: pyward_osv::DbError) -> FixError {
    FixError::Database {
        package: package.to_string(),
        source,
    }
}

impl AdvisoryData for DatabaseAdvisories<'_> {
    fn known_versions(&self, package: &PackageName) -> Result<Vec<Version>, FixError> {
        self.database
            .known_versions(package)
            .map_err(|source| database_error(package, source))
    }

    fn affecting(
        &self,
        package: &PackageName,
        version: &Version,
    ) -> Result<Vec<Vec<String>>, FixError> {
        let advisories = self.package(package)?;
        Ok(advisories
            .matches(version)
            .into_iter()
            .map(|m| m.advisory.ids().map(str::to_string).collect())
            .collect())
    }
}
