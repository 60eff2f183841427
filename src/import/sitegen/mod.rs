//! What the readers of static-site generators (Hugo, Jekyll) share: typed
//! fields from foreign front matter, each problem located in its file; the
//! `<!--more-->` line and the paywall; slugs; drafts and scheduled posts;
//! the keys that have no place in lede; folders copied as assets.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

mod more;

pub(super) use more::{access, more};

use super::frontmatter::{Kind, Map, Value};
use super::{Report, Status, Topic};
use crate::dates::{PubDate, parse_date_text};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::slugify;
use crate::urls::is_segment;

/// Typed reads of one file's front matter. Every key read counts as used;
/// what is left unread is reported as dropped.
pub(super) struct Fields<'a> {
    file: &'a Path,
    text: &'a str,
    map: &'a Map,
    used: HashSet<String>,
    /// Problems found so far.
    pub problems: Diagnostics,
}

impl<'a> Fields<'a> {
    /// Reads `map`, the front matter of `file` whose whole text is `text`.
    pub fn new(file: &'a Path, text: &'a str, map: &'a Map) -> Self {
        Fields { file, text, map, used: HashSet::new(), problems: Diagnostics::new() }
    }

    /// The value of `key` unless it is empty; the key counts as used.
    pub fn get(&mut self, key: &str) -> Option<&'a Value> {
        self.used.insert(key.to_ascii_lowercase());
        self.map.get(key).filter(|v| !v.is_empty())
    }

    /// Marks a key as used without reading it.
    pub fn consume(&mut self, key: &str) {
        self.used.insert(key.to_ascii_lowercase());
    }

    fn problem(&mut self, value: &Value, message: String) {
        self.problems.push(Diagnostic::at_offset(self.file, self.text, value.offset, message));
    }

    /// A scalar as text (`title: 1984` is a title).
    pub fn text(&mut self, key: &str) -> Option<String> {
        let value = self.get(key)?;
        match value.scalar() {
            Some(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            None => {
                self.problem(value, format!("`{key}` should be text, not {}", value.describe()));
                None
            }
        }
    }

    /// The first of `keys` that holds text; the others stay unread.
    pub fn first_text(&mut self, keys: &[&str]) -> Option<String> {
        let key = keys.iter().find(|k| self.map.get(k).is_some_and(|v| !v.is_empty()))?;
        self.text(key)
    }

    /// Text or a list of texts; `split` also splits text at spaces, as
    /// Jekyll reads `categories: news politics`.
    pub fn list(&mut self, key: &str, split: bool) -> Vec<String> {
        let Some(value) = self.get(key) else { return Vec::new() };
        let items: Vec<&Value> = match &value.kind {
            Kind::List(items) => items.iter().collect(),
            _ => vec![value],
        };
        let mut out = Vec::new();
        for item in items {
            match item.scalar() {
                Some(s) if split => out.extend(s.split_whitespace().map(str::to_string)),
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Some(_) => {}
                None if item.is_empty() => {}
                None => self.problem(item, format!("`{key}` should be text or a list of texts, not {}", item.describe())),
            }
        }
        out
    }

    /// A date: TOML's, or text such as `2017-12-07 09:00:00 -0400`.
    pub fn date(&mut self, key: &str) -> Option<PubDate> {
        let value = self.get(key)?;
        let parsed = value.text().and_then(parse_date_text);
        if parsed.is_none() {
            let shown = value.scalar().unwrap_or_else(|| value.describe().to_string());
            self.problem(value, format!("`{key}`: `{shown}` is not a date: write 2017-12-07, or 2017-12-07 09:00:00 -0400 with a time"));
        }
        parsed
    }

    /// The first of `keys` that is present, read as a date.
    pub fn first_date(&mut self, keys: &[&str]) -> Option<PubDate> {
        let key = keys.iter().find(|k| self.map.get(k).is_some_and(|v| !v.is_empty()))?;
        self.date(key)
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        let b = value.boolean();
        if b.is_none() {
            self.problem(value, format!("`{key}` should be true or false, not {}", value.describe()));
        }
        b
    }

    /// The keys never read, in the order written.
    pub fn unused(&self) -> Vec<String> {
        self.map.iter().map(|(k, _)| k).filter(|k| !self.used.contains(*k)).map(str::to_string).collect()
    }
}

/// Keys with no place in lede, counted across an import.
#[derive(Default)]
pub(super) struct Dropped(BTreeMap<String, (usize, usize)>);

