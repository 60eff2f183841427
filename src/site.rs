//! The build: load → parse → split → render → write, for both targets.
//! Every step collects all its problems; nothing is written to the output
//! unless all steps succeeded. Also owns the listings (home, columns, tags,
//! authors, years) and which pages an edit touches.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::value::Key;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::{self, Article, Item, Library, Selection, newest_first};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{ContentKind, content_kind};
use crate::output::{Sink, Staging};
use crate::render::Renderer;
use crate::render::feeds::{self, Feed, FeedEntry, SitemapUrl};
use crate::render::theme;
use crate::render::views::{ArticleText, CardView, ListingView, PageView, Paginator, SeoView, SiteView, TermCount};
use crate::target::{PerTarget, Target};
use crate::urls;
pub use crate::urls::TermKind;

/// The folder of files copied verbatim.
pub const STATIC_DIR: &str = "static";

/// The class wrapping the paid blocks on members pages (and named in their JSON-LD).
pub const PAID_SELECTOR: &str = ".paid-content";

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
        )?;
        if self.recovered > 0 {
            write!(f, "\n(cleared {} folder{} that an interrupted build left beside the output)", self.recovered, if self.recovered == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

// The display names of a kind of term; its folder is in `urls`.
impl TermKind {
    /// The name templates see (`listing.kind`).
    pub fn singular(self) -> &'static str {
        match self {
            TermKind::Column => "column",
            TermKind::Tag => "tag",
            TermKind::Author => "author",
            TermKind::Year => "year",
        }
    }

    fn index_title(self) -> &'static str {
        match self {
            TermKind::Column => "Columns",
            TermKind::Tag => "Topics",
            TermKind::Author => "Authors",
            TermKind::Year => "Archive",
        }
    }
}

/// A paginated list of articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListingKey {
    /// The home page.
    Home,
    /// A column, tag, author or year, by slug.
    Term(TermKind, String),
}

impl ListingKey {
    /// Output path of page `n` (1-based).
    pub fn path(&self, n: usize) -> String {
        urls::listing_path(self.term(), n)
    }

    /// Absolute URL of page `n` under `root`.
    pub fn url(&self, root: &str, n: usize) -> String {
        urls::listing_url(root, self.term(), n)
    }

    fn term(&self) -> Option<(TermKind, &str)> {
        match self {
            ListingKey::Home => None,
            ListingKey::Term(kind, slug) => Some((*kind, slug)),
        }
    }
}

/// The articles of one listing, newest first, as indexes into the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Display name.
    pub name: String,
    /// Indexes into `Library::articles`.
    pub articles: Vec<usize>,
}

/// Every listing of a site.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// By key; `Home` is always present.
    pub listings: BTreeMap<ListingKey, Listing>,
}

impl Index {
    /// Groups the (sorted) articles into listings.
    pub fn new(articles: &[Article]) -> Index {
        // Grouped under borrowed keys first: the preview server rebuilds the
        // index on every edit, and an owned key per lookup would allocate
        // for every term of every article.
        let mut by_term: std::collections::HashMap<(TermKind, &str), (&str, Vec<usize>)> = std::collections::HashMap::new();
        let mut years: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
        for (i, a) in articles.iter().enumerate() {
            for (kind, name, slug) in terms(&a.meta) {
                let (_, list) = by_term.entry((kind, slug)).or_insert_with(|| (name, Vec::new()));
                // Two spellings of one term in one article ("EU", "Eu") list it once.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            years.entry(a.meta.date.date().year()).or_default().push(i);
        }
        let mut listings: BTreeMap<ListingKey, Listing> = BTreeMap::new();
        listings.insert(ListingKey::Home, Listing { name: String::new(), articles: (0..articles.len()).collect() });
        for ((kind, slug), (name, list)) in by_term {
            listings.insert(ListingKey::Term(kind, slug.to_string()), Listing { name: name.to_string(), articles: list });
        }
        for (year, list) in years {
            let year = year.to_string();
            listings.insert(ListingKey::Term(TermKind::Year, year.clone()), Listing { name: year, articles: list });
        }
        Index { listings }
    }

    /// Takes article `i` out of every listing; the articles after it move up one.
    fn remove_article(&mut self, i: usize) {
        for listing in self.listings.values_mut() {
            listing.articles.retain(|&j| j != i);
            for j in &mut listing.articles {
                if *j > i {
                    *j -= 1;
                }
            }
        }
        self.listings.retain(|key, listing| *key == ListingKey::Home || !listing.articles.is_empty());
    }

    /// Puts the article now at `pos` of `articles` into its listings; the
    /// articles from `pos` on move down one. Cheaper than [`Index::new`]
    /// when one article of a large archive changes.
    fn insert_article(&mut self, pos: usize, articles: &[Article]) {
        for listing in self.listings.values_mut() {
            for j in &mut listing.articles {
                if *j >= pos {
                    *j += 1;
                }
            }
        }
        for key in listing_keys(&articles[pos].meta) {
            let listing = self.listings.entry(key).or_insert_with(|| Listing { name: String::new(), articles: Vec::new() });
            if let Err(at) = listing.articles.binary_search(&pos) {
                listing.articles.insert(at, pos);
            }
        }
    }

    /// Names `keys`' listings as their newest article spells them, as [`Index::new`] does.
    fn name_listings<'k>(&mut self, keys: impl Iterator<Item = &'k ListingKey>, articles: &[Article]) {
        for key in keys {
            let ListingKey::Term(kind, slug) = key else { continue };
            let Some(listing) = self.listings.get_mut(key) else { continue };
            let Some(meta) = listing.articles.first().map(|&i| &articles[i].meta) else { continue };
            let name = match kind {
                TermKind::Year => Some(slug.as_str()),
                _ => terms(meta).find(|(k, _, s)| k == kind && s == slug).map(|(_, name, _)| name),
            };
            if let Some(name) = name {
                listing.name = name.to_string();
            }
        }
    }

    fn pages(&self, key: &ListingKey, per: usize) -> usize {
        page_count(key, self.listings.get(key).map_or(0, |l| l.articles.len()), per)
    }
}

