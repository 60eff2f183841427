//! Ghost: the JSON file Ghost's "Export content" writes (a dump of its
//! posts, users, tags and tiers tables) read into an [`Archive`].
//!
//! Decisions a person may want to know about:
//! - Ghost renders the HTML of a post on every save and exports it, so an
//!   export from Ghost has `html` for every post written in its editor. A
//!   post with only `lexical` or `mobiledoc` (a row a migration tool wrote)
//!   is not rendered here: it comes in as a draft with an empty body.
//! - A post for members or paid subscribers is cut at Ghost's own
//!   `<!--members-only-->` marker when its HTML holds one; otherwise all of
//!   it is for members. An unknown visibility is members only.
//! - Ghost writes its own address as `__GHOST_URL__`; it becomes `/`, so the
//!   old site's links are root-relative.
//! - A members-only page becomes a members-only article (lede's pages are
//!   always public), its old URL kept as an alias.
//! - Files under `content/images/` beside the export (a Ghost content
//!   folder) become assets at the same path, so `/content/images/…` links
//!   keep working.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

use super::{Access, Archive, Asset, Author, Body, Dialect, Options, Page, Post, Status, Topic};
use crate::dates::{PubDate, parse_date_text};
use crate::diagnostics::{Diagnostic, Result};
use crate::text::slugify;
use crate::urls::{RESERVED, is_segment};

/// The paywall card's mark in Ghost's HTML: everything before it is free.
const MEMBERS_ONLY: &str = "<!--members-only-->";

/// Ghost's placeholder for its own address in exported HTML and image URLs.
const GHOST_URL: &str = "__GHOST_URL__";

/// Where a Ghost content folder keeps uploaded images, as a site path.
const IMAGES: &str = "/content/images/";

/// Reads a Ghost JSON export into an archive.
pub fn read(source: &Path, options: &Options) -> Result<Archive> {
    read_at(source, options, Timestamp::now())
}

/// [`read`], with "now" given: a published post dated after it is scheduled.
pub fn read_at(source: &Path, options: &Options, now: Timestamp) -> Result<Archive> {
    let bytes = std::fs::read(source).map_err(|e| Diagnostic::io(source, "read the Ghost export", &e))?;
    let text = utf8(source, bytes)?;
    let data = parse(source, &text)?;
    let images = source.parent().map(|dir| dir.join("content").join("images")).filter(|dir| dir.is_dir());
    Ok(Reader::new(&data, options, now).run(images.as_deref()))
}

/// The text of a file, or where it stops being UTF-8.
fn utf8(file: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        Diagnostic::at_offset(file, &text, valid, "not UTF-8 text: a Ghost export is JSON in UTF-8").into()
    })
}

/// The export's tables, from either shape Ghost has written.
fn parse(file: &Path, text: &str) -> Result<Data> {
    // serde would read an array as the struct's fields in order, and say something puzzling.
    if let Some(at) = text.find(|c: char| !c.is_whitespace() && c != '\u{feff}')
        && !text[at..].starts_with('{')
    {
        return Err(Diagnostic::at_offset(file, text, at, "not a Ghost export: expected a JSON object, {\"db\": [{\"data\": {\"posts\": [...]}}]}").into());
    }
    let export: ExportFile = serde_json::from_str(text).map_err(|e| json_error(file, text, &e))?;
    let mut parts = Vec::new();
    let mut site_url = None;
    for db in export.db.into_iter().flatten() {
        site_url = site_url.or(db.meta.and_then(|m| m.url));
        parts.extend(db.data);
    }
    site_url = site_url.or(export.meta.and_then(|m| m.url));
    parts.extend(export.data);
    if parts.is_empty() || parts.iter().all(|d| d.posts.is_none()) {
        return Err(Diagnostic::file(
            file,
            "valid JSON, but not a Ghost export: expected {\"db\": [{\"data\": {\"posts\": [...]}}]} (Ghost admin, Settings, Export content)",
        )
        .into());
    }
    let mut data = parts.remove(0);
    for more in parts {
        data.absorb(more);
    }
    data.site_url = site_url.filter(|u| !u.trim().is_empty());
    Ok(data)
}

/// A serde_json error at its line and column (serde_json counts bytes; we count characters).
fn json_error(file: &Path, text: &str, err: &serde_json::Error) -> crate::diagnostics::Diagnostics {
    let mut message = err.to_string();
    // The position is printed by the diagnostic itself.
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    let message = match err.classify() {
        serde_json::error::Category::Data => format!("not a Ghost export as expected: {message}"),
        serde_json::error::Category::Eof => format!("the JSON ends too early: {message}"),
        _ => format!("JSON syntax error: {message}"),
    };
    if err.line() == 0 {
        return Diagnostic::file(file, message).into();
    }
    let line_start: usize = text.split_inclusive('\n').take(err.line() - 1).map(str::len).sum();
    let mut offset = (line_start + err.column().saturating_sub(1)).min(text.len());
    // serde_json sometimes points just before the value it read: point at the value.
    if let Some(skip) = text.get(offset..).and_then(|rest| rest.find(|c: char| !c.is_whitespace())) {
        offset += skip;
    }
    Diagnostic::at_offset(file, text, offset, message).into()
}

