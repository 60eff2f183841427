//! The build cache: the library as the last build left it (each article's
//! metadata and warnings, the files held back as drafts or scheduled, each
//! article's related articles, each search index's cache key, and every
//! content file's length and time), kept in the output beside its ledger. A build that finds only a few
//! articles changed since then starts from it: it reads and renders those
//! articles, works out what their edit touches as the preview does (the
//! articles whose related sections show them, the listings, feeds and
//! sitemap they appear in), reads the bodies of just the articles whose
//! pages it renders again, makes again the search indexes whose articles
//! changed, and changes only the files whose bytes changed (see
//! `output::Patch`).
//!
//! It holds no paid text (an article's metadata never does: only a hash of
//! the words each tree shows, which never leaves the cache), and goes with
//! its output: deleting it, or the ledger, costs one whole build.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::Timestamp;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::inputs::Inputs;
use super::{BuildOptions, Steps, Summary};
use crate::content::{Article, ArticleMeta, Item, Library, Selection};
use crate::diagnostics::{Diagnostic, Result};
use crate::layout::{CONTENT_DIR, ContentKind, content_kind};
use crate::output::{Opening, Patch};
use crate::search::Indexes;
use crate::site::{Edit, Setup, Site, Update};
use crate::urls;

/// Where articles are, below the site root.
const ARTICLES_DIR: &str = "content/articles";

/// The cache's file, in the output beside the ledger.
pub const CACHE_FILE: &str = ".lede-library";

/// Past this many changed files, or a hundredth of the articles, a whole
/// build is quicker: it reads and renders every article on every core,
/// where working out what each edit touches goes one edit at a time.
const MOST_EDITS: usize = 256;

/// What the cache file holds.
#[derive(Debug, Deserialize)]
struct Snapshot {
    /// `lede-library <format> <version>`: another lede's cache is not read.
    header: String,
    /// [`Inputs::fixed`] of the build that wrote it.
    fixed: u128,
    /// Every content file's path as that build found it, one a line (read
    /// as one string: 100,000 paths each read on its own took 0.1 s).
    paths: String,
    /// Their lengths and times (see [`Inputs::content`]), in the same order.
    stamps: Vec<(u64, i128)>,
    /// The published articles, in the library's order, with their
    /// warnings: in runs of [`RUN`], each encoded on its own, so that they
    /// are read on every core.
    articles: Vec<Vec<u8>>,
    /// The files held back, with the instant each scheduled one is due.
    held: Vec<(PathBuf, Option<Timestamp>)>,
    /// Each article's related articles, by position.
    related: Related,
    /// The search indexes, by folder (`members/pagefind/2025/`), with their cache keys.
    indexes: Indexes,
}

/// [`Snapshot`] as it is written, borrowing from the site: a copy of a
/// 100,000-article library's metadata would add 200 MB to a build's peak.
#[derive(Serialize)]
struct SnapshotOf<'a> {
    header: String,
    fixed: u128,
    paths: String,
    stamps: Vec<(u64, i128)>,
    articles: Vec<Vec<u8>>,
    held: &'a [(PathBuf, Option<Timestamp>)],
    related: Related,
    indexes: &'a [(String, String)],
}

/// Each article's related articles, by position: how many each has, and all of them in a row.
#[derive(Debug, Serialize, Deserialize)]
struct Related {
    counts: Vec<u32>,
    all: Vec<u32>,
}

impl Snapshot {
    /// Every content file the build that wrote it found, relative to the site root.
    fn files(&self) -> impl Iterator<Item = &Path> {
        self.paths.split('\n').filter(|p| !p.is_empty()).map(Path::new)
    }
}

fn header() -> String {
    format!("lede-library 2 {}", env!("CARGO_PKG_VERSION"))
}

