//! The first-party imports, read once per run: by the code scanner in
//! its own pass when it runs over the same folders (`pyward scan`), else
//! by the dependency scanner when it needs them.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

use pyward_lint::ImportIndex;

/// Where the dependency scanner finds the imports the code scanner read.
#[derive(Debug, Default)]
pub struct SharedImports {
    slot: Mutex<Slot>,
    filled: Condvar,
}

#[derive(Debug, Default)]
enum Slot {
    /// No scanner reads them for the others.
    #[default]
    Nobody,
    /// The code scanner will, for these folders.
    Promised(Vec<PathBuf>),
    /// Read (`None`: the reader could not).
    Done(Vec<PathBuf>, Option<Arc<ImportIndex>>),
}

impl SharedImports {
    /// The code scanner will read the imports of `roots` (called while
    /// preparing, before any scanner runs).
    pub(crate) fn promise(&self, roots: Vec<PathBuf>) {
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Slot::Promised(roots);
        }
    }

    /// Whether the imports of `roots` are promised (and not read yet).
    pub(crate) fn is_promised(&self, roots: &[PathBuf]) -> bool {
        self.slot
            .lock()
            .is_ok_and(|slot| matches!(&*slot, Slot::Promised(promised) if promised == roots))
    }

    /// The promise, held by the reader while it reads (taken first thing
    /// when it runs).
    pub(crate) fn reader(&self) -> Promise<'_> {
        Promise {
            shared: self,
            kept: false,
        }
    }

    /// The imports of `roots`, when a scanner promised them: waits until
    /// it has read them. `None` when nobody reads them for `roots`, or the
    /// reader could not: then the caller reads them itself.
    pub(crate) fn wait(&self, roots: &[PathBuf]) -> Option<Arc<ImportIndex>> {
        let mut slot = self.slot.lock().ok()?;
        loop {
            match &*slot {
                Slot::Nobody => return None,
                Slot::Promised(promised) if promised != roots => return None,
                Slot::Promised(_) => slot = self.filled.wait(slot).ok()?,
                Slot::Done(read, index) => {
                    return if read == roots { index.clone() } else { None };
                }
            }
        }
    }

    fn fill(&self, index: Option<Arc<ImportIndex>>) {
        if let Ok(mut slot) = self.slot.lock() {
            let roots = match std::mem::take(&mut *slot) {
                Slot::Promised(roots) | Slot::Done(roots, _) => roots,
                Slot::Nobody => Vec::new(),
            };
            *slot = Slot::Done(roots, index);
        }
        self.filled.notify_all();
    }
}

/// A promise to read the imports: kept with [`Promise::keep`], or, if the
/// reader stops first (an error, a panic), broken when dropped, so that a
/// waiting scanner reads them itself rather than waiting for ever.
pub(crate) struct Promise<'a> {
    shared: &'a SharedImports,
    kept: bool,
}

impl Promise<'_> {
    pub(crate) fn keep(mut self, index: ImportIndex) {
        self.shared.fill(Some(Arc::new(index)));
        self.kept = true;
    }
}

impl Drop for Promise<'_> {
    fn drop(&mut self) {
        if !self.kept {
            self.shared.fill(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiter_gets_what_the_reader_read_or_reads_itself() {
        let roots = vec![PathBuf::from(".")];
        let shared = SharedImports::default();
        assert!(shared.wait(&roots).is_none(), "nobody promised");
        shared.promise(roots.clone());
        assert!(shared.is_promised(&roots));
        let promise = shared.reader();
        assert!(shared.wait(&[PathBuf::from("other")]).is_none());
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| shared.wait(&roots));
            std::thread::sleep(std::time::Duration::from_millis(20));
            let index = ImportIndex {
                files: 3,
                ..ImportIndex::default()
            };
            promise.keep(index);
            assert_eq!(waiter.join().unwrap().unwrap().files, 3);
        });
        let broken = SharedImports::default();
        std::thread::scope(|scope| {
            broken.promise(roots.clone());
            let promise = broken.reader();
            let waiter = scope.spawn(|| broken.wait(&roots));
            drop(promise);
            assert!(waiter.join().unwrap().is_none());
        });
    }
}
