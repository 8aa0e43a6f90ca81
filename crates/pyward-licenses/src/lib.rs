//! Dependency licenses: what a package's metadata says about its license
//! (PEP 639 `License-Expression`, the free-text `License` field, trove
//! classifiers, license files), read as an SPDX expression (the `spdx`
//! crate) with a category (permissive, weak, strong or network copyleft,
//! proprietary, unknown); the same from PyPI's JSON API for packages known
//! only from a lockfile (`fetch` feature: timeouts, a size bound, an on-disk
//! cache, an offline mode; failures are warnings, never errors); and license
//! policies (`allow`, `deny`, `deny-categories`, or without one the
//! project's own license) that say which dependencies break them. It does
//! not read `.dist-info` folders (the inventory fills [`LicenseMetadata`]),
//! print anything, or turn violations into findings (the engine does).
//!
//! ```text
//! LicenseMetadata --resolve--> LicenseInfo { expression, category, raw, origin }
//! PypiClient::license(name, version) --> Lookup { license, warning }   (fetch)
//! evaluate(Option<&LicensePolicy>, project license, &LicenseInfo) --> Option<Violation>
//! ```

mod category;
mod expression;
mod files;
mod known;
mod metadata;
mod policy;
#[cfg(feature = "fetch")]
mod pypi;

pub use category::{Category, UnknownCategory};
pub use files::is_license_file;
pub use metadata::{
    LicenseInfo, LicenseMetadata, MAX_HEADER_BYTES, Origin, from_core_metadata, license_file_names,
    resolve,
};
pub use policy::{LicensePolicy, PolicyError, Violation, ViolationKind, evaluate};
#[cfg(feature = "fetch")]
pub use pypi::{DEFAULT_BASE_URL, Lookup, PypiClient, PypiOptions, PypiWarning};
