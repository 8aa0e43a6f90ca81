//! Every bound pyward puts on what it reads from an OSV source, in one
//! place (the README lists them). Each is far above what real data needs
//! and low enough that a hostile source cannot exhaust time or memory.

/// The largest record (one JSON or YAML file, or one zip entry) read. The
/// largest in OSV's PyPI data is under 100 kB. The read itself is bounded:
/// a zip entry's declared size is not trusted.
pub const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// How many zip entries (or files of a folder) one import reads. OSV's
/// PyPI archive holds tens of thousands.
pub const MAX_SOURCE_ENTRIES: usize = 1_000_000;

/// How many bytes one import reads in all, uncompressed. OSV's PyPI
/// archive is a few hundred MB uncompressed.
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// How many raw bytes of records are held before they are parsed (in
/// parallel) and dropped: peak memory for raw input stays at this plus
/// one record, whatever the archive claims.
pub const MAX_BATCH_BYTES: u64 = 64 * 1024 * 1024;

/// How deeply a record may nest collections (checked in one linear pass
/// before a parser sees the record). Real OSV records nest five or six
/// levels.
pub const MAX_NESTING: usize = 64;

/// The longest advisory text a database keeps for reports (the full
/// record keeps it whole).
pub const MAX_DETAILS_BYTES: usize = 4096;

/// The longest headline kept.
pub const MAX_HEADLINE_BYTES: usize = 400;

/// The largest download `update` accepts (written to disk, not memory).
pub const MAX_DOWNLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Affected modules and functions kept of one `affected` entry's
/// `ecosystem_specific.imports` and `affected_functions`.
pub const MAX_IMPORTS: usize = 64;

/// The longest affected module or function name kept.
pub const MAX_IMPORT_NAME_BYTES: usize = 200;