/// The cache of a build that read `inputs` and made `site` and the search
/// `indexes` (by folder, with their keys), as bytes for its output folder;
/// none when it cannot be written down (a path that is not UTF-8).
pub fn snapshot_of(inputs: &Inputs, site: &Site, indexes: &Indexes) -> Option<Vec<u8>> {
    let library = site.library();
    let snapshot = SnapshotOf {
        header: header(),
        fixed: inputs.fixed?,
        paths: inputs.content.iter().map(|(p, ..)| p.to_str()).collect::<Option<Vec<&str>>>()?.join("\n"),
        stamps: inputs.content.iter().map(|(_, len, mtime)| (*len, *mtime)).collect(),
        articles: library
            .articles
            .par_chunks(RUN)
            .map(|run| postcard::to_stdvec(&run.iter().map(|a| (&a.meta, a.notes.as_slice())).collect::<Vec<_>>()).ok())
            .collect::<Option<_>>()?,
        held: &library.held,
        related: Related { counts: site.related().iter().map(|r| r.len() as u32).collect(), all: site.related().iter().flatten().map(|&j| j as u32).collect() },
        indexes,
    };
    postcard::to_stdvec(&snapshot).ok()
}

/// An article as the cache keeps it: its metadata and its warnings.
type Kept = (ArticleMeta, Vec<Diagnostic>);

/// Articles a run of the cache holds: reading 100,000 articles' metadata
/// in one piece took 0.3 s.
const RUN: usize = 4096;

/// Reads the cache in the output `out`, if this lede wrote it, with its articles.
fn read(out: &Path) -> Option<(Snapshot, Vec<Kept>)> {
    let bytes = std::fs::read(out.join(CACHE_FILE)).ok()?;
    let snapshot: Snapshot = postcard::from_bytes(&bytes).ok()?;
    if snapshot.header != header() || snapshot.files().count() != snapshot.stamps.len() {
        return None;
    }
    let runs: Vec<Vec<Kept>> = snapshot.articles.par_iter().map(|run| postcard::from_bytes(run).ok()).collect::<Option<_>>()?;
    let articles: Vec<Kept> = runs.into_iter().flatten().collect();
    let related = &snapshot.related;
    let whole = related.counts.len() == articles.len() && related.counts.iter().map(|&n| n as usize).sum::<usize>() == related.all.len();
    (whole && related.all.iter().all(|&j| (j as usize) < articles.len())).then_some((snapshot, articles))
}

/// What [`patch`] did: the build, or nothing, handing the output back for a whole build.
pub enum Patched {
    /// The output is up to date.
    Done(Box<Summary>),
    /// A whole build is needed.
    Whole(Opening),
}

/// The site the cache in `out` describes, brought up to date with the
/// articles edited since (its other articles unread), with the edited
/// files and what their edit touched: none wherever the cache cannot
/// vouch for the site. That is another lede, other settings, templates or
/// static files, a page or bio or other file edited, too many edits, an
/// article due since, an output that `vouched` does not vouch for, a site
/// left with no article (refused, or allowed, by the whole build) and
/// anything unexpected on the way.
///
/// `vouched` runs on its own thread while the cache is read and the site
/// brought up to date, as neither needs the other (at 100,000 articles
/// each takes about half a second); it is told to stop, through its flag,
/// once the cache is found unusable, so a whole build does not wait on it.
fn from_cache(root: &Path, out: &Path, selection: Selection, inputs: &Inputs, vouched: impl FnOnce(&AtomicBool) -> bool + Send) -> Result<Option<Started>> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let check = scope.spawn(|| vouched(&stop));
        let started = from_cache_unchecked(root, out, selection, inputs);
        if !matches!(started, Ok(Some(_))) {
            stop.store(true, Ordering::Relaxed);
        }
        let vouched = check.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(started?.filter(|_| vouched))
    })
}

