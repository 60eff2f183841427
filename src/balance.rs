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

use std::convert::Infallible;

use html5gum::{Emitter, Error, State, Tokenizer};

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

// ---------------------------------------------------------------------------
// Tokenizer side: an html5gum emitter that feeds the tree and remembers where
// the input ran out.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Current {
    None,
    StartTag,
    EndTag,
    Comment,
    Doctype,
}

/// A start tag as the tree sees it.
#[derive(Debug, Default)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    self_closing: bool,
    offset: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

struct Scan<'a> {
    input: &'a [u8],
    /// Byte offset the tokenizer has read up to.
    pos: usize,
    current: Current,
    /// Offset of the `<` that began the current tag, comment or doctype.
    token_start: usize,
    name: Vec<u8>,
    self_closing: bool,
    attrs: Vec<(Vec<u8>, Vec<u8>)>,
    /// The quote (or 0 when unquoted) and start offset of the last attribute value begun in the current tag.
    value: Option<(u8, usize)>,
    last_start_tag: Vec<u8>,
    /// The error the tokenizer reported at the end of the input, which says what was still open.
    eof_error: Option<Error>,
    /// A comment or doctype emitted with nothing after it: if the input does not end with `>`, the end of input
    /// emitted it (bogus comments and bogus doctypes end there without an error).
    trailing_comment: Option<usize>,
    /// End tags of the author's that closed the page's own elements.
    stray: Vec<std::ops::Range<usize>>,
    tree: Tree,
}

impl<'a> Scan<'a> {
    fn new(input: &'a [u8]) -> Self {
        Scan {
            input,
            pos: 0,
            current: Current::None,
            token_start: 0,
            name: Vec::new(),
            self_closing: false,
            attrs: Vec::new(),
            value: None,
            last_start_tag: Vec::new(),
            eof_error: None,
            trailing_comment: None,
            stray: Vec::new(),
            tree: Tree::new(),
        }
    }

    fn begin(&mut self, current: Current) {
        self.current = current;
        self.name.clear();
        self.self_closing = false;
        self.attrs.clear();
        self.value = None;
        self.trailing_comment = None;
    }

    fn tag(&mut self) -> Tag {
        let mut attrs: Vec<(String, String)> = Vec::with_capacity(self.attrs.len());
        for (n, v) in self.attrs.drain(..) {
            let n = String::from_utf8_lossy(&n).into_owned();
            // The first of duplicate attributes wins.
            if !attrs.iter().any(|(m, _)| *m == n) {
                attrs.push((n, String::from_utf8_lossy(&v).into_owned()));
            }
        }
        Tag { name: String::from_utf8_lossy(&self.name).into_owned(), attrs, self_closing: self.self_closing, offset: self.token_start }
    }

    /// Hands the current tag to the tree and returns the tokenizer state it asks for.
    fn emit_tag(&mut self) -> Option<State> {
        let kind = self.current;
        let tag = self.tag();
        self.current = Current::None;
        self.value = None;
        match kind {
            Current::StartTag => {
                self.last_start_tag.clear();
                self.last_start_tag.extend_from_slice(tag.name.as_bytes());
                self.tree.start_tag(&tag)
            }
            Current::EndTag => {
                // Only the author's end tags may not close the page's elements; the closers' own stop short of them.
                self.tree.author_end = Some(tag.offset);
                self.tree.end_tag(&tag.name);
                self.tree.author_end = None;
                if std::mem::take(&mut self.tree.closed_page_by_author) {
                    self.stray.push(tag.offset..self.pos.max(tag.offset));
                }
                None
            }
            _ => None,
        }
    }

    /// Whether the end of the input falls inside the current tag's last attribute value.
    fn in_value(&self) -> Option<u8> {
        let (quote, start) = self.value?;
        let rest = self.input.get(start..).unwrap_or_default();
        if quote == 0 {
            // An unquoted value ends at whitespace (a `>` would have ended the tag).
            (!rest.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))).then_some(0)
        } else {
            (!rest.contains(&quote)).then_some(quote)
        }
    }

    fn finish(mut self) -> Result<Closers, Unclosable> {
        if let Some(fail) = self.tree.fail.take() {
            return Err(fail);
        }
        let mut text = String::new();
        let mut first_open: Option<usize> = None;
        let len = self.input.len();
        let mut dangling_lt = false;
        match self.eof_error {
            Some(Error::EofBeforeTagName) if self.input.ends_with(b"</") => {
                // `</` followed by anything but a letter would turn the next `>` into a bogus comment; `</>` is ignored.
                text.push('>');
                note(&mut first_open, len - 2);
            }
            Some(Error::EofBeforeTagName) => {
                // A lone `<` is text, but the tokenizer still waits to see if a tag name follows.
                dangling_lt = true;
                note(&mut first_open, len.saturating_sub(1));
            }
            Some(Error::EofInComment) => {
                // `-->` ends a comment from every comment state, dashes and `--!` included.
                text.push_str("-->");
                note(&mut first_open, self.token_start);
            }
            Some(Error::EofInDoctype) => {
                // In every doctype state, quoted identifiers included, `>` emits the doctype.
                text.push('>');
                note(&mut first_open, self.token_start);
            }
            Some(Error::EofInCdata) => {
                text.push_str("]]>");
                note(&mut first_open, self.token_start);
            }
            Some(Error::EofInTag) if matches!(self.current, Current::StartTag | Current::EndTag) => {
                let quote = self.in_value();
                let self_closing = quote.is_none() && self.input.ends_with(b"/");
                match quote {
                    Some(b'"') => text.push_str("\">"),
                    Some(b'\'') => text.push_str("'>"),
                    _ => text.push('>'),
                }
                note(&mut first_open, self.token_start);
                if self_closing {
                    self.self_closing = true;
                }
                let _ = self.emit_tag();
                if let Some(fail) = self.tree.fail.take() {
                    return Err(fail);
                }
            }
            _ => {
                if let Some(start) = self.trailing_comment
                    && !self.input.ends_with(b">")
                {
                    // A bogus comment (`<?`, `<!x`, `<![CDATA[` outside SVG and MathML) or bogus doctype ends at
                    // the first `>`.
                    text.push('>');
                    note(&mut first_open, start);
                }
            }
        }
        let script_escaped = self.eof_error == Some(Error::EofInScriptHtmlCommentLikeText);
        let before = text.len();
        if let Some(at) = self.tree.close_all(&mut text, script_escaped)? {
            note(&mut first_open, at);
        }
        if dangling_lt && text.len() == before {
            // Nothing else follows to show the tokenizer that the `<` was text: an empty comment does, unseen.
            text.push_str("<!---->");
        }
        Ok(Closers { text, first_open, stray_end_tags: self.stray })
    }
}

impl Emitter for &mut Scan<'_> {
    type Token = Infallible;

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start_tag.clear();
        self.last_start_tag.extend_from_slice(last_start_tag.unwrap_or_default());
    }

    fn emit_eof(&mut self) {}

    fn emit_error(&mut self, error: Error) {
        if matches!(
            error,
            Error::EofBeforeTagName | Error::EofInCdata | Error::EofInComment | Error::EofInDoctype | Error::EofInScriptHtmlCommentLikeText | Error::EofInTag
        ) {
            self.eof_error = Some(error);
        }
    }

    fn pop_token(&mut self) -> Option<Infallible> {
        None
    }

    fn emit_string(&mut self, c: &[u8]) {
        self.trailing_comment = None;
        self.tree.text(c);
    }

    fn start_open_tag(&mut self) {
        self.token_start = self.pos.saturating_sub(1);
    }

    fn init_start_tag(&mut self) {
        self.begin(Current::StartTag);
    }

    fn init_end_tag(&mut self) {
        self.begin(Current::EndTag);
    }

    fn init_comment(&mut self) {
        self.begin(Current::Comment);
    }

    fn init_doctype(&mut self) {
        self.begin(Current::Doctype);
    }

    fn emit_current_tag(&mut self) -> Option<State> {
        self.trailing_comment = None;
        self.emit_tag()
    }

    fn emit_current_comment(&mut self) {
        self.current = Current::None;
        self.trailing_comment = Some(self.token_start);
        self.tree.other_token();
    }

    fn emit_current_doctype(&mut self) {
        self.current = Current::None;
        self.trailing_comment = Some(self.token_start);
        self.tree.other_token();
    }

    fn set_self_closing(&mut self) {
        if self.current == Current::StartTag {
            self.self_closing = true;
        }
    }

    fn set_force_quirks(&mut self) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        self.name.extend_from_slice(s);
    }

    fn push_comment(&mut self, _s: &[u8]) {}

    fn push_doctype_name(&mut self, _s: &[u8]) {}

    fn init_attribute(&mut self) {
        self.attrs.push((Vec::new(), Vec::new()));
        self.value = None;
    }

    fn init_attribute_value(&mut self) {
        // Quoted values start after their quote; an unquoted one starts at its first byte.
        let before = self.pos.checked_sub(1).and_then(|i| self.input.get(i)).copied();
        let quote = before.filter(|q| matches!(q, b'"' | b'\'')).unwrap_or_default();
        self.value = Some((quote, self.pos));
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        if let Some((name, _)) = self.attrs.last_mut() {
            name.extend_from_slice(s);
        }
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        if let Some((_, value)) = self.attrs.last_mut() {
            value.extend_from_slice(s);
        }
    }

    fn set_doctype_public_identifier(&mut self, _value: &[u8]) {}

    fn set_doctype_system_identifier(&mut self, _value: &[u8]) {}

    fn push_doctype_public_identifier(&mut self, _s: &[u8]) {}

    fn push_doctype_system_identifier(&mut self, _s: &[u8]) {}

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        self.current == Current::EndTag && !self.last_start_tag.is_empty() && self.name == self.last_start_tag
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&mut self) -> bool {
        self.tree.current_ns() != Ns::Html
    }

    fn move_position(&mut self, offset: isize) {
        self.pos = self.pos.saturating_add_signed(offset);
    }
}

