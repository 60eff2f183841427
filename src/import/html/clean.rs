//! The parsed tree made ready to convert: what has no place in a lede
//! article taken out (scripts, forms, subscribe widgets, players' chrome),
//! the tools' cards reduced to what they say, footnotes gathered, the
//! Substack cut found, the old site's URLs made root-relative, and a note
//! for every embed and every image left on another host.

use std::collections::BTreeSet;

use super::dom::{self, Handle};
use super::{Convert, Notes, embed_host};
use crate::import::{Dialect, Topic};

/// What the pass found that the conversion needs.
#[derive(Default)]
pub(super) struct Found {
    /// Substack footnotes: label and the element holding the note's text.
    pub footnotes: Vec<(String, Handle)>,
    /// The footnotes' own elements, taken out of the tree: held so that
    /// their text is not dropped with them (a dropped node empties its subtree).
    pub taken: Vec<Handle>,
    /// Substack's cut elements (`paywall-jump`).
    pub cuts: Vec<Handle>,
}

/// Elements that never carry a reader's text, dropped silently.
const SILENT: &[&str] =
    &["style", "noscript", "template", "svg", "button", "input", "select", "textarea", "link", "meta", "title", "head", "canvas", "map", "area", "wbr"];

/// Classes of things that only work on the old platform: widgets and the chrome of its players.
const CHROME: &[&str] = &[
    "kg-video-overlay",
    "kg-video-player-container",
    "kg-audio-player",
    "kg-audio-thumbnail",
    "kg-bookmark-thumbnail",
    "kg-bookmark-metadata",
    "kg-bookmark-description",
    "kg-file-card-icon",
    "kg-file-card-metadata",
    "image-link-expand",
    "embedded-post-header",
    "embedded-post-body",
    "embedded-post-meta",
    "embedded-post-read-more",
];

/// Runs the pass over `body`.
pub(super) fn clean(body: &Handle, how: &Convert<'_>, notes: &mut Notes) -> Found {
    let mut found = Found::default();
    let mut footnote_refs = BTreeSet::new();
    let mut footnote_defs = Vec::new();
    let mut stack = dom::children(body);
    stack.reverse();
    while let Some(node) = stack.pop() {
        let Some(tag) = dom::tag(&node) else {
            if dom::is_comment(&node) {
                dom::detach(&node);
            }
            continue;
        };
        let tag = tag.to_string();
        match decide(&node, &tag, how, notes, &mut found) {
            Decision::Drop => {
                dom::detach(&node);
                continue;
            }
            Decision::Unwrap => {
                let mut kids = dom::children(&node);
                dom::unwrap(&node);
                kids.reverse();
                stack.extend(kids);
                continue;
            }
            Decision::Keep => {}
        }
        if tag == "a" && dom::has_class(&node, "footnote-anchor") {
            if let Some(label) = dom::attr(&node, "href").as_deref().and_then(footnote_label) {
                footnote_refs.insert(label);
            }
        } else if dom::has_class(&node, "footnote") && !dom::is(&node, "a") {
            footnote_defs.push(node.clone());
        }
        let mut kids = dom::children(&node);
        kids.reverse();
        stack.extend(kids);
    }
    for def in footnote_defs {
        let number = dom::find(&def, |n| dom::has_class(n, "footnote-number"));
        let label = number.as_ref().and_then(|n| dom::attr(n, "id")).or_else(|| dom::attr(&def, "id")).and_then(|id| footnote_label(&format!("#{id}")));
        let content = dom::find(&def, |n| dom::has_class(n, "footnote-content"));
        if let (Some(label), Some(content)) = (label, content)
            && footnote_refs.contains(&label)
            && !found.footnotes.iter().any(|(l, _)| *l == label)
        {
            dom::detach(&def);
            found.footnotes.push((label, content));
            found.taken.push(def);
        }
    }
    drop_edge_breaks(body);
    trim_around_breaks(body);
    mark_escapes(body);
    urls(body, how.site_url, notes);
    found
}

