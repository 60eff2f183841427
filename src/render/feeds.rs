//! Machine-read surfaces of the public tree: the Atom feeds, the sitemap,
//! robots.txt and JSON-LD. Each takes public metadata and public parts
//! only, so none of them can carry paid text.

use std::fmt::Write as _;

use serde::Serialize;

use crate::config::Config;
use crate::content::ArticleMeta;
use crate::markdown::Part;
use crate::text::xml_escape;
use crate::urls::{self, TermKind};

/// An entry of a feed: public metadata and the part the feed may show.
pub struct FeedEntry<'a> {
    /// Public metadata.
    pub meta: &'a ArticleMeta,
    /// The public part (for a free article, the whole).
    pub part: &'a Part,
    /// Absolute URL of the article in the feed's tree.
    pub url: String,
    /// Absolute URL of the full text for subscribers, when paywalled.
    pub members_url: Option<String>,
}

/// The media type of an image file, by its extension, when it is a common one.
fn image_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// An Atom feed. `updated` is the newest entry's date, so two builds of the
/// same content are byte-identical.
pub struct Feed<'a> {
    /// Feed title.
    pub title: String,
    /// Absolute URL of the feed itself.
    pub self_url: String,
    /// Absolute URL of the HTML page it mirrors.
    pub alternate: String,
    /// Newest first.
    pub entries: Vec<FeedEntry<'a>>,
}

impl Feed<'_> {
    /// The feed as Atom XML.
    pub fn to_atom(&self, config: &Config) -> String {
        let updated =
            self.entries.iter().map(|e| e.meta.updated.unwrap_or(e.meta.date)).max().map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
        let mut x = String::with_capacity(4096 + self.entries.len() * 4096);
        x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
        let _ = writeln!(x, " xml:lang=\"{}\">", xml_escape(&config.language));
        let _ = writeln!(x, "  <title>{}</title>", xml_escape(&self.title));
        if !config.description.is_empty() {
            let _ = writeln!(x, "  <subtitle>{}</subtitle>", xml_escape(&config.description));
        }
        let _ = writeln!(x, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", xml_escape(&self.self_url));
        let _ = writeln!(x, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&self.alternate));
        let _ = writeln!(x, "  <id>{}</id>", xml_escape(&self.self_url));
        let _ = writeln!(x, "  <updated>{updated}</updated>");
        let _ = writeln!(x, "  <author><name>{}</name></author>", xml_escape(&config.title));
        let _ = writeln!(x, "  <generator>lede</generator>");
        for e in &self.entries {
            let m = e.meta;
            x.push_str("  <entry>\n");
            let _ = writeln!(x, "    <title>{}</title>", xml_escape(&m.title));
            let _ = writeln!(x, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_escape(&e.url));
            let _ = writeln!(x, "    <id>{}</id>", xml_escape(&e.url));
            if let Some(image) = &m.image {
                // The cover, on the public tree whichever feed this is: a cover is public.
                let cover = urls::image_url(&config.base_url, &urls::article_url(&config.base_url, &m.slug), image);
                let kind = image_type(image).map(|t| format!(" type=\"{t}\"")).unwrap_or_default();
                let _ = writeln!(x, "    <link rel=\"enclosure\"{kind} href=\"{}\"/>", xml_escape(&cover));
            }
            let _ = writeln!(x, "    <published>{}</published>", m.date.rfc3339());
            let _ = writeln!(x, "    <updated>{}</updated>", m.updated.unwrap_or(m.date).rfc3339());
            for a in &m.authors {
                let _ = writeln!(x, "    <author><name>{}</name></author>", xml_escape(a));
            }
            if let Some(c) = &m.column {
                let _ = writeln!(x, "    <category term=\"{}\" label=\"{}\"/>", xml_escape(&slug_or(c, &m.column_slug)), xml_escape(c));
            }
            for (t, s) in m.tags.iter().zip(&m.tag_slugs) {
                let _ = writeln!(x, "    <category term=\"{}\" label=\"{}\"/>", xml_escape(s), xml_escape(t));
            }
            if !m.teaser.is_empty() {
                let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(&m.teaser));
            }
            let mut html = e.part.html.clone();
            if !e.part.footnotes_html.is_empty() {
                let _ = write!(html, "<ol class=\"footnotes\">{}</ol>", e.part.footnotes_html);
            }
            if let Some(full) = &e.members_url {
                let _ = write!(
                    html,
                    "<p>…</p><p>The rest of this analysis is for subscribers. <a href=\"{}\">Subscribe</a> or, if you are one, <a href=\"{}\">read it in full</a>.</p>",
                    xml_escape(&e.url),
                    xml_escape(full)
                );
            }
            let _ = writeln!(x, "    <content type=\"html\">{}</content>", xml_escape(&html));
            x.push_str("  </entry>\n");
        }
        x.push_str("</feed>\n");
        x
    }
}

