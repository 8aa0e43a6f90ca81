//! Downloading OSV's PyPI archive (the `fetch` feature): into a temporary
//! file beside the database, checked to be a zip of OSV records, then built
//! and renamed into place like any import.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::DbError;
use crate::{ImportReport, build, source};

/// OSV's export of every PyPI advisory.
pub const DEFAULT_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip";

/// Far above OSV's PyPI archive (tens of MB); a bigger answer is not it.
const MAX_DOWNLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// How [`update`] downloads.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The whole download, connection included, must finish within this.
    pub timeout: Duration,
    /// Draw a progress bar on standard error (only when it is a terminal).
    pub progress: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            progress: false,
        }
    }
}

/// Downloads the zip at `url` and builds the database at `dest` from it.
/// On any failure (network, HTTP status, timeout, not a zip, no OSV
/// records) `dest` is left as it was and the error says why in one line.
pub fn update(url: &str, dest: &Path, options: &FetchOptions) -> Result<ImportReport, DbError> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let write_error = |cause: std::io::Error| DbError::Write {
        path: dest.to_path_buf(),
        cause,
    };
    fs_err::create_dir_all(&dir).map_err(write_error)?;
    let mut download = tempfile::Builder::new()
        .prefix(".pyward-download-")
        .suffix(".zip.tmp")
        .tempfile_in(&dir)
        .map_err(write_error)?;
    fetch_into(url, download.as_file_mut(), options)?;
    let file = download.as_file_mut();
    file.flush()
        .and_then(|()| file.rewind())
        .map_err(write_error)?;
    let origin = Path::new(url);
    let records = source::read_zip(&*file, origin)?;
    build(records, origin, dest, url, None)
}

fn fetch_into(url: &str, out: &mut std::fs::File, options: &FetchOptions) -> Result<(), DbError> {
    let fail = |e: &dyn std::fmt::Display| DbError::Download(format!("cannot download {url}: {e}"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .user_agent(concat!("pyward/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| fail(&e))?;
    let body = response.body_mut();
    let total = body.content_length();
    let mut reader = body.with_config().limit(MAX_DOWNLOAD_BYTES).reader();
    let bar = options.progress.then(|| progress_bar(total));
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if let Some(bar) = &bar {
                    bar.abandon();
                }
                return Err(fail(&e));
            }
        };
        out.write_all(&buffer[..n]).map_err(|e| fail(&e))?;
        if let Some(bar) = &bar {
            bar.inc(n as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(())
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = match total {
        Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = if total.is_some() {
        "downloading {bar:30} {bytes}/{total_bytes} {bytes_per_sec}"
    } else {
        "downloading {spinner} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
