//! What an HTML fragment leaves open at its end, and the text that closes it.
//!
//! An article's public page is its free blocks' HTML followed by the paywall
//! ellipsis and the subscribe form. Markdown passes the author's raw HTML
//! through, so the free part can end inside a table cell, a link, a comment,
//! an attribute value or a `<script>`, and the browser would then put the
//! subscribe form there. [`closers`] reads the fragment as a browser would and
//! returns the text that, appended to it, brings the tokenizer back to the
//! data state and closes every element the fragment left open, innermost
//! first.
//!
//! Tokens come from html5gum, a WHATWG-compliant tokenizer. It was chosen over
//! html5ever's tokenizer because it reports byte offsets (through
//! `move_position`) and lets its emitter see where a tag, attribute value or
//! comment stands when the input runs out; html5ever's tokenizer keeps its
//! state private and counts only lines. html5gum has no tree builder of its
//! own, so this module keeps the part of HTML's tree construction that
//! decides which elements are open: the stack of open elements, the list of
//! active formatting elements (with the adoption agency algorithm), the
//! insertion modes of body, tables, templates and raw text, the form element
//! pointer, and foreign (SVG and MathML) content, as the HTML standard
//! describes them, including its 2025 rules for `<select>`. What it leaves
//! out only changes where nodes land in the document (foster parenting,
//! attributes, text), never which elements are open.
//!
//! The fragment is taken to stand inside a `<div>` in the body of a document
//! with a DOCTYPE (no quirks mode) and with text before it (so that
//! `<frameset>` is ignored), which is where the article template puts it.
//!
//! Three things are [`Unclosable`]. `<plaintext>` switches the tokenizer to a
//! state that nothing ends. A `<form>` whose `</form>` came while it was out
//! of scope (inside a `<select>`, a table cell or a `<button>`) stays open
//! with the form element pointer cleared, and the browser ignores every later
//! `</form>`: only the end tag of the page's element around it would close
//! it. Nesting deeper than [`MAX_DEPTH`] open elements is refused too:
//! Chromium stops nesting there and attaches deeper elements as siblings, so
//! past that depth browsers disagree on what is open, and following it would
//! also cost time per tag in proportion to the depth. `<template>`, `<math>`
//! and `<svg>` are not unclosable: their end tags close them like any other
//! element's, and `<plaintext>` inside SVG or MathML is a foreign element.
//!
//! Every token costs time bounded by the depth of the stack, itself capped,
//! so the whole is linear in the size of the fragment.

mod body;
mod closing;
mod foreign;
mod formatting;
mod modes;
mod node;
mod scan;
mod stack;
mod tree;

#[cfg(test)]
mod tests;

use html5gum::Tokenizer;

use scan::Scan;

/// How many elements may be open at once before the fragment is refused.
pub const MAX_DEPTH: usize = 512;

/// What the end of an HTML fragment leaves open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closers {
    /// Text that, appended to the fragment, closes every element, comment, tag and raw-text section it left open ("" when nothing is open).
    pub text: String,
    /// Byte offset in the fragment of the start of the outermost construct still open at its end (None when nothing is open).
    pub first_open: Option<usize>,
    /// End tags with no opening tag in the fragment that close the page's
    /// own elements around it (`</div>`, `</article>`), as byte ranges: they
    /// move the theme's elements after the text and do nothing else, so the
    /// caller removes them and asks again.
    pub stray_end_tags: Vec<std::ops::Range<usize>>,
}

/// Something no appended text can close (for example `<plaintext>`), with its byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosable {
    /// Byte offset in the fragment of the start tag at fault.
    pub offset: usize,
    /// What it is, in words fit for an error message.
    pub what: String,
}

/// The elements of the theme's page around an article's text, outermost first.
const PAGE: [&str; 5] = ["html", "body", "main", "article", "div"];

/// How many elements the page holds open around the text.
const PAGE_DEPTH: usize = PAGE.len();

/// Reads `html` as the content of a `<div>` in a document's body and returns the text that closes what it leaves open.
pub fn closers(html: &str) -> Result<Closers, Unclosable> {
    let input = html.as_bytes();
    let mut scan = Scan::new(input);
    let mut tokenizer = Tokenizer::new_with_emitter(html, &mut scan);
    // The reader of a &str cannot fail and the emitter yields no tokens, so
    // the iterator only runs the state machine to the end of the input.
    for _ in &mut tokenizer {}
    drop(tokenizer);
    scan.finish()
}
