//! A loaded site and the pages it has: settings and templates
//! ([`Setup`]), the library of content and its listings, and the jobs that
//! render each output file of both trees. Split by job: which files exist
//! (`jobs`), article, listing and plain pages (`pages`), feeds and sitemap
//! (`feeds`), static files (`statics`), and what an edit touches (`update`).

mod assets;
mod feeds;
mod jobs;
mod pages;
mod redirects;
mod statics;
#[cfg(test)]
mod tests;
mod update;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use tera::Value;

use crate::config::Config;
use crate::content::{Article, Index, Library, Selection};
use crate::diagnostics::{Diagnostics, Result};
use crate::images::Images;
use crate::output::Sink;
use crate::render::Renderer;
use crate::render::views::SiteView;
use crate::target::{PerTarget, Target};

pub use jobs::Job;
pub use pages::{Cards, PAID_SELECTOR, TermValues};
pub use update::{Edit, Update, touched_by};

/// What every page is rendered with: the settings, the templates, and the
/// `site` value that templates see in each tree (built once, not per page).
pub struct Setup {
    config: Config,
    renderer: Renderer,
    root: PathBuf,
    selection: Selection,
    site: PerTarget<Value>,
    /// Each stylesheet and script of the static files, by name, to its fingerprinted name.
    assets: BTreeMap<String, String>,
    /// Image sizes read and variants made, shared by every page of a build.
    images: Images,
}

impl Setup {
    /// Reads `config.toml` and the templates. When the templates have
    /// problems, the content is read too, so that its problems are
    /// reported in the same run.
    pub fn load(root: &Path, selection: Selection) -> Result<Setup> {
        let config = Config::load(root)?;
        match Renderer::load(root) {
            Ok(renderer) => Ok(Setup::new(config, renderer, root, selection)),
            Err(mut problems) => {
                if let Err(more) = Library::load(root, &config, selection, None) {
                    problems.append(more);
                }
                Err(problems.sorted())
            }
        }
    }

