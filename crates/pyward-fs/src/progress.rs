//! How far the scanners have got through their trees, for a progress
//! display drawn on another thread.
//!
//! A scanner adds the files its walk found to its [`FileCount`], then one
//! as each is done: an atomic add per file, nothing else, so counting
//! costs nothing measurable. Whoever draws reads [`Progress::counts`] at
//! its own pace. A scan that nobody watches gets no count at all (the
//! scanners take an `Option<FileCount>`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The counts of one run's scanners, in the order they started.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    tasks: Arc<Mutex<Vec<(&'static str, FileCount)>>>,
}

/// Files done of the files found, by one scanner; clones share the count.
#[derive(Debug, Clone, Default)]
pub struct FileCount(Arc<Counts>);

#[derive(Debug, Default)]
struct Counts {
    found: AtomicUsize,
    done: AtomicUsize,
}

/// One scanner's count as read by a display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCount {
    /// What the display calls the scanner: `code`, `secrets`.
    pub name: &'static str,
    /// Files done.
    pub done: usize,
    /// Files found so far (0 while the walk runs).
    pub found: usize,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// A new count, shown as `name` after those started before it.
    pub fn task(&self, name: &'static str) -> FileCount {
        let count = FileCount::default();
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, count.clone()));
        count
    }

    /// Every count as it stands.
    pub fn counts(&self) -> Vec<TaskCount> {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(name, count)| TaskCount {
                name,
                done: count.0.done.load(Ordering::Relaxed),
                found: count.0.found.load(Ordering::Relaxed),
            })
            .collect()
    }
}

impl FileCount {
    /// `files` more to do.
    pub fn found(&self, files: usize) {
        self.0.found.fetch_add(files, Ordering::Relaxed);
    }

    /// One more file done.
    pub fn done(&self) {
        self.0.done.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_shared_and_in_start_order() {
        let progress = Progress::new();
        let code = progress.task("code");
        let secrets = progress.task("secrets");
        secrets.found(3);
        let clone = secrets.clone();
        std::thread::scope(|scope| {
            scope.spawn(|| clone.done());
            scope.spawn(|| secrets.done());
        });
        code.found(1);
        assert_eq!(
            progress.counts(),
            [
                TaskCount {
                    name: "code",
                    done: 0,
                    found: 1
                },
                TaskCount {
                    name: "secrets",
                    done: 2,
                    found: 3
                },
            ]
        );
    }
}
