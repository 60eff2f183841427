//! Markdown bodies: pulldown-cmark events grouped into top-level blocks,
//! paywall markers found among them, and each side of a cut rendered from
//! its own events (HTML strings are never sliced), with the table of
//! contents and the footnotes that side may show.

mod context;
mod highlight;
mod ids;
mod parse;
mod render;
mod shortcodes;
#[cfg(test)]
mod tests;
mod unclosed;
mod words;

use pulldown_cmark::{Event, Options};
use serde::Serialize;

use crate::paywall::Marker;

pub use context::{Reference, ReferenceKind, RenderContext};
pub use ids::is_page_id;
pub use shortcodes::{Arg, Failure, Invocation, Shortcodes, may_hold as may_hold_shortcode};

/// The Markdown extensions every body is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A footnote definition, kept apart from the flow of blocks.
#[derive(Debug)]
struct FootnoteDef<'a> {
    /// The label as CommonMark matches it (see [`ids::footnote_key`]).
    key: String,
    events: Vec<Event<'a>>,
}

/// A heading as a table of contents lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The anchor (`#id`).
    pub id: String,
    /// The heading's plain text.
    pub title: String,
}

/// A block that never meets its end and so runs to the end of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset in the body where it opens.
    pub offset: usize,
    /// What it is and what would close it, for the message.
    pub what: String,
}

/// Something in a body that looks like an attempt at the paywall marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    /// Byte offset in the body.
    pub offset: usize,
    /// Why it is not taken for the marker.
    pub why: &'static str,
}

/// A footnote label defined more than once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateNote {
    /// The label as first written.
    pub label: String,
    /// Byte offsets in the body of the first and the repeated definition.
    pub first: usize,
    /// See `first`.
    pub again: usize,
}

/// A parsed body, ready to be cut and rendered.
#[derive(Debug)]
pub struct Document<'a> {
    /// The events of every top-level block, in order, in one vector (one
    /// allocation per body rather than one per block).
    events: Vec<Event<'a>>,
    /// Each block's range in `events`.
    blocks: Vec<std::ops::Range<usize>>,
    footnotes: Vec<FootnoteDef<'a>>,
    /// `<!-- paywall -->` lines at the top level.
    pub markers: Vec<Marker>,
    /// Markers found where they cannot cut (inside a list, a quote, a line of text, an HTML block): body offsets.
    pub misplaced_markers: Vec<usize>,
    /// Markers standing alone on a line of a code block: just text in an
    /// article that cuts elsewhere, a swallowed cutoff in one that does not.
    pub markers_in_code: Vec<usize>,
    /// Comments and lines that look like an attempt at the marker but are not it.
    pub lookalikes: Vec<Lookalike>,
    /// The last block, when it never closes (a code fence, a comment, a `<pre>`, …) and swallows the rest of the body.
    pub unclosed: Option<Unclosed>,
    /// Footnote labels defined twice.
    pub duplicate_notes: Vec<DuplicateNote>,
    /// HTML blocks that never met their own end and ran on, past blank
    /// lines, to the end of a later one of their kind.
    pub run_on: Vec<Unclosed>,
    /// `id` attributes in the author's raw HTML, with their body offsets.
    pub raw_ids: Vec<(String, usize)>,
    /// Every Markdown image's address as written, with its body offset (footnotes included).
    pub images: Vec<(String, usize)>,
    /// The body offsets of Markdown images written without alt text (`![](x.png)`).
    pub images_without_alt: Vec<usize>,
    toc: Vec<TocEntry>,
    /// Block index of each entry of `toc`.
    toc_block: Vec<usize>,
    words: usize,
    /// Length of the Markdown, to size the HTML buffers.
    source_len: usize,
    /// The Markdown as written (shortcode bodies are read from it).
    source: &'a str,
    /// The shortcodes at the top of the body (those in their bodies are read with the body).
    calls: Vec<shortcodes::Call>,
    /// Where each shortcode's placeholder event is.
    slots: Vec<Slot>,
    /// Shortcodes written wrong: body offsets and messages.
    pub shortcode_problems: Vec<(usize, String)>,
}

/// The event that stands for a shortcode, to be replaced by its HTML.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The footnote definition it is in (by position), or `None` in the flow of blocks.
    footnote: Option<usize>,
    /// Its index among those events.
    event: usize,
    /// The shortcode (in `Document::calls`).
    call: usize,
}

/// One side of a cut, rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    /// The blocks, as HTML.
    pub html: String,
    /// The headings among those blocks.
    pub toc: Vec<TocEntry>,
    /// `<li>` items for the footnotes this side references (empty when none).
    pub footnotes_html: String,
    /// The first paragraph's plain text, for summaries.
    pub first_paragraph: String,
    /// Where the paid blocks begin in `html` (0 on a side without them).
    pub paid_from: usize,
}

/// Both sides of an article.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// What anyone may read: the free blocks, or everything for a free article.
    pub public: Part,
    /// Everything; the paid blocks wrapped in `<div class="paid-content">`.
    /// `None` when the article is free (the public part is then the whole).
    pub members: Option<Part>,
    /// Words in the whole article.
    pub words: usize,
    /// Raw HTML that nothing appended can close (`<plaintext>`, …): the start
    /// of it as written, and why, for an error.
    pub unclosable: Option<(String, String)>,
    /// Shortcodes that could not be rendered: body offsets and messages.
    pub shortcode_problems: Vec<(usize, String)>,
}

impl Document<'_> {
    /// Number of top-level content blocks (markers and footnote definitions excluded).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// Whether the body calls shortcodes (at its top level).
    pub fn has_shortcodes(&self) -> bool {
        !self.calls.is_empty()
    }
}
