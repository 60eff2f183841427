//! One Jekyll file's front matter mapped onto a lede post or page: the
//! date and slug its name gives, categories and tags (lists or words),
//! `published`, and the old URLs (its permalink, `redirect_from`) kept as
//! aliases.

use std::path::PathBuf;

use jiff::Timestamp;

use super::config::{Config, Parts};
use crate::dates::PubDate;
use crate::diagnostics::Result;
use crate::import::frontmatter::{Map, Value};
use crate::import::sitegen::{self, Dropped, Fields, Slugs, dedup, old_path, segment, tidy, title_from_name, url_path};
use crate::import::{Access, Body, Page, Post, Report, Topic};
use crate::urls::is_segment;

/// A content file, read and split.
pub(super) struct Entry {
    /// Its path from the site, for the report (and `{% link %}`).
    pub origin: String,
    /// Its path on disk, for diagnostics.
    pub file: PathBuf,
    /// What Jekyll makes of it.
    pub place: Place,
    /// Its front matter (with the site's `defaults` for posts under it).
    pub front: Map,
    /// Where its body starts in `text`.
    pub body_offset: usize,
    /// The whole file.
    pub text: String,
    /// Whether it is HTML rather than Markdown.
    pub html: bool,
}

impl Entry {
    /// The text after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }
}

/// What Jekyll makes of a file, from where it lies and its name.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Place {
    /// In `_posts/` (or `_drafts/`).
    Post {
        /// The folders above `_posts/`, Jekyll's first categories.
        categories: Vec<String>,
        /// The date its name begins with.
        date: Option<PubDate>,
        /// Its name after the date, without extension.
        name: String,
        /// In `_drafts/`.
        draft: bool,
        /// Its name without extension (what `{% post_url %}` names).
        stem: String,
    },
    /// A page: `about.md`, `team/index.md`.
    Page {
        /// The folders from the site's root.
        dirs: Vec<String>,
        /// Its name without extension.
        stem: String,
    },
    /// A document of a collection that Jekyll writes (`_recipes/cake.md`).
    Document {
        /// The collection.
        collection: String,
        /// The folders inside the collection, then the name.
        path: Vec<String>,
    },
}

/// How a body is converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rules {
    /// The post's own `excerpt_separator`, or the site's.
    pub separator: Option<String>,
    /// `render_with_liquid: false` leaves braces alone.
    pub liquid: bool,
}

/// What a file becomes; bodies are filled in later.
pub(super) enum Mapped {
    /// An article.
    Post(Post, Rules),
    /// A plain page.
    Page(Page, Rules),
    /// Nothing (the report says why).
    Skipped,
}

/// What every mapping needs.
pub(super) struct Cx<'a> {
    /// The site's configuration.
    pub config: &'a Config,
    /// Posts dated later are scheduled.
    pub now: Timestamp,
}

/// Maps one file.
pub(super) fn map(entry: &Entry, cx: &Cx<'_>, slugs: &mut Slugs, dropped: &mut Dropped, report: &mut Report) -> Result<Mapped> {
    let mut f = Fields::new(&entry.file, &entry.text, &entry.front);
    let origin = entry.origin.as_str();
    if let Place::Page { stem, .. } = &entry.place
        && let Some(why) = not_content(stem, entry.body())
    {
        report.note(origin, Topic::Note, format!("not imported: {why}"));
        return Ok(Mapped::Skipped);
    }
    let rules = Rules {
        separator: f.text("excerpt_separator").or_else(|| cx.config.excerpt_separator.clone()).filter(|s| !s.trim().is_empty()),
        liquid: f.boolean("render_with_liquid").unwrap_or(true),
    };
    let mapped = match &entry.place {
        Place::Post { categories, date, name, draft, .. } => {
            let named = Named { folders: categories, date: *date, name, in_drafts: *draft };
            Mapped::Post(post(&mut f, entry, cx, &named, slugs, report), rules)
        }
        _ => Mapped::Page(page(&mut f, entry, cx, report), rules),
    };
    dropped.add(f.unused(), matches!(mapped, Mapped::Page(..)));
    if f.problems.is_empty() { Ok(mapped) } else { Err(f.problems) }
}

/// Why a page with front matter is not content lede should import, if it is not.
fn not_content(stem: &str, body: &str) -> Option<&'static str> {
    let listing = ["site.posts", "paginator.", "site.categories", "site.tags", "{% for", "{%- for"];
    match stem {
        "index" => Some("the home page: lede's home page lists the articles"),
        "404" => Some("the 404 page: lede writes its own"),
        _ if listing.iter().any(|l| body.contains(l)) => Some("a listing the old theme built with Liquid: lede makes its own listings"),
        _ => None,
    }
}

/// What a post's place says about it.
struct Named<'a> {
    folders: &'a [String],
    date: Option<PubDate>,
    name: &'a str,
    in_drafts: bool,
}

