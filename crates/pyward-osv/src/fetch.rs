//! Downloading OSV's PyPI archive (the `fetch` feature): into a temporary
//! file beside the database, checked to be a zip of OSV records, then built
//! and renamed into place like any import.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::DbError;
use crate::limits::MAX_DOWNLOAD_BYTES;
use crate::temporaries::{self, Temporary};
use crate::{ImportReport, build, source, store};

/// OSV's export of every PyPI advisory.
pub const DEFAULT_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip";

/// How [`update`] downloads.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The whole download, connection included, must finish within this.
    pub timeout: Duration,
    /// Connecting (DNS and TCP and TLS) must succeed within this.
    pub connect_timeout: Duration,
    /// The server must send something (the response head, then each part
    /// of the body) within this after the last thing it sent: a server
    /// that accepts and then says nothing fails after this, not after
    /// [`FetchOptions::timeout`].
    pub read_timeout: Duration,
    /// Draw a progress bar on standard error (only when it is a terminal).
    pub progress: bool,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(30),
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
    // Before any download: a destination that is not a database stays.
    store::check_replaceable(dest)?;
    fs_err::create_dir_all(&dir).map_err(write_error)?;
    let stale_removed = temporaries::remove_stale_beside(dest);
    let mut download =
        Temporary::create(&dir, temporaries::DOWNLOAD_PREFIX, ".zip.tmp").map_err(write_error)?;
    fetch_into(url, download.as_file_mut(), options)?;
    let file = download.as_file_mut();
    file.flush()
        .and_then(|()| file.rewind())
        .map_err(write_error)?;
    let origin = Path::new(url);
    let records = source::read_zip(&*file, origin)?;
    let mut report = build(records, origin, dest, url, None)?;
    report.stale_removed = stale_removed;
    Ok(report)
}

/// One line for a failed request, naming the timeout that fired.
fn describe(error: &ureq::Error, options: &FetchOptions) -> String {
    use ureq::Timeout;
    match error {
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => format!(
            "could not connect within {} s (connect timeout)",
            options.connect_timeout.as_secs_f64()
        ),
        ureq::Error::Timeout(Timeout::RecvResponse | Timeout::RecvBody) => format!(
            "the server sent nothing for {} s (read timeout)",
            options.read_timeout.as_secs_f64()
        ),
        ureq::Error::Timeout(Timeout::Global | Timeout::PerCall) => format!(
            "the download took longer than {} s (timeout)",
            options.timeout.as_secs_f64()
        ),
        ureq::Error::Io(e) if is_timeout(e) => format!(
            "the server sent nothing for {} s (read timeout)",
            options.read_timeout.as_secs_f64()
        ),
        other => other.to_string(),
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

fn fetch_into(url: &str, out: &mut std::fs::File, options: &FetchOptions) -> Result<(), DbError> {
    let fail = |e: &dyn std::fmt::Display| DbError::Download(format!("cannot download {url}: {e}"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .timeout_connect(Some(options.connect_timeout))
        .timeout_recv_response(Some(options.read_timeout))
        .timeout_per_read(Some(options.read_timeout))
        .user_agent(concat!("pyward/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| fail(&describe(&e, options)))?;
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
                let cause = match e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<ureq::Error>())
                {
                    Some(inner) => describe(inner, options),
                    None if is_timeout(&e) => describe(&ureq::Error::Io(e), options),
                    None => e.to_string(),
                };
                return Err(fail(&cause));
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