/// Pages of a listing of `len` articles; the home page exists even when empty.
fn page_count(key: &ListingKey, len: usize, per: usize) -> usize {
    let n = len.div_ceil(per);
    if *key == ListingKey::Home { n.max(1) } else { n }
}

impl Index {}

/// One unit of rendering, for one or both targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// An article, by index in the library.
    Article(usize),
    /// A plain page, by index.
    Page(usize),
    /// Page `n` of a listing.
    Listing(ListingKey, usize),
    /// The index of all terms of a kind (`/tags/`, `/archive/`, …).
    Terms(TermKind),
    /// The site feed (`None`) or a column's.
    Feed(Option<String>),
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
    /// `/subscribe/`.
    Subscribe,
}

/// What an edit changed: pages to render again and output paths to delete.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Jobs to render in both targets.
    pub jobs: Vec<Job>,
    /// Output paths (relative, in both trees) that no longer exist.
    pub removed: Vec<String>,
}

/// A loaded site: settings, templates and content, ready to render.
pub struct Site {
    /// Settings (move the site with [`Site::relocate`], which also updates what is built from them).
    pub config: Config,
    /// Compiled templates (replace them with [`Site::set_renderer`], which also drops what was rendered with them).
    pub renderer: Renderer,
    /// Content.
    pub library: Library,
    /// Listings over `library.articles`.
    pub index: Index,
    /// The site root.
    pub root: PathBuf,
    /// Which articles this site includes.
    pub selection: Selection,
    /// Template values shared by many pages.
    views: Views,
}

/// Template values that many pages share, built once rather than per page:
/// `site` per tree, and each article's card per tree (on first use, as an
/// article appears on several listing pages).
struct Views {
    site: PerTarget<Value>,
    /// Each article's card per tree: its fields (a `CardView`) and `html`,
    /// the card rendered. Its page starts from the same fields.
    cards: Vec<PerTarget<OnceLock<Result<Value, Diagnostic>>>>,
}

/// Room for a page's markup around its body and cards, so that the buffer
/// a page is rendered into rarely has to grow (the built-in theme's pages
/// are 4 to 6 KB without them).
const PAGE_CAPACITY: usize = 8 * 1024;

/// The partial every listing shows an article with.
const CARD_TEMPLATE: &str = "partials/card.html";

/// The field of a card in listings that holds it rendered (`article.html`).
const CARD_HTML: &str = "html";

