//! The scanned tree as a boundary: includes, configuration files and
//! baselines found while scanning a tree must resolve inside it.

use std::path::{Path, PathBuf};

use crate::read::{ReadError, read};

/// A scanned tree: the folder the user named, resolved once (following
/// links: what the user named is the tree, even when it is a link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    root: PathBuf,
    canonical: PathBuf,
}

impl Tree {
    /// The tree at `root`, which must exist.
    pub fn new(root: impl Into<PathBuf>) -> Result<Self, ReadError> {
        let root = root.into();
        let canonical = root.canonicalize().map_err(|source| ReadError::Io {
            path: root.clone(),
            source,
        })?;
        Ok(Self { root, canonical })
    }

    /// The root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The root with every link resolved.
    pub fn canonical(&self) -> &Path {
        &self.canonical
    }

    /// Whether `path` (relative paths are taken from the current folder,
    /// as the file system does) resolves to a place inside the tree. A
    /// path that does not exist is not inside.
    pub fn contains(&self, path: &Path) -> bool {
        self.resolve(path).is_ok()
    }

    /// `path` with every link resolved, when that lies inside the tree;
    /// else why not.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let resolved = path.canonicalize().map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if resolved.starts_with(&self.canonical) {
            Ok(resolved)
        } else {
            Err(ReadError::OutsideTree {
                path: path.to_path_buf(),
                root: self.root.clone(),
            })
        }
    }

    /// [`read`]s `path` after checking that it resolves inside the tree;
    /// the resolved path is what is opened, so a link swapped in between
    /// cannot lead outside either.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let resolved = self.resolve(path)?;
        read(&resolved, limit).map_err(|error| rename(error, path))
    }
}

/// Whether `path` resolves (canonically) inside `root`; false when either
/// does not exist.
pub fn contains(root: &Path, path: &Path) -> bool {
    Tree::new(root).is_ok_and(|tree| tree.contains(path))
}

/// The same error, naming the path as the caller gave it.
fn rename(error: ReadError, path: &Path) -> ReadError {
    let path = path.to_path_buf();
    match error {
        ReadError::Io { source, .. } => ReadError::Io { path, source },
        ReadError::NotRegular { kind, .. } => ReadError::NotRegular { path, kind },
        ReadError::Virtual { fs, .. } => ReadError::Virtual { path, fs },
        ReadError::TooLarge { size, limit, .. } => ReadError::TooLarge { path, size, limit },
        ReadError::OutsideTree { root, .. } => ReadError::OutsideTree { path, root },
        ReadError::Changed { .. } => ReadError::Changed { path },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_the_tree_are_inside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), "a").unwrap();
        let tree = Tree::new(dir.path()).unwrap();
        assert!(tree.contains(&dir.path().join("sub/a.txt")));
        assert!(tree.contains(&dir.path().join("sub/../sub/a.txt")));
        assert!(tree.contains(dir.path()));
        assert!(!tree.contains(&dir.path().join("missing")));
        assert!(!tree.contains(&dir.path().join("..")));
        assert_eq!(tree.read(&dir.path().join("sub/a.txt"), 10).unwrap(), b"a");
        assert!(contains(dir.path(), &dir.path().join("sub")));
    }

    #[test]
    fn a_sibling_with_a_longer_name_is_outside() {
        let parent = tempfile::tempdir().unwrap();
        std::fs::create_dir(parent.path().join("p")).unwrap();
        std::fs::create_dir(parent.path().join("p-2")).unwrap();
        std::fs::write(parent.path().join("p-2/x"), "x").unwrap();
        assert!(!contains(
            &parent.path().join("p"),
            &parent.path().join("p-2/x")
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_tree_are_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("inner.txt"))
            .unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd")).unwrap();
        let tree = Tree::new(dir.path()).unwrap();
        for name in ["inner.txt", "passwd"] {
            let error = tree.read(&dir.path().join(name), 1 << 20).unwrap_err();
            assert!(matches!(error, ReadError::OutsideTree { .. }), "{error}");
            assert!(error.to_string().contains(name), "{error}");
        }
        // A link inside the tree to a file inside it is fine.
        std::fs::write(dir.path().join("real.txt"), "r").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.txt"), dir.path().join("alias.txt"))
            .unwrap();
        assert_eq!(tree.read(&dir.path().join("alias.txt"), 10).unwrap(), b"r");
    }

    #[cfg(unix)]
    #[test]
    fn a_tree_named_through_a_link_is_the_link_target() {
        let real = tempfile::tempdir().unwrap();
        std::fs::write(real.path().join("a.txt"), "a").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("project");
        std::os::unix::fs::symlink(real.path(), &link).unwrap();
        let tree = Tree::new(&link).unwrap();
        assert!(tree.contains(&link.join("a.txt")));
        assert!(tree.contains(&real.path().join("a.txt")));
        assert_eq!(tree.root(), link);
    }
}
