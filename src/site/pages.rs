//! The HTML pages of a site: articles (the one place that picks which part
//! of an article a tree may show), cards and the listings made of them,
//! plain pages, the term indexes, the 404 and subscribe pages, and the
//! search-engine fields each carries.

use serde::Serialize;
use std::collections::HashMap;

use tera::value::{Key, Map};
use tera::{Context, Value};

use super::{Setup, Site};
use crate::config::Config;
use crate::content::{Article, ArticleMeta, Listing, ListingKey, Page};
use crate::diagnostics::Result;
use crate::markdown::Part;
use crate::render::feeds;
use crate::render::views::{ArticleText, DateView, ListingView, PageView, Paginator, SeoView, SiteView, Term, TermCount};
use crate::target::PerTarget;
use crate::target::Target;
use crate::urls::{self, TermKind};

/// The class wrapping the paid blocks on members pages (and named in their JSON-LD).
pub const PAID_SELECTOR: &str = ".paid-content";

/// Room for a page's markup around its body and cards, so that the buffer
/// a page is rendered into rarely has to grow (the built-in theme's pages
/// are 4 to 6 KB without them).
const PAGE_CAPACITY: usize = 8 * 1024;

/// The partial every listing shows an article with.
const CARD_TEMPLATE: &str = "partials/card.html";

/// The field of a card in listings that holds it rendered (`article.html`).
const CARD_HTML: &str = "html";

/// How many fields a card has, with its HTML.
const CARD_FIELDS: usize = 15;

impl Cards {
    /// The card in `target`'s tree.
    pub fn card(&self, target: Target) -> Value {
        match self {
            Cards::Whole(cards) => cards[target].clone(),
            Cards::Lean { common, own } => Value::from(card_map(common, &own[target])),
        }
    }
}

