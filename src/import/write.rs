//! Writing an imported archive into a site: bodies converted to Markdown
//! (in parallel), links to the old site pointed at the new addresses,
//! every post, page, bio and asset written as lede reads them, and the
//! report saved beside `config.toml`. An existing file is never written
//! over without `force`, and a file that would come out the same is left
//! alone, so an import can be run again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use pulldown_cmark::{Event, Options as MdOptions, Parser, Tag};
use rayon::prelude::*;

use super::html::{self, Convert};
use super::{Access, Archive, Body, Format, Options, Page, Post, Report, Status, Topic};
use crate::dates::PubDate;
use crate::diagnostics::{Diagnostic, Result};
use crate::layout::{CONFIG_FILE, CONTENT_DIR, STATIC_DIR};
use crate::text::slugify;
use crate::urls;

/// The public teaser of a members-only post whose source gave none: a
/// teaser is public, so it is never taken from the post's text.
pub const PLACEHOLDER_TEASER: &str = "This analysis is for subscribers.";

/// What an import did to the site's files.
#[derive(Debug, Default)]
pub struct Written {
    /// Whether the import made the site (there was no `config.toml`).
    pub new_site: bool,
    /// Files created, relative to the site root.
    pub created: Vec<PathBuf>,
    /// Files that exist with other content and were kept (no `force`).
    pub kept: Vec<PathBuf>,
    /// Files written over (`force`).
    pub overwritten: Vec<PathBuf>,
    /// Files that exist exactly as the import would write them.
    pub unchanged: usize,
    /// The report file, relative to the site root.
    pub report: PathBuf,
}