// ---------------------------------------------------------------------------
// Tree side: the parts of HTML tree construction that decide what is open.
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Html,
    Svg,
    MathMl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    InBody,
    InTable,
    InCaption,
    InColumnGroup,
    InTableBody,
    InRow,
    InCell,
    InTemplate,
    /// Raw text or RCDATA: only the element's own end tag comes out of the tokenizer.
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Default,
    ListItem,
    Button,
    Table,
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    ns: Ns,
    /// Offset of the start tag that opened it (for a reconstructed formatting element, the original one's).
    offset: usize,
    id: u32,
    /// Part of the page around the fragment, never closed by it.
    page: bool,
    /// A MathML annotation-xml whose encoding makes it an HTML integration point.
    html_point: bool,
}

impl Node {
    fn is(&self, name: &str) -> bool {
        self.ns == Ns::Html && self.name == name
    }

    fn is_in(&self, names: &[&str]) -> bool {
        self.ns == Ns::Html && names.contains(&self.name.as_str())
    }

    fn is_mathml_text_point(&self) -> bool {
        self.ns == Ns::MathMl && matches!(self.name.as_str(), "mi" | "mo" | "mn" | "ms" | "mtext")
    }

    fn is_svg_html_point(&self) -> bool {
        self.ns == Ns::Svg && matches!(self.name.as_str(), "foreignobject" | "desc" | "title")
    }

    /// An HTML integration point: SVG's foreignObject, desc and title, and annotation-xml holding HTML.
    fn is_html_point(&self) -> bool {
        self.is_svg_html_point() || self.html_point
    }

    fn is_special(&self) -> bool {
        match self.ns {
            Ns::Html => SPECIAL.contains(&self.name.as_str()),
            Ns::MathMl => self.is_mathml_text_point() || self.name == "annotation-xml",
            Ns::Svg => self.is_svg_html_point(),
        }
    }

    fn bounds(&self, scope: Scope) -> bool {
        let html = |names: &[&str]| self.is_in(names);
        match scope {
            Scope::Table => html(&["html", "table", "template"]),
            Scope::Default | Scope::ListItem | Scope::Button => {
                html(&["applet", "caption", "html", "table", "td", "th", "marquee", "object", "select", "template"])
                    || self.is_mathml_text_point()
                    || (self.ns == Ns::MathMl && self.name == "annotation-xml")
                    || self.is_svg_html_point()
                    || (scope == Scope::ListItem && html(&["ol", "ul"]))
                    || (scope == Scope::Button && self.is("button"))
            }
        }
    }
}

/// HTML elements in the standard's "special" category.
const SPECIAL: &[&str] = &[
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "base",
    "basefont",
    "bgsound",
    "blockquote",
    "body",
    "br",
    "button",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "iframe",
    "img",
    "input",
    "keygen",
    "li",
    "link",
    "listing",
    "main",
    "marquee",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "p",
    "param",
    "plaintext",
    "pre",
    "script",
    "search",
    "section",
    "select",
    "source",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "wbr",
    "xmp",
];

/// SVG element names that the tree builder writes in camel case (foreignObject, clipPath, ...), lowercased.
const SVG_CAMEL_CASE: &[&str] = &[
    "altglyph",
    "altglyphdef",
    "altglyphitem",
    "animatecolor",
    "animatemotion",
    "animatetransform",
    "clippath",
    "feblend",
    "fecolormatrix",
    "fecomponenttransfer",
    "fecomposite",
    "feconvolvematrix",
    "fediffuselighting",
    "fedisplacementmap",
    "fedistantlight",
    "fedropshadow",
    "feflood",
    "fefunca",
    "fefuncb",
    "fefuncg",
    "fefuncr",
    "fegaussianblur",
    "feimage",
    "femerge",
    "femergenode",
    "femorphology",
    "feoffset",
    "fepointlight",
    "fespecularlighting",
    "fespotlight",
    "fetile",
    "feturbulence",
    "foreignobject",
    "glyphref",
    "lineargradient",
    "radialgradient",
    "textpath",
];

const CURSORY_IMPLIED: &[&str] = &["dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc"];
const THOROUGH_IMPLIED: &[&str] =
    &["dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc", "caption", "colgroup", "tbody", "td", "tfoot", "th", "thead", "tr"];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
const FORMATTING: &[&str] = &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];

/// An entry of the list of active formatting elements.
#[derive(Debug, Clone)]
enum Entry {
    Marker,
    Element {
        name: String,
        /// Sorted attributes: the "Noah's Ark" clause compares them.
        attrs: Vec<(String, String)>,
        offset: usize,
        /// The node it stands for, which may have been popped since.
        id: u32,
    },
}

#[derive(Debug)]
struct Tree {
    stack: Vec<Node>,
    active: Vec<Entry>,
    /// Which node ids are on the stack, indexed by id.
    open: Vec<bool>,
    mode: Mode,
    original_mode: Mode,
    template_modes: Vec<Mode>,
    /// The form element pointer: while set, a later `<form>` (the subscribe form) is ignored.
    form: Option<(u32, usize)>,
    ignore_lf: bool,
    fail: Option<Unclosable>,
    /// The offset of the author's end tag being handled, if one is.
    author_end: Option<usize>,
    /// Whether that end tag closed one of the page's elements.
    closed_page_by_author: bool,
}

/// Start tags that end a `<p>` open in button scope and open a block.
const BLOCK_STARTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "search",
    "section",
    "summary",
    "ul",
];

/// End tags that close their element, with whatever is open inside it, when it is in scope.
const BLOCK_ENDS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "button",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "pre",
    "search",
    "section",
    "select",
    "summary",
    "ul",
];

/// Start tags that, in foreign content, close the SVG or MathML around them.
const BREAKOUT: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

/// Reprocessing a token moves it to another insertion mode; no chain is longer than a few steps.
const MAX_REPROCESS: usize = 16;

impl Tree {
    fn new() -> Self {
        let mut tree = Tree {
            stack: Vec::new(),
            active: Vec::new(),
            open: Vec::new(),
            mode: Mode::InBody,
            original_mode: Mode::InBody,
            template_modes: Vec::new(),
            form: None,
            ignore_lf: false,
            fail: None,
            author_end: None,
            closed_page_by_author: false,
        };
        // The theme's page around the text: a stray `</article>` or `</main>` closes them too.
        for name in PAGE {
            tree.push(name, Ns::Html, 0);
            if let Some(node) = tree.stack.last_mut() {
                node.page = true;
            }
        }
        tree
    }

    // --- the stack ---------------------------------------------------------

    fn new_id(&mut self) -> u32 {
        let id = u32::try_from(self.open.len()).unwrap_or(u32::MAX);
        self.open.push(false);
        id
    }

    fn set_open(&mut self, id: u32, open: bool) {
        if let Some(slot) = self.open.get_mut(id as usize) {
            *slot = open;
        }
    }

    fn is_open(&self, id: u32) -> bool {
        self.open.get(id as usize).copied().unwrap_or(false)
    }

    /// Pushes a new element and returns its id.
    fn push(&mut self, name: &str, ns: Ns, offset: usize) -> u32 {
        let id = self.new_id();
        self.push_node(Node { name: name.to_owned(), ns, offset, id, page: false, html_point: false });
        id
    }

    fn push_node(&mut self, node: Node) {
        if self.stack.len() >= MAX_DEPTH + PAGE_DEPTH && self.fail.is_none() {
            self.fail = Some(Unclosable { offset: node.offset, what: format!("HTML nested more than {MAX_DEPTH} elements deep") });
        }
        self.set_open(node.id, true);
        self.stack.push(node);
    }

    fn pop(&mut self) -> Option<Node> {
        // The page's <html> stays: nothing in a fragment pops it.
        if self.stack.len() <= 1 {
            return None;
        }
        let node = self.stack.pop()?;
        self.set_open(node.id, false);
        self.closed_page(&node);
        Some(node)
    }

    /// Notes an end tag of the author's that closes the page's own element
    /// (the text's `<div>`, and through it the article and the page): it
    /// would move what the theme puts after the text, and having no opening
    /// tag in the text, it does nothing else.
    fn closed_page(&mut self, node: &Node) {
        if node.page && self.author_end.is_some() {
            self.closed_page_by_author = true;
        }
    }

    fn truncate(&mut self, len: usize) {
        while self.stack.len() > len.max(1) {
            self.pop();
        }
    }

    fn remove_at(&mut self, index: usize) {
        if index > 0 && index < self.stack.len() {
            let node = self.stack.remove(index);
            self.set_open(node.id, false);
            self.closed_page(&node);
        }
    }

