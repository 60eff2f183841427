//! The Hugo reader: a site folder (with `content/` and `hugo.toml`) or a
//! content folder becomes an [`Archive`]. Regular content in a section is a
//! post, top-level content a page; a leaf bundle's other files travel with
//! it; `static/` is copied as it is. Every file is read before any body is
//! converted, so a `ref` can name any item of the import.

mod config;
mod item;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use self::config::Config;
use self::item::{Entry, Mapped, Place};
use super::frontmatter;
use super::shortcodes::{self, Context, Reference};
use super::sitegen::{self, Dropped, Slugs, files_under, read_text, slash_path};
use super::{Archive, Asset, Author, Body, Dialect, Options, Report, Topic};
use crate::diagnostics::{Diagnostic, Diagnostics, Result};

/// Extensions of the content files lede imports.
const CONTENT: [&str; 5] = ["md", "markdown", "mdown", "html", "htm"];
/// Content formats Hugo renders through other tools.
const OTHER_FORMATS: [&str; 7] = ["adoc", "asciidoc", "ad", "org", "rst", "pdc", "pandoc"];

/// Reads the Hugo site or content folder at `source`.
pub fn read(source: &Path, options: &Options) -> Result<Archive> {
    read_at(source, options, Timestamp::now())
}

/// [`read`], with "now" given: posts dated after it are scheduled.
pub fn read_at(source: &Path, options: &Options, now: Timestamp) -> Result<Archive> {
    if !source.is_dir() {
        return Err(Diagnostic::file(source, "not a folder: give the Hugo site's folder (the one with content/ and hugo.toml) or its content folder").into());
    }
    let mut problems = Diagnostics::new();
    let mut report = Report::default();
    let site = source.join("content").is_dir() || config::exists(source);
    let config = if site { config::load(source, &mut problems) } else { Config::default() };
    let content = if site { source.join(&config.content_dir) } else { source.to_path_buf() };
    if !content.is_dir() {
        problems.push(Diagnostic::file(&content, "no content folder: a Hugo site keeps its posts in content/"));
        return Err(problems.sorted());
    }
    let prefix = content.strip_prefix(source).map(Path::to_path_buf).unwrap_or_default();
    let files = files_under(&content, &[], &mut problems);
    let layout = Layout::of(&files);

    let mut entries = Vec::new();
    let mut assets = Vec::new();
    let mut resources: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for rel in &files {
        let origin = slash_path(&prefix.join(rel));
        let file = content.join(rel);
        if let Some(bundle) = layout.bundle_of(rel) {
            if is_content(rel) {
                report.note(&origin, Topic::Note, "a content file inside a page bundle: Hugo does not publish it as a page; not imported");
            } else {
                resources.entry(bundle.to_path_buf()).or_default().push(rel.clone());
            }
            continue;
        }
        let extension = rel.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        if OTHER_FORMATS.contains(&extension.as_str()) {
            report.note(&origin, Topic::Note, format!("`.{extension}` content is not imported: lede reads Markdown and HTML; convert it first"));
            continue;
        }
        if !is_content(rel) {
            // Files beside a section's pages are published at their own path.
            assets.push(Asset { from: file, to: rel.clone() });
            continue;
        }
        let text = match read_text(&file) {
            Ok(t) => t,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let place = layout.place_of(rel);
        match frontmatter::read(&file, &text) {
            Ok(doc) => {
                if doc.notation.is_none() && !matches!(place, Place::Home) {
                    report.note(&origin, Topic::Note, "no front matter: imported as Hugo shows it, titled after its file name");
                }
                let (front, body_offset) = (doc.front, doc.body_offset);
                entries.push(Entry { origin, file, rel: rel.clone(), place, front, body_offset, text });
            }
            Err(d) => problems.push(d),
        }
    }

    let mut slugs = Slugs::default();
    let mut dropped = Dropped::default();
    let mut mapped = Vec::new();
    for entry in &entries {
        let cx = item::Cx { config: &config, now };
        match item::map(entry, &cx, &mut slugs, &mut dropped, &mut report) {
            Ok(m) => mapped.push((entry, m)),
            Err(d) => problems.append(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems.sorted());
    }

    let index = Index::of(&mapped);
    let site_url = config.base_url.as_deref().map(|u| u.trim_end_matches('/').to_string());
    let mut archive = Archive { site_title: config.title.clone(), site_url, ..Archive::default() };
    let mut bios: Vec<Author> = Vec::new();
    for (entry, m) in mapped {
        let html = entry.is_html();
        let dir = slash_path(entry.rel.parent().unwrap_or(Path::new("")));
        let resolve = |r: Reference<'_>| match r {
            Reference::Hugo(target) => index.resolve(target, &dir),
            _ => None,
        };
        let mut cx = Context { origin: &entry.origin, html, resolve: &resolve, report: &mut report };
        let converted = shortcodes::hugo(entry.body(), &mut cx);
        match m {
            Mapped::Post(mut post) => {
                let (body, outcome) = sitegen::more(&converted, &["<!--more-->", "<!-- more -->"], options.more_is_paywall, html);
                (post.access, post.access_reason) = sitegen::access(&outcome, &entry.origin, options, &mut report);
                post.body = body_of(body, html);
                let to = crate::urls::article_dir(&post.slug);
                assets.extend(bundle_assets(&content, &resources, entry, &to));
                archive.posts.push(post);
            }
            Mapped::Page(mut page) => {
                let body = sitegen::more(&converted, &["<!--more-->", "<!-- more -->"], false, html).0;
                page.body = body_of(body, html);
                let to = format!("{}/", page.path.join("/"));
                assets.extend(bundle_assets(&content, &resources, entry, &to));
                archive.pages.push(page);
            }
            Mapped::Author(mut author) => {
                author.bio = converted.trim().to_string();
                bios.push(author);
            }
            Mapped::Skipped => {}
        }
    }

    dropped.report("front matter", &mut report);
    archive.authors = authors(&archive.posts, bios);
    if site {
        site_folders(source, &mut assets, &mut report, &mut problems);
    }
    if !problems.is_empty() {
        return Err(problems.sorted());
    }
    archive.assets = assets;
    sitegen::count(&mut report, &archive);
    archive.report = report;
    Ok(archive)
}

fn is_content(rel: &Path) -> bool {
    rel.extension().and_then(|e| e.to_str()).is_some_and(|e| CONTENT.contains(&e.to_ascii_lowercase().as_str()))
}

fn body_of(text: String, html: bool) -> Body {
    if html { Body::Html { html: text, dialect: Dialect::Generic } } else { Body::Markdown(text) }
}

/// Which folders of `content/` are leaf bundles.
struct Layout {
    leaves: Vec<PathBuf>,
}

impl Layout {
    fn of(files: &[PathBuf]) -> Layout {
        let mut leaves: Vec<PathBuf> = files
            .iter()
            .filter(|f| is_content(f) && f.file_stem().is_some_and(|s| s == "index"))
            .filter_map(|f| f.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf))
            .collect();
        // The deepest first, so a file belongs to its nearest bundle.
        leaves.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        Layout { leaves }
    }

    /// The leaf bundle `rel` is a resource of (not its index file).
    fn bundle_of(&self, rel: &Path) -> Option<&Path> {
        let index = is_content(rel) && rel.file_stem().is_some_and(|s| s == "index");
        self.leaves.iter().find(|b| rel.starts_with(b) && !(index && rel.parent() == Some(b.as_path()))).map(PathBuf::as_path)
    }

    fn place_of(&self, rel: &Path) -> Place {
        let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let parent = rel.parent().unwrap_or(Path::new(""));
        let dirs: Vec<String> = parent.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        match (stem.as_str(), dirs.len()) {
            ("_index", 0) => Place::Home,
            ("_index", _) => Place::Branch { sections: dirs },
            ("index", 1) => Place::Page { name: dirs[0].clone(), bundle: true },
            ("index", _) => {
                let name = dirs.last().cloned().unwrap_or_default();
                Place::Post { sections: dirs[..dirs.len() - 1].to_vec(), name, bundle: true }
            }
            (_, 0) => Place::Page { name: stem, bundle: false },
            _ => Place::Post { sections: dirs, name: stem, bundle: false },
        }
    }
}