/// Writes `archive` into the site at `root` (made when it has no
/// `config.toml`), and returns what was written and the full report.
pub fn write(root: &Path, format: Format, mut archive: Archive, options: &Options, now: Timestamp) -> Result<(Written, Report)> {
    let mut written = Written::default();
    if !root.join(CONFIG_FILE).exists() {
        let config = crate::scaffold::imported_site_config(archive.site_title.as_deref(), archive.site_url.as_deref());
        put(root, Path::new(CONFIG_FILE), config.as_bytes(), false, &mut written, &mut archive.report)?;
        if !root.join(".gitignore").exists() {
            put(root, Path::new(".gitignore"), crate::scaffold::gitignore().as_bytes(), false, &mut written, &mut archive.report)?;
        }
        written.new_site = true;
    }
    let config = crate::config::Config::load(root)?;
    // Addresses in the site are below its base_url's path (`/blog` of `https://example.org/blog`).
    let prefix = url_path(&config.base_url);
    let mut report = std::mem::take(&mut archive.report);
    // A reader's files for `articles/<slug>/` (a Hugo page bundle's) go
    // beside the article's index.md, so that they follow its cut.
    let mut beside: Vec<Vec<(PathBuf, String)>> = vec![Vec::new(); archive.posts.len()];
    for (i, post) in archive.posts.iter().enumerate() {
        let dir = format!("articles/{}/", post.slug);
        archive.assets.retain(|a| match a.to.to_string_lossy().replace('\\', "/").strip_prefix(&dir) {
            Some(rel) if !rel.is_empty() => {
                beside[i].push((a.from.clone(), rel.to_string()));
                false
            }
            _ => true,
        });
    }
    // Slugs first: links are pointed at the addresses they make.
    let mut taken: HashMap<String, String> = HashMap::new();
    let others = existing_articles(root, &prefix);
    for post in &mut archive.posts {
        unique_slug(post, &mut taken, &others, &prefix, &mut report);
    }
    std::mem::swap(&mut report, &mut archive.report);
    convert_bodies(&mut archive);
    settle_cuts(&mut archive, config.default_free_blocks);
    let addresses = new_addresses(&archive, &prefix);
    let mut report = std::mem::take(&mut archive.report);
    let known_files: HashSet<String> = archive.assets.iter().map(|a| format!("/{}", a.to.to_string_lossy().replace('\\', "/"))).collect();
    let site_url = archive.site_url.clone();
    for post in &mut archive.posts {
        if let Body::Markdown(md) = &mut post.body {
            *md = relink(md, &post.origin, site_url.as_deref(), &addresses, &known_files, &mut report);
        }
    }
    for page in &mut archive.pages {
        if let Body::Markdown(md) = &mut page.body {
            *md = relink(md, &page.origin, site_url.as_deref(), &addresses, &known_files, &mut report);
        }
    }

    let today = PubDate::from_date(jiff::tz::TimeZone::UTC.to_datetime(now).date());
    let articles = Path::new(CONTENT_DIR).join("articles");
    for (post, files) in archive.posts.iter().zip(&beside) {
        let folder = articles.join(&post.slug);
        let rel = if files.is_empty() { articles.join(format!("{}.md", post.slug)) } else { folder.join("index.md") };
        report.note(&post.origin, Topic::Mapped, format!("{:?} → {}", one_line(&post.title), rel.display()));
        let text = post_text(post, today, &prefix, &mut report);
        put(root, &rel, text.as_bytes(), options.force, &mut written, &mut report)?;
        for (from, name) in files {
            let bytes = std::fs::read(from).map_err(|e| Diagnostic::io(from, "read the file to copy", &e))?;
            put(root, &folder.join(name), &bytes, options.force, &mut written, &mut report)?;
        }
    }
    for page in &archive.pages {
        let rel = page_file(page, &mut report);
        report.note(&page.origin, Topic::Mapped, format!("{:?} → {}", one_line(&page.title), rel.display()));
        let text = page_text(page, &prefix, &mut report);
        put(root, &rel, text.as_bytes(), options.force, &mut written, &mut report)?;
    }
    for author in archive.authors.iter().filter(|a| !a.bio.trim().is_empty()) {
        let rel = Path::new(CONTENT_DIR).join("authors").join(format!("{}.md", slugify(&author.name)));
        let text = format!("+++\ntitle = {}\n+++\n{}\n", quoted(&author.name), author.bio.trim());
        put(root, &rel, text.as_bytes(), options.force, &mut written, &mut report)?;
    }
    for asset in &archive.assets {
        let bytes = std::fs::read(&asset.from).map_err(|e| Diagnostic::io(&asset.from, "read the file to copy", &e))?;
        put(root, &Path::new(STATIC_DIR).join(&asset.to), &bytes, options.force, &mut written, &mut report)?;
    }

    count_written(&archive, &written, &mut report);
    written.report = PathBuf::from(format!("import-report-{}.md", format.name()));
    let text = report.to_markdown(&format!("Import from {}", format.name()));
    // The report is lede's own file: each run replaces it.
    std::fs::write(root.join(&written.report), text).map_err(|e| Diagnostic::io(&written.report, "write the report", &e))?;
    Ok((written, report))
}

/// Converts every HTML body to Markdown, placing the cut where the post's
/// access asks for one; a cut that cannot be placed makes the post
/// members-only, never free.
fn convert_bodies(archive: &mut Archive) {
    let site_url = archive.site_url.clone();
    let notes: Vec<Vec<(Topic, String)>> = archive
        .posts
        .par_iter_mut()
        .map(|post| {
            let Body::Html { html, dialect } = &post.body else { return Vec::new() };
            let want_cut = post.access == Access::Marker;
            let converted = html::to_markdown(html, &Convert { dialect: *dialect, site_url: site_url.as_deref(), cut: want_cut });
            let mut notes = converted.notes;
            // The converter notes a paywall problem when it cannot be sure what is free
            // (a marker it could not place, content shown to subscribers only): fail closed.
            let doubt = notes.iter().any(|(topic, _)| *topic == Topic::Paywall);
            if (want_cut && !converted.cut) || (doubt && post.access != Access::MembersOnly) {
                post.access = Access::MembersOnly;
                post.access_reason = format!("{}; the conversion could not keep a cut it was sure of, so the whole post is for members", post.access_reason);
                notes.push((Topic::Paywall, describe_access(post)));
            }
            post.body = Body::Markdown(converted.markdown);
            notes
        })
        .collect();
    for (post, notes) in archive.posts.iter().zip(notes) {
        for (topic, text) in notes {
            archive.report.note(&post.origin, topic, text);
        }
    }
    let page_notes: Vec<Vec<(Topic, String)>> = archive
        .pages
        .par_iter_mut()
        .map(|page| {
            let Body::Html { html, dialect } = &page.body else { return Vec::new() };
            let converted = html::to_markdown(html, &Convert { dialect: *dialect, site_url: site_url.as_deref(), cut: false });
            let mut notes = converted.notes;
            // A page is always public: one with content for subscribers only is held back for a person to look at.
            if notes.iter().any(|(topic, _)| *topic == Topic::Paywall) && !page.draft {
                page.draft = true;
                notes.push((Topic::Paywall, "part of this page was for subscribers only, and pages are public: written as a draft".to_string()));
            }
            page.body = Body::Markdown(converted.markdown);
            notes
        })
        .collect();
    for (page, notes) in archive.pages.iter().zip(page_notes) {
        for (topic, text) in notes {
            archive.report.note(&page.origin, topic, text);
        }
    }
    // Every decision is in the report: the readers note theirs; any post they did not, here.
    let decided: HashSet<String> = archive.report.entries.iter().filter(|e| e.topic == Topic::Paywall).map(|e| e.origin.clone()).collect();
    for post in &archive.posts {
        if !decided.contains(&post.origin) {
            archive.report.note(&post.origin, Topic::Paywall, describe_access(post));
        }
    }
}