/// [`from_cache`] but for the output's check.
fn from_cache_unchecked(root: &Path, out: &Path, selection: Selection, inputs: &Inputs) -> Result<Option<Started>> {
    let Some((mut snapshot, articles)) = read(out).filter(|(s, _)| Some(s.fixed) == inputs.fixed) else { return Ok(None) };
    if snapshot.held.iter().any(|(_, due)| due.is_some_and(|d| d <= selection.now)) {
        return Ok(None);
    }
    let Some(edited) = edited(&snapshot, inputs).filter(|e| e.len() <= MOST_EDITS.min(articles.len() / 100).max(16)) else { return Ok(None) };
    let setup = Setup::load(root, selection)?;
    let indexes = std::mem::take(&mut snapshot.indexes);
    let Some(mut site) = site_of(setup, snapshot, articles, inputs, &edited) else { return Ok(None) };
    let statics = BTreeSet::new();
    let Ok(update) = site.update(Edit { content: &edited, templates: false, statics: &statics }) else { return Ok(None) };
    if site.library().articles.is_empty() || site.hold_edited(&edited).is_err() {
        return Ok(None);
    }
    Ok(Some(Started { site, update, edited, indexes }))
}

/// A site taken from the cache ([`from_cache`]).
struct Started {
    site: Site,
    /// What the edits since the cache was written touched.
    update: Update,
    /// The files edited since.
    edited: BTreeSet<PathBuf>,
    /// The search indexes the output holds, by folder, with their cache keys.
    indexes: Indexes,
}

/// Brings the output up to date from its cache, when only articles
/// changed since the build that wrote it, and few of them (see
/// [`from_cache`]); otherwise hands the output back for a whole build,
/// which also reports problems with every file.
pub fn patch(opts: &BuildOptions, selection: Selection, opening: Opening, inputs: &Inputs, steps: &mut Steps) -> Result<Patched> {
    let out = opening.out().to_path_buf();
    let Some(Started { mut site, update, edited, indexes }) = from_cache(&opts.root, &out, selection, inputs, |stop| opening.output_as_noted_unless(stop))?
    else {
        return Ok(Patched::Whole(opening));
    };
    let Ok(bodies) = site.read_bodies(&site.bodies_for(&update.jobs)) else { return Ok(Patched::Whole(opening)) };
    steps.lap("read the last build's cache and the articles the edit touched");
    let recovered = opening.recovered();
    let patch = match opening.patch() {
        Ok(patch) => patch,
        Err(opening) => return Ok(Patched::Whole(*opening)),
    };
    site.render_jobs(&update.jobs, &patch)?;
    let rendered = site.write_assets_of(&update.jobs, &patch)?;
    crate::deploy::write(&site, &out, &patch)?;
    remove_gone(&site, &patch, &update.removed, &rendered);
    steps.lap("render and write what the edit touched");
    let (indexes, line) = if site.config().search { search_indexes(&site, &opts.root, &patch, &indexes)? } else { (Vec::new(), None) };
    steps.lap("build the search indexes");
    let library = site.library();
    let record = inputs.fingerprint().map(|f| f.record(library.next_due));
    let cache = snapshot_of(inputs, &site, &indexes);
    let (changes, written) = patch.commit(record.as_deref(), library.articles.len(), &[(CACHE_FILE, cache.as_deref())])?;
    steps.lap("write the changed files, the cache and the ledger");
    let changed = if opts.list_changed { Some(super::write_changed(site.config(), &out, &changes.list())?) } else { None };
    let mut summary = Summary::new(library, written, std::mem::replace(steps, Steps::new()), &opts.out, recovered);
    summary.notes = library.notes();
    summary.changed = changed;
    summary.kept = Some((changes.kept, changes.removed.len()));
    summary.deploy = site.config().deploy.hosts.iter().map(|h| h.name()).collect();
    summary.images = site.images().take_counts();
    summary.from_cache = Some((edited.len(), bodies));
    summary.lines.extend(line);
    // Freeing 100,000 articles' metadata is nothing anyone waits for: `lede build` exits right after.
    std::thread::spawn(move || drop(site));
    Ok(Patched::Done(Box::new(summary)))
}