impl Views {
    fn new(config: &Config, articles: usize) -> Views {
        Views { site: PerTarget::from_fn(|t| Value::from_serializable(&SiteView::new(config, t))), cards: (0..articles).map(|_| Default::default()).collect() }
    }
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
            (Some(renderer), Some(library)) if problems.is_empty() => Ok(Site::without_content(config, renderer, root, selection).with_library(library)),
            _ => Err(Diagnostics(problems).sorted()),
        }
    }

    /// Loads the site for `lede build`, rendering each article's pages into
    /// `sink` as soon as it is read; returns the site (without the members
    /// text it no longer needs) and the number of files written.
    pub fn load_writing_articles(
        root: &Path,
        selection: Selection,
        sink: &dyn Sink,
        texts: Option<&Mutex<Vec<ArticleTexts>>>,
    ) -> Result<(Site, usize), Diagnostics> {
        let config = Config::load(root).map_err(Diagnostics)?;
        let renderer = match Renderer::load(root) {
            Ok(r) => r,
            Err(mut problems) => {
                // Report the content's problems in the same run.
                if let Err(mut more) = content::load(root, &config, selection) {
                    problems.append(&mut more);
                }
                return Err(Diagnostics(problems).sorted());
            }
        };
        let site = Site::without_content(config, renderer, root, selection);
        let written = AtomicUsize::new(0);
        let keep_members = site.config.members_feed;
        let made_cards = Mutex::new(Vec::new());
        let write_pages = |article: &mut Article| -> Result<(), Diagnostic> {
            for target in Target::ALL {
                let card = site.new_card(&article.meta, target)?;
                let (path, html) = site.render_article(article, target, card.clone())?;
                made_cards.lock().unwrap_or_else(PoisonError::into_inner).push((article.meta.slug.clone(), target, card));
                sink.write(target, &path, &html)?;
                written.fetch_add(1, Ordering::Relaxed);
            }
            if let Some(texts) = texts {
                texts.lock().unwrap_or_else(PoisonError::into_inner).push(ArticleTexts::of(article));
            }
            if !keep_members {
                // Written; only a members feed would need the full text again.
                article.members = None;
            }
            Ok(())
        };
        let library = content::load_each(root, &site.config, selection, Some(&write_pages)).map_err(|p| Diagnostics(p).sorted())?;
        let mut site = site.with_library(library);
        site.keep_cards(made_cards.into_inner().unwrap_or_else(PoisonError::into_inner));
        Ok((site, written.into_inner()))
    }

    /// A site with settings and templates and no content yet.
    fn without_content(config: Config, renderer: Renderer, root: &Path, selection: Selection) -> Site {
        Site { views: Views::new(&config, 0), config, renderer, library: Library::default(), index: Index::default(), root: root.to_path_buf(), selection }
    }

    /// The site with `library` as its content, and the listings over it.
    fn with_library(mut self, library: Library) -> Site {
        self.index = Index::new(&library.articles);
        self.library = library;
        self.reset_views();
        self
    }

    /// Drops what was built from the settings, templates or content before they changed.
    fn reset_views(&mut self) {
        self.views = Views::new(&self.config, self.library.articles.len());
    }

    /// Serves both trees from other addresses (the preview server's), instead of `base_url` and `members_url`.
    pub fn relocate(&mut self, base_url: &str, members_url: &str) {
        self.config.base_url = base_url.to_string();
        self.config.members_url = members_url.to_string();
        self.reset_views();
    }

    /// Uses other templates from now on (the preview server's reload after a template edit).
    pub fn set_renderer(&mut self, renderer: Renderer) {
        self.renderer = renderer;
        // Cards hold HTML rendered with the old templates.
        self.reset_views();
    }

    /// Renders every page of both trees and the static files into `sink`; returns the number of files.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<usize, Diagnostics> {
        self.render_jobs_and_statics(&self.jobs(), sink)
    }

    fn render_jobs_and_statics(&self, jobs: &[Job], sink: &dyn Sink) -> Result<usize, Diagnostics> {
        let pages = self.render_jobs(jobs, sink)?;
        let files = self.static_files().map_err(Diagnostics::from)?;
        for (path, bytes) in &files {
            for target in Target::ALL {
                sink.write(target, path, bytes).map_err(Diagnostics::from)?;
            }
        }
        Ok(pages + files.len() * 2)
    }

    /// Renders `jobs` for both targets in parallel; returns the number of files written.
    pub fn render_jobs(&self, jobs: &[Job], sink: &dyn Sink) -> Result<usize, Diagnostics> {
        let written = AtomicUsize::new(0);
        let errors: Vec<Diagnostic> = jobs
            .par_iter()
            .flat_map_iter(|job| Target::ALL.map(|t| (job, t)))
            .filter_map(|(job, target)| {
                let result = self.render_job(job, target).and_then(|out| match out {
                    Some((path, bytes)) => {
                        written.fetch_add(1, Ordering::Relaxed);
                        sink.write(target, &path, &bytes)
                    }
                    None => Ok(()),
                });
                result.err()
            })
            .collect();
        if errors.is_empty() { Ok(written.into_inner()) } else { Err(Diagnostics(errors).sorted()) }
    }

    /// Every page the site has.
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..self.library.articles.len()).map(Job::Article).collect();
        jobs.extend(self.jobs_but_articles());
        jobs
    }

    /// Every page but the articles' (which `lede build` writes as it loads them).
    fn jobs_but_articles(&self) -> Vec<Job> {
        let per = self.config.paginate_by;
        let mut jobs: Vec<Job> = (0..self.library.pages.len()).map(Job::Page).collect();
        for key in self.index.listings.keys() {
            jobs.extend((1..=self.index.pages(key, per)).map(|n| Job::Listing(key.clone(), n)));
        }
        jobs.extend(TermKind::ALL.map(Job::Terms));
        jobs.push(Job::Feed(None));
        for key in self.index.listings.keys() {
            if let ListingKey::Term(TermKind::Column, slug) = key {
                jobs.push(Job::Feed(Some(slug.clone())));
            }
        }
        jobs.extend([Job::Sitemap, Job::Robots, Job::NotFound, Job::Subscribe]);
        jobs
    }

    fn context(&self, target: Target, seo: &SeoView) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.views.site[target].clone());
        ctx.insert("seo", seo);
        ctx
    }

    /// The card of article `i` as listings see it in `target`'s tree, with
    /// `html`, the card rendered through `partials/card.html`: built on first
    /// use and shared by the article's page and every listing page it is on.
    fn card(&self, i: usize, target: Target) -> Result<Value, Diagnostic> {
        self.views.cards[i][target].get_or_init(|| self.new_card(&self.library.articles[i].meta, target)).clone()
    }

    fn new_card(&self, meta: &content::ArticleMeta, target: Target) -> Result<Value, Diagnostic> {
        let fields = Value::from_serializable(&CardView::new(&SiteView::new(&self.config, target), meta));
        let mut ctx = Context::new();
        ctx.insert_value("site", self.views.site[target].clone());
        ctx.insert_value("article", fields.clone());
        let html = self.renderer.render(CARD_TEMPLATE, &ctx)?;
        // With the context gone, the fields are this value's alone: extended in place, not copied.
        drop(ctx);
        let mut card = fields.into_map().unwrap_or_default();
        card.insert(Key::from(CARD_HTML), Value::from(html));
        Ok(Value::from(card))
    }

    /// Keeps the cards that `lede build` made for the article pages it
    /// wrote while loading, for the listings to reuse.
    fn keep_cards(&mut self, made: Vec<(String, Target, Value)>) {
        let by_slug: HashMap<&str, usize> = self.library.articles.iter().enumerate().map(|(i, a)| (a.meta.slug.as_str(), i)).collect();
        for (slug, target, card) in made {
            if let Some(&i) = by_slug.get(slug.as_str()) {
                let _ = self.views.cards[i][target].set(Ok(card));
            }
        }
    }

    /// Search-engine fields; members pages name the public copy as canonical.
    fn seo_for(&self, title: String, description: &str, path: &str) -> SeoView {
        SeoView {
            title,
            description: if description.is_empty() { self.config.description.clone() } else { description.to_string() },
            canonical: format!("{}/{path}", self.config.base_url),
            og_type: "website",
            json_ld: None,
            published: None,
            modified: None,
        }
    }

    /// Renders one output file for one target: its path and text, or `None`
    /// when the job has no file in that target (feeds, sitemap).
    pub fn render_job(&self, job: &Job, target: Target) -> Result<Option<(String, Vec<u8>)>, Diagnostic> {
        let site = SiteView::new(&self.config, target);
        let page_title = |t: &str| format!("{t} · {}", self.config.title);
        match job {
            Job::Article(i) => self.render_article(&self.library.articles[*i], target, self.card(*i, target)?).map(Some),
            Job::Page(i) => {
                let page = &self.library.pages[*i];
                let dir = urls::page_dir(&page.path);
                let seo = self.seo_for(page_title(&page.title), &page.teaser, &dir);
                let mut ctx = self.context(target, &seo);
                ctx.insert("page", &PageView::new(&site, page));
                Ok(Some((urls::index_of(&dir), self.renderer.render_page("page.html", &ctx, PAGE_CAPACITY)?)))
            }
            Job::Listing(key, n) => self.render_listing(&site, target, key, *n).map(Some),
            Job::Terms(kind) => {
                let terms: Vec<TermCount<'_>> = self
                    .index
                    .listings
                    .iter()
                    .filter_map(|(k, l)| match k {
                        ListingKey::Term(k2, _) if k2 == kind => Some(TermCount { name: &l.name, url: k.url(site.url, 1), count: l.articles.len() }),
                        _ => None,
                    })
                    .collect();
                let mut terms = terms;
                if *kind == TermKind::Year {
                    terms.reverse();
                }
                let dir = urls::terms_dir(*kind);
                let seo = self.seo_for(page_title(kind.index_title()), "", &dir);
                let mut ctx = self.context(target, &seo);
                ctx.insert("kind", kind.singular());
                ctx.insert("title", kind.index_title());
                ctx.insert("terms", &terms);
                Ok(Some((urls::index_of(&dir), self.renderer.render_page("terms.html", &ctx, PAGE_CAPACITY)?)))
            }
            Job::Feed(column) => {
                if target == Target::Members && !self.config.members_feed {
                    return Ok(None);
                }
                Ok(self.render_feed(&site, target, column.as_deref()).map(|(path, xml)| (path, xml.into_bytes())))
            }
            Job::Sitemap => Ok((target == Target::Public).then(|| (urls::SITEMAP.into(), self.sitemap().into_bytes()))),
            Job::Robots => Ok(Some((urls::ROBOTS.into(), feeds::robots(&self.config, target == Target::Public).into_bytes()))),
            Job::NotFound => {
                let seo = self.seo_for(page_title("Page not found"), "", urls::NOT_FOUND);
                let ctx = self.context(target, &seo);
                Ok(Some((urls::NOT_FOUND.into(), self.renderer.render_page("404.html", &ctx, PAGE_CAPACITY)?)))
            }
            Job::Subscribe => {
                let seo = self.seo_for(page_title("Subscribe"), &self.config.pitch, urls::SUBSCRIBE_DIR);
                let mut ctx = self.context(target, &seo);
                ctx.insert("page", &SubscribePage { title: "Subscribe", url: urls::url(site.url, urls::SUBSCRIBE_DIR) });
                Ok(Some((urls::index_of(urls::SUBSCRIBE_DIR), self.renderer.render_page("subscribe.html", &ctx, PAGE_CAPACITY)?)))
            }
        }
    }

    /// An article's page in one target: its path and HTML. `card` is its card in that target.
    fn render_article(&self, article: &Article, target: Target, card: Value) -> Result<(String, Vec<u8>), Diagnostic> {
        let meta = &article.meta;
        let dir = urls::article_dir(&meta.slug);
        let public_url = urls::url(&self.config.base_url, &dir);
        let mut seo = self.seo_for(meta.title.clone(), &meta.teaser, &dir);
        seo.og_type = "article";
        seo.published = Some(meta.date.rfc3339());
        seo.modified = meta.updated.map(|d| d.rfc3339());
        let selector = (target == Target::Members).then_some(PAID_SELECTOR);
        seo.json_ld = Some(feeds::news_article_json_ld(&self.config, meta, &public_url, selector));
        let mut ctx = self.context(target, &seo);
        let (part, locked) = article_part(article, target);
        ctx.insert_value("page", ArticleText::new(part, locked).page(card, CARD_HTML));
        let capacity = part.html.len() + part.footnotes_html.len() + PAGE_CAPACITY;
        Ok((urls::index_of(&dir), self.renderer.render_page("article.html", &ctx, capacity)?))
    }

    fn render_listing(&self, site: &SiteView<'_>, target: Target, key: &ListingKey, n: usize) -> Result<(String, Vec<u8>), Diagnostic> {
        let per = self.config.paginate_by;
        let empty = Listing { name: String::new(), articles: Vec::new() };
        let listing = self.index.listings.get(key).unwrap_or(&empty);
        let total = self.index.pages(key, per);
        let cards: Vec<Value> = listing.articles.iter().skip((n - 1) * per).take(per).map(|&i| self.card(i, target)).collect::<Result<_, _>>()?;
        // Cards run to about a kilobyte each.
        let capacity = PAGE_CAPACITY + cards.len() * 1024;
        let cards = Value::from(cards);
        let paginator =
            Paginator { current: n, total, previous: (n > 1).then(|| key.url(site.url, n - 1)), next: (n < total).then(|| key.url(site.url, n + 1)) };
        let path = key.path(n);
        let url_path = path.strip_suffix(urls::INDEX).unwrap_or(&path);
        let suffix = if n > 1 { format!(", page {n}") } else { String::new() };
        match key {
            ListingKey::Home => {
                let title = if n > 1 { format!("{} · page {n}", self.config.title) } else { self.config.title.clone() };
                let seo = self.seo_for(title, "", url_path);
                let mut ctx = self.context(target, &seo);
                ctx.insert_value("articles", cards);
                ctx.insert("paginator", &paginator);
                Ok((path, self.renderer.render_page("index.html", &ctx, capacity)?))
            }
            ListingKey::Term(kind, slug) => {
                let bio = match kind {
                    TermKind::Author => self.library.bios.get(slug).map(|b| b.html.as_str()),
                    _ => None,
                };
                let view = ListingView {
                    kind: kind.singular(),
                    name: &listing.name,
                    slug,
                    url: key.url(site.url, 1),
                    count: listing.articles.len(),
                    bio,
                    feed_url: (*kind == TermKind::Column).then(|| urls::url(&self.config.base_url, &urls::column_feed_path(slug))),
                };
                let description = format!("{} from {}: {}{suffix}", listing.name, self.config.title, kind.index_title().to_lowercase());
                let seo = self.seo_for(format!("{}{suffix} · {}", listing.name, self.config.title), &description, url_path);
                let mut ctx = self.context(target, &seo);
                ctx.insert("listing", &view);
                ctx.insert_value("articles", cards);
                ctx.insert("paginator", &paginator);
                Ok((path, self.renderer.render_page("listing.html", &ctx, capacity)?))
            }
        }
    }

    /// A feed of the newest articles (of one column, when given). Public
    /// feeds carry the public part; the members feed (if enabled) the whole.
    fn render_feed(&self, site: &SiteView<'_>, target: Target, column: Option<&str>) -> Option<(String, String)> {
        let key = match column {
            Some(slug) => ListingKey::Term(TermKind::Column, slug.to_string()),
            None => ListingKey::Home,
        };
        let listing = self.index.listings.get(&key)?;
        let entries = listing
            .articles
            .iter()
            .take(self.config.feed_limit)
            .map(|&i| {
                let a = &self.library.articles[i];
                let (part, members_url) = match (target, &a.members) {
                    (Target::Members, Some(full)) => (full, None),
                    _ if a.meta.paywalled => (&a.public, Some(urls::article_url(&self.config.members_url, &a.meta.slug))),
                    _ => (&a.public, None),
                };
                FeedEntry { meta: &a.meta, part, url: urls::article_url(site.url, &a.meta.slug), members_url }
            })
            .collect();
        let (path, title) = match column {
            Some(slug) => (urls::column_feed_path(slug), format!("{} · {}", listing.name, self.config.title)),
            None => (urls::FEED.to_string(), self.config.title.clone()),
        };
        let feed = Feed { title, self_url: urls::url(site.url, &path), alternate: key.url(site.url, 1), entries };
        Some((path, feed.to_atom(&self.config)))
    }

    /// Every public page worth indexing: home, articles, pages, first pages of listings.
    fn sitemap(&self) -> String {
        let base = &self.config.base_url;
        let newest = self.library.articles.first().map(|a| a.meta.updated.unwrap_or(a.meta.date).iso_date());
        let mut urls = vec![SitemapUrl { loc: urls::url(base, ""), lastmod: newest }];
        for a in &self.library.articles {
            let m = &a.meta;
            urls.push(SitemapUrl { loc: urls::article_url(base, &m.slug), lastmod: Some(m.updated.unwrap_or(m.date).iso_date()) });
        }
        for p in &self.library.pages {
            urls.push(SitemapUrl { loc: urls::page_url(base, &p.path), lastmod: p.date.map(|d| d.iso_date()) });
        }
        for kind in TermKind::ALL {
            urls.push(SitemapUrl { loc: urls::url(base, &urls::terms_dir(kind)), lastmod: None });
        }
        for (key, listing) in &self.index.listings {
            if *key != ListingKey::Home {
                let lastmod = listing.articles.first().map(|&i| self.library.articles[i].meta.date.iso_date());
                urls.push(SitemapUrl { loc: key.url(base, 1), lastmod });
            }
        }
        urls.push(SitemapUrl { loc: urls::url(base, urls::SUBSCRIBE_DIR), lastmod: None });
        feeds::sitemap(&urls)
    }

    /// The built-in static files, then the site's `static/` over them.
    pub fn static_files(&self) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        let mut files: BTreeMap<String, Vec<u8>> = theme::STATIC.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        let dir = self.root.join(STATIC_DIR);
        // A link may point anywhere; only files inside the site are published.
        let (paths, problems) = crate::layout::walk(&self.root, STATIC_DIR);
        if let Some(first) = problems.into_iter().next() {
            return Err(first);
        }
        for path in paths {
            let rel = path.strip_prefix(&dir).unwrap_or(&path);
            let shown = Path::new(STATIC_DIR).join(rel);
            let bytes = std::fs::read(&path).map_err(|e| Diagnostic::io(&shown, "read the file", &e))?;
            let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.insert(key, bytes);
        }
        Ok(files.into_iter().collect())
    }

    /// Re-reads one file below `content/` (created, changed or deleted; `rel`
    /// is relative to the site root) and says which pages must be rendered
    /// again and which output files no longer exist. On error the site is unchanged.
    pub fn update_content(&mut self, rel: &Path) -> Result<Update, Diagnostics> {
        let abs = self.root.join(rel);
        let item = if abs.is_file() {
            // The same links are followed as in a build's walk of content/.
            crate::layout::check_input_file(&self.root, &abs).map_err(Diagnostics::from)?;
            Some(content::load_file(&self.root, &abs, &self.config, self.selection).map_err(|d| Diagnostics(d).sorted())?)
        } else {
            None
        };
        let under = rel.strip_prefix(content::CONTENT_DIR).unwrap_or(rel);
        match content_kind(under) {
            ContentKind::Article => {
                let article = match item {
                    Some(Item::Article(a)) => Some(a),
                    _ => None,
                };
                self.update_article(rel, article)
            }
            ContentKind::Bio => {
                let slug = content::file_slug(rel);
                match item {
                    Some(Item::Bio(b)) => {
                        self.library.bios.insert(slug.clone(), b);
                    }
                    _ => {
                        self.library.bios.remove(&slug);
                    }
                }
                let key = ListingKey::Term(TermKind::Author, slug);
                let pages = self.index.pages(&key, self.config.paginate_by);
                Ok(Update { jobs: (1..=pages).map(|n| Job::Listing(key.clone(), n)).collect(), removed: Vec::new() })
            }
            ContentKind::Page | ContentKind::MisspeltFolder { .. } | ContentKind::NotContent => {
                let page = match item {
                    Some(Item::Page(p)) => Some(p),
                    _ => None,
                };
                self.update_page(rel, page)
            }
        }
    }

    fn update_article(&mut self, rel: &Path, new: Option<Article>) -> Result<Update, Diagnostics> {
        let articles = &self.library.articles;
        if let Some(a) = &new
            && let Some(other) = articles.iter().find(|b| b.meta.slug == a.meta.slug && b.meta.source != rel)
        {
            return Err(
                Diagnostic::file(rel, format!("two articles have the slug {:?}: {} and {}", a.meta.slug, other.meta.source.display(), rel.display())).into()
            );
        }
        let old_index = source_position(articles.iter().map(|a| a.meta.source.as_path()), rel);
        let old = old_index.map(|i| &articles[i].meta);
        let keys: BTreeSet<ListingKey> =
            std::iter::once(ListingKey::Home).chain(old.into_iter().chain(new.as_ref().map(|a| &a.meta)).flat_map(listing_keys)).collect();
        // Where the article stood in each listing, and how long each was.
        let before: Vec<(ListingKey, Option<usize>, usize)> = keys
            .into_iter()
            .map(|key| {
                let list = self.index.listings.get(&key).map_or(&[][..], |l| l.articles.as_slice());
                let at = old_index.and_then(|i| list.binary_search(&i).ok());
                (key, at, list.len())
            })
            .collect();
        let old_slug = old.map(|m| m.slug.clone());
        let new_slug = new.as_ref().map(|a| a.meta.slug.clone());
        // The sitemap lists each article's URL and date and each listing's
        // newest date: an edit that keeps those (most edits) leaves it as it
        // was, and it is the largest file to render again (a line per article).
        let sitemap_facts = |m: &content::ArticleMeta| (m.slug.clone(), m.date, m.updated, listing_keys(m));
        let sitemap_changed = old.map(sitemap_facts) != new.as_ref().map(|a| sitemap_facts(&a.meta));

        if let Some(i) = old_index {
            self.library.articles.remove(i);
            self.index.remove_article(i);
            self.views.cards.remove(i);
        }
        let mut jobs = Vec::new();
        let mut new_index = None;
        if let Some(a) = new {
            let pos = self.library.articles.binary_search_by(|b| newest_first(&b.meta, &a.meta)).unwrap_or_else(|e| e);
            self.library.articles.insert(pos, a);
            self.index.insert_article(pos, &self.library.articles);
            self.views.cards.insert(pos, Default::default());
            jobs.push(Job::Article(pos));
            new_index = Some(pos);
        }
        self.index.name_listings(before.iter().map(|(k, _, _)| k), &self.library.articles);

        let mut removed = Vec::new();
        if let Some(old) = &old_slug
            && new_slug.as_ref() != Some(old)
        {
            removed.push(urls::article_path(old));
        }
        let per = self.config.paginate_by;
        // A feed carries the newest articles of its listing only.
        let in_feed = |at: Option<usize>| at.is_some_and(|at| at < self.config.feed_limit);
        let mut home_feed = false;
        for (key, old_at, old_len) in before {
            let list = self.index.listings.get(&key).map_or(&[][..], |l| l.articles.as_slice());
            let new_at = new_index.and_then(|i| list.binary_search(&i).ok());
            let pages_before = page_count(&key, old_len, per);
            let pages_after = self.index.pages(&key, per);
            // Counts show on every page; otherwise only the pages from where
            // the article was to where it is now change (the cards between shift).
            let changed = match (old_at, new_at) {
                (Some(o), Some(n)) if old_len == list.len() => o.min(n) / per + 1..=o.max(n) / per + 1,
                _ => 1..=pages_after,
            };
            jobs.extend(changed.filter(|&n| n <= pages_after).map(|n| Job::Listing(key.clone(), n)));
            removed.extend((pages_after + 1..=pages_before).map(|n| key.path(n)));
            let feed_changed = in_feed(old_at) || in_feed(new_at);
            match &key {
                ListingKey::Term(TermKind::Column, slug) if pages_after == 0 => removed.push(urls::column_feed_path(slug)),
                ListingKey::Term(TermKind::Column, slug) if feed_changed => jobs.push(Job::Feed(Some(slug.clone()))),
                ListingKey::Home => home_feed = feed_changed,
                _ => {}
            }
        }
        jobs.extend(TermKind::ALL.map(Job::Terms));
        if home_feed {
            jobs.push(Job::Feed(None));
        }
        if sitemap_changed {
            jobs.push(Job::Sitemap);
        }
        Ok(Update { jobs, removed })
    }

    fn update_page(&mut self, rel: &Path, new: Option<content::Page>) -> Result<Update, Diagnostics> {
        if let Some(p) = &new
            && let Some(other) = self.library.pages.iter().find(|q| q.path == p.path && q.source != rel)
        {
            return Err(Diagnostic::file(rel, format!("two pages would be written to /{}/: {} and {}", p.path, other.source.display(), rel.display())).into());
        }
        let mut removed = Vec::new();
        if let Some(i) = source_position(self.library.pages.iter().map(|p| p.source.as_path()), rel) {
            let old = self.library.pages.remove(i);
            if new.as_ref().is_none_or(|p| p.path != old.path) {
                removed.push(urls::page_path(&old.path));
            }
        }
        let mut jobs = vec![Job::Sitemap];
        if let Some(p) = new {
            let pos = self.library.pages.binary_search_by(|q| q.path.cmp(&p.path)).unwrap_or_else(|e| e);
            self.library.pages.insert(pos, p);
            jobs.push(Job::Page(pos));
        }
        Ok(Update { jobs, removed })
    }
}

