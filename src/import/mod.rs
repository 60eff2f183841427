//! Import: moving an archive in from another publishing tool. Each reader
//! turns its source (an export file or a content folder) into an
//! [`Archive`] of lede documents, deciding for every post what is public;
//! `write` puts the archive into a site as TOML front matter files, never
//! over an existing file unless forced, and the [`Report`] says what went
//! where and why.

pub mod frontmatter;
pub mod ghost;
pub mod html;
pub mod hugo;
pub mod jekyll;
mod report;
pub mod shortcodes;
mod sitegen;
pub mod substack;
pub mod wordpress;
mod write;

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::config::Config;
use crate::content::{Library, Selection};
use crate::dates::PubDate;
use crate::diagnostics::Result;
pub use report::{Report, Topic};
pub use write::{PLACEHOLDER_TEASER, Written};

/// The tools lede imports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A WordPress export (WXR).
    WordPress,
    /// A Ghost JSON export.
    Ghost,
    /// A Substack export folder or zip.
    Substack,
    /// A Hugo content folder.
    Hugo,
    /// A Jekyll site folder.
    Jekyll,
}

impl Format {
    /// The name the command line uses.
    pub fn name(self) -> &'static str {
        match self {
            Format::WordPress => "wordpress",
            Format::Ghost => "ghost",
            Format::Substack => "substack",
            Format::Hugo => "hugo",
            Format::Jekyll => "jekyll",
        }
    }
}

/// Choices the person importing makes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Overwrite files that exist.
    pub force: bool,
    /// WordPress: cut at `<!--more-->` instead of dropping it.
    pub more_is_paywall: bool,
    /// The paywall of posts whose source says nothing about who may read them.
    pub default_access: Access,
}

impl Default for Options {
    fn default() -> Self {
        Options { force: false, more_is_paywall: false, default_access: Access::SiteDefault }
    }
}

/// Who may read an imported post: what its `paywall` becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Everyone: `paywall = false`.
    Free,
    /// Cut at the `<!-- paywall -->` line its body holds.
    Marker,
    /// Subscribers only: `paywall = 0`, the teaser alone is public.
    MembersOnly,
    /// The first N blocks are free.
    Blocks(usize),
    /// No `paywall` key: the site's `[paywall] free_blocks` decides.
    SiteDefault,
}

impl Access {
    /// What the decision writes, in the report's words.
    pub fn describe(&self) -> String {
        match self {
            Access::Free => "free (paywall = false)".into(),
            Access::Marker => "cut at the source's marker (a <!-- paywall --> line)".into(),
            Access::MembersOnly => "members only (paywall = 0, the teaser alone is public)".into(),
            Access::Blocks(n) => format!("the first {n} blocks free (paywall = {n})"),
            Access::SiteDefault => "the site's default cut ([paywall] free_blocks in config.toml)".into(),
        }
    }
}

/// Whether a post is out, held for a date, or unfinished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Published.
    Published,
    /// Published on its (future) date.
    Scheduled,
    /// Not published: `draft = true`.
    Draft,
}

impl Status {
    /// What the report counts a post of this status under.
    pub fn counted_as(self) -> &'static str {
        match self {
            Status::Published => "published posts",
            Status::Scheduled => "scheduled posts",
            Status::Draft => "draft posts",
        }
    }
}

