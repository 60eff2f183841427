//! Watching the site's inputs: `content/`, `templates/`, `static/` and
//! `config.toml` (never the output). Native file events, or polling with
//! `--poll`; editors' temp and swap files are ignored. Events are gathered
//! into batches ([`Gather`]) so that a save is rebuilt at once and a burst
//! of saves (a checkout, a search-and-replace) is rebuilt once.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::layout::{CONFIG_FILE, CONTENT_DIR, ContentKind, STATIC_DIR, TEMPLATES_DIR, content_kind, is_ignored_name};

/// After a change, how long a batch waits for another before it is rebuilt.
/// An editor's save is one write (or a temp file and a rename) arriving
/// within a millisecond; what follows later is a new edit.
pub const QUIET: Duration = Duration::from_millis(10);

/// Once a batch holds two or more files, the quiet it waits for: a
/// checkout or a search-and-replace writes many files, and one stalled for
/// a moment must not split the rebuild in two.
pub const BURST_QUIET: Duration = Duration::from_millis(50);

/// While a file has been written but not yet closed, the quiet a batch
/// waits for: the writer is probably not done (a slow copy, a program
/// writing in pieces), and a half-written article would flash an error.
pub const UNFINISHED_QUIET: Duration = Duration::from_millis(200);

/// The longest a batch is held from its first change: events that never
/// pause (a long checkout, a program rewriting a file in a loop) are
/// rebuilt at this interval rather than never.
pub const MAX_GATHER: Duration = Duration::from_millis(1000);

/// How often `--poll` looks at every file.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The folders watched recursively.
const WATCHED_DIRS: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

/// How far along a change to one path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Created or written to; the file may still be open and more may follow.
    Writing,
    /// The change is complete: closed after writing, renamed, removed, a folder created.
    Done,
}

/// What the watcher reports: paths that changed, or that it lost track.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Paths created, changed, renamed or removed (absolute), with how far along each is.
    pub paths: Vec<(PathBuf, Step)>,
    /// Events were lost: only a full reload is sure to be right.
    pub rescan: bool,
}

impl Changes {
    /// What one native event means, or `None` when it changes nothing
    /// (files opened or read, by lede itself among others).
    pub fn from_event(result: notify::Result<Event>) -> Option<Changes> {
        let event = match result {
            Ok(event) => event,
            Err(_) => return Some(Changes { paths: Vec::new(), rescan: true }),
        };
        let rescan = event.need_rescan();
        let step = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(Step::Done),
            EventKind::Access(_) => None,
            // A file created is opened for writing (`open(O_CREAT)`): its
            // data and its close are still to come.
            EventKind::Modify(ModifyKind::Data(_)) | EventKind::Create(CreateKind::File) => Some(Step::Writing),
            _ => Some(Step::Done),
        };
        match step {
            Some(step) => Some(Changes { paths: event.paths.into_iter().map(|p| (p, step)).collect(), rescan }),
            None => rescan.then(|| Changes { paths: Vec::new(), rescan }),
        }
    }
}

/// What one changed path asks of the rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Reload everything (`config.toml`, a whole input folder, lost events).
    Full,
    /// A template: reload the templates, re-render every page.
    Templates,
    /// A file or folder below `static/`, `/`-separated, relative to it.
    Static(String),
    /// A Markdown file, relative to the site root (`content/articles/x.md`).
    Content(PathBuf),
}

/// Every change of one batch of events, deduplicated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Something needs a full reload.
    pub full: bool,
    /// Some template changed.
    pub templates: bool,
    /// Changed paths below `static/`.
    pub statics: BTreeSet<String>,
    /// Changed Markdown files.
    pub content: BTreeSet<PathBuf>,
}

impl Batch {
    /// Whether nothing in it needs a rebuild.
    pub fn is_empty(&self) -> bool {
        !self.full && !self.templates && self.statics.is_empty() && self.content.is_empty()
    }