#[derive(Deserialize)]
struct ExportFile {
    #[serde(default)]
    db: Option<Vec<Db>>,
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Db {
    #[serde(default)]
    meta: Option<Meta>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Meta {
    /// Ghost's own exports carry no address; a hand-made one may.
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize, Default)]
struct Data {
    #[serde(default)]
    posts: Option<Vec<GhostPost>>,
    #[serde(default)]
    users: Option<Vec<User>>,
    #[serde(default)]
    tags: Option<Vec<Tag>>,
    #[serde(default)]
    posts_tags: Option<Vec<Link>>,
    #[serde(default)]
    posts_authors: Option<Vec<Link>>,
    #[serde(default)]
    posts_meta: Option<Vec<PostMeta>>,
    #[serde(default)]
    posts_products: Option<Vec<Link>>,
    #[serde(default)]
    products: Option<Vec<Product>>,
    #[serde(default)]
    settings: Option<Vec<Setting>>,
    #[serde(skip)]
    site_url: Option<String>,
}

impl Data {
    fn absorb(&mut self, other: Data) {
        fn join<T>(a: &mut Option<Vec<T>>, b: Option<Vec<T>>) {
            if let Some(b) = b {
                a.get_or_insert_with(Vec::new).extend(b);
            }
        }
        join(&mut self.posts, other.posts);
        join(&mut self.users, other.users);
        join(&mut self.tags, other.tags);
        join(&mut self.posts_tags, other.posts_tags);
        join(&mut self.posts_authors, other.posts_authors);
        join(&mut self.posts_meta, other.posts_meta);
        join(&mut self.posts_products, other.posts_products);
        join(&mut self.products, other.products);
        join(&mut self.settings, other.settings);
    }
}

#[derive(Deserialize)]
struct GhostPost {
    #[serde(default, deserialize_with = "id")]
    id: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    lexical: Option<String>,
    #[serde(default)]
    mobiledoc: Option<String>,
    #[serde(default)]
    feature_image: Option<String>,
    /// `post` or `page`; Ghost before 2.0 wrote `page: true` instead.
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    page: Option<Value>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
    /// Ghost 4's tier filter (`product:gold`) when `visibility` is `filter`.
    #[serde(default)]
    visibility_filter: Option<String>,
    #[serde(default)]
    created_at: Option<GhostDate>,
    #[serde(default)]
    updated_at: Option<GhostDate>,
    #[serde(default)]
    published_at: Option<GhostDate>,
    #[serde(default)]
    custom_excerpt: Option<String>,
    #[serde(default)]
    canonical_url: Option<String>,
    /// Ghost before 4.0 kept these on the post row, not in `posts_meta`.
    #[serde(default)]
    meta_description: Option<String>,
    #[serde(default, deserialize_with = "id")]
    author_id: Option<String>,
    #[serde(default)]
    primary_author: Option<Value>,
    #[serde(default)]
    featured: Option<Value>,
    #[serde(default)]
    codeinjection_head: Option<Value>,
    #[serde(default)]
    codeinjection_foot: Option<Value>,
    #[serde(default)]
    custom_template: Option<Value>,
    #[serde(default)]
    meta_title: Option<Value>,
    #[serde(default)]
    og_image: Option<Value>,
}

impl GhostPost {
    /// Fields with no place in lede (reported once for the import).
    fn dropped(&self) -> [(&'static str, Option<&Value>); 6] {
        [
            ("featured", self.featured.as_ref()),
            ("codeinjection_head", self.codeinjection_head.as_ref()),
            ("codeinjection_foot", self.codeinjection_foot.as_ref()),
            ("custom_template", self.custom_template.as_ref()),
            ("meta_title", self.meta_title.as_ref()),
            ("og_image", self.og_image.as_ref()),
        ]
    }
}

#[derive(Deserialize)]
struct User {
    #[serde(default, deserialize_with = "id")]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    bio: Option<String>,
}

#[derive(Deserialize)]
struct Tag {
    #[serde(default, deserialize_with = "id")]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
}

/// A row of `posts_tags`, `posts_authors` or `posts_products`.
#[derive(Deserialize)]
struct Link {
    #[serde(default, deserialize_with = "id")]
    post_id: Option<String>,
    /// The tag, author or tier.
    #[serde(default, deserialize_with = "id", rename = "tag_id", alias = "author_id", alias = "product_id")]
    target: Option<String>,
    #[serde(default)]
    sort_order: Option<f64>,
}

#[derive(Deserialize)]
struct PostMeta {
    #[serde(default, deserialize_with = "id")]
    post_id: Option<String>,
    #[serde(default)]
    meta_description: Option<String>,
    #[serde(default)]
    email_only: Option<Value>,
    #[serde(default)]
    meta_title: Option<Value>,
    #[serde(default)]
    og_image: Option<Value>,
    #[serde(default)]
    email_subject: Option<Value>,
    #[serde(default)]
    feature_image_alt: Option<Value>,
    #[serde(default)]
    feature_image_caption: Option<Value>,
}

impl PostMeta {
    /// Fields with no place in lede (reported once for the import).
    fn dropped(&self) -> [(&'static str, Option<&Value>); 5] {
        [
            ("meta_title", self.meta_title.as_ref()),
            ("og_image", self.og_image.as_ref()),
            ("email_subject", self.email_subject.as_ref()),
            ("feature_image_alt", self.feature_image_alt.as_ref()),
            ("feature_image_caption", self.feature_image_caption.as_ref()),
        ]
    }
}

/// Whether a field says something: a set flag or text that is not blank.
fn is_set(v: Option<&Value>) -> bool {
    truthy(v) || v.and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty())
}

#[derive(Deserialize)]
struct Product {
    #[serde(default, deserialize_with = "id")]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Setting {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    value: Option<Value>,
}

/// Ghost 0.x wrote numeric ids; later versions, strings.
fn id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        None | Some(Value::Null) => None,
        Some(other) => return Err(de::Error::custom(format!("an id must be a string or a number, not {other}"))),
    })
}

/// An instant as Ghost writes it: ISO 8601 text, or (before 1.0) milliseconds since 1970.
struct GhostDate(PubDate);

impl<'de> Deserialize<'de> for GhostDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = GhostDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as \"2024-03-17T09:30:00.000Z\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<GhostDate, E> {
                parse_date_text(s).map(GhostDate).ok_or_else(|| E::custom(format!("{s:?} is not a date such as \"2024-03-17T09:30:00.000Z\"")))
            }
            fn visit_i64<E: de::Error>(self, ms: i64) -> std::result::Result<GhostDate, E> {
                from_millis(ms).ok_or_else(|| E::custom(format!("{ms} is not a time in milliseconds Ghost could have written")))
            }
            fn visit_u64<E: de::Error>(self, ms: u64) -> std::result::Result<GhostDate, E> {
                i64::try_from(ms).map_err(|_| E::custom(format!("{ms} is too large for a date"))).and_then(|ms| self.visit_i64(ms))
            }
        }
        d.deserialize_any(Visitor)
    }
}

fn from_millis(ms: i64) -> Option<GhostDate> {
    let t = Timestamp::from_second(ms.div_euclid(1000)).ok()?;
    Some(GhostDate(PubDate { datetime: TimeZone::UTC.to_datetime(t), offset_seconds: Some(0) }))
}

fn instant(d: &PubDate) -> Timestamp {
    d.published_at(&TimeZone::UTC)
}

