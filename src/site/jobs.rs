//! Which output files a site has: one job per file (or pair of files, one
//! per tree), named by what it renders rather than by a position that an
//! edit would shift, and the one place that sends each kind of job to the
//! code that renders it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::Site;
use crate::content::{self, ListingKey};
use crate::diagnostics::Result;
use crate::target::Target;
use crate::urls::{self, TermKind};

/// One unit of rendering, for one or both targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// An article, by its Markdown file (relative to the site root).
    Article(PathBuf),
    /// A plain page, by its Markdown file.
    Page(PathBuf),
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
    /// `/search/`.
    Search,
    /// The redirect page at an old address (an alias, decoded, as written in front matter).
    Alias(String),
    /// `_redirects`: every alias for hosts that redirect by themselves.
    Redirects,
    /// `redirects.map`: every alias for nginx.
    RedirectMap,
}

impl Job {
    /// Whether the preview renders this job's pages when they are asked
    /// for, rather than up front: the articles' and the listings', nearly
    /// every page of a large site, each cheap to render alone.
    pub fn on_request(&self) -> bool {
        matches!(self, Job::Article(_) | Job::Listing(..))
    }
}

/// A job with its article or page found in the library.
pub(super) enum Work<'a> {
    Article(usize),
    Page(usize),
    /// An alias with the title and folder of the page it redirects to.
    Alias {
        path: &'a str,
        title: String,
        dir: String,
    },
    Other(&'a Job),
}