/// `#footnote-3` → `3`: the labels Substack gives its notes.
fn footnote_label(href: &str) -> Option<String> {
    let label = href.strip_prefix("#footnote-")?;
    (!label.is_empty() && label.len() <= 20 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')).then(|| label.to_string())
}

/// What becomes of one element.
enum Decision {
    Keep,
    Drop,
    /// Its children take its place.
    Unwrap,
}

/// Decides about one element before its children are seen: dropped (with
/// a note where a reader could miss it), unwrapped, or kept; cards are
/// reduced in place.
fn decide(node: &Handle, tag: &str, how: &Convert<'_>, notes: &mut Notes, found: &mut Found) -> Decision {
    use Decision::{Drop, Keep, Unwrap};
    if SILENT.contains(&tag) || CHROME.iter().any(|c| dom::has_class(node, c)) {
        return Drop;
    }
    match tag {
        "script" => {
            let what = dom::attr(node, "src").map(|s| format!("from {}", embed_host(&s))).unwrap_or_else(|| "written in the post".into());
            notes.add(Topic::Shortcode, format!("a script ({what}) was dropped: an embed that needs it shows as its plain fallback"));
            return Drop;
        }
        "form" => {
            notes.add(Topic::Shortcode, "a form was dropped: a static page cannot send it (lede pages have their own subscribe form)");
            return Drop;
        }
        "iframe" if dom::attr(node, "src").is_none_or(|s| s.trim().is_empty()) => {
            notes.add(Topic::Shortcode, "an iframe without a source was dropped");
            return Drop;
        }
        "object" | "embed" | "applet" => {
            notes.add(Topic::Shortcode, format!("an `<{tag}>` (a plug-in embed) was dropped"));
            return Drop;
        }
        _ => {}
    }
    if dom::has_class(node, "paywall-jump") || dom::attr(node, "data-component-name").as_deref() == Some("PaywallToDOM") {
        if how.dialect == Dialect::Substack {
            found.cuts.push(node.clone());
            return Keep;
        }
        return Drop;
    }
    if is_subscribe_widget(node) {
        notes.add(Topic::Shortcode, "a subscribe or share button was dropped: lede pages have their own subscribe box");
        return Drop;
    }
    if dom::has_class(node, "kg-signup-card") {
        notes.add(Topic::Shortcode, "a Ghost signup card was dropped: lede pages have their own subscribe box");
        return Drop;
    }
    if dom::has_class(node, "dynamic-content-block") {
        let audiences = dom::attr(node, "data-dynamic-audiences").unwrap_or_default();
        let everyone = audiences.split([',', ' ']).any(|a| matches!(a.trim(), "" | "everyone" | "non_sub" | "all"));
        if !everyone {
            notes.add(
                Topic::Paywall,
                format!("part of the body is shown only to some readers ({audiences}) in Substack: lede cannot say that, so the post is for members"),
            );
        }
    }
    // `<b><strong>x</strong></b>` is one emphasis, not `****x****`.
    let same = |names: &'static [&'static str]| names.contains(&tag) && dom::has_ancestor(node, |a| dom::tag(a).is_some_and(|t| names.contains(&t)));
    if same(&["b", "strong"]) || same(&["i", "em"]) {
        return Unwrap;
    }
    if matches!(tag, "ul" | "ol") {
        tighten(node);
    }
    if tag == "a" && dom::has_class(node, "image-link") && dom::find(node, |n| dom::is(n, "img")).is_some() {
        // Substack links every image to its full size on its CDN: the image alone is what the author put there.
        return Unwrap;
    }
    reduce_card(node);
    Keep
}

/// A list whose every item is one paragraph (as Substack writes them) is
/// a tight list: the paragraphs are unwrapped.
fn tighten(list: &Handle) {
    let items: Vec<Handle> = dom::children(list).into_iter().filter(|c| dom::is(c, "li")).collect();
    let single_p = |li: &Handle| {
        let kids = dom::children(li);
        let mut elements = kids.iter().filter(|k| dom::tag(k).is_some());
        let only = elements.next().filter(|p| dom::is(p, "p")).is_some() && elements.next().is_none();
        only && kids.iter().all(|k| dom::tag(k).is_some() || dom::text_of(k).is_some_and(|t| t.trim().is_empty()))
    };
    if !items.is_empty() && items.iter().all(single_p) {
        for li in items {
            if let Some(p) = dom::children(&li).into_iter().find(|k| dom::is(k, "p")) {
                dom::unwrap(&p);
            }
        }
    }
}

/// Elements a line break cannot reach past: one at their start or end breaks nothing.
fn is_blockish(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "div"
            | "td"
            | "th"
            | "dd"
            | "dt"
            | "figcaption"
            | "figure"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "body"
            | "caption"
            | "summary"
            | "details"
            | "ul"
            | "ol"
            | "table"
            | "tr"
            | "pre"
    )
}

/// Whether a node shows anything: text other than spaces, or an element
/// with some (line breaks excepted), or one that is seen without text.
fn shows(node: &Handle) -> bool {
    match dom::tag(node) {
        None => dom::text_of(node).is_some_and(|t| !t.trim().is_empty()),
        Some("br") => false,
        Some("img" | "iframe" | "video" | "audio" | "hr" | "table") => true,
        Some(_) => {
            !dom::text_content(node).trim().is_empty()
                || dom::find(node, |n| matches!(dom::tag(n), Some("img" | "iframe" | "video" | "audio" | "hr"))).is_some()
        }
    }
}

