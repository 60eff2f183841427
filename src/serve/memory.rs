//! The preview's built site, held in memory (never written over `dist/`):
//! the two trees, the problems of the last rebuild, and a generation number
//! that changes whenever either does. Rebuilds replace or patch it under one
//! write lock, so a request sees either the old site or the new one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::broadcast;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Trees;

/// What open tabs are told.
#[derive(Debug, Clone)]
pub enum Notice {
    /// The site changed (or its problems were fixed): reload.
    Reload(u64),
    /// The last rebuild failed: show these problems over the page.
    Problems(u64, Arc<[Diagnostic]>),
}

/// What a request reads: the served trees and the problems to show.
#[derive(Default)]
pub struct Snapshot {
    /// The last good build.
    pub trees: Trees,
    /// Problems of the latest rebuild; empty when it succeeded.
    pub problems: Arc<[Diagnostic]>,
    /// Bumped on every change of `trees` or `problems`.
    pub generation: u64,
    /// Whether any build has succeeded yet.
    pub built: bool,
}

/// The shared state between the rebuilder and the HTTP handlers.
pub struct State {
    snapshot: RwLock<Snapshot>,
    notices: broadcast::Sender<Notice>,
    /// How many times a search page was asked for: a large site's index is
    /// built again after edits only when somebody searches.
    searches: AtomicU64,
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

impl State {
    /// An empty site with no problems yet.
    pub fn new() -> Self {
        // Tabs only ever need the latest notice; a lagging one reloads anyway.
        let (notices, _) = broadcast::channel(16);
        State { snapshot: RwLock::new(Snapshot::default()), notices, searches: AtomicU64::new(0) }
    }

    /// Runs `f` with the current snapshot (the lock is held only meanwhile).
    pub fn read<R>(&self, f: impl FnOnce(&Snapshot) -> R) -> R {
        f(&self.snapshot.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A receiver of notices from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// Replaces both trees with a complete new build.
    pub fn replace(&self, trees: Trees) {
        self.publish(|s| s.trees = trees);
    }

    /// Removes `removed` from both trees, then adds what `written` holds.
    pub fn patch(&self, removed: &[String], written: Trees) {
        self.publish(|s| {
            for tree in &mut s.trees {
                for path in removed {
                    tree.remove(path);
                }
            }
            for (tree, new) in s.trees.iter_mut().zip(written) {
                tree.extend(new);
            }
        });
    }

    /// Notes that a search page was asked for.
    pub fn searched(&self) {
        self.searches.fetch_add(1, Ordering::Relaxed);
    }

    /// How many times a search page has been asked for.
    pub fn searches(&self) -> u64 {
        self.searches.load(Ordering::Relaxed)
    }

    /// Replaces every file under `dir` with those of `written`, telling no
    /// tab: what changes is only what the next request for it gets (the
    /// search index, made after the pages it indexes were served).
    pub fn replace_under_quietly(&self, dir: &str, written: Trees) {
        let mut s = self.snapshot.write().unwrap_or_else(PoisonError::into_inner);
        for (tree, new) in s.trees.iter_mut().zip(written) {
            tree.retain(|path, _| !path.starts_with(dir));
            tree.extend(new);
        }
    }

    /// Records a failed rebuild; the trees stay as they were.
    pub fn fail(&self, problems: Diagnostics) {
        let problems: Arc<[Diagnostic]> = problems.0.into();
        let generation = {
            let mut s = self.snapshot.write().unwrap_or_else(PoisonError::into_inner);
            s.generation += 1;
            s.problems = problems.clone();
            s.generation
        };
        // No open tab is not an error.
        let _ = self.notices.send(Notice::Problems(generation, problems));
    }

    fn publish(&self, change: impl FnOnce(&mut Snapshot)) {
        let generation = {
            let mut s = self.snapshot.write().unwrap_or_else(PoisonError::into_inner);
            change(&mut s);
            s.generation += 1;
            s.problems = Arc::from([]);
            s.built = true;
            s.generation
        };
        let _ = self.notices.send(Notice::Reload(generation));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{MemorySink, Sink};
    use crate::target::Target;

    fn trees(files: &[(Target, &str, &str)]) -> Trees {
        let sink = MemorySink::new();
        for (t, p, b) in files {
            sink.write(*t, p, b.as_bytes()).unwrap();
        }
        sink.into_trees()
    }

    #[test]
    fn patch_removes_then_adds_and_clears_problems() {
        let state = State::new();
        let mut rx = state.subscribe();
        state.replace(trees(&[(Target::Public, "a/index.html", "a"), (Target::Members, "a/index.html", "A")]));
        state.fail(Diagnostics(vec![Diagnostic::file("content/b.md", "bad")]));
        state.read(|s| assert_eq!(s.problems.len(), 1));
        state.patch(&["a/index.html".into()], trees(&[(Target::Public, "b/index.html", "b")]));
        state.read(|s| {
            assert!(s.problems.is_empty());
            assert!(!s.trees[Target::Public].contains_key("a/index.html"));
            assert!(!s.trees[Target::Members].contains_key("a/index.html"));
            assert_eq!(&*s.trees[Target::Public]["b/index.html"], b"b");
            assert_eq!(s.generation, 3);
        });
        assert!(matches!(rx.try_recv(), Ok(Notice::Reload(1))));
        assert!(matches!(rx.try_recv(), Ok(Notice::Problems(2, _))));
        assert!(matches!(rx.try_recv(), Ok(Notice::Reload(3))));
    }
}
