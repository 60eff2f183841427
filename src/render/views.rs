//! The small, borrowed structs templates receive. A public view is built
//! from an article's metadata and its public part only: it has no field
//! that could carry paid text.

use serde::Serialize;
use tera::Value;

use crate::config::{Config, Plan};
use crate::content::Page;
use crate::dates::PubDate;
use crate::markdown::{Part, TocEntry};
use crate::target::Target;
use crate::urls::{self, TermKind};

/// Site-wide values, one per target (`site` in templates).
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Publication name.
    pub title: &'a str,
    /// One line about it.
    pub description: &'a str,
    /// `lang` attribute.
    pub language: &'a str,
    /// The root of the tree being rendered (no trailing slash).
    pub url: &'a str,
    /// Where the public tree lives.
    pub public_url: &'a str,
    /// Where the members tree lives.
    pub members_url: &'a str,
    /// "public" or "members".
    pub target: &'static str,
    /// The subscribe form.
    pub subscribe: SubscribeView<'a>,
    /// Each stylesheet and script of the static files by name, to the name
    /// of its fingerprinted copy (`style.css` → `style.3f9a0c21d4.css`).
    pub assets: &'a std::collections::BTreeMap<String, String>,
    /// Whether the site has a search page.
    pub search: bool,
}

/// What the subscribe box needs.
#[derive(Debug, Serialize)]
pub struct SubscribeView<'a> {
    /// The form's `action`.
    pub action: &'a str,
    /// The sales line.
    pub pitch: &'a str,
    /// The plans to choose from.
    pub plans: &'a [Plan],
    /// When the plans have checkout pages: the parameters they read.
    pub checkout: Option<&'a crate::config::Checkout>,
}

impl<'a> SiteView<'a> {
    /// The site as seen from `target`'s tree.
    pub fn new(config: &'a Config, target: Target, assets: &'a std::collections::BTreeMap<String, String>) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            url: match target {
                Target::Public => &config.base_url,
                Target::Members => &config.members_url,
            },
            public_url: &config.base_url,
            members_url: &config.members_url,
            target: target.dir(),
            subscribe: SubscribeView { action: &config.subscribe_action, pitch: &config.pitch, plans: &config.plans, checkout: config.checkout.as_ref() },
            assets,
            search: config.search,
        }
    }
}

/// A date in the forms templates print.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// "2026-03-17", for `<time datetime>`.
    pub iso: String,
    /// "Tuesday, March 17, 2026".
    pub long: String,
    /// RFC 3339, for feeds and structured data.
    pub rfc3339: String,
    /// The year, for archives.
    pub year: i16,
}

impl From<&PubDate> for DateView {
    fn from(d: &PubDate) -> Self {
        DateView { iso: d.iso_date(), long: d.long(), rfc3339: d.rfc3339(), year: d.date().year() }
    }
}

/// A column, tag or author with the URL of its listing.
#[derive(Debug, Clone, Serialize)]
pub struct Term<'a> {
    /// As written in front matter.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Absolute URL of its listing in this tree.
    pub url: String,
}

impl<'a> Term<'a> {
    /// A term of `kind` under `base`.
    pub fn new(base: &str, kind: TermKind, name: &'a str, slug: &'a str) -> Self {
        Term { url: urls::term_url(base, kind, slug), name, slug }
    }
}

/// What an index card shows of an article: public metadata only. Cards
/// are made field by field (`Setup::card_fields`, for speed); this is the
/// reference a test holds them to.
#[cfg(test)]
#[derive(Debug, Clone, Serialize)]
pub struct CardView<'a> {
    /// Headline.
    pub title: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Absolute URL in this tree.
    pub url: String,
    /// Absolute URL in the public tree.
    pub public_url: String,
    /// Absolute URL in the members tree.
    pub members_url: String,
    /// The series.
    pub column: Option<Term<'a>>,
    /// Bylines.
    pub authors: Vec<Term<'a>>,
    /// Tags.
    pub tags: Vec<Term<'a>>,
    /// Published.
    pub date: DateView,
    /// Revised.
    pub updated: Option<DateView>,
    /// The public summary.
    pub teaser: &'a str,
    /// Part of it is for subscribers.
    pub paywalled: bool,
    /// Minutes to read the whole article.
    pub reading_minutes: usize,
    /// The cover image's absolute URL (on the public tree: a cover is public).
    pub image: Option<String>,
}

/// Words a reader gets through in a minute, for the reading-time estimate.
const WORDS_PER_MINUTE: usize = 230;

/// Minutes to read an article of `words` words.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}

