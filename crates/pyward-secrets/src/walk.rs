//! Walking a tree in parallel and scanning each file once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
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

/// Scans files and folders. Folders are walked in parallel, honouring
/// `.gitignore` (inside git repositories), skipping `.git` and never
/// following symbolic links; files named on their own are scanned even if
/// ignored. Paths in findings are relative to `root`.
pub fn scan_paths(paths: &[PathBuf], root: &Path, settings: &Settings) -> SecretsOutcome {
    let default_paths = [root.to_path_buf()];
    let paths = if paths.is_empty() {
        &default_paths[..]
    } else {
        paths
    };
    let mut outcome = SecretsOutcome::default();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut folders: Vec<&Path> = Vec::new();
    for path in paths {
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => folders.push(path),
            Ok(meta) if meta.file_type().is_symlink() => {
                if points_inside(path, root) {
                    files.push(path.clone());
                } else {
                    outcome.warnings.push(format!(
                        "`{}` is a symbolic link out of the scanned tree; not followed",
                        path.display()
                    ));
                }
            }
            Ok(_) => files.push(path.clone()),
            Err(error) => outcome.errors.push(ScanError {
                path: path.display().to_string(),
                line: None,
                message: format!("cannot read: {error}"),
            }),
        }
    }
    files.extend(walk(&folders, root, settings, &mut outcome.errors));

    let results: Vec<FileResult> = files
        .par_iter()
        .map(|path| scan_file(path, root, settings))
        .collect();
    for result in results {
        match result {
            FileResult::Scanned(scan) => {
                outcome.files_scanned += 1;
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

fn walk(
    folders: &[&Path],
    root: &Path,
    settings: &Settings,
    errors: &mut Vec<ScanError>,
) -> Vec<PathBuf> {
    let Some((first, rest)) = folders.split_first() else {
        return Vec::new();
    };
    let mut builder = WalkBuilder::new(first);
    for folder in rest {
        builder.add(folder);
    }
    builder
        .hidden(false)
        .follow_links(false)
        .filter_entry(|entry| entry.file_name() != ".git");
    let found = Mutex::new(Vec::new());
    let failed = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file
                        && !settings.exclude.is_match(relative(entry.path(), root))
                        && let Ok(mut found) = found.lock()
                    {
                        found.push(entry.into_path());
                    }
                }
                Err(error) => {
                    if let Ok(mut failed) = failed.lock() {
                        failed.push(ScanError {
                            path: error_path(&error),
                            line: None,
                            message: error.to_string(),
                        });
                    }
                }
            }
            WalkState::Continue
        })
    });
    errors.extend(failed.into_inner().unwrap_or_default());
    let mut found = found.into_inner().unwrap_or_default();
    found.sort();
    found
}

fn error_path(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { path, .. } => path.display().to_string(),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => String::new(),
    }
}

/// Whether a symbolic link resolves to a place inside `root`.
fn points_inside(link: &Path, root: &Path) -> bool {
    match (link.canonicalize(), root.canonicalize()) {
        (Ok(target), Ok(root)) => target.starts_with(root) && target.is_file(),
        _ => false,
    }
}

/// `path` relative to `root`, with `/` separators.
pub(crate) fn relative(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let text = relative.to_string_lossy().replace('\\', "/");
    let text = text.strip_prefix("./").unwrap_or(&text);
    if text.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        text.to_string()
    }
}

pub(crate) enum FileResult {
    Scanned(FileScan),
    /// Not scanned, with the reason when the user should hear it.
    Skipped(Option<String>),
    Failed(ScanError),
}

fn scan_file(path: &Path, root: &Path, settings: &Settings) -> FileResult {
    let shown = relative(path, root);
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(error) => return failed(&shown, &error),
    };
    if size > settings.max_file_size {
        return FileResult::Skipped(Some(format!(
            "skipped `{shown}`: {size} bytes is over the {} byte limit (`max-file-size`)",
            settings.max_file_size
        )));
    }
    match fs_err::read(path) {
        Ok(bytes) => scan_bytes(&shown, &bytes, settings),
        Err(error) => failed(&shown, &error),
    }
}

fn failed(shown: &str, error: &std::io::Error) -> FileResult {
    FileResult::Failed(ScanError {
        path: shown.to_string(),
        line: None,
        message: format!("cannot read: {error}"),
    })
}

/// Scans a file's bytes, deciding first whether it is text worth
/// scanning. Shared by the working-tree and history scans.
pub(crate) fn scan_bytes(path: &str, bytes: &[u8], settings: &Settings) -> FileResult {
    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
    if memchr::memchr(0, probe).is_some() {
        return FileResult::Skipped(None);
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