fn slug_or(name: &str, slug: &Option<String>) -> String {
    slug.clone().unwrap_or_else(|| name.to_string())
}

/// One `<url>` of the sitemap.
pub struct SitemapUrl {
    /// Absolute public URL.
    pub loc: String,
    /// `YYYY-MM-DD`, when the page has a date.
    pub lastmod: Option<String>,
}

/// `sitemap.xml` for the public tree.
pub fn sitemap(urls: &[SitemapUrl]) -> String {
    let mut x = String::with_capacity(128 + urls.iter().map(|u| u.loc.len() + 64).sum::<usize>());
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in urls {
        // Pushed piece by piece: a large archive's sitemap has tens of thousands of entries.
        x.push_str("  <url><loc>");
        x.push_str(&xml_escape(&u.loc));
        x.push_str("</loc>");
        if let Some(d) = &u.lastmod {
            x.push_str("<lastmod>");
            x.push_str(d);
            x.push_str("</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// `robots.txt`: the public tree invites crawlers and names its sitemap; the members tree turns them away.
pub fn robots(config: &Config, public: bool) -> String {
    if public {
        format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", urls::url(&config.base_url, urls::SITEMAP))
    } else {
        "User-agent: *\nDisallow: /\n".to_string()
    }
}

/// JSON-LD `NewsArticle` from public metadata. `paid_selector` is set only on
/// members pages, where the paid part exists and is wrapped in that class.
pub fn news_article_json_ld(config: &Config, meta: &ArticleMeta, url: &str, paid_selector: Option<&str>) -> String {
    let ld = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        headline: &meta.title,
        description: &meta.teaser,
        date_published: meta.date.rfc3339(),
        date_modified: meta.updated.unwrap_or(meta.date).rfc3339(),
        author: meta
            .authors
            .iter()
            .zip(&meta.author_slugs)
            .map(|(name, slug)| Thing { kind: "Person", name, url: urls::term_url(&config.base_url, TermKind::Author, slug) })
            .collect(),
        publisher: Thing { kind: "Organization", name: &config.title, url: urls::url(&config.base_url, "") },
        main_entity_of_page: WebPage { kind: "WebPage", id: url },
        url,
        is_accessible_for_free: !meta.paywalled,
        article_section: meta.column.as_deref(),
        keywords: &meta.tags,
        has_part: paid_selector.filter(|_| meta.paywalled).map(|selector| PaidPart {
            kind: "WebPageElement",
            is_accessible_for_free: false,
            css_selector: selector,
        }),
    };
    // Serializing plain structs: one pass, no intermediate map (this runs for every article page).
    match serde_json::to_string(&ld) {
        Ok(json) => script_safe(json),
        Err(_) => String::new(),
    }
}

/// Schema.org `NewsArticle`, as Google reads paywalled articles.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    description: &'a str,
    date_published: String,
    date_modified: String,
    author: Vec<Thing<'a>>,
    publisher: Thing<'a>,
    main_entity_of_page: WebPage<'a>,
    url: &'a str,
    is_accessible_for_free: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    keywords: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    has_part: Option<PaidPart<'a>>,
}

/// A person or an organization.
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
}

/// The page an article is the main entity of.
#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "@id")]
    id: &'a str,
}

/// The paid part of a members page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PaidPart<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    is_accessible_for_free: bool,
    css_selector: &'a str,
}

/// JSON that cannot close the `<script>` element it sits in: every `<`
/// (only ever inside a string) written as the JSON escape `\u003c`.
fn script_safe(json: String) -> String {
    if json.contains('<') { json.replace('<', "\\u003c") } else { json }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_break_out_of_its_script() {
        let v = serde_json::json!({"headline": "</script><script>alert(1)</script> <!-- x"});
        let safe = script_safe(v.to_string());
        assert!(!safe.contains("</script") && !safe.contains("<!--"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, v);
    }
}
