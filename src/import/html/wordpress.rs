//! What WordPress keeps in the text of a post rather than in its markup:
//! shortcodes (`[caption]`, `[gallery]`, `[embed]`), URLs standing alone
//! on a line (embeds), and in the classic editor the paragraphs themselves,
//! which `wpautop` makes from blank lines when the post is shown.

use super::scan::{Seg, find_ignore_case, segments};
use super::{Notes, embed_host};
use crate::import::Topic;

/// Block elements as `wpautop` knows them: no paragraph is opened around them.
const BLOCKS: &[&str] = &[
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "blockquote",
    "address",
    "math",
    "style",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
    "details",
    "menu",
    "summary",
];

/// Blocks that hold text (or, for a figure, an image) themselves: what
/// stands at their start is not put in a paragraph.
const TEXT_BLOCKS: &[&str] =
    &["figure", "p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "figcaption", "summary", "legend", "address"];

pub(super) fn is_block(name: &str) -> bool {
    BLOCKS.contains(&name)
}

/// Prepares a WordPress body for the parser: shortcodes, bare embed URLs,
/// and (for a classic-editor post, one without block comments) paragraphs.
pub(super) fn prepare(html: &str, classic: bool, notes: &mut Notes) -> String {
    let mut guard = Guard::new();
    let protected = guard.protect(html);
    let with_shortcodes = shortcodes(&protected, notes);
    let with_links = bare_urls(&with_shortcodes, notes);
    let text = if classic { autop(&with_links) } else { with_links };
    guard.restore(&text)
}

/// Keeps preformatted and raw-text elements out of the text passes: each
/// is replaced by a token of private-use characters, put back at the end.
struct Guard {
    kept: Vec<String>,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl Guard {
    fn new() -> Self {
        Guard { kept: Vec::new() }
    }

    fn protect(&mut self, html: &str) -> String {
        // The token characters are private use: any in the input go, so that no token is forged.
        let html = html.replace([OPEN, CLOSE], "\u{FFFD}");
        let mut out = String::with_capacity(html.len());
        for seg in segments(&html) {
            match seg {
                Seg::Raw { raw, name } => {
                    // A `pre` is a block to wpautop: the token stands for a tag, so that it is one too.
                    let block = name == "pre";
                    if block {
                        out.push_str("\n\n");
                    }
                    out.push(OPEN);
                    out.push_str(&self.kept.len().to_string());
                    out.push(CLOSE);
                    if block {
                        out.push_str("\n\n");
                    }
                    self.kept.push(raw.to_string());
                }
                other => out.push_str(other.raw()),
            }
        }
        out
    }

    fn restore(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find(OPEN) {
            out.push_str(&rest[..open]);
            let after = &rest[open + OPEN.len_utf8()..];
            let Some(close) = after.find(CLOSE) else {
                rest = after;
                continue;
            };
            if let Some(kept) = after[..close].parse::<usize>().ok().and_then(|i| self.kept.get(i)) {
                out.push_str(kept);
            }
            rest = &after[close + CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        out
    }
}

/// A shortcode found in the text.
struct Shortcode<'a> {
    name: &'a str,
    attrs: &'a str,
    /// The enclosed content, for `[x]…[/x]`.
    content: Option<&'a str>,
    /// Byte length of the whole, from its `[`.
    len: usize,
}

/// Shortcodes every WordPress site has (core's own), taken as shortcodes even with nothing else to show it.
const CORE: &[&str] = &["caption", "wp_caption", "gallery", "embed", "audio", "video", "playlist"];

/// Membership plugins' shortcodes that show their content to some readers
/// only (Restrict Content Pro, Paid Memberships Pro, MemberPress, s2Member,
/// Members, WooCommerce Memberships, Simple Membership, Ultimate Member):
/// lede cannot say that, so a post holding one is for members.
const RESTRICTING: &[&str] = &[
    "restrict",
    "membership",
    "mepr-active",
    "mepr-show",
    "mepr-hide",
    "s2if",
    "members_access",
    "members_logged_in",
    "wcm_restrict",
    "swpm_protected",
    "um_show_content",
    "um_loggedin",
];

/// Reads the shortcode starting at the `[` that begins `text`, if one does.
fn shortcode_at(text: &str) -> Option<Shortcode<'_>> {
    let b = text.as_bytes();
    let name_len = b.iter().skip(1).take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-').count();
    if name_len == 0 || !b[1].is_ascii_alphabetic() {
        return None;
    }
    let name = &text[1..1 + name_len];
    let after_name = &text[1 + name_len..];
    if !(after_name.starts_with(']') || after_name.starts_with(' ') || after_name.starts_with('/') || after_name.starts_with('\t')) {
        return None;
    }
    let close = after_name.find(']')?;
    let attrs = after_name[..close].trim();
    if attrs.contains(['[', '\n', '<']) {
        return None;
    }
    let open_len = 1 + name_len + close + 1;
    let self_closing = attrs.ends_with('/');
    let attrs = attrs.trim_end_matches('/').trim();
    let end_tag = format!("[/{name}]");
    let content = if self_closing { None } else { text[open_len..].find(&end_tag).map(|p| &text[open_len..open_len + p]) };
    let known = CORE.iter().chain(RESTRICTING).any(|c| c.eq_ignore_ascii_case(name));
    if !known && content.is_none() && !attrs.contains('=') {
        // `[sic]`, `[1]`, `[Update]`: brackets in prose, not a shortcode.
        return None;
    }
    let len = open_len + content.map_or(0, |c| c.len() + end_tag.len());
    Some(Shortcode { name, attrs, content, len })
}

/// The value of attribute `key` in a shortcode's attribute text.
fn attr<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let name_len = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            if name.is_empty() {
                break;
            }
            continue;
        };
        let after = after.trim_start();
        let (value, next) = match after.chars().next() {
            Some(q @ ('"' | '\'' | '\u{201D}' | '\u{2033}')) => {
                let body = &after[q.len_utf8()..];
                let end = body.find(q).unwrap_or(body.len());
                (&body[..end], body.get(end + q.len_utf8()..).unwrap_or(""))
            }
            _ => {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        if name.eq_ignore_ascii_case(key) {
            return Some(value);
        }
        rest = next;
    }
    None
}

/// Escapes text for an attribute value in double quotes.
fn attr_escape(text: &str) -> String {
    text.replace('"', "&quot;").replace('<', "&lt;")
}

/// Turns the shortcodes lede can say into markup, and notes the others,
/// which stay as text for a person to look at.
fn shortcodes(text: &str, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let here = &rest[open..];
        // `[[x]]` is WordPress's way to write a shortcode as text.
        if here.starts_with("[[")
            && let Some(code) = shortcode_at(&here[1..])
            && here[1 + code.len..].starts_with(']')
        {
            out.push_str(&here[1..1 + code.len]);
            rest = &here[code.len + 2..];
            continue;
        }
        let Some(code) = shortcode_at(here) else {
            out.push('[');
            rest = &here[1..];
            continue;
        };
        out.push_str(&convert_shortcode(&code, &here[..code.len], notes));
        rest = &here[code.len..];
    }
    out.push_str(rest);
    out
}

