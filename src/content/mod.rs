//! Content: the library of articles, pages and bios a build works from,
//! gathered from every Markdown file under `content/` (each read, split,
//! validated, cut at its paywall and rendered to HTML on both sides by
//! `load`), and the listings over it (`listings`).

pub mod frontmatter;
mod held;
pub mod listings;
mod load;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::dates::PubDate;
use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::layout::{CONTENT_DIR, ContentKind, content_kind};
use crate::markdown::{Part, Shortcodes};
use crate::text::slugify;
use crate::urls;
pub use held::{HoldBudget, Packed};
pub use listings::{Index, Listing, ListingKey};
pub use load::{load_file, load_file_with};

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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// Old addresses that redirect here.
    pub aliases: Vec<Alias>,
    /// The address search engines should credit, when not this article's.
    pub canonical: Option<String>,
    /// The cover image as written (resolved against the article's address by the views).
    pub image: Option<String>,
    /// The DOI, for citations.
    pub doi: Option<String>,
    /// A hash of the words each tree shows of it ([`text_hash`]): what the
    /// search indexes are keyed by, and what an article read again must
    /// give back. Kept in the build's cache, never written into a tree.
    pub text_hash: [u128; 2],
}

/// The fields of an article that its cards show as words, in the order its
/// search text starts with them: title, teaser, column, bylines, tags.
pub fn shown_fields(m: &ArticleMeta) -> impl Iterator<Item = &str> {
    [m.title.as_str(), m.teaser.as_str(), m.column.as_deref().unwrap_or_default()]
        .into_iter()
        .chain(m.authors.iter().map(String::as_str))
        .chain(m.tags.iter().map(String::as_str))
}

/// A hash of what `article`'s words in each tree are made from: the fields
/// its cards show and its free part (with their notes), then its paid
/// part's (zero-length for a free article). The search record's text is
/// made from exactly these.
pub fn text_hash(article: &Article) -> [u128; 2] {
    let mut public = Xxh3::new();
    for text in shown_fields(&article.meta) {
        hash_field(&mut public, text);
    }
    hash_field(&mut public, &article.public.html);
    hash_field(&mut public, &article.public.footnotes_html);
    let mut paid = Xxh3::new();
    if let Some(full) = &article.members {
        hash_field(&mut paid, full.html.get(full.paid_from..).unwrap_or_default());
        hash_field(&mut paid, &full.footnotes_html);
    }
    [public.digest128(), paid.digest128()]
}

/// Adds `text` to `hash` with its length, so that fields cannot run into each other.
pub fn hash_field(hash: &mut Xxh3, text: &str) {
    hash.update(&(text.len() as u64).to_le_bytes());
    hash.update(text.as_bytes());
}

/// An old address that redirects to an article or page, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Alias {
    /// The decoded path (`/2019/05/title/`).
    pub path: String,
    /// Line of its entry in the front matter.
    pub line: usize,
    /// Column of its entry.
    pub column: usize,
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
    /// The files beside a bundle's `index.md` (relative to its folder), written beside its page.
    pub assets: Vec<String>,
    /// The site's own images the body embeds that get WebP widths beside them.
    pub images: Vec<crate::images::LocalImage>,
    /// What is worth a warning but does not stop the build (an image without alt text).
    pub notes: Vec<crate::diagnostics::Diagnostic>,
    /// The HTML of both sides, held aside while a large build holds it
    /// (the sides' HTML is empty then; see [`Article::unpacked`]).
    pub packed: Option<Packed>,
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
    /// Old addresses that redirect here.
    pub aliases: Vec<Alias>,
    /// The address search engines should credit, when not this page's.
    pub canonical: Option<String>,
    /// The cover image as written.
    pub image: Option<String>,
    /// The files beside a bundle's `index.md`, written beside the page in both trees.
    pub assets: Vec<String>,
    /// The site's own images the body embeds that get WebP widths beside them.
    pub images: Vec<crate::images::LocalImage>,
    /// What is worth a warning but does not stop the build.
    pub notes: Vec<crate::diagnostics::Diagnostic>,
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
    /// Their files (relative to the site root), each with the instant a scheduled one is due.
    pub held: Vec<(PathBuf, Option<Timestamp>)>,
    /// When the first article or page scheduled for later is due: a build after it publishes more.
    pub next_due: Option<Timestamp>,
}