    fn remove_id(&mut self, id: u32) {
        if let Some(i) = self.stack.iter().rposition(|n| n.id == id) {
            self.remove_at(i);
        }
    }

    fn current(&self) -> Option<&Node> {
        self.stack.last()
    }

    fn current_is(&self, name: &str) -> bool {
        self.current().is_some_and(|n| n.is(name))
    }

    fn current_ns(&self) -> Ns {
        self.current().map_or(Ns::Html, |n| n.ns)
    }

    fn in_scope_by(&self, scope: Scope, found: impl Fn(&Node) -> bool) -> bool {
        for node in self.stack.iter().rev() {
            if found(node) {
                return true;
            }
            if node.bounds(scope) {
                return false;
            }
        }
        false
    }

    fn in_scope(&self, scope: Scope, name: &str) -> bool {
        self.in_scope_by(scope, |n| n.is(name))
    }

    fn has_template(&self) -> bool {
        self.stack.iter().any(|n| n.is("template"))
    }

    fn generate_implied(&mut self, set: &[&str], except: Option<&str>) {
        while let Some(node) = self.current() {
            if !node.is_in(set) || except.is_some_and(|e| node.is(e)) {
                break;
            }
            self.pop();
        }
    }

    /// Pops until an HTML element that `pred` accepts has been popped.
    fn pop_until(&mut self, pred: impl Fn(&Node) -> bool) {
        while let Some(node) = self.pop() {
            if pred(&node) {
                break;
            }
        }
    }

    fn pop_until_named(&mut self, name: &str) {
        self.pop_until(|n| n.is(name));
    }

    /// Pops until the current node is one of `names` (the "clear the stack back to a context" steps).
    fn clear_back_to(&mut self, names: &[&str]) {
        while self.stack.len() > 1 && !self.current().is_some_and(|n| n.is_in(names)) {
            self.pop();
        }
    }

    fn close_p(&mut self) {
        self.generate_implied(CURSORY_IMPLIED, Some("p"));
        self.pop_until_named("p");
    }

    fn close_p_in_button_scope(&mut self) {
        if self.in_scope(Scope::Button, "p") {
            self.close_p();
        }
    }

    fn reset_mode(&mut self) {
        let mut mode = Mode::InBody;
        for (i, node) in self.stack.iter().enumerate().rev() {
            if node.ns != Ns::Html {
                continue;
            }
            let found = match node.name.as_str() {
                "td" | "th" if i > 0 => Some(Mode::InCell),
                "tr" => Some(Mode::InRow),
                "tbody" | "thead" | "tfoot" => Some(Mode::InTableBody),
                "caption" => Some(Mode::InCaption),
                "colgroup" => Some(Mode::InColumnGroup),
                "table" => Some(Mode::InTable),
                "template" => Some(self.template_modes.last().copied().unwrap_or(Mode::InBody)),
                "body" | "html" => Some(Mode::InBody),
                _ => None,
            };
            if let Some(found) = found {
                mode = found;
                break;
            }
        }
        self.mode = mode;
    }

    // --- active formatting elements ----------------------------------------

    fn entry_index(&self, id: u32) -> Option<usize> {
        self.active.iter().rposition(|e| matches!(e, Entry::Element { id: i, .. } if *i == id))
    }

    /// The last entry named `name` after the last marker.
    fn last_entry_named(&self, name: &str) -> Option<usize> {
        for (i, e) in self.active.iter().enumerate().rev() {
            match e {
                Entry::Marker => return None,
                Entry::Element { name: n, .. } if n == name => return Some(i),
                Entry::Element { .. } => {}
            }
        }
        None
    }

    fn clear_to_marker(&mut self) {
        while let Some(e) = self.active.pop() {
            if matches!(e, Entry::Marker) {
                break;
            }
        }
    }

    fn marker_or_open(&self, e: &Entry) -> bool {
        match e {
            Entry::Marker => true,
            Entry::Element { id, .. } => self.is_open(*id),
        }
    }

    fn reconstruct(&mut self) {
        let Some(last) = self.active.last() else { return };
        if self.marker_or_open(last) {
            return;
        }
        let mut i = self.active.len() - 1;
        while i > 0 {
            i -= 1;
            if self.active.get(i).is_some_and(|e| self.marker_or_open(e)) {
                i += 1;
                break;
            }
        }
        while i < self.active.len() && self.fail.is_none() {
            if let Some(Entry::Element { name, offset, .. }) = self.active.get(i) {
                let (name, offset) = (name.clone(), *offset);
                let new = self.push(&name, Ns::Html, offset);
                if let Some(Entry::Element { id, .. }) = self.active.get_mut(i) {
                    *id = new;
                }
            }
            i += 1;
        }
    }

    fn insert_formatting(&mut self, tag: &Tag) {
        let mut attrs = tag.attrs.clone();
        attrs.sort();
        // Noah's Ark: at most three identical entries after the last marker.
        let mut same = 0;
        let mut earliest = None;
        for (i, e) in self.active.iter().enumerate().rev() {
            match e {
                Entry::Marker => break,
                Entry::Element { name, attrs: a, .. } if *name == tag.name && *a == attrs => {
                    same += 1;
                    earliest = Some(i);
                }
                Entry::Element { .. } => {}
            }
        }
        if same >= 3
            && let Some(i) = earliest
        {
            self.active.remove(i);
        }
        let id = self.push(&tag.name, Ns::Html, tag.offset);
        self.active.push(Entry::Element { name: tag.name.clone(), attrs, offset: tag.offset, id });
    }

    /// The adoption agency algorithm, as far as it moves elements on and off the stack.
    fn adoption_agency(&mut self, subject: &str) {
        if let Some(cur) = self.current()
            && cur.is(subject)
            && self.entry_index(cur.id).is_none()
        {
            self.pop();
            return;
        }
        for _ in 0..8 {
            let Some(fe_index) = self.last_entry_named(subject) else {
                self.any_other_end_tag(subject);
                return;
            };
            let Some(Entry::Element { id: fe_id, offset: fe_offset, name: fe_name, .. }) = self.active.get(fe_index) else {
                return;
            };
            let (fe_id, fe_offset, fe_name) = (*fe_id, *fe_offset, fe_name.clone());
            let Some(fe_pos) = self.stack.iter().rposition(|n| n.id == fe_id) else {
                self.active.remove(fe_index);
                return;
            };
            if !self.in_scope_by(Scope::Default, |n| n.id == fe_id) {
                return;
            }
            let Some(fb_pos) = (fe_pos + 1..self.stack.len()).find(|&i| self.stack[i].is_special()) else {
                self.truncate(fe_pos);
                self.active.remove(fe_index);
                return;
            };
            let Some(fb_id) = self.stack.get(fb_pos).map(|n| n.id) else { return };
            // The bookmark: replace the formatting element's entry, or insert after the entry of `after`.
            let mut insert_after: Option<u32> = None;
            let mut node_index = fb_pos;
            let mut last_id = fb_id;
            let mut inner = 0;
            loop {
                inner += 1;
                let Some(i) = node_index.checked_sub(1) else { break };
                node_index = i;
                let Some(node_id) = self.stack.get(node_index).map(|n| n.id) else { break };
                if node_id == fe_id {
                    break;
                }
                let entry = self.entry_index(node_id);
                if inner > 3
                    && let Some(e) = entry
                {
                    self.active.remove(e);
                    self.remove_at(node_index);
                    continue;
                }
                let Some(e) = entry else {
                    self.remove_at(node_index);
                    continue;
                };
                // A new element for the entry takes the node's place in both lists.
                let new = self.new_id();
                self.set_open(node_id, false);
                self.set_open(new, true);
                if let Some(n) = self.stack.get_mut(node_index) {
                    n.id = new;
                }
                if let Some(Entry::Element { id, .. }) = self.active.get_mut(e) {
                    *id = new;
                }
                if last_id == fb_id {
                    insert_after = Some(new);
                }
                last_id = new;
            }
            let new = self.new_id();
            // Entries may have been removed in the inner loop: find the formatting element's afresh.
            let entry = match self.entry_index(fe_id).and_then(|i| self.active.get(i)) {
                Some(Entry::Element { name, attrs, offset, .. }) => Entry::Element { name: name.clone(), attrs: attrs.clone(), offset: *offset, id: new },
                _ => return,
            };
            match insert_after {
                None => {
                    if let Some(i) = self.entry_index(fe_id) {
                        self.active[i] = entry;
                    }
                }
                Some(after) => {
                    if let Some(i) = self.entry_index(after) {
                        self.active.insert(i + 1, entry);
                    }
                    if let Some(i) = self.entry_index(fe_id) {
                        self.active.remove(i);
                    }
                }
            }
            self.remove_id(fe_id);
            let Some(fb_now) = self.stack.iter().position(|n| n.id == fb_id) else { return };
            self.set_open(new, true);
            self.stack.insert(fb_now + 1, Node { name: fe_name, ns: Ns::Html, offset: fe_offset, id: new, page: false, html_point: false });
        }
    }

    // --- tokens --------------------------------------------------------------

    fn other_token(&mut self) {
        self.ignore_lf = false;
    }