fn convert_shortcode(code: &Shortcode<'_>, whole: &str, notes: &mut Notes) -> String {
    let name = code.name.to_ascii_lowercase();
    if RESTRICTING.contains(&name.as_str()) {
        notes.add(
            Topic::Paywall,
            format!("a [{}] shortcode shows part of the body to some readers only: lede cannot say that, so the post is for members", code.name),
        );
        return whole.to_string();
    }
    match name.as_str() {
        "caption" | "wp_caption" => caption(code),
        "embed" => {
            let url = code.content.unwrap_or("").trim();
            if url.is_empty() || url.contains(['<', '"', ' ']) {
                notes.add(Topic::Shortcode, format!("an [embed] shortcode kept as text: {}", shorten(whole)));
                return whole.to_string();
            }
            notes.add(Topic::Shortcode, format!("an [embed] of {} became a link", embed_host(url)));
            format!("\n\n<p><a href=\"{0}\">{0}</a></p>\n\n", attr_escape(url))
        }
        "audio" | "video" => {
            let keys: &[&str] = if name == "audio" { &["src", "mp3", "m4a", "ogg", "wav", "wma"] } else { &["src", "mp4", "m4v", "webm", "ogv", "wmv", "flv"] };
            let Some(src) = keys.iter().find_map(|k| attr(code.attrs, k)).filter(|s| !s.is_empty()) else {
                notes.add(Topic::Shortcode, format!("a [{name}] shortcode without a file kept as text: {}", shorten(whole)));
                return whole.to_string();
            };
            let poster = attr(code.attrs, "poster").map(|p| format!(" poster=\"{}\"", attr_escape(p))).unwrap_or_default();
            notes.add(Topic::Shortcode, format!("a [{name}] shortcode became an `<{name}>` element"));
            format!("\n\n<{name} controls src=\"{}\"{poster}></{name}>\n\n", attr_escape(src))
        }
        "gallery" => {
            let what = if code.attrs.is_empty() { String::new() } else { format!(" ({})", code.attrs) };
            notes.add(Topic::Shortcode, format!("a [gallery] shortcode{what} kept as text: lede makes no galleries, put its images in by hand"));
            format!("\n\n<p>{}</p>\n\n", whole.replace('<', "&lt;"))
        }
        _ => {
            notes.add(Topic::Shortcode, format!("a [{}] shortcode kept as text: lede does not run WordPress shortcodes", code.name));
            whole.to_string()
        }
    }
}