/// Settles the cut of Markdown bodies before they are written, so that
/// lede takes what is written. A body's own `<!-- paywall -->` line (a Hugo
/// or Jekyll author's) decides where it is cut, over a default; in a post
/// that is for members whole it says nothing, and lede refuses a marker
/// beside `paywall = 0`, so it goes. A number of free blocks that would
/// leave nothing paid is refused in an article written by hand (the author
/// may have meant another), but here it is the import's default for posts
/// the old site published whole, and every block is within it: such a post
/// is written free. The report says each.
fn settle_cuts(archive: &mut Archive, site_default: Option<usize>) {
    for post in &mut archive.posts {
        let Body::Markdown(md) = &post.body else { continue };
        let doc = crate::markdown::Document::parse(md);
        if !doc.markers.is_empty() {
            let changed = match post.access {
                Access::Marker => false,
                Access::MembersOnly => {
                    let mut body = md.clone();
                    for marker in doc.markers.iter().rev() {
                        let line_start = body[..marker.offset].rfind('\n').map_or(0, |i| i + 1);
                        let line_end = body[marker.offset..].find('\n').map_or(body.len(), |i| marker.offset + i + 1);
                        body.replace_range(line_start..line_end, "");
                    }
                    post.body = Body::Markdown(body);
                    post.access_reason = format!("{}; its <!-- paywall --> line is removed, as nothing of it is free", post.access_reason);
                    true
                }
                _ => {
                    post.access = Access::Marker;
                    post.access_reason = format!("{}; but the post's own <!-- paywall --> line decides where it is cut", post.access_reason);
                    true
                }
            };
            if changed {
                archive.report.note(&post.origin, Topic::Paywall, describe_access(post));
            }
            continue;
        }
        let free = match post.access {
            Access::Blocks(n) => n,
            Access::SiteDefault => match site_default {
                Some(n) => n,
                None => continue,
            },
            _ => continue,
        };
        let blocks = doc.block_count();
        if doc.markers_in_code.is_empty() && blocks <= free {
            post.access = Access::Free;
            post.access_reason = format!("{}; it has {blocks} blocks, all within the {free} free ones, so it is written free", post.access_reason);
            archive.report.note(&post.origin, Topic::Paywall, describe_access(post));
        }
    }
}

/// The report line of a post's paywall decision.
fn describe_access(post: &Post) -> String {
    format!("{}: {}", post.access.describe(), post.access_reason)
}

/// Old address (a decoded path, without its last slash) → new address, for every post and page.
fn new_addresses(archive: &Archive, prefix: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for post in &archive.posts {
        let to = format!("{prefix}/{}", urls::article_dir(&post.slug));
        // Links a reader already pointed at the new address (Hugo's `ref`, Jekyll's `post_url`).
        map.insert(to.trim_end_matches('/').to_string(), to.clone());
        for alias in &post.aliases {
            map.insert(alias.trim_end_matches('/').to_string(), to.clone());
        }
    }
    for page in &archive.pages {
        let to = format!("{prefix}/{}/", page.path.join("/"));
        map.insert(to.trim_end_matches('/').to_string(), to.clone());
        for alias in &page.aliases {
            map.insert(alias.trim_end_matches('/').to_string(), to.clone());
        }
    }
    map
}