    fn is_foreign(&self, start: Option<&Tag>, text: bool) -> bool {
        let Some(cur) = self.current() else { return false };
        if cur.ns == Ns::Html {
            return false;
        }
        if cur.is_mathml_text_point() && (text || start.is_some_and(|t| t.name != "mglyph" && t.name != "malignmark")) {
            return false;
        }
        if cur.ns == Ns::MathMl && cur.name == "annotation-xml" && start.is_some_and(|t| t.name == "svg") {
            return false;
        }
        if cur.is_html_point() && (text || start.is_some()) {
            return false;
        }
        true
    }

    fn text(&mut self, bytes: &[u8]) {
        if self.fail.is_some() {
            return;
        }
        let mut bytes = bytes;
        if std::mem::take(&mut self.ignore_lf)
            && let Some(rest) = bytes.strip_prefix(b"\n")
        {
            bytes = rest;
        }
        // NUL characters are dropped by the body's rules: they reconstruct nothing.
        let mut any = false;
        let mut non_space = false;
        for &b in bytes {
            match b {
                0 => {}
                b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' => any = true,
                _ => {
                    any = true;
                    non_space = true;
                    break;
                }
            }
        }
        if !any || self.is_foreign(None, true) {
            return;
        }
        match self.mode {
            Mode::Text => {}
            Mode::InBody | Mode::InCaption | Mode::InCell | Mode::InTemplate => self.reconstruct(),
            Mode::InTable | Mode::InTableBody | Mode::InRow => self.table_text(non_space),
            Mode::InColumnGroup => {
                if non_space && self.current_is("colgroup") {
                    self.pop();
                    self.mode = Mode::InTable;
                    self.table_text(true);
                }
            }
        }
    }

    fn table_text(&mut self, non_space: bool) {
        let at_table = self.current().is_some_and(|n| n.is_in(&["table", "tbody", "template", "tfoot", "thead", "tr"]));
        // Text in a table is moved before it, and then, like any text in a body, reopens formatting elements;
        // only whitespace among table parts stays where it is.
        if non_space || !at_table {
            self.reconstruct();
        }
    }

    fn start_tag(&mut self, tag: &Tag) -> Option<State> {
        if self.fail.is_some() {
            return None;
        }
        self.ignore_lf = false;
        if self.is_foreign(Some(tag), false) {
            return self.foreign_start(tag);
        }
        self.start_in(self.mode, tag)
    }

    fn end_tag(&mut self, name: &str) {
        if self.fail.is_some() {
            return;
        }
        self.ignore_lf = false;
        if self.mode == Mode::Text {
            self.pop();
            self.mode = self.original_mode;
            return;
        }
        if self.is_foreign(None, false) {
            self.foreign_end(name);
            return;
        }
        self.end_in(self.mode, name);
    }

    fn foreign_start(&mut self, tag: &Tag) -> Option<State> {
        let breaks_out = BREAKOUT.contains(&tag.name.as_str()) || (tag.name == "font" && ["color", "face", "size"].iter().any(|a| tag.attr(a).is_some()));
        if breaks_out {
            while let Some(cur) = self.current() {
                if cur.ns == Ns::Html || cur.is_mathml_text_point() || cur.is_html_point() {
                    break;
                }
                self.pop();
            }
            return self.start_in(self.mode, tag);
        }
        let ns = self.current_ns();
        if !tag.self_closing {
            self.push_foreign(tag, ns);
        }
        None
    }

    fn push_foreign(&mut self, tag: &Tag, ns: Ns) {
        let html_point = ns == Ns::MathMl
            && tag.name == "annotation-xml"
            && tag.attr("encoding").is_some_and(|e| e.eq_ignore_ascii_case("text/html") || e.eq_ignore_ascii_case("application/xhtml+xml"));
        let id = self.new_id();
        self.push_node(Node { name: tag.name.clone(), ns, offset: tag.offset, id, page: false, html_point });
    }

    fn foreign_end(&mut self, name: &str) {
        if name == "br" || name == "p" {
            while let Some(cur) = self.current() {
                if cur.ns == Ns::Html || cur.is_mathml_text_point() || cur.is_html_point() {
                    break;
                }
                self.pop();
            }
            self.end_in(self.mode, name);
            return;
        }
        // The standard compares lowercased names. Chromium compares an SVG element's camel-case name with the
        // token's, which it adjusts only when the current node is SVG, so from inside MathML `</foreignObject>`
        // closes nothing there. Following Chromium errs on the side of closing: the closers then name the element,
        // and a browser that already closed it ignores them.
        let svg_current = self.current_ns() == Ns::Svg;
        let mut i = self.stack.len().saturating_sub(1);
        let mut first = true;
        while i > 0 {
            let Some(node) = self.stack.get(i) else { return };
            if !first && node.ns == Ns::Html {
                self.end_in(self.mode, name);
                return;
            }
            let camel = node.ns == Ns::Svg && SVG_CAMEL_CASE.contains(&node.name.as_str());
            if node.name.eq_ignore_ascii_case(name) && (svg_current || !camel) {
                self.truncate(i);
                return;
            }
            first = false;
            i -= 1;
        }
    }

    /// Switches to raw text or RCDATA for the element just opened.
    fn raw(&mut self, tag: &Tag, state: State) -> Option<State> {
        self.push(&tag.name, Ns::Html, tag.offset);
        self.original_mode = self.mode;
        self.mode = Mode::Text;
        Some(state)
    }

    fn start_in(&mut self, mode: Mode, tag: &Tag) -> Option<State> {
        let mut mode = mode;
        for _ in 0..MAX_REPROCESS {
            match self.start_step(mode, tag) {
                Step::Done(state) => return state,
                Step::Reprocess(next) => {
                    self.mode = next;
                    mode = next;
                }
            }
        }
        None
    }

    fn end_in(&mut self, mode: Mode, name: &str) {
        let mut mode = mode;
        for _ in 0..MAX_REPROCESS {
            match self.end_step(mode, name) {
                Step::Done(_) => return,
                Step::Reprocess(next) => {
                    self.mode = next;
                    mode = next;
                }
            }
        }
    }

