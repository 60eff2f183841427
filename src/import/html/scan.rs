//! A light pass over HTML as text, for what has to happen before it is
//! parsed: comments (markers, block delimiters), shortcodes and WordPress's
//! paragraphs all live in the text, and a parser would drop or move them.

/// One piece of an HTML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seg<'a> {
    /// Text between tags (may hold a `<` that starts no tag).
    Text(&'a str),
    /// A start or end tag, whole.
    Tag {
        /// The tag as written.
        raw: &'a str,
        /// Its name in lower case.
        name: &'a str,
        /// An end tag (`</p>`).
        closing: bool,
    },
    /// A comment, whole, and its inside.
    Comment { raw: &'a str, inner: &'a str },
    /// An element whose inside is not markup to us (`pre`, `script`, …), whole.
    Raw { raw: &'a str, name: &'a str },
    /// A doctype or processing instruction.
    Other(&'a str),
}

impl<'a> Seg<'a> {
    /// The text the piece covers.
    pub(super) fn raw(&self) -> &'a str {
        match *self {
            Seg::Text(raw) | Seg::Other(raw) => raw,
            Seg::Tag { raw, .. } | Seg::Comment { raw, .. } | Seg::Raw { raw, .. } => raw,
        }
    }
}

/// Elements whose inside is kept whole: raw text to a browser, or
/// preformatted text WordPress leaves alone.
const RAW: &[&str] = &["pre", "script", "style", "textarea", "xmp", "title", "plaintext"];

/// Cuts `html` into pieces. Every byte belongs to exactly one piece, in order.
pub(super) fn segments(html: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut text_start = 0;
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) {
        let Some((seg, end)) = piece_at(html, lt) else {
            i = lt + 1;
            continue;
        };
        if text_start < lt {
            out.push(Seg::Text(&html[text_start..lt]));
        }
        out.push(seg);
        i = end;
        text_start = end;
    }
    if text_start < html.len() {
        out.push(Seg::Text(&html[text_start..]));
    }
    out
}

