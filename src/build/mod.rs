//! The build: load → parse → split → render → write, for both targets,
//! into a staging folder that replaces the output only when every step
//! succeeded. Every step collects all its problems; a failed build leaves
//! the last good output as it was.

mod cache;
mod inputs;

pub use cache::cached_site;
mod leaks;
mod links;
mod search;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::{self, Article, Library, Selection};
use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::images::ImageCounts;
use crate::layout::{self, CONTENT_DIR};
use crate::output::{self, Opening, Sink, Staging};
use crate::site::{Cards, Setup, Site, TermValues};

/// What `lede build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site (holding `config.toml` and `content/`).
    pub root: PathBuf,
    /// The output folder (replaced atomically).
    pub out: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// Include articles dated in the future.
    pub future: bool,
    /// Replace an output that had articles with one that has none.
    pub allow_empty: bool,
    /// After writing, look for paid text in every public file, whatever made
    /// it (templates, static files), and refuse the build on a find.
    pub check_leaks: bool,
    /// After writing, follow every link of both trees (`lede check`).
    pub check_links: LinkCheck,
    /// Once swapped in, list the URLs whose files differ from the previous
    /// output's in `changed.txt` beside the trees (`lede build --changed`).
    pub list_changed: bool,
}

/// Which links a build follows once written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LinkCheck {
    /// None.
    #[default]
    Off,
    /// Those within the two trees: pages, files, anchors.
    Internal,
    /// Those too that lead to other hosts, each requested once over the network.
    External,
}

/// What a build did, for its one summary line.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Articles published.
    pub articles: usize,
    /// Of which paywalled.
    pub paywalled: usize,
    /// Plain pages.
    pub pages: usize,
    /// Drafts and future articles left out.
    pub held_back: usize,
    /// Files written across both trees.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time of each step, in order.
    pub steps: Vec<(&'static str, Duration)>,
    /// Where it went.
    pub out: PathBuf,
    /// Folders an interrupted build had left beside the output, cleared by this one.
    pub recovered: usize,
    /// Images whose smaller WebP versions this build made, and those it took from the cache.
    pub images: ImageCounts,
    /// Warnings: what the build let through but the author should see, in file order.
    pub notes: Vec<Diagnostic>,
    /// The hosts whose configurations were written into `deploy/`.
    pub deploy: Vec<&'static str>,
    /// With `--changed`: how many URLs differ from the previous output's.
    pub changed: Option<usize>,
    /// What the extra steps report (the search index's size and time).
    pub lines: Vec<String>,
    /// For a build that replaced an output with a ledger: the files whose
    /// bytes did not change, and those removed.
    pub kept: Option<(usize, usize)>,
    /// Whether the build found nothing changed since the last and wrote nothing.
    pub nothing_changed: bool,
    /// For a build that started from the last build's cache: the files
    /// edited since, and the other articles whose bodies it read again.
    pub from_cache: Option<(usize, usize)>,
}

