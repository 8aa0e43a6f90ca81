//! Git history: every blob reachable from `HEAD` (under the scanned
//! folder, when that is a subfolder of the repository), scanned once,
//! each secret reported at the commit that first brought it into its
//! file.
//!
//! Reads the object database with gix; never runs `git`, hooks or
//! filters, and never touches the network. The repository must be the
//! tree's own: a `.git` that is a link or a `gitdir:` file leading out of
//! the repository's folder, or object alternates elsewhere, are refused.
//! Every object's size is read from its header before the object is: a
//! blob over `max-file-size` is skipped with a warning, a commit or tree
//! over [`MAX_METADATA_OBJECT`] stops the scan.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use pyward_model::{Finding, ScanError};
use rayon::prelude::*;

use crate::walk::{FileResult, scan_bytes};
use crate::{SecretsError, SecretsOutcome, Settings};

/// Bytes of blobs read before a batch is scanned.
const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// Commits and trees larger than this are not read: the largest real ones
/// (a tree of a few hundred thousand entries) are a few MB.
pub const MAX_METADATA_OBJECT: u64 = 64 * 1024 * 1024;

/// A `.git` file or alternates file is a line or two.
const POINTER_FILE_LIMIT: u64 = 64 * 1024;

/// A blob and where it first appeared.
struct BlobSite {
    blob: ObjectId,
    /// Its path in the commit that introduced it, relative to the scanned
    /// folder, `/` separators.
    path: String,
    /// Index of that commit in oldest-first order.
    commit_index: usize,
}

/// The repository a scanned folder belongs to, checked to be its own.
struct Opened {
    repository: gix::Repository,
    /// The scanned folder relative to the repository's root, `/`
    /// separators; empty at the root.
    prefix: Vec<String>,
}

