//! Rebuilding the preview after a batch of changes: decides how much of the
//! site a batch touches, renders that into memory and publishes it, or
//! records the problems and leaves the last good build being served.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::content::Selection;
use crate::diagnostics::Diagnostics;
use crate::site::Site;

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
    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    /// Builds the whole site.
    pub fn build_all(&mut self) -> Report {
        self.run(true, |b| b.full())
    }

    /// Rebuilds what `batch` touches.
    pub fn rebuild(&mut self, batch: &Batch) -> Report {
        let has_problems = self.state.read(|s| !s.problems.is_empty());
        // After a failure the loaded site may not match the files: reload it all.
        let full = batch.full || has_problems || self.site.is_none();
        self.run(full, |b| b.full())
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
        let selection = Selection { drafts: self.drafts, future: self.future, today: crate::dates::today() };
        let mut site = Site::load(&self.root, selection)?;
        self.localize(&mut site);
        let sink = MemorySink::new();
        let files = site.render_all(&sink)?;
        self.state.replace(sink.into_trees());
        self.site = Some(site);
        Ok(files)
    }

    fn localize(&self, site: &mut Site) {
        site.config.base_url.clone_from(&self.urls.base);
        site.config.members_url.clone_from(&self.urls.members);
    }
}
