//! Reading OSV records from where they live: a folder of JSON/YAML files
//! (the PyPA advisory-db layout), one file, or a zip of JSON files (OSV's
//! `PyPI/all.zip`).

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::DbError;
use crate::record::{self, Advisory, Parsed};

/// The largest single record accepted from a zip: far above any real OSV
/// record, low enough that a zip bomb cannot exhaust memory.
const MAX_RECORD_BYTES: u64 = 32 * 1024 * 1024;

/// How many zip entries are inflated before they are parsed in parallel.
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
/// broken zip, or a single file that is not an OSV record is an error.
pub fn read_source(source: &Path) -> Result<SourceRecords, DbError> {
    let meta = fs_err::metadata(source).map_err(|e| DbError::Read {
        path: source.to_path_buf(),
        cause: strip_path(e),
    })?;
    if meta.is_dir() {
        return read_dir(source);
    }
    let mut file = fs_err::File::open(source).map_err(|e| DbError::Read {
        path: source.to_path_buf(),
        cause: strip_path(e),
    })?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| DbError::Read {
        path: source.to_path_buf(),
        cause: e,
    })?;
    let is_zip = n == 4 && &magic == b"PK\x03\x04"
        || source
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        file.rewind().map_err(|e| DbError::Read {
            path: source.to_path_buf(),
            cause: e,
        })?;
        return read_zip(file, source);
    }
    let bytes = fs_err::read(source).map_err(|e| DbError::Read {
        path: source.to_path_buf(),
        cause: strip_path(e),
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
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    collect_files(root, &mut files, &mut skipped, true)?;
    files.sort();
    let results: Vec<(String, Result<Parsed, String>)> = files
        .par_iter()
        .map(|(path, kind)| {
            let name = path.display().to_string();
            let result = match fs_err::read(path) {
                Ok(bytes) => parse(*kind, &bytes),
                Err(e) => Err(format!("cannot read: {}", strip_path(e))),
            };
            (name, result)
        })
        .collect();
    let mut out = SourceRecords {
        skipped,
        ..SourceRecords::default()
    };
    for (name, result) in results {
        out.add(name, result);
    }
    Ok(out)
}

/// Lists the JSON/YAML files under `dir`. Symlinks are not followed (a
/// record folder never needs them, and they could point outside it);
/// hidden folders (`.git`) are skipped.
fn collect_files(
    dir: &Path,
    files: &mut Vec<(PathBuf, Kind)>,
    skipped: &mut Vec<SkippedRecord>,
    is_root: bool,
) -> Result<(), DbError> {
    let entries = match fs_err::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if is_root => {
            return Err(DbError::Read {
                path: dir.to_path_buf(),
                cause: strip_path(e),
            });
        }
        Err(e) => {
            skipped.push(SkippedRecord {
                file: dir.display().to_string(),
                message: format!("cannot read folder: {}", strip_path(e)),
            });
            return Ok(());
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                skipped.push(SkippedRecord {
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
                collect_files(&path, files, skipped, false)?;
            }
        } else if file_type.is_file()
            && let Some(kind) = kind_of(&path)
        {
            files.push((path, kind));
        }
    }
    Ok(())
}

/// Reads every `*.json` entry of a zip archive.
pub fn read_zip<R: Read + Seek>(reader: R, path: &Path) -> Result<SourceRecords, DbError> {
    let zip_error = |e: zip::result::ZipError| DbError::Zip {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_error)?;
    let mut out = SourceRecords::default();
    let mut batch: Vec<(String, Result<Vec<u8>, String>)> = Vec::with_capacity(ZIP_BATCH);
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
        let mut entry = match archive.by_index(index) {
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
        let mut bytes = Vec::with_capacity(entry.size().min(MAX_RECORD_BYTES) as usize);
        let result = match (&mut entry)
            .take(MAX_RECORD_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            Ok(_) if bytes.len() as u64 > MAX_RECORD_BYTES => {
                Err(format!("larger than {MAX_RECORD_BYTES} bytes"))
            }
            Ok(_) => Ok(bytes),
            Err(e) => Err(format!("cannot inflate: {e}")),
        };
        batch.push((display, result));
        if batch.len() >= ZIP_BATCH {
            flush(&mut batch, &mut out);
        }
    }
    flush(&mut batch, &mut out);
    Ok(out)
}
