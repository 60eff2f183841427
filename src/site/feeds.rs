//! Which articles each feed carries (the newest of the site or a column,
//! in the part each tree may show) and which pages the sitemap lists; the
//! XML itself is written in `render::feeds`.

use super::Site;
use crate::content::ListingKey;
use crate::diagnostics::Result;
use crate::render::feeds::{self, Feed, FeedEntry, SitemapUrl};
use crate::render::views::SiteView;
use crate::target::Target;
use crate::urls::{self, TermKind};

/// The listing whose newest articles the site's feed (`None`) or a column's carries.
fn feed_key(column: Option<&str>) -> ListingKey {
    match column {
        Some(slug) => ListingKey::Term(TermKind::Column, slug.to_string()),
        None => ListingKey::Home,
    }
}

impl Site {
    /// The articles (by position) the site's feed (`None`) or a column's carries: the newest of its listing.
    pub(super) fn feed_articles(&self, column: Option<&str>) -> &[usize] {
        let articles = self.index.listings.get(&feed_key(column)).map_or(&[][..], |l| l.articles.as_slice());
        &articles[..articles.len().min(self.setup.config.feed_limit)]
    }

    /// A feed of the newest articles (of one column, when given). Public
    /// feeds carry the public part; the members feed (if enabled) the whole.
    pub(super) fn render_feed(&self, target: Target, column: Option<&str>) -> Result<Option<(String, String)>> {
        let config = &self.setup.config;
        let site = SiteView::new(config, target, &self.setup.assets);
        let key = feed_key(column);
        let Some(listing) = self.index.listings.get(&key) else { return Ok(None) };
        // A large build holds the HTML aside: the few a feed carries are unpacked.
        let texts = self.feed_articles(column).iter().map(|&i| self.article_text(i)).collect::<Result<Vec<_>>>()?;
        let entries = texts
            .iter()
            .map(|a| {
                let (part, members_url) = match (target, &a.members) {
                    (Target::Members, Some(full)) => (full, None),
                    _ if a.meta.paywalled => (&a.public, Some(urls::article_url(&config.members_url, &a.meta.slug))),
                    _ => (&a.public, None),
                };
                FeedEntry { meta: &a.meta, part, url: urls::article_url(site.url, &a.meta.slug), members_url }
            })
            .collect();
        let (path, title) = match column {
            Some(slug) => (urls::column_feed_path(slug), format!("{} · {}", listing.name, config.title)),
            None => (urls::FEED.to_string(), config.title.clone()),
        };
        let feed = Feed { title, self_url: urls::url(site.url, &path), alternate: key.url(site.url, 1), entries };
        Ok(Some((path, feed.to_atom(config))))
    }

    /// Every public page worth indexing: home, articles, pages, first pages of listings.
    pub(super) fn sitemap(&self) -> String {
        let base = &self.setup.config.base_url;
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
}