impl Library {
    /// Sets the files held back as drafts or scheduled (with when each is due), and what follows from them.
    pub fn set_held(&mut self, held: Vec<(PathBuf, Option<Timestamp>)>) {
        self.held_back = held.len();
        self.next_due = held.iter().filter_map(|(_, due)| *due).min();
        self.held = held;
    }

    /// Every warning of the articles and pages, in file order.
    pub fn notes(&self) -> Vec<crate::diagnostics::Diagnostic> {
        let mut notes: Vec<_> = self.articles.iter().flat_map(|a| a.notes.iter()).chain(self.pages.iter().flat_map(|p| p.notes.iter())).cloned().collect();
        notes.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        notes
    }
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
    /// A draft or scheduled article left out of this build, with the instant a scheduled one is due.
    HeldBack(Option<Timestamp>),
}

/// Every Markdown file under `root/content` (absolute paths, sorted),
/// with the problems met on the way (any other file there among them);
/// an error when there is no `content/`.
pub fn files(root: &Path) -> Result<(Vec<PathBuf>, Diagnostics)> {
    if !root.join(CONTENT_DIR).is_dir() {
        return Err(Diagnostic::file(CONTENT_DIR, "no content/ folder: articles go in content/articles/*.md").into());
    }
    let (mut files, mut problems) = crate::layout::walk(root, CONTENT_DIR);
    let content = root.join(CONTENT_DIR);
    files.retain(|f| {
        let under = f.strip_prefix(&content).unwrap_or(f);
        let markdown = content_kind(under) != ContentKind::NotContent;
        // A bundle's own files (images, data, PDFs beside its index.md) are its assets.
        if !markdown && !in_bundle(&content, under) {
            problems.push(Diagnostic::file(crate::layout::relative(root, f), crate::layout::not_markdown(under)));
        }
        markdown
    });
    Ok((files, problems))
}

impl Library {
    /// Reads every Markdown file under `root/content` (in parallel).
    pub fn load(root: &Path, config: &Config, selection: Selection, shortcodes: Option<&dyn Shortcodes>) -> Result<Library> {
        let images = crate::images::Images::new(root);
        Library::load_each(root, config, selection, &images, shortcodes, &crate::progress::Progress::hidden(), &|_| {})
    }

    /// [`Library::load`] with the image sizes read so far, each file
    /// counted on `progress`, and each article handed to `each` on the
    /// thread that loaded it (a build notes what its extra steps need and
    /// holds the HTML; the preview holds it).
    pub fn load_each(
        root: &Path,
        config: &Config,
        selection: Selection,
        images: &crate::images::Images,
        shortcodes: Option<&dyn Shortcodes>,
        progress: &crate::progress::Progress,
        each: &(dyn Fn(&mut Article) + Sync),
    ) -> Result<Library> {
        let (files, problems) = files(root)?;
        progress.step("load the content", files.len());
        let items = files
            .par_iter()
            .map(|path| {
                let mut item = load_file_with(root, path, config, selection, images, shortcodes);
                if let Ok(Item::Article(article)) = &mut item {
                    each(article);
                }
                progress.inc();
                (path.strip_prefix(root).unwrap_or(path).to_path_buf(), item)
            })
            .collect();
        Library::gather(items, problems)
    }

