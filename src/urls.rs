//! The URL scheme, and nothing else spells it: every output path (relative,
//! the same in either tree) and every absolute URL (given a tree's root URL,
//! written without its trailing slash). Folder paths end in `/` and are what
//! a URL names; file paths are what the build writes (a folder's
//! `index.html`). Depends on nothing else in the crate.
//!
//! Cards and listings are built tens of thousands of times in a large
//! build, so each path or URL is one exactly sized allocation.

use std::fmt::Write;

/// The file that a folder's URL serves.
pub const INDEX: &str = "index.html";
/// The site's feed of its newest articles.
pub const FEED: &str = "atom.xml";
/// The sitemap (public tree only).
pub const SITEMAP: &str = "sitemap.xml";
/// The crawler rules.
pub const ROBOTS: &str = "robots.txt";
/// The page served for a missing file.
pub const NOT_FOUND: &str = "404.html";
/// The subscribe page's folder.
pub const SUBSCRIBE_DIR: &str = "subscribe/";

pub const ARTICLES: &str = "articles/";

/// Files the build writes at the root of a tree, which no alias may take.
pub const BUILT_FILES: &[&str] = &[INDEX, FEED, SITEMAP, ROBOTS, NOT_FOUND, "style.css", REDIRECTS, REDIRECTS_MAP, "_headers"];
/// The redirects of every alias, for hosts that read Netlify's `_redirects` format (Netlify, Cloudflare Pages).
pub const REDIRECTS: &str = "_redirects";
/// The redirects of every alias as the lines of an nginx `map` block.
pub const REDIRECTS_MAP: &str = "redirects.map";

/// Top-level folders the build itself writes (or keeps for itself), which no plain page may take.
pub const RESERVED: &[&str] = &["articles", "subscribe", "tags", "columns", "authors", "archive", "page", "404", "feeds"];

/// Whether `s` may stand as it is for one segment of a URL path: ASCII
/// letters, digits, `-`, `_`, `.` and `~` (the characters a URL never
/// escapes), starting with a letter or digit, so that it is never `.` or
/// `..`, a hidden file, or an option to a shell command. Case is kept:
/// published slugs such as `Ending-OCSP` or `rust_1.70` stay as they were.
pub fn is_segment(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// An old address as an alias: the path of a URL (`/2019/05/title/`), its
/// `%XX` escapes decoded, as the file a server maps it to is named. The
/// error says what is wrong: a query or fragment (a static file cannot
/// answer those), `.`/`..` or empty segments, the home page.
pub fn alias_path(written: &str) -> Result<String, String> {
    let path = match written.split_once("://") {
        Some((scheme, rest)) if scheme == "http" || scheme == "https" => match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        },
        Some(_) => return Err(format!("{written:?} is not an http(s) address or a path")),
        None => written,
    };
    if !path.starts_with('/') {
        return Err(format!("{written:?} is not a path: an alias starts with `/` (\"/2019/05/title/\")"));
    }
    if path.contains(['?', '#']) {
        return Err(format!("{written:?} has a query or fragment, which a static site cannot redirect: give the path alone"));
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().map_err(|_| format!("{written:?} has %-escapes that are not UTF-8 text"))?;
    let inner = decoded.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return Err(format!("{written:?} is the home page, which cannot redirect to an article"));
    }
    if inner.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return Err(format!("{written:?} has an empty, `.` or `..` segment"));
    }
    if decoded.chars().any(|c| c.is_control() || matches!(c, '\\' | '"' | '<' | '>' | ' ')) {
        return Err(format!("{written:?} has a space, a control character or one of \\ \" < > in it"));
    }
    Ok(decoded.into_owned())
}

/// The file (relative, in either tree) that answers the alias `path`: a
/// folder's `index.html`, unless the old address named a file
/// (`/old.html`, `/feed.php`).
pub fn alias_file(path: &str) -> String {
    let inner = path.trim_start_matches('/');
    if inner.ends_with('/') {
        return concat(&[inner, INDEX]);
    }
    let last = inner.rsplit('/').next().unwrap_or(inner);
    match last.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !ext.is_empty()
                && ext.len() <= 5
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            inner.to_string()
        }
        _ => concat(&[inner, "/", INDEX]),
    }
}

