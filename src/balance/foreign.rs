//! Foreign content (SVG and MathML): when a token follows its rules, the HTML start tags that break out of it,
//! and how its end tags close elements.

use html5gum::State;

use super::node::{Node, Ns};
use super::scan::Tag;
use super::tree::Tree;

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

impl Tree {
    pub(super) fn is_foreign(&self, start: Option<&Tag>, text: bool) -> bool {
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

    pub(super) fn foreign_start(&mut self, tag: &Tag) -> Option<State> {
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

    pub(super) fn push_foreign(&mut self, tag: &Tag, ns: Ns) {
        let html_point = ns == Ns::MathMl
            && tag.name == "annotation-xml"
            && tag.attr("encoding").is_some_and(|e| e.eq_ignore_ascii_case("text/html") || e.eq_ignore_ascii_case("application/xhtml+xml"));
        let id = self.new_id();
        self.push_node(Node { name: tag.name.clone(), ns, offset: tag.offset, id, page: false, html_point });
    }

    pub(super) fn foreign_end(&mut self, name: &str) {
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
}