    fn new(config: Config, mut renderer: Renderer, root: &Path, selection: Selection) -> Setup {
        renderer.set_language(&config.language);
        let assets = statics::fingerprints(root);
        Setup { site: site_values(&config, &assets), assets, config, renderer, root: root.to_path_buf(), selection, images: Images::new(root) }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What renders the shortcodes in bodies: the templates.
    pub fn shortcodes(&self) -> &dyn crate::markdown::Shortcodes {
        &self.renderer
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The image sizes read and the variants made so far.
    pub fn images(&self) -> &Images {
        &self.images
    }

    /// Which articles the site includes.
    pub fn selection(&self) -> Selection {
        self.selection
    }

    /// Renders an article's page in both trees into `sink`, with its cards
    /// and those of its related articles, and writes the files beside it.
    pub fn write_article(&self, article: &Article, cards: &Cards, related: &[&Cards], sink: &dyn Sink) -> Result<()> {
        // A large build holds the HTML aside: this copy lasts until both pages are written.
        let article = &*article.unpacked()?;
        let cite = self.citation(&article.meta);
        for target in Target::ALL {
            let related: Vec<Value> = related.iter().map(|c| c.card(target)).collect();
            let (path, html) = self.render_article(article, target, cards.card(target), related, &cite)?;
            sink.write(target, &path, &html)?;
        }
        self.write_article_assets(article, sink)?;
        Ok(())
    }
}

/// The `site` value templates see, in each tree.
fn site_values(config: &Config, assets: &BTreeMap<String, String>) -> PerTarget<Value> {
    PerTarget::from_fn(|t| Value::from_serializable(&SiteView::new(config, t, assets)))
}

/// A loaded site: settings, templates and content, ready to render.
pub struct Site {
    setup: Setup,
    library: Library,
    /// Listings over `library.articles`, kept in step with it.
    index: Index,
    /// Each article's cards (by its position in `library.articles`, kept in
    /// step with it), made on first use, as an article appears on several
    /// listing pages; dropped when the settings or templates change.
    cards: Vec<OnceLock<Result<Cards>>>,
    /// Whether cards are kept once made (see [`Site::keep_no_cards`]).
    keep_cards: bool,
    /// Each article's related articles (by position), worked out on first
    /// use and again after an edit changes the library.
    related: OnceLock<crate::related::Related>,
    /// Each article's position by its Markdown file, made on first use and
    /// again after an edit changes the library: the preview finds the
    /// article of each page it renders on request here (a scan of the
    /// library took 4 ms a page at 100,000 articles).
    positions: OnceLock<HashMap<u64, usize>>,
    /// The values of the terms cards show, made on first use and again
    /// when new settings change their addresses. An edit keeps them: a term
    /// an edit brings is made where it is shown.
    terms: OnceLock<TermValues>,
}

impl Site {
    /// Loads settings, templates and content, reporting every problem found.
    pub fn load(root: &Path, selection: Selection) -> Result<Site> {
        Site::load_showing(root, selection, &crate::progress::Progress::hidden())
    }

    /// [`Site::load`], counting the files read on `progress`.
    pub fn load_showing(root: &Path, selection: Selection, progress: &crate::progress::Progress) -> Result<Site> {
        let setup = Setup::load(root, selection)?;
        // Kept loaded for as long as it is served: a large site's HTML is held aside past the budget.
        let budget = crate::content::HoldBudget::from_env();
        let images = Images::new(root);
        let mut library = Library::load_each(root, &setup.config, selection, &images, Some(setup.shortcodes()), progress, &|a| a.hold(&budget))?;
        // It keeps no cards.
        library.fit_budget(&budget, 0);
        Ok(Site::new(setup, library, None, None))
    }

    /// The site of `library`, rendered with `setup`; `made` holds every
    /// article's cards and `related` their related articles (both by
    /// position in the library) when the build already worked them out.
    pub fn new(setup: Setup, library: Library, made: Option<Vec<Cards>>, related: Option<crate::related::Related>) -> Site {
        let index = Index::new(&library.articles);
        let cards = match made {
            Some(made) => made.into_iter().map(|c| OnceLock::from(Ok(c))).collect(),
            None => library.articles.iter().map(|_| Default::default()).collect(),
        };
        let related = related.map(OnceLock::from).unwrap_or_default();
        Site { setup, library, index, cards, related, positions: OnceLock::new(), terms: OnceLock::new(), keep_cards: true }
    }

    /// Makes each card afresh wherever it is shown, keeping none: for the
    /// preview, which renders a few pages at a time. Kept, the cards of a
    /// 100,000-article site add 1.2 GB as its pages are browsed; one takes
    /// tens of microseconds to make.
    pub fn keep_no_cards(&mut self) {
        self.keep_cards = false;
        self.cards.iter_mut().for_each(|c| *c = Default::default());
    }

    /// Which articles the site includes.
    pub fn selection(&self) -> Selection {
        self.setup.selection
    }

    /// Sets the files held back as drafts or scheduled (with when each is due).
    pub fn set_held(&mut self, held: Vec<(PathBuf, Option<jiff::Timestamp>)>) {
        self.library.set_held(held);
    }

    /// Writes the files beside the pages of the article jobs among `jobs`
    /// (a bundle's figures, images' smaller copies); returns those articles' slugs.
    pub fn write_assets_of(&self, jobs: &[Job], sink: &dyn Sink) -> Result<Vec<String>> {
        let at: Vec<usize> = jobs.iter().filter_map(|j| if let Job::Article(source) = j { self.position(source) } else { None }).collect();
        at.par_iter()
            .map(|&i| {
                let article = self.article_text(i)?;
                self.setup.write_article_assets(&article, sink)?;
                Ok(article.meta.slug.clone())
            })
            .collect()
    }

    /// The articles whose bodies rendering `jobs` needs: the articles of
    /// the article jobs and the newest of each feed rendered.
    pub fn bodies_for(&self, jobs: &[Job]) -> Vec<usize> {
        let mut at: Vec<usize> = jobs
            .iter()
            .flat_map(|job| -> Vec<usize> {
                match job {
                    Job::Article(source) => self.position(source).into_iter().collect(),
                    Job::Feed(column) => self.feed_articles(column.as_deref()).to_vec(),
                    _ => Vec::new(),
                }
            })
            .collect();
        at.sort_unstable();
        at.dedup();
        at
    }

    /// Reads again, from their files, the bodies of the articles at `at`
    /// that were left unread (see [`Article::unread`]), all at once. A
    /// file whose metadata is no longer what was kept changed after the
    /// build looked at it: that is an error, and the caller builds the whole site.
    pub fn read_bodies(&mut self, at: &[usize]) -> Result<usize> {
        let articles = &self.library.articles;
        let read: Vec<(usize, Article)> =
            at.par_iter().filter(|&&i| !articles[i].is_read()).map(|&i| Ok((i, self.read_again(&articles[i].meta)?))).collect::<Result<_>>()?;
        let count = read.len();
        for (i, article) in read {
            self.library.articles[i] = article;
        }
        Ok(count)
    }

    /// Article `i` with its HTML in place: unpacked where it is held aside,
    /// read again from its file where it was left unread (a preview that
    /// starts from a build's cache reads an article when its page is asked for).
    pub fn article_text(&self, i: usize) -> Result<std::borrow::Cow<'_, Article>> {
        let article = &self.library.articles[i];
        if article.is_read() { article.unpacked() } else { Ok(std::borrow::Cow::Owned(self.read_again(&article.meta)?)) }
    }

    /// Article `i` read again from its file, which must give the same metadata.
    pub fn article_again(&self, i: usize) -> Result<Article> {
        self.read_again(&self.library.articles[i].meta)
    }

    /// The article `meta` describes, read again from its file, which must give the same metadata.
    fn read_again(&self, meta: &crate::content::ArticleMeta) -> Result<Article> {
        let setup = &self.setup;
        let abs = setup.root.join(&meta.source);
        match crate::content::load_file_with(&setup.root, &abs, &setup.config, setup.selection, &setup.images, Some(setup.shortcodes()))? {
            crate::content::Item::Article(a) if a.meta == *meta => Ok(a),
            _ => Err(crate::diagnostics::Diagnostic::file(
                &meta.source,
                "changed while lede was using it: build again (the preview reads it again once it is saved)",
            )
            .into()),
        }
    }

    /// The related articles of each article, by position in the library.
    pub fn related(&self) -> &[Vec<usize>] {
        self.related.get_or_init(|| {
            let metas: Vec<&crate::content::ArticleMeta> = self.library.articles.iter().map(|a| &a.meta).collect();
            crate::related::related(&metas)
        })
    }

    /// The values of the terms the cards show.
    pub(super) fn terms(&self) -> &TermValues {
        self.terms.get_or_init(|| TermValues::new(&self.setup.config, self.library.articles.iter().map(|a| &a.meta)))
    }

    /// Where the article of the Markdown file `source` is in the library.
    pub fn position(&self, source: &Path) -> Option<usize> {
        // Keyed by a hash of the path's bytes: made again after every edit, a
        // map of the paths themselves took 30 ms at 100,000 articles (a
        // copy of each, and `Path`'s hash walks its components).
        let key = |path: &Path| xxhash_rust::xxh3::xxh3_64(path.as_os_str().as_encoded_bytes());
        let articles = &self.library.articles;
        let positions = self.positions.get_or_init(|| {
            let mut positions = HashMap::with_capacity(articles.len());
            for (i, a) in articles.iter().enumerate() {
                positions.entry(key(&a.meta.source)).or_insert(i);
            }
            positions
        });
        match positions.get(&key(source)) {
            Some(&i) if articles[i].meta.source.as_os_str() == source.as_os_str() => Some(i),
            // Two files of one hash: the other is found the slow way.
            Some(_) => articles.iter().position(|a| a.meta.source.as_os_str() == source.as_os_str()),
            None => None,
        }
    }

    /// The related cards of article `i` in `target`'s tree.
    pub(super) fn related_cards(&self, i: usize, target: Target) -> Result<Vec<Value>> {
        self.related().get(i).map_or(&[][..], Vec::as_slice).iter().map(|&j| self.card(j, target)).collect()
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.setup.config
    }

    /// Each stylesheet and script of the static files, by name, to its fingerprinted name.
    pub fn assets(&self) -> &BTreeMap<String, String> {
        &self.setup.assets
    }

    /// The content.
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        &self.setup.root
    }