/// Whether a Ghost flag (`true`, `1`, `"1"`) is set.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(Value::String(s)) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// Text that says something: trimmed, never empty.
fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// `__GHOST_URL__` made root-relative: its links go to the new site.
fn root_relative(s: &str) -> String {
    s.replace("__GHOST_URL__/", "/").replace(GHOST_URL, "/")
}

/// Whether a post is out, held or unfinished, by its `status`; one that is
/// not on the site (sent by email only, or with no HTML to show) is a draft.
fn status_of(report: &mut super::Report, origin: &str, p: &GhostPost, meta: Option<&PostMeta>, has_html: bool) -> Status {
    let status = match p.status.as_deref() {
        Some("published") => Status::Published,
        Some("scheduled") => Status::Scheduled,
        Some("draft") => Status::Draft,
        Some("sent") => {
            report.note(origin, Topic::Note, "sent by email only, never on the site: imported as a draft");
            return Status::Draft;
        }
        other => {
            report.note(origin, Topic::Note, format!("status {other:?} is not one lede knows: imported as a draft"));
            return Status::Draft;
        }
    };
    if status != Status::Draft && truthy(meta.and_then(|m| m.email_only.as_ref())) {
        report.note(origin, Topic::Note, "email only (never on the site): imported as a draft");
        return Status::Draft;
    }
    if !has_html && (given(p.lexical.as_deref()).is_some() || given(p.mobiledoc.as_deref()).is_some()) {
        report.note(
            origin,
            Topic::Note,
            "no html, only Ghost's editor format (lexical or mobiledoc), which lede does not render: imported as a draft with an empty body. \
             Ghost writes html for every post saved in its editor, so opening and saving the post in Ghost, then exporting again, brings its text",
        );
        return Status::Draft;
    }
    status
}

/// Who may read a post, and why, from its visibility and HTML.
fn access_of(visibility: Option<&str>, filter: Option<&str>, tiers: &[String], html: Option<&str>, default: &Access) -> (Access, String) {
    let Some(visibility) = given(visibility) else {
        return (default.clone(), "the export gives no visibility: the import's default paywall applies".into());
    };
    let mut named = format!("visibility = {visibility}");
    if visibility == "members" {
        named.push_str(" (anyone signed in to Ghost, free or paid)");
    }
    match visibility {
        "public" => return (Access::Free, named),
        "members" | "paid" | "tiers" | "filter" => {}
        _ => return (Access::MembersOnly, format!("{named}, which lede does not know: members only, to be safe")),
    }
    if visibility == "filter"
        && let Some(filter) = given(filter)
    {
        named = format!("{named} ({filter})");
    }
    if !tiers.is_empty() {
        named = format!("{named} ({})", tiers.join(", "));
    }
    if html.is_some_and(|h| h.contains(MEMBERS_ONLY)) {
        (Access::Marker, format!("{named}; free up to Ghost's {MEMBERS_ONLY} marker"))
    } else {
        (Access::MembersOnly, format!("{named} and no {MEMBERS_ONLY} marker: all of it is for members"))
    }
}

/// Lookups over the export's tables, and the archive being filled.
struct Reader<'a> {
    data: &'a Data,
    options: &'a Options,
    now: Timestamp,
    users: HashMap<&'a str, &'a User>,
    tags: HashMap<&'a str, &'a Tag>,
    products: HashMap<&'a str, &'a str>,
    meta: HashMap<&'a str, &'a PostMeta>,
    post_tags: HashMap<&'a str, Vec<&'a str>>,
    post_authors: HashMap<&'a str, Vec<&'a str>>,
    post_tiers: HashMap<&'a str, Vec<&'a str>>,
    slugs: HashSet<String>,
    page_slugs: HashSet<String>,
    dropped: BTreeMap<&'static str, usize>,
    aliases: HashSet<String>,
    archive: Archive,
}

/// The rows of a link table for each post, in their `sort_order` (export order breaking ties).
fn by_post(rows: Option<&[Link]>) -> HashMap<&str, Vec<&str>> {
    let mut rows: Vec<&Link> = rows.unwrap_or_default().iter().filter(|l| l.post_id.is_some() && l.target.is_some()).collect();
    rows.sort_by(|a, b| a.sort_order.unwrap_or(0.0).total_cmp(&b.sort_order.unwrap_or(0.0)));
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for l in rows {
        if let (Some(post), Some(other)) = (&l.post_id, &l.target) {
            out.entry(post).or_default().push(other);
        }
    }
    out
}

fn index<'a, T>(rows: Option<&'a [T]>, key: impl Fn(&'a T) -> Option<&'a str>) -> HashMap<&'a str, &'a T> {
    rows.unwrap_or_default().iter().filter_map(|r| Some((key(r)?, r))).collect()
}

/// The counts every Ghost import reports, zero or not.
const COUNTS: [&str; 7] = ["published posts", "scheduled posts", "draft posts", "pages", "draft pages", "authors", "skipped"];

impl<'a> Reader<'a> {
    fn new(data: &'a Data, options: &'a Options, now: Timestamp) -> Self {
        let mut archive = Archive::default();
        for kind in COUNTS {
            archive.report.count(kind, 0);
        }
        archive.site_url = data.site_url.clone();
        archive.site_title = data.settings.as_deref().unwrap_or_default().iter().find(|s| s.key.as_deref() == Some("title")).and_then(|s| match &s.value {
            Some(Value::String(t)) => given(Some(t)).map(str::to_string),
            _ => None,
        });
        Reader {
            data,
            options,
            now,
            users: index(data.users.as_deref(), |u| u.id.as_deref()),
            tags: index(data.tags.as_deref(), |t| t.id.as_deref()),
            products: data.products.as_deref().unwrap_or_default().iter().filter_map(|p| Some((p.id.as_deref()?, given(p.name.as_deref())?))).collect(),
            meta: index(data.posts_meta.as_deref(), |m| m.post_id.as_deref()),
            post_tags: by_post(data.posts_tags.as_deref()),
            post_authors: by_post(data.posts_authors.as_deref()),
            post_tiers: by_post(data.posts_products.as_deref()),
            slugs: HashSet::new(),
            page_slugs: HashSet::new(),
            dropped: BTreeMap::new(),
            aliases: HashSet::new(),
            archive,
        }
    }