#[cfg(test)]
impl<'a> CardView<'a> {
    /// The card for `meta` in the tree rooted at `site.url`.
    pub fn new(site: &SiteView<'_>, meta: &'a crate::content::ArticleMeta) -> Self {
        CardView {
            title: &meta.title,
            slug: &meta.slug,
            url: urls::article_url(site.url, &meta.slug),
            public_url: urls::article_url(site.public_url, &meta.slug),
            members_url: urls::article_url(site.members_url, &meta.slug),
            column: meta.column.as_deref().zip(meta.column_slug.as_deref()).map(|(c, s)| Term::new(site.url, TermKind::Column, c, s)),
            authors: meta.authors.iter().zip(&meta.author_slugs).map(|(a, s)| Term::new(site.url, TermKind::Author, a, s)).collect(),
            tags: meta.tags.iter().zip(&meta.tag_slugs).map(|(t, s)| Term::new(site.url, TermKind::Tag, t, s)).collect(),
            date: DateView::from(&meta.date),
            updated: meta.updated.as_ref().map(DateView::from),
            teaser: &meta.teaser,
            paywalled: meta.paywalled,
            reading_minutes: reading_minutes(meta.words),
            image: meta.image.as_deref().map(|i| urls::image_url(site.public_url, &urls::article_url(site.public_url, &meta.slug), i)),
        }
    }
}

/// What an article page (`page` in `article.html`) has beyond its card's
/// fields (title, url, column, authors, …): the part of the text it shows.
#[derive(Debug, Serialize)]
pub struct ArticleText<'a> {
    /// The body this view may show.
    pub body: &'a str,
    /// Headings within `body`.
    pub toc: &'a [TocEntry],
    /// `<li>` footnotes referenced from `body`.
    pub footnotes: &'a str,
    /// True on the public page of a paywalled article: show the subscribe box.
    pub locked: bool,
}

impl<'a> ArticleText<'a> {
    /// The text of `part`; `locked` when that part is the free side of a paywalled article.
    pub fn new(part: &'a Part, locked: bool) -> Self {
        ArticleText { body: &part.html, toc: &part.toc, footnotes: &part.footnotes_html, locked }
    }

    /// The page's value: the fields of `card` (a [`CardView`] as a template
    /// value, which the article's listings share, less its rendered form
    /// under `card_html`) with this text's fields added.
    pub fn page(&self, card: Value, card_html: &'static str) -> Value {
        let mut page = card.into_map().unwrap_or_default();
        page.remove(&tera::value::Key::from(card_html));
        page.extend(Value::from_serializable(self).into_map().unwrap_or_default());
        Value::from(page)
    }
}

/// A plain page (`page` in `page.html`).
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// Heading.
    pub title: &'a str,
    /// Absolute URL in this tree.
    pub url: String,
    /// Optional date.
    pub date: Option<DateView>,
    /// Summary.
    pub teaser: &'a str,
    /// The page as HTML.
    pub body: &'a str,
    /// Headings.
    pub toc: &'a [TocEntry],
    /// Footnotes.
    pub footnotes: &'a str,
}

impl<'a> PageView<'a> {
    /// The view of `page` in the tree rooted at `site.url`.
    pub fn new(site: &SiteView<'_>, page: &'a Page) -> Self {
        PageView {
            title: &page.title,
            url: urls::page_url(site.url, &page.path),
            date: page.date.as_ref().map(DateView::from),
            teaser: &page.teaser,
            body: &page.body.html,
            toc: &page.body.toc,
            footnotes: &page.body.footnotes_html,
        }
    }
}

/// Links between pages of a listing.
#[derive(Debug, Serialize)]
pub struct Paginator {
    /// 1-based.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// URL of the previous page.
    pub previous: Option<String>,
    /// URL of the next page.
    pub next: Option<String>,
}

/// A listing page's subject (`listing` in `listing.html`).
#[derive(Debug, Serialize)]
pub struct ListingView<'a> {
    /// "column", "tag", "author" or "year".
    pub kind: &'static str,
    /// As written in front matter ("Global Insights"), or the year.
    pub name: &'a str,
    /// URL segment.
    pub slug: &'a str,
    /// Absolute URL of its first page in this tree.
    pub url: String,
    /// Number of articles in it.
    pub count: usize,
    /// An author's bio (HTML), when `content/authors/<slug>.md` exists.
    pub bio: Option<&'a str>,
    /// The column's public feed, for columns.
    pub feed_url: Option<String>,
}

/// One entry of a term index page.
#[derive(Debug, Serialize)]
pub struct TermCount<'a> {
    /// Display name.
    pub name: &'a str,
    /// Absolute URL of its listing in this tree.
    pub url: String,
    /// Articles under it.
    pub count: usize,
}

/// What search engines and link previews read (`seo` in every template).
#[derive(Debug, Serialize)]
pub struct SeoView {
    /// `<title>` and `og:title`.
    pub title: String,
    /// `<meta name="description">`: always public text.
    pub description: String,
    /// `<link rel="canonical">`.
    pub canonical: String,
    /// `og:type`.
    pub og_type: &'static str,
    /// JSON-LD, serialized and safe to place in a `<script>` element.
    pub json_ld: Option<String>,
    /// `article:published_time`.
    pub published: Option<String>,
    /// `article:modified_time`.
    pub modified: Option<String>,
    /// `og:image`: the cover's absolute URL.
    pub image: Option<String>,
}