impl Dropped {
    /// Counts the unread keys of one post or page.
    pub fn add(&mut self, keys: Vec<String>, page: bool) {
        for key in keys {
            let counts = self.0.entry(key).or_default();
            if page {
                counts.1 += 1;
            } else {
                counts.0 += 1;
            }
        }
    }

    /// One report entry per key: "`toc` (12 posts)".
    pub fn report(self, origin: &str, report: &mut Report) {
        for (key, (posts, pages)) in self.0 {
            let mut counts = Vec::new();
            if posts > 0 {
                counts.push(format!("{posts} post{}", if posts == 1 { "" } else { "s" }));
            }
            if pages > 0 {
                counts.push(format!("{pages} page{}", if pages == 1 { "" } else { "s" }));
            }
            report.note(origin, Topic::Dropped, format!("`{key}` ({})", counts.join(", ")));
        }
    }
}

/// Whether a post is a draft, waits for its date, or is out.
pub(super) fn status(draft: bool, date: Option<&PubDate>, now: Timestamp, zone: &TimeZone) -> Status {
    match date {
        _ if draft => Status::Draft,
        Some(date) if date.published_at(zone) > now => Status::Scheduled,
        _ => Status::Published,
    }
}

/// A URL segment from `wanted`: kept when it is one, else made one, with a note.
pub(super) fn segment(wanted: &str, origin: &str, report: &mut Report) -> String {
    if is_segment(wanted) {
        return wanted.to_string();
    }
    let slug = slugify(wanted);
    report.note(origin, Topic::Slug, format!("`{wanted}` is not a URL segment: now `{slug}`"));
    slug
}

/// The slugs taken so far, compared without case (one folder on macOS and Windows).
#[derive(Default)]
pub(super) struct Slugs(HashSet<String>);

impl Slugs {
    /// `wanted`, or `wanted-2`, `-3`, … when another post has it, with a note.
    pub fn claim(&mut self, wanted: &str, origin: &str, report: &mut Report) -> String {
        let mut slug = wanted.to_string();
        let mut n = 1;
        while !self.0.insert(slug.to_ascii_lowercase()) {
            n += 1;
            slug = format!("{wanted}-{n}");
        }
        if n > 1 {
            report.note(origin, Topic::Slug, format!("slug `{wanted}` is another post's: now `{slug}`"));
        }
        slug
    }
}

/// A title from a file name: `my-first_post` is "My First Post", as Jekyll shows it.
pub(super) fn title_from_name(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The path of a URL, absolute or already a path; `None` for an empty one.
pub(super) fn url_path(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if url.contains("://") {
        return url::Url::parse(url).ok().map(|u| u.path().to_string());
    }
    Some(if url.starts_with('/') { url.to_string() } else { format!("/{url}") })
}

/// An old address as the whole path the old site served: a URL's path as
/// it is, a path from the site's root below `site` (the path of its base
/// URL, `/blog`, or empty).
pub(super) fn old_path(written: &str, site: &str) -> Option<String> {
    let path = url_path(written)?;
    Some(if written.contains("://") { path } else { format!("{site}{path}") })
}

/// `path` with `//` collapsed: a template with an empty part writes one.
pub(super) fn clean_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    if !path.starts_with('/') {
        out.push('/');
    }
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// Aliases without repeats and without the new URL itself.
pub(super) fn tidy(aliases: Vec<String>, new: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in aliases {
        if a != new && !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Names without repeats (case aside), in order.
pub(super) fn dedup(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
            out.push(n);
        }
    }
    out
}

/// The counts every Hugo or Jekyll import reports, zero or not, named as
/// the other readers name them.
pub(super) fn count(report: &mut Report, archive: &super::Archive) {
    let posts = |s: Status| archive.posts.iter().filter(|p| p.status == s).count();
    let pages = |draft: bool| archive.pages.iter().filter(|p| p.draft == draft).count();
    for status in [Status::Published, Status::Scheduled, Status::Draft] {
        report.count(status.counted_as(), posts(status));
    }
    report.count("pages", pages(false));
    report.count("draft pages", pages(true));
    report.count("authors", archive.authors.len());
    report.count("assets", archive.assets.len());
}

/// The whole of a text file.
pub(super) fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::io(path, "read it", &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::diagnostics::line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
        Diagnostic::at(path, line, column, "not UTF-8 text: save it as UTF-8")
    })
}

