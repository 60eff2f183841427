//! The build: load → parse → split → render → write, for both targets.
//! Every step collects all its problems; nothing is written to the output
//! unless all steps succeeded.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::content::{self, Article, Library, Selection};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{DiskSink, Sink, Staging, Target};
use crate::render::theme;
use crate::render::views::{ArticleView, CardView, PageView, Paginator, SiteView};
use crate::render::Renderer;

/// The folder of files copied verbatim.
pub const STATIC_DIR: &str = "static";

/// What `lede build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site (holding `config.toml` and `content/`).
    pub root: PathBuf,
    /// The output folder (replaced atomically).
    pub out: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// Include articles dated in the future.
    pub future: bool,
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
    /// Where it went.
    pub out: PathBuf,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = if self.held_back > 0 { format!(", {} held back as drafts or scheduled", self.held_back) } else { String::new() };
        write!(
            f,
            "Built {} article{} ({} paywalled{held}) and {} page{}: {} files written to {} in {:.2} s",
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            self.paywalled,
            self.pages,
            if self.pages == 1 { "" } else { "s" },
            self.files,
            self.out.display(),
            self.elapsed.as_secs_f64()
        )
    }
}

/// A loaded site: settings, templates and content, ready to render.
pub struct Site {
    /// Settings.
    pub config: Config,
    /// Compiled templates.
    pub renderer: Renderer,
    /// Content.
    pub library: Library,
    /// The site root.
    pub root: PathBuf,
}

impl Site {
    /// Loads settings, templates and content, reporting every problem found.
    pub fn load(root: &Path, selection: Selection) -> Result<Site, Diagnostics> {
        let config = Config::load(root).map_err(Diagnostics)?;
        let (renderer, library) = rayon::join(|| Renderer::load(root), || content::load(root, &config, selection));
        let mut problems = Vec::new();
        let renderer = renderer.map_err(|mut p| problems.append(&mut p)).ok();
        let library = library.map_err(|mut p| problems.append(&mut p)).ok();
        match (renderer, library) {
            (Some(renderer), Some(library)) if problems.is_empty() => {
                Ok(Site { config, renderer, library, root: root.to_path_buf() })
            }
            _ => Err(Diagnostics(problems).sorted()),
        }
    }

    /// Renders every page of both trees into `sink`; returns the number of files.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<usize, Diagnostics> {
        let written = AtomicUsize::new(0);
        let jobs = self.jobs();
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .flat_map_iter(|job| Target::ALL.map(|t| (job, t)))
            .filter_map(|(job, target)| {
                let result = self.render_job(*job, target).and_then(|(path, html)| sink.write(target, &path, html.as_bytes()));
                match result {
                    Ok(()) => {
                        written.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                    Err(e) => Some(e),
                }
            })
            .collect();
        let static_files = self.copy_static(sink).map_err(|e| Diagnostics(vec![e]))?;
        if !errors.is_empty() {
            return Err(Diagnostics(errors).sorted());
        }
        Ok(written.into_inner() + static_files)
    }