/// The listings an article appears in.
fn listing_keys(meta: &content::ArticleMeta) -> Vec<ListingKey> {
    let mut keys = vec![ListingKey::Home, ListingKey::Term(TermKind::Year, meta.date.date().year().to_string())];
    keys.extend(terms(meta).map(|(kind, _, slug)| ListingKey::Term(kind, slug.to_string())));
    keys
}

/// Where the file `rel` stands among `sources`.
fn source_position<'a>(sources: impl Iterator<Item = &'a Path>, rel: &Path) -> Option<usize> {
    content::positions(sources, &BTreeSet::from([rel.to_path_buf()])).first().copied()
}

/// An article's column, tags and authors: kind, name as written, slug.
fn terms(meta: &content::ArticleMeta) -> impl Iterator<Item = (TermKind, &str, &str)> {
    let column = meta.column.as_deref().zip(meta.column_slug.as_deref()).map(|(name, slug)| (TermKind::Column, name, slug));
    let tags = meta.tags.iter().zip(&meta.tag_slugs).map(|(name, slug)| (TermKind::Tag, name.as_str(), slug.as_str()));
    let authors = meta.authors.iter().zip(&meta.author_slugs).map(|(name, slug)| (TermKind::Author, name.as_str(), slug.as_str()));
    column.into_iter().chain(tags).chain(authors)
}

