//! Rebuilding the preview after a batch of changes: decides how much of the
//! site a batch touches, renders that into memory and publishes it, or
//! records the problems and leaves the last good build being served.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::content::{self, Selection};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::Renderer;
use crate::site::{Job, STATIC_DIR, Site};

use super::memory::{MemorySink, State};
use super::watch::Batch;

/// Where the preview's two trees are served, put into the loaded config so links work locally.
#[derive(Debug, Clone)]
pub struct Urls {
    /// The public tree (`http://127.0.0.1:4400`).
    pub base: String,
    /// The members tree (`http://127.0.0.1:4400/_members`).
    pub members: String,
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Report {
    /// Files rendered or copied.
    pub files: usize,
    /// Whether the whole site was reloaded.
    pub full: bool,
    /// Wall time.
    pub elapsed: Duration,
    /// `Err` when the edit broke the site.
    pub problems: Option<Diagnostics>,
}

/// Owns the loaded site between rebuilds.
pub struct Builder {
    root: PathBuf,
    drafts: bool,
    future: bool,
    urls: Urls,
    /// The site the served trees were built from; `None` after a failed
    /// rebuild (its state is then unknown, so the next one starts afresh).
    site: Option<Site>,
    state: Arc<State>,
}

impl Builder {
    /// A builder for the site at `root` that publishes into `state`.
    pub fn new(root: PathBuf, drafts: bool, future: bool, urls: Urls, state: Arc<State>) -> Self {
        Builder { root, drafts, future, urls, site: None, state }
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Builds the whole site.
    pub fn build_all(&mut self) -> Report {
        self.rebuild(&Batch { full: true, ..Batch::default() })
    }

    /// Rebuilds what `batch` touches. A panic in the build is reported
    /// like a problem, so the preview keeps serving and rebuilding.
    pub fn rebuild(&mut self, batch: &Batch) -> Report {
        let started = Instant::now();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.rebuild_inner(batch))) {
            Ok(report) => report,
            Err(panic) => {
                let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                // The loaded site may be half-updated: start afresh next time.
                self.site = None;
                let problems = Diagnostics(vec![Diagnostic::file(
                    batch.describe(),
                    format!("lede crashed while rebuilding ({what}); please report this. Saving again retries from scratch"),
                )]);
                self.state.fail(problems.clone());
                Report { files: 0, full: true, elapsed: started.elapsed(), problems: Some(problems) }
            }
        }
    }

    fn rebuild_inner(&mut self, batch: &Batch) -> Report {
        let has_problems = self.state.read(|s| !s.problems.is_empty());
        // After a failure the loaded site may not match the files: reload it all.
        let full = batch.full || has_problems || self.site.is_none();
        if full { self.run(true, |b| b.full()) } else { self.run(false, |b| b.partial(batch)) }
    }

    fn run(&mut self, full: bool, step: impl FnOnce(&mut Self) -> Result<usize, Diagnostics>) -> Report {
        let started = Instant::now();
        let result = step(self);
        let elapsed = started.elapsed();
        match result {
            Ok(files) => Report { files, full, elapsed, problems: None },
            Err(problems) => {
                self.site = None;
                self.state.fail(problems.clone());
                Report { files: 0, full, elapsed, problems: Some(problems) }
            }
        }
    }

    /// Loads and renders everything, then swaps the new trees in whole.
    fn full(&mut self) -> Result<usize, Diagnostics> {
        let selection = Selection { drafts: self.drafts, future: self.future, now: jiff::Timestamp::now() };
        let mut site = Site::load(&self.root, selection)?;
        self.localize(&mut site);
        let sink = MemorySink::new();
        let files = site.render_all(&sink)?;
        self.state.replace(sink.into_trees());
        self.site = Some(site);
        Ok(files)
    }

    /// Re-reads the changed Markdown files, reloads templates if one changed,
    /// re-reads static files, renders only what that touches and patches the
    /// served trees (deleting pages that no longer exist).
    fn partial(&mut self, batch: &Batch) -> Result<usize, Diagnostics> {
        let Some(site) = self.site.as_mut() else {
            return self.full();
        };
        let mut jobs = BTreeSet::new();
        let mut removed = Vec::new();
        for rel in &batch.content {
            let update = site.update_content(rel)?;
            jobs.extend(update.jobs);
            removed.extend(update.removed);
        }
        // Articles and pages are jobs by position, and a later update may
        // have shifted an earlier one's: find the edited ones again by file.
        jobs.retain(|j| !matches!(j, Job::Article(_) | Job::Page(_)));
        let library = &site.library;
        jobs.extend(content::positions(library.articles.iter().map(|a| a.meta.source.as_path()), &batch.content).into_iter().map(Job::Article));
        jobs.extend(content::positions(library.pages.iter().map(|p| p.source.as_path()), &batch.content).into_iter().map(Job::Page));
        if batch.templates {
            site.set_renderer(Renderer::load(&self.root).map_err(|p| Diagnostics(p).sorted())?);
            // Any page may use the edited template (through extends or include).
            jobs = site.jobs().into_iter().collect();
        }
        let jobs: Vec<Job> = jobs.into_iter().collect();
        let sink = MemorySink::new();
        let mut files = site.render_jobs(&jobs, &sink)?;
        let mut written = sink.into_trees();
        if !batch.statics.is_empty() {
            let touched = |key: &str| batch.statics.iter().any(|s| touched_by(key, s));
            // A deleted file or folder: whatever it was in the trees goes
            // (a built-in file of the same name comes back below).
            let gone: Vec<&String> = batch.statics.iter().filter(|s| !self.root.join(STATIC_DIR).join(s.as_str()).exists()).collect();
            self.state.read(|snap| {
                for tree in &snap.trees {
                    removed.extend(tree.keys().filter(|k| gone.iter().any(|g| touched_by(k, g))).cloned());
                }
            });
            for (path, bytes) in site.static_files().map_err(Diagnostics::from)? {
                if touched(&path) {
                    let bytes: Arc<[u8]> = bytes.into();
                    for tree in &mut written {
                        tree.insert(path.clone(), bytes.clone());
                    }
                    files += 2;
                }
            }
        }
        removed.sort();
        removed.dedup();
        self.state.patch(&removed, written);
        Ok(files)
    }

    fn localize(&self, site: &mut Site) {
        site.relocate(&self.urls.base, &self.urls.members);
    }
}

/// Whether `key` is `prefix` itself or lies below it.
fn touched_by(key: &str, prefix: &str) -> bool {
    key == prefix || key.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}
