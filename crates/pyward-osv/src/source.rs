//! Reading OSV records from where they live: a folder of JSON/YAML files
//! (the PyPA advisory-db layout), one file, or a zip of JSON files (OSV's
//! `PyPI/all.zip`).

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::DbError;
use crate::files::{self, Links, OpenError};
use crate::limits::{MAX_BATCH_BYTES, MAX_RECORD_BYTES, MAX_SOURCE_BYTES, MAX_SOURCE_ENTRIES};
use crate::record::{self, Advisory, Parsed};

/// How many zip entries at most are inflated before they are parsed in
/// parallel (and fewer when they reach [`MAX_BATCH_BYTES`]).
const ZIP_BATCH: usize = 1024;

/// A record that could not be read: skipped, and reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    /// The file (or `archive.zip:entry.json`) it came from.
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for SkippedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Everything read from a source.
#[derive(Debug, Default)]
pub struct SourceRecords {
    pub advisories: Vec<Advisory>,
    pub skipped: Vec<SkippedRecord>,
    pub withdrawn: usize,
    pub other_ecosystems: usize,
    /// Files (or zip entries) looked at.
    pub files: usize,
    /// Folder entries that are not regular files (FIFOs, devices,
    /// sockets) or are symbolic links: not read.
    pub not_regular: usize,
}

impl SourceRecords {
    fn add(&mut self, file: String, result: Result<Parsed, String>) {
        self.files += 1;
        match result {
            Ok(Parsed::Advisory(a)) => self.advisories.push(*a),
            Ok(Parsed::Withdrawn) => self.withdrawn += 1,
            Ok(Parsed::OtherEcosystem) => self.other_ecosystems += 1,
            Err(message) => self.skipped.push(SkippedRecord { file, message }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Json,
    Yaml,
}

fn kind_of(path: &Path) -> Option<Kind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(Kind::Json),
        "yaml" | "yml" => Some(Kind::Yaml),
        _ => None,
    }
}

fn parse(kind: Kind, bytes: &[u8]) -> Result<Parsed, String> {
    match kind {
        Kind::Json => record::parse_json(bytes),
        Kind::Yaml => record::parse_yaml(bytes),
    }
}

/// Reads every OSV record at `source`: a folder, a zip, or one JSON/YAML
/// file. Malformed records are skipped and listed; an unreadable source, a
/// broken zip, a single file that is not an OSV record, a special file (a
/// FIFO, a device, anything under /proc) or a source past the limits of
/// [`crate::limits`] is an error.
pub fn read_source(source: &Path) -> Result<SourceRecords, DbError> {
    let read_error = |cause: std::io::Error| DbError::Read {
        path: source.to_path_buf(),
        cause,
    };
    let meta = std::fs::metadata(source).map_err(read_error)?;
    if meta.is_dir() {
        if files::is_virtual(source) {
            return Err(not_regular(
                source,
                "a folder of a virtual file system (/proc, /sys, /dev)",
            ));
        }
        return read_dir(source);
    }
    let mut file = match files::open_regular(source, Links::Follow) {
        Ok(file) => file,
        Err(OpenError::Io(cause)) => return Err(read_error(cause)),
        Err(OpenError::NotRegular(kind)) => return Err(not_regular(source, kind)),
    };
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(read_error)?;
    let is_zip = n == 4 && &magic == b"PK\x03\x04"
        || source
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    file.rewind().map_err(read_error)?;
    if is_zip {
        return read_zip(file, source);
    }
    let bytes = files::read_bounded(&mut file, MAX_RECORD_BYTES, meta.len()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::FileTooLarge {
            DbError::TooLarge {
                path: source.to_path_buf(),
                detail: format!("a record {e}"),
            }
        } else {
            read_error(e)
        }
    })?;
    let kind = kind_of(source).unwrap_or_else(|| {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            Kind::Json
        } else {
            Kind::Yaml
        }
    });
    let mut out = SourceRecords::default();
    out.add(source.display().to_string(), parse(kind, &bytes));
    if let Some(skipped) = out.skipped.pop() {
        // One file that is not an OSV record: nothing to import.
        return Err(DbError::NoRecords {
            path: source.to_path_buf(),
            detail: format!(": not an OSV record: {}", skipped.message),
        });
    }
    Ok(out)
}

fn not_regular(path: &Path, what: &str) -> DbError {
    DbError::NotRegular {
        path: path.to_path_buf(),
        what: what.to_string(),
    }
}

fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// fs_err already names the path; our errors name it too.
fn strip_path(e: std::io::Error) -> std::io::Error {
    std::io::Error::new(
        e.kind(),
        e.get_ref()
            .and_then(|inner| inner.source())
            .map_or_else(|| e.to_string(), ToString::to_string),
    )
}

fn read_dir(root: &Path) -> Result<SourceRecords, DbError> {
    let mut listing = Listing::default();
    collect_files(root, &mut listing)?;
    let Listing {
        mut files,
        skipped,
        not_regular,
        bytes: _,
    } = listing;
    files.sort();
    let results: Vec<(String, Result<Parsed, String>)> = files
        .par_iter()
        .map(|(path, kind)| {
            let name = path.display().to_string();
            (name, read_record(path, *kind))
        })
        .collect();
    let mut out = SourceRecords {
        skipped,
        not_regular,
        ..SourceRecords::default()
    };
    for (name, result) in results {
        out.add(name, result);
    }
    Ok(out)
}

