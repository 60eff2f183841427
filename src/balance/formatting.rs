//! The list of active formatting elements: reopening them around text, the "Noah's Ark" clause and the
//! adoption agency algorithm.

use super::node::{Node, Ns, Scope};
use super::scan::Tag;
use super::tree::Tree;

/// An entry of the list of active formatting elements.
#[derive(Debug, Clone)]
pub(super) enum Entry {
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

impl Tree {
    pub(super) fn entry_index(&self, id: u32) -> Option<usize> {
        self.active.iter().rposition(|e| matches!(e, Entry::Element { id: i, .. } if *i == id))
    }

    /// The last entry named `name` after the last marker.
    pub(super) fn last_entry_named(&self, name: &str) -> Option<usize> {
        for (i, e) in self.active.iter().enumerate().rev() {
            match e {
                Entry::Marker => return None,
                Entry::Element { name: n, .. } if n == name => return Some(i),
                Entry::Element { .. } => {}
            }
        }
        None
    }

    pub(super) fn clear_to_marker(&mut self) {
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

    pub(super) fn reconstruct(&mut self) {
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

    pub(super) fn insert_formatting(&mut self, tag: &Tag) {
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
    pub(super) fn adoption_agency(&mut self, subject: &str) {
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
}