/// An article as the import will write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// Where it came from ("post 42", "content/posts/x.md"), for the report.
    pub origin: String,
    /// The headline.
    pub title: String,
    /// The URL segment, kept as published where it is a valid one.
    pub slug: String,
    /// Publication date; a post without one is written as a draft dated on the import day.
    pub date: Option<PubDate>,
    /// A later revision date.
    pub updated: Option<PubDate>,
    /// Published, scheduled or draft.
    pub status: Status,
    /// Bylines in order.
    pub authors: Vec<String>,
    /// The primary category or tag.
    pub column: Option<String>,
    /// The other categories and tags.
    pub tags: Vec<String>,
    /// The public summary.
    pub teaser: Option<String>,
    /// The cover image (an absolute URL or a site path).
    pub image: Option<String>,
    /// The canonical URL when it is not the post's own.
    pub canonical: Option<String>,
    /// Old paths that must redirect here (`/2019/05/title/`).
    pub aliases: Vec<String>,
    /// Who may read it.
    pub access: Access,
    /// Why: the source field or marker that decided `access`.
    pub access_reason: String,
    /// The body: Markdown (with a `<!-- paywall -->` line when `access` is
    /// `Marker`), or HTML converted when written.
    pub body: Body,
}

/// A body as the source holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Markdown, ready to write.
    Markdown(String),
    /// HTML, converted to Markdown by `html::to_markdown` when written;
    /// a post whose `access` is `Marker` is cut at the dialect's own marker.
    Html {
        /// The HTML.
        html: String,
        /// The tool that wrote it.
        dialect: Dialect,
    },
}

/// The tool that wrote a body's HTML, which decides its markers and shortcodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// WordPress: block comments, classic paragraphs without `<p>`,
    /// `[caption]` and `[gallery]`; `<!--more-->` is the cut when asked for.
    WordPress,
    /// Ghost: `<!--members-only-->` is the cut; `kg-card` figures.
    Ghost,
    /// Substack: a `paywall-jump` element is the cut.
    Substack,
    /// Anything else (an `.html` file in a Hugo or Jekyll site).
    Generic,
}

/// A plain page (about, imprint), nested under its parents.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Where it came from, for the report.
    pub origin: String,
    /// The URL segments (`["about", "team"]` for `/about/team/`).
    pub path: Vec<String>,
    /// The heading.
    pub title: String,
    /// Optional date.
    pub date: Option<PubDate>,
    /// Draft pages are written with `draft = true`.
    pub draft: bool,
    /// Optional summary.
    pub teaser: Option<String>,
    /// Old paths that must redirect here.
    pub aliases: Vec<String>,
    /// The body.
    pub body: Body,
}

/// An author, written as a bio in `content/authors/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// The byline as articles name it.
    pub name: String,
    /// The bio as Markdown (may be empty: then no bio file is written).
    pub bio: String,
}

/// A file found beside the source, copied into the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// The file to copy.
    pub from: PathBuf,
    /// Where it goes, relative to the site's `static/` folder.
    pub to: PathBuf,
}

/// Everything a reader found in its source.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// The site's name, where the source gives it (used by a new site's config.toml).
    pub site_title: Option<String>,
    /// The old site's address (its own links are made root-relative and checked).
    pub site_url: Option<String>,
    /// Articles.
    pub posts: Vec<Post>,
    /// Plain pages.
    pub pages: Vec<Page>,
    /// Authors with their bios.
    pub authors: Vec<Author>,
    /// Local files to copy.
    pub assets: Vec<Asset>,
    /// What the reader noticed on the way.
    pub report: Report,
}

/// Reads `source` as `format` and writes what it holds into the site at
/// `root`: what was written, and the report (also saved in the site).
pub fn import(format: Format, source: &Path, root: &Path, options: &Options, now: Timestamp) -> Result<(Written, Report)> {
    let archive = match format {
        Format::WordPress => wordpress::read(source, options)?,
        Format::Ghost => ghost::read(source, options)?,
        Format::Substack => substack::read(source, options)?,
        Format::Hugo => hugo::read(source, options)?,
        Format::Jekyll => jekyll::read(source, options)?,
    };
    write::write(root, format, archive, options, now)
}

/// Loads every file of the site at `root`, drafts and scheduled ones too,
/// as a build would: the problems an import left, if any.
pub fn check_site(root: &Path, now: Timestamp) -> Result<()> {
    let config = Config::load(root)?;
    Library::load(root, &config, Selection { drafts: true, future: true, now }, None).map(|_| ())
}
