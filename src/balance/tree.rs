//! The tree side: the state of the parts of HTML tree construction that decide what is open, and where each
//! token goes: to foreign content, to raw text or to the current insertion mode.

use html5gum::State;

use super::formatting::Entry;
use super::modes::Mode;
use super::node::{Node, Ns};
use super::scan::Tag;
use super::{PAGE, Unclosable};

/// What tree construction keeps to know which elements are open.
#[derive(Debug)]
pub(super) struct Tree {
    pub(super) stack: Vec<Node>,
    pub(super) active: Vec<Entry>,
    /// Which node ids are on the stack, indexed by id.
    pub(super) open: Vec<bool>,
    pub(super) mode: Mode,
    pub(super) original_mode: Mode,
    pub(super) template_modes: Vec<Mode>,
    /// The form element pointer: while set, a later `<form>` (the subscribe form) is ignored.
    pub(super) form: Option<(u32, usize)>,
    pub(super) ignore_lf: bool,
    pub(super) fail: Option<Unclosable>,
    /// The offset of the author's end tag being handled, if one is.
    pub(super) author_end: Option<usize>,
    /// Whether that end tag closed one of the page's elements.
    pub(super) closed_page_by_author: bool,
}

impl Tree {
    pub(super) fn new() -> Self {
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

    pub(super) fn other_token(&mut self) {
        self.ignore_lf = false;
    }

    pub(super) fn text(&mut self, bytes: &[u8]) {
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

    pub(super) fn start_tag(&mut self, tag: &Tag) -> Option<State> {
        if self.fail.is_some() {
            return None;
        }
        self.ignore_lf = false;
        if self.is_foreign(Some(tag), false) {
            return self.foreign_start(tag);
        }
        self.start_in(self.mode, tag)
    }

    pub(super) fn end_tag(&mut self, name: &str) {
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
}
