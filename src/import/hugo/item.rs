//! One Hugo content file's front matter mapped onto a lede post, page or
//! author bio: Hugo's keys and their fallbacks, the old URL its permalink
//! pattern made (kept as an alias), drafts and scheduled posts.

use std::path::PathBuf;

use jiff::Timestamp;

use super::config::{Config, Parts};
use crate::dates::PubDate;
use crate::diagnostics::Result;
use crate::import::frontmatter::{Kind, Map, Value};
use crate::import::sitegen::{self, Dropped, Fields, Slugs, dedup, old_path, segment, tidy, title_from_name, url_path};
use crate::import::{Access, Author, Body, Page, Post, Report, Topic};

/// A content file, read and split.
pub(super) struct Entry {
    /// Its path from the source, for the report.
    pub origin: String,
    /// Its path on disk, for diagnostics.
    pub file: PathBuf,
    /// Its path from `content/`.
    pub rel: PathBuf,
    /// What Hugo makes of it.
    pub place: Place,
    /// Its front matter.
    pub front: Map,
    /// Where its body starts in `text`.
    pub body_offset: usize,
    /// The whole file.
    pub text: String,
}

impl Entry {
    /// The text after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    /// Whether it is an `.html` content file.
    pub fn is_html(&self) -> bool {
        self.rel.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
    }
}

/// What Hugo makes of a content file, from where it lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// `content/_index.md`: the home page.
    Home,
    /// `<sections>/_index.md`: a section's list page.
    Branch {
        /// The folders from `content/`.
        sections: Vec<String>,
    },
    /// `content/x.md` or `content/x/index.md`.
    Page {
        /// The file name without extension, or the bundle's folder.
        name: String,
        /// A leaf bundle.
        bundle: bool,
    },
    /// A regular page in a section.
    Post {
        /// The folders from `content/` to the file (or to the bundle).
        sections: Vec<String>,
        /// The file name without extension, or the bundle's folder.
        name: String,
        /// A leaf bundle.
        bundle: bool,
    },
}

impl Place {
    /// Whether it is a leaf bundle, whose folder's files go with it.
    pub fn is_bundle(&self) -> bool {
        matches!(self, Place::Page { bundle: true, .. } | Place::Post { bundle: true, .. })
    }
}

