//! Small helpers over the parsed tree (html5ever's reference-counted DOM,
//! the one htmd converts). Every walk is a loop with its own stack: input
//! nested thousands deep must not exhaust the thread's stack.

use std::cell::RefCell;
use std::rc::Rc;

pub(super) use rcdom::Handle;
use rcdom::{Node, NodeData};

/// The element's tag name, or `None` for text, comments and the document.
pub(super) fn tag(node: &Node) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

/// Whether the node is an element named `name`.
pub(super) fn is(node: &Node, name: &str) -> bool {
    tag(node) == Some(name)
}

/// The value of attribute `name`.
pub(super) fn attr(node: &Node, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().iter().find(|a| &*a.name.local == name).map(|a| a.value.to_string()),
        _ => None,
    }
}

/// The attributes as (name, value) pairs, in order.
pub(super) fn attrs(node: &Node) -> Vec<(String, String)> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect(),
        _ => Vec::new(),
    }
}

/// Sets an attribute the element already has; `false` when it has none of that name.
pub(super) fn set_attr(node: &Node, name: &str, value: &str) -> bool {
    let NodeData::Element { attrs, .. } = &node.data else { return false };
    let mut attrs = attrs.borrow_mut();
    match attrs.iter_mut().find(|a| &*a.name.local == name) {
        Some(a) => {
            a.value = value.to_string().into();
            true
        }
        None => false,
    }
}

/// Whether the element's `class` holds `class` as one of its words.
pub(super) fn has_class(node: &Node, class: &str) -> bool {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().iter().any(|a| &*a.name.local == "class" && a.value.split_ascii_whitespace().any(|c| c == class)),
        _ => false,
    }
}

/// The text of a text node.
pub(super) fn text_of(node: &Node) -> Option<String> {
    match &node.data {
        NodeData::Text { contents } => Some(contents.borrow().to_string()),
        _ => None,
    }
}

/// Replaces the text of a text node.
pub(super) fn set_text(node: &Node, text: &str) {
    if let NodeData::Text { contents } = &node.data {
        *contents.borrow_mut() = text.to_string().into();
    }
}

/// Whether an ancestor of the node is an element that `pred` accepts.
pub(super) fn has_ancestor(node: &Handle, pred: impl Fn(&Node) -> bool) -> bool {
    let mut current = parent(node);
    while let Some(p) = current {
        if pred(&p) {
            return true;
        }
        current = parent(&p);
    }
    false
}

/// Whether the node is a comment.
pub(super) fn is_comment(node: &Node) -> bool {
    matches!(node.data, NodeData::Comment { .. })
}

/// A new text node.
pub(super) fn new_text(text: &str) -> Handle {
    Node::new(NodeData::Text { contents: RefCell::new(text.to_string().into()) })
}

/// The children, as a copy (the tree may change while they are visited).
pub(super) fn children(node: &Handle) -> Vec<Handle> {
    node.children.borrow().clone()
}

/// The parent, if the node is in a tree.
pub(super) fn parent(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take();
    let parent = weak.as_ref().and_then(std::rc::Weak::upgrade);
    node.parent.set(weak);
    parent
}

/// Takes the node out of its parent. Hold a handle to it while its
/// subtree is still needed: when the last one goes, rcdom empties it.
pub(super) fn detach(node: &Handle) {
    if let Some(parent) = parent(node) {
        parent.children.borrow_mut().retain(|c| !Rc::ptr_eq(c, node));
    }
    node.parent.set(None);
}

/// Puts the node's children where it stands, and takes it out.
pub(super) fn unwrap(node: &Handle) {
    let Some(parent) = parent(node) else { return };
    let kids = std::mem::take(&mut *node.children.borrow_mut());
    for kid in &kids {
        kid.parent.set(Some(Rc::downgrade(&parent)));
    }
    let mut siblings = parent.children.borrow_mut();
    if let Some(at) = siblings.iter().position(|c| Rc::ptr_eq(c, node)) {
        siblings.splice(at..=at, kids);
    }
    node.parent.set(None);
}

/// Replaces the node's children by `kids`.
pub(super) fn set_children(node: &Handle, kids: Vec<Handle>) {
    for kid in &kids {
        kid.parent.set(Some(Rc::downgrade(node)));
    }
    let old = std::mem::replace(&mut *node.children.borrow_mut(), kids);
    for kid in old {
        kid.parent.set(None);
    }
}

/// The node and everything under it, in document order.
pub(super) fn descendants(root: &Handle) -> Vec<Handle> {
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        stack.extend(node.children.borrow().iter().rev().cloned());
        out.push(node);
    }
    out
}

/// The first element under `root` (not `root` itself) that `pred` accepts.
pub(super) fn find(root: &Handle, pred: impl Fn(&Node) -> bool) -> Option<Handle> {
    descendants(root).into_iter().skip(1).find(|n| pred(n))
}

/// All the text under the node, as a browser's `textContent`.
pub(super) fn text_content(node: &Handle) -> String {
    let mut out = String::new();
    for n in descendants(node) {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}

/// The `body` element of a parsed document.
pub(super) fn body(document: &Handle) -> Option<Handle> {
    let html = document.children.borrow().iter().find(|c| is(c, "html")).cloned()?;
    html.children.borrow().iter().find(|c| is(c, "body")).cloned()
}

/// Replaces what lies deeper than `max` levels by its text: no real post
/// nests that deep, and the converter walks the tree recursively.
pub(super) fn flatten_deep(root: &Handle, max: usize) {
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth >= max && !node.children.borrow().is_empty() {
            let text = text_content(&node);
            set_children(&node, vec![new_text(&text)]);
            continue;
        }
        stack.extend(node.children.borrow().iter().map(|c| (c.clone(), depth + 1)));
    }
}