    fn start_step(&mut self, mode: Mode, tag: &Tag) -> Step {
        let name = tag.name.as_str();
        match mode {
            Mode::InBody | Mode::Text => self.start_in_body(tag),
            Mode::InTable => match name {
                "caption" => {
                    self.clear_back_to(&["table", "template", "html"]);
                    self.active.push(Entry::Marker);
                    self.push(name, Ns::Html, tag.offset);
                    Step::Done(None).then(self, Mode::InCaption)
                }
                "colgroup" => {
                    self.clear_back_to(&["table", "template", "html"]);
                    self.push(name, Ns::Html, tag.offset);
                    Step::Done(None).then(self, Mode::InColumnGroup)
                }
                "col" => {
                    self.clear_back_to(&["table", "template", "html"]);
                    self.push("colgroup", Ns::Html, tag.offset);
                    Step::Reprocess(Mode::InColumnGroup)
                }
                "tbody" | "tfoot" | "thead" => {
                    self.clear_back_to(&["table", "template", "html"]);
                    self.push(name, Ns::Html, tag.offset);
                    Step::Done(None).then(self, Mode::InTableBody)
                }
                "td" | "th" | "tr" => {
                    self.clear_back_to(&["table", "template", "html"]);
                    self.push("tbody", Ns::Html, tag.offset);
                    Step::Reprocess(Mode::InTableBody)
                }
                "table" => {
                    if self.in_scope(Scope::Table, "table") {
                        self.pop_until_named("table");
                        self.reset_mode();
                        Step::Reprocess(self.mode)
                    } else {
                        Step::Done(None)
                    }
                }
                "style" | "script" | "template" => self.start_in_head(tag),
                "input" if tag.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("hidden")) => Step::Done(None),
                "form" => {
                    if !self.has_template() && self.form.is_none() {
                        // Inserted and popped at once, but the pointer stays set.
                        self.form = Some((u32::MAX, tag.offset));
                    }
                    Step::Done(None)
                }
                _ => self.start_in_body(tag),
            },
            Mode::InCaption => match name {
                "caption" | "col" | "colgroup" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" => {
                    if self.in_scope(Scope::Table, "caption") {
                        self.generate_implied(CURSORY_IMPLIED, None);
                        self.pop_until_named("caption");
                        self.clear_to_marker();
                        Step::Reprocess(Mode::InTable)
                    } else {
                        Step::Done(None)
                    }
                }
                _ => self.start_in_body(tag),
            },
            Mode::InColumnGroup => match name {
                "html" => self.start_in_body(tag),
                "col" => Step::Done(None),
                "template" => self.start_in_head(tag),
                _ => {
                    if self.current_is("colgroup") {
                        self.pop();
                        Step::Reprocess(Mode::InTable)
                    } else {
                        Step::Done(None)
                    }
                }
            },
            Mode::InTableBody => match name {
                "tr" => {
                    self.clear_back_to(&["tbody", "tfoot", "thead", "template", "html"]);
                    self.push(name, Ns::Html, tag.offset);
                    Step::Done(None).then(self, Mode::InRow)
                }
                "th" | "td" => {
                    self.clear_back_to(&["tbody", "tfoot", "thead", "template", "html"]);
                    self.push("tr", Ns::Html, tag.offset);
                    Step::Reprocess(Mode::InRow)
                }
                "caption" | "col" | "colgroup" | "tbody" | "tfoot" | "thead" => {
                    if self.in_scope_by(Scope::Table, |n| n.is_in(&["tbody", "thead", "tfoot"])) {
                        self.clear_back_to(&["tbody", "tfoot", "thead", "template", "html"]);
                        self.pop();
                        Step::Reprocess(Mode::InTable)
                    } else {
                        Step::Done(None)
                    }
                }
                _ => self.start_step(Mode::InTable, tag),
            },
            Mode::InRow => match name {
                "th" | "td" => {
                    self.clear_back_to(&["tr", "template", "html"]);
                    self.push(name, Ns::Html, tag.offset);
                    self.active.push(Entry::Marker);
                    Step::Done(None).then(self, Mode::InCell)
                }
                "caption" | "col" | "colgroup" | "tbody" | "tfoot" | "thead" | "tr" => {
                    if self.in_scope(Scope::Table, "tr") {
                        self.clear_back_to(&["tr", "template", "html"]);
                        self.pop();
                        Step::Reprocess(Mode::InTableBody)
                    } else {
                        Step::Done(None)
                    }
                }
                _ => self.start_step(Mode::InTable, tag),
            },
            Mode::InCell => match name {
                "caption" | "col" | "colgroup" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" => {
                    if self.in_scope_by(Scope::Table, |n| n.is_in(&["td", "th"])) {
                        self.close_cell();
                        Step::Reprocess(Mode::InRow)
                    } else {
                        Step::Done(None)
                    }
                }
                _ => self.start_in_body(tag),
            },
            Mode::InTemplate => {
                let next = match name {
                    "base" | "basefont" | "bgsound" | "link" | "meta" | "noframes" | "script" | "style" | "template" | "title" => {
                        return self.start_in_head(tag);
                    }
                    "caption" | "colgroup" | "tbody" | "tfoot" | "thead" => Mode::InTable,
                    "col" => Mode::InColumnGroup,
                    "tr" => Mode::InTableBody,
                    "td" | "th" => Mode::InRow,
                    _ => Mode::InBody,
                };
                self.template_modes.pop();
                self.template_modes.push(next);
                Step::Reprocess(next)
            }
        }
    }

    fn close_cell(&mut self) {
        self.generate_implied(CURSORY_IMPLIED, None);
        self.pop_until(|n| n.is_in(&["td", "th"]));
        self.clear_to_marker();
    }

    fn start_in_head(&mut self, tag: &Tag) -> Step {
        match tag.name.as_str() {
            "script" => Step::Done(self.raw(tag, State::ScriptData)),
            "style" | "noframes" => Step::Done(self.raw(tag, State::RawText)),
            "title" => Step::Done(self.raw(tag, State::RcData)),
            "template" => {
                self.push("template", Ns::Html, tag.offset);
                self.active.push(Entry::Marker);
                self.template_modes.push(Mode::InTemplate);
                Step::Done(None).then(self, Mode::InTemplate)
            }
            // base, basefont, bgsound, link, meta: void.
            _ => Step::Done(None),
        }
    }

    fn start_in_body(&mut self, tag: &Tag) -> Step {
        let name = tag.name.as_str();
        let offset = tag.offset;
        match name {
            "html" | "body" | "frameset" | "head" | "caption" | "col" | "colgroup" | "frame" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" => {}
            "base" | "basefont" | "bgsound" | "link" | "meta" | "noframes" | "script" | "style" | "template" | "title" => return self.start_in_head(tag),
            _ if BLOCK_STARTS.contains(&name) => {
                self.close_p_in_button_scope();
                self.push(name, Ns::Html, offset);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.close_p_in_button_scope();
                if self.current().is_some_and(|n| n.is_in(HEADINGS)) {
                    self.pop();
                }
                self.push(name, Ns::Html, offset);
            }
            "pre" | "listing" => {
                self.close_p_in_button_scope();
                self.push(name, Ns::Html, offset);
                self.ignore_lf = true;
            }
            "form" => {
                let template = self.has_template();
                if self.form.is_none() || template {
                    self.close_p_in_button_scope();
                    let id = self.push(name, Ns::Html, offset);
                    if !template {
                        self.form = Some((id, offset));
                    }
                }
            }
            "li" | "dd" | "dt" => {
                let closes: &[&str] = if name == "li" { &["li"] } else { &["dd", "dt"] };
                let mut to_close = None;
                for node in self.stack.iter().rev() {
                    if node.is_in(closes) {
                        to_close = Some(node.name.clone());
                        break;
                    }
                    if node.is_special() && !node.is_in(&["address", "div", "p"]) {
                        break;
                    }
                }
                if let Some(close) = to_close {
                    self.generate_implied(CURSORY_IMPLIED, Some(&close));
                    self.pop_until_named(&close);
                }
                self.close_p_in_button_scope();
                self.push(name, Ns::Html, offset);
            }
            "plaintext" => {
                self.close_p_in_button_scope();
                self.push(name, Ns::Html, offset);
                if self.fail.is_none() {
                    self.fail = Some(Unclosable { offset, what: "<plaintext>: nothing after it is read as HTML again, not even </plaintext>".into() });
                }
                return Step::Done(Some(State::PlainText));
            }
            "button" => {
                if self.in_scope(Scope::Default, "button") {
                    self.generate_implied(CURSORY_IMPLIED, None);
                    self.pop_until_named("button");
                }
                self.reconstruct();
                self.push(name, Ns::Html, offset);
            }
            "a" => {
                if let Some(i) = self.last_entry_named("a")
                    && let Some(Entry::Element { id, .. }) = self.active.get(i)
                {
                    let id = *id;
                    self.adoption_agency("a");
                    if let Some(i) = self.entry_index(id) {
                        self.active.remove(i);
                    }
                    self.remove_id(id);
                }
                self.reconstruct();
                self.insert_formatting(tag);
            }
            "nobr" => {
                self.reconstruct();
                if self.in_scope(Scope::Default, "nobr") {
                    self.adoption_agency("nobr");
                    self.reconstruct();
                }
                self.insert_formatting(tag);
            }
            _ if FORMATTING.contains(&name) => {
                self.reconstruct();
                self.insert_formatting(tag);
            }
            "applet" | "marquee" | "object" => {
                self.reconstruct();
                self.push(name, Ns::Html, offset);
                self.active.push(Entry::Marker);
            }
            "table" => {
                self.close_p_in_button_scope();
                self.push(name, Ns::Html, offset);
                return Step::Done(None).then(self, Mode::InTable);
            }
            "area" | "br" | "embed" | "img" | "image" | "keygen" | "wbr" => self.reconstruct(),
            "input" => {
                if self.in_scope(Scope::Default, "select") {
                    self.pop_until_named("select");
                }
                self.reconstruct();
            }
            "param" | "source" | "track" => {}
            "hr" => {
                self.close_p_in_button_scope();
                if self.in_scope(Scope::Default, "select") {
                    self.generate_implied(CURSORY_IMPLIED, None);
                }
            }
            "textarea" => {
                let state = self.raw(tag, State::RcData);
                self.ignore_lf = true;
                return Step::Done(state);
            }
            "xmp" => {
                self.close_p_in_button_scope();
                self.reconstruct();
                return Step::Done(self.raw(tag, State::RawText));
            }
            // Browsers run with scripting on, where <noscript> is raw text.
            "iframe" | "noembed" | "noscript" => return Step::Done(self.raw(tag, State::RawText)),
            // A <select> inside a <select> closes the outer one and is dropped.
            "select" if self.in_scope(Scope::Default, "select") => self.pop_until_named("select"),
            "select" => {
                self.reconstruct();
                self.push(name, Ns::Html, offset);
            }
            "option" | "optgroup" => {
                if self.in_scope(Scope::Default, "select") {
                    let except = if name == "option" { Some("optgroup") } else { None };
                    self.generate_implied(CURSORY_IMPLIED, except);
                } else if self.current_is("option") {
                    self.pop();
                }
                self.reconstruct();
                self.push(name, Ns::Html, offset);
            }
            "rb" | "rtc" => {
                if self.in_scope(Scope::Default, "ruby") {
                    self.generate_implied(CURSORY_IMPLIED, None);
                }
                self.push(name, Ns::Html, offset);
            }
            "rp" | "rt" => {
                if self.in_scope(Scope::Default, "ruby") {
                    self.generate_implied(CURSORY_IMPLIED, Some("rtc"));
                }
                self.push(name, Ns::Html, offset);
            }
            "math" | "svg" => {
                self.reconstruct();
                if !tag.self_closing {
                    let ns = if name == "math" { Ns::MathMl } else { Ns::Svg };
                    self.push_foreign(tag, ns);
                }
            }
            _ => {
                self.reconstruct();
                self.push(name, Ns::Html, offset);
            }
        }
        Step::Done(None)
    }

    fn end_step(&mut self, mode: Mode, name: &str) -> Step {
        match mode {
            Mode::InBody | Mode::Text => self.end_in_body(name),
            Mode::InTable => match name {
                "table" => {
                    if self.in_scope(Scope::Table, "table") {
                        self.pop_until_named("table");
                        self.reset_mode();
                    }
                    Step::Done(None)
                }
                "body" | "caption" | "col" | "colgroup" | "html" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" => Step::Done(None),
                "template" => self.end_in_body(name),
                _ => self.end_in_body(name),
            },
            Mode::InCaption => match name {
                "caption" | "table" => {
                    if self.in_scope(Scope::Table, "caption") {
                        self.generate_implied(CURSORY_IMPLIED, None);
                        self.pop_until_named("caption");
                        self.clear_to_marker();
                        self.mode = Mode::InTable;
                        if name == "table" {
                            return Step::Reprocess(Mode::InTable);
                        }
                    }
                    Step::Done(None)
                }
                "body" | "col" | "colgroup" | "html" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr" => Step::Done(None),
                _ => self.end_in_body(name),
            },
            Mode::InColumnGroup => match name {
                "colgroup" => {
                    if self.current_is("colgroup") {
                        self.pop();
                        self.mode = Mode::InTable;
                    }
                    Step::Done(None)
                }
                "col" => Step::Done(None),
                "template" => self.end_in_body(name),
                _ => {
                    if self.current_is("colgroup") {
                        self.pop();
                        Step::Reprocess(Mode::InTable)
                    } else {
                        Step::Done(None)
                    }
                }
            },
            Mode::InTableBody => match name {
                "tbody" | "tfoot" | "thead" => {
                    if self.in_scope(Scope::Table, name) {
                        self.clear_back_to(&["tbody", "tfoot", "thead", "template", "html"]);
                        self.pop();
                        self.mode = Mode::InTable;
                    }
                    Step::Done(None)
                }
                "table" => {
                    if self.in_scope_by(Scope::Table, |n| n.is_in(&["tbody", "thead", "tfoot"])) {
                        self.clear_back_to(&["tbody", "tfoot", "thead", "template", "html"]);
                        self.pop();
                        Step::Reprocess(Mode::InTable)
                    } else {
                        Step::Done(None)
                    }
                }
                "body" | "caption" | "col" | "colgroup" | "html" | "td" | "th" | "tr" => Step::Done(None),
                _ => self.end_step(Mode::InTable, name),
            },
            Mode::InRow => match name {
                "tr" | "table" => {
                    if self.in_scope(Scope::Table, "tr") {
                        self.clear_back_to(&["tr", "template", "html"]);
                        self.pop();
                        self.mode = Mode::InTableBody;
                        if name == "table" {
                            return Step::Reprocess(Mode::InTableBody);
                        }
                    }
                    Step::Done(None)
                }
                "tbody" | "tfoot" | "thead" => {
                    if self.in_scope(Scope::Table, name) && self.in_scope(Scope::Table, "tr") {
                        self.clear_back_to(&["tr", "template", "html"]);
                        self.pop();
                        return Step::Reprocess(Mode::InTableBody);
                    }
                    Step::Done(None)
                }
                "body" | "caption" | "col" | "colgroup" | "html" | "td" | "th" => Step::Done(None),
                _ => self.end_step(Mode::InTable, name),
            },
            Mode::InCell => match name {
                "td" | "th" => {
                    if self.in_scope(Scope::Table, name) {
                        self.generate_implied(CURSORY_IMPLIED, None);
                        self.pop_until_named(name);
                        self.clear_to_marker();
                        self.mode = Mode::InRow;
                    }
                    Step::Done(None)
                }
                "body" | "caption" | "col" | "colgroup" | "html" => Step::Done(None),
                "table" | "tbody" | "tfoot" | "thead" | "tr" => {
                    if self.in_scope(Scope::Table, name) {
                        self.close_cell();
                        return Step::Reprocess(Mode::InRow);
                    }
                    Step::Done(None)
                }
                _ => self.end_in_body(name),
            },
            Mode::InTemplate => {
                if name == "template" {
                    self.end_in_body(name)
                } else {
                    Step::Done(None)
                }
            }
        }
    }

    fn end_in_body(&mut self, name: &str) -> Step {
        match name {
            "template" => {
                if self.has_template() {
                    self.generate_implied(THOROUGH_IMPLIED, None);
                    self.pop_until_named("template");
                    self.clear_to_marker();
                    self.template_modes.pop();
                    self.reset_mode();
                }
            }
            // `</body>` and `</html>` only move to "after body", whose rules send everything back to the body's.
            "body" | "html" => {}
            _ if BLOCK_ENDS.contains(&name) => {
                if self.in_scope(Scope::Default, name) {
                    self.generate_implied(CURSORY_IMPLIED, None);
                    self.pop_until_named(name);
                }
            }
            "form" => {
                if self.has_template() {
                    if self.in_scope(Scope::Default, "form") {
                        self.generate_implied(CURSORY_IMPLIED, None);
                        self.pop_until_named("form");
                    }
                } else if let Some((id, _)) = self.form.take()
                    && self.in_scope_by(Scope::Default, |n| n.id == id)
                {
                    self.generate_implied(CURSORY_IMPLIED, None);
                    self.remove_id(id);
                }
            }
            // Without a <p> to close, </p> makes an empty one and closes it: nothing stays open.
            "p" => {
                if self.in_scope(Scope::Button, "p") {
                    self.close_p();
                }
            }
            "li" | "dd" | "dt" => {
                let scope = if name == "li" { Scope::ListItem } else { Scope::Default };
                if self.in_scope(scope, name) {
                    self.generate_implied(CURSORY_IMPLIED, Some(name));
                    self.pop_until_named(name);
                }
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                if self.in_scope_by(Scope::Default, |n| n.is_in(HEADINGS)) {
                    self.generate_implied(CURSORY_IMPLIED, None);
                    self.pop_until(|n| n.is_in(HEADINGS));
                }
            }
            _ if FORMATTING.contains(&name) => self.adoption_agency(name),
            "applet" | "marquee" | "object" => {
                if self.in_scope(Scope::Default, name) {
                    self.generate_implied(CURSORY_IMPLIED, None);
                    self.pop_until_named(name);
                    self.clear_to_marker();
                }
            }
            // </br> is read as <br>.
            "br" => self.reconstruct(),
            _ => self.any_other_end_tag(name),
        }
        Step::Done(None)
    }

    fn any_other_end_tag(&mut self, name: &str) {
        let mut found = None;
        for (i, node) in self.stack.iter().enumerate().rev() {
            if node.is(name) {
                found = Some(i);
                break;
            }
            if node.is_special() {
                return;
            }
        }
        if let Some(i) = found {
            self.generate_implied(CURSORY_IMPLIED, Some(name));
            self.truncate(i);
        }
    }

    // --- closing -------------------------------------------------------------

    /// Appends the end tags that close everything the fragment left open and returns the earliest offset closed.
    fn close_all(&mut self, out: &mut String, script_escaped: bool) -> Result<Option<usize>, Unclosable> {
        let mut first: Option<usize> = None;
        if self.mode == Mode::Text
            && let Some(node) = self.current()
        {
            if script_escaped {
                // `-->` leaves the script's escaped and double-escaped states, where `</script>` may not end it.
                out.push_str("-->");
            }
            let name = node.name.clone();
            note(&mut first, node.offset);
            push_end_tag(out, &name);
            self.end_tag(&name);
        }
        while let Some(node) = self.current() {
            if node.page {
                break;
            }
            let (name, id, offset, form) = (node.name.clone(), node.id, node.offset, node.is("form"));
            note(&mut first, offset);
            loop {
                push_end_tag(out, &name);
                let listed = self.active.len();
                self.end_tag(&name);
                // An end tag of a formatting element first takes the last entry of that name off the list: when
                // that entry's element was closed earlier, it takes another end tag to close this one.
                if !self.is_open(id) || self.active.len() >= listed {
                    break;
                }
            }
            if self.is_open(id) {
                let what = if form {
                    "a <form> whose </form> came while it was out of scope (in a <select>, a table or a button): \
                     the browser keeps it open and ignores any later </form>"
                        .to_owned()
                } else {
                    format!("a <{name}> that its own end tag no longer closes")
                };
                return Err(Unclosable { offset, what });
            }
        }
        // Formatting elements closed by another element's end tag would be reopened around the next text
        // (the paywall ellipsis): their end tags take them off the list.
        while let Some(i) = self.active.iter().rposition(|e| matches!(e, Entry::Element { .. })) {
            if self.active[i..].iter().any(|e| matches!(e, Entry::Marker)) {
                break;
            }
            let Some(Entry::Element { name, offset, .. }) = self.active.get(i) else { break };
            let (name, offset) = (name.clone(), *offset);
            note(&mut first, offset);
            push_end_tag(out, &name);
            let before = self.active.len();
            self.end_tag(&name);
            if self.active.len() >= before {
                self.active.remove(i);
            }
        }
        // A form pointer left set would make the browser ignore the subscribe form.
        if let Some((_, offset)) = self.form {
            note(&mut first, offset);
            push_end_tag(out, "form");
            self.end_tag("form");
            self.form = None;
        }
        Ok(first)
    }
}

