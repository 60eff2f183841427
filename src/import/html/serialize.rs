//! What Markdown cannot say, written back as HTML that CommonMark keeps
//! whole: a block starting on its own line with a tag that opens an HTML
//! block, no blank line inside (one would end the block), only the
//! attributes that mean something to a reader, and no wrappers of the
//! old platform (`div`, `span`, classes, styles).

use super::dom::{self, Handle};

/// The attributes kept on an element; every other one goes.
fn kept_attr(tag: &str, name: &str) -> bool {
    match name {
        "src" => matches!(tag, "img" | "iframe" | "video" | "audio" | "source" | "track"),
        "href" => tag == "a",
        "alt" => tag == "img",
        "title" => matches!(tag, "a" | "img" | "iframe" | "abbr"),
        "width" | "height" => matches!(tag, "img" | "iframe" | "video"),
        "colspan" | "rowspan" => matches!(tag, "td" | "th"),
        "scope" => tag == "th",
        "span" => matches!(tag, "col" | "colgroup"),
        "allow" | "allowfullscreen" | "loading" | "referrerpolicy" | "sandbox" => tag == "iframe",
        "controls" | "loop" | "muted" | "preload" => matches!(tag, "video" | "audio"),
        "poster" | "playsinline" => tag == "video",
        "type" => matches!(tag, "source" | "ol"),
        "kind" | "srclang" | "label" | "default" => tag == "track",
        "start" | "reversed" => tag == "ol",
        "value" => tag == "li",
        "datetime" => matches!(tag, "time" | "del" | "ins"),
        "open" => tag == "details",
        _ => false,
    }
}

/// Elements written as they are; any other element is replaced by its children.
const KEPT: &[&str] = &[
    "a",
    "abbr",
    "audio",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "source",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "track",
    "u",
    "ul",
    "video",
];

/// Elements written on lines of their own.
const BLOCK: &[&str] = &[
    "audio",
    "blockquote",
    "caption",
    "colgroup",
    "dd",
    "details",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "iframe",
    "li",
    "ol",
    "p",
    "pre",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "video",
    "source",
    "track",
];

/// Block elements holding other blocks: their tags stand on lines of their own.
const CONTAINERS: &[&str] = &["audio", "blockquote", "colgroup", "details", "dl", "figure", "ol", "table", "tbody", "tfoot", "thead", "tr", "ul", "video"];

const VOID: &[&str] = &["img", "br", "hr", "source", "track", "col"];

/// The element as an HTML block: it starts a line, each block element
/// inside starts its own, no line is blank, and the first line is the
/// opening tag alone (which starts an HTML block whatever the tag is).
pub(super) fn html_block(node: &Handle) -> String {
    let mut out = String::new();
    write(node, &mut out, false);
    tidy_lines(&out)
}

/// Writes a node. The tree is at most a few hundred levels deep here (see
/// `dom::flatten_deep`), so recursion is safe.
fn write(node: &Handle, out: &mut String, in_pre: bool) {
    if let Some(text) = dom::text_of(node) {
        if in_pre {
            // A newline in a `pre` is kept as a character reference: a blank line would end the HTML block.
            out.push_str(&escape_text(&text).replace('\n', "&#10;"));
        } else {
            let collapsed: String = collapse_spaces(&text);
            out.push_str(&escape_text(&collapsed));
        }
        return;
    }
    let Some(tag) = dom::tag(node).map(str::to_string) else { return };
    // A `picture`'s sources are resized copies on the old host; the `img` is the image.
    if tag == "source" && !dom::parent(node).is_some_and(|p| dom::is(&p, "video") || dom::is(&p, "audio")) {
        return;
    }
    if !KEPT.contains(&tag.as_str()) {
        for kid in dom::children(node) {
            write(&kid, out, in_pre);
        }
        return;
    }
    let block = BLOCK.contains(&tag.as_str()) && !in_pre;
    if block {
        out.push('\n');
    }
    out.push('<');
    out.push_str(&tag);
    for (name, value) in dom::attrs(node) {
        if kept_attr(&tag, &name) {
            out.push(' ');
            out.push_str(&name);
            if !(value.is_empty()
                && matches!(name.as_str(), "allowfullscreen" | "controls" | "loop" | "muted" | "playsinline" | "reversed" | "open" | "default"))
            {
                out.push_str("=\"");
                out.push_str(&escape_attr(&value));
                out.push('"');
            }
        }
    }
    out.push('>');
    if VOID.contains(&tag.as_str()) {
        if block {
            out.push('\n');
        }
        return;
    }
    let container = block && CONTAINERS.contains(&tag.as_str());
    if container {
        out.push('\n');
    }
    let pre = in_pre || tag == "pre";
    for kid in dom::children(node) {
        write(&kid, out, pre);
    }
    if container {
        out.push('\n');
    }
    out.push_str("</");
    out.push_str(&tag);
    out.push('>');
    if block {
        out.push('\n');
    }
}

/// Runs of white space as one space (kept at the edges: they separate words).
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Lines trimmed, blank ones dropped; inline elements stay on the line of their text.
fn tidy_lines(html: &str) -> String {
    let lines: Vec<&str> = html.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut out = String::with_capacity(html.len());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            // A line that continues text (not a tag of its own) joins the one before.
            let joins = !line.starts_with('<') && !lines[i - 1].ends_with('>');
            out.push(if joins { ' ' } else { '\n' });
        }
        out.push_str(line);
    }
    out
}

/// Escapes text for HTML.
pub(super) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            super::AMP => out.push_str("&amp;"),
            super::PAREN => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value in double quotes.
pub(super) fn escape_attr(text: &str) -> String {
    escape_text(text).replace('"', "&quot;")
}
