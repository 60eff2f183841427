//! Rebuilding the preview after a batch of changes: decides how much of the
//! site a batch touches, renders that into memory and publishes it, or
//! records the problems and leaves the last good build being served.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::content::Selection;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{MemorySink, Sink};
use crate::search::Record;
use crate::site::{Edit, Job, Site, touched_by};

use rayon::prelude::*;

use super::memory::State;
use super::search::Indexer;
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
    /// Each article's search record, by its Markdown file, kept in step with the site.
    records: BTreeMap<PathBuf, Arc<Record>>,
    /// Builds the search indexes off this thread (`None` if it could not start).
    indexer: Option<Indexer>,
}

impl Builder {
    /// A builder for the site at `root` that publishes into `state`.
    pub fn new(root: PathBuf, drafts: bool, future: bool, urls: Urls, state: Arc<State>) -> Self {
        let indexer = Indexer::start(state.clone()).map_err(|e| eprintln!("the preview will have no search: {e}")).ok();
        Builder { root, drafts, future, urls, site: None, state, records: BTreeMap::new(), indexer }
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
        self.records = site.library().articles.par_iter().map(|a| (a.meta.source.clone(), Arc::new(Record::of(a)))).collect();
        self.site = Some(site);
        self.index();
        Ok(files)
    }

    /// Brings the loaded site up to date with the batch (the site decides
    /// what it touches), renders that and patches the served trees.
    fn partial(&mut self, batch: &Batch) -> Result<usize, Diagnostics> {
        let Some(site) = self.site.as_mut() else {
            return self.full();
        };
        let update = site.update(Edit { content: &batch.content, templates: batch.templates, statics: &batch.statics })?;
        let sink = MemorySink::new();
        let mut files = site.render_jobs(&update.jobs, &sink)?;
        for (path, bytes) in &update.statics {
            sink.write_both(path, bytes)?;
            files += 2;
        }
        let mut removed = update.removed;
        if !update.removed_under.is_empty() {
            self.state.read(|snap| {
                for tree in &snap.trees {
                    removed.extend(tree.keys().filter(|k| update.removed_under.iter().any(|g| touched_by(k, g))).cloned());
                }
            });
        }
        removed.sort();
        removed.dedup();
        self.state.patch(&removed, sink.into_trees());
        let rendered: BTreeSet<&Path> = update.jobs.iter().filter_map(|j| if let Job::Article(source) = j { Some(source.as_path()) } else { None }).collect();
        let articles = &site.library().articles;
        // Rendered again, or new: the record is made again; gone: dropped.
        let fresh: Vec<(PathBuf, Arc<Record>)> = articles
            .par_iter()
            .filter(|a| rendered.contains(a.meta.source.as_path()) || !self.records.contains_key(&a.meta.source))
            .map(|a| (a.meta.source.clone(), Arc::new(Record::of(a))))
            .collect();
        if articles.len() != self.records.len() || !fresh.is_empty() {
            let present: BTreeSet<&Path> = articles.iter().map(|a| a.meta.source.as_path()).collect();
            self.records.retain(|source, _| present.contains(source.as_path()));
            self.records.extend(fresh);
            self.index();
        }
        Ok(files)
    }

    /// Has the search indexes built again from the records, when the site has search.
    fn index(&self) {
        if let (Some(indexer), Some(site)) = (&self.indexer, &self.site)
            && site.config().search
        {
            indexer.send(self.records.values().cloned().collect(), site.config().clone(), self.root.clone());
        }
    }

    fn localize(&self, site: &mut Site) {
        site.relocate(&self.urls.base, &self.urls.members);
    }
}
