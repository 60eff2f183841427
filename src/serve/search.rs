//! The preview's search indexes, built on a thread of their own: an index
//! takes far longer than the pages an edit touches, so the edited page is
//! served at once and the index follows when the edits pause (on a large
//! site, when a search page is next opened). Searches in the meantime
//! answer from the previous index, and the terminal says when a new one
//! is served.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use crate::config::Config;
use crate::diagnostics::Result;
use crate::output::MemorySink;
use crate::search::{self, Record};

use super::memory::State;

/// How long the edits must pause before the index is built again.
const SETTLE: Duration = Duration::from_millis(400);

/// What one index build needs.
struct Job {
    records: Vec<Arc<Record>>,
    config: Config,
    root: PathBuf,
}

/// The handle the rebuilder sends the site's records to.
pub struct Indexer {
    jobs: Sender<Job>,
}

impl Indexer {
    /// Starts the thread that publishes the indexes into `state`.
    pub fn start(state: Arc<State>) -> std::io::Result<Indexer> {
        let (jobs, rx) = mpsc::channel();
        std::thread::Builder::new().name("lede-search".into()).spawn(move || run(&rx, &state))?;
        Ok(Indexer { jobs })
    }

    /// Asks for the indexes of `records` (every article's) with `config`.
    pub fn send(&self, records: Vec<Arc<Record>>, config: Config, root: PathBuf) {
        // The thread only stops with the process.
        let _ = self.jobs.send(Job { records, config, root });
    }
}

/// Up to how many articles the index is built at start and after every
/// edit; above, when a search page is next asked for (a 10,000-article
/// archive's first index takes 40 s of both cores and gigabytes of memory,
/// which editing an article should not wait behind).
const EAGER_UP_TO: usize = 2000;

fn run(rx: &Receiver<Job>, state: &State) {
    let mut searches_then = 0;
    let mut told = false;
    while let Ok(mut job) = rx.recv() {
        if job.records.len() > EAGER_UP_TO && !told {
            println!("Search: {} articles; the preview builds their index when a search page is first opened", job.records.len());
            told = true;
        }
        // Only the latest records matter: wait for the edits to pause, and
        // on a large site for a search.
        loop {
            match rx.recv_timeout(SETTLE) {
                Ok(newer) => job = newer,
                Err(RecvTimeoutError::Timeout) if job.records.len() <= EAGER_UP_TO || state.searches() != searches_then => break,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        searches_then = state.searches();
        let sink = MemorySink::new();
        match search::write(job.records, &job.config, &job.root, &sink, &|records| with_text(state, records), &|_, _| false) {
            Ok(report) => {
                state.replace_under_quietly(search::BUNDLE_DIR, sink.into_trees());
                println!("{report}");
            }
            // The pages are served; the search keeps its last index and says why.
            Err(problems) => eprintln!("the search index could not be built: {problems}"),
        }
    }
}

/// `records` with their text, each from its article as the loaded site
/// holds it (read from its file where the preview took the site from the
/// build's cache). The site is held for one article at a time, so an edit
/// goes ahead meanwhile; an article edited since its record was taken
/// fails the index, which the edit's own index follows.
fn with_text(state: &State, records: &[Arc<Record>]) -> Result<Vec<Arc<Record>>> {
    let read = |source: &std::path::Path| {
        let loaded = state.site();
        let Some(site) = loaded.as_ref() else { return Ok(None) };
        site.position(source).map(|i| site.article_text(i).map(|a| Record::of(&a))).transpose()
    };
    search::with_text(records, read, "changed while the search index was built: it is built again")
}
