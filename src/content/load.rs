//! Loading one Markdown file: front matter split off and validated, the
//! body parsed, checked for marker mistakes, cut at its paywall and
//! rendered to HTML on both sides of the cut.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::frontmatter::{self, Kind, PaywallSetting};
use super::{Alias, Article, ArticleMeta, AuthorBio, Item, Page, Selection, bundle_files, file_slug, is_bundle_index};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Result, line_col};
use crate::images::{Images, LocalImage, Located};
use crate::layout::{CONTENT_DIR, ContentKind, content_kind};
use crate::markdown::{Document, RenderContext, Shortcodes};
use crate::paywall::{self, Cut, Fault};
use crate::text::{slugify, summarize};
use crate::urls::{self, TermKind};

/// How long a derived teaser may be, in characters.
const TEASER_CHARS: usize = 200;

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads one Markdown file (an absolute path below `root/content`).
pub fn load_file(root: &Path, path: &Path, config: &Config, selection: Selection, shortcodes: Option<&dyn Shortcodes>) -> Result<Item> {
    load_file_with(root, path, config, selection, &Images::new(root), shortcodes)
}

/// Reads one Markdown file, as [`load_file`], with the image sizes read so far in the build.
pub fn load_file_with(root: &Path, path: &Path, config: &Config, selection: Selection, images: &Images, shortcodes: Option<&dyn Shortcodes>) -> Result<Item> {
    let rel = relative(root, path);
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::io(&rel, "read the file", &e))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let good = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let (line, column) = line_col(&good, valid);
            return Err(Diagnostic::at(&rel, line, column, "not valid UTF-8 text: save the file as UTF-8").into());
        }
    };
    let under_content = path.strip_prefix(root.join(CONTENT_DIR)).unwrap_or(path);
    match content_kind(under_content) {
        ContentKind::Article => load_article(root, &rel, &text, config, selection, images, shortcodes),
        ContentKind::Bio => load_bio(&rel, &text, config, images, shortcodes),
        ContentKind::MisspeltFolder { folder, known } => Err(Diagnostic::file(
            Path::new(CONTENT_DIR).join(&folder),
            format!(
                "content/{folder}/ is not a folder lede knows, so its files would be published whole as plain pages: did you mean content/{known}/? (rename the folder)"
            ),
        )
        .into()),
        ContentKind::Page | ContentKind::NotContent => load_page(root, &rel, under_content, &text, config, selection, images, shortcodes),
    }
}

fn split_and_parse(rel: &Path, text: &str, kind: Kind) -> Result<(frontmatter::FrontMatter, usize)> {
    let split = frontmatter::split(text).map_err(|(offset, message)| Diagnostic::at_offset(rel, text, offset, message))?;
    let fm = frontmatter::parse(rel, text, &split, kind)?;
    Ok((fm, split.body_offset))
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
fn body_problems(rel: &Path, text: &str, body_offset: usize, doc: &Document<'_>, of: BodyOf) -> Diagnostics {
    let at_body = |offset: usize, message: String| Diagnostic::at_offset(rel, text, body_offset + offset, message);
    let mut problems = Diagnostics::new();
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
    problems.extend(doc.shortcode_problems.iter().map(|(o, m)| at_body(*o, m.clone())));
    for d in &doc.duplicate_notes {
        let (first_line, _) = line_col(text, body_offset + d.first);
        problems.push(at_body(
            d.again,
            format!("the footnote [^{}] is defined twice (first on line {first_line}; labels ignore case): give one of them another label", d.label),
        ));
    }
    problems
}

/// Shortcodes that could not be rendered, and raw HTML that no closing
/// text can end (`<plaintext>`), as errors at the lines where they are
/// written: the page after such HTML would be swallowed.
fn unclosable_problem(rel: &Path, text: &str, body_offset: usize, rendered: &crate::markdown::Rendered) -> Result<()> {
    if !rendered.shortcode_problems.is_empty() {
        return Err(rendered.shortcode_problems.iter().map(|(o, m)| Diagnostic::at_offset(rel, text, body_offset + o, m.clone())).collect());
    }
    let Some((snippet, what)) = &rendered.unclosable else { return Ok(()) };
    let message =
        format!("{what}: the rest of the page (the ellipsis, the subscribe form, the footer) would end up inside it; remove it or write it another way");
    let at = text[body_offset..].find(snippet.as_str()).map(|o| body_offset + o);
    Err(match at {
        Some(o) => Diagnostic::at_offset(rel, text, o, message),
        None => Diagnostic::file(rel, message),
    }
    .into())
}

/// A body's Markdown images that are files of the site, by address as
/// written, or one problem for each that names a file that is not there.
/// Free for a body without images.
struct Embedded<'x> {
    images: &'x Images,
    rel: &'x Path,
    text: &'x str,
    body_offset: usize,
    page_url: &'x str,
    base_url: &'x str,
    /// Whether the WebP widths are written beside the files (not for bios, shown on listings).
    variants: bool,
}

