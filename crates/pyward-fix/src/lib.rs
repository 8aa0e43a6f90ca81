//! `pyward fix`: moves each vulnerable pinned dependency to the smallest
//! release that fixes its known vulnerabilities, and nothing else.
//!
//! ```text
//! findings (engine) + project files (project) --plan--> Plan (one Upgrade
//!     per vulnerable pin, and what cannot be fixed, with why)
//! Plan + project files --changes--> Changes (one FileChange per edited
//!     file, verified by parsing it back; one LockCommand per lockfile)
//! FileChange --write--> the file, replaced atomically
//! ```
//!
//! - [`plan`] chooses versions: above the pinned one, within a [`Limit`],
//!   allowed by every other requirement or constraint of the same package
//!   in the project, among releases known to exist ([`ReleaseSource`]:
//!   PyPI's JSON API when online, else the versions the advisories name),
//!   and free of every advisory the pinned version does not already have.
//! - [`changes`] edits requirements files and manifests (`pyproject.toml`,
//!   `setup.cfg`, `Pipfile`, PEP 723 scripts) by rewriting exactly the
//!   version bytes the inventory located; in a requirements file the
//!   edited requirement's `--hash` options go (they were for the old
//!   version). Every edited text is parsed back with the inventory: the
//!   package must be at its new version and every other dependency as it
//!   was, else the file is left alone and the cause reported.
//! - Lockfiles are not edited: a [`LockCommand`] names the command of the
//!   tool that owns the lock (`uv lock --upgrade-package django==3.2.25`),
//!   which the caller may run ([`LockCommand::run`]) when the user asks,
//!   since it runs the project's build tooling.
//!
//! This crate never prints and never runs anything from the project unless
//! the caller runs a [`LockCommand`]. Every file it reads is bounded
//! ([`pyward_inventory::MAX_FILE_BYTES`]); files it finds itself (the
//! manifest beside a lock, a `-c` constraints file) must be regular files
//! inside the scanned folders, and it never writes through a symbolic link.

mod diff;
mod edit;
mod error;
mod hashes;
mod lockers;
mod plan;
mod project;
#[cfg(feature = "fetch")]
pub mod pypi;
mod releases;
mod verify;
mod write;

pub use diff::unified_diff;
pub use edit::{Changes, Edit, FileChange, NotEdited, changes};
pub use error::FixError;
pub use lockers::{LockCommand, LockRun, Locker, find_program};
pub use plan::{Limit, Plan, Unfixable, UnfixableReason, Upgrade, plan};
pub use project::{Project, ProjectFile, Role};
pub use releases::{
    AdvisoryData, DatabaseAdvisories, NoIndex, ReleaseList, ReleaseSource, ReleasesFrom,
};
pub use verify::{VerifyError, verify};
pub use write::{ApplyError, write_atomically};