    fn run(mut self, images: Option<&Path>) -> Archive {
        for post in self.data.posts.as_deref().unwrap_or_default() {
            self.item(post);
        }
        self.authors();
        self.assets(images);
        if !self.dropped.is_empty() {
            let list: Vec<String> = self.dropped.iter().map(|(field, n)| format!("{field} ({n} post{})", if *n == 1 { "" } else { "s" })).collect();
            self.archive.report.note("export", Topic::Dropped, format!("fields lede has no place for: {}", list.join(", ")));
        }
        self.archive
    }

    /// Users who wrote an imported post, in the export's order, with their bios.
    fn authors(&mut self) {
        let named: HashSet<&str> = self.archive.posts.iter().flat_map(|p| p.authors.iter().map(String::as_str)).collect();
        let mut seen = HashSet::new();
        let mut authors = Vec::new();
        for user in self.data.users.as_deref().unwrap_or_default() {
            let Some(name) = given(user.name.as_deref()) else { continue };
            if named.contains(name) && seen.insert(name) {
                authors.push(Author { name: name.to_string(), bio: given(user.bio.as_deref()).unwrap_or_default().to_string() });
            }
        }
        self.archive.report.count("authors", authors.len());
        self.archive.authors = authors;
    }

    fn item(&mut self, p: &'a GhostPost) {
        let id = p.id.as_deref().unwrap_or("?");
        let is_page = match p.kind.as_deref() {
            Some("post") => false,
            Some("page") => true,
            None => truthy(p.page.as_ref()),
            Some(other) => {
                self.archive.report.note(format!("post {id}"), Topic::Note, format!("skipped: its type {other:?} is neither post nor page"));
                self.archive.report.count("skipped", 1);
                return;
            }
        };
        let kind = if is_page { "page" } else { "post" };
        let origin = format!("{kind} {}", given(p.slug.as_deref()).unwrap_or(id));
        let report = &mut self.archive.report;

        let title = match given(p.title.as_deref()) {
            Some(t) => t.to_string(),
            None => {
                report.note(&origin, Topic::Note, "no title: written as \"Untitled\"");
                "Untitled".to_string()
            }
        };
        let meta = p.id.as_deref().and_then(|id| self.meta.get(id)).copied();
        let set: BTreeSet<&'static str> =
            p.dropped().into_iter().chain(meta.map(PostMeta::dropped).into_iter().flatten()).filter(|(_, v)| is_set(*v)).map(|(name, _)| name).collect();
        for field in set {
            *self.dropped.entry(field).or_default() += 1;
        }
        let html = p.html.as_deref().map(root_relative);
        let mut status = status_of(report, &origin, p, meta, html.is_some());
        let date = p.published_at.as_ref().or(p.created_at.as_ref()).map(|d| d.0);
        if status == Status::Published && date.is_some_and(|d| instant(&d) > self.now) {
            status = Status::Scheduled;
        }
        let updated = p.updated_at.as_ref().map(|d| d.0).filter(|u| date.is_none_or(|d| instant(u) > instant(&d)));

        let tiers: Vec<String> =
            p.id.as_deref()
                .and_then(|id| self.post_tiers.get(id))
                .into_iter()
                .flatten()
                .map(|t| self.products.get(t).copied().unwrap_or(t).to_string())
                .collect();
        let (access, reason) = access_of(p.visibility.as_deref(), p.visibility_filter.as_deref(), &tiers, html.as_deref(), &self.options.default_access);
        let teaser = given(p.custom_excerpt.as_deref())
            .or_else(|| {
                if access == Access::Free { given(meta.and_then(|m| m.meta_description.as_deref())).or(given(p.meta_description.as_deref())) } else { None }
            })
            .map(str::to_string);
        let body = Body::Html { html: html.unwrap_or_default(), dialect: Dialect::Ghost };

        let original = given(p.slug.as_deref()).unwrap_or_default();
        // A page that says nothing about its readers is public, as every Ghost page was before members.
        let public = access == Access::Free || (given(p.visibility.as_deref()).is_none() && access == Access::SiteDefault);
        if is_page && public {
            let (column, tags) = self.tags(&origin, p);
            let mut unused: Vec<String> = column.into_iter().chain(tags).map(|t| format!("tag {t}")).collect();
            unused.extend(given(p.feature_image.as_deref()).map(|i| format!("feature image {}", root_relative(i))));
            if !unused.is_empty() {
                self.archive.report.note(&origin, Topic::Dropped, format!("lede's pages have no tags or cover image: {}", unused.join(", ")));
            }
            let slug = self.slug(&origin, original, &title, true);
            let draft = status != Status::Published;
            if status == Status::Scheduled {
                self.archive.report.note(&origin, Topic::Note, "a scheduled page: lede's pages have no publication date, so it is imported as a draft");
            }
            let aliases = if original.is_empty() || slug == original { Vec::new() } else { self.alias(&origin, original) };
            self.archive.report.count(if draft { "draft pages" } else { "pages" }, 1);
            self.archive.pages.push(Page { origin, path: vec![slug], title, date, draft, teaser, aliases, body });
            return;
        }
        if is_page {
            self.archive.report.note(
                &origin,
                Topic::Paywall,
                "a page not for everyone: lede's pages are always public, so it is imported as an article with the same paywall, its old URL redirecting there",
            );
        }
        self.archive.report.note(&origin, Topic::Paywall, format!("{}: {reason}", access.describe()));

        let slug = self.slug(&origin, original, &title, false);
        // Ghost's default permalink; a post without a slug never had a URL.
        let aliases = if original.is_empty() { Vec::new() } else { self.alias(&origin, original) };
        let authors = self.bylines(&origin, p);
        let (column, tags) = self.tags(&origin, p);
        let image = given(p.feature_image.as_deref()).map(root_relative);
        let canonical = given(p.canonical_url.as_deref()).map(root_relative);
        self.archive.report.count(status.counted_as(), 1);
        self.archive.posts.push(Post {
            origin,
            title,
            slug,
            date,
            updated,
            status,
            authors,
            column,
            tags,
            teaser,
            image,
            canonical,
            aliases,
            access,
            access_reason: reason,
            body,
        });
    }