impl Embedded<'_> {
    fn locate(&self, doc: &Document<'_>, problems: &mut Diagnostics) -> HashMap<String, LocalImage> {
        let mut found = HashMap::new();
        if doc.images.is_empty() {
            return found;
        }
        let bundle = if is_bundle_index(self.rel) { self.rel.parent() } else { None };
        for (written, offset) in &doc.images {
            match self.images.locate(written, self.page_url, self.base_url, bundle, self.variants) {
                Located::Elsewhere => {}
                Located::Local(image) => {
                    found.insert(written.clone(), image);
                }
                Located::Missing(file) => {
                    let hint = if bundle.is_none() && !written.starts_with('/') {
                        " (to keep an image beside an article, make the article a folder: content/articles/<slug>/index.md with the image beside it; `/…` names a file in static/)"
                    } else {
                        ""
                    };
                    problems.push(Diagnostic::at_offset(
                        self.rel,
                        self.text,
                        self.body_offset + offset,
                        format!("image `{written}` not found: there is no file {}{hint}", file.display()),
                    ));
                }
            }
        }
        found
    }
}

/// `problems`, and the mistakes of the body's shortcodes (found only by
/// rendering them), so that one run reports both.
fn with_shortcode_problems(
    mut problems: Diagnostics,
    doc: Document<'_>,
    rel: &Path,
    text: &str,
    body_offset: usize,
    page_url: &str,
    shortcodes: Option<&dyn Shortcodes>,
) -> Diagnostics {
    if doc.has_shortcodes() {
        let rendered = doc.render(Cut::Free, &mut RenderContext::new(rel, page_url).with_shortcodes(shortcodes));
        problems.extend(rendered.shortcode_problems.into_iter().map(|(o, m)| Diagnostic::at_offset(rel, text, body_offset + o, m)));
        problems.0.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }
    problems
}

/// A warning for each Markdown image without alt text: a screen reader
/// says nothing of it, which is right only for an image that is decoration.
fn alt_notes(rel: &Path, text: &str, body_offset: usize, doc: &Document<'_>) -> Vec<Diagnostic> {
    doc.images_without_alt
        .iter()
        .map(|&at| {
            Diagnostic::at_offset(
                rel,
                text,
                body_offset + at,
                "this image has no alt text, so screen readers skip it: say what it shows between the brackets (`![Exports by year, 2015-2025](chart.png)`), unless it is only decoration",
            )
        })
        .collect()
}

/// The distinct files among `found` that get WebP widths, in a stable order.
fn with_variants(found: &HashMap<String, LocalImage>) -> Vec<LocalImage> {
    let mut files: Vec<LocalImage> = found.values().filter(|i| !i.widths.is_empty()).cloned().collect();
    files.sort_by(|a, b| a.file.cmp(&b.file));
    files.dedup_by(|a, b| a.file == b.file);
    files
}

