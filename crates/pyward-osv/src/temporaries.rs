//! The temporary files imports and updates write beside the database
//! (`.pyward-db-<pid>-*.tmp`, `.pyward-download-<pid>-*.zip.tmp`): a
//! registry of the live ones, so that a signal handler can delete them
//! ([`remove_temporaries`]), and the removal of those a process that died
//! left behind.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The prefix of a database being written.
pub const DATABASE_PREFIX: &str = ".pyward-db-";
/// The prefix of a download in progress.
pub const DOWNLOAD_PREFIX: &str = ".pyward-download-";

/// A temporary file older than this (by its last write) belongs to a
/// process that is gone: a live download writes every few seconds and
/// times out after a silence of a minute.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Deletes every temporary file this process has open for an import or
/// update. For a SIGINT/SIGTERM handler, which then exits: the database
/// being replaced stays as it was. Safe to call from any thread, at any
/// time; returns how many files it deleted.
pub fn remove_temporaries() -> usize {
    let mut live = live();
    let removed = live
        .iter()
        .filter(|path| std::fs::remove_file(path).is_ok())
        .count();
    live.clear();
    removed
}

/// A temporary file beside a destination, registered while it lives.
/// Dropping it deletes the file; [`Temporary::persist`] renames it over
/// the destination.
pub struct Temporary {
    /// Always `Some` until [`Temporary::persist`] takes it.
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Temporary {
    /// Creates `<dir>/<prefix><pid>-<random><suffix>`.
    pub fn create(dir: &Path, prefix: &str, suffix: &str) -> std::io::Result<Temporary> {
        let file = tempfile::Builder::new()
            .prefix(&format!("{prefix}{}-", std::process::id()))
            .suffix(suffix)
            .tempfile_in(dir)?;
        let path = file.path().to_path_buf();
        live().push(path.clone());
        Ok(Temporary {
            file: Some(file),
            path,
        })
    }

    fn named(&self) -> &tempfile::NamedTempFile {
        self.file
            .as_ref()
            .expect("a Temporary holds its file until persisted")
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn as_file(&self) -> &std::fs::File {
        self.named().as_file()
    }

    pub fn as_file_mut(&mut self) -> &mut std::fs::File {
        self.file
            .as_mut()
            .expect("a Temporary holds its file until persisted")
            .as_file_mut()
    }

    /// Renames the file over `dest`.
    pub fn persist(mut self, dest: &Path) -> std::io::Result<()> {
        let file = self
            .file
            .take()
            .expect("a Temporary holds its file until persisted");
        match file.persist(dest) {
            Ok(_) => Ok(()),
            // Dropping the file handed back deletes it.
            Err(e) => Err(e.error),
        }
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        // The file itself goes with the NamedTempFile, dropped after this.
        unregister(&self.path);
    }
}

fn unregister(path: &Path) {
    live().retain(|p| p != path);
}

/// Deletes the temporary files beside `dest` that an import or update
/// which died left behind: those whose process id is not running, and any
/// not written to for [`STALE_AFTER`]. Best effort; returns how many went.
pub fn remove_stale_beside(dest: &Path) -> usize {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let own = live().clone();
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some(rest) = name
            .strip_prefix(DATABASE_PREFIX)
            .or_else(|| name.strip_prefix(DOWNLOAD_PREFIX))
            .filter(|_| name.ends_with(".tmp"))
        else {
            continue;
        };
        let path = entry.path();
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if !meta.is_file() || own.contains(&path) {
            continue;
        }
        let pid = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        let dead = pid.is_some_and(|pid| pid != std::process::id() && !process_is_alive(pid));
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if (dead || old) && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether a process `pid` runs, where the system can tell (Linux's
/// `/proc`); elsewhere every process counts as alive and only age makes a
/// file stale.
fn process_is_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_temporaries_are_removed_on_request_and_unregistered_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let a = Temporary::create(dir.path(), DATABASE_PREFIX, ".tmp").unwrap();
        let b = Temporary::create(dir.path(), DOWNLOAD_PREFIX, ".zip.tmp").unwrap();
        let (pa, pb) = (a.path().to_path_buf(), b.path().to_path_buf());
        assert!(pa.exists() && pb.exists());
        let name = pa.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            name.starts_with(&format!(".pyward-db-{}-", std::process::id())),
            "{name}"
        );
        // A stale sweep leaves this process's own files alone.
        assert_eq!(remove_stale_beside(&dir.path().join("osv.db")), 0);
        assert!(remove_temporaries() >= 2);
        assert!(!pa.exists() && !pb.exists());
        drop((a, b));
        let c = Temporary::create(dir.path(), DATABASE_PREFIX, ".tmp").unwrap();
        let pc = c.path().to_path_buf();
        c.persist(&dir.path().join("osv.db")).unwrap();
        assert!(!live().contains(&pc));
    }

    #[test]
    fn stale_temporaries_of_dead_processes_go_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        // No process has a pid this large on Linux (pid_max <= 2^22).
        let dead = dir.path().join(".pyward-db-4194305-abc.tmp");
        let dead_download = dir.path().join(".pyward-download-4194305-abc.zip.tmp");
        let alive = dir
            .path()
            .join(format!(".pyward-db-{}-xyz.tmp", std::process::id()));
        let unrelated = dir.path().join("notes.tmp");
        for p in [&dead, &dead_download, &alive, &unrelated] {
            std::fs::write(p, b"x").unwrap();
        }
        let removed = remove_stale_beside(&dir.path().join("osv.db"));
        if Path::new("/proc/self").exists() {
            assert_eq!(removed, 2);
            assert!(!dead.exists() && !dead_download.exists());
        }
        assert!(alive.exists(), "a fresh file of a live process stays");
        assert!(unrelated.exists());
    }
}