/// Whether nothing that shows stands between the node and the start (or
/// the end, `forward`) of the block it is in.
fn at_block_edge(node: &Handle, forward: bool) -> bool {
    let mut current = node.clone();
    loop {
        let Some(parent) = dom::parent(&current) else { return true };
        let siblings = dom::children(&parent);
        let Some(at) = siblings.iter().position(|s| std::rc::Rc::ptr_eq(s, &current)) else { return true };
        let rest = if forward { &siblings[at + 1..] } else { &siblings[..at] };
        if rest.iter().any(shows) {
            return false;
        }
        if dom::tag(&parent).is_some_and(is_blockish) {
            return true;
        }
        current = parent;
    }
}

/// A line break at the start or end of a block breaks nothing in HTML,
/// but in Markdown a `\` there is a visible backslash.
fn drop_edge_breaks(body: &Handle) {
    let breaks: Vec<Handle> = dom::descendants(body).into_iter().filter(|n| dom::is(n, "br")).collect();
    for br in breaks {
        if !dom::has_ancestor(&br, |a| dom::is(a, "pre")) && (at_block_edge(&br, true) || at_block_edge(&br, false)) {
            dom::detach(&br);
        }
    }
}

/// Spaces around a line break are not text: a newline after `<br>` would
/// start the next line of Markdown with a space.
fn trim_around_breaks(body: &Handle) {
    for br in dom::descendants(body).into_iter().filter(|n| dom::is(n, "br")) {
        if dom::has_ancestor(&br, |a| dom::is(a, "pre")) {
            continue;
        }
        let Some(parent) = dom::parent(&br) else { continue };
        let siblings = dom::children(&parent);
        let Some(at) = siblings.iter().position(|s| std::rc::Rc::ptr_eq(s, &br)) else { continue };
        if let Some(next) = siblings.get(at + 1)
            && let Some(text) = dom::text_of(next)
        {
            dom::set_text(next, text.trim_start());
        }
        if let Some(prev) = at.checked_sub(1).and_then(|i| siblings.get(i))
            && let Some(text) = dom::text_of(prev)
        {
            dom::set_text(prev, text.trim_end());
        }
    }
}

/// Marks, in text that becomes Markdown, what Markdown would misread and
/// htmd does not escape: `&name;` (a character reference to Markdown) and
/// `1)` opening a text (an ordered list item). Code is left alone.
fn mark_escapes(body: &Handle) {
    for node in dom::descendants(body) {
        let Some(text) = dom::text_of(&node) else { continue };
        let starts_list = {
            let t = text.trim_start();
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            (1..=9).contains(&digits) && t[digits..].starts_with(')') && t[digits + 1..].chars().next().is_none_or(char::is_whitespace)
        };
        if !(starts_list || text.contains('&')) || dom::has_ancestor(&node, |a| matches!(dom::tag(a), Some("pre" | "code" | "script" | "style"))) {
            continue;
        }
        let mut out = String::with_capacity(text.len() + 2);
        let mut rest = text.as_str();
        if starts_list && let Some(paren) = rest.find(')') {
            out.push_str(&rest[..paren]);
            out.push(super::PAREN);
            rest = &rest[paren..];
        }
        for (i, c) in rest.char_indices() {
            if c == '&' && is_reference(&rest[i + 1..]) {
                out.push(super::AMP);
            } else {
                out.push(c);
            }
        }
        dom::set_text(&node, &out);
    }
}

/// Whether text after an `&` reads as a character reference: `name;`, `#123;`, `#x1F;`.
fn is_reference(after: &str) -> bool {
    let b = after.as_bytes();
    let (digits, start): (fn(&u8) -> bool, usize) = match (b.first(), b.get(1)) {
        (Some(b'#'), Some(b'x' | b'X')) => (u8::is_ascii_hexdigit, 2),
        (Some(b'#'), _) => (u8::is_ascii_digit, 1),
        (Some(c), _) if c.is_ascii_alphabetic() => (u8::is_ascii_alphanumeric, 0),
        _ => return false,
    };
    let n = b[start..].iter().take_while(|c| digits(c)).count();
    (1..=32).contains(&n) && b.get(start + n) == Some(&b';')
}

/// Substack's subscribe widget, and its buttons that only work on Substack (subscribe, share, comment).
fn is_subscribe_widget(node: &Handle) -> bool {
    let class = dom::attr(node, "class").unwrap_or_default();
    let classes: Vec<&str> = class.split_ascii_whitespace().collect();
    if classes.iter().any(|c| c.starts_with("subscription-widget") || *c == "subscribe-widget" || *c == "install-substack-app-embed") {
        return true;
    }
    if !classes.contains(&"button-wrapper") {
        return false;
    }
    let href = dom::find(node, |n| dom::is(n, "a")).and_then(|a| dom::attr(&a, "href")).unwrap_or_default();
    let data = dom::attr(node, "data-attrs").unwrap_or_default();
    ["/subscribe", "action=share", "utm_content=share", "/comments", "%%checkout_url%%", "/account"].iter().any(|p| href.contains(p) || data.contains(p))
}

