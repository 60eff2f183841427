//! Rebuilding the preview after a batch of changes: decides how much of the
//! site a batch touches, renders that into memory and publishes it, or
//! records the problems and leaves the last good build being served.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::content::{Article, Selection};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{MemorySink, Sink};
use crate::search::Record;
use crate::site::{Edit, Job, Site, touched_by};

use rayon::prelude::*;

use super::memory::{OnRequest, State};
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
    /// Whether the site was taken from the cache of the last build into `dist/`.
    pub from_cache: bool,
}

/// Owns the loaded site between rebuilds.
pub struct Builder {
    root: PathBuf,
    drafts: bool,
    future: bool,
    urls: Urls,
    /// Whether the loaded site (in `state`, where requests render pages
    /// from it) may not match the files: after a failed rebuild, which may
    /// have changed part of it. The next rebuild then loads it afresh.
    stale: bool,
    state: Arc<State>,
    /// Each article's search record, by its Markdown file, kept in step with the site.
    records: BTreeMap<PathBuf, Arc<Record>>,
    /// Builds the search indexes off this thread (`None` if it could not start).
    indexer: Option<Indexer>,
    /// Whether the last full load took the site from the build cache (for its report).
    from_cache: bool,
}

impl Builder {
    /// A builder for the site at `root` that publishes into `state`.
    pub fn new(root: PathBuf, drafts: bool, future: bool, urls: Urls, state: Arc<State>) -> Self {
        let indexer = Indexer::start(state.clone()).map_err(|e| eprintln!("the preview will have no search: {e}")).ok();
        Builder { root, drafts, future, urls, stale: false, state, records: BTreeMap::new(), indexer, from_cache: false }
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
                let what = super::memory::panic_text(&*panic);
                // The loaded site may be half-updated: start afresh next time.
                self.stale = true;
                let problems = Diagnostics(vec![Diagnostic::file(
                    batch.describe(),
                    format!("lede crashed while rebuilding ({what}); please report this. Saving again retries from scratch"),
                )]);
                self.state.fail(problems.clone());
                Report { files: 0, full: true, elapsed: started.elapsed(), problems: Some(problems), from_cache: false }
            }
        }
    }

    fn rebuild_inner(&mut self, batch: &Batch) -> Report {
        let has_problems = self.state.read(|s| !s.problems.is_empty());
        // After a failure the loaded site may not match the files: reload it all.
        let full = batch.full || has_problems || self.stale || self.state.site().is_none();
        if full { self.run(true, |b| b.full()) } else { self.run(false, |b| b.partial(batch)) }
    }

    fn run(&mut self, full: bool, step: impl FnOnce(&mut Self) -> Result<usize, Diagnostics>) -> Report {
        let started = Instant::now();
        let result = step(self);
        let elapsed = started.elapsed();
        match result {
            Ok(files) => Report { files, full, elapsed, problems: None, from_cache: std::mem::take(&mut self.from_cache) },
            Err(problems) => {
                // The last good pages are still served from it, as far as it still renders them.
                self.stale = true;
                self.state.fail(problems.clone());
                Report { files: 0, full, elapsed, problems: Some(problems), from_cache: std::mem::take(&mut self.from_cache) }
            }
        }
    }

    /// Loads the site and renders what is not rendered on request, then
    /// swaps the new site and trees in whole.
    fn full(&mut self) -> Result<usize, Diagnostics> {
        let selection = Selection { drafts: self.drafts, future: self.future, now: jiff::Timestamp::now() };
        // Shown on a terminal when loading takes more than a second (a large site, or a slow disk).
        let progress = crate::progress::Progress::start();
        // A site built into dist/ with the same settings left a cache there:
        // starting from it, no article is read before the first page is served.
        let out = self.root.join("dist");
        let cached = crate::build::cached_site(&self.root, &out, self.drafts, self.future, selection);
        self.from_cache = cached.is_some();
        let mut site = match cached {
            Some(site) => site,
            None => Site::load_showing(&self.root, selection, &progress)?,
        };
        progress.stage("feeds, sitemap and indexes");
        self.localize(&mut site);
        site.keep_no_cards();
        let sink = MemorySink::new();
        let on_request: OnRequest = site.pages_on_request().into_iter().collect();
        let files = site.render_all_but_on_request(&sink)? + 2 * on_request.len();
        // A template that fails on the pages rendered on request is reported now, not when one is opened.
        site.render_jobs(&site.samples_on_request(), &MemorySink::new())?;
        // Without their text, which the index reads when it is built.
        let records = if site.config().search { records_of(site.library().articles.par_iter()).collect() } else { Default::default() };
        drop(progress);
        let old = {
            let mut loaded = self.state.site_mut();
            let old = loaded.replace(site);
            self.state.replace(sink.into_trees(), on_request);
            old
        };
        // Freeing a large site takes a moment that no request needs to wait for.
        std::thread::spawn(move || drop(old));
        self.stale = false;
        self.records = records;
        self.index();
        Ok(files)
    }

    /// Brings the loaded site up to date with the batch (the site decides
    /// what it touches), renders what is not rendered on request and
    /// patches the served trees.
    fn partial(&mut self, batch: &Batch) -> Result<usize, Diagnostics> {
        let mut loaded = self.state.site_mut();
        let Some(site) = loaded.as_mut() else {
            drop(loaded);
            return self.full();
        };
        let update = site.update(Edit { content: &batch.content, templates: batch.templates, statics: &batch.statics })?;
        let (later, now): (Vec<Job>, Vec<Job>) = update.jobs.iter().cloned().partition(Job::on_request);
        let sink = MemorySink::new();
        let mut files = site.render_jobs(&now, &sink)?;
        if batch.templates {
            // As after a full load: a template that fails is reported when it is saved.
            site.render_jobs(&site.samples_on_request(), &MemorySink::new())?;
        }
        // Rendered when asked for, from the site as it now is: only new addresses need adding.
        let on_request: OnRequest = later.into_iter().filter_map(|job| site.path_on_request(&job).map(|path| (path, job))).collect();
        files += 2 * on_request.len();
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
        self.state.patch(&removed, sink.into_trees(), on_request);
        if !site.config().search {
            return Ok(files);
        }
        let rendered: BTreeSet<&Path> = update.jobs.iter().filter_map(|j| if let Job::Article(source) = j { Some(source.as_path()) } else { None }).collect();
        let articles = &site.library().articles;
        // The same files as before (a rename adds one the records lack).
        let same_articles = articles.len() == self.records.len() && rendered.iter().all(|source| self.records.contains_key(*source));
        // Rendered again (which a new article is), or not yet known: the
        // record is made again, and kept if it changed; gone: dropped.
        let fresh: Vec<(PathBuf, Arc<Record>)> = records_of(
            articles.par_iter().filter(|a| rendered.contains(a.meta.source.as_path()) || (!same_articles && !self.records.contains_key(&a.meta.source))),
        )
        .filter(|(source, record)| self.records.get(source) != Some(record))
        .collect();
        if !same_articles || !fresh.is_empty() {
            if !same_articles {
                let present: BTreeSet<&Path> = articles.iter().map(|a| a.meta.source.as_path()).collect();
                self.records.retain(|source, _| present.contains(source.as_path()));
            }
            self.records.extend(fresh);
            drop(loaded);
            self.index();
        }
        Ok(files)
    }

    /// Has the search indexes built again from the records, when the site has search.
    fn index(&self) {
        let Some(indexer) = &self.indexer else { return };
        let config = match self.state.site().as_ref() {
            Some(site) if site.config().search => site.config().clone(),
            _ => return,
        };
        indexer.send(self.records.values().cloned().collect(), config, self.root.clone());
    }

    fn localize(&self, site: &mut Site) {
        site.relocate(&self.urls.base, &self.urls.members);
    }
}