/// Every regular file under `dir`, relative to it, in name order; hidden
/// files and folders (`.git`, `.DS_Store`) are left out, and so are folders
/// named in `prune` (`node_modules` can hold a hundred thousand files).
pub(super) fn files_under(dir: &Path, prune: &[&str], problems: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let keep = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !(name.starts_with('.') || (e.file_type().is_dir() && prune.contains(&name.as_ref())))
    };
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(keep) {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                if let Ok(rel) = e.path().strip_prefix(dir) {
                    out.push(rel.to_path_buf());
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                problems.push(Diagnostic::file(path, format!("could not read the folder: {e}")));
            }
        }
    }
    out
}

/// `rel` as a `/`-separated string (origins and URLs are the same on every system).
pub(super) fn slash_path(rel: &Path) -> String {
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::frontmatter;

    #[test]
    fn fields_read_types_and_locate_problems() {
        let text = "---\ntitle: 1984\ntags: [a, [b]]\ncategories: news  politics\ndate: yesterday\ndraft: maybe\nextra: 1\nempty: \"\"\n---\n";
        let doc = frontmatter::read(Path::new("p.md"), text).unwrap();
        let mut f = Fields::new(Path::new("p.md"), text, &doc.front);
        assert_eq!(f.text("title").as_deref(), Some("1984"));
        assert_eq!(f.list("tags", false), ["a"]);
        assert_eq!(f.list("categories", true), ["news", "politics"]);
        assert_eq!(f.date("date"), None);
        assert_eq!(f.boolean("draft"), None);
        assert_eq!(f.first_text(&["empty", "nothing"]), None);
        assert_eq!(f.unused(), ["extra", "empty"]);
        let problems: Vec<String> = f.problems.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            problems,
            [
                "p.md:3:11: `tags` should be text or a list of texts, not a list",
                "p.md:5:7: `date`: `yesterday` is not a date: write 2017-12-07, or 2017-12-07 09:00:00 -0400 with a time",
                "p.md:6:8: `draft` should be true or false, not text",
            ]
        );
    }

    #[test]
    fn dropped_keys_are_counted_per_key() {
        let mut d = Dropped::default();
        d.add(vec!["toc".into(), "weight".into()], false);
        d.add(vec!["toc".into()], false);
        d.add(vec!["toc".into()], true);
        let mut r = Report::default();
        d.report("front matter", &mut r);
        let texts: Vec<&str> = r.entries.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["`toc` (2 posts, 1 page)", "`weight` (1 post)"]);
    }

    #[test]
    fn slugs_titles_and_paths() {
        let mut r = Report::default();
        assert_eq!(segment("Ending-OCSP", "a", &mut r), "Ending-OCSP");
        assert_eq!(segment("Été à Paris", "b", &mut r), "ete-a-paris");
        let mut slugs = Slugs::default();
        assert_eq!(slugs.claim("a", "x", &mut r), "a");
        assert_eq!(slugs.claim("A", "y", &mut r), "A-2");
        assert_eq!(r.entries.len(), 2);
        assert_eq!(title_from_name("my-first_post"), "My First Post");
        assert_eq!(url_path("https://ex.org/a/b/?q").as_deref(), Some("/a/b/"));
        assert_eq!(url_path("old/path").as_deref(), Some("/old/path"));
        assert_eq!(old_path("/old/", "/blog").as_deref(), Some("/blog/old/"));
        assert_eq!(old_path("https://old.test/blog/x/", "/blog").as_deref(), Some("/blog/x/"));
        assert_eq!(clean_path("//2019//x.html"), "/2019/x.html");
        assert_eq!(tidy(vec!["/a/".into(), "/n/".into(), "/a/".into()], "/n/"), ["/a/"]);
        assert_eq!(dedup(vec!["NATO".into(), "nato".into(), "EU".into()]), ["NATO", "EU"]);
    }

    #[test]
    fn status_follows_draft_and_date() {
        let now: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        let past = parse_date_text("2023-12-31").unwrap();
        let future = parse_date_text("2024-01-01 09:00:00 +0100").unwrap();
        assert_eq!(status(false, Some(&past), now, &TimeZone::UTC), Status::Published);
        assert_eq!(status(false, Some(&future), now, &TimeZone::UTC), Status::Scheduled);
        assert_eq!(status(true, Some(&past), now, &TimeZone::UTC), Status::Draft);
        assert_eq!(status(false, None, now, &TimeZone::UTC), Status::Published);
    }
}
