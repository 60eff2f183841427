//! Watching the site's inputs: `content/`, `templates/`, `static/` and
//! `config.toml` (never the output). Native file events, debounced, or
//! polling with `--poll`; editors' temp and swap files are ignored, and
//! each batch of events is sorted into the kinds of rebuild it needs.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, RecommendedCache};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::render::TEMPLATES_DIR;
use crate::site::STATIC_DIR;

/// How long the watcher waits for a path to go quiet before reporting it.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// How often `--poll` looks at every file.
const POLL_INTERVAL: Duration = Duration::from_millis(400);

/// The folders watched recursively.
const WATCHED_DIRS: [&str; 3] = [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR];

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

    /// Adds the changes a debounced result reports (`root` must be the watched, absolute root).
    pub fn add_events(&mut self, root: &Path, result: DebounceEventResult) {
        match result {
            Ok(events) => {
                for event in events {
                    if event.need_rescan() {
                        self.full = true;
                    }
                    if matches!(event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    for path in &event.paths {
                        if let Some(change) = classify(root, path) {
                            self.add(change);
                        }
                    }
                }
            }
            // The watcher lost track: only a full reload is sure to be right.
            Err(_) => self.full = true,
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
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Inner {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Inner::Native(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        }
    }
}

impl Watcher {
    /// Starts watching the site at `root` (absolute), passing each debounced batch to `handler`.
    pub fn start<F>(root: &Path, poll: bool, handler: F) -> notify::Result<Watcher>
    where
        F: Fn(DebounceEventResult) + Send + 'static,
    {
        let inner = if poll {
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
            Inner::Poll(new_debouncer_opt(DEBOUNCE, None, handler, RecommendedCache::new(), config)?)
        } else {
            Inner::Native(new_debouncer_opt(DEBOUNCE, None, handler, RecommendedCache::new(), notify::Config::default())?)
        };
        let mut watcher = Watcher { root: root.to_path_buf(), inner, watched: BTreeSet::new() };
        // The root itself only for its direct entries: config.toml and the
        // input folders appearing; never dist/ or anything below it.
        watcher.inner.watch(root, RecursiveMode::NonRecursive)?;
        watcher.refresh()?;
        Ok(watcher)
    }

    /// Watches input folders that exist now but were not watched (created
    /// since, or replaced by a new folder of the same name); returns whether any was added.
    pub fn refresh(&mut self) -> notify::Result<bool> {
        let mut added = false;
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            let exists = path.is_dir();
            if exists && !self.watched.contains(dir) {
                self.inner.watch(&path, RecursiveMode::Recursive)?;
                self.watched.insert(dir);
                added = true;
            } else if !exists && self.watched.remove(dir) {
                // Gone: forget it, so a folder created later is watched afresh.
                let _ = self.inner.unwatch(&path);
            }
        }
        Ok(added)
    }

    /// After a batch that needed a full reload (a folder may have been
    /// replaced as a whole, e.g. by `git checkout`), watches every input folder afresh.
    pub fn rewatch_all(&mut self) -> notify::Result<bool> {
        for dir in std::mem::take(&mut self.watched) {
            let _ = self.inner.unwatch(&self.root.join(dir));
        }
        self.refresh()
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