/// The resources of a leaf bundle, moved to `to` (`articles/<slug>/`).
fn bundle_assets(content: &Path, resources: &BTreeMap<PathBuf, Vec<PathBuf>>, entry: &Entry, to: &str) -> Vec<Asset> {
    let Some(dir) = entry.rel.parent().filter(|_| entry.place.is_bundle()) else { return Vec::new() };
    let files = resources.get(dir).map(Vec::as_slice).unwrap_or_default();
    files.iter().filter_map(|rel| Some(Asset { from: content.join(rel), to: Path::new(to).join(rel.strip_prefix(dir).ok()?) })).collect()
}

/// Every imported item by its content path, for `ref` and `relref`.
struct Index {
    by_path: HashMap<String, String>,
    by_name: HashMap<String, Vec<String>>,
}

impl Index {
    fn of(mapped: &[(&Entry, Mapped)]) -> Index {
        let mut index = Index { by_path: HashMap::new(), by_name: HashMap::new() };
        for (entry, m) in mapped {
            let url = match m {
                Mapped::Post(post) => format!("/{}", crate::urls::article_dir(&post.slug)),
                Mapped::Page(page) => format!("/{}/", page.path.join("/")),
                _ => continue,
            };
            let key = content_key(&slash_path(&entry.rel));
            let name = key.rsplit('/').next().unwrap_or_default().to_string();
            index.by_name.entry(name).or_default().push(url.clone());
            index.by_path.insert(key, url);
        }
        index
    }