/// Brings the search indexes of the output up to date with `site`: an
/// index whose cache key is the one `before` notes for its folder is left
/// as it is; another is taken from the index cache, or made from its
/// articles read again, and the files of the one it replaces removed, as
/// are those of an index that is gone. Its indexes by folder with their
/// keys, and the summary's line.
fn search_indexes(site: &Site, root: &Path, patch: &Patch, before: &Indexes) -> Result<(Indexes, Option<String>)> {
    let records = site.library().articles.iter().map(|a| std::sync::Arc::new(crate::search::Record::bare(&a.meta))).collect();
    let before: HashMap<&str, &str> = before.iter().map(|(dir, key)| (dir.as_str(), key.as_str())).collect();
    let report = crate::search::write(records, site.config(), root, patch, &|records| super::search::with_text(site, records), &|dir, key| {
        before.get(dir) == Some(&key)
    })?;
    let kept: Vec<String> = report.made.iter().filter(|(_, _, written)| !written).map(|(dir, ..)| dir.clone()).collect();
    let replaced: Vec<String> = report
        .made
        .iter()
        .filter(|(_, _, written)| *written)
        .map(|(dir, ..)| dir.clone())
        .chain(before.keys().filter(|dir| !report.made.iter().any(|(d, ..)| d == *dir)).map(|dir| dir.to_string()))
        .collect();
    patch.remove_below(&replaced, &kept);
    let line = report.to_string();
    Ok((report.made.into_iter().map(|(dir, key, _)| (dir, key)).collect(), Some(line)))
}

/// The site as the last `lede build` into `out` left it, brought up to
/// date with the articles edited since, with every other article unread:
/// the preview starts from it without reading every article (each is read
/// when its page is asked for). None wherever [`patch`] would build the
/// whole site.
pub fn cached_site(root: &Path, out: &Path, drafts: bool, future: bool, selection: Selection) -> Option<Site> {
    let opts = BuildOptions { root: root.to_path_buf(), out: out.to_path_buf(), drafts, future, ..BuildOptions::default() };
    let inputs = Inputs::take(&opts, std::time::SystemTime::now())?;
    // The preview never reads the output's pages: only its cache.
    // Its search index is built from the site when a search page asks for it.
    from_cache(root, out, selection, &inputs, |_| true).ok().flatten().map(|started| started.site)
}

/// The articles changed, added or removed since the snapshot's build, by
/// Markdown file relative to the site root (a bundle's for a file beside
/// it), or none when a file edited is no article's.
fn edited(snapshot: &Snapshot, inputs: &Inputs) -> Option<BTreeSet<PathBuf>> {
    let before: HashMap<&std::ffi::OsStr, (u64, i128)> = snapshot.files().map(|p| p.as_os_str()).zip(snapshot.stamps.iter().copied()).collect();
    let now: HashSet<&std::ffi::OsStr> = inputs.content.iter().map(|(p, ..)| p.as_os_str()).collect();
    let mut edited: BTreeSet<PathBuf> = inputs
        .content
        .iter()
        // A time of 0 is a file that had just changed: it is read again.
        .filter(|(p, len, mtime)| *mtime == 0 || before.get(p.as_os_str()).is_none_or(|&(l, m)| l != *len || m != *mtime))
        .map(|(p, ..)| p.clone())
        .collect();
    edited.extend(snapshot.files().filter(|p| !now.contains(p.as_os_str())).map(Path::to_path_buf));
    // A file beside a bundle's `index.md` (a figure) is part of that article.
    let markdown = |rel: &Path| before.contains_key(rel.as_os_str()) || now.contains(rel.as_os_str());
    edited
        .into_iter()
        .map(|rel| match content_kind(rel.strip_prefix(CONTENT_DIR).unwrap_or(&rel)) {
            ContentKind::Article => Some(rel),
            ContentKind::NotContent => rel.ancestors().skip(1).take_while(|d| d.starts_with(ARTICLES_DIR)).map(|d| d.join("index.md")).find(|i| markdown(i)),
            _ => None,
        })
        .collect()
}