/// The search record of each of `articles` without its text, by its Markdown file.
fn records_of<'a>(articles: impl ParallelIterator<Item = &'a Article>) -> impl ParallelIterator<Item = (PathBuf, Arc<Record>)> {
    articles.map(|a| (a.meta.source.clone(), Arc::new(Record::bare(&a.meta))))
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

    /// The records' sources and whether each is the record of the words the site now has for it.
    fn records(builder: &Builder) -> Vec<(String, bool)> {
        let loaded = builder.state.site();
        let site = loaded.as_ref().expect("a site");
        builder
            .records
            .iter()
            .map(|(source, r)| {
                let now = site.position(source).map(|i| Record::of(&site.article_text(i).expect("text")));
                (source.display().to_string(), now.is_some_and(|now| now.same_as(r)))
            })
            .collect()
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
        assert_eq!(records(&builder), [("content/articles/a.md".into(), true), ("content/articles/b.md".into(), true)]);
        let before = builder.records.clone();

        let batch = |paths: &[&str]| Batch { content: paths.iter().map(PathBuf::from).collect(), ..Batch::default() };
        write(root, "content/articles/b.md", &article("B", "zqnewfreeq"));
        assert!(builder.rebuild(&batch(&["content/articles/b.md"])).problems.is_none());
        assert_eq!(records(&builder), [("content/articles/a.md".into(), true), ("content/articles/b.md".into(), true)]);
        let b = Path::new("content/articles/b.md");
        assert_ne!(builder.records[b], before[b], "the edited article's record changed");

        // A rename keeps the count of articles: the old file's record goes all the same.
        std::fs::rename(root.join("content/articles/a.md"), root.join("content/articles/c.md")).expect("rename");
        assert!(builder.rebuild(&batch(&["content/articles/a.md", "content/articles/c.md"])).problems.is_none());
        assert_eq!(records(&builder), [("content/articles/b.md".into(), true), ("content/articles/c.md".into(), true)]);

        std::fs::remove_file(root.join("content/articles/b.md")).expect("delete");
        assert!(builder.rebuild(&batch(&["content/articles/b.md"])).problems.is_none());
        assert_eq!(records(&builder), [("content/articles/c.md".into(), true)]);
    }
}