/// The start of a long text, for a note.
fn shorten(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
}

/// `[caption]<a><img></a> Text[/caption]` as a figure with its caption.
fn caption(code: &Shortcode<'_>) -> String {
    let content = code.content.unwrap_or("").trim();
    let (image, text) = match find_ignore_case(content, "<img") {
        Some(img) => {
            let img_end = content[img..].find('>').map_or(content.len(), |g| img + g + 1);
            let before = content[..img].trim();
            // A link around the image goes with it (`<a href=…><img …></a>`).
            let linked = before.get(..2).is_some_and(|a| a.eq_ignore_ascii_case("<a")) && before.ends_with('>') && !before[1..].contains('<');
            let start = if linked { content.find(before).unwrap_or(img) } else { img };
            let after = &content[img_end..];
            let end = match find_ignore_case(after, "</a>") {
                Some(p) if linked && after[..p].trim().is_empty() => img_end + p + 4,
                _ => img_end,
            };
            let lead = if start > 0 && !linked { &content[..start] } else { "" };
            (format!("{lead}{}", &content[start..end]), content[end..].trim().to_string())
        }
        None => (String::new(), content.to_string()),
    };
    let text = if text.is_empty() { attr(code.attrs, "caption").unwrap_or("").trim().to_string() } else { text };
    let caption = if text.is_empty() { String::new() } else { format!("<figcaption>{text}</figcaption>") };
    format!("\n\n<figure>{image}{caption}</figure>\n\n")
}

/// A URL alone on a line is an embed in WordPress: it becomes a link (the
/// text is the URL, so it reads as one); the embed hosts are noted.
fn bare_urls(text: &str, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim();
        let is_url = (body.starts_with("http://") || body.starts_with("https://"))
            && body.len() > 8
            && !body.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '[' | ']'));
        if !is_url {
            out.push_str(line);
            continue;
        }
        let host = embed_host(body);
        if is_embed_host(&host) {
            notes.add(Topic::Shortcode, format!("an embed of {host} (a URL on its own line) became a link"));
        }
        let start = line.len() - line.trim_start().len();
        out.push_str(&line[..start]);
        out.push_str(&format!("<a href=\"{0}\">{0}</a>", body.replace('&', "&amp;")));
        out.push_str(&line[start + body.len()..]);
    }
    out
}