/// `markdown` with its links to the old site pointed at their new
/// addresses; a link to the old site that no imported item answers is
/// reported as dead.
fn relink(markdown: &str, origin: &str, site_url: Option<&str>, addresses: &HashMap<String, String>, files: &HashSet<String>, report: &mut Report) -> String {
    let host = site_url.and_then(|u| url::Url::parse(u).ok()).and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_string()));
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // An image found nowhere, written back as raw HTML once its alt text is read.
    let mut unfound: Option<(Range<usize>, String, String)> = None;
    let parser = Parser::new_ext(markdown, MdOptions::ENABLE_TABLES | MdOptions::ENABLE_FOOTNOTES | MdOptions::ENABLE_STRIKETHROUGH).into_offset_iter();
    for (event, range) in parser {
        if let Some((_, _, alt)) = &mut unfound {
            match &event {
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::End(pulldown_cmark::TagEnd::Image) => {
                    if let Some((at, src, alt)) = unfound.take() {
                        let esc = |v: &str| v.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
                        edits.push((at, format!("<img src=\"{}\" alt=\"{}\">", esc(&src), esc(&alt))));
                    }
                }
                _ => {}
            }
            continue;
        }
        let (dest, is_image) = match &event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url.to_string(), false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url.to_string(), true),
            _ => continue,
        };
        let Some((path, rest)) = own_path(&dest, host.as_deref()) else { continue };
        let decoded = percent_encoding::percent_decode_str(&path).decode_utf8_lossy().into_owned();
        let key = decoded.trim_end_matches('/');
        let new = if let Some(to) = addresses.get(key) {
            format!("{to}{rest}")
        } else if files.contains(&decoded) {
            // A file the import copied into static/.
            format!("{path}{rest}")
        } else if is_image {
            // Not copied: it stays where the old site serves it, for now.
            let Some(old_host) = site_url.and_then(|u| url::Url::parse(u).ok()).map(|u| u.origin().ascii_serialization()) else {
                // No old host to load it from: lede refuses a Markdown image
                // whose file is missing, so it is kept as raw HTML (which
                // `lede check` reports until the file is in static/).
                report.note(
                    origin,
                    Topic::RemoteImage,
                    format!("{dest}: not found beside the export and no address to load it from; kept as an <img> tag: copy it to static{decoded}"),
                );
                unfound = Some((range, dest.clone(), String::new()));
                continue;
            };
            report.note(
                origin,
                Topic::RemoteImage,
                format!("{old_host}{path}: not found beside the export; still loaded from the old site (copy it to static{decoded})"),
            );
            format!("{old_host}{path}{rest}")
        } else {
            if !key.is_empty() {
                report.note(origin, Topic::DeadLink, format!("{dest}: no imported post or page had this address"));
            }
            continue;
        };
        if new == dest {
            continue;
        }
        // The destination as written inside the link's source text.
        if let Some(at) = markdown[range.clone()].rfind(dest.as_str()) {
            let start = range.start + at;
            edits.push((start..start + dest.len(), new));
        }
    }
    let mut out = markdown.to_string();
    for (range, new) in edits.into_iter().rev() {
        out.replace_range(range, &new);
    }
    out
}

/// The path and the rest (`?query#fragment`) of a link to the old site:
/// a root-relative link, or an absolute one on its host.
fn own_path(dest: &str, host: Option<&str>) -> Option<(String, String)> {
    let split = |s: &str| -> (String, String) {
        match s.find(['?', '#']) {
            Some(i) => (s[..i].to_string(), s[i..].to_string()),
            None => (s.to_string(), String::new()),
        }
    };
    if dest.starts_with('/') && !dest.starts_with("//") {
        return Some(split(dest));
    }
    let parsed = url::Url::parse(dest).ok()?;
    let on_host = matches!(parsed.scheme(), "http" | "https") && parsed.host_str().map(|h| h.trim_start_matches("www.")) == host && host.is_some();
    if !on_host {
        return None;
    }
    let mut rest = String::new();
    if let Some(q) = parsed.query() {
        rest.push('?');
        rest.push_str(q);
    }
    if let Some(f) = parsed.fragment() {
        rest.push('#');
        rest.push_str(f);
    }
    Some((parsed.path().to_string(), rest))
}