/// Scans every blob reachable from `HEAD` of the repository that contains
/// `repo` (which may be any folder inside it; only blobs under that folder
/// are scanned then). Each distinct blob is read once; a secret is
/// reported once per file path, at the oldest commit (by commit time)
/// whose version of the file holds it, with that commit's id in the
/// finding's detail. Paths are relative to `repo`.
pub fn scan_history(repo: &Path, settings: &Settings) -> Result<SecretsOutcome, SecretsError> {
    let error = |message: String| SecretsError::History {
        path: repo.to_path_buf(),
        message,
    };
    let Opened {
        mut repository,
        prefix,
    } = open(repo)?;
    repository.object_cache_size_if_unset(16 * 1024 * 1024);
    let mut outcome = SecretsOutcome::default();

    let walked = commits(&repository).map_err(error)?;
    let commits = parents_first(&walked);

    let mut sites: Vec<BlobSite> = Vec::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    for (commit_index, &commit_id) in commits.iter().enumerate() {
        let tree = repository
            .find_commit(commit_id)
            .and_then(|c| c.tree_id())
            .map_err(|e| error(format!("commit {commit_id}: {e}")))?;
        let Some(tree) = subtree(&repository, tree.detach(), &prefix).map_err(&error)? else {
            continue;
        };
        // A tree seen before holds only blobs seen before.
        let mut stack = vec![(tree, String::new())];
        while let Some((tree_id, path_prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let Some(decoded) = read_tree(&repository, tree_id).map_err(&error)? else {
                outcome.warnings.push(format!(
                    "skipped the folder `{path_prefix}` at {}: its tree object is over the {MAX_METADATA_OBJECT} byte limit",
                    short(&commit_id)
                ));
                continue;
            };
            for entry in &decoded.entries {
                let name = String::from_utf8_lossy(entry.filename.as_ref());
                let path = if path_prefix.is_empty() {
                    name.into_owned()
                } else {
                    format!("{path_prefix}/{name}")
                };
                if entry.mode.is_tree() {
                    stack.push((entry.oid.to_owned(), path));
                } else if entry.mode.is_blob() && seen_blobs.insert(entry.oid.to_owned()) {
                    // Symbolic links (their target path) and submodules
                    // (a commit id) hold no file content.
                    if !settings.exclude.is_match(&path) {
                        sites.push(BlobSite {
                            blob: entry.oid.to_owned(),
                            path,
                            commit_index,
                        });
                    }
                }
            }
        }
    }

    // gix's repository handle is not `Sync` without its `parallel`
    // feature (not worth its build cost here), so blobs are read on this
    // thread in batches and each batch is scanned in parallel.
    let max_size = settings.max_file_size;
    let mut results: Vec<(usize, FileResult)> = Vec::with_capacity(sites.len());
    let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut batch_bytes = 0usize;
    let progress = settings.progress.as_ref();
    if let Some(progress) = progress {
        progress.found(sites.len());
    }
    let done = || {
        if let Some(progress) = progress {
            progress.done();
        }
    };
    for (index, site) in sites.iter().enumerate() {
        let failed = |e: &dyn std::fmt::Display| {
            done();
            FileResult::Failed(ScanError {
                path: site.path.clone(),
                line: None,
                message: format!("cannot read blob {}: {e}", site.blob),
            })
        };
        // The size from the object's header, before any of it is read: a
        // 1.5 GB blob must never be loaded to learn that it is too big.
        match repository.find_header(site.blob) {
            Ok(header) if header.size() > max_size => results.push((index, {
                done();
                FileResult::Skipped(Some(format!(
                    "skipped `{}` at {}: {} bytes is over the {max_size} byte limit (`max-file-size`)",
                    site.path,
                    short(&commits[site.commit_index]),
                    header.size()
                )))
            })),
            Ok(_) => match repository.find_blob(site.blob) {
                Ok(mut blob) => {
                    batch_bytes += blob.data.len();
                    batch.push((index, blob.take_data()));
                }
                Err(e) => results.push((index, failed(&e))),
            },
            Err(e) => results.push((index, failed(&e))),
        }
        if batch_bytes >= BATCH_BYTES || index + 1 == sites.len() {
            results.par_extend(batch.par_drain(..).map(|(index, data)| {
                let result = scan_bytes(&sites[index].path, &data, settings);
                done();
                (index, result)
            }));
            batch_bytes = 0;
        }
    }

    // (path, fingerprint) → already reported at an older commit.
    let mut reported: HashMap<(String, String), usize> = HashMap::new();
    let mut ordered = results;
    debug_assert!(batch.is_empty());
    ordered.sort_by_key(|(index, _)| (sites[*index].commit_index, *index));
    for (index, result) in ordered {
        let site = &sites[index];
        match result {
            FileResult::Scanned(scan) => {
                outcome.files_scanned += 1;
                outcome.scanned.push(site.path.clone());
                outcome.hashes.extend(scan.hashes);
                outcome.warnings.extend(scan.warnings);
                let commit = commits[site.commit_index].to_string();
                for (mut finding, baselined) in scan
                    .findings
                    .into_iter()
                    .map(|f| (f, false))
                    .chain(scan.baselined.into_iter().map(|f| (f, true)))
                {
                    let key = (site.path.clone(), finding.fingerprint.clone());
                    if reported.contains_key(&key) {
                        continue;
                    }
                    reported.insert(key, site.commit_index);
                    tag_commit(&mut finding, &commit);
                    if baselined {
                        outcome.baselined.push(finding);
                    } else {
                        outcome.findings.push(finding);
                    }
                }
            }
            FileResult::Skipped(Some(warning)) => outcome.warnings.push(warning),
            FileResult::Skipped(None) => {}
            FileResult::Failed(error) => outcome.errors.push(error),
        }
    }
    outcome.sort();
    outcome.warnings.dedup();
    Ok(outcome)
}

/// Opens the repository `tree` is in, refusing one whose git folder or
/// objects lie outside the folder that holds its `.git`.
fn open(tree: &Path) -> Result<Opened, SecretsError> {
    let error = |message: String| SecretsError::History {
        path: tree.to_path_buf(),
        message,
    };
    let canonical = tree
        .canonicalize()
        .map_err(|e| error(format!("cannot read: {e}")))?;
    let work = canonical
        .ancestors()
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf);
    let (work, git_dir) = match work {
        Some(work) => {
            let git_dir = git_dir_of(&work, tree)?;
            (work, git_dir)
        }
        // A bare repository (or a git folder) named directly.
        None if canonical.join("HEAD").is_file() && canonical.join("objects").is_dir() => {
            (canonical.clone(), canonical.clone())
        }
        None => return Err(error("not in a git repository".to_string())),
    };
    check_alternates(&work, &git_dir, tree)?;
    let repository = gix::open_opts(&git_dir, gix::open::Options::isolated())
        .map_err(|e| error(e.to_string()))?;
    let prefix = canonical
        .strip_prefix(&work)
        .unwrap_or(Path::new(""))
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(Opened { repository, prefix })
}