    /// The image sizes read and the variants made so far.
    pub fn images(&self) -> &Images {
        &self.setup.images
    }

    /// Serves both trees from other addresses (the preview server's), instead of `base_url` and `members_url`.
    pub fn relocate(&mut self, base_url: &str, members_url: &str) {
        self.setup.config.base_url = base_url.to_string();
        self.setup.config.members_url = members_url.to_string();
        self.reset();
    }

    /// Uses other templates from now on (the preview server's reload after a template edit).
    pub fn set_renderer(&mut self, mut renderer: Renderer) {
        renderer.set_language(&self.setup.config.language);
        self.setup.renderer = renderer;
        self.reset();
    }

    /// After new settings or templates: drops what was rendered with the old.
    fn reset(&mut self) {
        self.setup.assets = statics::fingerprints(&self.setup.root);
        self.setup.site = site_values(&self.setup.config, &self.setup.assets);
        self.cards = self.library.articles.iter().map(|_| Default::default()).collect();
        self.terms.take();
    }

    /// Renders every page of both trees and the static files into `sink`; returns the number of files.
    pub fn render_all(&self, sink: &dyn Sink) -> Result<usize> {
        let pages = self.render_jobs(&self.jobs(), sink)?;
        Ok(pages + self.write_files(sink)?)
    }

