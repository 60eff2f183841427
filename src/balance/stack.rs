//! The stack of open elements: pushing and popping, the depth limit, scopes, implied end tags and resetting
//! the insertion mode from what is open.

use super::modes::Mode;
use super::node::{Node, Ns, Scope};
use super::tree::Tree;
use super::{MAX_DEPTH, PAGE_DEPTH, Unclosable};

/// The elements that the standard's "generate implied end tags" step closes.
pub(super) const CURSORY_IMPLIED: &[&str] = &["dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc"];

impl Tree {
    pub(super) fn new_id(&mut self) -> u32 {
        let id = u32::try_from(self.open.len()).unwrap_or(u32::MAX);
        self.open.push(false);
        id
    }

    pub(super) fn set_open(&mut self, id: u32, open: bool) {
        if let Some(slot) = self.open.get_mut(id as usize) {
            *slot = open;
        }
    }

    pub(super) fn is_open(&self, id: u32) -> bool {
        self.open.get(id as usize).copied().unwrap_or(false)
    }

    /// Pushes a new element and returns its id.
    pub(super) fn push(&mut self, name: &str, ns: Ns, offset: usize) -> u32 {
        let id = self.new_id();
        self.push_node(Node { name: name.to_owned(), ns, offset, id, page: false, html_point: false });
        id
    }

    pub(super) fn push_node(&mut self, node: Node) {
        if self.stack.len() >= MAX_DEPTH + PAGE_DEPTH && self.fail.is_none() {
            self.fail = Some(Unclosable { offset: node.offset, what: format!("HTML nested more than {MAX_DEPTH} elements deep") });
        }
        self.set_open(node.id, true);
        self.stack.push(node);
    }

    pub(super) fn pop(&mut self) -> Option<Node> {
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

    pub(super) fn truncate(&mut self, len: usize) {
        while self.stack.len() > len.max(1) {
            self.pop();
        }
    }

    pub(super) fn remove_at(&mut self, index: usize) {
        if index > 0 && index < self.stack.len() {
            let node = self.stack.remove(index);
            self.set_open(node.id, false);
            self.closed_page(&node);
        }
    }

    pub(super) fn remove_id(&mut self, id: u32) {
        if let Some(i) = self.stack.iter().rposition(|n| n.id == id) {
            self.remove_at(i);
        }
    }

    pub(super) fn current(&self) -> Option<&Node> {
        self.stack.last()
    }

    pub(super) fn current_is(&self, name: &str) -> bool {
        self.current().is_some_and(|n| n.is(name))
    }

    pub(super) fn current_ns(&self) -> Ns {
        self.current().map_or(Ns::Html, |n| n.ns)
    }

    pub(super) fn in_scope_by(&self, scope: Scope, found: impl Fn(&Node) -> bool) -> bool {
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

    pub(super) fn in_scope(&self, scope: Scope, name: &str) -> bool {
        self.in_scope_by(scope, |n| n.is(name))
    }

    pub(super) fn has_template(&self) -> bool {
        self.stack.iter().any(|n| n.is("template"))
    }

    pub(super) fn generate_implied(&mut self, set: &[&str], except: Option<&str>) {
        while let Some(node) = self.current() {
            if !node.is_in(set) || except.is_some_and(|e| node.is(e)) {
                break;
            }
            self.pop();
        }
    }

    /// Pops until an HTML element that `pred` accepts has been popped.
    pub(super) fn pop_until(&mut self, pred: impl Fn(&Node) -> bool) {
        while let Some(node) = self.pop() {
            if pred(&node) {
                break;
            }
        }
    }

    pub(super) fn pop_until_named(&mut self, name: &str) {
        self.pop_until(|n| n.is(name));
    }

    /// Pops until the current node is one of `names` (the "clear the stack back to a context" steps).
    pub(super) fn clear_back_to(&mut self, names: &[&str]) {
        while self.stack.len() > 1 && !self.current().is_some_and(|n| n.is_in(names)) {
            self.pop();
        }
    }

    pub(super) fn close_p(&mut self) {
        self.generate_implied(CURSORY_IMPLIED, Some("p"));
        self.pop_until_named("p");
    }

    pub(super) fn close_p_in_button_scope(&mut self) {
        if self.in_scope(Scope::Button, "p") {
            self.close_p();
        }
    }

    pub(super) fn reset_mode(&mut self) {
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
}
