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
        // Without search nothing reads the records: 5% of a first build's time at 100,000 articles.
        self.records = if site.config().search {
            site.library().articles.par_iter().map(|a| (a.meta.source.clone(), Arc::new(Record::of(a)))).collect()
        } else {
            Default::default()
        };
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
        if !site.config().search {
            return Ok(files);
        }
        let rendered: BTreeSet<&Path> = update.jobs.iter().filter_map(|j| if let Job::Article(source) = j { Some(source.as_path()) } else { None }).collect();
        let articles = &site.library().articles;
        // The same files as before (a rename adds one the records lack).
        let same_articles = articles.len() == self.records.len() && rendered.iter().all(|source| self.records.contains_key(*source));
        // Rendered again (which a new article is), or not yet known: the
        // record is made again, and kept if it changed; gone: dropped.
        let fresh: Vec<(PathBuf, Arc<Record>)> = articles
            .par_iter()
            .filter(|a| rendered.contains(a.meta.source.as_path()) || (!same_articles && !self.records.contains_key(&a.meta.source)))
            .map(|a| (a.meta.source.clone(), Arc::new(Record::of(a))))
            .filter(|(source, record)| self.records.get(source) != Some(record))
            .collect();
        if !same_articles || !fresh.is_empty() {
            if !same_articles {
                let present: BTreeSet<&Path> = articles.iter().map(|a| a.meta.source.as_path()).collect();
                self.records.retain(|source, _| present.contains(source.as_path()));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        std::fs::create_dir_all(root.join(rel).parent().expect("parent")).expect("mkdir");
        std::fs::write(root.join(rel), text).expect("write");
    }

    fn article(title: &str, word: &str) -> String {
        format!("+++\ntitle = \"{title}\"\ndate = 2026-01-02\npaywall = 1\n+++\nFree {word}.\n\nPaid.\n")
    }

    /// The records' sources and whether each holds `word`.
    fn records(builder: &Builder) -> Vec<(String, bool)> {
        builder.records.iter().map(|(source, r)| (source.display().to_string(), format!("{r:?}").contains("zqnewfreeq"))).collect()
    }

    #[test]
    fn the_search_records_follow_edits_renames_and_deletions() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path();
        write(root, "config.toml", "title = \"T\"\nbase_url = \"https://t.example\"\n");
        write(root, "content/articles/a.md", &article("A", "one"));
        write(root, "content/articles/b.md", &article("B", "two"));
        let urls = Urls { base: "http://127.0.0.1:1".into(), members: "http://127.0.0.1:1/_members".into() };
        let mut builder = Builder::new(root.to_path_buf(), false, false, urls, Arc::new(State::new()));
        assert!(builder.build_all().problems.is_none());
        assert_eq!(records(&builder), [("content/articles/a.md".into(), false), ("content/articles/b.md".into(), false)]);

        let batch = |paths: &[&str]| Batch { content: paths.iter().map(PathBuf::from).collect(), ..Batch::default() };
        write(root, "content/articles/b.md", &article("B", "zqnewfreeq"));
        assert!(builder.rebuild(&batch(&["content/articles/b.md"])).problems.is_none());
        assert_eq!(records(&builder), [("content/articles/a.md".into(), false), ("content/articles/b.md".into(), true)]);

        // A rename keeps the count of articles: the old file's record goes all the same.
        std::fs::rename(root.join("content/articles/a.md"), root.join("content/articles/c.md")).expect("rename");
        assert!(builder.rebuild(&batch(&["content/articles/a.md", "content/articles/c.md"])).problems.is_none());
        assert_eq!(records(&builder), [("content/articles/b.md".into(), true), ("content/articles/c.md".into(), false)]);

        std::fs::remove_file(root.join("content/articles/b.md")).expect("delete");
        assert!(builder.rebuild(&batch(&["content/articles/b.md"])).problems.is_none());
        assert_eq!(records(&builder), [("content/articles/c.md".into(), false)]);
    }
}