/// An old address as the site's `aliases` hold it: below the base path, without its last slash.
fn alias_key(alias: &str, prefix: &str) -> String {
    let path = match alias.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() && rest.starts_with('/') => rest,
        _ => alias,
    };
    path.trim_end_matches('/').to_string()
}

/// The articles already in the site that name old addresses: file name
/// (lower case) → those addresses. An imported post whose file name is one
/// of these but whose old addresses are all others is another article.
fn existing_articles(root: &Path, prefix: &str) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let Ok(entries) = std::fs::read_dir(root.join(CONTENT_DIR).join("articles")) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        // An article is a file `<slug>.md` or a folder `<slug>/index.md`.
        let (stem, path) = if path.join("index.md").is_file() {
            (path.file_name().and_then(|s| s.to_str()).map(str::to_string), path.join("index.md"))
        } else if path.extension().is_some_and(|e| e == "md") {
            (path.file_stem().and_then(|s| s.to_str()).map(str::to_string), path)
        } else {
            continue;
        };
        let Some(stem) = stem else { continue };
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Some(front) = text.strip_prefix("+++\n").and_then(|rest| rest.split_once("\n+++").map(|(front, _)| front)) else { continue };
        let Ok(table) = front.parse::<toml::Table>() else { continue };
        let aliases: Vec<String> =
            table.get("aliases").and_then(toml::Value::as_array).into_iter().flatten().filter_map(toml::Value::as_str).map(|a| alias_key(a, prefix)).collect();
        if !aliases.is_empty() {
            out.insert(stem.to_ascii_lowercase(), aliases);
        }
    }
    out
}

/// Gives `post` a slug no earlier post has (compared without case, as lede
/// does), nor an article already in the site that is another one (its old
/// addresses all differ: imported from elsewhere), noting the change.
fn unique_slug(post: &mut Post, taken: &mut HashMap<String, String>, others: &HashMap<String, Vec<String>>, prefix: &str, report: &mut Report) {
    if !urls::is_segment(&post.slug) {
        let slug = slugify(&post.slug);
        report.note(&post.origin, Topic::Slug, format!("slug {:?} is not a URL segment: written as {slug:?}", post.slug));
        post.slug = slug;
    }
    let own: Vec<String> = post.aliases.iter().map(|a| alias_key(a, prefix)).collect();
    let another = |slug: &str| -> Option<String> {
        let theirs = others.get(&slug.to_ascii_lowercase())?;
        (!own.is_empty() && !own.iter().any(|a| theirs.contains(a))).then(|| format!("content/articles/{slug}.md, another article already in the site"))
    };
    let base = post.slug.clone();
    let mut n = 1;
    while let Some(other) = taken.get(&post.slug.to_ascii_lowercase()).cloned().or_else(|| another(&post.slug)) {
        n += 1;
        let next = format!("{base}-{n}");
        if n == 2 {
            report.note(&post.origin, Topic::Slug, format!("slug {base:?} is taken by {other}: written as {next:?}"));
        }
        post.slug = next;
    }
    taken.insert(post.slug.to_ascii_lowercase(), post.origin.clone());
}

