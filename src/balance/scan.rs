//! The tokenizer side: an html5gum emitter that feeds the tree and remembers where the input ran out.

use std::convert::Infallible;

use html5gum::{Emitter, Error, State};

use super::node::Ns;
use super::tree::Tree;

/// The kind of token the tokenizer is building, which tells what the end of the input falls inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Current {
    None,
    StartTag,
    EndTag,
    Comment,
    Doctype,
}

/// A start tag as the tree sees it.
#[derive(Debug, Default)]
pub(super) struct Tag {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) self_closing: bool,
    pub(super) offset: usize,
}

impl Tag {
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Builds each token for the tree and keeps what the end of the input needs to be closed.
pub(super) struct Scan<'a> {
    pub(super) input: &'a [u8],
    /// Byte offset the tokenizer has read up to.
    pos: usize,
    pub(super) current: Current,
    /// Offset of the `<` that began the current tag, comment or doctype.
    pub(super) token_start: usize,
    name: Vec<u8>,
    pub(super) self_closing: bool,
    attrs: Vec<(Vec<u8>, Vec<u8>)>,
    /// The quote (or 0 when unquoted) and start offset of the last attribute value begun in the current tag.
    value: Option<(u8, usize)>,
    last_start_tag: Vec<u8>,
    /// The error the tokenizer reported at the end of the input, which says what was still open.
    pub(super) eof_error: Option<Error>,
    /// A comment or doctype emitted with nothing after it: if the input does not end with `>`, the end of input
    /// emitted it (bogus comments and bogus doctypes end there without an error).
    pub(super) trailing_comment: Option<usize>,
    /// End tags of the author's that closed the page's own elements.
    pub(super) stray: Vec<std::ops::Range<usize>>,
    pub(super) tree: Tree,
}

impl<'a> Scan<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
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
    pub(super) fn emit_tag(&mut self) -> Option<State> {
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
    pub(super) fn in_value(&self) -> Option<u8> {
        let (quote, start) = self.value?;
        let rest = self.input.get(start..).unwrap_or_default();
        if quote == 0 {
            // An unquoted value ends at whitespace (a `>` would have ended the tag).
            (!rest.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))).then_some(0)
        } else {
            (!rest.contains(&quote)).then_some(quote)
        }
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