    /// Every page the site has, as units of parallel work.
    fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..self.library.articles.len()).map(Job::Article).collect();
        jobs.extend((0..self.library.pages.len()).map(Job::Page));
        jobs.extend((1..=self.home_pages()).map(Job::Home));
        jobs
    }

    fn home_pages(&self) -> usize {
        self.library.articles.len().div_ceil(self.config.paginate_by).max(1)
    }

    fn context(&self, site: &SiteView<'_>) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", site);
        ctx
    }

    /// Renders one page for one target: its output path and HTML.
    pub fn render_job(&self, job: Job, target: Target) -> Result<(String, String), Diagnostic> {
        let site = SiteView::new(&self.config, target);
        let mut ctx = self.context(&site);
        match job {
            Job::Article(i) => {
                let article = &self.library.articles[i];
                ctx.insert("page", &article_view(&site, article, target));
                let html = self.renderer.render("article.html", &ctx)?;
                Ok((format!("articles/{}/index.html", article.meta.slug), html))
            }
            Job::Page(i) => {
                let page = &self.library.pages[i];
                ctx.insert("page", &PageView::new(&site, page));
                Ok((format!("{}/index.html", page.path), self.renderer.render("page.html", &ctx)?))
            }
            Job::Home(n) => {
                let per = self.config.paginate_by;
                let total = self.home_pages();
                let slice = self.library.articles.iter().skip((n - 1) * per).take(per);
                let cards: Vec<CardView<'_>> = slice.map(|a| CardView::new(&site, &a.meta)).collect();
                let url = |k: usize| if k == 1 { format!("{}/", site.url) } else { format!("{}/page/{k}/", site.url) };
                let paginator = Paginator {
                    current: n,
                    total,
                    previous: (n > 1).then(|| url(n - 1)),
                    next: (n < total).then(|| url(n + 1)),
                };
                ctx.insert("articles", &cards);
                ctx.insert("paginator", &paginator);
                let path = if n == 1 { "index.html".to_string() } else { format!("page/{n}/index.html") };
                Ok((path, self.renderer.render("index.html", &ctx)?))
            }
        }
    }

    /// Copies the built-in static files, then the site's `static/` over them, into both trees.
    fn copy_static(&self, sink: &dyn Sink) -> Result<usize, Diagnostic> {
        let mut files: std::collections::BTreeMap<String, Vec<u8>> =
            theme::STATIC.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        let dir = self.root.join(STATIC_DIR);
        let canonical_root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).follow_links(false).sort_by_file_name() {
                let entry = entry.map_err(|e| Diagnostic::file(STATIC_DIR, format!("could not read: {e}")))?;
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let shown = Path::new(STATIC_DIR).join(rel);
                if entry.file_type().is_symlink() {
                    // A link may point anywhere; only files inside the site are published.
                    let target = entry.path().canonicalize().map_err(|e| Diagnostic::io(&shown, "follow the link", &e))?;
                    if !target.starts_with(&canonical_root) {
                        return Err(Diagnostic::file(shown, "links to a file outside the site; copy the file in instead"));
                    }
                    if !target.is_file() {
                        continue;
                    }
                } else if !entry.file_type().is_file() {
                    continue;
                }
                let bytes = std::fs::read(entry.path()).map_err(|e| Diagnostic::io(&shown, "read the file", &e))?;
                let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                files.insert(key, bytes);
            }
        }
        for (path, bytes) in &files {
            for target in Target::ALL {
                sink.write(target, path, bytes)?;
            }
        }
        Ok(files.len() * 2)
    }
}

/// One unit of rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// An article, by index in the library.
    Article(usize),
    /// A plain page, by index.
    Page(usize),
    /// A page of the home listing (1-based).
    Home(usize),
}

/// The one place that picks which part of an article a target may show.
fn article_view<'a>(site: &SiteView<'_>, article: &'a Article, target: Target) -> ArticleView<'a> {
    match (target, &article.members) {
        (Target::Members, Some(full)) => ArticleView::new(site, &article.meta, full, false),
        (Target::Public, Some(_)) => ArticleView::new(site, &article.meta, &article.public, true),
        (_, None) => ArticleView::new(site, &article.meta, &article.public, false),
    }
}

/// Builds the site at `opts.root` into `opts.out`, or reports every problem and leaves `out` alone.
pub fn build(opts: &BuildOptions) -> Result<Summary, Diagnostics> {
    let started = Instant::now();
    let selection = Selection { drafts: opts.drafts, future: opts.future, today: crate::dates::today() };
    let out = if opts.out.is_absolute() { opts.out.clone() } else { std::env::current_dir().map(|d| d.join(&opts.out)).unwrap_or_else(|_| opts.out.clone()) };
    if opts.root.canonicalize().ok().zip(out.canonicalize().ok()).is_some_and(|(r, o)| r.starts_with(&o)) {
        return Err(Diagnostic::file(&opts.out, "the output folder contains the site itself; choose another --out").into());
    }
    let site = Site::load(&opts.root, selection)?;
    let staging = Staging::new(&out).map_err(Diagnostics::from)?;
    let files = site.render_all(&DiskSink::new(staging.path()))?;
    staging.commit().map_err(Diagnostics::from)?;
    let lib = &site.library;
    Ok(Summary {
        articles: lib.articles.len(),
        paywalled: lib.articles.iter().filter(|a| a.meta.paywalled).count(),
        pages: lib.pages.len(),
        held_back: lib.held_back,
        files,
        elapsed: started.elapsed(),
        out: opts.out.clone(),
    })
}