/// The site the snapshot describes, before `edited` changed: its articles
/// unread, its pages and bios read afresh (none of them changed).
fn site_of(setup: Setup, snapshot: Snapshot, articles: Vec<Kept>, inputs: &Inputs, edited: &BTreeSet<PathBuf>) -> Option<Site> {
    // Keyed by the paths' bytes: hashing a `Path` walks its components.
    let known: HashSet<&std::ffi::OsStr> = articles.iter().map(|(m, _)| m.source.as_os_str()).chain(snapshot.held.iter().map(|(p, _)| p.as_os_str())).collect();
    let mut library = Library::default();
    for (rel, ..) in inputs.content.iter().filter(|(rel, ..)| !known.contains(rel.as_os_str()) && !edited.contains(rel)) {
        if !matches!(content_kind(rel.strip_prefix(CONTENT_DIR).unwrap_or(rel)), ContentKind::Page | ContentKind::Bio) {
            // A bundle's file, or a new kind of file: none with a page of its own.
            continue;
        }
        match crate::content::load_file_with(setup.root(), &setup.root().join(rel), setup.config(), setup.selection(), setup.images(), Some(setup.shortcodes()))
        {
            Ok(Item::Page(p)) => library.pages.push(p),
            Ok(Item::Bio(b)) => {
                library.bios.insert(b.slug.clone(), b);
            }
            _ => return None,
        }
    }
    library.pages.sort_by(|a, b| a.path.cmp(&b.path));
    library.articles = articles.into_iter().map(|(meta, notes)| Article::unread(meta, notes)).collect();
    library.set_held(snapshot.held);
    let mut all = snapshot.related.all.iter().map(|&j| j as usize);
    let related = snapshot.related.counts.iter().map(|&n| all.by_ref().take(n as usize).collect()).collect();
    Some(Site::new(setup, library, None, Some(related)))
}

/// Notes the files no longer made: those the edit removed, and any file of
/// an article's folder (a figure it no longer shows) that its page's new
/// rendering did not write again. The redirect pages of old addresses are
/// kept wherever they are.
fn remove_gone(site: &Site, patch: &Patch, removed: &[String], rendered: &[String]) {
    let aliases: BTreeSet<String> = crate::content::aliases(site.library())
        .flat_map(|(alias, ..)| crate::target::Target::ALL.map(|t| format!("{}/{}", t.dir(), urls::alias_file(&alias.path))))
        .collect();
    let mut dirs: Vec<String> = rendered.iter().map(|slug| urls::article_dir(slug)).collect();
    for path in removed {
        match path.strip_suffix(urls::INDEX).filter(|dir| dir.starts_with(urls::ARTICLES)) {
            Some(dir) => dirs.push(dir.to_string()),
            None => patch.remove(path),
        }
    }
    patch.remove_under(&dirs, &aliases);
}

impl Site {
    /// Notes which of the `edited` files are now held back, and when each is due.
    fn hold_edited(&mut self, edited: &BTreeSet<PathBuf>) -> Result<()> {
        let mut held: Vec<(PathBuf, Option<Timestamp>)> = self.library().held.iter().filter(|(p, _)| !edited.contains(p)).cloned().collect();
        let published: HashSet<&std::ffi::OsStr> = self.library().articles.iter().map(|a| a.meta.source.as_os_str()).collect();
        for rel in edited.iter().filter(|rel| !published.contains(rel.as_os_str())) {
            let abs = self.root().join(rel);
            if !abs.is_file() {
                continue;
            }
            match crate::content::load_file_with(self.root(), &abs, self.config(), self.selection(), self.images(), None) {
                Ok(Item::HeldBack(due)) => held.push((rel.clone(), due)),
                _ => return Err(Diagnostic::file(rel, "neither published nor held back").into()),
            }
        }
        held.sort();
        self.set_held(held);
        Ok(())
    }
}