/// A TOML string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML list of strings.
fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Text on one line, for a front matter value.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The article file of `post`.
fn post_text(post: &Post, today: PubDate, prefix: &str, report: &mut Report) -> String {
    let mut front = format!("title = {}\n", quoted(&one_line(&post.title)));
    let mut draft = post.status == Status::Draft;
    match post.date {
        Some(d) => front.push_str(&format!("date = {}\n", d.to_toml())),
        None => {
            report.note(&post.origin, Topic::Note, "no date in the source: dated on the day of the import and written as a draft");
            front.push_str(&format!("date = {}\n", today.to_toml()));
            draft = true;
        }
    }
    if let Some(u) = post.updated.filter(|u| post.date.is_none_or(|d| *u > d)) {
        front.push_str(&format!("updated = {}\n", u.to_toml()));
    }
    if draft {
        front.push_str("draft = true\n");
    }
    if slugify(&post.slug) != post.slug {
        front.push_str(&format!("slug = {}\n", quoted(&post.slug)));
    }
    if let Some(c) = post.column.as_deref().map(one_line).filter(|c| !c.is_empty()) {
        front.push_str(&format!("column = {}\n", quoted(&c)));
    }
    let clean = |items: &[String]| -> Vec<String> { items.iter().map(|s| one_line(s)).filter(|s| !s.is_empty()).collect() };
    if !post.authors.is_empty() {
        front.push_str(&format!("authors = {}\n", list(&clean(&post.authors))));
    }
    if !post.tags.is_empty() {
        front.push_str(&format!("tags = {}\n", list(&clean(&post.tags))));
    }
    let mut teaser = post.teaser.as_deref().map(one_line).filter(|t| !t.is_empty());
    match post.access {
        Access::Free => front.push_str("paywall = false\n"),
        Access::MembersOnly => {
            if teaser.is_none() {
                report.note(
                    &post.origin,
                    Topic::Paywall,
                    format!("members only with no public excerpt in the source: its public teaser is {PLACEHOLDER_TEASER:?}; write a better one"),
                );
                teaser = Some(PLACEHOLDER_TEASER.to_string());
            }
            front.push_str("paywall = 0\n");
        }
        Access::Blocks(n) => front.push_str(&format!("paywall = {n}\n")),
        Access::Marker | Access::SiteDefault => {}
    }
    if let Some(t) = teaser {
        front.push_str(&format!("teaser = {}\n", quoted(&t)));
    }
    if let Some(i) = &post.image {
        front.push_str(&format!("image = {}\n", quoted(i)));
    }
    if let Some(c) = &post.canonical {
        front.push_str(&format!("canonical = {}\n", quoted(c)));
    }
    let own = format!("/{}", urls::article_dir(&post.slug));
    let aliases = site_aliases(&post.aliases, prefix, &own, &post.origin, report);
    if !aliases.is_empty() {
        front.push_str(&format!("aliases = {}\n", list(&aliases)));
    }
    let body = match &post.body {
        Body::Markdown(md) => md.as_str(),
        Body::Html { .. } => "",
    };
    format!("+++\n{front}+++\n{}", tidy_body(body))
}

/// The path of a URL without its last slash (`/blog`, or "" for a host's root).
fn url_path(url: &str) -> String {
    url::Url::parse(url).map(|u| u.path().trim_end_matches('/').to_string()).unwrap_or_default()
}

/// Old addresses as aliases of the site: made relative to the site's
/// base path where they lie below it (an alias is a path in the tree), the
/// item's own new address and repeats left out.
fn site_aliases(old: &[String], prefix: &str, own: &str, origin: &str, report: &mut Report) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for alias in old {
        let path = match alias.strip_prefix(prefix) {
            Some(rest) if !prefix.is_empty() && rest.starts_with('/') => rest,
            _ => alias.as_str(),
        };
        if path.trim_end_matches('/') == own.trim_end_matches('/') || path.trim_matches('/').is_empty() || out.iter().any(|a| a == path) {
            continue;
        }
        // What lede would refuse in `aliases` is left out here, so that the import builds.
        let top = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        match urls::alias_path(path) {
            Err(why) => report.note(origin, Topic::Slug, format!("old address left without a redirect: {why}")),
            Ok(_) if top != "articles" && urls::RESERVED.contains(&top) => {
                report.note(origin, Topic::Slug, format!("old address {path} left without a redirect: lede writes /{top}/ itself"))
            }
            Ok(_) => out.push(path.to_string()),
        }
    }
    out
}

/// The body with one newline at its end.
fn tidy_body(body: &str) -> String {
    let trimmed = body.trim_matches('\n');
    if trimmed.is_empty() { String::new() } else { format!("{trimmed}\n") }
}