impl Site {
    /// Every page the site has.
    pub fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = self.library.articles.iter().map(|a| Job::Article(a.meta.source.clone())).collect();
        jobs.extend(self.jobs_but_articles());
        jobs
    }

    /// Every page but the articles' (which `lede build` writes as it loads them).
    pub(super) fn jobs_but_articles(&self) -> Vec<Job> {
        let per = self.setup.config.paginate_by;
        let mut jobs: Vec<Job> = self.library.pages.iter().map(|p| Job::Page(p.source.clone())).collect();
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
        if self.setup.config.search {
            jobs.push(Job::Search);
        }
        let aliases: Vec<Job> = content::aliases(&self.library).map(|(alias, ..)| Job::Alias(alias.path.clone())).collect();
        let netlify = self.setup.config.deploy.hosts.contains(&crate::config::Host::Netlify);
        if !aliases.is_empty() {
            jobs.extend(aliases);
            jobs.push(Job::RedirectMap);
        }
        if jobs.iter().any(|j| matches!(j, Job::Alias(_))) || netlify {
            jobs.push(Job::Redirects);
        }
        jobs
    }

    /// Every page [`Job::on_request`] picks, by its output path, which is
    /// the same in both trees.
    pub fn pages_on_request(&self) -> Vec<(String, Job)> {
        self.jobs().into_iter().filter(Job::on_request).filter_map(|job| Some((self.path_on_request(&job)?, job))).collect()
    }

    /// A few pages of the kinds rendered on request, one of each sort the
    /// templates treat apart: the newest article, the newest paywalled
    /// one, and the first page of the home listing and of one listing of
    /// each kind. The preview renders them up front, so that a template
    /// that fails on them is reported when it is saved.
    pub fn samples_on_request(&self) -> Vec<Job> {
        let articles = &self.library.articles;
        let mut jobs: Vec<Job> =
            articles.first().into_iter().chain(articles.iter().find(|a| a.meta.paywalled)).map(|a| Job::Article(a.meta.source.clone())).collect();
        let keys = &self.index.listings;
        jobs.extend(keys.contains_key(&ListingKey::Home).then_some(Job::Listing(ListingKey::Home, 1)));
        for kind in TermKind::ALL {
            jobs.extend(keys.keys().find(|k| matches!(k, ListingKey::Term(of, _) if *of == kind)).map(|k| Job::Listing(k.clone(), 1)));
        }
        jobs.dedup();
        jobs
    }

    /// The output path of an on-request job's pages (see
    /// [`Job::on_request`]); `None` for other jobs, and for an article or
    /// a listing page that is no longer there.
    pub fn path_on_request(&self, job: &Job) -> Option<String> {
        match job {
            Job::Article(source) => self.position(source).map(|i| urls::article_path(&self.library.articles[i].meta.slug)),
            Job::Listing(key, n) => (*n >= 1 && *n <= self.index.pages(key, self.setup.config.paginate_by)).then(|| key.path(*n)),
            _ => None,
        }
    }

    /// Finds the articles (by [`Site::position`]) and pages (in one pass
    /// over them) of `jobs` in the library; a file that is no longer there
    /// has nothing to render.
    pub(super) fn resolve<'a>(&self, jobs: &'a [Job]) -> Vec<Work<'a>> {
        let mut articles = BTreeSet::new();
        let mut pages = BTreeSet::new();
        let mut aliases = BTreeSet::new();
        let mut work = Vec::new();
        for job in jobs {
            match job {
                Job::Article(source) => {
                    articles.insert(source.clone());
                }
                Job::Page(source) => {
                    pages.insert(source.clone());
                }
                Job::Alias(path) => {
                    aliases.insert(path.as_str());
                }
                other => work.push(Work::Other(other)),
            }
        }
        let library = &self.library;
        if !aliases.is_empty() {
            work.extend(
                content::aliases(library)
                    .filter_map(|(alias, _, dir, title)| aliases.get(alias.path.as_str()).map(|path| Work::Alias { path, title: title.to_string(), dir })),
            );
        }
        let mut at: Vec<usize> = articles.iter().filter_map(|source| self.position(source)).collect();
        at.sort_unstable();
        work.extend(at.into_iter().map(Work::Article));
        if !pages.is_empty() {
            work.extend(content::positions(library.pages.iter().map(|p| p.source.as_path()), &pages).into_iter().map(Work::Page));
        }
        work
    }

    /// Renders one output file for one target: its path and bytes, or
    /// `None` when the job has no file in that target (or no longer exists).
    pub fn render_job(&self, job: &Job, target: Target) -> Result<Option<(String, Vec<u8>)>> {
        match self.resolve(std::slice::from_ref(job)).first() {
            Some(work) => self.render_work(work, target),
            None => Ok(None),
        }
    }

    pub(super) fn render_work(&self, work: &Work<'_>, target: Target) -> Result<Option<(String, Vec<u8>)>> {
        let config = &self.setup.config;
        let job = match work {
            Work::Article(i) => {
                // A site kept loaded may hold it compressed: this copy lasts for the one page.
                let article = self.article_text(*i)?;
                let cite = self.setup.citation(&article.meta);
                return self.setup.render_article(&article, target, self.card(*i, target)?, self.related_cards(*i, target)?, &cite).map(Some);
            }
            Work::Page(i) => return self.render_page(&self.library.pages[*i], target).map(Some),
            Work::Alias { path, title, dir } => return Ok(Some(self.render_alias(target, path, title, dir))),
            Work::Other(job) => job,
        };
        match job {
            // `resolve` found these in the library (or left them out as gone).
            Job::Article(_) | Job::Page(_) | Job::Alias(_) => Ok(None),
            Job::Redirects => Ok(self.render_redirects(target)),
            Job::RedirectMap => Ok(self.render_redirect_map(target)),
            Job::Listing(key, n) => self.render_listing(target, key, *n).map(Some),
            Job::Terms(kind) => self.render_terms(target, *kind).map(Some),
            Job::Feed(column) => {
                if target == Target::Members && !config.members_feed {
                    return Ok(None);
                }
                Ok(self.render_feed(target, column.as_deref())?.map(|(path, xml)| (path, xml.into_bytes())))
            }
            Job::Sitemap => Ok((target == Target::Public).then(|| (urls::SITEMAP.into(), self.sitemap().into_bytes()))),
            Job::Robots => Ok(Some((urls::ROBOTS.into(), crate::render::feeds::robots(config, target == Target::Public).into_bytes()))),
            Job::NotFound => self.render_not_found(target).map(Some),
            Job::Subscribe => self.render_subscribe(target).map(Some),
            Job::Search => self.render_search(target).map(Some),
        }
    }
}