    /// The library of the files loaded as `items`, or every problem among
    /// them and `problems` (those of finding the files), with slugs and
    /// paths that two files share.
    pub fn gather(items: Vec<(PathBuf, Result<Item>)>, mut problems: Diagnostics) -> Result<Library> {
        let mut library = Library::default();
        for (rel, item) in items {
            match item {
                Ok(Item::Article(a)) => library.articles.push(a),
                Ok(Item::Page(p)) => library.pages.push(p),
                Ok(Item::Bio(b)) => {
                    library.bios.insert(b.slug.clone(), b);
                }
                Ok(Item::HeldBack(due)) => {
                    library.held_back += 1;
                    library.next_due = library.next_due.into_iter().chain(due).min();
                    library.held.push((rel, due));
                }
                Err(d) => problems.append(d),
            }
        }
        problems.extend(duplicate_slugs(&library));
        problems.extend(alias_problems(&library));
        if !problems.is_empty() {
            return Err(problems.sorted());
        }
        library.articles.sort_by(|a, b| newest_first(&a.meta, &b.meta));
        library.pages.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(library)
    }
}

/// The order of every listing: newest first, ties broken by slug so two builds agree.
pub fn newest_first(a: &ArticleMeta, b: &ArticleMeta) -> std::cmp::Ordering {
    b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug))
}