/// A card's map: the fields both trees share and one tree's own.
fn card_map(common: &Map, own: &[(Key<'static>, Value)]) -> Map {
    let mut card = Map::with_capacity(CARD_FIELDS);
    card.extend(common.iter().chain(own.iter().map(|(k, v)| (k, v))).map(|(k, v)| (k.clone(), v.clone())));
    card
}

/// An article's cards in both trees as a site keeps them.
pub enum Cards {
    /// Each card whole: its fields and, under `html`, the card rendered.
    Whole(PerTarget<Value>),
    /// The same fields and HTML, not in a card's map (2 KB each, for 15
    /// fields) but in the fields both trees share and each tree's own: a
    /// card's map is made where it is shown, for less than half the memory.
    Lean {
        /// The fields that are the same in both trees.
        common: Map,
        /// Each tree's own fields (its address and terms) and its card rendered.
        own: PerTarget<Box<[(Key<'static>, Value)]>>,
    },
}

/// Each column's, tag's and author's value as cards show it, in both
/// trees, made once for a site: cards are made hundreds of thousands of
/// times in a large one.
#[derive(Default)]
pub struct TermValues(PerTarget<[HashMap<String, (String, Value)>; 3]>);

impl TermValues {
    /// The terms of every article of `metas`.
    pub fn new<'a>(config: &Config, metas: impl Iterator<Item = &'a ArticleMeta> + Clone) -> TermValues {
        TermValues(PerTarget::from_fn(|target| {
            let root = config.tree_url(target);
            // By name as written (two spellings may share a slug), with its slug.
            let mut terms: [HashMap<String, (String, Value)>; 3] = Default::default();
            for meta in metas.clone() {
                let column = meta.column.iter().zip(&meta.column_slug).map(|t| (TermKind::Column, t));
                let authors = meta.authors.iter().zip(&meta.author_slugs).map(|t| (TermKind::Author, t));
                let tags = meta.tags.iter().zip(&meta.tag_slugs).map(|t| (TermKind::Tag, t));
                for (kind, (name, slug)) in column.chain(authors).chain(tags) {
                    let Some(slot) = TermValues::slot(kind) else { continue };
                    if !terms[slot].contains_key(name) {
                        terms[slot].insert(name.clone(), (slug.clone(), term_value(root, kind, name, slug)));
                    }
                }
            }
            terms
        }))
    }

    /// The value of the term of `kind`, `name` and `slug` in `target`'s tree, if made.
    pub(super) fn get(&self, target: Target, kind: TermKind, name: &str, slug: &str) -> Option<Value> {
        let (made_slug, value) = self.0[target][TermValues::slot(kind)?].get(name)?;
        (made_slug == slug).then(|| value.clone())
    }

    fn slot(kind: TermKind) -> Option<usize> {
        match kind {
            TermKind::Column => Some(0),
            TermKind::Tag => Some(1),
            TermKind::Author => Some(2),
            TermKind::Year => None,
        }
    }
}

/// The fields of an article's card that are the same in both trees, with
/// room for the rest (see [`Setup::card_fields`]).
pub(super) fn card_common(config: &Config, meta: &ArticleMeta) -> Map {
    let public_url = urls::article_url(&config.base_url, &meta.slug);
    // Made once an article: serde's cost does not matter here.
    let date = |d: &crate::dates::PubDate| Value::from_serializable(&DateView::from(d));
    let mut card = Map::with_capacity(CARD_FIELDS);
    card.insert(Key::from("title"), Value::from(meta.title.as_str()));
    card.insert(Key::from("slug"), Value::from(meta.slug.as_str()));
    card.insert(Key::from("members_url"), Value::from(urls::article_url(&config.members_url, &meta.slug)));
    card.insert(Key::from("date"), date(&meta.date));
    card.insert(Key::from("updated"), meta.updated.as_ref().map_or_else(Value::none, date));
    card.insert(Key::from("teaser"), Value::from(meta.teaser.as_str()));
    card.insert(Key::from("paywalled"), Value::from(meta.paywalled));
    card.insert(Key::from("reading_minutes"), Value::from(crate::render::views::reading_minutes(meta.words)));
    let image = meta.image.as_deref().map(|i| urls::image_url(&config.base_url, &public_url, i));
    card.insert(Key::from("image"), image.map_or_else(Value::none, Value::from));
    card.insert(Key::from("public_url"), Value::from(public_url));
    card
}

/// A term's value as a card shows it (a [`Term`]).
fn term_value(root: &str, kind: TermKind, name: &str, slug: &str) -> Value {
    Value::from_serializable(&Term::new(root, kind, name, slug))
}

/// An article's citation as its pages show it (see [`Setup::citation`]).
pub(super) struct Cite {
    /// The "Cite this" section.
    html: String,
    /// The meta tags reference managers read.
    meta: String,
}

/// The standalone subscribe page's `page`.
#[derive(Serialize)]
struct SubscribePage {
    title: &'static str,
    url: String,
}

/// The one place that picks which part of an article a target may show,
/// and whether the page is locked (the public page of a paywalled article).
fn article_part(article: &Article, target: Target) -> (&Part, bool) {
    match (target, &article.members) {
        (Target::Members, Some(full)) => (full, false),
        (Target::Public, Some(_)) => (&article.public, true),
        (_, None) => (&article.public, false),
    }
}

impl Setup {
    fn context(&self, target: Target, seo: &SeoView) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site[target].clone());
        ctx.insert("seo", seo);
        ctx
    }

    /// An article's card as listings see it in `target`'s tree: its fields,
    /// and under `html` the card rendered through `partials/card.html`.
    pub(super) fn new_card(&self, meta: &ArticleMeta, target: Target, terms: &TermValues) -> Result<Value> {
        let (mut card, html) = self.render_card(self.card_fields(meta, target, terms, &card_common(&self.config, meta)), target)?;
        card.insert(Key::from(CARD_HTML), html);
        Ok(Value::from(card))
    }

    /// An article's cards in both trees, which share the values the trees
    /// do not change: [`Cards::Whole`] when `whole`, else [`Cards::Lean`].
    pub fn new_cards(&self, meta: &ArticleMeta, terms: &TermValues, whole: bool) -> Result<Cards> {
        let mut common = card_common(&self.config, meta);
        let made = PerTarget::try_from_fn(|target| {
            let mut own = self.own_card_fields(meta, target, terms);
            let (mut card, html) = self.render_card(card_map(&common, &own), target)?;
            card.insert(Key::from(CARD_HTML), html.clone());
            own.push((Key::from(CARD_HTML), html));
            Ok::<_, crate::diagnostics::Diagnostics>((card, own))
        })?;
        if whole {
            return Ok(Cards::Whole(made.map(|(card, _)| Value::from(card))));
        }
        common.shrink_to_fit();
        Ok(Cards::Lean { common, own: made.map(|(_, own)| own.into_boxed_slice()) })
    }

    /// `fields` and the card rendered from them.
    fn render_card(&self, fields: Map, target: Target) -> Result<(Map, Value)> {
        let fields = Value::from(fields);
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site[target].clone());
        ctx.insert_value("article", fields.clone());
        let html = self.renderer.render(CARD_TEMPLATE, &ctx)?;
        // With the context gone, the fields are this value's alone: taken back, not copied.
        drop(ctx);
        Ok((fields.into_map().unwrap_or_default(), Value::from(html)))
    }

    /// A card's fields in `target`'s tree (those of `CardView`, which a test
    /// holds them to), without its HTML: `common` with the fields whose
    /// addresses are the tree's. Made here rather than through serde, with
    /// each term's value made once for the site and the rest shared by both
    /// trees: 3.5 µs a card instead of 6.5 µs, and 40% less memory kept.
    pub(super) fn card_fields(&self, meta: &ArticleMeta, target: Target, terms: &TermValues, common: &Map) -> Map {
        card_map(common, &self.own_card_fields(meta, target, terms))
    }

    /// The fields of a card whose addresses are `target`'s tree's, with room for its HTML.
    fn own_card_fields(&self, meta: &ArticleMeta, target: Target, terms: &TermValues) -> Vec<(Key<'static>, Value)> {
        let root = self.config.tree_url(target);
        let term = |kind, name: &str, slug: &str| terms.get(target, kind, name, slug).unwrap_or_else(|| term_value(root, kind, name, slug));
        let list = |kind, names: &[String], slugs: &[String]| Value::from(names.iter().zip(slugs).map(|(n, s)| term(kind, n, s)).collect::<Vec<Value>>());
        let column = meta.column.as_deref().zip(meta.column_slug.as_deref());
        let mut own = Vec::with_capacity(5);
        own.push((Key::from("url"), Value::from(urls::article_url(root, &meta.slug))));
        own.push((Key::from("column"), column.map_or_else(Value::none, |(c, s)| term(TermKind::Column, c, s))));
        own.push((Key::from("authors"), list(TermKind::Author, &meta.authors, &meta.author_slugs)));
        own.push((Key::from("tags"), list(TermKind::Tag, &meta.tags, &meta.tag_slugs)));
        own
    }

    /// An article's "Cite this" section and citation meta tags, the same in
    /// both trees: made from public fields only, so the members page cites
    /// the public address too.
    pub(super) fn citation(&self, meta: &ArticleMeta) -> Cite {
        let public_url = urls::url(&self.config.base_url, &urls::article_dir(&meta.slug));
        let cite = crate::cite::Citation::new(&self.config, meta, &public_url);
        Cite { html: cite.section_html(), meta: cite.meta_html() }
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
            image: None,
        }
    }

    /// A page's title as the browser shows it: the page's, then the site's.
    fn page_title(&self, title: &str) -> String {
        format!("{title} · {}", self.config.title)
    }

    /// An article's page in one target: its path and HTML. `card` is its card in that target.
    /// `cite` is its [`Setup::citation`].
    pub(super) fn render_article(&self, article: &Article, target: Target, card: Value, related: Vec<Value>, cite: &Cite) -> Result<(String, Vec<u8>)> {
        let meta = &article.meta;
        let dir = urls::article_dir(&meta.slug);
        let public_url = urls::url(&self.config.base_url, &dir);
        let mut seo = self.seo_for(meta.title.clone(), &meta.teaser, &dir);
        seo.og_type = "article";
        seo.published = Some(meta.date.rfc3339());
        seo.modified = meta.updated.map(|d| d.rfc3339());
        if let Some(canonical) = &meta.canonical {
            seo.canonical.clone_from(canonical);
        }
        seo.image = meta.image.as_deref().map(|i| urls::image_url(&self.config.base_url, &public_url, i));
        let selector = (target == Target::Members).then_some(PAID_SELECTOR);
        seo.json_ld = Some(feeds::news_article_json_ld(&self.config, meta, &public_url, selector));
        let mut ctx = self.context(target, &seo);
        let (part, locked) = article_part(article, target);
        ctx.insert_value("page", ArticleText::new(part, locked).page(card, CARD_HTML));
        ctx.insert("cite", &CiteView { html: &cite.html, meta: &cite.meta });
        ctx.insert_value("related", Value::from(related));
        let capacity = part.html.len() + part.footnotes_html.len() + PAGE_CAPACITY;
        Ok((urls::index_of(&dir), self.renderer.render_page("article.html", &ctx, capacity)?))
    }
}

