//! Content loading: every Markdown file under `content/` read, split,
//! validated, cut at its paywall and rendered to HTML on both sides, then
//! gathered into the library of articles and pages a build works from.

pub mod frontmatter;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::config::Config;
use crate::dates::PubDate;
use crate::diagnostics::{Diagnostic, line_col};
use crate::layout::{ContentKind, content_kind};
use crate::markdown::{Document, Part};
use crate::paywall::{self, Cut, Fault};
use crate::text::{slugify, summarize};
use frontmatter::{Kind, PaywallSetting};

/// The folder holding the Markdown.
pub const CONTENT_DIR: &str = "content";

/// How long a derived teaser may be, in characters.
const TEASER_CHARS: usize = 200;

/// Which articles a build includes.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    /// Include `draft = true` articles.
    pub drafts: bool,
    /// Include articles and pages dated after `now`.
    pub future: bool,
    /// The instant the build publishes as of (dates are read on the clocks of the site's `timezone`).
    pub now: Timestamp,
}

/// Everything about an article that any reader may see: it holds no paid text.
#[derive(Debug, Clone)]
pub struct ArticleMeta {
    /// The Markdown file, relative to the site root.
    pub source: PathBuf,
    /// The last URL segment (`/articles/<slug>/`).
    pub slug: String,
    /// The headline.
    pub title: String,
    /// Publication date.
    pub date: PubDate,
    /// Revision date, if any.
    pub updated: Option<PubDate>,
    /// The series.
    pub column: Option<String>,
    /// Bylines.
    pub authors: Vec<String>,
    /// Topic tags.
    pub tags: Vec<String>,
    /// The summary: the front matter's, or one derived from the free part.
    pub teaser: String,
    /// Whether part of it is for subscribers only.
    pub paywalled: bool,
    /// Whether it is a draft (only built with `--drafts`).
    pub draft: bool,
    /// Words in the whole article (a count reveals no text).
    pub words: usize,
    /// URL segment of `column`.
    pub column_slug: Option<String>,
    /// URL segments of `tags`, in the same order.
    pub tag_slugs: Vec<String>,
    /// URL segments of `authors`, in the same order.
    pub author_slugs: Vec<String>,
}

/// An article: its public metadata, the part anyone may read, and the full text.
#[derive(Debug, Clone)]
pub struct Article {
    /// Public metadata.
    pub meta: ArticleMeta,
    /// The free blocks (the whole article when it is free).
    pub public: Part,
    /// The whole article; `None` when it is free.
    pub members: Option<Part>,
}

/// A plain page such as `about.md`: never paywalled.
#[derive(Debug, Clone)]
pub struct Page {
    /// The Markdown file, relative to the site root.
    pub source: PathBuf,
    /// The URL path without slashes at either end (`about`, `legal/terms`).
    pub path: String,
    /// The heading.
    pub title: String,
    /// Optional date.
    pub date: Option<PubDate>,
    /// Optional summary.
    pub teaser: String,
    /// The whole page.
    pub body: Part,
}

/// A bio from `content/authors/<slug>.md`.
#[derive(Debug, Clone)]
pub struct AuthorBio {
    /// The file, relative to the site root.
    pub source: PathBuf,
    /// The file stem, matched against slugged author names.
    pub slug: String,
    /// The bio as HTML.
    pub html: String,
}

/// All content of a site, articles newest first.
#[derive(Debug, Default)]
pub struct Library {
    /// Published articles, newest first (ties broken by slug).
    pub articles: Vec<Article>,
    /// Plain pages, by path.
    pub pages: Vec<Page>,
    /// Author bios by slug.
    pub bios: BTreeMap<String, AuthorBio>,
    /// Articles left out as drafts or scheduled for later.
    pub held_back: usize,
}

/// What one Markdown file turned out to be. An article is by far the
/// largest, and nearly every file is one: boxing it would cost an
/// allocation per article for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Item {
    /// A published article.
    Article(Article),
    /// A plain page.
    Page(Page),
    /// An author bio.
    Bio(AuthorBio),
    /// A draft or scheduled article left out of this build.
    HeldBack,
}