    /// Adds one change.
    pub fn add(&mut self, change: Change) {
        match change {
            Change::Full => self.full = true,
            Change::Templates => self.templates = true,
            Change::Static(p) => {
                self.statics.insert(p);
            }
            Change::Content(p) => {
                self.content.insert(p);
            }
        }
    }

    /// A short description for the terminal ("content/articles/x.md", "3 files").
    pub fn describe(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        if self.full {
            names.push("site".into());
        }
        if self.templates {
            names.push(format!("{TEMPLATES_DIR}/"));
        }
        names.extend(self.statics.iter().map(|s| format!("{STATIC_DIR}/{s}")));
        names.extend(self.content.iter().map(|p| p.display().to_string()));
        match names.len() {
            0 => "nothing".into(),
            1..=3 => names.join(", "),
            n => format!("{}, {} and {} more", names[0], names[1], n - 2),
        }
    }
}

/// A batch being gathered, and when it is due: [`QUIET`] after its last
/// change, [`BURST_QUIET`] once it holds several files, [`UNFINISHED_QUIET`]
/// while a file is still being written, never later than [`MAX_GATHER`]
/// after its first change. Changes that are all editor noise or outside the
/// inputs neither start a batch nor hold one back.
#[derive(Debug, Default)]
pub struct Gather {
    batch: Batch,
    /// When the first change that matters arrived.
    first: Option<Instant>,
    /// When the latest one did.
    last: Option<Instant>,
    /// Every path that matters in the batch.
    files: BTreeSet<PathBuf>,
    /// Paths written to and not yet closed.
    writing: BTreeSet<PathBuf>,
}

impl Gather {
    /// Adds what the watcher reported at `now` (`root` must be the watched,
    /// absolute root); returns whether any of it matters.
    pub fn add(&mut self, root: &Path, changes: Changes, now: Instant) -> bool {
        let mut matters = changes.rescan;
        self.batch.full |= changes.rescan;
        for (path, step) in changes.paths {
            let Some(change) = classify(root, &path) else { continue };
            matters = true;
            self.batch.add(change);
            match step {
                Step::Writing => self.writing.insert(path.clone()),
                Step::Done => self.writing.remove(&path),
            };
            self.files.insert(path);
        }
        if matters {
            self.first.get_or_insert(now);
            self.last = Some(now);
        }
        matters
    }

    /// When the batch should be rebuilt if nothing more arrives; `None` while it is empty.
    pub fn due(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        let quiet = if !self.writing.is_empty() {
            UNFINISHED_QUIET
        } else if self.files.len() > 1 || self.batch.full {
            BURST_QUIET
        } else {
            QUIET
        };
        Some((last + quiet).min(first + MAX_GATHER))
    }

    /// When the first change of the batch arrived.
    pub fn first(&self) -> Option<Instant> {
        self.first
    }

    /// The batch gathered so far; starts a new one.
    pub fn take(&mut self) -> Batch {
        std::mem::take(self).batch
    }
}

/// What a changed path means for the site at `root`, or `None` to ignore it.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if parts.iter().any(|p| is_ignored_name(p)) {
        return None;
    }
    let (top, below) = parts.split_first()?;
    if below.is_empty() {
        // The folders themselves appearing or vanishing, or config.toml.
        return (top == CONFIG_FILE || WATCHED_DIRS.contains(&top.as_str())).then_some(Change::Full);
    }
    match top.as_str() {
        TEMPLATES_DIR => Some(Change::Templates),
        // A stylesheet or script is linked by a name holding its hash, in every page: all of them change.
        STATIC_DIR if below.last().is_some_and(|n| n.ends_with(".css") || n.ends_with(".js")) => Some(Change::Full),
        STATIC_DIR => Some(Change::Static(below.join("/"))),
        CONTENT_DIR => {
            if crate::content::is_bundle_index(rel) {
                // A folder's index.md decides which of its files go to which tree: load it all again.
                Some(Change::Full)
            } else if content_kind(Path::new(&below.join("/"))) != ContentKind::NotContent {
                Some(Change::Content(rel.to_path_buf()))
            } else {
                // A folder, a file that is not Markdown (which a build
                // refuses, so its coming or going changes the outcome), or
                // something gone we can no longer tell: reread it all.
                Some(Change::Full)
            }
        }
        _ => None,
    }
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    inner: Inner,
    /// The input folders under watch (a folder created later is added).
    watched: BTreeSet<&'static str>,
}