/// The standalone subscribe page's `page`.
#[derive(Serialize)]
struct SubscribePage {
    title: &'static str,
    url: String,
}

/// The one place that picks which part of an article a target may show,
/// and whether the page is locked (the public page of a paywalled article).
fn article_part(article: &Article, target: Target) -> (&crate::markdown::Part, bool) {
    match (target, &article.members) {
        (Target::Members, Some(full)) => (full, false),
        (Target::Public, Some(_)) => (&article.public, true),
        (_, None) => (&article.public, false),
    }
}

/// The site's folders that a build reads. An output inside one (or the
/// staging and spare folders beside it) would be read back as input: inside
/// `static/`, the members tree would be copied into the public one.
const INPUT_DIRS: [&str; 3] = [content::CONTENT_DIR, STATIC_DIR, crate::render::TEMPLATES_DIR];

/// A path made absolute and free of `.` and `..`, with links resolved as far
/// as it exists (the output and its parent may not exist yet).
fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Refuses an output folder that holds the site, or that lies (with the
/// staging and spare folders made beside it) inside a folder the build reads.
fn check_output_place(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = resolved(root);
    let out = resolved(out);
    if root.starts_with(&out) {
        return Err(Diagnostic::file("", "the output folder contains the site itself; choose another --out"));
    }
    // Staging and spare folders sit beside the output, so its parent counts too.
    let beside = out.parent().unwrap_or(&out);
    for dir in INPUT_DIRS {
        let input = root.join(dir);
        if out.starts_with(&input) || beside.starts_with(&input) {
            return Err(Diagnostic::file(
                "",
                format!(
                    "the output folder (or the staging folder beside it) would be inside the site's {dir}/, which the build reads: the members tree could be published with it; choose an --out outside {dir}/"
                ),
            ));
        }
    }
    Ok(())
}

/// What the leak check needs of an article: its paid text, and the text
/// anyone may read that the paid text may repeat without leaking.
pub struct ArticleTexts {
    source: PathBuf,
    paid: String,
    public: String,
}

impl ArticleTexts {
    fn of(article: &Article) -> ArticleTexts {
        let m = &article.meta;
        let mut public = String::new();
        for text in [m.title.as_str(), m.teaser.as_str(), m.column.as_deref().unwrap_or_default(), &article.public.html, &article.public.footnotes_html] {
            public.push_str(text);
            public.push('\n');
        }
        for term in m.tags.iter().chain(&m.authors) {
            public.push_str(term);
            public.push('\n');
        }
        let paid = match &article.members {
            Some(full) => format!("{}\n{}", full.html.get(full.paid_from..).unwrap_or_default(), full.footnotes_html),
            None => String::new(),
        };
        ArticleTexts { source: m.source.clone(), paid, public }
    }
}

/// Looks for the paid text of `texts` in every file of `public_dir`, the
/// public text of the articles, pages and bios excusing what it repeats.
fn check_leaks(site: &Site, texts: Vec<ArticleTexts>, public_dir: &Path) -> Result<(), Diagnostics> {
    use crate::leakcheck::LeakCheck;
    let mut check = texts
        .par_iter()
        .fold(LeakCheck::new, |mut check, t| {
            check.add_public(&t.public);
            if !t.paid.is_empty() {
                check.add_paid(&t.source, &t.paid);
            }
            check
        })
        .reduce(LeakCheck::new, |mut a, b| {
            a.merge(b);
            a
        });
    for page in &site.library.pages {
        check.add_public(&format!("{}\n{}\n{}\n{}", page.title, page.teaser, page.body.html, page.body.footnotes_html));
    }
    for bio in site.library.bios.values() {
        check.add_public(&bio.html);
    }
    let index = check.finish();
    let paid: HashMap<&Path, &str> = texts.iter().map(|t| (t.source.as_path(), t.paid.as_str())).collect();
    let lookup = |source: &Path| paid.get(source).map(|t| t.to_string());
    let leaks = index.scan_tree(public_dir, &lookup).map_err(Diagnostics::from)?;
    if leaks.is_empty() {
        return Ok(());
    }
    Err(Diagnostics(leaks.into_iter().map(Diagnostic::from).collect()).sorted())
}

/// Builds the site at `opts.root` into `opts.out`, or reports every problem and leaves `out` alone.
pub fn build(opts: &BuildOptions) -> Result<Summary, Diagnostics> {
    let started = Instant::now();
    let selection = Selection { drafts: opts.drafts, future: opts.future, now: jiff::Timestamp::now() };
    let out = if opts.out.is_absolute() { opts.out.clone() } else { std::env::current_dir().map(|d| d.join(&opts.out)).unwrap_or_else(|_| opts.out.clone()) };
    check_output_place(&opts.root, &out).map_err(|d| Diagnostics::from(Diagnostic { file: opts.out.clone(), ..d }))?;
    let mut steps = Vec::new();
    let mut lap = Instant::now();
    let mut step = |name: &'static str| {
        steps.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let staging = Staging::new(&out).map_err(Diagnostics::from)?;
    let recovered = staging.recovered().len();
    let sink = staging.sink();
    let texts = opts.check_leaks.then(|| Mutex::new(Vec::new()));
    let (site, article_files) = Site::load_writing_articles(&opts.root, selection, sink, texts.as_ref())?;
    step("load, render and write the articles");
    let files = article_files + site.render_jobs_and_statics(&site.jobs_but_articles(), sink)?;
    step("render and write listings, feeds and pages");
    let articles = site.library.articles.len();
    if articles == 0
        && !opts.allow_empty
        && let Some(before) = crate::output::articles_in(&out).filter(|&n| n > 0)
    {
        // Most likely content/articles moved, or a link to it broke: replacing
        // the site with an empty one would take every article offline.
        return Err(Diagnostic::file(
            crate::content::CONTENT_DIR,
            format!("this build publishes no articles, where the output it would replace has {before}: check content/articles/, or build with --allow-empty if the site is meant to be empty"),
        )
        .into());
    }
    if let Some(texts) = texts {
        check_leaks(&site, texts.into_inner().unwrap_or_else(PoisonError::into_inner), &staging.path().join(Target::Public.dir()))?;
        step("look for paid text in every public file");
    }
    staging.record_articles(articles).map_err(Diagnostics::from)?;
    staging.commit().map_err(Diagnostics::from)?;
    step("clear what this build did not write, swap the new output in");
    let lib = &site.library;
    let summary = Summary {
        articles: lib.articles.len(),
        paywalled: lib.articles.iter().filter(|a| a.meta.paywalled).count(),
        pages: lib.pages.len(),
        held_back: lib.held_back,
        files,
        elapsed: started.elapsed(),
        steps,
        out: opts.out.clone(),
        recovered,
    };
    // Freeing a large site's hundreds of megabytes takes a noticeable
    // moment that nobody needs to wait for: `lede build` exits right after.
    std::thread::spawn(move || drop(site));
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with_one_article() -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::write(root.join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\n").expect("config");
        std::fs::create_dir_all(root.join("content/articles")).expect("content");
        std::fs::write(root.join("content/articles/one.md"), "+++\ntitle = \"First Story\"\ndate = 2026-01-02\n+++\nText.\n").expect("article");
        let now = "2026-11-28T00:00:00Z".parse().expect("instant");
        let site = Site::load(root, Selection { drafts: false, future: false, now }).expect("load");
        (dir, site)
    }

    const TAGS: [&str; 5] = ["EU", "Trade", "Energy", "Eu", "Arctic"];

    fn article_text(i: usize, day: usize, title: &str) -> String {
        let tags: Vec<String> = (0..i % 3 + 1).map(|k| format!("{:?}", TAGS[(i + k) % TAGS.len()])).collect();
        format!(
            "+++\ntitle = \"{title}\"\ndate = 2025-{:02}-{:02}\ncolumn = \"{}\"\nauthors = [\"Writer {}\"]\ntags = [{}]\n+++\nFree text {i}.\n",
            day / 28 + 1,
            day % 28 + 1,
            if i.is_multiple_of(2) { "North" } else { "South" },
            i % 3,
            tags.join(", ")
        )
    }

    /// Every file of the public tree but the articles' (listings, feeds, sitemap, …), by path.
    fn listing_pages(site: &Site) -> BTreeMap<String, String> {
        site.jobs_but_articles()
            .iter()
            .filter_map(|j| site.render_job(j, Target::Public).expect("render"))
            .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8")))
            .collect()
    }

    #[test]
    fn an_edit_rerenders_exactly_the_listing_pages_it_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::write(root.join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\npaginate_by = 3\n").expect("config");
        std::fs::create_dir_all(root.join("content/articles")).expect("content");
        for i in 0..30 {
            std::fs::write(root.join(format!("content/articles/a{i:02}.md")), article_text(i, i * 7, &format!("Story {i}"))).expect("article");
        }
        let selection = Selection { drafts: false, future: false, now: "2026-11-28T00:00:00Z".parse().expect("instant") };
        let mut site = Site::load(root, selection).expect("load");
        // Whether the edit keeps the article's URL, dates and listings.
        const IN_PLACE: bool = true;
        let edits: Vec<(&str, Option<String>, bool)> = vec![
            ("a05", Some(article_text(5, 5 * 7, "Story 5 retitled")), IN_PLACE),
            ("a05", Some(article_text(5, 5 * 7, "Story 5 retitled") + "Another paragraph.\n"), IN_PLACE),
            ("a27", Some(article_text(27, 27 * 7, "Story 27, among the newest, retitled")), IN_PLACE),
            ("a05", Some(article_text(5, 300, "Story 5 moved to the top")), false),
            ("a12", Some(article_text(13, 12 * 7, "Story 12 with other tags")), false),
            ("a20", None, false),
            ("a31", Some(article_text(31, 1, "A new oldest story")), false),
            ("a00", Some(article_text(3, 0, "Story 0 spelled Eu")), false),
            ("a29", Some(article_text(29, 100, "Story 29 moved down")), false),
        ];
        for (name, text, in_place) in edits {
            let rel = format!("content/articles/{name}.md");
            let before = listing_pages(&site);
            let existed = root.join(&rel).exists();
            match &text {
                Some(t) => std::fs::write(root.join(&rel), t).expect("write"),
                None => std::fs::remove_file(root.join(&rel)).expect("delete"),
            }
            let update = site.update_content(Path::new(&rel)).expect("update");
            let fresh = Site::load(root, selection).expect("reload");
            assert_eq!(site.index, fresh.index, "after {name}: the index as a full load builds it");
            let after = listing_pages(&site);
            assert_eq!(after, listing_pages(&fresh), "after {name}: pages as a full build renders them");
            let rerendered: BTreeSet<String> =
                update.jobs.iter().filter_map(|j| site.render_job(j, Target::Public).expect("render")).map(|(path, _)| path).collect();
            for (path, html) in &after {
                if before.get(path) != Some(html) {
                    assert!(rerendered.contains(path), "after {name}: {path} changed but is not rendered again");
                }
            }
            for path in before.keys().filter(|p| !after.contains_key(*p)) {
                assert!(update.removed.contains(path), "after {name}: {path} is gone but not removed");
            }
            // And not much more: when an article is edited in place (no listing
            // grows or shrinks), unchanged home pages are left alone.
            if existed && text.is_some() {
                let home = after.iter().filter(|(p, _)| *p == "index.html" || p.starts_with("page/"));
                for (path, html) in home {
                    assert!(before.get(path) != Some(html) || !rerendered.contains(path), "after {name}: {path} did not change");
                }
            }
            // Nor the sitemap, or a feed the article is too old for.
            if in_place {
                assert!(!rerendered.contains("sitemap.xml"), "after {name}: the sitemap is rendered again");
                for path in after.keys().filter(|p| p.ends_with("atom.xml")) {
                    if before.get(path) == after.get(path) {
                        assert!(!rerendered.contains(path), "after {name}: {path} did not change but is rendered again");
                    }
                }
            }
        }
    }

    fn home(site: &Site) -> String {
        let (_, html) = site.render_job(&Job::Listing(ListingKey::Home, 1), Target::Public).expect("render").expect("a page");
        String::from_utf8(html).expect("UTF-8")
    }

    #[test]
    fn cards_follow_new_templates_and_new_content() {
        let (dir, mut site) = site_with_one_article();
        assert!(home(&site).contains("<h2 class=\"card-title\"><a href=\"https://t.example/articles/one/\">First Story</a></h2>"));

        std::fs::create_dir_all(dir.path().join("templates/partials")).expect("templates");
        std::fs::write(dir.path().join("templates/partials/card.html"), "<p>CARD-V2 {{ article.title }}</p>").expect("card");
        site.set_renderer(Renderer::load(dir.path()).expect("templates load"));
        assert!(home(&site).contains("CARD-V2 First Story"), "{}", home(&site));

        std::fs::write(dir.path().join("content/articles/one.md"), "+++\ntitle = \"Retitled\"\ndate = 2026-01-02\n+++\nText.\n").expect("edit");
        site.update_content(Path::new("content/articles/one.md")).expect("update");
        assert!(home(&site).contains("CARD-V2 Retitled"), "{}", home(&site));

        site.relocate("http://127.0.0.1:4400", "http://127.0.0.1:4400/_members");
        site.set_renderer(Renderer::load(Path::new("/nonexistent-site-root")).expect("built-in templates"));
        assert!(home(&site).contains("href=\"http://127.0.0.1:4400/articles/one/\""), "{}", home(&site));
    }
}
