//! Listings: the home page, columns, tags, authors and years, each a list
//! of articles newest first, kept beside the library they index and updated
//! in place when one article changes.

use std::collections::{BTreeMap, HashMap};

use super::{Article, ArticleMeta};
use crate::urls::{self, TermKind};

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

    pub fn index_title(self) -> &'static str {
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
        let mut by_term: HashMap<(TermKind, &str), (&str, Vec<usize>)> = HashMap::new();
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
    pub fn remove_article(&mut self, i: usize) {
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
    pub fn insert_article(&mut self, pos: usize, articles: &[Article]) {
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
    pub fn name_listings<'k>(&mut self, keys: impl Iterator<Item = &'k ListingKey>, articles: &[Article]) {
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

    /// How many pages listing `key` has at `per` articles a page.
    pub fn pages(&self, key: &ListingKey, per: usize) -> usize {
        page_count(key, self.listings.get(key).map_or(0, |l| l.articles.len()), per)
    }
}

/// Pages of a listing of `len` articles; the home page exists even when empty.
pub fn page_count(key: &ListingKey, len: usize, per: usize) -> usize {
    let n = len.div_ceil(per);
    if *key == ListingKey::Home { n.max(1) } else { n }
}

/// The listings an article appears in.
pub fn listing_keys(meta: &ArticleMeta) -> Vec<ListingKey> {
    let mut keys = vec![ListingKey::Home, ListingKey::Term(TermKind::Year, meta.date.date().year().to_string())];
    keys.extend(terms(meta).map(|(kind, _, slug)| ListingKey::Term(kind, slug.to_string())));
    keys
}

/// An article's column, tags and authors: kind, name as written, slug.
fn terms(meta: &ArticleMeta) -> impl Iterator<Item = (TermKind, &str, &str)> {
    let column = meta.column.as_deref().zip(meta.column_slug.as_deref()).map(|(name, slug)| (TermKind::Column, name, slug));
    let tags = meta.tags.iter().zip(&meta.tag_slugs).map(|(name, slug)| (TermKind::Tag, name.as_str(), slug.as_str()));
    let authors = meta.authors.iter().zip(&meta.author_slugs).map(|(name, slug)| (TermKind::Author, name.as_str(), slug.as_str()));
    column.into_iter().chain(tags).chain(authors)
}
