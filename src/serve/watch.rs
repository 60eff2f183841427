//! Watching the site's inputs: `content/`, `templates/`, `static/` and
//! `config.toml` (never the output). Native file events, debounced, or
//! polling with `--poll`; editors' temp and swap files are ignored, and
//! each batch of events is sorted into the kinds of rebuild it needs.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::render::TEMPLATES_DIR;
use crate::site::STATIC_DIR;

/// How long the watcher waits for a path to go quiet before reporting it.
const DEBOUNCE: Duration = Duration::from_millis(60);

/// How often `--poll` looks at every file.
const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The folders watched recursively.
const WATCHED_DIRS: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

/// What the watcher reports: paths that changed, or that it lost track.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Paths created, changed, renamed or removed (absolute).
    pub paths: Vec<PathBuf>,
    /// Events were lost: only a full reload is sure to be right.
    pub rescan: bool,
}

impl Changes {
    fn from_debounced(result: DebounceEventResult) -> Changes {
        match result {
            Ok(events) => Changes {
                rescan: events.iter().any(|e| e.need_rescan()),
                paths: events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect(),
            },
            Err(_) => Changes { paths: Vec::new(), rescan: true },
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

    /// Adds what the watcher reported (`root` must be the watched, absolute root).
    pub fn add_changes(&mut self, root: &Path, changes: Changes) {
        self.full |= changes.rescan;
        for path in &changes.paths {
            if let Some(change) = classify(root, path) {
                self.add(change);
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
    if parts.iter().any(|p| is_editor_noise(p)) {
        return None;
    }
    let (top, below) = parts.split_first()?;
    if below.is_empty() {
        // The folders themselves appearing or vanishing, or config.toml.
        return (top == CONFIG_FILE || WATCHED_DIRS.contains(&top.as_str())).then_some(Change::Full);
    }
    match top.as_str() {
        TEMPLATES_DIR => Some(Change::Templates),
        STATIC_DIR => Some(Change::Static(below.join("/"))),
        CONTENT_DIR => {
            if rel.extension().is_some_and(|x| x == "md") {
                Some(Change::Content(rel.to_path_buf()))
            } else if path.is_file() {
                // Only Markdown is content; an image beside an article is not read.
                None
            } else {
                // A folder (or something gone we can no longer tell): reread it all.
                Some(Change::Full)
            }
        }
        _ => None,
    }
}

/// Whether a file name is an editor's temporary, backup or swap file, or hidden.
pub fn is_editor_noise(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let swap = lower
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && (ext == "swpx" || ext == "kate-swp" || (ext.len() == 3 && ext.starts_with("sw"))));
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || swap
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    root: PathBuf,
    inner: Inner,
    /// The input folders under watch (a folder created later is added).
    watched: BTreeSet<&'static str>,
}

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
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
            let forward = move |result: DebounceEventResult| handler(Changes::from_debounced(result));
            let mut debouncer = new_debouncer_opt(DEBOUNCE, None, forward, RecommendedCache::new(), notify::Config::default())?;
            // The root itself only for its direct entries: config.toml and the
            // input folders appearing; never dist/ or anything below it.
            debouncer.watch(root, RecursiveMode::NonRecursive)?;
            Inner::Native(debouncer)
        };
        let mut watcher = Watcher { root: root.to_path_buf(), inner, watched: BTreeSet::new() };
        watcher.refresh()?;
        Ok(watcher)
    }

    /// Watches input folders that exist now but were not watched (created
    /// since, or replaced by a new folder of the same name); returns whether any was added.
    pub fn refresh(&mut self) -> notify::Result<bool> {
        let Inner::Native(debouncer) = &mut self.inner else {
            return Ok(false);
        };
        let mut added = false;
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            let exists = path.is_dir();
            if exists && !self.watched.contains(dir) {
                debouncer.watch(&path, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
                added = true;
            } else if !exists && self.watched.remove(dir) {
                // Gone: forget it, so a folder created later is watched afresh.
                let _ = debouncer.unwatch(&path);
            }
        }
        Ok(added)
    }

    /// After a batch that needed a full reload (a folder may have been
    /// replaced as a whole, e.g. by `git checkout`), watches every input folder afresh.
    pub fn rewatch_all(&mut self) -> notify::Result<bool> {
        if let Inner::Native(debouncer) = &mut self.inner {
            for dir in std::mem::take(&mut self.watched) {
                let _ = debouncer.unwatch(self.root.join(dir));
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
                let mut paths: Vec<PathBuf> = now.iter().filter(|(p, s)| changed(p, s)).map(|(p, _)| p.clone()).collect();
                paths.extend(before.keys().filter(|p| !now.contains_key(*p)).cloned());
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
            for entry in walkdir::WalkDir::new(root.join(dir)).follow_links(false).into_iter().flatten() {
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
    fn editor_temp_and_swap_files_are_noise() {
        for name in [".a.md.swp", "a.md.swp", "a.md.swx", "a.swo", "a.md~", "4913", ".#a.md", "#a.md#", ".hidden", "a.md___jb_tmp___", "x.kate-swp", ".goutputstream-ABC"] {
            assert!(is_editor_noise(name), "{name}");
        }
        for name in ["a.md", "style.css", "swap.md", "4914", "a.sw", "photo.swf-not", "#hashtag.md"] {
            assert!(!is_editor_noise(name), "{name}");
        }
    }

    #[test]
    fn classifies_by_input_folder() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("config.toml"), Some(Change::Full));
        assert_eq!(c("templates/partials/card.html"), Some(Change::Templates));
        assert_eq!(c("static/img/a.png"), Some(Change::Static("img/a.png".into())));
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