    /// The slug as published when it is a URL segment, else normalised; unique among posts (or pages).
    fn slug(&mut self, origin: &str, original: &str, title: &str, page: bool) -> String {
        let report = &mut self.archive.report;
        let mut slug = if is_segment(original) {
            original.to_string()
        } else {
            let slug = slugify(if original.is_empty() { title } else { original });
            if original.is_empty() {
                report.note(origin, Topic::Slug, format!("no slug: made {slug:?} from the title"));
            } else {
                report.note(origin, Topic::Slug, format!("slug {original:?} is not a URL segment: written as {slug:?}, the old URL redirecting"));
            }
            slug
        };
        if page && RESERVED.contains(&slug.as_str()) {
            let own = format!("{slug}-page");
            report.note(origin, Topic::Slug, format!("/{slug}/ is a listing lede writes itself: the page is written as {own:?}"));
            slug = own;
        }
        let taken = if page { &mut self.page_slugs } else { &mut self.slugs };
        if !taken.insert(slug.clone()) {
            let base = slug.clone();
            let mut n = 2;
            while !taken.insert(format!("{base}-{n}")) {
                n += 1;
            }
            slug = format!("{base}-{n}");
            report.note(origin, Topic::Slug, format!("slug {base:?} is taken by another item: written as {slug:?}"));
        }
        slug
    }

    /// The old URL `/<slug>/` as an alias, unless another item already claimed it.
    fn alias(&mut self, origin: &str, slug: &str) -> Vec<String> {
        let alias = format!("/{slug}/");
        if RESERVED.contains(&slug) {
            self.archive.report.note(origin, Topic::Slug, format!("the old URL {alias} is a listing lede writes itself: it shows that listing now"));
            Vec::new()
        } else if self.aliases.insert(alias.clone()) {
            vec![alias]
        } else {
            self.archive.report.note(origin, Topic::Slug, format!("the old URL {alias} already redirects to another item: not kept for this one"));
            Vec::new()
        }
    }

    /// The bylines in `posts_authors` order, else the post's own author field.
    fn bylines(&mut self, origin: &str, p: &'a GhostPost) -> Vec<String> {
        let mut ids: Vec<&str> = p.id.as_deref().and_then(|id| self.post_authors.get(id)).cloned().unwrap_or_default();
        if ids.is_empty() {
            let primary = match &p.primary_author {
                Some(Value::String(id)) => Some(id.as_str()),
                Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
                _ => None,
            };
            ids.extend(p.author_id.as_deref().or(primary));
        }
        let mut names = Vec::new();
        for id in ids {
            match self.users.get(id).and_then(|u| given(u.name.as_deref())) {
                Some(name) if !names.iter().any(|n| n == name) => names.push(name.to_string()),
                Some(_) => {}
                None => self.archive.report.note(origin, Topic::Note, format!("author {id:?} is not among the export's users: left out of the byline")),
            }
        }
        names
    }

    /// The primary (first public) tag as the column, the other public tags as tags.
    fn tags(&mut self, origin: &str, p: &GhostPost) -> (Option<String>, Vec<String>) {
        let ids = p.id.as_deref().and_then(|id| self.post_tags.get(id)).cloned().unwrap_or_default();
        let mut public = Vec::new();
        let mut internal = Vec::new();
        for id in ids {
            let Some(tag) = self.tags.get(id) else {
                self.archive.report.note(origin, Topic::Note, format!("tag {id:?} is not among the export's tags: left out"));
                continue;
            };
            let Some(name) = given(tag.name.as_deref()) else { continue };
            if name.starts_with('#') || tag.visibility.as_deref() == Some("internal") {
                internal.push(name);
            } else if !public.contains(&name) {
                public.push(name);
            }
        }
        if !internal.is_empty() {
            self.archive.report.note(origin, Topic::Dropped, format!("internal tags (Ghost's own, never shown): {}", internal.join(", ")));
        }
        let mut public = public.into_iter().map(str::to_string);
        (public.next(), public.collect())
    }

    /// Files under `content/images/` that the imported items use, from the content folder beside the export.
    fn assets(&mut self, images: Option<&Path>) {
        let mut used: BTreeMap<String, String> = BTreeMap::new();
        let posts = self.archive.posts.iter().map(|p| (&p.origin, &p.body, p.image.as_deref()));
        let pages = self.archive.pages.iter().map(|p| (&p.origin, &p.body, None));
        for (origin, body, image) in posts.chain(pages) {
            let html = match body {
                Body::Html { html, .. } => html.as_str(),
                Body::Markdown(md) => md.as_str(),
            };
            for path in image_paths(html).into_iter().chain(image.and_then(|i| image_paths(&format!("\"{i}\"")).into_iter().next())) {
                used.entry(path).or_insert_with(|| origin.clone());
            }
        }
        if used.is_empty() {
            return;
        }
        let Some(images) = images else {
            self.archive.report.note(
                "export",
                Topic::Note,
                format!(
                    "{} images under {IMAGES} are used but not beside the export: put the old site's content/images folder beside the JSON file and import again, or copy it to static/content/images",
                    used.len()
                ),
            );
            return;
        };
        let mut assets = BTreeSet::new();
        for (path, origin) in used {
            let Some(rel) = safe_relative(&path) else {
                self.archive.report.note(&origin, Topic::Note, format!("image path {IMAGES}{path} leaves the images folder: not copied"));
                continue;
            };
            let from = images.join(&rel);
            // Never follow a link out of the content folder.
            if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
                assets.insert((from, Path::new("content").join("images").join(rel)));
            } else {
                self.archive.report.note(&origin, Topic::Note, format!("image {IMAGES}{path} is not in {}", images.display()));
            }
        }
        self.archive.assets = assets.into_iter().map(|(from, to)| Asset { from, to }).collect();
    }
}

