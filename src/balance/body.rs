//! The "in body" rules, which most tokens end up in, and the "in head" ones they defer to, with the elements
//! whose content the tokenizer reads as raw text or RCDATA.

use html5gum::State;

use super::Unclosable;
use super::formatting::Entry;
use super::modes::{Mode, Step};
use super::node::{Ns, Scope};
use super::scan::Tag;
use super::stack::CURSORY_IMPLIED;
use super::tree::Tree;

const THOROUGH_IMPLIED: &[&str] =
    &["dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc", "caption", "colgroup", "tbody", "td", "tfoot", "th", "thead", "tr"];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
const FORMATTING: &[&str] = &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];

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

impl Tree {
    /// Switches to raw text or RCDATA for the element just opened.
    fn raw(&mut self, tag: &Tag, state: State) -> Option<State> {
        self.push(&tag.name, Ns::Html, tag.offset);
        self.original_mode = self.mode;
        self.mode = Mode::Text;
        Some(state)
    }

    pub(super) fn start_in_head(&mut self, tag: &Tag) -> Step {
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

    pub(super) fn start_in_body(&mut self, tag: &Tag) -> Step {
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

    pub(super) fn end_in_body(&mut self, name: &str) -> Step {
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

    pub(super) fn any_other_end_tag(&mut self, name: &str) {
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
}