/// Reads every Markdown file under `root/content` (in parallel).
pub fn load(root: &Path, config: &Config, selection: Selection) -> Result<Library, Vec<Diagnostic>> {
    load_each(root, config, selection, None)
}

/// What to do with each article the moment it is loaded, on the thread that
/// loaded it: a build renders and writes its pages there and then, so the
/// full texts of a large archive need not all be in memory at once. An
/// error counts as a problem of the article's file.
pub type OnArticle<'a> = &'a (dyn Fn(&mut Article) -> Result<(), Diagnostic> + Sync);

/// [`load`], handing each published article to `each` first.
pub fn load_each(root: &Path, config: &Config, selection: Selection, each: Option<OnArticle<'_>>) -> Result<Library, Vec<Diagnostic>> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(vec![Diagnostic::file(CONTENT_DIR, "no content/ folder: articles go in content/articles/*.md")]);
    }
    let (mut files, mut problems) = crate::layout::walk(root, CONTENT_DIR);
    files.retain(|f| content_kind(f) != ContentKind::NotContent);
    let results: Vec<Result<Item, Vec<Diagnostic>>> = files
        .par_iter()
        .map(|path| {
            let mut item = load_file(root, path, config, selection);
            if let (Some(each), Ok(Item::Article(article))) = (each, &mut item) {
                each(article).map_err(|d| vec![d])?;
            }
            item
        })
        .collect();
    let mut library = Library::default();
    for result in results {
        match result {
            Ok(Item::Article(a)) => library.articles.push(a),
            Ok(Item::Page(p)) => library.pages.push(p),
            Ok(Item::Bio(b)) => {
                library.bios.insert(b.slug.clone(), b);
            }
            Ok(Item::HeldBack) => library.held_back += 1,
            Err(mut d) => problems.append(&mut d),
        }
    }
    problems.extend(duplicate_slugs(&library));
    if !problems.is_empty() {
        return Err(problems);
    }
    library.articles.sort_by(|a, b| newest_first(&a.meta, &b.meta));
    library.pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(library)
}

/// The order of every listing: newest first, ties broken by slug so two builds agree.
pub fn newest_first(a: &ArticleMeta, b: &ArticleMeta) -> std::cmp::Ordering {
    b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug))
}

/// Problems of slugs and paths shared by two files.
pub fn duplicate_slugs(library: &Library) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for a in &library.articles {
        if let Some(first) = seen.insert(&a.meta.slug, &a.meta.source) {
            let (x, y) = if first < a.meta.source.as_path() { (first, a.meta.source.as_path()) } else { (a.meta.source.as_path(), first) };
            problems.push(Diagnostic::file(
                y,
                format!("two articles have the slug {:?}: {} and {} (rename one or set `slug`)", a.meta.slug, x.display(), y.display()),
            ));
        }
    }
    let mut pages: BTreeMap<&str, &Path> = BTreeMap::new();
    for p in &library.pages {
        let top = p.path.split('/').next().unwrap_or_default();
        if crate::urls::RESERVED.contains(&top) {
            problems.push(Diagnostic::file(&p.source, format!("the page path /{}/ is used by lede itself; move or rename the file", p.path)));
        }
        if let Some(first) = pages.insert(&p.path, &p.source) {
            problems.push(Diagnostic::file(&p.source, format!("two pages would be written to /{}/: {} and {}", p.path, first.display(), p.source.display())));
        }
    }
    problems
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads one Markdown file (an absolute path below `root/content`).
pub fn load_file(root: &Path, path: &Path, config: &Config, selection: Selection) -> Result<Item, Vec<Diagnostic>> {
    let rel = relative(root, path);
    let bytes = std::fs::read(path).map_err(|e| vec![Diagnostic::io(&rel, "read the file", &e)])?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let good = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let (line, column) = line_col(&good, valid);
            return Err(vec![Diagnostic::at(&rel, line, column, "not valid UTF-8 text: save the file as UTF-8")]);
        }
    };
    let under_content = path.strip_prefix(root.join(CONTENT_DIR)).unwrap_or(path);
    match content_kind(under_content) {
        ContentKind::Article => load_article(&rel, &text, config, selection),
        ContentKind::Bio => load_bio(&rel, &text),
        ContentKind::MisspeltFolder { folder, known } => Err(vec![Diagnostic::file(
            Path::new(CONTENT_DIR).join(&folder),
            format!(
                "content/{folder}/ is not a folder lede knows, so its files would be published whole as plain pages: did you mean content/{known}/? (rename the folder)"
            ),
        )]),
        ContentKind::Page | ContentKind::NotContent => load_page(&rel, under_content, &text, config, selection),
    }
}