/// Cards whose message is a link (Ghost's bookmark and file cards,
/// Substack's embedded posts): the link keeps its title as its text.
fn reduce_card(node: &Handle) {
    let (link_class, title_classes): (&str, &[&str]) = if dom::has_class(node, "kg-bookmark-card") {
        ("kg-bookmark-container", &["kg-bookmark-title"])
    } else if dom::has_class(node, "kg-file-card") {
        ("kg-file-card-container", &["kg-file-card-title", "kg-file-card-filename"])
    } else if dom::has_class(node, "embedded-post-wrap") {
        ("embedded-post", &["embedded-post-title"])
    } else {
        return;
    };
    let Some(link) = dom::find(node, |n| dom::is(n, "a") && dom::has_class(n, link_class)) else { return };
    let title = title_classes
        .iter()
        .filter_map(|c| dom::find(&link, |n| dom::has_class(n, c)))
        .map(|t| collapse(&dom::text_content(&t)))
        .find(|t| !t.is_empty())
        .or_else(|| dom::attr(&link, "href"))
        .unwrap_or_default();
    dom::set_children(&link, vec![dom::new_text(&title)]);
}

/// Runs of white space as one space, trimmed.
pub(super) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Links and media on the old site become root-relative; images, media
/// and embeds on other hosts are noted; tracking parameters go.
fn urls(body: &Handle, site_url: Option<&str>, notes: &mut Notes) {
    let site = site_url.and_then(host_of);
    for node in dom::descendants(body) {
        let Some(tag) = dom::tag(&node).map(str::to_string) else { continue };
        for name in ["href", "src", "poster"] {
            let Some(value) = dom::attr(&node, name) else { continue };
            let value = value.trim();
            let mut new = site.as_deref().and_then(|s| localize(value, s));
            if name == "href" && new.is_none() {
                new = without_tracking(value);
            }
            if let Some(new) = &new {
                dom::set_attr(&node, name, new);
            }
            let now = new.as_deref().unwrap_or(value);
            let remote = host_of(now).is_some();
            match (tag.as_str(), name) {
                ("img", "src") | ("video" | "audio" | "source", "src") | ("video", "poster") if remote => {
                    let what = if tag == "img" || name == "poster" { "an image" } else { "a media file" };
                    notes.add(Topic::RemoteImage, format!("{what} stays on {}: {now}", embed_host(now)));
                }
                ("iframe", "src") if remote => {
                    notes.add(Topic::Shortcode, format!("embed from {} kept as HTML: it loads another host's page", embed_host(now)));
                }
                _ => {}
            }
        }
        // Lazy-loading plugins keep the real image in `data-src`.
        if tag == "img"
            && let Some(lazy) = dom::attr(&node, "data-src").or_else(|| dom::attr(&node, "data-lazy-src"))
            && dom::attr(&node, "src").is_none_or(|s| s.starts_with("data:") || s.trim().is_empty())
            && !lazy.trim().is_empty()
        {
            let lazy = site.as_deref().and_then(|s| localize(&lazy, s)).unwrap_or(lazy);
            if dom::set_attr(&node, "src", &lazy) && host_of(&lazy).is_some() {
                notes.add(Topic::RemoteImage, format!("an image stays on {}: {lazy}", embed_host(&lazy)));
            }
        }
    }
}

/// The host of an absolute http(s) or protocol-relative URL, lower case, without `www.`.
pub(super) fn host_of(url: &str) -> Option<String> {
    let url = url.trim();
    let absolute = if url.starts_with("//") { format!("https:{url}") } else { url.to_string() };
    let parsed = url::Url::parse(&absolute).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_string).unwrap_or(host))
}

/// `url` as a root-relative path when it is on `site` (a host as [`host_of`] gives it).
fn localize(url: &str, site: &str) -> Option<String> {
    if host_of(url).as_deref() != Some(site) {
        return None;
    }
    let absolute = if url.starts_with("//") { format!("https:{url}") } else { url.to_string() };
    let parsed = url::Url::parse(&absolute).ok()?;
    let mut out = parsed.path().to_string();
    if let Some(q) = parsed.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = parsed.fragment() {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// The URL without `utm_*` parameters, when it had any.
fn without_tracking(url: &str) -> Option<String> {
    if !url.contains("utm_") {
        return None;
    }
    let mut parsed = url::Url::parse(url).ok()?;
    let kept: Vec<(String, String)> = parsed.query_pairs().filter(|(k, _)| !k.starts_with("utm_")).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some(parsed.to_string())
}
