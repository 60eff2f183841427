//! The Jekyll reader: a site folder (with `_config.yml` and `_posts/`)
//! becomes an [`Archive`]. Posts are named `YYYY-MM-DD-title.md`; drafts
//! wait in `_drafts/`; pages are the other files with front matter; the
//! usual asset folders are copied as they are. Every file is read before
//! any body is converted, so a `{% post_url %}` can name any post.

mod config;
mod item;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;

use self::config::Config;
use self::item::{Entry, Mapped, Place};
use super::frontmatter;
use super::shortcodes::{self, Context, Reference};
use super::sitegen::{self, Dropped, Slugs, files_under, read_text, slash_path};
use super::{Archive, Asset, Author, Body, Dialect, Options, Report, Topic};
use crate::dates::PubDate;
use crate::diagnostics::{Diagnostic, Diagnostics, Result};

/// Where the report's site-wide entries come from.
const ORIGIN: &str = "jekyll";

/// Extensions Jekyll renders as Markdown or passes as HTML.
const MARKDOWN: [&str; 6] = ["md", "markdown", "mkd", "mkdn", "mkdown", "mdown"];
const HTML: [&str; 2] = ["html", "htm"];
/// Folders whose files are copied to the same paths.
const ASSET_DIRS: [&str; 5] = ["assets", "images", "img", "files", "uploads"];
/// Folders of the site's machinery and output, never walked.
const PRUNED: [&str; 4] = ["_site", "node_modules", "vendor", ".jekyll-cache"];
/// Files of the site's own machinery, never published.
const MACHINERY: [&str; 6] = ["Gemfile", "Gemfile.lock", "Rakefile", "package.json", "package-lock.json", "yarn.lock"];

/// Reads the Jekyll site at `source`.
pub fn read(source: &Path, options: &Options) -> Result<Archive> {
    read_at(source, options, Timestamp::now())
}

