//! Walking a tree in parallel (`pyward-fs`'s walker) and scanning each
//! file once.

use std::path::{Path, PathBuf};

use pyward_fs::{ReadError, SkipReason, Walker};
use pyward_model::ScanError;
use rayon::prelude::*;

use crate::scan::{FileScan, scan_text};
use crate::{SecretsOutcome, Settings, file_kind};

/// How many leading bytes are searched for a NUL to call a file binary
/// (git and ripgrep use the same rule).
const BINARY_PROBE: usize = 8 * 1024;

/// Files at least this large whose lines average longer than
/// [`MINIFIED_AVERAGE_LINE`] are minified or generated.
const MINIFIED_MIN_SIZE: usize = 16 * 1024;
const MINIFIED_AVERAGE_LINE: usize = 500;

/// Scripts and style sheets with a line this long are minified, whatever
/// their size (`select2/i18n/sr-Cyrl.js`).
const MINIFIED_SCRIPT_LINE: usize = 1000;

fn is_minified_script(path: &str, bytes: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    let script = [".js", ".mjs", ".cjs", ".css", ".svg"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    script
        && bytes
            .split(|&b| b == b'\n')
            .any(|line| line.len() > MINIFIED_SCRIPT_LINE)
}

/// Scans files and folders. Folders are walked in parallel, honouring the
/// ignore files of the tree and of its repository, skipping `.git` and
/// never following symbolic links inside them; a folder named here is
/// the tree even when it is a link. Files named on their own are scanned
/// even if ignored (a named link is followed only to a file inside
/// `root`). Paths in findings are relative to `root`.
pub fn scan_paths(paths: &[PathBuf], root: &Path, settings: &Settings) -> SecretsOutcome {
    let default_paths = [root.to_path_buf()];
    let paths = if paths.is_empty() {
        &default_paths[..]
    } else {
        paths
    };
    let mut outcome = SecretsOutcome::default();
    let mut walker = Walker::new(root).skip_dirs(&[".git"]).parallel(true);
    if !settings.exclude.is_empty() {
        let exclude = settings.exclude.clone();
        walker = walker.exclude(move |relative, is_dir| !is_dir && exclude.is_match(relative));
    }
    let walk = walker.walk(paths);
    outcome
        .errors
        .extend(walk.errors.into_iter().map(|error| ScanError {
            path: error.relative,
            line: error.line.and_then(|line| u32::try_from(line).ok()),
            message: error.message,
        }));
    outcome
        .warnings
        .extend(walk.skipped.iter().map(|skipped| match skipped.reason {
            SkipReason::LinkOutOfTree => skipped.to_string(),
            _ => format!("{skipped}; the files it lists are scanned"),
        }));

    let progress = settings.progress.as_ref();
    if let Some(progress) = progress {
        progress.found(walk.files.len());
    }
    let results: Vec<FileResult> = walk
        .files
        .par_iter()
        .map(|file| {
            let result = scan_file(&file.path, &file.relative, settings);
            if let Some(progress) = progress {
                progress.done();
            }
            result
        })
        .collect();
    for (file, result) in walk.files.into_iter().zip(results) {
        match result {
            FileResult::Scanned(scan) => {
                outcome.files_scanned += 1;
                outcome.scanned.push(file.relative);
                outcome.hashes.extend(scan.hashes);
                outcome.findings.extend(scan.findings);
                outcome.baselined.extend(scan.baselined);
                outcome.warnings.extend(scan.warnings);
            }
            FileResult::Skipped(Some(warning)) => outcome.warnings.push(warning),
            FileResult::Skipped(None) => {}
            FileResult::Failed(error) => outcome.errors.push(error),
        }
    }
    outcome.sort();
    outcome
}

pub(crate) enum FileResult {
    Scanned(FileScan),
    /// Not scanned, with the reason when the user should hear it.
    Skipped(Option<String>),
    Failed(ScanError),
}

fn scan_file(path: &Path, shown: &str, settings: &Settings) -> FileResult {
    match pyward_fs::read(path, settings.max_file_size) {
        Ok(bytes) => scan_bytes(shown, &bytes, settings),
        Err(ReadError::TooLarge { size, limit, .. }) => FileResult::Skipped(Some(match size {
            Some(size) => format!(
                "skipped `{shown}`: {size} bytes is over the {limit} byte limit (`max-file-size`)"
            ),
            None => format!(
                "skipped `{shown}`: it grew past the {limit} byte limit (`max-file-size`) while being read"
            ),
        })),
        Err(error) => FileResult::Failed(ScanError {
            path: shown.to_string(),
            line: None,
            message: error.reason(),
        }),
    }
}

/// Extensions of formats that are binary by design: their NUL bytes are
/// expected, and no one types a secret into them, so skipping them needs
/// no warning.
fn is_binary_format(path: &str) -> bool {
    const BINARY: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "xcf",
        "woff", "woff2", "ttf", "otf", "eot", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar",
        "jar", "whl", "egg", "pyc", "pyo", "pyd", "so", "dylib", "dll", "exe", "o", "a", "lib",
        "class", "wasm", "mo", "mp3", "mp4", "m4a", "wav", "ogg", "oga", "webm", "avi", "mov",
        "flac", "pdf", "npy", "npz", "pkl", "pickle", "parquet", "h5", "hdf5", "tar", "lzma",
        "dbf", "shp", "shx", "mmdb", "graffle",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && BINARY.iter().any(|b| ext.eq_ignore_ascii_case(b))
    })
}

