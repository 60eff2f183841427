//! The elements on the stack of open elements: their namespace, the standard's "special" category, the
//! integration points between foreign content and HTML, and the scopes they bound.

/// The namespace of an element: foreign elements follow other rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    Html,
    Svg,
    MathMl,
}

/// The standard's kinds of element scope, which differ in the elements that bound them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Default,
    ListItem,
    Button,
    Table,
}

/// An element on the stack of open elements.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) name: String,
    pub(super) ns: Ns,
    /// Offset of the start tag that opened it (for a reconstructed formatting element, the original one's).
    pub(super) offset: usize,
    pub(super) id: u32,
    /// Part of the page around the fragment, never closed by it.
    pub(super) page: bool,
    /// A MathML annotation-xml whose encoding makes it an HTML integration point.
    pub(super) html_point: bool,
}

impl Node {
    pub(super) fn is(&self, name: &str) -> bool {
        self.ns == Ns::Html && self.name == name
    }

    pub(super) fn is_in(&self, names: &[&str]) -> bool {
        self.ns == Ns::Html && names.contains(&self.name.as_str())
    }

    pub(super) fn is_mathml_text_point(&self) -> bool {
        self.ns == Ns::MathMl && matches!(self.name.as_str(), "mi" | "mo" | "mn" | "ms" | "mtext")
    }

    fn is_svg_html_point(&self) -> bool {
        self.ns == Ns::Svg && matches!(self.name.as_str(), "foreignobject" | "desc" | "title")
    }

    /// An HTML integration point: SVG's foreignObject, desc and title, and annotation-xml holding HTML.
    pub(super) fn is_html_point(&self) -> bool {
        self.is_svg_html_point() || self.html_point
    }

    pub(super) fn is_special(&self) -> bool {
        match self.ns {
            Ns::Html => SPECIAL.contains(&self.name.as_str()),
            Ns::MathMl => self.is_mathml_text_point() || self.name == "annotation-xml",
            Ns::Svg => self.is_svg_html_point(),
        }
    }

    pub(super) fn bounds(&self, scope: Scope) -> bool {
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