/// The piece that starts with the `<` at `lt`, and where it ends; `None`
/// when that `<` starts nothing and is text.
fn piece_at(html: &str, lt: usize) -> Option<(Seg<'_>, usize)> {
    let rest = &html[lt..];
    let b = rest.as_bytes();
    if let Some(after) = rest.strip_prefix("<!--") {
        // `<!-->` and `<!--->` are empty comments to a browser.
        let (inner_len, close_len) = if after.starts_with('>') {
            (0, 1)
        } else if after.starts_with("->") {
            (0, 2)
        } else {
            match after.find("-->") {
                Some(p) => (p, 3),
                None => (after.len(), 0),
            }
        };
        let end = lt + 4 + inner_len + close_len;
        return Some((Seg::Comment { raw: &html[lt..end], inner: &after[..inner_len] }, end));
    }
    if b.len() >= 2 && (b[1] == b'!' || b[1] == b'?') {
        let end = rest.find('>').map_or(html.len(), |p| lt + p + 1);
        return Some((Seg::Other(&html[lt..end]), end));
    }
    let closing = b.get(1) == Some(&b'/');
    let name_start = 1 + usize::from(closing);
    if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_len = b[name_start..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
    let name = &rest[name_start..name_start + name_len];
    let tag_end = lt + tag_end(&rest[name_start + name_len..])? + name_start + name_len;
    if !closing && let Some(raw_name) = RAW.iter().find(|r| r.eq_ignore_ascii_case(name)) {
        // The element runs to its end tag, or to the end of the text.
        let end = find_ignore_case(&html[tag_end..], &format!("</{raw_name}"))
            .map(|p| tag_end + p)
            .map_or(html.len(), |close| html[close..].find('>').map_or(html.len(), |g| close + g + 1));
        return Some((Seg::Raw { raw: &html[lt..end], name: raw_name }, end));
    }
    let name = lower_static(name);
    Some((Seg::Tag { raw: &html[lt..tag_end], name, closing }, tag_end))
}

/// Where a tag's attributes end: just past its `>`, quotes respected.
/// `None` when the tag never closes.
fn tag_end(attrs: &str) -> Option<usize> {
    let b = attrs.as_bytes();
    let mut i = 0;
    let mut after_equals = false;
    while i < b.len() {
        match b[i] {
            b'>' => return Some(i + 1),
            b'=' => after_equals = true,
            q @ (b'"' | b'\'') if after_equals => {
                let close = memchr::memchr(q, &b[i + 1..])?;
                i += close + 1;
                after_equals = false;
            }
            c if c.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    None
}

/// Elements that never hold others (no end tag).
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen"];

/// Elements a browser closes when another of their kind opens next to them.
const SELF_CLOSING_SIBLINGS: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "option"];

/// Drops the start tags (and the end tags then left without one) that
/// would nest elements deeper than `max`: the HTML parser takes time
/// quadratic in the depth, and no real post nests hundreds deep.
pub(super) fn limit_nesting(html: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let segs = segments(html);
    let mut open: Vec<&str> = Vec::new();
    let mut dropped: Vec<usize> = Vec::new();
    // Start tags dropped and not yet closed, by name: their end tags come first.
    let mut pending: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, seg) in segs.iter().enumerate() {
        let Seg::Tag { raw, name, closing } = *seg else { continue };
        if VOID.contains(&name) || raw.ends_with("/>") && !closing {
            continue;
        }
        if closing {
            if let Some(n) = pending.get_mut(name).filter(|n| **n > 0) {
                *n -= 1;
                dropped.push(i);
            } else if let Some(at) = open.iter().rposition(|n| *n == name) {
                open.truncate(at);
            }
            continue;
        }
        if open
            .last()
            .is_some_and(|top| *top == "p" && (name == "p" || super::wordpress::is_block(name)) || SELF_CLOSING_SIBLINGS.contains(&name) && *top == name)
        {
            open.pop();
        }
        if open.len() >= max {
            dropped.push(i);
            *pending.entry(name).or_default() += 1;
        } else {
            open.push(name);
        }
    }
    if dropped.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut next = dropped.iter().peekable();
    for (i, seg) in segs.iter().enumerate() {
        if next.peek() == Some(&&i) {
            next.next();
            continue;
        }
        out.push_str(seg.raw());
    }
    std::borrow::Cow::Owned(out)
}

/// The byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
pub(super) fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Tag names the passes ask about, in lower case; any other name as `"?"`
/// unless it is already lower case (the passes only compare names).
fn lower_static(name: &str) -> &str {
    if name.bytes().all(|b| !b.is_ascii_uppercase()) {
        return name;
    }
    KNOWN.iter().find(|k| k.eq_ignore_ascii_case(name)).copied().unwrap_or("?")
}

/// Every name [`lower_static`] may need to give in lower case.
const KNOWN: &[&str] = &[
    "a",
    "address",
    "area",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "img",
    "li",
    "legend",
    "map",
    "math",
    "menu",
    "nav",
    "ol",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_limit_loses_its_tags_not_its_text() {
        assert_eq!(limit_nesting("<div><div><div>x</div></div></div>", 2), "<div><div>x</div></div>");
        let paragraphs = "<p>a<p>b<p>c<p>d";
        assert_eq!(limit_nesting(paragraphs, 2), paragraphs);
        assert_eq!(limit_nesting("<ul><li>a<li>b</ul><br><img src=x>", 2), "<ul><li>a<li>b</ul><br><img src=x>");
    }

    #[test]
    fn pieces_cover_the_text_in_order() {
        let html = "a<p class=\"x>y\">b</P><!--more-->c < d<pre>\n<b>x</b></pre><br/>";
        let segs = segments(html);
        let joined: String = segs.iter().map(Seg::raw).collect();
        assert_eq!(joined, html);
        assert!(segs.contains(&Seg::Tag { raw: "<p class=\"x>y\">", name: "p", closing: false }));
        assert!(segs.contains(&Seg::Tag { raw: "</P>", name: "p", closing: true }));
        assert!(segs.contains(&Seg::Comment { raw: "<!--more-->", inner: "more" }));
        assert!(segs.contains(&Seg::Raw { raw: "<pre>\n<b>x</b></pre>", name: "pre" }));
        assert!(segs.contains(&Seg::Text("c < d")));
    }

    #[test]
    fn unfinished_pieces_run_to_the_end_or_are_text() {
        assert_eq!(segments("x<!-- open"), vec![Seg::Text("x"), Seg::Comment { raw: "<!-- open", inner: " open" }]);
        assert_eq!(segments("x<a href=\"y"), vec![Seg::Text("x<a href=\"y")]);
        assert_eq!(segments("<script>a<b"), vec![Seg::Raw { raw: "<script>a<b", name: "script" }]);
        assert_eq!(segments("<!-->x"), vec![Seg::Comment { raw: "<!-->", inner: "" }, Seg::Text("x")]);
    }
}