enum Inner {
    Native(RecommendedWatcher),
    /// Polling sees every folder on each pass: nothing to add or remove.
    Poll {
        /// Held to keep polling; dropping it stops.
        _poller: Poller,
    },
}

impl Watcher {
    /// Starts watching the site at `root` (absolute), passing each batch of changes to `handler`.
    pub fn start<F>(root: &Path, poll: bool, handler: F) -> notify::Result<Watcher>
    where
        F: Fn(Changes) + Send + 'static,
    {
        let inner = if poll {
            Inner::Poll { _poller: Poller::spawn(root.to_path_buf(), POLL_INTERVAL, handler).map_err(notify::Error::io)? }
        } else {
            // Every event is passed on at once; batching is the receiver's
            // (see Gather), which knows what matters and how long to wait.
            let forward = move |result: notify::Result<Event>| {
                if let Some(changes) = Changes::from_event(result) {
                    handler(changes);
                }
            };
            let mut native = RecommendedWatcher::new(forward, notify::Config::default())?;
            // The root itself only for its direct entries: config.toml and the
            // input folders appearing; never dist/ or anything below it.
            native.watch(root, RecursiveMode::NonRecursive)?;
            Inner::Native(native)
        };
        let mut watcher = Watcher { root: root.to_path_buf(), inner, watched: BTreeSet::new() };
        watcher.refresh()?;
        Ok(watcher)
    }

    /// Watches input folders that exist now but were not watched (created
    /// since, or replaced by a new folder of the same name); returns whether any was added.
    pub fn refresh(&mut self) -> notify::Result<bool> {
        let Inner::Native(native) = &mut self.inner else {
            return Ok(false);
        };
        let mut added = false;
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            let exists = path.is_dir();
            if exists && !self.watched.contains(dir) {
                native.watch(&path, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
                added = true;
            } else if !exists && self.watched.remove(dir) {
                // Gone: forget it, so a folder created later is watched afresh.
                let _ = native.unwatch(&path);
            }
        }
        Ok(added)
    }

    /// After a batch that needed a full reload (a folder may have been
    /// replaced as a whole, e.g. by `git checkout`), watches every input folder afresh.
    pub fn rewatch_all(&mut self) -> notify::Result<bool> {
        if let Inner::Native(native) = &mut self.inner {
            for dir in std::mem::take(&mut self.watched) {
                let _ = native.unwatch(&self.root.join(dir));
            }
        }
        self.refresh()
    }
}

/// `--poll`: looks at the size and modification time (to the nanosecond
/// where the file system keeps it) of every input file on each pass.
/// notify's own poller compares whole seconds, which misses a second save
/// within the same second; hashing every file instead would read the whole
/// site, images included, several times a second.
pub struct Poller {
    stop: Arc<AtomicBool>,
}

/// What a pass remembers of one path.
type Stamp = (u64, Option<SystemTime>, bool);