/// Text in UTF-16 with a byte-order mark, decoded (bad units replaced).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (body, little_endian) = if let Some(body) = bytes.strip_prefix(b"\xff\xfe") {
        (body, true)
    } else if let Some(body) = bytes.strip_prefix(b"\xfe\xff") {
        (body, false)
    } else {
        return None;
    };
    let units = body.chunks(2).map(|pair| match (pair, little_endian) {
        ([low, high], true) => u16::from_le_bytes([*low, *high]),
        ([high, low], false) => u16::from_be_bytes([*high, *low]),
        // An odd trailing byte.
        _ => 0xfffd,
    });
    Some(
        char::decode_utf16(units)
            .map(|unit| unit.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// UTF-16 without a byte-order mark, by the shape of its NUL bytes: the
/// ASCII text it usually holds puts a NUL in every other byte.
fn looks_like_bomless_utf16(probe: &[u8]) -> bool {
    if probe.len() < 16 {
        return false;
    }
    let nul_at = |parity: usize| {
        probe
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let half = probe.len() / 2;
    let (even, odd) = (nul_at(0), nul_at(1));
    (odd * 10 >= half * 9 && even * 10 <= half) || (even * 10 >= half * 9 && odd * 10 <= half)
}

/// Scans a file's bytes, deciding first whether it is text worth
/// scanning. Shared by the working-tree and history scans.
pub(crate) fn scan_bytes(path: &str, bytes: &[u8], settings: &Settings) -> FileResult {
    if let Some(text) = decode_utf16(bytes).filter(|_| !is_binary_format(path)) {
        let mut scan = scan_text(path, &text, settings);
        if text.contains(char::REPLACEMENT_CHARACTER) {
            scan.warnings.insert(
                0,
                format!("`{path}` is not valid UTF-16; scanned with the invalid units replaced"),
            );
        }
        return FileResult::Scanned(scan);
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
    if memchr::memchr(0, probe).is_some() {
        if is_binary_format(path) {
            return FileResult::Skipped(None);
        }
        return FileResult::Skipped(Some(if looks_like_bomless_utf16(probe) {
            format!("skipped `{path}`: UTF-16 text without a byte-order mark; not scanned")
        } else {
            format!("skipped `{path}`: binary (a NUL byte in its first 8 KB)")
        }));
    }
    if file_kind::is_generated_name(path) {
        return FileResult::Skipped(Some(format!(
            "skipped `{path}`: minified or generated file"
        )));
    }
    if is_minified_script(path, bytes) {
        return FileResult::Skipped(Some(format!(
            "skipped `{path}`: minified or generated file (a line over {MINIFIED_SCRIPT_LINE} bytes)"
        )));
    }
    if bytes.len() >= MINIFIED_MIN_SIZE {
        let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
        if bytes.len() / lines > MINIFIED_AVERAGE_LINE {
            return FileResult::Skipped(Some(format!(
                "skipped `{path}`: minified or generated file (lines average {} bytes)",
                bytes.len() / lines
            )));
        }
    }
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            warnings.push(format!(
                "`{path}` is not valid UTF-8; scanned with the invalid bytes replaced"
            ));
            String::from_utf8_lossy(bytes)
        }
    };
    let mut scan = scan_text(path, &text, settings);
    scan.warnings.splice(0..0, warnings);
    FileResult::Scanned(scan)
}
