//! Git history: every blob reachable from `HEAD`, scanned once, each
//! secret reported at the commit that first brought it into its file.
//!
//! Reads the object database with gix; never runs `git`, hooks or
//! filters, and never touches the network.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;

use gix::ObjectId;
use gix::revision::walk::Sorting;
use gix::traverse::commit::simple::CommitTimeOrder;
use pyward_model::{Finding, ScanError};
use rayon::prelude::*;

use crate::walk::{FileResult, scan_bytes};
use crate::{SecretsError, SecretsOutcome, Settings};

/// Bytes of blobs read before a batch is scanned.
const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// A blob and where it first appeared.
struct BlobSite {
    blob: ObjectId,
    /// Its path in the commit that introduced it, `/` separators.
    path: String,
    /// Index of that commit in oldest-first order.
    commit_index: usize,
}

/// Scans every blob reachable from `HEAD` of the repository that contains
/// `repo` (which may be any folder inside it). Each distinct blob is read
/// once; a secret is reported once per file path, at the oldest commit
/// (by commit time) whose version of the file holds it, with that
/// commit's id in `extra["commit"]`. Paths are relative to the
/// repository's root.
pub fn scan_history(repo: &Path, settings: &Settings) -> Result<SecretsOutcome, SecretsError> {
    let error = |message: String| SecretsError::History {
        path: repo.to_path_buf(),
        message,
    };
    let mut repository = gix::discover(repo).map_err(|e| error(e.to_string()))?;
    repository.object_cache_size_if_unset(16 * 1024 * 1024);
    let head = repository
        .head_commit()
        .map_err(|e| error(format!("no commit at HEAD: {e}")))?;

    // Parents before children (ties broken by commit time, oldest
    // first), so the first commit to show a blob is one that introduced
    // it, even when commit times are equal or out of order.
    let walked: Vec<(ObjectId, Vec<ObjectId>)> = repository
        .rev_walk([head.id])
        .sorting(Sorting::ByCommitTime(CommitTimeOrder::OldestFirst))
        .all()
        .map_err(|e| error(e.to_string()))?
        .map(|info| info.map(|info| (info.id, info.parent_ids.iter().copied().collect())))
        .collect::<Result<_, _>>()
        .map_err(|e| error(e.to_string()))?;
    let commits = parents_first(&walked);

    let mut sites: Vec<BlobSite> = Vec::new();
    let mut seen_blobs: HashSet<ObjectId> = HashSet::new();
    let mut seen_trees: HashSet<ObjectId> = HashSet::new();
    for (commit_index, &commit_id) in commits.iter().enumerate() {
        let tree = repository
            .find_commit(commit_id)
            .and_then(|c| c.tree_id())
            .map_err(|e| error(format!("commit {commit_id}: {e}")))?;
        // A tree seen before holds only blobs seen before.
        let mut stack = vec![(tree.detach(), String::new())];
        while let Some((tree_id, prefix)) = stack.pop() {
            if !seen_trees.insert(tree_id) {
                continue;
            }
            let tree = repository
                .find_tree(tree_id)
                .map_err(|e| error(format!("tree {tree_id}: {e}")))?;
            let decoded = tree
                .decode()
                .map_err(|e| error(format!("tree {tree_id}: {e}")))?;
            for entry in &decoded.entries {
                let name = String::from_utf8_lossy(entry.filename.as_ref());
                let path = if prefix.is_empty() {
                    name.into_owned()
                } else {
                    format!("{prefix}/{name}")
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
    for (index, site) in sites.iter().enumerate() {
        match repository.find_blob(site.blob) {
            Ok(blob) if blob.data.len() as u64 > max_size => results.push((
                index,
                FileResult::Skipped(Some(format!(
                    "skipped `{}` at {}: {} bytes is over the {max_size} byte limit",
                    site.path,
                    short(&commits[site.commit_index]),
                    blob.data.len()
                ))),
            )),
            Ok(mut blob) => {
                batch_bytes += blob.data.len();
                batch.push((index, blob.take_data()));
            }
            Err(e) => results.push((
                index,
                FileResult::Failed(ScanError {
                    path: site.path.clone(),
                    line: None,
                    message: format!("cannot read blob {}: {e}", site.blob),
                }),
            )),
        }
        if batch_bytes >= BATCH_BYTES || index + 1 == sites.len() {
            results.par_extend(
                batch
                    .par_drain(..)
                    .map(|(index, data)| (index, scan_bytes(&sites[index].path, &data, settings))),
            );
            batch_bytes = 0;
        }
    }

    let mut outcome = SecretsOutcome::default();
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