/// Where a page's file goes: `content/<path>.md`, its first folder renamed
/// when lede uses that name itself.
fn page_file(page: &Page, report: &mut Report) -> PathBuf {
    let mut segments: Vec<String> = page.path.iter().map(|s| if urls::is_segment(s) { s.clone() } else { slugify(s) }).collect();
    if segments.is_empty() {
        segments.push(slugify(&page.title));
    }
    if urls::RESERVED.contains(&segments[0].as_str()) {
        let renamed = format!("{}-page", segments[0]);
        report.note(&page.origin, Topic::Slug, format!("/{}/ is an address lede uses itself: written as /{renamed}/", segments[0]));
        segments[0] = renamed;
    }
    let mut rel = PathBuf::from(CONTENT_DIR);
    for s in &segments {
        rel.push(s);
    }
    rel.set_extension("md");
    rel
}

/// The file of a plain page.
fn page_text(page: &Page, prefix: &str, report: &mut Report) -> String {
    let mut front = format!("title = {}\n", quoted(&one_line(&page.title)));
    if let Some(d) = page.date {
        front.push_str(&format!("date = {}\n", d.to_toml()));
    }
    if page.draft {
        front.push_str("draft = true\n");
    }
    if let Some(t) = page.teaser.as_deref().map(one_line).filter(|t| !t.is_empty()) {
        front.push_str(&format!("teaser = {}\n", quoted(&t)));
    }
    let own = format!("/{}/", page.path.join("/"));
    let aliases = site_aliases(&page.aliases, prefix, &own, &page.origin, report);
    if !aliases.is_empty() {
        front.push_str(&format!("aliases = {}\n", list(&aliases)));
    }
    let body = match &page.body {
        Body::Markdown(md) => md.as_str(),
        Body::Html { .. } => "",
    };
    format!("+++\n{front}+++\n{}", tidy_body(body))
}