/// Hosts WordPress turns a bare URL of into a player or a card.
fn is_embed_host(host: &str) -> bool {
    const HOSTS: &[&str] = &[
        "youtube.com",
        "youtu.be",
        "vimeo.com",
        "twitter.com",
        "x.com",
        "soundcloud.com",
        "spotify.com",
        "instagram.com",
        "flickr.com",
        "tiktok.com",
        "dailymotion.com",
        "ted.com",
        "reddit.com",
        "slideshare.net",
        "mixcloud.com",
        "kickstarter.com",
    ];
    HOSTS.iter().any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// WordPress's `wpautop`, closely enough: blank lines end paragraphs, a
/// single newline inside one is a line break, nothing is wrapped around
/// or inside block elements, and `<pre>` is left alone (it is guarded).
fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // Two line breaks in a row are a paragraph break; a block tag starts and ends on its own.
    let mut spaced = String::with_capacity(text.len() + text.len() / 8);
    let segs = segments(&text);
    let mut i = 0;
    while i < segs.len() {
        let seg = segs[i];
        match seg {
            Seg::Tag { name: "br", closing: false, .. } => {
                let mut j = i + 1;
                while let Some(Seg::Text(t)) = segs.get(j)
                    && t.trim().is_empty()
                {
                    j += 1;
                }
                if let Some(Seg::Tag { name: "br", closing: false, .. }) = segs.get(j) {
                    spaced.push_str("\n\n");
                    i = j + 1;
                    continue;
                }
                spaced.push_str(seg.raw());
            }
            Seg::Tag { raw, name, closing } => {
                // A newline inside a tag is not a line of text.
                let raw = raw.replace('\n', " ");
                let block = is_block(name);
                if block && !closing {
                    spaced.push_str("\n\n");
                }
                spaced.push_str(&raw);
                if block && (closing || name == "hr") {
                    spaced.push_str("\n\n");
                }
            }
            other => spaced.push_str(other.raw()),
        }
        i += 1;
    }
    let mut out = String::with_capacity(spaced.len() + spaced.len() / 4);
    for chunk in paragraphs(&spaced) {
        out.push_str(&wrap(chunk));
        out.push('\n');
    }
    out
}

/// The non-blank pieces of `text` between blank lines.
fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut blank_run = false;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if blank && !blank_run {
            out.push(&text[start..offset]);
        }
        if !blank && blank_run {
            start = offset;
        }
        blank_run = blank;
        offset += line.len();
    }
    if !blank_run {
        out.push(&text[start..]);
    }
    out.into_iter().map(str::trim).filter(|c| !c.is_empty()).collect()
}

/// One piece between blank lines as `wpautop` leaves it: block tags at its
/// edges stay outside, the text between them is a paragraph unless a text
/// block holds it, and its newlines are line breaks.
fn wrap(chunk: &str) -> String {
    let segs = segments(chunk);
    let is_edge = |s: &Seg<'_>| match s {
        Seg::Tag { name, .. } => is_block(name),
        Seg::Text(t) => t.trim().is_empty() || is_guard_token(t.trim()),
        Seg::Comment { .. } | Seg::Other(_) => true,
        Seg::Raw { name, .. } => *name != "script",
    };
    let lead = segs.iter().take_while(|s| is_edge(s)).count();
    let trail = segs[lead..].iter().rev().take_while(|s| is_edge(s)).count();
    let middle = &segs[lead..segs.len() - trail];
    let join = |s: &[Seg<'_>]| s.iter().map(Seg::raw).collect::<String>();
    if middle.is_empty() {
        return join(&segs);
    }
    let opened_by_text_block = segs[..lead].iter().rev().find_map(|s| match s {
        Seg::Tag { name, closing, .. } => Some(!closing && TEXT_BLOCKS.contains(name)),
        _ => None,
    });
    let closed_by_text_block = segs[segs.len() - trail..].iter().find_map(|s| match s {
        Seg::Tag { name, closing, .. } => Some(*closing && TEXT_BLOCKS.contains(name)),
        _ => None,
    });
    let in_text_block = opened_by_text_block == Some(true) || closed_by_text_block == Some(true);
    let mut body = String::new();
    for seg in middle {
        match seg {
            Seg::Text(t) => body.push_str(&t.replace('\n', "<br />\n")),
            other => body.push_str(other.raw()),
        }
    }
    let (open, close) = if in_text_block { ("", "") } else { ("<p>", "</p>") };
    format!("{}{open}{}{close}{}", join(&segs[..lead]), body.trim(), join(&segs[segs.len() - trail..]))
}