/// One file of a folder: opened without following a link, read with a
/// bound, parsed.
fn read_record(path: &Path, kind: Kind) -> Result<Parsed, String> {
    let (file, meta) = match files::open_regular_with_metadata(path, Links::Refuse) {
        Ok(opened) => opened,
        Err(OpenError::Io(e)) => return Err(format!("cannot read: {e}")),
        Err(OpenError::NotRegular(what)) => return Err(format!("not read: it is {what}")),
    };
    let size = meta.len();
    let bytes = files::read_bounded(file, MAX_RECORD_BYTES, size)
        .map_err(|e| format!("cannot read: {e}"))?;
    parse(kind, &bytes)
}

/// The files a folder holds, and what was left out.
#[derive(Default)]
struct Listing {
    files: Vec<(PathBuf, Kind)>,
    skipped: Vec<SkippedRecord>,
    not_regular: usize,
    /// The files' sizes added up.
    bytes: u64,
}

/// Lists the JSON/YAML files under `root`. Symlinks are not followed (a
/// record folder never needs them, and they could point outside it), and
/// neither they nor special files (FIFOs, devices, sockets) are read;
/// hidden folders (`.git`) are skipped. Walked with a stack of its own,
/// so a deep tree cannot overflow the call stack.
fn collect_files(root: &Path, listing: &mut Listing) -> Result<(), DbError> {
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match fs_err::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if dir == root => {
                return Err(DbError::Read {
                    path: dir,
                    cause: strip_path(e),
                });
            }
            Err(e) => {
                listing.skipped.push(SkippedRecord {
                    file: dir.display().to_string(),
                    message: format!("cannot read folder: {}", strip_path(e)),
                });
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    listing.skipped.push(SkippedRecord {
                        file: dir.display().to_string(),
                        message: format!("cannot read folder: {}", strip_path(e)),
                    });
                    continue;
                }
            };
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    pending.push(path);
                }
                continue;
            }
            if files::special_kind(file_type).is_some() {
                listing.not_regular += 1;
                continue;
            }
            let Some(kind) = kind_of(&path) else {
                continue;
            };
            listing.bytes += entry.metadata().map_or(0, |m| m.len());
            listing.files.push((path, kind));
            if listing.files.len() > MAX_SOURCE_ENTRIES {
                return Err(DbError::TooLarge {
                    path: root.to_path_buf(),
                    detail: format!("more than {MAX_SOURCE_ENTRIES} records"),
                });
            }
            if listing.bytes > MAX_SOURCE_BYTES {
                return Err(DbError::TooLarge {
                    path: root.to_path_buf(),
                    detail: format!(
                        "its records add up to more than {}",
                        files::describe_bytes(MAX_SOURCE_BYTES)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Reads every `*.json` entry of a zip archive. Each entry's read is
/// bounded by [`MAX_RECORD_BYTES`] whatever its header claims; the archive
/// by [`MAX_SOURCE_ENTRIES`] and [`MAX_SOURCE_BYTES`] in all; and at most
/// [`MAX_BATCH_BYTES`] of inflated records wait to be parsed at a time.
pub fn read_zip<R: Read + Seek>(reader: R, path: &Path) -> Result<SourceRecords, DbError> {
    let zip_error = |e: zip::result::ZipError| DbError::Zip {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let too_large = |detail: String| DbError::TooLarge {
        path: path.to_path_buf(),
        detail,
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_error)?;
    if archive.len() > MAX_SOURCE_ENTRIES {
        return Err(too_large(format!(
            "{} entries, more than the limit of {MAX_SOURCE_ENTRIES}",
            archive.len()
        )));
    }
    let mut out = SourceRecords::default();
    let mut batch: Vec<(String, Result<Vec<u8>, String>)> = Vec::with_capacity(ZIP_BATCH);
    let mut batch_bytes: u64 = 0;
    let mut total_bytes: u64 = 0;
    let label = path.display().to_string();
    let flush = |batch: &mut Vec<(String, Result<Vec<u8>, String>)>, out: &mut SourceRecords| {
        let parsed: Vec<(String, Result<Parsed, String>)> = batch
            .par_drain(..)
            .map(|(name, bytes)| {
                let result = bytes.and_then(|b| record::parse_json(&b));
                (name, result)
            })
            .collect();
        for (name, result) in parsed {
            out.add(name, result);
        }
    };
    for index in 0..archive.len() {
        let entry = match archive.by_index(index) {
            Ok(entry) => entry,
            Err(e) => {
                out.files += 1;
                out.skipped.push(SkippedRecord {
                    file: format!("{label}:#{index}"),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let name = entry.name().to_string();
        if entry.is_dir() || !name.to_ascii_lowercase().ends_with(".json") {
            continue;
        }
        let display = format!("{label}:{name}");
        let declared = entry.size();
        let result = if declared > MAX_RECORD_BYTES {
            Err(format!(
                "larger than the limit of {}",
                files::describe_bytes(MAX_RECORD_BYTES)
            ))
        } else {
            files::read_bounded(entry, MAX_RECORD_BYTES, declared).map_err(|e| {
                if e.kind() == std::io::ErrorKind::FileTooLarge {
                    e.to_string()
                } else {
                    format!("cannot inflate: {e}")
                }
            })
        };
        let len = result.as_ref().map_or(0, |b| b.len() as u64);
        total_bytes += len;
        if total_bytes > MAX_SOURCE_BYTES {
            return Err(too_large(format!(
                "its records inflate to more than {}",
                files::describe_bytes(MAX_SOURCE_BYTES)
            )));
        }
        batch_bytes += len;
        batch.push((display, result));
        if batch.len() >= ZIP_BATCH || batch_bytes >= MAX_BATCH_BYTES {
            flush(&mut batch, &mut out);
            batch_bytes = 0;
        }
    }
    flush(&mut batch, &mut out);
    Ok(out)
}