impl Site {
    /// The card of article `i` in `target`'s tree: built on first use and
    /// shared by the article's page and every listing page it is on (or,
    /// in a site that keeps no cards, built at each use). Making only the
    /// HTML once and the fields at each use saved 5 KB an article and tree
    /// but made a 10,000-article build 45% slower (25 uses an article).
    pub(super) fn card(&self, i: usize, target: Target) -> Result<Value> {
        let meta = &self.library.articles[i].meta;
        if !self.keep_cards {
            return self.setup.new_card(meta, target, self.terms());
        }
        match self.cards[i].get_or_init(|| self.setup.new_cards(meta, self.terms(), true)) {
            Ok(cards) => Ok(cards.card(target)),
            Err(problems) => Err(problems.clone()),
        }
    }

    pub(super) fn render_page(&self, page: &Page, target: Target) -> Result<(String, Vec<u8>)> {
        let setup = &self.setup;
        let dir = urls::page_dir(&page.path);
        let mut seo = setup.seo_for(setup.page_title(&page.title), &page.teaser, &dir);
        if let Some(canonical) = &page.canonical {
            seo.canonical.clone_from(canonical);
        }
        seo.image = page.image.as_deref().map(|i| urls::image_url(&setup.config.base_url, &urls::url(&setup.config.base_url, &dir), i));
        let mut ctx = setup.context(target, &seo);
        ctx.insert("page", &PageView::new(&SiteView::new(&setup.config, target, &setup.assets), page));
        Ok((urls::index_of(&dir), setup.renderer.render_page("page.html", &ctx, PAGE_CAPACITY)?))
    }