/// The git folder of the work tree `work`: its `.git` folder, or where a
/// `.git` link or `gitdir:` file points, which must be inside `work`.
fn git_dir_of(work: &Path, tree: &Path) -> Result<PathBuf, SecretsError> {
    let dot_git = work.join(".git");
    let outside = |target: &Path| SecretsError::GitDirOutside {
        path: dot_git.clone(),
        target: target.to_path_buf(),
    };
    let meta = dot_git
        .symlink_metadata()
        .map_err(|e| SecretsError::History {
            path: tree.to_path_buf(),
            message: format!("cannot read `{}`: {e}", dot_git.display()),
        })?;
    let target = if meta.file_type().is_symlink() {
        dot_git.canonicalize().map_err(|_| outside(&dot_git))?
    } else if meta.is_file() {
        let text =
            pyward_fs::read(&dot_git, POINTER_FILE_LIMIT).map_err(|e| SecretsError::History {
                path: tree.to_path_buf(),
                message: e.to_string(),
            })?;
        let text = String::from_utf8_lossy(&text);
        let Some(pointer) = text.lines().next().and_then(|l| l.strip_prefix("gitdir:")) else {
            return Err(SecretsError::History {
                path: tree.to_path_buf(),
                message: format!(
                    "`{}` is neither a folder nor a `gitdir:` file",
                    dot_git.display()
                ),
            });
        };
        let pointer = work.join(pointer.trim());
        pointer.canonicalize().map_err(|_| outside(&pointer))?
    } else {
        dot_git.clone()
    };
    if !target.starts_with(work) {
        return Err(outside(&target));
    }
    // A linked worktree's common folder holds its objects.
    let commondir = target.join("commondir");
    if commondir.symlink_metadata().is_ok() {
        let text =
            pyward_fs::read(&commondir, POINTER_FILE_LIMIT).map_err(|e| SecretsError::History {
                path: tree.to_path_buf(),
                message: e.to_string(),
            })?;
        let common = target.join(String::from_utf8_lossy(&text).trim());
        let resolved = common.canonicalize().map_err(|_| outside(&common))?;
        if !resolved.starts_with(work) {
            return Err(outside(&resolved));
        }
    }
    Ok(target)
}

/// Object alternates (`objects/info/alternates`) let a repository borrow
/// another's objects: only alternates inside `work` are accepted.
fn check_alternates(work: &Path, git_dir: &Path, tree: &Path) -> Result<(), SecretsError> {
    let objects = git_dir.join("objects");
    let file = objects.join("info/alternates");
    if file.symlink_metadata().is_err() {
        return Ok(());
    }
    let text = pyward_fs::read(&file, POINTER_FILE_LIMIT).map_err(|e| SecretsError::History {
        path: tree.to_path_buf(),
        message: e.to_string(),
    })?;
    for line in String::from_utf8_lossy(&text).lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let alternate = objects.join(line);
        let inside = alternate
            .canonicalize()
            .is_ok_and(|resolved| resolved.starts_with(work));
        if !inside {
            return Err(SecretsError::GitDirOutside {
                path: file.clone(),
                target: alternate,
            });
        }
    }
    Ok(())
}

