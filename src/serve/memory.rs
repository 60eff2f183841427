//! The preview's built site, held in memory (never written over `dist/`):
//! the loaded site, the files of the two trees rendered up front, the
//! pages rendered when asked for, the problems of the last rebuild, and a
//! generation number that changes whenever any of them does. Rebuilds
//! replace or patch it under one write lock, so a request sees either the
//! old site or the new one.
//!
//! Articles' and listings' pages are rendered on request from the loaded
//! site: at 100,000 articles, rendering and keeping every page of both
//! trees took the preview 19 to 27 s before it served anything, and 8.9 GiB.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::broadcast;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Trees;
use crate::site::{Job, Site};
use crate::target::Target;

/// The pages rendered on request, by output path (the same in both trees), to the job that renders them.
pub type OnRequest = HashMap<String, Job>;

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
    /// The files of the last good build rendered up front.
    pub trees: Trees,
    /// The pages of the last good build rendered when asked for.
    pub on_request: OnRequest,
    /// Problems of the latest rebuild; empty when it succeeded.
    pub problems: Arc<[Diagnostic]>,
    /// Bumped on every change of `trees` or `problems`.
    pub generation: u64,
    /// Whether any build has succeeded yet.
    pub built: bool,
}

/// The shared state between the rebuilder and the HTTP handlers.
pub struct State {
    /// The site the pages are rendered from. Whoever takes both locks
    /// takes this one first: a request never holds the snapshot's lock
    /// while it renders.
    site: RwLock<Option<Site>>,
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
        State { site: RwLock::new(None), snapshot: RwLock::new(Snapshot::default()), notices, searches: AtomicU64::new(0) }
    }

    /// The loaded site, to read.
    pub fn site(&self) -> RwLockReadGuard<'_, Option<Site>> {
        self.site.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The loaded site, to change or replace; requests for pages wait meanwhile.
    pub fn site_mut(&self) -> RwLockWriteGuard<'_, Option<Site>> {
        self.site.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Renders one page of a job picked by [`Job::on_request`] from the
    /// loaded site: its bytes, `None` when the job no longer has a page, or
    /// the problems. A panic in rendering is a problem too.
    pub fn render(&self, job: &Job, target: Target) -> Result<Option<Vec<u8>>, Diagnostics> {
        let site = self.site();
        let Some(site) = site.as_ref() else { return Ok(None) };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| site.render_job(job, target))) {
            Ok(rendered) => rendered.map(|page| page.map(|(_, bytes)| bytes)),
            Err(panic) => Err(Diagnostics(vec![Diagnostic::file(
                format!("{job:?}"),
                format!("lede crashed while rendering this page ({}); please report this", panic_text(&*panic)),
            )])),
        }
    }

    /// Runs `f` with the current snapshot (the lock is held only meanwhile).
    pub fn read<R>(&self, f: impl FnOnce(&Snapshot) -> R) -> R {
        f(&self.snapshot.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A receiver of notices from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// Replaces both trees and the pages rendered on request with those of a complete new build.
    pub fn replace(&self, trees: Trees, on_request: OnRequest) {
        self.publish(|s| {
            s.trees = trees;
            s.on_request = on_request;
        });
    }

    /// Removes `removed` from both trees and from the pages rendered on
    /// request, then adds what `written` and `on_request` hold.
    pub fn patch(&self, removed: &[String], written: Trees, on_request: OnRequest) {
        self.publish(|s| {
            for path in removed {
                for tree in &mut s.trees {
                    tree.remove(path);
                }
                s.on_request.remove(path);
            }
            for (tree, new) in s.trees.iter_mut().zip(written) {
                tree.extend(new);
            }
            s.on_request.extend(on_request);
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

/// What a caught panic said, when it said it as text.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{MemorySink, Sink};

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
        let article = |name: &str| Job::Article(format!("content/articles/{name}.md").into());
        let pages = |names: &[&str]| names.iter().map(|n| (format!("articles/{n}/index.html"), article(n))).collect::<OnRequest>();
        state.replace(trees(&[(Target::Public, "a/index.html", "a"), (Target::Members, "a/index.html", "A")]), pages(&["x", "y"]));
        state.fail(Diagnostics(vec![Diagnostic::file("content/b.md", "bad")]));
        state.read(|s| assert_eq!(s.problems.len(), 1));
        state.patch(&["a/index.html".into(), "articles/x/index.html".into()], trees(&[(Target::Public, "b/index.html", "b")]), pages(&["z"]));
        state.read(|s| {
            assert!(s.problems.is_empty());
            assert!(!s.trees[Target::Public].contains_key("a/index.html"));
            assert!(!s.trees[Target::Members].contains_key("a/index.html"));
            assert_eq!(&*s.trees[Target::Public]["b/index.html"], b"b");
            let mut on_request: Vec<&str> = s.on_request.keys().map(String::as_str).collect();
            on_request.sort_unstable();
            assert_eq!(on_request, ["articles/y/index.html", "articles/z/index.html"]);
            assert_eq!(s.generation, 3);
        });
        assert!(matches!(rx.try_recv(), Ok(Notice::Reload(1))));
        assert!(matches!(rx.try_recv(), Ok(Notice::Problems(2, _))));
        assert!(matches!(rx.try_recv(), Ok(Notice::Reload(3))));
    }
}
