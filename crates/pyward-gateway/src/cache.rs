//! The on-disk cache, shareable by several gateways (one folder on NFS or
//! a Kubernetes ReadWriteMany volume):
//!
//! ```text
//! DIR/pages/{project}.json          a project page and its validators
//! DIR/files/sha256/{ab}/{digest}    a file, named by its content
//! ```
//!
//! Everything is written to a temporary file beside its destination and
//! renamed into place once complete (and, for files, once its hash was
//! checked), so a reader on any replica sees the old version or the new,
//! never part of one, and concurrent writers of the same file only replace
//! identical bytes. Paths are built from normalized project names and hex
//! digests alone, which cannot leave the folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::index::{ProjectPage, is_sha256};
use crate::upstream::Validators;

/// A cached page larger than this is not read back.
const MAX_CACHED_PAGE_BYTES: u64 = 256 * 1024 * 1024;

/// A project name fit for a path: PEP 503 normalized, `[a-z0-9-]`, not
/// starting or ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectKey(String);

impl ProjectKey {
    /// The key of `name` (any spelling), or `None` when it is not a
    /// project name at all.
    pub fn new(name: &str) -> Option<Self> {
        let normalized = pyward_model::PackageName::new(name).as_str().to_string();
        let valid = !normalized.is_empty()
            && normalized.len() <= 200
            && normalized
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !normalized.starts_with('-')
            && !normalized.ends_with('-');
        valid.then_some(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A page as the cache keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedPage {
    /// Seconds since the epoch when the upstream last confirmed it.
    pub checked: u64,
    /// How long it stays fresh after that, seconds.
    pub max_age: u64,
    pub validators: Validators,
    pub page: ProjectPage,
}

impl CachedPage {
    pub fn is_fresh(&self, now: u64) -> bool {
        now.saturating_sub(self.checked) < self.max_age
    }
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// Opens (creating) the cache at `root`.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        fs_err::create_dir_all(root.join("pages"))?;
        fs_err::create_dir_all(root.join("files").join("sha256"))?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn page_path(&self, project: &ProjectKey) -> PathBuf {
        self.root.join("pages").join(format!("{project}.json"))
    }

    /// The cached page of `project`; a damaged one counts as none.
    pub fn read_page(&self, project: &ProjectKey) -> Option<CachedPage> {
        let path = self.page_path(project);
        let meta = fs_err::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() > MAX_CACHED_PAGE_BYTES {
            return None;
        }
        let bytes = fs_err::read(&path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores `page` for `project`, atomically.
    pub fn write_page(&self, project: &ProjectKey, page: &CachedPage) -> std::io::Result<()> {
        let path = self.page_path(project);
        let bytes = serde_json::to_vec(page).map_err(std::io::Error::other)?;
        let dir = self.root.join("pages");
        let mut temp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(&dir)?;
        temp.write_all(&bytes)?;
        temp.as_file().sync_all()?;
        temp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Where the file with this sha256 lives (whether or not it is there
    /// yet); `None` for anything but a sha256 in hex.
    pub fn file_path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256(sha256).then(|| {
            self.root
                .join("files")
                .join("sha256")
                .join(&sha256[..2])
                .join(sha256)
        })
    }

    /// A temporary file that becomes the file with this sha256 once
    /// [`Pending::commit`] has checked its hash.
    pub fn pending(&self, sha256: &str) -> std::io::Result<Pending> {
        let target = self
            .file_path(sha256)
            .ok_or_else(|| std::io::Error::other("not a sha256 digest"))?;
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
        fs_err::create_dir_all(&dir)?;
        let temp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(&dir)?;
        Ok(Pending {
            temp,
            target,
            expected: sha256.to_string(),
        })
    }
}

/// A file on its way into the cache. Dropped without [`Pending::commit`],
/// it is deleted: nothing partial ever gets a cache name.
#[derive(Debug)]
pub struct Pending {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
    expected: String,
}

impl Pending {
    /// The file to write into.
    pub fn file(&self) -> std::io::Result<std::fs::File> {
        self.temp.as_file().try_clone()
    }

    /// Puts the file in place if `actual` is the sha256 it was opened for.
    pub fn commit(self, actual: &str) -> std::io::Result<PathBuf> {
        if actual != self.expected {
            return Err(std::io::Error::other(format!(
                "sha256 {actual} where the upstream states {}",
                self.expected
            )));
        }
        self.temp.as_file().sync_all()?;
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_keys_cannot_name_a_path() {
        assert_eq!(
            ProjectKey::new("Zope.Interface").unwrap().as_str(),
            "zope-interface"
        );
        for bad in ["..", "../etc", "a/b", "", "-", "a b", "é", "x\0", "%2e%2e"] {
            assert!(ProjectKey::new(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn files_are_put_in_place_only_with_the_right_hash() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let digest = "a".repeat(64);
        assert!(cache.file_path("../../etc/passwd").is_none());
        let pending = cache.pending(&digest).unwrap();
        pending.file().unwrap().write_all(b"data").unwrap();
        assert!(pending.commit(&"b".repeat(64)).is_err());
        let target = cache.file_path(&digest).unwrap();
        assert!(!target.exists());
        let leftovers = fs_err::read_dir(target.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 0, "the temporary file is gone");
        let pending = cache.pending(&digest).unwrap();
        pending.file().unwrap().write_all(b"data").unwrap();
        pending.commit(&digest).unwrap();
        assert_eq!(fs_err::read(&target).unwrap(), b"data");
    }

    #[test]
    fn pages_round_trip_and_damage_reads_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = ProjectKey::new("demo").unwrap();
        assert!(cache.read_page(&key).is_none());
        let page = CachedPage {
            checked: 100,
            max_age: 600,
            validators: Validators::default(),
            page: ProjectPage {
                name: "demo".into(),
                files: Vec::new(),
            },
        };
        cache.write_page(&key, &page).unwrap();
        let back = cache.read_page(&key).unwrap();
        assert!(back.is_fresh(500));
        assert!(!back.is_fresh(700));
        fs_err::write(dir.path().join("pages/demo.json"), b"{\"trunc").unwrap();
        assert!(cache.read_page(&key).is_none());
    }
}