/// The kinds of taxonomy listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermKind {
    /// `/columns/<slug>/`.
    Column,
    /// `/tags/<slug>/`.
    Tag,
    /// `/authors/<slug>/`.
    Author,
    /// `/archive/<year>/`.
    Year,
}

impl TermKind {
    /// Every kind.
    pub const ALL: [TermKind; 4] = [TermKind::Column, TermKind::Tag, TermKind::Author, TermKind::Year];

    /// The URL folder (no slashes).
    pub fn dir(self) -> &'static str {
        match self {
            TermKind::Column => "columns",
            TermKind::Tag => "tags",
            TermKind::Author => "authors",
            TermKind::Year => "archive",
        }
    }
}

/// The parts joined into one string allocated at its final size.
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        s.push_str(part);
    }
    s
}

/// `{root}/{path}`: the absolute URL of a relative folder or file path.
pub fn url(root: &str, path: &str) -> String {
    concat(&[root, "/", path])
}

/// A cover image's absolute URL: an `http(s)` URL as written, a path
/// from the site's root on the public tree (covers are public), anything
/// else beside the page at `page_url` (which ends in `/`).
pub fn image_url(public_root: &str, page_url: &str, written: &str) -> String {
    if written.contains("://") {
        written.to_string()
    } else if let Some(path) = written.strip_prefix('/') {
        url(public_root, path)
    } else {
        concat(&[page_url, written])
    }
}

/// `{dir}index.html`: the file a folder path (ending in `/`, or empty for the root) is written to.
pub fn index_of(dir: &str) -> String {
    concat(&[dir, INDEX])
}

/// `articles/{slug}/`.
pub fn article_dir(slug: &str) -> String {
    concat(&[ARTICLES, slug, "/"])
}

/// `articles/{slug}/index.html`.
pub fn article_path(slug: &str) -> String {
    concat(&[ARTICLES, slug, "/", INDEX])
}

/// `{root}/articles/{slug}/`.
pub fn article_url(root: &str, slug: &str) -> String {
    concat(&[root, "/", ARTICLES, slug, "/"])
}

/// `{path}/`: a plain page's folder (`path` has no slashes at either end).
pub fn page_dir(path: &str) -> String {
    concat(&[path, "/"])
}

/// `{path}/index.html`.
pub fn page_path(path: &str) -> String {
    concat(&[path, "/", INDEX])
}

/// `{root}/{path}/`.
pub fn page_url(root: &str, path: &str) -> String {
    concat(&[root, "/", path, "/"])
}

/// `{dir}/`: the index of every term of a kind (`tags/`, `archive/`, …).
pub fn terms_dir(kind: TermKind) -> String {
    concat(&[kind.dir(), "/"])
}

/// `{root}/{dir}/{slug}/`: the first page of a term's listing.
pub fn term_url(root: &str, kind: TermKind, slug: &str) -> String {
    concat(&[root, "/", kind.dir(), "/", slug, "/"])
}

/// Folder of page `n` (1-based) of a listing: the home page's when `term`
/// is `None` (empty for page 1), else `{dir}/{slug}/`; `page/{n}/` after it from page 2.
pub fn listing_dir(term: Option<(TermKind, &str)>, n: usize) -> String {
    let mut s = String::with_capacity(32 + term.map_or(0, |(_, slug)| slug.len()));
    push_listing_dir(&mut s, term, n);
    s
}

/// The file page `n` of a listing is written to.
pub fn listing_path(term: Option<(TermKind, &str)>, n: usize) -> String {
    let mut s = listing_dir(term, n);
    s.push_str(INDEX);
    s
}

/// `{root}/` and the folder of page `n` of a listing.
pub fn listing_url(root: &str, term: Option<(TermKind, &str)>, n: usize) -> String {
    let mut s = String::with_capacity(root.len() + 33 + term.map_or(0, |(_, slug)| slug.len()));
    s.push_str(root);
    s.push('/');
    push_listing_dir(&mut s, term, n);
    s
}