/// Whether `text` is one guard token standing for a `pre` (a block).
fn is_guard_token(text: &str) -> bool {
    text.starts_with(OPEN) && text.ends_with(CLOSE) && text.chars().filter(|c| *c == OPEN).count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(html: &str, classic: bool) -> (String, Vec<(Topic, String)>) {
        let mut notes = Notes::default();
        let out = prepare(html, classic, &mut notes);
        (out, notes.into_vec())
    }

    #[test]
    fn autop_makes_paragraphs_and_line_breaks_but_not_in_pre_or_around_blocks() {
        let (out, _) = prep("First line\nsecond line\n\nNext <b>para</b>\n<pre>a\n\nb</pre>\n<ul>\n<li>one\ntwo</li>\n</ul>\n\nLast", true);
        assert_eq!(
            out,
            "<p>First line<br />\nsecond line</p>\n<p>Next <b>para</b></p>\n<pre>a\n\nb</pre>\n<ul>\n<li>one<br />\ntwo</li>\n</ul>\n<p>Last</p>\n"
        );
    }

    #[test]
    fn autop_leaves_text_blocks_alone_and_splits_at_double_breaks() {
        let (out, _) = prep("<h2>Title</h2>\nText<br><br>More\n<div>in a div</div>", true);
        assert_eq!(out, "<h2>Title</h2>\n<p>Text</p>\n<p>More</p>\n<div><p>in a div</p></div>\n");
    }

    #[test]
    fn caption_becomes_a_figure() {
        let (out, notes) = prep(
            "[caption id=\"attachment_7\" align=\"alignnone\" width=\"300\"]<a href=\"/big.jpg\"><img src=\"/x.jpg\" alt=\"\" /></a> A <em>fine</em> view[/caption]",
            false,
        );
        assert_eq!(out.trim(), "<figure><a href=\"/big.jpg\"><img src=\"/x.jpg\" alt=\"\" /></a><figcaption>A <em>fine</em> view</figcaption></figure>");
        assert!(notes.is_empty());
    }

    #[test]
    fn caption_text_of_any_script_is_read_whole() {
        let (out, _) = prep("[caption]xé<img src=\"/a.jpg\"> Légende été[/caption]", false);
        assert_eq!(out.trim(), "<figure>xé<img src=\"/a.jpg\"><figcaption>Légende été</figcaption></figure>");
    }

    #[test]
    fn gallery_and_unknown_shortcodes_stay_visible_with_a_note() {
        let (out, notes) = prep("[gallery ids=\"1,2\"]\n\n[contact-form-7 id=\"5\"] and [sic] and [[gallery]]", true);
        assert!(out.contains("<p>[gallery ids=\"1,2\"]</p>"), "{out}");
        assert!(out.contains("[contact-form-7 id=\"5\"] and [sic] and [gallery]"), "{out}");
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].1.contains("[gallery]") && notes[1].1.contains("[contact-form-7]"), "{notes:?}");
    }

    #[test]
    fn membership_shortcodes_are_paywall_notes() {
        let (out, notes) = prep("Free.\n\n[restrict]Paid.[/restrict] and [S2If is_user_logged_in()]Paid.[/S2If]", true);
        assert!(out.contains("[restrict]Paid.[/restrict]"), "{out}");
        let topics: Vec<Topic> = notes.iter().map(|(t, _)| *t).collect();
        assert_eq!(topics, [Topic::Paywall, Topic::Paywall], "{notes:?}");
    }

    #[test]
    fn embeds_and_bare_video_urls_become_links() {
        let (out, notes) = prep("[embed]https://vimeo.com/1234[/embed]\n\nhttps://www.youtube.com/watch?v=abc&t=1\n\nsee https://x.org inline", true);
        assert!(out.contains("<a href=\"https://vimeo.com/1234\">https://vimeo.com/1234</a>"), "{out}");
        assert!(out.contains("<p><a href=\"https://www.youtube.com/watch?v=abc&amp;t=1\">https://www.youtube.com/watch?v=abc&amp;t=1</a></p>"), "{out}");
        assert!(out.contains("see https://x.org inline"), "{out}");
        assert!(notes.iter().any(|(_, n)| n.contains("vimeo.com")) && notes.iter().any(|(_, n)| n.contains("youtube.com")), "{notes:?}");
    }

    #[test]
    fn guarded_text_is_put_back_whole() {
        let (out, _) = prep("<pre>[gallery]\nhttps://youtu.be/x</pre>\u{E000}0\u{E001}", false);
        assert!(out.contains("<pre>[gallery]\nhttps://youtu.be/x</pre>"), "{out}");
        assert!(!out.contains('\u{E000}'), "{out}");
    }
}