/// How many warnings a build prints.
const NOTES_SHOWN: usize = 20;

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.nothing_changed {
            write!(
                f,
                "Nothing changed since the last build ({} article{}): no file written to {}, checked in {:.2} s",
                self.articles,
                if self.articles == 1 { "" } else { "s" },
                self.out.display(),
                self.elapsed.as_secs_f64()
            )?;
        } else {
            let held = if self.held_back > 0 { format!(", {} held back as drafts or scheduled", self.held_back) } else { String::new() };
            let (what, kept) = match self.kept {
                Some((kept, 0)) => ("changed", format!(" ({kept} unchanged) in")),
                Some((kept, removed)) => ("changed", format!(" ({kept} unchanged, {removed} removed) in")),
                None => ("written", " to".to_string()),
            };
            write!(
                f,
                "Built {} article{} ({} paywalled{held}) and {} page{}: {} file{} {what}{kept} {} in {:.2} s",
                self.articles,
                if self.articles == 1 { "" } else { "s" },
                self.paywalled,
                self.pages,
                if self.pages == 1 { "" } else { "s" },
                self.files,
                if self.files == 1 { "" } else { "s" },
                self.out.display(),
                self.elapsed.as_secs_f64()
            )?;
        }
        if let Some((edited, read)) = self.from_cache {
            write!(
                f,
                "\nFrom the last build's cache: {edited} edited file{} read, and {read} other article{} whose pages or feeds show an edit",
                if edited == 1 { "" } else { "s" },
                if read == 1 { "" } else { "s" }
            )?;
        }
        if let Some(n) = self.changed {
            write!(f, "\n{n} URL{} changed since the last build, listed in {}", if n == 1 { "" } else { "s" }, self.out.join(CHANGED_FILE).display())?;
        }
        if !self.deploy.is_empty() {
            write!(f, "\nServer configurations for {} in {}", self.deploy.join(" and "), self.out.join(crate::deploy::DEPLOY_DIR).display())?;
        }
        for line in &self.lines {
            write!(f, "\n{line}")?;
        }
        if self.images.made + self.images.cached > 0 {
            write!(f, "\nImages: {} resized, {} from the cache", self.images.made, self.images.cached)?;
        }
        // Enough to act on; an imported archive may have thousands of the same kind.
        for note in self.notes.iter().take(NOTES_SHOWN) {
            write!(f, "\nwarning: {note}")?;
        }
        if self.notes.len() > NOTES_SHOWN {
            write!(f, "\n(and {} more warnings; `lede check` lists them all)", self.notes.len() - NOTES_SHOWN)?;
        }
        if self.recovered > 0 {
            write!(f, "\n(cleared {} folder{} that an interrupted build left beside the output)", self.recovered, if self.recovered == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

/// A further product of a build, beside the pages: fed every article as it
/// is loaded, and finished once both trees are written. The leak check is
/// one; a search index, a link report or an email edition would be others.
trait Extra: Sync {
    /// Notes what it needs of `article`, on the thread that loaded it
    /// (before a build drops the members text it no longer needs).
    fn article(&self, article: &Article);

    /// Finishes with the whole site written into `staging`.
    fn finish(self: Box<Self>, site: &Site, staging: &Staging) -> Result<Done>;

    /// What it does, for `--timings`.
    fn step(&self) -> &'static str;
}

/// What an extra step added to the output, for the summary.
#[derive(Debug, Default)]
struct Done {
    /// Files it wrote.
    files: usize,
    /// A line for the summary.
    line: Option<String>,
    /// The search indexes, by folder (`members/pagefind/2025/`), with their
    /// cache keys: the build cache keeps them, so that a rebuild from it
    /// leaves the indexes that did not change as they are.
    indexes: crate::search::Indexes,
}

/// Builds the site at `opts.root` into `opts.out`, or reports every problem and leaves `out` alone.
pub fn build(opts: &BuildOptions) -> Result<Summary> {
    let started = std::time::SystemTime::now();
    let mut steps = Steps::new();
    let selection = Selection { drafts: opts.drafts, future: opts.future, now: jiff::Timestamp::now() };
    let out = absolute(&opts.out);
    layout::check_output_place(&opts.root, &out, &opts.out)?;
    // The output's ledger and the inputs' metadata are read side by side
    // (at 100,000 articles about 0.3 s each).
    let (opening, inputs) = std::thread::scope(|scope| {
        let inputs = scope.spawn(|| inputs::Inputs::take(opts, started));
        let opening = Opening::take(&out);
        (opening, inputs.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let opening = opening?;
    let fingerprint = inputs.as_ref().and_then(|i| i.fingerprint().cloned());
    // The checks look at what a build writes: asked for, they run.
    let checks = opts.check_leaks || opts.check_links != LinkCheck::Off;
    if !checks
        && let Some(now) = &fingerprint
        && opening.unchanged(|before| now.matches(before, selection.now))
    {
        steps.lap("compare the inputs and the output with the last build's");
        return unchanged(opts, &out, steps, opening.recovered());
    }
    let opening = match &inputs {
        Some(inputs) if !checks => match cache::patch(opts, selection, opening, inputs, &mut steps)? {
            cache::Patched::Done(summary) => return Ok(*summary),
            cache::Patched::Whole(opening) => opening,
        },
        _ => opening,
    };
    let output = opening.begin()?;
    steps.lap("compare the inputs and the output with the last build's");
    let setup = Setup::load(&opts.root, selection)?;
    let mut extras: Vec<Box<dyn Extra>> = Vec::new();
    // First: the checks after it read what it writes.
    if setup.config().search {
        extras.push(Box::new(search::SearchIndex));
    }
    if opts.check_leaks {
        extras.push(Box::new(leaks::LeakScan::default()));
    }
    if opts.check_links != LinkCheck::Off {
        extras.push(Box::new(links::LinkScan { external: opts.check_links == LinkCheck::External }));
    }
    let progress = crate::progress::Progress::start();
    let (library, cards, related) = write_articles(&setup, output.sink(), &extras, &progress)?;
    steps.lap("load, render and write the articles");
    let site = Site::new(setup, library, Some(cards), Some(related));
    progress.stage("listings and feeds");
    // Each article's page in both trees, then everything else.
    let mut files = site.library().articles.len() * 2 + site.render_all_but_articles(output.sink())?;
    steps.lap("render and write listings, feeds and pages");
    refuse_emptying(&site, &out, opts.allow_empty)?;
    // Every check reports, though an earlier one found something.
    let mut problems = Diagnostics::new();
    let mut lines = Vec::new();
    let mut indexes = Vec::new();
    for extra in extras {
        let step = extra.step();
        progress.stage(step);
        match extra.finish(&site, &output) {
            Ok(done) => {
                files += done.files;
                lines.extend(done.line);
                indexes.extend(done.indexes);
            }
            Err(found) => problems.append(found),
        }
        steps.lap(step);
    }
    problems.or(())?;
    progress.stage("swap the new output in");
    crate::deploy::write(&site, &out, output.sink())?;
    steps.lap("write the deploy files");
    let recovered = output.recovered().len();
    let record = fingerprint.map(|f| f.record(site.library().next_due));
    output.record_articles(site.library().articles.len())?;
    if let Some(cache) = inputs.as_ref().and_then(|i| cache::snapshot_of(i, &site, &indexes)) {
        output.write_cache(cache::CACHE_FILE, &cache)?;
    }
    let changes = output.commit_noting(record.as_deref())?;
    drop(progress);
    steps.lap("clear what this build did not write, swap the new output in");
    let changed = if opts.list_changed { Some(write_changed(site.config(), &out, &changes.list())?) } else { None };
    if changes.compared {
        files = changes.written();
    }
    let mut summary = Summary::new(site.library(), files, steps, &opts.out, recovered);
    summary.images = site.images().take_counts();
    summary.notes = site.library().notes();
    summary.changed = changed;
    summary.kept = changes.compared.then_some((changes.kept, changes.removed.len()));
    summary.lines = lines;
    summary.deploy = site.config().deploy.hosts.iter().map(|h| h.name()).collect();
    // Freeing a large site's hundreds of megabytes takes a noticeable
    // moment that nobody needs to wait for: `lede build` exits right after.
    std::thread::spawn(move || drop(site));
    Ok(summary)
}

/// The summary of a build that found every input and output file as the
/// last build left them, and so wrote nothing.
fn unchanged(opts: &BuildOptions, out: &Path, steps: Steps, recovered: usize) -> Result<Summary> {
    let changed = if opts.list_changed { Some(write_changed_if_new(out, "")?) } else { None };
    let mut summary = Summary::new(&Library::default(), 0, steps, &opts.out, recovered);
    summary.articles = output::articles_in(out).unwrap_or_default();
    summary.nothing_changed = true;
    summary.changed = changed;
    Ok(summary)
}

/// The list `--changed` writes beside the trees.
pub const CHANGED_FILE: &str = "changed.txt";

/// Writes `changed.txt` into `out` for the differences `found`, by tree and path; returns how many there are.
fn write_changed(config: &crate::config::Config, out: &Path, found: &[(crate::target::Target, String, crate::output::Difference)]) -> Result<usize> {
    use crate::output::Difference;
    let mut text = String::new();
    for (target, path, difference) in found {
        let mark = match difference {
            Difference::Added => '+',
            Difference::Changed => '~',
            Difference::Removed => '-',
        };
        // A folder's page is asked for by the folder's address.
        let path = path.strip_suffix("index.html").unwrap_or(path);
        text.push(mark);
        text.push(' ');
        text.push_str(&crate::urls::url(config.tree_url(*target), path));
        text.push('\n');
    }
    write_changed_if_new(out, &text)?;
    Ok(found.len())
}

/// Writes `text` as `changed.txt` into `out`, unless it holds that already. Returns 0 lines when empty.
fn write_changed_if_new(out: &Path, text: &str) -> Result<usize> {
    let path = out.join(CHANGED_FILE);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        std::fs::write(&path, text).map_err(|e| Diagnostic::io(&path, "write the list of changed URLs", &e))?;
    }
    Ok(text.lines().count())
}

/// What `lede build` says when it refuses: every problem, and that the output was left alone.
pub fn refusal(problems: &Diagnostics) -> String {
    format!("{problems}; nothing was written")
}

/// Reads every content file in parallel, then renders and writes each
/// article's pages in parallel, once the related articles of each are
/// known (they need every article's tags, authors and column). Returns the
/// library (without the members text it no longer needs), and the
/// articles' cards and related articles, by position in it.
fn write_articles(
    setup: &Setup,
    sink: &dyn Sink,
    extras: &[Box<dyn Extra>],
    progress: &crate::progress::Progress,
) -> Result<(Library, Vec<Cards>, crate::related::Related)> {
    let budget = content::HoldBudget::from_env();
    let each = |article: &mut Article| {
        let unnamed = setup.unnamed_assets(article);
        article.notes.extend(unnamed);
        extras.iter().for_each(|e| e.article(article));
        article.hold(&budget);
    };
    let mut library = Library::load_each(setup.root(), setup.config(), setup.selection(), setup.images(), Some(setup.shortcodes()), progress, &each)?;
    let quick = library.fit_budget(&budget, library.articles.len());
    let metas: Vec<&content::ArticleMeta> = library.articles.iter().map(|a| &a.meta).collect();
    let related = crate::related::related(&metas);
    let terms = TermValues::new(setup.config(), library.articles.iter().map(|a| &a.meta));
    let cards: Vec<Cards> = library.articles.par_iter().map(|a| setup.new_cards(&a.meta, &terms, quick)).collect::<Result<_>>()?;
    progress.step("write the articles' pages", library.articles.len());
    library.articles.par_iter().zip(&related).zip(&cards).try_for_each(|((article, related), own)| {
        let related: Vec<&Cards> = related.iter().map(|&j| &cards[j]).collect();
        setup.write_article(article, own, &related, sink)?;
        progress.inc();
        Ok::<(), crate::diagnostics::Diagnostics>(())
    })?;
    if !setup.config().members_feed {
        // Written; only a members feed would need the full text again.
        library.articles.par_iter_mut().for_each(|a| a.members = None);
    }
    Ok((library, cards, related))
}

/// Refuses to replace an output that had articles with one that has none,
/// unless asked to: most likely content/articles moved, or a link to it
/// broke, and the site would go offline.
fn refuse_emptying(site: &Site, out: &Path, allow_empty: bool) -> Result<()> {
    if site.library().articles.is_empty()
        && !allow_empty
        && let Some(before) = output::articles_in(out).filter(|&n| n > 0)
    {
        return Err(Diagnostic::file(
            CONTENT_DIR,
            format!("this build publishes no articles, where the output it would replace has {before}: check content/articles/, or build with --allow-empty if the site is meant to be empty"),
        )
        .into());
    }
    Ok(())
}

/// `path` made absolute against the working folder.
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()) }
}

/// The wall time of each step of a build, in order.
struct Steps {
    started: Instant,
    lap: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Steps {
    fn new() -> Steps {
        let now = Instant::now();
        Steps { started: now, lap: now, done: Vec::new() }
    }

    /// Ends the step named `name`.
    fn lap(&mut self, name: &'static str) {
        self.done.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

impl Summary {
    fn new(library: &Library, files: usize, steps: Steps, out: &Path, recovered: usize) -> Summary {
        Summary {
            articles: library.articles.len(),
            paywalled: library.articles.iter().filter(|a| a.meta.paywalled).count(),
            pages: library.pages.len(),
            held_back: library.held_back,
            files,
            elapsed: steps.started.elapsed(),
            steps: steps.done,
            out: out.to_path_buf(),
            recovered,
            images: ImageCounts::default(),
            notes: Vec::new(),
            deploy: Vec::new(),
            changed: None,
            lines: Vec::new(),
            kept: None,
            nothing_changed: false,
            from_cache: None,
        }
    }
}