/// The paths after `/content/images/` of the root-relative image links in `html`.
fn image_paths(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in html.match_indices(IMAGES) {
        // Only root-relative links: an absolute one may be any site's.
        if !html[..at].ends_with(['"', '\'', ' ', '\n', '\t', '(', ',', '=']) {
            continue;
        }
        let rest = &html[at + IMAGES.len()..];
        let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')' | '?' | '#')).unwrap_or(rest.len());
        if end > 0 {
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// A link path as a relative file path, decoded, when it stays inside its folder.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let mut out = PathBuf::new();
    for segment in decoded.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." || segment.contains(['\\', '\0', ':']) {
            return None;
        }
        out.push(segment);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/ghost").join(name)
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn date(text: &str) -> Option<PubDate> {
        Some(parse_date_text(text).unwrap())
    }

    fn read_fixture(now: &str) -> Archive {
        read_at(&fixture("export.json"), &Options::default(), at(now)).unwrap()
    }

    fn post<'a>(archive: &'a Archive, slug: &str) -> &'a Post {
        archive.posts.iter().find(|p| p.slug == slug).unwrap_or_else(|| panic!("no post {slug}"))
    }

    fn html(body: &Body) -> &str {
        match body {
            Body::Html { html, dialect: Dialect::Ghost } => html,
            other => panic!("not Ghost HTML: {other:?}"),
        }
    }

    fn notes(archive: &Archive, origin: &str, topic: Topic) -> Vec<String> {
        archive.report.about(topic).filter(|e| e.origin == origin).map(|e| e.text.clone()).collect()
    }

    #[test]
    fn a_public_post_keeps_its_tags_authors_dates_and_links() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        let p = post(&a, "a-partnership-deferred");
        let expected = Post {
            origin: "post a-partnership-deferred".into(),
            title: "A Partnership Deferred".into(),
            slug: "a-partnership-deferred".into(),
            date: date("2024-03-17T09:30:00Z"),
            updated: date("2024-03-18T10:00:00Z"),
            status: Status::Published,
            authors: vec!["Jane Analyst".into(), "Omar Writer".into()],
            column: Some("Global Insights".into()),
            tags: vec!["NATO".into(), "Russia".into()],
            teaser: Some("Why the 2020 roadmap stalled.".into()),
            image: Some("/content/images/2024/03/cover.jpg".into()),
            canonical: None,
            aliases: vec!["/a-partnership-deferred/".into()],
            access: Access::Free,
            access_reason: "visibility = public".into(),
            body: Body::Html {
                html: "<p>The roadmap of 2020 stalled.</p><figure class=\"kg-card kg-image-card\"><img src=\"/content/images/2024/03/map.jpg\" srcset=\"/content/images/size/w600/2024/03/map.jpg 600w, /content/images/2024/03/map.jpg 1200w\"></figure><p>See <a href=\"/members-guide/\">the guide</a> and <a href=\"/\">home</a>.</p>".into(),
                dialect: Dialect::Ghost,
            },
        };
        assert_eq!(p, &expected);
        assert_eq!(notes(&a, "post a-partnership-deferred", Topic::Dropped), ["internal tags (Ghost's own, never shown): #newsletter"]);
        assert_eq!(notes(&a, "post a-partnership-deferred", Topic::Paywall), ["free (paywall = false): visibility = public"]);
    }

    #[test]
    fn a_members_post_with_the_marker_is_cut_there_and_keeps_its_excerpt_and_canonical() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        let p = post(&a, "the-free-part-ends-here");
        assert_eq!(p.title, "The Free Part Ends Here");
        assert_eq!(p.access, Access::Marker);
        assert_eq!(p.access_reason, "visibility = members (anyone signed in to Ghost, free or paid); free up to Ghost's <!--members-only--> marker");
        assert_eq!(p.teaser.as_deref(), Some("What the summit left open."));
        assert_eq!(p.canonical.as_deref(), Some("https://elsewhere.example/original"));
        assert_eq!(p.image.as_deref(), Some("https://images.example.org/cover2.jpg"));
        assert_eq!(p.date, date("2024-04-02T09:00:00Z"));
        // Updated at the same instant as published: no revision.
        assert_eq!(p.updated, None);
        assert_eq!(p.authors, ["Jane Analyst"]);
        // Its only public tag is its column.
        assert_eq!((p.column.as_deref(), p.tags.len()), (Some("NATO"), 0));
        assert_eq!(html(&p.body), "<p>Free intro.</p><!--members-only--><p>Paid analysis.</p>");
        assert_eq!(p.status, Status::Published);
    }

    #[test]
    fn a_paid_post_without_the_marker_is_members_only_and_gets_no_teaser_from_its_paid_text() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        let p = post(&a, "paid-without-a-cut");
        assert_eq!(p.access, Access::MembersOnly);
        assert_eq!(p.access_reason, "visibility = paid and no <!--members-only--> marker: all of it is for members");
        // Neither the blank custom excerpt, the meta description nor the plaintext of a paid post.
        assert_eq!(p.teaser, None);
        // Its only tag is internal.
        assert_eq!((p.column.clone(), p.tags.clone()), (None, vec![]));
        assert_eq!(notes(&a, "post paid-without-a-cut", Topic::Dropped), ["internal tags (Ghost's own, never shown): Backlog"]);
        assert_eq!(
            notes(&a, "post paid-without-a-cut", Topic::Paywall),
            ["members only (paywall = 0, the teaser alone is public): visibility = paid and no <!--members-only--> marker: all of it is for members"]
        );
    }

    #[test]
    fn a_tiers_post_names_its_tiers_in_order_and_its_slug_is_normalised_with_the_old_url_kept() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        let p = post(&a, "uber-die-nato");
        assert_eq!(p.title, "Über die NATO");
        assert_eq!(p.access, Access::MembersOnly);
        assert_eq!(p.access_reason, "visibility = tiers (Gold, Silver) and no <!--members-only--> marker: all of it is for members");
        assert_eq!(p.aliases, ["/über-die-nato/"]);
        assert_eq!(p.authors, ["Omar Writer"]);
        assert_eq!(p.teaser, None);
        assert_eq!(
            notes(&a, "post über-die-nato", Topic::Slug),
            ["slug \"über-die-nato\" is not a URL segment: written as \"uber-die-nato\", the old URL redirecting"]
        );
    }

    #[test]
    fn scheduled_drafts_and_email_only_posts() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        let p = post(&a, "next-year");
        assert_eq!((p.status, p.date, p.teaser.as_deref()), (Status::Scheduled, date("2099-01-01T08:00:00Z"), Some("A look ahead.")));

        // A draft has no publication date: it is dated when it was created.
        let p = post(&a, "half-an-idea");
        assert_eq!((p.status, p.date, p.updated), (Status::Draft, date("2024-08-01T12:00:00Z"), date("2024-08-02T12:00:00Z")));
        // Its byline comes from the post's own author_id.
        assert_eq!(p.authors, ["Omar Writer"]);

        let p = post(&a, "this-week-by-email");
        assert_eq!(p.status, Status::Draft);
        assert_eq!(notes(&a, "post this-week-by-email", Topic::Note), ["sent by email only, never on the site: imported as a draft"]);
    }

    #[test]
    fn a_published_post_dated_after_now_is_scheduled() {
        let a = read_fixture("2024-03-17T09:00:00Z");
        assert_eq!(post(&a, "a-partnership-deferred").status, Status::Scheduled);
        let a = read_fixture("2024-03-17T09:30:01Z");
        assert_eq!(post(&a, "a-partnership-deferred").status, Status::Published);
    }

    #[test]
    fn a_post_with_only_the_editor_format_is_a_draft_with_an_empty_body() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        let p = post(&a, "written-in-the-new-editor");
        assert_eq!(p.status, Status::Draft);
        assert_eq!(html(&p.body), "");
        let notes = notes(&a, "post written-in-the-new-editor", Topic::Note);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("imported as a draft with an empty body"), "{notes:?}");
        assert!(notes[0].contains("Ghost writes html for every post saved in its editor"), "{notes:?}");
    }

    #[test]
    fn a_public_page_is_a_page_and_a_members_page_a_members_only_article() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        assert_eq!(
            a.pages,
            [Page {
                origin: "page about".into(),
                path: vec!["about".into()],
                title: "About".into(),
                date: date("2024-01-01T08:00:00Z"),
                draft: false,
                teaser: Some("Who writes The Brief.".into()),
                aliases: vec![],
                body: Body::Html { html: "<p>Who we are.</p>".into(), dialect: Dialect::Ghost },
            }]
        );
        let p = post(&a, "members-guide");
        assert_eq!((&p.access, p.aliases.as_slice()), (&Access::MembersOnly, ["/members-guide/".to_string()].as_slice()));
        assert_eq!(notes(&a, "page members-guide", Topic::Paywall).len(), 2);
    }

    #[test]
    fn the_archive_has_the_site_title_the_authors_with_posts_and_the_counts() {
        let a = read_fixture("2025-01-01T00:00:00Z");
        assert_eq!(a.site_title.as_deref(), Some("The Brief"));
        assert_eq!(a.site_url, None);
        assert_eq!(
            a.authors,
            [Author { name: "Jane Analyst".into(), bio: "Jane covers NATO.".into() }, Author { name: "Omar Writer".into(), bio: String::new() }]
        );
        let counts: Vec<(&str, usize)> = a.report.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        assert_eq!(
            counts,
            [("authors", 2), ("draft pages", 0), ("draft posts", 3), ("pages", 1), ("published posts", 5), ("scheduled posts", 1), ("skipped", 0)]
        );
        assert_eq!(a.posts.len(), 9);
        assert_eq!(notes(&a, "export", Topic::Dropped), ["fields lede has no place for: codeinjection_head (1 post), featured (1 post)"]);
        // Ghost's content folder is beside the fixture, with the image a body shows (a site needs it to build).
        assert_eq!(a.assets.iter().map(|x| x.to.clone()).collect::<Vec<_>>(), [PathBuf::from("content/images/2024/03/map.jpg")]);
        // Without the folder, the person is told where the images went.
        let dir = tempfile::tempdir().unwrap();
        let alone = dir.path().join("export.json");
        std::fs::copy(fixture("export.json"), &alone).unwrap();
        let a = read_at(&alone, &Options::default(), at("2025-01-01T00:00:00Z")).unwrap();
        assert_eq!(notes(&a, "export", Topic::Note).len(), 1);
        assert!(a.assets.is_empty());
    }

    #[test]
    fn images_in_a_content_folder_beside_the_export_become_assets_and_nothing_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let images = dir.path().join("content/images/2024/03");
        std::fs::create_dir_all(&images).unwrap();
        std::fs::write(images.join("map.jpg"), b"jpg").unwrap();
        std::fs::write(images.join("cover one.jpg"), b"jpg").unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"no").unwrap();
        let export = r#"{"db":[{"data":{"posts":[{"id":"1","title":"T","slug":"t","status":"published","visibility":"public",
            "feature_image":"__GHOST_URL__/content/images/2024/03/cover%20one.jpg",
            "html":"<img src=\"__GHOST_URL__/content/images/2024/03/map.jpg\"><img src=\"/content/images/../../secret.txt\"><img src=\"https://cdn.example/content/images/x.jpg\"><img src=\"/content/images/2024/03/gone.jpg?v=1\">"}]}}]}"#;
        let file = dir.path().join("export.json");
        std::fs::write(&file, export).unwrap();
        let a = read_at(&file, &Options::default(), at("2025-01-01T00:00:00Z")).unwrap();
        let root = dir.path().join("content/images");
        assert_eq!(
            a.assets,
            [
                Asset { from: root.join("2024/03/cover one.jpg"), to: PathBuf::from("content/images/2024/03/cover one.jpg") },
                Asset { from: root.join("2024/03/map.jpg"), to: PathBuf::from("content/images/2024/03/map.jpg") },
            ]
        );
        let notes = notes(&a, "post t", Topic::Note);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("../../secret.txt leaves the images folder"), "{notes:?}");
        assert!(notes[1].contains("2024/03/gone.jpg is not in"), "{notes:?}");
    }

    #[test]
    fn a_json_syntax_error_names_the_line_and_the_column_in_characters() {
        let err = read_at(&fixture("malformed.json"), &Options::default(), at("2025-01-01T00:00:00Z")).unwrap_err();
        assert_eq!(err.len(), 1);
        let d = &err[0];
        assert_eq!((d.file.clone(), d.line, d.column), (fixture("malformed.json"), Some(6), Some(39)));
        assert_eq!(d.message, "JSON syntax error: expected `,` or `}`");
    }

    fn read_text(text: &str) -> Result<Archive> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export.json");
        std::fs::write(&file, text).unwrap();
        read_at(&file, &Options::default(), at("2025-01-01T00:00:00Z")).map_err(|e| {
            // Paths of a temporary folder: compare the rest.
            e.into_iter().map(|d| Diagnostic { file: PathBuf::from("export.json"), ..d }).collect()
        })
    }

    #[test]
    fn json_that_is_not_a_ghost_export_is_refused_clearly() {
        let err = read_text("{\"hello\": [1, 2]}").unwrap_err();
        assert!(err[0].message.starts_with("valid JSON, but not a Ghost export"), "{err}");
        let err = read_text("\n  [1, 2]").unwrap_err();
        assert_eq!((err[0].line, err[0].column), (Some(2), Some(3)), "{err}");
        assert!(err[0].message.starts_with("not a Ghost export: expected a JSON object"), "{err}");
        let err = read_text("{\"db\": {\"data\": 1}}").unwrap_err();
        assert_eq!((err[0].line, err[0].column), (Some(1), Some(8)), "{err}");
        assert_eq!(err[0].message, "not a Ghost export as expected: invalid type: map, expected a sequence");
    }

    #[test]
    fn a_field_of_the_wrong_type_or_a_bad_date_is_an_error_at_its_place() {
        let err = read_text("{\"data\": {\"posts\": [\n  {\"title\": 5}]}}").unwrap_err();
        assert_eq!((err[0].line, err[0].column), (Some(2), Some(13)), "{err}");
        assert_eq!(err[0].message, "not a Ghost export as expected: invalid type: integer `5`, expected a string");
        let err = read_text("{\"data\": {\"posts\": [\n  {\"published_at\": \"last tuesday\"}]}}").unwrap_err();
        assert_eq!(err[0].line, Some(2), "{err}");
        assert!(err[0].message.contains("\"last tuesday\" is not a date"), "{err}");
        let err = read_text("{\"data\": {\"posts\": [{\"title\": \"x\"").unwrap_err();
        assert!(err[0].message.starts_with("the JSON ends too early"), "{err}");
    }

    #[test]
    fn the_old_top_level_shape_with_numeric_ids_and_millisecond_dates_is_read() {
        let a = read_text(
            r#"{"meta":{"version":"0.11"},"data":{"posts":[{"id":1,"title":"Old","slug":"old","page":0,"status":"published",
            "visibility":"public","html":"<p>x</p>","author_id":7,"published_at":1388318310782,"meta_description":"An old post."},
            {"id":2,"title":"Colophon","slug":"colophon","page":true,"status":"draft","html":"<p>y</p>"}],
            "users":[{"id":7,"name":"Old Hand","bio":"Here since 2013."}]}}"#,
        )
        .unwrap();
        let p = &a.posts[0];
        assert_eq!(p.authors, ["Old Hand"]);
        assert_eq!(p.date, date("2013-12-29T11:58:30Z"));
        assert_eq!(p.teaser.as_deref(), Some("An old post."));
        assert_eq!((a.pages.len(), a.pages[0].draft), (1, true));
        assert_eq!(a.report.counts["draft pages"], 1);
        // No visibility at all: the import's default decides, and says so.
        assert_eq!(a.pages[0].title, "Colophon");
        assert_eq!(a.authors, [Author { name: "Old Hand".into(), bio: "Here since 2013.".into() }]);
    }

    #[test]
    fn unknown_kinds_are_skipped_and_unknown_visibility_fails_closed() {
        let a = read_text(
            r#"{"db":[{"data":{"posts":[
            {"id":"1","title":"A","slug":"a","type":"newsletter","status":"published","visibility":"public","html":""},
            {"id":"2","title":"B","slug":"b","type":"post","status":"published","visibility":"vip","html":"<p>a</p><!--members-only--><p>b</p>"},
            {"id":"3","title":"C","slug":"b","type":"post","status":"published","html":"<p>c</p>"}]}}]}"#,
        )
        .unwrap();
        assert_eq!(a.report.counts["skipped"], 1);
        assert_eq!(a.posts.len(), 2);
        assert_eq!(a.posts[0].access, Access::MembersOnly);
        assert_eq!(a.posts[0].access_reason, "visibility = vip, which lede does not know: members only, to be safe");
        // No visibility: the import's default, said so.
        assert_eq!(a.posts[1].access, Access::SiteDefault);
        assert_eq!(a.posts[1].access_reason, "the export gives no visibility: the import's default paywall applies");
        // Two posts with one slug: the second gets another, and the old URL stays with the first.
        assert_eq!(a.posts[1].slug, "b-2");
        assert_eq!(a.posts[0].aliases, ["/b/"]);
        assert!(a.posts[1].aliases.is_empty());
        assert_eq!(a.report.about(Topic::Slug).filter(|e| e.origin == "post b").count(), 2);
    }

    #[test]
    fn a_page_or_an_old_url_never_takes_a_folder_lede_writes_itself() {
        let a = read_text(
            r#"{"db":[{"data":{"posts":[
            {"id":"1","title":"Archive","slug":"archive","type":"page","status":"published","visibility":"public","html":"",
             "feature_image":"__GHOST_URL__/content/images/a.png"},
            {"id":"2","title":"Tags","slug":"tags","type":"post","status":"published","visibility":"public","html":""}]}}]}"#,
        )
        .unwrap();
        assert_eq!((a.pages[0].path.as_slice(), a.pages[0].aliases.len()), (["archive-page".to_string()].as_slice(), 0));
        assert_eq!((a.posts[0].slug.as_str(), a.posts[0].aliases.len()), ("tags", 0));
        assert_eq!(a.report.about(Topic::Slug).filter(|e| e.text.contains("is a listing lede writes itself")).count(), 3);
        assert_eq!(notes(&a, "page archive", Topic::Dropped), ["lede's pages have no tags or cover image: feature image /content/images/a.png"]);
    }

    #[test]
    fn access_follows_visibility_and_the_marker() {
        let marked = Some("<p>a</p><!--members-only--><p>b</p>");
        let d = Access::SiteDefault;
        assert_eq!(access_of(Some("public"), None, &[], marked, &d).0, Access::Free);
        assert_eq!(access_of(Some("members"), None, &[], marked, &d).0, Access::Marker);
        assert_eq!(access_of(Some("paid"), None, &[], Some("<p>a</p>"), &d).0, Access::MembersOnly);
        assert_eq!(access_of(Some("paid"), None, &[], None, &d).0, Access::MembersOnly);
        let (access, reason) = access_of(Some("filter"), Some("product:gold"), &[], marked, &d);
        assert_eq!((access, reason.as_str()), (Access::Marker, "visibility = filter (product:gold); free up to Ghost's <!--members-only--> marker"));
        assert_eq!(access_of(None, None, &[], marked, &Access::Blocks(3)).0, Access::Blocks(3));
        assert_eq!(access_of(Some("  "), None, &[], None, &Access::Free).0, Access::Free);
    }
}