    pub(super) fn render_listing(&self, target: Target, key: &ListingKey, n: usize) -> Result<(String, Vec<u8>)> {
        let setup = &self.setup;
        let config = &setup.config;
        let site = SiteView::new(config, target, &setup.assets);
        let per = config.paginate_by;
        let empty = Listing { name: String::new(), articles: Vec::new() };
        let listing = self.index.listings.get(key).unwrap_or(&empty);
        let total = self.index.pages(key, per);
        let cards: Vec<Value> = listing.articles.iter().skip((n - 1) * per).take(per).map(|&i| self.card(i, target)).collect::<Result<_>>()?;
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
                let title = if n > 1 { format!("{} · page {n}", config.title) } else { config.title.clone() };
                let seo = setup.seo_for(title, "", url_path);
                let mut ctx = setup.context(target, &seo);
                ctx.insert_value("articles", cards);
                ctx.insert("paginator", &paginator);
                Ok((path, setup.renderer.render_page("index.html", &ctx, capacity)?))
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
                    feed_url: (*kind == TermKind::Column).then(|| urls::url(&config.base_url, &urls::column_feed_path(slug))),
                };
                let description = format!("{} from {}: {}{suffix}", listing.name, config.title, kind.index_title().to_lowercase());
                let seo = setup.seo_for(format!("{}{suffix} · {}", listing.name, config.title), &description, url_path);
                let mut ctx = setup.context(target, &seo);
                ctx.insert("listing", &view);
                ctx.insert_value("articles", cards);
                ctx.insert("paginator", &paginator);
                Ok((path, setup.renderer.render_page("listing.html", &ctx, capacity)?))
            }
        }
    }

    /// The index of every term of `kind` (`/tags/`, `/archive/`, …).
    pub(super) fn render_terms(&self, target: Target, kind: TermKind) -> Result<(String, Vec<u8>)> {
        let setup = &self.setup;
        let site = SiteView::new(&setup.config, target, &setup.assets);
        let mut terms: Vec<TermCount<'_>> = self
            .index
            .listings
            .iter()
            .filter_map(|(k, l)| match k {
                ListingKey::Term(k2, _) if *k2 == kind => Some(TermCount { name: &l.name, url: k.url(site.url, 1), count: l.articles.len() }),
                _ => None,
            })
            .collect();
        if kind == TermKind::Year {
            terms.reverse();
        }
        let dir = urls::terms_dir(kind);
        let seo = setup.seo_for(setup.page_title(kind.index_title()), "", &dir);
        let mut ctx = setup.context(target, &seo);
        ctx.insert("kind", kind.singular());
        ctx.insert("title", kind.index_title());
        ctx.insert("terms", &terms);
        Ok((urls::index_of(&dir), setup.renderer.render_page("terms.html", &ctx, PAGE_CAPACITY)?))
    }

    pub(super) fn render_not_found(&self, target: Target) -> Result<(String, Vec<u8>)> {
        let setup = &self.setup;
        let seo = setup.seo_for(setup.page_title("Page not found"), "", urls::NOT_FOUND);
        let ctx = setup.context(target, &seo);
        Ok((urls::NOT_FOUND.into(), setup.renderer.render_page("404.html", &ctx, PAGE_CAPACITY)?))
    }

    pub(super) fn render_search(&self, target: Target) -> Result<(String, Vec<u8>)> {
        let setup = &self.setup;
        let site = SiteView::new(&setup.config, target, &setup.assets);
        let seo = setup.seo_for(setup.page_title("Search"), "", crate::search::SEARCH_DIR);
        let mut ctx = setup.context(target, &seo);
        let listings = |kind: TermKind| self.index.listings.iter().filter(move |(k, _)| matches!(k, ListingKey::Term(k2, _) if *k2 == kind)).map(|(_, l)| l);
        let names = |kind: TermKind| -> Vec<&str> { listings(kind).map(|l| l.name.as_str()).collect() };
        let mut years: Vec<(&str, usize)> = listings(TermKind::Year).map(|l| (l.name.as_str(), l.articles.len())).collect();
        years.sort_unstable_by(|a, b| b.0.cmp(a.0));
        let page = SearchPage {
            title: "Search",
            url: urls::url(site.url, crate::search::SEARCH_DIR),
            // Relative, as the index's links are: the page works wherever the tree is served.
            // None without articles: there is nothing to index, and the page says so.
            bundles: if self.library.articles.is_empty() {
                String::new()
            } else {
                crate::search::PARTS.dirs(target, years.iter().copied()).iter().map(|dir| format!("../{dir}")).collect::<Vec<_>>().join(" ")
            },
            columns: names(TermKind::Column),
            years: years.into_iter().map(|(year, _)| year).collect(),
        };
        ctx.insert("page", &page);
        Ok((urls::index_of(crate::search::SEARCH_DIR), setup.renderer.render_page("search.html", &ctx, PAGE_CAPACITY)?))
    }

    pub(super) fn render_subscribe(&self, target: Target) -> Result<(String, Vec<u8>)> {
        let setup = &self.setup;
        let site = SiteView::new(&setup.config, target, &setup.assets);
        let seo = setup.seo_for(setup.page_title("Subscribe"), &setup.config.pitch, urls::SUBSCRIBE_DIR);
        let mut ctx = setup.context(target, &seo);
        ctx.insert("page", &SubscribePage { title: "Subscribe", url: urls::url(site.url, urls::SUBSCRIBE_DIR) });
        Ok((urls::index_of(urls::SUBSCRIBE_DIR), setup.renderer.render_page("subscribe.html", &ctx, PAGE_CAPACITY)?))
    }
}

/// What `search.html` gets besides the site.
#[derive(serde::Serialize)]
struct SearchPage<'a> {
    title: &'static str,
    url: String,
    /// Where the tree's indexes are (each with a trailing slash), newest first, space-separated.
    bundles: String,
    /// The columns to filter by, by name.
    columns: Vec<&'a str>,
    /// The years to filter by, newest first.
    years: Vec<&'a str>,
}

/// What `article.html` gets of its citation: the "Cite this" section and
/// the Highwire meta tags, each as HTML.
#[derive(serde::Serialize)]
struct CiteView<'a> {
    html: &'a str,
    meta: &'a str,
}