/// Writes `bytes` at `rel` under `root` unless a different file is there
/// (then only with `force`); the same bytes are left as they are.
fn put(root: &Path, rel: &Path, bytes: &[u8], force: bool, written: &mut Written, report: &mut Report) -> Result<()> {
    let path = root.join(rel);
    match std::fs::read(&path) {
        Ok(existing) if existing == bytes => {
            written.unchanged += 1;
            return Ok(());
        }
        Ok(_) if !force => {
            report.note(rel.display().to_string(), Topic::File, "exists with other content: kept (run with --force to write over it)");
            written.kept.push(rel.to_path_buf());
            return Ok(());
        }
        Ok(_) => {
            report.note(rel.display().to_string(), Topic::File, "written over (--force)");
            written.overwritten.push(rel.to_path_buf());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => written.created.push(rel.to_path_buf()),
        Err(e) => return Err(Diagnostic::io(rel, "read the file", &e).into()),
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Diagnostic::io(rel, "create its folder", &e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| Diagnostic::io(rel, "write the file", &e))?;
    Ok(())
}

/// The counts of what the archive held, by kind.
fn count_written(archive: &Archive, written: &Written, report: &mut Report) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for post in &archive.posts {
        let kind = match post.status {
            Status::Published => "written: published articles",
            Status::Scheduled => "written: scheduled articles",
            Status::Draft => "written: drafts",
        };
        *counts.entry(kind).or_default() += 1;
        if post.access == Access::MembersOnly || post.access == Access::Marker {
            *counts.entry("written: articles with a paid part").or_default() += 1;
        }
    }
    *counts.entry("written: pages").or_default() += archive.pages.len();
    *counts.entry("written: author bios").or_default() += archive.authors.iter().filter(|a| !a.bio.trim().is_empty()).count();
    *counts.entry("written: assets").or_default() += archive.assets.len();
    for (kind, n) in counts {
        report.count(kind, n);
    }
    report.count("files created", written.created.len());
    report.count("files unchanged", written.unchanged);
    report.count("files kept (exist, no --force)", written.kept.len());
    if !written.overwritten.is_empty() {
        report.count("files written over", written.overwritten.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(slug: &str) -> Post {
        Post {
            origin: format!("post {slug}"),
            title: "A  title\nin two lines".into(),
            slug: slug.into(),
            date: crate::dates::parse_date_text("2019-05-07 09:00:00 -0400"),
            updated: None,
            status: Status::Published,
            authors: vec!["Ada".into(), "Ben".into()],
            column: Some("Notes".into()),
            tags: vec!["EU".into()],
            teaser: None,
            image: None,
            canonical: None,
            aliases: vec!["/blog/2019/05/07/x/".into(), "/blog/tags/eu/".into(), "/blog/?p=3".into()],
            access: Access::MembersOnly,
            access_reason: "paid".into(),
            body: Body::Markdown("Text.\n".into()),
        }
    }

    #[test]
    fn a_post_is_written_as_lede_reads_it() {
        let mut report = Report::default();
        let today = PubDate::from_date(jiff::civil::date(2026, 1, 1));
        let text = post_text(&post("Ending-OCSP"), today, "/blog", &mut report);
        assert_eq!(
            text,
            "+++\ntitle = \"A title in two lines\"\ndate = 2019-05-07T09:00:00-04:00\nslug = \"Ending-OCSP\"\ncolumn = \"Notes\"\nauthors = [\"Ada\", \"Ben\"]\ntags = [\"EU\"]\npaywall = 0\nteaser = \"This analysis is for subscribers.\"\naliases = [\"/2019/05/07/x/\"]\n+++\nText.\n"
        );
        // The placeholder teaser and both aliases lede would refuse are in the report.
        assert_eq!(report.about(Topic::Paywall).count(), 1);
        assert_eq!(report.about(Topic::Slug).count(), 2, "{:?}", report.entries);
    }

    #[test]
    fn links_to_the_old_site_point_at_the_new_addresses_or_are_reported() {
        let mut addresses = HashMap::new();
        addresses.insert("/2019/05/07/x".to_string(), "/articles/x/".to_string());
        let mut report = Report::default();
        let md = "See [x](https://www.old.example/2019/05/07/x/#part), [same](/2019/05/07/x), [gone](https://old.example/2018/01/01/gone/), [elsewhere](https://other.example/2019/05/07/x/) and ![map](https://old.example/wp-content/uploads/map.png).\n";
        let md = format!("{md}![chart](/wp-content/uploads/chart.png)\n");
        let out = relink(&md, "post 1", Some("https://old.example"), &addresses, &HashSet::from(["/wp-content/uploads/map.png".to_string()]), &mut report);
        assert_eq!(
            out,
            "See [x](/articles/x/#part), [same](/articles/x/), [gone](https://old.example/2018/01/01/gone/), [elsewhere](https://other.example/2019/05/07/x/) and ![map](/wp-content/uploads/map.png).\n![chart](https://old.example/wp-content/uploads/chart.png)\n"
        );
        assert_eq!(report.about(Topic::RemoteImage).count(), 1);
        let dead: Vec<&str> = report.about(Topic::DeadLink).map(|e| e.text.as_str()).collect();
        assert_eq!(dead, ["https://old.example/2018/01/01/gone/: no imported post or page had this address"]);
    }

    #[test]
    fn new_addresses_answer_old_ones_and_themselves_below_the_base_path() {
        let archive = Archive { posts: vec![post("x")], ..Archive::default() };
        let map = new_addresses(&archive, "/blog");
        assert_eq!(map.get("/blog/2019/05/07/x").map(String::as_str), Some("/blog/articles/x/"));
        assert_eq!(map.get("/blog/articles/x").map(String::as_str), Some("/blog/articles/x/"), "a link a reader already resolved is not dead");
    }

    #[test]
    fn slugs_are_made_unique_without_regard_to_case() {
        let mut taken = HashMap::new();
        let mut report = Report::default();
        let mut a = post("Same");
        let mut b = post("same");
        let mut c = post("caf\u{e9}");
        for p in [&mut a, &mut b, &mut c] {
            unique_slug(p, &mut taken, &HashMap::new(), "", &mut report);
        }
        assert_eq!((a.slug.as_str(), b.slug.as_str(), c.slug.as_str()), ("Same", "same-2", "cafe"));
        assert_eq!(report.about(Topic::Slug).count(), 2);
    }
}