enum Step {
    Done(Option<State>),
    Reprocess(Mode),
}

impl Step {
    /// Sets the tree's insertion mode and finishes with `self`.
    fn then(self, tree: &mut Tree, mode: Mode) -> Step {
        tree.mode = mode;
        self
    }
}

/// Widens `first` to take in `at`.
fn note(first: &mut Option<usize>, at: usize) {
    *first = Some(first.map_or(at, |f| f.min(at)));
}

fn push_end_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        match closers(html) {
            Ok(c) => c.text,
            Err(e) => panic!("{html:?} is unclosable: {e:?}"),
        }
    }

    #[test]
    fn closes_what_the_free_part_leaves_open() {
        let cases = [
            ("<table><tr><td>text", "</td></tr></tbody></table>"),
            ("<p>Para <a href=\"x\">link", "</a></p>"),
            ("<details><summary>s</summary>body", "</details>"),
            ("<div>\n<!-- note\n</div>", "--></div>"),
            ("<ul><li>a<li>b", "</li></ul>"),
            ("<dl><dt>a<dd>b", "</dd></dl>"),
            ("<p>a<div>b", "</div>"),
            ("<select><option>a", "</option></select>"),
            ("<template><tr><td>x", "</td></tr></template>"),
            ("<svg><g><foreignObject><div>x", "</div></foreignobject></g></svg>"),
            ("<svg><p>x", "</p>"),
            // Chromium does not close the foreignObject from inside MathML: the closers do.
            ("<svg><foreignObject><math><mi></foreignObject><b>x", "</b></mi></math></foreignobject></svg>"),
            ("<math><mi><b>x", "</b></mi></math>"),
            ("<h2>Title <em>x", "</em></h2>"),
            // As in the standard and Chromium: annotation-xml bounds the scope, so the <div> leaves the <p> open.
            ("<p><math><annotation-xml encoding=\"text/html\"><div>x", "</div></annotation-xml></math></p>"),
            // An HTML integration point stops the popping out of foreign content that </p> does.
            ("<p><math><annotation-xml encoding=\"text/html\"></p><rt>x", "</rt></annotation-xml></math></p>"),
            // SVG's title is special: the second <li> does not close the first one outside the <svg>.
            ("<li><svg><title><li>x", "</li></title></svg></li>"),
        ];
        for (html, want) in cases {
            assert_eq!(text(html), want, "{html:?}");
        }
        assert_eq!(closers("<table><tr><td>text").map(|c| c.first_open), Ok(Some(0)));
        assert_eq!(closers("ok <p>Para <a href=\"x\">link").map(|c| c.first_open), Ok(Some(3)));
    }

    #[test]
    fn closes_unterminated_tags_comments_and_declarations() {
        let cases = [
            ("<a href=\"unterminated", "\"></a>"),
            ("<a href='x", "'></a>"),
            ("<a href=x", "></a>"),
            ("<a href=x/", "></a>"),
            ("<a href", "></a>"),
            ("<a href=", "></a>"),
            ("<a href=\"x\" ", "></a>"),
            ("<di", "></di>"),
            ("<br/", ">"),
            ("<svg><circle/", "></svg>"),
            ("<p>x</p", ">"),
            ("<![CDATA[ x", ">"),
            ("<svg><![CDATA[ x", "]]></svg>"),
            ("<svg><![CDATA[ x]", "]]></svg>"),
            ("<?note for editors", ">"),
            ("<!DOCTYPE x", ">"),
            ("<!DOCTYPE x PUBLIC \"y", ">"),
            ("<!x", ">"),
            ("<!-", ">"),
            ("<!--", "-->"),
            ("<!-- x -", "-->"),
            ("<!-- x --", "-->"),
            ("<!-- x --!", "-->"),
            ("<!-- <!-", "-->"),
            ("a</", ">"),
            ("a<", "<!---->"),
            ("<b>a<", "</b>"),
        ];
        for (html, want) in cases {
            assert_eq!(text(html), want, "{html:?}");
        }
        let c = closers("text <!-- note").ok();
        assert_eq!(c.and_then(|c| c.first_open), Some(5));
    }

    #[test]
    fn end_tags_that_close_the_pages_own_elements_are_found() {
        let strays = |html: &str| closers(html).map(|c| c.stray_end_tags).unwrap_or_default();
        for stray in ["</div>", "text</div>more", "<p>x</p></article>", "</main>", "<span>x</div>"] {
            assert_eq!(strays(stray).len(), 1, "{stray}");
        }
        assert_eq!(strays("x </div> y"), vec![2..8]);
        assert_eq!(strays("</div></article >"), vec![0..6, 6..17]);
        for fine in ["<div>x</div>", "</p>", "</span>", "<div><p>x</div>", "</td>", "</body>x"] {
            assert!(strays(fine).is_empty(), "{fine}");
        }
    }

    #[test]
    fn closes_raw_text_and_rcdata() {
        let cases = [
            ("<script>let a = \"</div>\"", "</script>"),
            ("<script><!--", "--></script>"),
            ("<script><!--<script>x", "--></script>"),
            ("<script><!--<script></script>", "--></script>"),
            ("<textarea>", "</textarea>"),
            ("<textarea>a</textar", "</textarea>"),
            ("<textarea>a</textarea ", ">"),
            ("<title>x</title", "</title>"),
            ("<style>p { }", "</style>"),
            ("<xmp><b>", "</xmp>"),
            ("<noscript><p>", "</noscript>"),
            ("<iframe>", "</iframe>"),
            ("<p><script src=\"x", "\"></script></p>"),
            ("<svg><style>x", "</style></svg>"),
        ];
        for (html, want) in cases {
            assert_eq!(text(html), want, "{html:?}");
        }
    }

    #[test]
    fn balanced_void_and_stray_leave_nothing_open() {
        for html in [
            "",
            "plain text",
            "<p>a <b>b</b></p>",
            "<br><img src=x><hr><input name=e><wbr>",
            "<p>a<br>b</p>\n",
            "</span></em>text</b>",
            "<table><tr><td>a</td></tr></table>",
            "<svg><circle/></svg>",
            "<!-- done -->",
            "<ul><li>a<li>b</ul>",
            "<p>a<p>b",
        ] {
            let c = closers(html);
            let expected = if html == "<p>a<p>b" {
                Ok(Closers { text: "</p>".into(), first_open: Some(4), stray_end_tags: Vec::new() })
            } else {
                Ok(Closers { text: String::new(), first_open: None, stray_end_tags: Vec::new() })
            };
            assert_eq!(c, expected, "{html:?}");
        }
    }

    #[test]
    fn formatting_elements_and_forms_that_would_come_back() {
        // </p> pops the <b>, the text after it reopens it.
        assert_eq!(text("<p><b>x</p>y"), "</b>");
        // Popped, but still on the list: the ellipsis would be bold.
        assert_eq!(text("<div><b>x</div>"), "</b>");
        // A form closed by </div> keeps the form pointer, which would drop the subscribe form.
        assert_eq!(text("<div><form></div>"), "</form>");
        assert_eq!(text("<table><form>"), "</table></form>");
        // The adoption agency moves the <b> into the <p>, then closes it on its second pass: y is outside.
        assert_eq!(text("<b><p>x</b>y"), "</p>");
        // The first </i> only takes the inner <i>, closed by </div>, off the list.
        assert_eq!(text("<i><div><i></div>"), "</i></i>");
    }

    #[test]
    fn plaintext_and_depth_are_unclosable() {
        let e = closers("<p>intro</p><plaintext>x");
        assert_eq!(e.as_ref().map_err(|e| e.offset), Err(12));
        assert!(closers("<svg><plaintext>x").is_ok(), "an SVG element named plaintext is not the HTML one");
        let e = closers("<form><select></form><option>x");
        assert!(e.is_err_and(|e| e.offset == 0 && e.what.contains("</form>")));
        assert!(closers(&"<div>".repeat(MAX_DEPTH)).is_ok());
        assert!(closers(&"<div>".repeat(MAX_DEPTH + 1)).is_err());
        assert_eq!(closers(&"<b>x</b>".repeat(5000)).map(|c| c.text), Ok(String::new()));
    }

    /// Checks closers against html5ever's tree builder, a parser that follows the HTML standard.
    mod real_parser {
        use super::*;
        use html5ever::tendril::TendrilSink;
        use markup5ever_rcdom::{Handle, NodeData, RcDom};

        const BEFORE: &str = "<!DOCTYPE html><html><body><main><article><div class=\"article-body\">";
        const AFTER: &str = "<p class=\"paywall-ellipsis\">…</p></div><section id=\"subscribe\">\
            <form id=\"lede-form\"><input name=\"email\"></form></section></article></main></body></html>";
        const CLOSE: &str = "</div></article></main></body></html>";

        fn parse(doc: &str) -> Handle {
            html5ever::parse_document(RcDom::default(), Default::default()).one(doc).document
        }

        fn name(node: &Handle) -> Option<String> {
            match &node.data {
                NodeData::Element { name, .. } => Some(name.local.to_string()),
                _ => None,
            }
        }

        fn attr(node: &Handle, wanted: &str) -> Option<String> {
            match &node.data {
                NodeData::Element { attrs, .. } => attrs.borrow().iter().find(|a| &*a.name.local == wanted).map(|a| a.value.to_string()),
                _ => None,
            }
        }

        /// Every element with its ancestors, nearest first.
        fn elements(root: &Handle) -> Vec<(Handle, Vec<Handle>)> {
            fn walk(node: &Handle, path: &mut Vec<Handle>, out: &mut Vec<(Handle, Vec<Handle>)>) {
                if name(node).is_some() {
                    out.push((node.clone(), path.iter().rev().cloned().collect()));
                }
                path.push(node.clone());
                for child in node.children.borrow().iter() {
                    walk(child, path, out);
                }
                path.pop();
            }
            let mut out = Vec::new();
            walk(root, &mut Vec::new(), &mut out);
            out
        }

        fn empty_paragraphs(root: &Handle) -> usize {
            elements(root).iter().filter(|(n, _)| name(n).as_deref() == Some("p") && n.children.borrow().is_empty()).count()
        }

        /// Parses the page around `fragment` and its closers; false when the fragment is unclosable.
        fn check(fragment: &str) -> bool {
            let Ok(c) = closers(fragment) else { return false };
            let page = format!("{BEFORE}{fragment}{}{AFTER}", c.text);
            let all = elements(&parse(&page));
            let names = |path: &[Handle]| path.iter().filter_map(name).collect::<Vec<_>>();

            let forms: Vec<_> = all.iter().filter(|(n, _)| attr(n, "id").as_deref() == Some("lede-form")).collect();
            assert_eq!(forms.len(), 1, "{fragment:?} + {:?}: the subscribe form is gone", c.text);
            let (form, ancestors) = forms[0];
            assert_eq!(names(ancestors), ["section", "article", "main", "body", "html"], "{fragment:?} + {:?}: the subscribe form is misplaced", c.text);
            let inputs: Vec<_> = all.iter().filter(|(n, _)| attr(n, "name").as_deref() == Some("email")).collect();
            assert!(inputs.len() == 1 && std::rc::Rc::ptr_eq(&inputs[0].1[0], form), "{fragment:?} + {:?}: the email field is not in the form", c.text);

            let ellipses: Vec<_> = all.iter().filter(|(n, _)| attr(n, "class").as_deref() == Some("paywall-ellipsis")).collect();
            assert_eq!(ellipses.len(), 1, "{fragment:?} + {:?}: the ellipsis is gone", c.text);
            let (ellipsis, ancestors) = ellipses[0];
            for a in ancestors.iter().filter(|a| name(a).is_some()) {
                let page_element =
                    matches!(name(a).as_deref(), Some("article" | "main" | "body" | "html")) || attr(a, "class").as_deref() == Some("article-body");
                assert!(page_element, "{fragment:?} + {:?}: the ellipsis is inside <{:?}>", c.text, name(a));
            }
            let children = ellipsis.children.borrow();
            let only_text = children.len() == 1 && matches!(&children[0].data, NodeData::Text { contents } if &*contents.borrow() == "…");
            assert!(only_text, "{fragment:?} + {:?}: the ellipsis holds more than its text", c.text);

            // When only end tags are appended, none of them may be a stray </p>, which makes an empty paragraph.
            let only_end_tags = c.text.is_empty() || (c.text.starts_with("</") && !c.text.contains("-->"));
            if only_end_tags {
                let with = empty_paragraphs(&parse(&format!("{BEFORE}{fragment}{}{CLOSE}", c.text)));
                let without = empty_paragraphs(&parse(&format!("{BEFORE}{fragment}{CLOSE}")));
                assert!(with <= without, "{fragment:?} + {:?}: an empty <p> appeared", c.text);
            }
            true
        }

        const NAMED: &[&str] = &[
            "<table><tr><td>text",
            "<p>Para <a href=\"x\">link",
            "<details><summary>s</summary>body",
            "<div>\n<!-- note\n</div>",
            "<a href=\"unterminated",
            "<a href='x",
            "<![CDATA[ x",
            "<?note for editors",
            "<!DOCTYPE x",
            "<script>let a = \"</div>\"",
            "<textarea>",
            "<p>a <b>b</b></p>",
            "<p>a<br><img src=x>",
            "</span></em>text",
            "<p><b>x</p>y",
            "<div><form></div>",
            "<table><form>",
            "<b><p>x</b>y",
            "<svg><![CDATA[ x",
            "<script><!--<script>x",
            "<template><tr><td>x",
            "<select><option>a",
            "<math><mi><b>x",
            "a<",
            "a</",
            "<plaintext>x",
        ];

        /// Pieces of tag soup: tags with and without quotes, comments, declarations, text, raw text, tables, lists, forms.
        ///
        /// SVG's foreignObject, desc and title and MathML's mi, mo, mn, ms, mtext and annotation-xml are left out:
        /// html5ever counts none of them as "special" and annotation-xml not as a scope boundary, where the standard
        /// and Chromium do, so HTML inside them would test html5ever's differences rather than these closers.
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<p class=x>",
            "<div>",
            "</div>",
            "<span>",
            "</span>",
            "<a href=\"x\">",
            "<a href=x>",
            "</a>",
            "<b>",
            "</b>",
            "<i>",
            "</i>",
            "<em>",
            "</em>",
            "<strong>",
            "</strong>",
            "<code>",
            "</code>",
            "<nobr>",
            "<font color=red>",
            "</font>",
            "<u>",
            "<s>",
            "<table>",
            "</table>",
            "<tr>",
            "</tr>",
            "<td>",
            "</td>",
            "<th>",
            "<tbody>",
            "</tbody>",
            "<thead>",
            "<caption>",
            "</caption>",
            "<colgroup>",
            "<col>",
            "<ul>",
            "</ul>",
            "<ol>",
            "<li>",
            "</li>",
            "<dl>",
            "<dt>",
            "<dd>",
            "</dl>",
            "<form>",
            "</form>",
            "<input name=q>",
            "<input type=hidden>",
            "<select>",
            "</select>",
            "<option>",
            "<optgroup>",
            "<button>",
            "</button>",
            "<details>",
            "<summary>",
            "</details>",
            "<h2>",
            "</h2>",
            "<h3>",
            "<pre>\n",
            "</pre>",
            "<blockquote>",
            "</blockquote>",
            "<section>",
            "<br>",
            "</br>",
            "<img src=x>",
            "<hr>",
            "<textarea>",
            "</textarea>",
            "<script>",
            "</script>",
            "<style>",
            "</style>",
            "<title>",
            "</title>",
            "<noscript>",
            "<xmp>",
            "<iframe>",
            "<svg>",
            "</svg>",
            "<math>",
            "</math>",
            "<circle/>",
            "<template>",
            "</template>",
            "<object>",
            "</object>",
            "<ruby>",
            "<rt>",
            "<label>",
            "<sup>",
            "text",
            " ",
            "\n",
            "&amp;",
            "<",
            "</",
            ">",
            "\"",
            "'",
            "=",
            "/",
            "<!-- c -->",
            "<!-- c",
            "<!--",
            "-->",
            "<!-",
            "<!x",
            "<?pi ",
            "<![CDATA[ d",
            "]]>",
            "<!DOCTYPE html",
            "<a title=\"t",
            "<a title='t",
            "<a title=t",
            "<div class=",
            "<p ",
            "</body>",
            "<DIV>",
            "</P>",
            "<TD>",
            "<A HREF=x>",
            "<p/>",
            "<div/>",
            "<br/>",
            "</foreignObject>",
            "<li class=x>",
            "<image>",
            "<listing>",
            "<menu>",
            "<dialog>",
            "<search>",
            "<figure>",
            "<marquee>",
            "<applet>",
            "</nobr>",
            "<frame>",
            "<head>",
            "</html>",
            "<rb>",
            "<rp>",
            "</ruby>",
            "&lt;",
            "\0",
        ];

        #[test]
        fn closers_keep_the_subscribe_form_out_of_the_free_part() {
            for fragment in NAMED {
                let closable = check(fragment);
                assert_eq!(closable, !fragment.contains("plaintext"), "{fragment:?}");
            }
            let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut next = move || {
                // xorshift64*: deterministic, so a failure can be replayed.
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                state.wrapping_mul(0x2545_F491_4F6C_DD1D)
            };
            let (mut checked, mut unclosable, mut plaintext, mut stray) = (0, 0, 0, 0);
            for _ in 0..4000 {
                let len = 1 + next() % 14;
                let mut fragment = String::new();
                for _ in 0..len {
                    // One piece in a thousand is <plaintext>, which ends every check it is in.
                    if next() % 1000 == 0 {
                        fragment.push_str("<plaintext>");
                    } else {
                        fragment.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
                    }
                }
                // Stray end tags are taken out by the caller before the closers are asked for again.
                let fragment = match closers(&fragment) {
                    Ok(c) if !c.stray_end_tags.is_empty() => {
                        stray += 1;
                        let mut cleaned = fragment.clone();
                        for r in c.stray_end_tags.iter().rev() {
                            cleaned.replace_range(r.clone(), "");
                        }
                        cleaned
                    }
                    _ => fragment,
                };
                if check(&fragment) {
                    checked += 1;
                } else {
                    let form = fragment.contains("<form>") && fragment.contains("</form>");
                    assert!(fragment.contains("<plaintext>") || form, "{fragment:?} is unclosable");
                    unclosable += 1;
                    plaintext += usize::from(fragment.contains("<plaintext>"));
                }
            }
            eprintln!(
                "{checked} fragments checked, {stray} with end tags closing the page's elements taken out, {unclosable} unclosable ({plaintext} with <plaintext>, the others forms)"
            );
            assert!(checked > 2500, "{checked} checked, {unclosable} unclosable, {plaintext} of them with plaintext");
        }
    }
}