/// [`read`], with "now" given: posts dated after it are scheduled.
pub fn read_at(source: &Path, options: &Options, now: Timestamp) -> Result<Archive> {
    if !source.is_dir() {
        return Err(Diagnostic::file(source, "not a folder: give the Jekyll site's folder (the one with _config.yml and _posts/)").into());
    }
    if !config::FILES.iter().any(|f| source.join(f).is_file()) && !source.join("_posts").is_dir() {
        return Err(Diagnostic::file(source, "not a Jekyll site: it has neither _config.yml nor _posts/").into());
    }
    let mut problems = Diagnostics::new();
    let mut report = Report::default();
    let config = config::load(source, &mut problems);

    let mut entries = Vec::new();
    let mut assets = Vec::new();
    let mut others = Vec::new();
    let mut folders_noted = Vec::new();
    for rel in files_under(source, &PRUNED, &mut problems) {
        let origin = slash_path(&rel);
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if excluded(&origin, &config) {
            continue;
        }
        let first = parts[0].as_str();
        let extension = rel.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let content = MARKDOWN.contains(&extension.as_str()) || HTML.contains(&extension.as_str());
        if parts.len() > 1 && ASSET_DIRS.contains(&first) {
            if matches!(extension.as_str(), "scss" | "sass") {
                note_once(&mut folders_noted, &mut report, first, "Sass files are not imported: Jekyll compiled them into the old theme's styles");
            } else {
                assets.push(Asset { from: source.join(&rel), to: rel.clone() });
            }
            continue;
        }
        let place = match place_of(&parts, &config, content) {
            Ok(Some(place)) => place,
            Ok(None) => {
                if let Some(why) = ignored_folder(first, &config) {
                    note_once(&mut folders_noted, &mut report, first, why);
                } else if !first.starts_with('_') && (parts.len() > 1 || !MACHINERY.contains(&first)) && !is_readme(first) {
                    others.push(origin);
                }
                continue;
            }
            Err(Odd::Broken(message)) => {
                problems.push(Diagnostic::file(source.join(&rel), message));
                continue;
            }
            Err(Odd::Skipped(message)) => {
                report.note(&origin, Topic::Note, message);
                continue;
            }
        };
        let file = source.join(&rel);
        let text = match read_text(&file) {
            Ok(t) => t,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let doc = match frontmatter::read(&file, &text) {
            Ok(doc) => doc,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let is_post = matches!(place, Place::Post { .. });
        if doc.notation.is_none() {
            if !is_post {
                // Jekyll copies a file without front matter as it is.
                if !is_readme(first) {
                    others.push(origin);
                }
                continue;
            }
            report.note(&origin, Topic::Note, "no front matter: imported as a post titled after its file name");
        }
        let mut front = doc.front;
        if is_post {
            for (key, value) in config.post_defaults.iter() {
                if front.get(key).is_none() {
                    front.insert(key, value.clone());
                }
            }
        }
        let body_offset = doc.body_offset;
        entries.push(Entry { origin, file, place, front, body_offset, text, html: HTML.contains(&extension.as_str()) });
    }
    if !others.is_empty() {
        let shown: Vec<&str> = others.iter().take(8).map(String::as_str).collect();
        let more = if others.len() > shown.len() { format!(" and {} more", others.len() - shown.len()) } else { String::new() };
        report.note(ORIGIN, Topic::Note, format!("files outside the asset folders ({}) are not imported: {}{more}", ASSET_DIRS.join(", "), shown.join(", ")));
    }

    let mut slugs = Slugs::default();
    let mut dropped = Dropped::default();
    let mut mapped = Vec::new();
    let cx = item::Cx { config: &config, now };
    for entry in &entries {
        match item::map(entry, &cx, &mut slugs, &mut dropped, &mut report) {
            Ok(m) => mapped.push((entry, m)),
            Err(d) => problems.append(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems.sorted());
    }

    let links: Vec<(&Entry, String)> = mapped
        .iter()
        .filter_map(|(e, m)| match m {
            Mapped::Post(p, _) => Some((*e, format!("/{}", crate::urls::article_dir(&p.slug)))),
            Mapped::Page(p, _) => Some((*e, format!("/{}/", p.path.join("/")))),
            Mapped::Skipped => None,
        })
        .collect();
    let lookup = |r: Reference<'_>| resolve(r, &links, &assets);
    let mut archive = Archive { site_title: config.title.clone(), site_url: config.site_url.clone(), ..Archive::default() };
    for (entry, m) in mapped {
        let (rules, is_post) = match &m {
            Mapped::Post(_, rules) => (rules, true),
            Mapped::Page(_, rules) => (rules, false),
            Mapped::Skipped => continue,
        };
        let converted = if rules.liquid {
            shortcodes::liquid(entry.body(), &mut Context { origin: &entry.origin, html: entry.html, resolve: &lookup, report: &mut report })
        } else {
            entry.body().to_string()
        };
        let mut separators = vec!["<!--more-->"];
        separators.extend(rules.separator.as_deref().filter(|s| *s != "<!--more-->"));
        let (text, outcome) = sitegen::more(&converted, &separators, is_post && options.more_is_paywall, entry.html);
        let body = if entry.html { Body::Html { html: text, dialect: Dialect::Generic } } else { Body::Markdown(text) };
        match m {
            Mapped::Post(mut post, _) => {
                (post.access, post.access_reason) = sitegen::access(&outcome, &entry.origin, options, &mut report);
                post.body = body;
                archive.posts.push(post);
            }
            Mapped::Page(mut page, _) => {
                page.body = body;
                archive.pages.push(page);
            }
            Mapped::Skipped => {}
        }
    }

    dropped.report("front matter", &mut report);
    let mut authors: Vec<Author> = Vec::new();
    for name in archive.posts.iter().flat_map(|p| p.authors.iter()) {
        if !authors.iter().any(|a| &a.name == name) {
            authors.push(Author { name: name.clone(), bio: String::new() });
        }
    }
    archive.authors = authors;
    archive.assets = assets;
    sitegen::count(&mut report, &archive);
    archive.report = report;
    Ok(archive)
}

/// Whether the site's `exclude` leaves the file out.
fn excluded(origin: &str, config: &Config) -> bool {
    config.exclude.iter().any(|e| {
        let e = e.trim_matches('/');
        !e.is_empty() && (origin == e || origin.starts_with(&format!("{e}/")))
    })
}

fn is_readme(name: &str) -> bool {
    ["README", "LICENSE", "CHANGELOG"].iter().any(|p| name.to_ascii_uppercase().starts_with(p)) || name.ends_with(".gemspec")
}

/// Why a folder of the old site is left out, said once.
fn ignored_folder(first: &str, config: &Config) -> Option<&'static str> {
    match first {
        "_layouts" | "_includes" | "_sass" => Some("not imported: the old theme; lede's theme lives in templates/"),
        "_data" => Some("not imported: data files fed the old theme's Liquid"),
        "_plugins" => Some("not imported: Jekyll plugins (Ruby) have no place in lede"),
        _ => {
            let name = first.strip_prefix('_')?;
            config.collections.iter().any(|(c, output)| c == name && !output).then_some("not imported: a collection Jekyll does not publish (`output: false`)")
        }
    }
}

fn note_once(noted: &mut Vec<String>, report: &mut Report, folder: &str, text: &str) {
    if !noted.iter().any(|n| n == folder) {
        noted.push(folder.to_string());
        report.note(format!("{folder}/"), Topic::Note, text);
    }
}

/// A file where a post should be that is not one.
enum Odd {
    /// Jekyll stops at it: its name's date is impossible.
    Broken(String),
    /// Jekyll passes it by; so does the import, saying so.
    Skipped(String),
}

/// What Jekyll makes of the file at `parts`; `None` for files it copies
/// or leaves out.
fn place_of(parts: &[String], config: &Config, content: bool) -> Result<Option<Place>, Odd> {
    let (dirs, name) = parts.split_at(parts.len() - 1);
    let name = &name[0];
    let stem = Path::new(name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if let Some(i) = dirs.iter().position(|d| d == "_posts" || d == "_drafts") {
        if !content || dirs[..i].iter().any(|d| d.starts_with('_')) {
            return Ok(None);
        }
        let draft = dirs[i] == "_drafts";
        let (date, title) = match dated(&stem) {
            Some((Some(date), title)) => (Some(date), title),
            Some((None, _)) => return Err(Odd::Broken(format!("the date that begins the file name `{name}` is not a real date: write YYYY-MM-DD-title"))),
            None if draft => (None, stem.clone()),
            None => return Err(Odd::Skipped("not imported: Jekyll reads only posts named YYYY-MM-DD-title.md, so it passed this one by too".into())),
        };
        return Ok(Some(Place::Post { categories: dirs[..i].to_vec(), date, name: title, draft, stem }));
    }
    if !content {
        return Ok(None);
    }
    if let Some(collection) = dirs.first().and_then(|d| d.strip_prefix('_')) {
        if config.collections.iter().any(|(c, output)| c == collection && *output) {
            let mut path: Vec<String> = dirs[1..].to_vec();
            path.push(stem);
            return Ok(Some(Place::Document { collection: collection.to_string(), path }));
        }
        return Ok(None);
    }
    Ok(Some(Place::Page { dirs: dirs.to_vec(), stem }))
}

/// `2017-12-07-title`: the date (`None` when impossible) and the title part.
fn dated(stem: &str) -> Option<(Option<PubDate>, String)> {
    let (day, title) = (stem.get(..10)?, stem.get(11..)?);
    let b = day.as_bytes();
    let shape = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape || stem.as_bytes().get(10) != Some(&b'-') || title.is_empty() {
        return None;
    }
    let number = |r: std::ops::Range<usize>| day[r].parse::<i16>().ok();
    let date = match (number(0..4), number(5..7), number(8..10)) {
        (Some(y), Some(m), Some(d)) => Date::new(y, m as i8, d as i8).ok().map(PubDate::from_date),
        _ => None,
    };
    Some((date, title.to_string()))
}

/// The new URL of what a `{% post_url %}` or `{% link %}` names.
fn resolve(reference: Reference<'_>, links: &[(&Entry, String)], assets: &[Asset]) -> Option<String> {
    match reference {
        Reference::PostUrl(name) => {
            let name = name.rsplit('/').next().unwrap_or(name);
            links.iter().find(|(e, _)| matches!(&e.place, Place::Post { stem, .. } if stem == name)).map(|(_, url)| url.clone())
        }
        Reference::Link(path) => {
            let path = path.trim().trim_start_matches('/');
            links.iter().find(|(e, _)| e.origin == path).map(|(_, url)| url.clone()).or_else(|| {
                let wanted = PathBuf::from(path);
                assets.iter().any(|a| a.to == wanted).then(|| format!("/{path}"))
            })
        }
        Reference::Hugo(_) => None,
    }
}

#[cfg(test)]
mod tests;