/// The aliases of a front matter with the lines they are written on.
fn aliases(text: &str, written: &[(String, usize)]) -> Vec<Alias> {
    written
        .iter()
        .map(|(path, offset)| {
            let (line, column) = line_col(text, *offset);
            Alias { path: path.clone(), line, column }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn load_article(
    root: &Path,
    rel: &Path,
    text: &str,
    config: &Config,
    selection: Selection,
    images: &Images,
    shortcodes: Option<&dyn Shortcodes>,
) -> Result<Item> {
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
    let slug = fm.slug.clone().unwrap_or_else(|| file_slug(rel));
    let page_url = urls::article_url(&config.base_url, &slug);
    let embedded = Embedded { images, rel, text, body_offset, page_url: &page_url, base_url: &config.base_url, variants: true };
    let local = embedded.locate(&doc, &mut problems);
    if !problems.is_empty() {
        return Err(with_shortcode_problems(problems, doc, rel, text, body_offset, &page_url, shortcodes));
    }
    let Some(date) = fm.date else {
        return Err(Diagnostic::file(rel, "missing `date` in the front matter").into());
    };
    if fm.draft && !selection.drafts {
        return Ok(Item::HeldBack(None));
    }
    let due = date.published_at(&config.timezone);
    if due > selection.now && !selection.future {
        return Ok(Item::HeldBack(Some(due)));
    }
    let notes = alt_notes(rel, text, body_offset, &doc);
    let rendered = doc.render(cut, &mut RenderContext { images: Some(&local), ..RenderContext::new(rel, &page_url) }.with_shortcodes(shortcodes));
    unclosable_problem(rel, text, body_offset, &rendered)?;
    let teaser = fm.teaser.clone().unwrap_or_else(|| summarize(&rendered.public.first_paragraph, TEASER_CHARS));
    let meta = ArticleMeta {
        source: rel.to_path_buf(),
        slug,
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
        aliases: aliases(text, &fm.aliases),
        canonical: fm.canonical,
        image: fm.image,
        doi: fm.doi,
        text_hash: [0; 2],
    };
    let assets = if is_bundle_index(rel) { bundle_files(root, rel) } else { Vec::new() };
    let mut article = Article { meta, public: rendered.public, members: rendered.members, assets, images: with_variants(&local), notes, packed: None };
    article.meta.text_hash = super::text_hash(&article);
    Ok(Item::Article(article))
}

#[allow(clippy::too_many_arguments)]
fn load_page(
    root: &Path,
    rel: &Path,
    under_content: &Path,
    text: &str,
    config: &Config,
    selection: Selection,
    images: &Images,
    shortcodes: Option<&dyn Shortcodes>,
) -> Result<Item> {
    let (fm, body_offset) = split_and_parse(rel, text, Kind::Page)?;
    if fm.draft {
        return Ok(Item::HeldBack(None));
    }
    let body = &text[body_offset..];
    let doc = Document::parse(body);
    let mut problems = body_problems(rel, text, body_offset, &doc, BodyOf::Page);
    let parent: Vec<String> = under_content.parent().map(|p| p.components().map(|c| slugify(&c.as_os_str().to_string_lossy())).collect()).unwrap_or_default();
    let mut segments = parent;
    // A bundle's index.md is its folder's page (`about/index.md` is /about/).
    if is_bundle_index(rel) {
        segments.pop();
    }
    segments.push(fm.slug.clone().unwrap_or_else(|| file_slug(rel)));
    let path = segments.join("/");
    let page_url = urls::page_url(&config.base_url, &path);
    let embedded = Embedded { images, rel, text, body_offset, page_url: &page_url, base_url: &config.base_url, variants: true };
    let local = embedded.locate(&doc, &mut problems);
    if !problems.is_empty() {
        return Err(with_shortcode_problems(problems, doc, rel, text, body_offset, &page_url, shortcodes));
    }
    let notes = alt_notes(rel, text, body_offset, &doc);
    let rendered = doc.render(Cut::Free, &mut RenderContext { images: Some(&local), ..RenderContext::new(rel, &page_url) }.with_shortcodes(shortcodes));
    unclosable_problem(rel, text, body_offset, &rendered)?;
    if path == "index" || path == "_index" {
        return Err(Diagnostic::file(
            rel,
            "content/index.md would replace the home page; the home page lists articles (override templates/index.html to change it)",
        )
        .into());
    }
    // Held back only once checked, like an article, so its mistakes show before the day it goes out.
    if let Some(due) = fm.date.map(|d| d.published_at(&config.timezone))
        && due > selection.now
        && !selection.future
    {
        return Ok(Item::HeldBack(Some(due)));
    }
    let teaser = fm.teaser.unwrap_or_else(|| summarize(&rendered.public.first_paragraph, TEASER_CHARS));
    Ok(Item::Page(Page {
        source: rel.to_path_buf(),
        path,
        title: fm.title,
        date: fm.date,
        teaser,
        body: rendered.public,
        aliases: aliases(text, &fm.aliases),
        canonical: fm.canonical,
        image: fm.image,
        assets: if is_bundle_index(rel) { bundle_files(root, rel) } else { Vec::new() },
        images: with_variants(&local),
        notes,
    }))
}

fn load_bio(rel: &Path, text: &str, config: &Config, images: &Images, shortcodes: Option<&dyn Shortcodes>) -> Result<Item> {
    let (_fm, body_offset) = split_and_parse(rel, text, Kind::Page)?;
    let doc = Document::parse(&text[body_offset..]);
    let mut problems = body_problems(rel, text, body_offset, &doc, BodyOf::Bio);
    let slug = file_slug(rel);
    // A bio is shown on its author's listing.
    let page_url = urls::term_url(&config.base_url, TermKind::Author, &slug);
    let embedded = Embedded { images, rel, text, body_offset, page_url: &page_url, base_url: &config.base_url, variants: false };
    let local = embedded.locate(&doc, &mut problems);
    if !problems.is_empty() {
        return Err(with_shortcode_problems(problems, doc, rel, text, body_offset, &page_url, shortcodes));
    }
    let rendered = doc.render(Cut::Free, &mut RenderContext { images: Some(&local), ..RenderContext::new(rel, &page_url) }.with_shortcodes(shortcodes));
    unclosable_problem(rel, text, body_offset, &rendered)?;
    Ok(Item::Bio(AuthorBio { source: rel.to_path_buf(), slug, html: rendered.public.html }))
}