    /// The new URL of `target` as a page in `dir` names it: from `dir`
    /// first, then from `content/`, then by its name alone when only one
    /// item has it, as Hugo looks.
    fn resolve(&self, target: &str, dir: &str) -> Option<String> {
        let key = content_key(target);
        if let Some(absolute) = target.trim().strip_prefix('/') {
            return self.by_path.get(&content_key(absolute)).cloned();
        }
        let relative = normalise(&format!("{dir}/{key}"));
        if let Some(url) = self.by_path.get(&relative).or_else(|| self.by_path.get(&key)) {
            return Some(url.clone());
        }
        match self.by_name.get(key.rsplit('/').next().unwrap_or_default()).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        }
    }
}

/// A content path as the index keys it: lowercase, without its extension,
/// a bundle by its folder (`posts/x/index.md` is `posts/x`).
fn content_key(path: &str) -> String {
    let path = path.trim().trim_matches('/').to_lowercase();
    let path = match path.rsplit_once('.') {
        Some((stem, ext)) if CONTENT.contains(&ext) && !stem.ends_with('/') => stem.to_string(),
        _ => path,
    };
    let path = path.strip_suffix("/_index").or_else(|| path.strip_suffix("/index")).map(str::to_string).unwrap_or(path);
    normalise(&path)
}

/// `a/./b/../c` as `a/c`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Every byline of the posts, in order of first appearance, with the bios
/// found in `content/authors/`.
fn authors(posts: &[super::Post], bios: Vec<Author>) -> Vec<Author> {
    let mut out: Vec<Author> = Vec::new();
    for name in posts.iter().flat_map(|p| p.authors.iter()) {
        if !out.iter().any(|a| &a.name == name) {
            out.push(Author { name: name.clone(), bio: String::new() });
        }
    }
    for bio in bios {
        let slug = crate::text::slugify(&bio.name);
        match out.iter_mut().find(|a| a.name == bio.name || crate::text::slugify(&a.name) == slug) {
            Some(a) => a.bio = bio.bio,
            None => out.push(bio),
        }
    }
    out
}

/// `static/` is copied as it is; `assets/`, `layouts/` and `themes/` are noted.
fn site_folders(source: &Path, assets: &mut Vec<Asset>, report: &mut Report, problems: &mut Diagnostics) {
    if source.join("static").is_dir() {
        let base = source.join("static");
        assets.extend(files_under(&base, &[], problems).into_iter().map(|rel| Asset { from: base.join(&rel), to: rel }));
    }
    if source.join("assets").is_dir() {
        report.note(
            "assets/",
            Topic::Note,
            "not imported: Hugo processes these files (styles, scripts, images) through its pipes; copy what the articles need into static/",
        );
    }
    for dir in ["layouts", "themes"] {
        if source.join(dir).is_dir() {
            report.note(format!("{dir}/"), Topic::Note, "not imported: the old theme; lede's theme lives in templates/");
        }
    }
}

#[cfg(test)]
mod tests;