fn post(f: &mut Fields<'_>, entry: &Entry, cx: &Cx<'_>, named: &Named<'_>, slugs: &mut Slugs, report: &mut Report) -> Post {
    let Named { folders, date: named_date, name, in_drafts } = *named;
    let origin = entry.origin.as_str();
    let title = f.text("title").unwrap_or_else(|| title_from_name(name));
    let date = f.date("date").or(named_date);
    let draft = in_drafts || f.boolean("published") == Some(false);
    let given_slug = f.text("slug");
    let title_part = given_slug.as_deref().unwrap_or(name);
    let slug = slugs.claim(&segment(title_part, origin, report), origin, report);

    let mut categories = folders.to_vec();
    categories.extend(f.list("categories", true));
    categories.extend(f.list("category", false));
    let categories = dedup(categories);
    let mut tags = f.list("tags", true);
    tags.extend(f.list("tag", false));
    tags.extend(categories.iter().skip(1).cloned());
    let mut authors = f.list("authors", false);
    authors.extend(author(f));

    let permalink = f.text("permalink");
    let site = cx.config.base_path.as_str();
    let mut aliases: Vec<String> = f.list("redirect_from", false).iter().filter_map(|a| old_path(a, site)).collect();
    // A draft was never published, so it has no old URL.
    if let Some(d) = date.as_ref().filter(|_| !draft) {
        let template = permalink.as_deref().unwrap_or(&cx.config.permalink);
        let parts = Parts { date: d, title: title_part, categories: &categories, output_ext: ".html" };
        aliases.push(format!("{site}{}", cx.config.post_url(template, &parts)));
    }
    let new = format!("/{}", crate::urls::article_dir(&slug));
    Post {
        origin: entry.origin.clone(),
        status: sitegen::status(draft, date.as_ref(), cx.now, &cx.config.zone),
        title,
        date,
        updated: f
            .first_date(&["last_modified_at", "updated"])
            .filter(|u| date.is_none_or(|d| u.published_at(&cx.config.zone) > d.published_at(&cx.config.zone))),
        authors: dedup(authors),
        column: categories.first().cloned(),
        tags: dedup(tags),
        teaser: f.first_text(&["excerpt", "description"]),
        image: image(f),
        canonical: f.first_text(&["canonical_url", "canonical"]),
        aliases: tidy(aliases, &new),
        slug,
        access: Access::SiteDefault,
        access_reason: String::new(),
        body: Body::Markdown(String::new()),
    }
}

fn page(f: &mut Fields<'_>, entry: &Entry, cx: &Cx<'_>, report: &mut Report) -> Page {
    let origin = entry.origin.as_str();
    let (segments, old): (Vec<String>, String) = match &entry.place {
        Place::Page { dirs, stem } => {
            let mut s = dirs.clone();
            s.push(stem.clone());
            let old = cx.config.page_url(&s.join("/"));
            (s, old)
        }
        Place::Document { collection, path } => {
            let mut s = vec![collection.clone()];
            s.extend(path.iter().cloned());
            let old = format!("/{}.html", s.join("/"));
            (s, old)
        }
        Place::Post { .. } => (Vec::new(), String::new()),
    };
    let permalink = f.text("permalink").and_then(|p| url_path(&p));
    let from_permalink: Option<Vec<String>> = permalink.as_deref().map(|p| {
        let mut s: Vec<String> = p.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
        if let Some(last) = s.last_mut()
            && let Some(stem) = last.strip_suffix(".html")
        {
            *last = stem.to_string();
        }
        s
    });
    let path = match from_permalink {
        Some(s) if !s.is_empty() && s.iter().all(|x| is_segment(x)) => s,
        _ => segments.iter().map(|s| segment(s, origin, report)).collect(),
    };
    let name = segments.last().map_or("", String::as_str);
    let site = cx.config.base_path.as_str();
    let mut aliases: Vec<String> = f.list("redirect_from", false).iter().filter_map(|a| old_path(a, site)).collect();
    aliases.push(format!("{site}{}", permalink.unwrap_or(old)));
    let title = match f.text("title") {
        Some(t) => t,
        None => {
            let t = title_from_name(name);
            report.note(origin, Topic::Note, format!("no title: titled \"{t}\" after its file name"));
            t
        }
    };
    Page {
        origin: entry.origin.clone(),
        title,
        date: f.date("date"),
        draft: f.boolean("published") == Some(false),
        teaser: f.first_text(&["excerpt", "description"]),
        aliases: tidy(aliases, &format!("/{}/", path.join("/"))),
        path,
        body: Body::Markdown(String::new()),
    }
}

/// `author`: a name, a list of names, or a table with a `name`.
fn author(f: &mut Fields<'_>) -> Vec<String> {
    if let Some(name) = f.get("author").and_then(Value::map).and_then(|m| m.get("name")).and_then(Value::scalar) {
        return vec![name];
    }
    f.list("author", false)
}

/// `image`: a path, or a table with a `path` (jekyll-seo-tag's form).
fn image(f: &mut Fields<'_>) -> Option<String> {
    let image = match f.get("image")?.map() {
        Some(m) => m.get("path").and_then(Value::scalar)?,
        None => f.text("image")?,
    };
    if image.contains("://") { Some(image) } else { url_path(&image) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_pages_are_not_content() {
        assert!(not_content("index", "x").is_some());
        assert!(not_content("404", "x").is_some());
        assert!(not_content("archive", "{% for post in site.posts %}{{ post.title }}{% endfor %}").is_some());
        assert_eq!(not_content("about", "We write {{ site.title }}."), None);
    }
}