fn push_listing_dir(s: &mut String, term: Option<(TermKind, &str)>, n: usize) {
    if let Some((kind, slug)) = term {
        s.push_str(kind.dir());
        s.push('/');
        s.push_str(slug);
        s.push('/');
    }
    if n != 1 {
        let _ = write!(s, "page/{n}/");
    }
}

/// `columns/{slug}/atom.xml`.
pub fn column_feed_path(slug: &str) -> String {
    concat(&[TermKind::Column.dir(), "/", slug, "/", FEED])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_decoded_paths_and_name_the_file_that_answers_them() {
        assert_eq!(alias_path("/2019/05/07/my-post/").as_deref(), Ok("/2019/05/07/my-post/"));
        assert_eq!(alias_path("https://old.example.com/2019/x/").as_deref(), Ok("/2019/x/"));
        assert_eq!(alias_path("/p/caf%C3%A9").as_deref(), Ok("/p/caf\u{e9}"));
        for bad in ["2019/x/", "/", "//", "/a//b/", "/a/../b/", "/?p=12", "/x#top", "ftp://h/x", "/a b/", "/%ff/"] {
            assert!(alias_path(bad).is_err(), "{bad}");
        }
        assert_eq!(alias_file("/2019/05/x/"), "2019/05/x/index.html");
        assert_eq!(alias_file("/p/slug"), "p/slug/index.html");
        assert_eq!(alias_file("/old/page.html"), "old/page.html");
        assert_eq!(alias_file("/rust_1.70"), "rust_1.70/index.html");
        assert_eq!(alias_file("/v1.2"), "v1.2/index.html");
    }

    #[test]
    fn segments_keep_published_slugs_and_refuse_what_a_url_escapes() {
        for ok in ["Ending-OCSP", "rust_1.70", "a", "2019", "v1.2~rc"] {
            assert!(is_segment(ok), "{ok}");
        }
        for bad in ["", ".", "..", ".hidden", "-rf", "_x", "a b", "a/b", "caf\u{e9}", "a%20b", "a?b", "a#b"] {
            assert!(!is_segment(bad), "{bad}");
        }
    }

    #[test]
    fn paths_and_urls() {
        assert_eq!(article_dir("x"), "articles/x/");
        assert_eq!(article_path("x"), "articles/x/index.html");
        assert_eq!(article_url("https://a.example", "x"), "https://a.example/articles/x/");
        assert_eq!(page_path("about"), "about/index.html");
        assert_eq!(page_url("https://a.example", "about"), "https://a.example/about/");
        assert_eq!(terms_dir(TermKind::Year), "archive/");
        assert_eq!(term_url("https://a.example", TermKind::Tag, "eu"), "https://a.example/tags/eu/");
        assert_eq!(column_feed_path("budget"), "columns/budget/atom.xml");
        assert_eq!(url("https://a.example", SUBSCRIBE_DIR), "https://a.example/subscribe/");
        assert_eq!(index_of(SUBSCRIBE_DIR), "subscribe/index.html");
        for top in [ARTICLES.trim_end_matches('/'), SUBSCRIBE_DIR.trim_end_matches('/'), NOT_FOUND.trim_end_matches(".html"), "page"] {
            assert!(RESERVED.contains(&top), "{top} is not reserved");
        }
        for kind in TermKind::ALL {
            assert!(RESERVED.contains(&kind.dir()), "{} is not reserved", kind.dir());
        }
    }

    #[test]
    fn listings() {
        assert_eq!(listing_path(None, 1), "index.html");
        assert_eq!(listing_path(None, 2), "page/2/index.html");
        assert_eq!(listing_dir(None, 1), "");
        assert_eq!(listing_url("https://a.example", None, 1), "https://a.example/");
        assert_eq!(listing_path(Some((TermKind::Author, "ada")), 1), "authors/ada/index.html");
        assert_eq!(listing_path(Some((TermKind::Column, "c")), 12), "columns/c/page/12/index.html");
        assert_eq!(listing_url("r", Some((TermKind::Tag, "t")), 3), "r/tags/t/page/3/");
    }
}
