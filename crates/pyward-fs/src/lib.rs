//! How pyward touches a scanned tree: the one place that decides which
//! files a scanner sees, how their paths are shown, and how they are read.
//!
//! - [`relative`]: a file's path as reports show it (relative to the
//!   scanned root, `/`-separated).
//! - [`Walker`]: the one walker, configured per scanner (folders to skip,
//!   exclude globs, a file filter, sequential or parallel). It never
//!   follows a link inside the tree, never yields a file twice, and reads
//!   only the ignore files of the tree and of its own repository.
//! - [`read`], [`read_head`]: bounded reads that refuse FIFOs, devices,
//!   sockets and `/proc`/`/sys` before opening anything.
//! - [`Tree`]: whether a path resolves inside the scanned tree, for
//!   includes, configuration files and baselines found in it.
//! - [`Progress`], [`FileCount`]: how far the scanners have got through
//!   their files, for a progress display.
//!
//! It does not parse what it reads, and never writes.

mod path;
mod progress;
mod read;
mod tree;
mod walk;

pub use path::{normalize_lexically, relative};
pub use progress::{FileCount, Progress, TaskCount};
pub use read::{FileKind, ReadError, check_regular, read, read_head};
pub use tree::{Tree, contains};
pub use walk::{IGNORE_FILE_LIMIT, SkipReason, Skipped, Walk, WalkError, WalkedFile, Walker};