/// What a content file becomes; bodies are filled in later.
pub(super) enum Mapped {
    /// An article.
    Post(Post),
    /// A plain page.
    Page(Page),
    /// A bio from `content/authors/<name>/_index.md`.
    Author(Author),
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

/// Maps one content file.
pub(super) fn map(entry: &Entry, cx: &Cx<'_>, slugs: &mut Slugs, dropped: &mut Dropped, report: &mut Report) -> Result<Mapped> {
    let front = with_params(&entry.front);
    let mut f = Fields::new(&entry.file, &entry.text, &front);
    f.consume("params");
    let origin = entry.origin.as_str();
    if let Some(why) = unpublished(&mut f) {
        report.note(origin, Topic::Note, format!("not imported: {why}"));
        return done(f, Mapped::Skipped);
    }
    let mapped = match &entry.place {
        Place::Home => {
            if !entry.body().trim().is_empty() {
                report.note(origin, Topic::Note, "the home page's text is not imported: lede's home page lists the articles; put it in a page or the theme");
            }
            return Ok(Mapped::Skipped);
        }
        Place::Branch { sections } if sections.len() == 2 && sections[0] == "authors" => {
            let name = f.text("title").unwrap_or_else(|| title_from_name(&sections[1]));
            Mapped::Author(Author { name, bio: String::new() })
        }
        Place::Branch { sections } if entry.body().trim().is_empty() => {
            report.note(origin, Topic::Note, format!("the list page of /{}/ has no text of its own: lede makes its own listings", sections.join("/")));
            return Ok(Mapped::Skipped);
        }
        Place::Branch { sections } if crate::urls::RESERVED.contains(&sections[0].as_str()) => {
            report.note(origin, Topic::Note, format!("not imported: lede writes /{}/ itself; move its text into a page by hand", sections[0]));
            return Ok(Mapped::Skipped);
        }
        Place::Branch { sections } => Mapped::Page(page(&mut f, entry, cx, PagePlace::Section(sections), report)),
        Place::Page { name, .. } => Mapped::Page(page(&mut f, entry, cx, PagePlace::Top(name), report)),
        Place::Post { sections, name, bundle } => Mapped::Post(post(&mut f, entry, cx, (sections, name, *bundle), slugs, report)),
    };
    dropped.add(f.unused(), !matches!(mapped, Mapped::Post(_)));
    done(f, mapped)
}

fn done(f: Fields<'_>, mapped: Mapped) -> Result<Mapped> {
    if f.problems.is_empty() { Ok(mapped) } else { Err(f.problems) }
}

/// The front matter with the keys of its `params` table beside the others
/// (Hugo 0.123 moved custom keys there); a key at the top wins.
fn with_params(front: &Map) -> Map {
    let mut merged = front.clone();
    if let Some(params) = front.get("params").and_then(Value::map) {
        for (key, value) in params.iter() {
            if front.get(key).is_none() {
                merged.insert(key, value.clone());
            }
        }
    }
    merged
}

/// Why Hugo publishes no page for this file, if it does not.
fn unpublished(f: &mut Fields<'_>) -> Option<&'static str> {
    if f.boolean("headless") == Some(true) {
        return Some("a headless bundle (`headless: true`): Hugo publishes no page for it");
    }
    for key in ["build", "_build"] {
        let render = f.get(key).and_then(Value::map).and_then(|m| m.get("render")).cloned();
        match render.as_ref().map(|v| &v.kind) {
            Some(Kind::Text(s)) if s.eq_ignore_ascii_case("never") => return Some("`build.render: never`: Hugo publishes no page for it"),
            Some(Kind::Bool(false)) => return Some("`build.render: false`: Hugo publishes no page for it"),
            _ => {}
        }
    }
    None
}

/// The publication date (`publishDate` over `date`, as Hugo reads them) and
/// the revision date; every date key present is checked.
fn dates(f: &mut Fields<'_>, cx: &Cx<'_>, origin: &str, report: &mut Report) -> (Option<PubDate>, Option<PubDate>) {
    let read: Vec<Option<PubDate>> = ["publishdate", "pubdate", "published", "date", "lastmod", "modified"].iter().map(|k| f.date(k)).collect();
    let date = read[..4].iter().flatten().next().copied();
    let updated = read[4..].iter().flatten().next().copied();
    let updated = match (date, updated) {
        (Some(d), Some(u)) if u.published_at(&cx.config.zone) <= d.published_at(&cx.config.zone) => {
            if u.published_at(&cx.config.zone) < d.published_at(&cx.config.zone) {
                report.note(origin, Topic::Dropped, format!("`lastmod` {} is before the publication date: dropped", u.iso_date()));
            }
            None
        }
        (_, u) => u,
    };
    if let Some(expiry) = f.first_date(&["expirydate", "unpublishdate"]) {
        let gone = if expiry.published_at(&cx.config.zone) <= cx.now { "Hugo no longer showed it; " } else { "" };
        report.note(origin, Topic::Note, format!("`expiryDate` {}: {gone}lede has no expiry; make it a draft by hand when it should go", expiry.iso_date()));
    }
    (date, updated)
}

enum PagePlace<'a> {
    Top(&'a str),
    Section(&'a [String]),
}

fn page(f: &mut Fields<'_>, entry: &Entry, cx: &Cx<'_>, place: PagePlace<'_>, report: &mut Report) -> Page {
    let origin = entry.origin.as_str();
    let (date, _) = dates(f, cx, origin, report);
    let slug = f.text("slug");
    let url = f.text("url").and_then(|u| old_path(&u, &cx.config.base_path));
    let (name, old) = match place {
        PagePlace::Top(name) => (name, format!("/{}/", slug.as_deref().unwrap_or(name))),
        PagePlace::Section(sections) => (sections.last().map_or("", String::as_str), format!("/{}/", sections.join("/"))),
    };
    let below_base = url.as_deref().and_then(|u| u.strip_prefix(cx.config.base_path.as_str()));
    let from_url: Option<Vec<String>> = below_base.map(|u| u.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect());
    let path = match (from_url, place) {
        (Some(segments), _) if !segments.is_empty() && segments.iter().all(|s| crate::urls::is_segment(s)) => segments,
        (_, PagePlace::Section(sections)) => sections.iter().map(|s| segment(s, origin, report)).collect(),
        (_, PagePlace::Top(name)) => vec![segment(slug.as_deref().unwrap_or(name), origin, report)],
    };
    let old = url.unwrap_or_else(|| format!("{}{}", cx.config.base_path, if cx.config.lower { old.to_lowercase() } else { old }));
    let new = format!("/{}/", path.join("/"));
    let dir = parent_dir(&old);
    let mut aliases: Vec<String> = f.list("aliases", false).iter().map(|a| absolute_alias(a, &dir, &cx.config.base_path)).collect();
    aliases.push(old);
    Page {
        origin: entry.origin.clone(),
        title: f.text("title").unwrap_or_else(|| untitled(name, origin, report)),
        date,
        draft: f.boolean("draft").unwrap_or(false),
        teaser: f.first_text(&["description", "summary", "subtitle"]),
        aliases: tidy(aliases, &new),
        path,
        body: Body::Markdown(String::new()),
    }
}

fn post(f: &mut Fields<'_>, entry: &Entry, cx: &Cx<'_>, place: (&[String], &str, bool), slugs: &mut Slugs, report: &mut Report) -> Post {
    let (sections, name, bundle) = place;
    let origin = entry.origin.as_str();
    let title = f.text("title").unwrap_or_else(|| untitled(name, origin, report));
    let (date, updated) = dates(f, cx, origin, report);
    let draft = f.boolean("draft").unwrap_or(false);
    let given_slug = f.text("slug");
    let slug = slugs.claim(&segment(given_slug.as_deref().unwrap_or(name), origin, report), origin, report);
    let site = cx.config.base_path.as_str();
    let url = f.text("url").and_then(|u| old_path(&u, site));
    let parts = Parts { date: date.as_ref(), title: &title, slug: given_slug.as_deref(), name, sections };
    let permalink = url.or_else(|| cx.config.permalink(&parts).map(|p| format!("{site}{p}")));
    let dir = permalink.as_deref().map_or_else(|| format!("{site}/{}/", sections.join("/")), parent_dir);
    let mut aliases: Vec<String> = f.list("aliases", false).iter().map(|a| absolute_alias(a, &dir, site)).collect();
    aliases.extend(permalink);

    let series = f.list("series", false);
    let categories = f.list("categories", false);
    let mut tags = f.list("tags", false);
    let column = series.first().or(categories.first()).cloned();
    tags.extend(series.iter().chain(categories.iter()).filter(|t| Some(*t) != column.as_ref()).cloned());
    let mut authors = f.list("authors", false);
    authors.extend(author(f));
    let image = image(f).map(|i| match url_path(&i) {
        _ if i.contains("://") => i,
        _ if bundle && !i.starts_with('/') => format!("/{}{}", crate::urls::article_dir(&slug), i.trim_start_matches("./")),
        path => path.unwrap_or(i),
    });
    let new = format!("/{}", crate::urls::article_dir(&slug));
    Post {
        origin: entry.origin.clone(),
        status: sitegen::status(draft, date.as_ref(), cx.now, &cx.config.zone),
        title,
        date,
        updated,
        authors: dedup(authors),
        column,
        tags: dedup(tags),
        teaser: f.first_text(&["description", "summary", "subtitle"]),
        image,
        canonical: f.first_text(&["canonical", "canonicalurl", "canonical_url"]),
        aliases: tidy(aliases, &new),
        slug,
        access: Access::SiteDefault,
        access_reason: String::new(),
        body: Body::Markdown(String::new()),
    }
}

fn untitled(name: &str, origin: &str, report: &mut Report) -> String {
    let title = title_from_name(name);
    report.note(origin, Topic::Note, format!("no title: titled \"{title}\" after its file name"));
    title
}

/// `author`: a name, a list of names, or a table with a `name`.
fn author(f: &mut Fields<'_>) -> Vec<String> {
    if let Some(name) = f.get("author").and_then(Value::map).and_then(|m| m.get("name")).and_then(Value::scalar) {
        return vec![name];
    }
    f.list("author", false)
}

/// The cover image, from the keys themes use for it.
fn image(f: &mut Fields<'_>) -> Option<String> {
    if let Some(first) = f.list("images", false).into_iter().next() {
        return Some(first);
    }
    let cover = f.get("cover").and_then(Value::map);
    if let Some(image) = cover.and_then(|m| m.get("image")).and_then(Value::scalar).filter(|s| !s.is_empty()) {
        return Some(image);
    }
    // A `cover` table without an image (a theme's caption, say) is no image itself.
    let keys: &[&str] = if cover.is_some() {
        &["image", "featured_image", "featuredimage", "thumbnail"]
    } else {
        &["image", "cover", "featured_image", "featuredimage", "thumbnail"]
    };
    f.first_text(keys)
}

/// The folder of a URL path: `/posts/x/` is in `/posts/`.
fn parent_dir(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => trimmed[..=i].to_string(),
        None => "/".to_string(),
    }
}

/// An alias as Hugo reads it: a path from the site's root (below `site`,
/// the path of `baseURL`), or relative to the page's folder `dir`.
fn absolute_alias(alias: &str, dir: &str, site: &str) -> String {
    if alias.starts_with('/') || alias.contains("://") {
        old_path(alias, site).unwrap_or_else(|| alias.to_string())
    } else {
        format!("{dir}{}", alias.trim_start_matches("./"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn aliases_resolve_as_hugo_does() {
        assert_eq!(parent_dir("/posts/x/"), "/posts/");
        assert_eq!(parent_dir("/x.html"), "/");
        assert_eq!(absolute_alias("old-name", "/posts/", ""), "/posts/old-name");
        assert_eq!(absolute_alias("/a/b/", "/posts/", ""), "/a/b/");
        assert_eq!(absolute_alias("https://old.test/c/", "/posts/", ""), "/c/");
        assert_eq!(absolute_alias("old-name", "/blog/posts/", "/blog"), "/blog/posts/old-name");
        assert_eq!(absolute_alias("/a/b/", "/blog/posts/", "/blog"), "/blog/a/b/");
        assert_eq!(absolute_alias("https://old.test/blog/c/", "/blog/posts/", "/blog"), "/blog/c/");
    }

    #[test]
    fn the_cover_image_comes_from_the_keys_themes_use() {
        let cases = [
            ("images: [a.jpg]\ncover: {image: b.jpg}", Some("a.jpg")),
            ("cover: {image: b.jpg}\nimage: c.jpg", Some("b.jpg")),
            ("cover: {caption: x}\nimage: c.jpg", Some("c.jpg")),
            ("cover: d.jpg", Some("d.jpg")),
            ("featured_image: e.jpg", Some("e.jpg")),
            ("cover: {caption: x}", None),
        ];
        for (yaml, expected) in cases {
            let text = format!("---\n{yaml}\n---\n");
            let doc = crate::import::frontmatter::read(Path::new("a.md"), &text).unwrap();
            let mut f = Fields::new(Path::new("a.md"), &text, &doc.front);
            assert_eq!(image(&mut f).as_deref(), expected, "{yaml}");
            assert!(f.problems.is_empty(), "{yaml}: {:?}", f.problems);
        }
    }

    #[test]
    fn params_fill_in_without_overriding() {
        let text = "+++\nauthor = 'Top'\n[params]\nauthor = 'Inner'\nimage = 'x.png'\n+++\n";
        let doc = crate::import::frontmatter::read(Path::new("a.md"), text).unwrap();
        let merged = with_params(&doc.front);
        assert_eq!(merged.get("author").and_then(Value::text), Some("Top"));
        assert_eq!(merged.get("image").and_then(Value::text), Some("x.png"));
    }
}