impl Poller {
    fn spawn<F>(root: PathBuf, interval: Duration, handler: F) -> std::io::Result<Poller>
    where
        F: Fn(Changes) + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        // The first pass is taken before returning, so an edit made right
        // after start-up is seen as a change.
        let mut before = Poller::scan(&root);
        std::thread::Builder::new().name("lede-poll".into()).spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(interval);
                let now = Poller::scan(&root);
                // A folder's own time changes with every file added to it;
                // only a folder appearing or vanishing is news.
                let changed = |p: &PathBuf, s: &Stamp| match before.get(p) {
                    Some(old) => old != s && !(old.2 && s.2),
                    None => true,
                };
                // A pass sees files between writes, not writers: every change is complete.
                let mut paths: Vec<(PathBuf, Step)> = now.iter().filter(|(p, s)| changed(p, s)).map(|(p, _)| (p.clone(), Step::Done)).collect();
                paths.extend(before.keys().filter(|p| !now.contains_key(*p)).map(|p| (p.clone(), Step::Done)));
                before = now;
                if !paths.is_empty() {
                    handler(Changes { paths, rescan: false });
                }
            }
        })?;
        Ok(Poller { stop })
    }

    fn scan(root: &Path) -> HashMap<PathBuf, Stamp> {
        let mut seen = HashMap::new();
        let config = root.join(CONFIG_FILE);
        if let Ok(meta) = std::fs::symlink_metadata(&config) {
            seen.insert(config, (meta.len(), meta.modified().ok(), false));
        }
        for dir in WATCHED_DIRS {
            // The same files a build reads: links followed, hidden names skipped.
            let walk = walkdir::WalkDir::new(root.join(dir)).follow_links(true).into_iter();
            for entry in walk.filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy())).flatten() {
                if let Ok(meta) = entry.metadata() {
                    seen.insert(entry.into_path(), (meta.len(), meta.modified().ok(), meta.is_dir()));
                }
            }
        }
        seen
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_input_folder() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("config.toml"), Some(Change::Full));
        assert_eq!(c("templates/partials/card.html"), Some(Change::Templates));
        assert_eq!(c("static/img/a.png"), Some(Change::Static("img/a.png".into())));
        // Every page links a stylesheet by its fingerprint.
        assert_eq!(c("static/style.css"), Some(Change::Full));
        assert_eq!(c("static/js/menu.js"), Some(Change::Full));
        assert_eq!(c("content/articles/x.md"), Some(Change::Content("content/articles/x.md".into())));
        assert_eq!(c("content"), Some(Change::Full));
        assert_eq!(c("static"), Some(Change::Full));
        // A folder under content/ that no longer exists: reread everything.
        assert_eq!(c("content/articles/gone"), Some(Change::Full));
        assert_eq!(c("dist/public/index.html"), None);
        assert_eq!(c("dist"), None);
        assert_eq!(c("README.md"), None);
        assert_eq!(c("content/articles/.x.md.swp"), None);
        assert_eq!(c("content/articles/x.md~"), None);
        assert_eq!(c("content/articles/4913"), None);
        assert_eq!(c(".git/index"), None);
        assert_eq!(c("static/.DS_Store"), None);
        assert_eq!(classify(root, Path::new("/elsewhere/config.toml")), None);
    }

    fn changes(paths: &[(&str, Step)]) -> Changes {
        Changes { paths: paths.iter().map(|(p, s)| (Path::new("/site").join(p), *s)).collect(), rescan: false }
    }

    #[test]
    fn only_changes_to_files_count_as_events() {
        let event = |kind| Ok(Event::new(kind).add_path(PathBuf::from("/site/content/a.md")));
        let step = |kind| Changes::from_event(event(kind)).map(|c| c.paths[0].1);
        assert_eq!(step(EventKind::Access(AccessKind::Open(AccessMode::Any))), None, "lede reading a file is no change");
        assert_eq!(step(EventKind::Access(AccessKind::Close(AccessMode::Read))), None);
        assert_eq!(step(EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any))), Some(Step::Writing));
        assert_eq!(step(EventKind::Access(AccessKind::Close(AccessMode::Write))), Some(Step::Done));
        assert_eq!(step(EventKind::Create(CreateKind::File)), Some(Step::Writing));
        assert_eq!(step(EventKind::Create(CreateKind::Folder)), Some(Step::Done));
        assert_eq!(step(EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::To))), Some(Step::Done));
        assert_eq!(step(EventKind::Remove(notify::event::RemoveKind::File)), Some(Step::Done));
        let lost = Changes::from_event(Ok(Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan)));
        assert_eq!(lost, Some(Changes { paths: Vec::new(), rescan: true }));
        assert_eq!(Changes::from_event(Err(notify::Error::generic("queue overflow"))).map(|c| c.rescan), Some(true));
    }

    #[test]
    fn one_save_is_due_after_a_short_quiet() {
        let root = Path::new("/site");
        let t = Instant::now();
        let mut g = Gather::default();
        assert_eq!(g.due(), None);
        // Truncate, write, close: one save of one file.
        assert!(g.add(root, changes(&[("content/articles/a.md", Step::Writing)]), t));
        assert!(g.add(root, changes(&[("content/articles/a.md", Step::Done)]), t + Duration::from_millis(1)));
        assert_eq!(g.due(), Some(t + Duration::from_millis(1) + QUIET));
        assert_eq!(g.first(), Some(t));
        let batch = g.take();
        assert_eq!(batch.describe(), "content/articles/a.md");
        assert_eq!(g.due(), None, "taking the batch starts a new one");
    }

    #[test]
    fn editor_noise_neither_starts_nor_holds_a_batch() {
        let root = Path::new("/site");
        let t = Instant::now();
        let mut g = Gather::default();
        assert!(!g.add(root, changes(&[("content/articles/.a.md.swp", Step::Writing), ("dist/x", Step::Done)]), t));
        assert_eq!(g.due(), None);
        // An atomic save: the temp file is noise, the rename is the change.
        g.add(root, changes(&[("content/articles/.a.md.tmp", Step::Writing)]), t);
        g.add(root, changes(&[("content/articles/a.md", Step::Done)]), t + Duration::from_millis(1));
        g.add(root, changes(&[("content/articles/4913", Step::Done)]), t + Duration::from_millis(5));
        assert_eq!(g.due(), Some(t + Duration::from_millis(1) + QUIET), "one file, and noise does not extend the wait");
    }

    #[test]
    fn several_files_wait_for_a_longer_quiet() {
        let root = Path::new("/site");
        let t = Instant::now();
        let mut g = Gather::default();
        g.add(root, changes(&[("content/articles/a.md", Step::Done)]), t);
        g.add(root, changes(&[("content/articles/b.md", Step::Done)]), t + Duration::from_millis(2));
        assert_eq!(g.due(), Some(t + Duration::from_millis(2) + BURST_QUIET));
        let mut g = Gather::default();
        g.add(root, Changes { paths: Vec::new(), rescan: true }, t);
        assert_eq!(g.due(), Some(t + BURST_QUIET), "lost events: a full reload, as for a burst");
    }

    #[test]
    fn a_file_still_being_written_holds_the_batch_until_closed() {
        let root = Path::new("/site");
        let t = Instant::now();
        let mut g = Gather::default();
        g.add(root, changes(&[("content/articles/a.md", Step::Writing)]), t);
        assert_eq!(g.due(), Some(t + UNFINISHED_QUIET));
        g.add(root, changes(&[("content/articles/a.md", Step::Done)]), t + Duration::from_millis(30));
        assert_eq!(g.due(), Some(t + Duration::from_millis(30) + QUIET));
    }

    #[test]
    fn events_that_never_pause_are_rebuilt_at_the_longest_hold() {
        let root = Path::new("/site");
        let t = Instant::now();
        let mut g = Gather::default();
        for i in 0..500u64 {
            g.add(root, changes(&[(&format!("content/articles/a{i}.md"), Step::Done)]), t + Duration::from_millis(i * 5));
        }
        assert_eq!(g.due(), Some(t + MAX_GATHER));
        assert_eq!(g.take().content.len(), 500);
    }

    #[test]
    fn batch_dedupes_and_describes() {
        let mut b = Batch::default();
        assert!(b.is_empty());
        b.add(Change::Content("content/articles/x.md".into()));
        b.add(Change::Content("content/articles/x.md".into()));
        assert_eq!(b.describe(), "content/articles/x.md");
        b.add(Change::Static("a.css".into()));
        b.add(Change::Templates);
        b.add(Change::Static("b.css".into()));
        assert_eq!(b.describe(), "templates/, static/a.css and 2 more");
    }
}