    /// Every page but those the preview renders when asked for (see
    /// [`Job::on_request`]), and the static files, into `sink`; returns the
    /// number of files written.
    pub fn render_all_but_on_request(&self, sink: &dyn Sink) -> Result<usize> {
        let jobs: Vec<Job> = self.jobs_but_articles().into_iter().filter(|j| !j.on_request()).collect();
        Ok(self.render_jobs(&jobs, sink)? + self.write_files(sink)?)
    }

    /// The files that are copied, not rendered: beside articles and pages, and the static files.
    fn write_files(&self, sink: &dyn Sink) -> Result<usize> {
        let mut assets = 0;
        for article in self.library.articles.iter().filter(|a| !a.assets.is_empty()) {
            assets += self.setup.write_article_assets(article, sink)?;
        }
        Ok(assets + self.write_page_assets(sink)? + self.write_statics(sink)?)
    }

    /// What `lede build` renders once it has written every article as it
    /// loaded it: every other page, and the static files.
    pub fn render_all_but_articles(&self, sink: &dyn Sink) -> Result<usize> {
        let pages = self.render_jobs(&self.jobs_but_articles(), sink)?;
        Ok(pages + self.write_page_assets(sink)? + self.write_statics(sink)?)
    }

    /// The files beside every plain page that is a folder.
    fn write_page_assets(&self, sink: &dyn Sink) -> Result<usize> {
        let mut written = 0;
        for page in self.library.pages.iter().filter(|p| !p.assets.is_empty()) {
            written += self.setup.write_page_assets(page, sink)?;
        }
        Ok(written)
    }

    /// Renders `jobs` for both targets in parallel; returns the number of files written.
    pub fn render_jobs(&self, jobs: &[Job], sink: &dyn Sink) -> Result<usize> {
        let work = self.resolve(jobs);
        let written = AtomicUsize::new(0);
        let problems: Vec<Diagnostics> = work
            .par_iter()
            .flat_map_iter(|w| Target::ALL.map(|t| (w, t)))
            .filter_map(|(w, target)| {
                let result = self.render_work(w, target).and_then(|out| match out {
                    Some((path, bytes)) => {
                        written.fetch_add(1, Ordering::Relaxed);
                        sink.write(target, &path, &bytes)
                    }
                    None => Ok(()),
                });
                result.err()
            })
            .collect();
        problems.into_iter().flatten().collect::<Diagnostics>().sorted().or(written.into_inner())
    }
}
