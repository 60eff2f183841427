//! The insertion modes, the rules of those for tables (caption, column group, table body, row, cell) and
//! templates, and the reprocessing of a token in the mode a rule switches to.

use html5gum::State;

use super::formatting::Entry;
use super::node::{Ns, Scope};
use super::scan::Tag;
use super::stack::CURSORY_IMPLIED;
use super::tree::Tree;

/// The insertion modes that a fragment inside a body's `<div>` can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
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

/// Reprocessing a token moves it to another insertion mode; no chain is longer than a few steps.
const MAX_REPROCESS: usize = 16;

impl Tree {
    pub(super) fn start_in(&mut self, mode: Mode, tag: &Tag) -> Option<State> {
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

    pub(super) fn end_in(&mut self, mode: Mode, name: &str) {
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
}

/// What a rule did with a token: handled it, with the tokenizer state it asks for, or sent it to another mode.
pub(super) enum Step {
    Done(Option<State>),
    Reprocess(Mode),
}

impl Step {
    /// Sets the tree's insertion mode and finishes with `self`.
    pub(super) fn then(self, tree: &mut Tree, mode: Mode) -> Step {
        tree.mode = mode;
        self
    }
}