fn split_and_parse(rel: &Path, text: &str, kind: Kind) -> Result<(frontmatter::FrontMatter, usize), Vec<Diagnostic>> {
    let split = frontmatter::split(text).map_err(|(offset, message)| vec![Diagnostic::at_offset(rel, text, offset, message)])?;
    let fm = frontmatter::parse(rel, text, &split, kind)?;
    Ok((fm, split.body_offset))
}

/// The positions in `sources` of the files in `changed`. Paths are equal
/// component by component, which parsed for every article of a large
/// archive costs milliseconds per edit; only paths whose bytes end with a
/// changed file's name are compared that way.
pub fn positions<'a>(sources: impl Iterator<Item = &'a Path>, changed: &BTreeSet<PathBuf>) -> Vec<usize> {
    let names: Vec<&[u8]> = changed.iter().filter_map(|p| p.file_name()).map(OsStr::as_encoded_bytes).collect();
    sources
        .enumerate()
        .filter(|(_, source)| {
            let bytes = source.as_os_str().as_encoded_bytes();
            names.iter().any(|n| bytes.ends_with(n)) && changed.contains(*source)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The slug a file name gives.
pub fn file_slug(rel: &Path) -> String {
    slugify(&rel.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default())
}

/// What kind of file a body belongs to, for the marker rules' messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyOf {
    Article,
    Page,
    Bio,
}

/// The problems every body is checked for, whatever it is: markers where
/// they cannot cut, attempts at the marker that are not it, footnote labels
/// defined twice, and (outside articles) any marker at all.
fn body_problems(rel: &Path, text: &str, body_offset: usize, doc: &Document<'_>, of: BodyOf) -> Vec<Diagnostic> {
    let at_body = |offset: usize, message: String| Diagnostic::at_offset(rel, text, body_offset + offset, message);
    let mut problems = Vec::new();
    let not_here = match of {
        BodyOf::Article => None,
        BodyOf::Page => Some("pages are not paywalled: move this article to content/articles/ or remove the <!-- paywall --> marker"),
        BodyOf::Bio => Some("author bios are not paywalled: remove the <!-- paywall --> marker"),
    };
    match not_here {
        Some(message) => {
            let all = doc.markers.iter().map(|m| m.offset).chain(doc.misplaced_markers.iter().copied()).chain(doc.markers_in_code.iter().copied());
            problems.extend(all.map(|o| at_body(o, message.to_string())));
        }
        None => problems.extend(doc.misplaced_markers.iter().map(|&o| {
            at_body(o, "a <!-- paywall --> marker cannot cut here: it must stand alone on its own line between blocks, outside lists, quotes, paragraphs, HTML blocks and footnotes".into())
        })),
    }
    let mut lines_seen = BTreeSet::new();
    for l in &doc.lookalikes {
        let (line, _) = line_col(text, body_offset + l.offset);
        if lines_seen.insert(line) {
            problems.push(at_body(
                l.offset,
                format!("this looks like an attempt at the paywall marker, but {}: did you mean `<!-- paywall -->` on a line of its own? (remove the comment if it is not meant to cut)", l.why),
            ));
        }
    }
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, offset) in &doc.raw_ids {
        if crate::markdown::is_page_id(id) {
            problems.push(at_body(
                *offset,
                format!("the id \"{id}\" is one the page gives its own element (the theme's or the notes'): give this element another id"),
            ));
        } else if let Some(first) = ids.insert(id, *offset) {
            let (first_line, _) = line_col(text, body_offset + first);
            problems.push(at_body(*offset, format!("the id \"{id}\" is given twice (first on line {first_line}): ids must be unique on a page")));
        }
    }
    for d in &doc.duplicate_notes {
        let (first_line, _) = line_col(text, body_offset + d.first);
        problems.push(at_body(
            d.again,
            format!("the footnote [^{}] is defined twice (first on line {first_line}; labels ignore case): give one of them another label", d.label),
        ));
    }
    problems
}

/// Raw HTML that no closing text can end (`<plaintext>`), as an error at
/// the line where it is written: the page after it would be swallowed.
fn unclosable_problem(rel: &Path, text: &str, body_offset: usize, rendered: &crate::markdown::Rendered) -> Result<(), Vec<Diagnostic>> {
    let Some((snippet, what)) = &rendered.unclosable else { return Ok(()) };
    let message =
        format!("{what}: the rest of the page (the ellipsis, the subscribe form, the footer) would end up inside it; remove it or write it another way");
    let at = text[body_offset..].find(snippet.as_str()).map(|o| body_offset + o);
    Err(vec![match at {
        Some(o) => Diagnostic::at_offset(rel, text, o, message),
        None => Diagnostic::file(rel, message),
    }])
}

fn load_article(rel: &Path, text: &str, config: &Config, selection: Selection) -> Result<Item, Vec<Diagnostic>> {
    let (fm, body_offset) = split_and_parse(rel, text, Kind::Article)?;
    let body = &text[body_offset..];
    let doc = Document::parse(body);
    let at_body = |offset: usize, message: &str| Diagnostic::at_offset(rel, text, body_offset + offset, message);
    let mut problems = body_problems(rel, text, body_offset, &doc, BodyOf::Article);
    // A marker alone on a line of a code block is just code when the
    // article says elsewhere where it is cut; otherwise it is most likely a
    // cutoff that a code block left open has swallowed.
    if fm.paywall == PaywallSetting::Unset && doc.markers.is_empty() {
        problems.extend(doc.markers_in_code.iter().map(|&o| {
            at_body(o, "this <!-- paywall --> line is inside a code block, so it does not cut (is a code fence above it left open?): close the code block, or if the marker is meant as code, say where the article is cut with `paywall = N` or `paywall = false` in the front matter")
        }));
    }
    let cut = match paywall::decide(fm.paywall, &doc.markers, config.default_free_blocks, doc.block_count()) {
        Ok(cut) => cut,
        Err(e) => {
            let d = match (e.fault, fm.paywall_offset) {
                (Fault::Marker(o), _) => at_body(o, &e.message),
                (Fault::FrontMatter, Some(o)) => Diagnostic::at_offset(rel, text, o, e.message),
                _ => Diagnostic::file(rel, e.message),
            };
            problems.push(d);
            Cut::Free
        }
    };
    let meant_to_cut = match fm.paywall {
        PaywallSetting::Free => false,
        PaywallSetting::Blocks(_) => true,
        // A marker swallowed by a code block shows the author meant to cut there.
        PaywallSetting::Unset => !doc.markers.is_empty() || !doc.markers_in_code.is_empty() || config.default_free_blocks.is_some(),
    };
    if meant_to_cut {
        // It runs to the end (or on to a later block), so the cut would count paid text as part of one block.
        problems.extend(doc.unclosed.iter().chain(&doc.run_on).map(|u| at_body(u.offset, &u.what)));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let Some(date) = fm.date else {
        return Err(vec![Diagnostic::file(rel, "missing `date` in the front matter")]);
    };
    if (fm.draft && !selection.drafts) || (date.published_at(&config.timezone) > selection.now && !selection.future) {
        return Ok(Item::HeldBack);
    }
    let rendered = doc.render(cut);
    unclosable_problem(rel, text, body_offset, &rendered)?;
    let teaser = fm.teaser.clone().unwrap_or_else(|| summarize(&rendered.public.first_paragraph, TEASER_CHARS));
    let meta = ArticleMeta {
        source: rel.to_path_buf(),
        slug: fm.slug.clone().unwrap_or_else(|| file_slug(rel)),
        title: fm.title,
        date,
        updated: fm.updated,
        column: fm.column.clone(),
        authors: fm.authors.clone(),
        tags: fm.tags.clone(),
        teaser,
        paywalled: rendered.members.is_some(),
        draft: fm.draft,
        words: rendered.words,
        column_slug: fm.column.as_deref().map(slugify),
        tag_slugs: fm.tags.iter().map(|t| slugify(t)).collect(),
        author_slugs: fm.authors.iter().map(|a| slugify(a)).collect(),
    };
    Ok(Item::Article(Article { meta, public: rendered.public, members: rendered.members }))
}

fn load_page(rel: &Path, under_content: &Path, text: &str, config: &Config, selection: Selection) -> Result<Item, Vec<Diagnostic>> {
    let (fm, body_offset) = split_and_parse(rel, text, Kind::Page)?;
    if fm.draft {
        return Ok(Item::HeldBack);
    }
    let body = &text[body_offset..];
    let doc = Document::parse(body);
    let problems = body_problems(rel, text, body_offset, &doc, BodyOf::Page);
    if !problems.is_empty() {
        return Err(problems);
    }
    let rendered = doc.render(Cut::Free);
    unclosable_problem(rel, text, body_offset, &rendered)?;
    let parent: Vec<String> = under_content.parent().map(|p| p.components().map(|c| slugify(&c.as_os_str().to_string_lossy())).collect()).unwrap_or_default();
    let mut segments = parent;
    segments.push(fm.slug.clone().unwrap_or_else(|| file_slug(rel)));
    let path = segments.join("/");
    if path == "index" || path == "_index" {
        return Err(vec![Diagnostic::file(
            rel,
            "content/index.md would replace the home page; the home page lists articles (override templates/index.html to change it)",
        )]);
    }
    // Held back only once checked, like an article, so its mistakes show before the day it goes out.
    if let Some(date) = fm.date
        && date.published_at(&config.timezone) > selection.now
        && !selection.future
    {
        return Ok(Item::HeldBack);
    }
    let teaser = fm.teaser.unwrap_or_else(|| summarize(&rendered.public.first_paragraph, TEASER_CHARS));
    Ok(Item::Page(Page { source: rel.to_path_buf(), path, title: fm.title, date: fm.date, teaser, body: rendered.public }))
}

fn load_bio(rel: &Path, text: &str) -> Result<Item, Vec<Diagnostic>> {
    let (_fm, body_offset) = split_and_parse(rel, text, Kind::Page)?;
    let doc = Document::parse(&text[body_offset..]);
    let problems = body_problems(rel, text, body_offset, &doc, BodyOf::Bio);
    if !problems.is_empty() {
        return Err(problems);
    }
    let rendered = doc.render(Cut::Free);
    unclosable_problem(rel, text, body_offset, &rendered)?;
    Ok(Item::Bio(AuthorBio { source: rel.to_path_buf(), slug: file_slug(rel), html: rendered.public.html }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_match_whole_paths_not_just_names() {
        let sources: Vec<PathBuf> =
            ["content/articles/a.md", "content/articles/2025/a.md", "content/articles/ba.md", "content/about.md", "content/articles/b.md"]
                .iter()
                .map(PathBuf::from)
                .collect();
        let changed: BTreeSet<PathBuf> =
            ["content/articles/2025/a.md", "content/articles/b.md", "content/articles/gone.md"].iter().map(PathBuf::from).collect();
        assert_eq!(positions(sources.iter().map(PathBuf::as_path), &changed), vec![1, 4]);
        assert!(positions(sources.iter().map(PathBuf::as_path), &BTreeSet::new()).is_empty());
    }
}