/// Every commit reachable from `HEAD` with its parents, oldest first by
/// commit time (ties by id). Each commit's size is checked from its header
/// before it is read; commits missing from a shallow clone end the walk
/// there.
fn commits(repository: &gix::Repository) -> Result<Vec<(ObjectId, Vec<ObjectId>)>, String> {
    let head = repository
        .head_id()
        .map_err(|e| format!("no commit at HEAD: {e}"))?
        .detach();
    let mut seen: HashSet<ObjectId> = HashSet::from([head]);
    let mut pending = vec![head];
    let mut found: Vec<(i64, ObjectId, Vec<ObjectId>)> = Vec::new();
    while let Some(id) = pending.pop() {
        let header = match repository.try_find_header(id) {
            Ok(Some(header)) => header,
            // Beyond a shallow clone's boundary.
            Ok(None) if id != head => continue,
            Ok(None) => return Err(format!("commit {id} at HEAD is missing")),
            Err(e) => return Err(format!("commit {id}: {e}")),
        };
        if header.size() > MAX_METADATA_OBJECT {
            return Err(format!(
                "commit {id} is {} bytes, over the {MAX_METADATA_OBJECT} byte limit",
                header.size()
            ));
        }
        let commit = repository
            .find_commit(id)
            .map_err(|e| format!("commit {id}: {e}"))?;
        let parents: Vec<ObjectId> = commit.parent_ids().map(gix::Id::detach).collect();
        let time = commit.time().map_or(0, |t| t.seconds);
        for parent in &parents {
            if seen.insert(*parent) {
                pending.push(*parent);
            }
        }
        found.push((time, id, parents));
    }
    found.sort_by_key(|(time, id, _)| (*time, *id));
    Ok(found
        .into_iter()
        .map(|(_, id, parents)| (id, parents))
        .collect())
}

/// The tree at `prefix` (folder names) under `root`; `None` when the
/// commit has no such folder.
fn subtree(
    repository: &gix::Repository,
    root: ObjectId,
    prefix: &[String],
) -> Result<Option<ObjectId>, String> {
    let mut current = root;
    for name in prefix {
        let Some(tree) = read_tree(repository, current)? else {
            return Ok(None);
        };
        let next = tree
            .entries
            .iter()
            .find(|entry| {
                entry.mode.is_tree() && AsRef::<[u8]>::as_ref(&entry.filename) == name.as_bytes()
            })
            .map(|entry| entry.oid.to_owned());
        match next {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

/// A tree's entries, when its header says it is within
/// [`MAX_METADATA_OBJECT`].
fn read_tree(
    repository: &gix::Repository,
    id: ObjectId,
) -> Result<Option<gix::objs::Tree>, String> {
    let header = repository
        .find_header(id)
        .map_err(|e| format!("tree {id}: {e}"))?;
    if header.size() > MAX_METADATA_OBJECT {
        return Ok(None);
    }
    let tree = repository
        .find_tree(id)
        .map_err(|e| format!("tree {id}: {e}"))?;
    tree.decode()
        .map(Into::into)
        .map(Some)
        .map_err(|e| format!("tree {id}: {e}"))
}

/// Orders commits so that every parent comes before its children; among
/// commits that are free to go next, the one earlier in `walked` (older by
/// commit time) goes first.
fn parents_first(walked: &[(ObjectId, Vec<ObjectId>)]) -> Vec<ObjectId> {
    let position: HashMap<ObjectId, usize> = walked
        .iter()
        .enumerate()
        .map(|(index, (id, _))| (*id, index))
        .collect();
    let mut waiting_on = vec![0usize; walked.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); walked.len()];
    for (index, (_, parents)) in walked.iter().enumerate() {
        for parent in parents {
            if let Some(&parent_index) = position.get(parent) {
                waiting_on[index] += 1;
                children[parent_index].push(index);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = waiting_on
        .iter()
        .enumerate()
        .filter(|(_, waiting)| **waiting == 0)
        .map(|(index, _)| Reverse(index))
        .collect();
    let mut order = Vec::with_capacity(walked.len());
    while let Some(Reverse(index)) = ready.pop() {
        order.push(walked[index].0);
        for &child in &children[index] {
            waiting_on[child] -= 1;
            if waiting_on[child] == 0 {
                ready.push(Reverse(child));
            }
        }
    }
    order
}

fn tag_commit(finding: &mut Finding, commit: &str) {
    if let Some(pyward_model::Detail::Secret(secret)) = &mut finding.detail {
        secret.commit = Some(commit.to_string());
    }
    if let Some(message) = &mut finding.message {
        message.push_str(&format!(
            ", added in commit {}",
            &commit[..commit.len().min(12)]
        ));
    }
}

fn short(id: &ObjectId) -> String {
    let text = id.to_string();
    text[..text.len().min(12)].to_string()
}