/// Problems of slugs and paths shared by two files.
fn duplicate_slugs(library: &Library) -> Diagnostics {
    let mut problems = Diagnostics::new();
    // Slugs that differ only in case would share a folder on the file
    // systems of macOS and Windows, where a site is often previewed or deployed.
    let mut seen: BTreeMap<String, &Path> = BTreeMap::new();
    for a in &library.articles {
        if let Some(first) = seen.insert(a.meta.slug.to_ascii_lowercase(), &a.meta.source) {
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

/// Every alias with the file it is written in and the address it redirects to (a folder path in either tree).
pub fn aliases(library: &Library) -> impl Iterator<Item = (&Alias, &Path, String, &str)> {
    let articles = library
        .articles
        .iter()
        .flat_map(|a| a.meta.aliases.iter().map(move |al| (al, a.meta.source.as_path(), urls::article_dir(&a.meta.slug), a.meta.title.as_str())));
    let pages = library.pages.iter().flat_map(|p| p.aliases.iter().map(move |al| (al, p.source.as_path(), urls::page_dir(&p.path), p.title.as_str())));
    articles.chain(pages)
}

/// Aliases that would take the place of a page the site has, of lede's
/// own folders and files, or of each other: a redirect there would hide
/// the page (or the page the redirect), so each is refused at its line.
pub fn alias_problems(library: &Library) -> Diagnostics {
    let mut problems = Diagnostics::new();
    if !library.articles.iter().any(|a| !a.meta.aliases.is_empty()) && !library.pages.iter().any(|p| !p.aliases.is_empty()) {
        return problems;
    }
    // Output files compared without case, as on the disks of macOS and Windows.
    let mut pages: HashMap<String, &Path> = HashMap::new();
    for a in &library.articles {
        pages.insert(urls::article_path(&a.meta.slug).to_ascii_lowercase(), &a.meta.source);
    }
    for p in &library.pages {
        pages.insert(urls::page_path(&p.path).to_ascii_lowercase(), &p.source);
    }
    let mut taken: HashMap<String, (&Path, usize)> = HashMap::new();
    for (alias, source, _, _) in aliases(library) {
        let file = urls::alias_file(&alias.path);
        let key = file.to_ascii_lowercase();
        let top = file.split('/').next().unwrap_or_default();
        let at = |message: String| Diagnostic::at(source, alias.line, alias.column, message);
        if let Some(owner) = pages.get(&key) {
            problems.push(at(format!("the alias {} is the address of {}: a redirect cannot take a page's place", alias.path, owner.display())));
        } else if urls::BUILT_FILES.contains(&file.as_str()) {
            problems.push(at(format!("the alias {} is a file lede writes itself: remove it from `aliases`", alias.path)));
        } else if top != "articles" && urls::RESERVED.contains(&top) {
            problems.push(at(format!("the alias {} is in /{top}/, whose addresses lede writes itself: remove it from `aliases`", alias.path)));
        } else if let Some((other, line)) = taken.insert(key, (source, alias.line)) {
            problems.push(at(format!("the alias {} is also given by {}:{line}: one old address can redirect to one place only", alias.path, other.display())));
        }
    }
    problems
}

/// The positions in `sources` of the files in `changed`. Paths are equal
/// component by component, which parsed for every article of a large
/// archive costs milliseconds per edit; only paths whose bytes end with a
/// changed file's name are compared that way. A few names (an edit) are
/// tried in turn; many (a whole build's articles) are looked up in a set:
/// tried in turn, every article against every article made the preview's
/// first build quadratic (76 s at 100,000 articles, 40% of it comparing
/// names), and a set costs an edit at 10,000 articles some 15 ms more.
pub fn positions<'a>(sources: impl Iterator<Item = &'a Path>, changed: &BTreeSet<PathBuf>) -> Vec<usize> {
    const FEW: usize = 16;
    let names: Vec<&[u8]> = changed.iter().filter_map(|p| p.file_name()).map(OsStr::as_encoded_bytes).collect();
    let set: HashSet<&[u8]> = if names.len() > FEW { names.iter().copied().collect() } else { HashSet::new() };
    let last = |bytes: &'a [u8]| bytes.rsplit(|&b| std::path::is_separator(char::from(b))).next().unwrap_or(bytes);
    sources
        .enumerate()
        .filter(|(_, source)| {
            let bytes = source.as_os_str().as_encoded_bytes();
            let named = if names.len() > FEW { set.contains(last(bytes)) } else { names.iter().any(|n| bytes.ends_with(n)) };
            named && changed.contains(*source)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The slug a file name gives: its folder's name for a bundle's `index.md`.
pub fn file_slug(rel: &Path) -> String {
    let named = if is_bundle_index(rel) { rel.parent().and_then(Path::file_name) } else { rel.file_stem() };
    slugify(&named.map(|s| s.to_string_lossy()).unwrap_or_default())
}

/// Whether `rel` is the `index.md` (or `index.markdown`) of a folder below
/// `content/`: an article or page whose files lie beside it.
pub fn is_bundle_index(rel: &Path) -> bool {
    rel.file_stem().is_some_and(|s| s == "index")
        && rel.extension().is_some_and(|x| x == "md" || x == "markdown")
        && rel.parent().and_then(Path::file_name).is_some_and(|dir| dir != CONTENT_DIR && dir != "articles")
}

/// The files of the bundle whose `index.md` is `rel` (relative to `root`):
/// every file in its folder and below it that is not Markdown, hidden, or
/// in a folder that is a bundle of its own; `/`-separated, sorted.
pub fn bundle_files(root: &Path, rel: &Path) -> Vec<String> {
    let Some(dir) = rel.parent() else { return Vec::new() };
    let base = root.join(dir);
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(&base).min_depth(1).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        let own_bundle = e.file_type().is_dir() && ["index.md", "index.markdown"].iter().any(|i| e.path().join(i).is_file());
        !crate::layout::is_ignored_name(&name) && !own_bundle
    });
    for entry in walker.flatten() {
        let markdown = entry.path().extension().is_some_and(|x| x == "md" || x == "markdown");
        if entry.file_type().is_file()
            && !markdown
            && let Ok(rel) = entry.path().strip_prefix(&base)
        {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    files
}

/// Whether `under_content` lies in a bundle's folder (one holding an `index.md`).
fn in_bundle(content: &Path, under_content: &Path) -> bool {
    under_content
        .ancestors()
        .skip(1)
        .take_while(|a| !a.as_os_str().is_empty())
        .any(|a| ["index.md", "index.markdown"].iter().any(|i| content.join(a).join(i).is_file()))
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

    #[test]
    fn positions_of_many_changed_files_match_whole_paths_too() {
        // Two folders holding the same names: only the changed folder's files match.
        let sources: Vec<PathBuf> = (0..40).map(|i| PathBuf::from(format!("content/articles/{}/a{}.md", i % 2, i / 2))).collect();
        let changed: BTreeSet<PathBuf> = (0..20).map(|i| PathBuf::from(format!("content/articles/1/a{i}.md"))).collect();
        let expected: Vec<usize> = (0..40).filter(|i| i % 2 == 1).collect();
        assert_eq!(positions(sources.iter().map(PathBuf::as_path), &changed), expected);
    }
}
