//! What posts and pages share: their dates, slugs, old URLs and summaries,
//! read from an item's WordPress fields.

use html5gum::{Token, Tokenizer};
use jiff::tz::TimeZone;
use percent_encoding::percent_decode_str;

use super::wxr::{Export, Item};
use crate::dates::{PubDate, parse_date_text};
use crate::text::slugify;
use crate::urls::is_segment;

/// "post 42": how the report names an item.
pub fn origin(kind: &str, item: &Item) -> String {
    if item.id.is_empty() { format!("{kind} without id \u{201c}{}\u{201d}", item.title) } else { format!("{kind} {}", item.id) }
}

/// A `wp:post_date*` value: `None` for WordPress's "never" (`0000-00-00 00:00:00`).
fn wp_date(text: &str, utc: bool) -> Option<PubDate> {
    if text.is_empty() || text.starts_with("0000-00-00") {
        return None;
    }
    let mut date = parse_date_text(text)?;
    if utc {
        date.offset_seconds = Some(0);
    }
    Some(date)
}

/// An RSS `pubDate`. WordPress writes year -0001 for what was never published.
fn rss_date(text: &str) -> Option<PubDate> {
    let zoned = jiff::fmt::rfc2822::parse(text.trim()).ok()?;
    let datetime = zoned.datetime();
    if datetime.year() < 1 {
        return None;
    }
    Some(PubDate { datetime, offset_seconds: Some(zoned.offset().seconds()) })
}

/// The publication date: UTC when WordPress recorded it (an instant), else
/// the site's local time (no offset: the new site's clocks read it), else
/// the feed's date.
pub fn date(item: &Item) -> Option<PubDate> {
    wp_date(&item.date_gmt, true).or_else(|| wp_date(&item.date, false)).or_else(|| rss_date(&item.pub_date))
}

/// The last revision, when it is later than `date`.
pub fn updated(item: &Item, date: Option<PubDate>) -> Option<PubDate> {
    let date = date?;
    let modified = wp_date(&item.modified_gmt, true).or_else(|| wp_date(&item.modified, false))?;
    (instant(&modified) > instant(&date)).then_some(modified)
}

/// When a date falls, reading a date without an offset as UTC.
pub fn instant(date: &PubDate) -> jiff::Timestamp {
    date.published_at(&TimeZone::UTC)
}

/// A slug and, when it is not the one WordPress had, why.
pub struct Slug {
    /// The URL segment to use.
    pub value: String,
    /// What WordPress had, when it was not used as it was.
    pub changed: Option<String>,
}

/// The slug of an item: `wp:post_name` decoded (WordPress stores non-ASCII
/// slugs percent-encoded) when it is a URL segment, else a normalised form
/// of it or, when it is empty as drafts' often are, of the title.
pub fn slug(item: &Item, kind: &str) -> Slug {
    let decoded = percent_decode_str(&item.name).decode_utf8_lossy();
    if is_segment(&decoded) {
        return Slug { value: decoded.into_owned(), changed: None };
    }
    let value = if !decoded.trim().is_empty() {
        slugify(&decoded)
    } else if !plain_text(&item.title).is_empty() {
        slugify(&plain_text(&item.title))
    } else {
        format!("{kind}-{}", if item.id.is_empty() { "untitled" } else { &item.id })
    };
    let changed = if decoded.trim().is_empty() { "no slug in WordPress".to_string() } else { format!("slug `{decoded}` is not a URL segment") };
    Slug { value, changed: Some(changed) }
}

/// The path of the item's old permalink (`/2019/05/07/my-post/`), which
/// redirects to its new home. A `?p=123` link is what WordPress gives what
/// was never published: no one has that address.
pub fn old_path(link: &str) -> Option<String> {
    let url = url::Url::parse(link).ok()?;
    if url.query().is_some() || url.path() == "/" || url.path().is_empty() {
        return None;
    }
    Some(url.path().to_string())
}

/// Decodes the names WordPress keeps HTML-escaped (it saves "Q&A" as
/// `Q&amp;A` in term names, the site title and display names), so that the
/// export's own XML escaping is not the only one undone.
pub fn decode_names(export: &mut Export) {
    let decode = |s: &mut String| {
        if s.contains(['&', '<']) {
            *s = plain_text(s);
        }
    };
    export.title.iter_mut().for_each(decode);
    export.authors.iter_mut().for_each(|a| decode(&mut a.display_name));
    export.terms.values_mut().for_each(decode);
    export.items.iter_mut().flat_map(|i| i.terms.iter_mut()).for_each(|t| decode(&mut t.name));
}

/// An excerpt as a teaser: the text of its HTML, whitespace collapsed; `None` when empty.
pub fn teaser(excerpt: &str) -> Option<String> {
    Some(plain_text(excerpt)).filter(|t| !t.is_empty())
}

/// The text of an HTML fragment: tags dropped, character references
/// decoded, whitespace collapsed to single spaces. Titles go through it too,
/// as WordPress keeps `&amp;` and the odd `<em>` in them.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    for Ok(token) in Tokenizer::new(html) {
        match token {
            Token::String(s) => text.push_str(&String::from_utf8_lossy(&s)),
            // Words in two paragraphs are two words.
            Token::StartTag(tag) if !is_inline(&tag.name) => text.push(' '),
            Token::EndTag(tag) if !is_inline(&tag.name) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an element runs inside a line of text (so no space is put for it).
fn is_inline(name: &[u8]) -> bool {
    const INLINE: &[&[u8]] = &[
        b"a", b"abbr", b"b", b"bdi", b"bdo", b"cite", b"code", b"data", b"del", b"dfn", b"em", b"i", b"ins", b"kbd", b"mark", b"q", b"s", b"small", b"span",
        b"strong", b"sub", b"sup", b"time", b"u", b"var",
    ];
    INLINE.iter().any(|n| n.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(f: impl FnOnce(&mut Item)) -> Item {
        let mut item = Item { id: "7".into(), ..Item::default() };
        f(&mut item);
        item
    }

    #[test]
    fn dates_prefer_utc_then_local_then_the_feed() {
        let d = date(&item(|i| {
            i.date_gmt = "2019-05-07 10:00:00".into();
            i.date = "2019-05-07 12:00:00".into();
        }))
        .unwrap();
        assert_eq!(d.rfc3339(), "2019-05-07T10:00:00Z");
        let d = date(&item(|i| {
            i.date_gmt = "0000-00-00 00:00:00".into();
            i.date = "2019-05-07 12:00:00".into();
        }))
        .unwrap();
        assert_eq!((d.to_toml(), d.offset_seconds), ("2019-05-07T12:00:00".to_string(), None));
        let d = date(&item(|i| i.pub_date = "Tue, 07 May 2019 10:00:00 -0400".into())).unwrap();
        assert_eq!(d.rfc3339(), "2019-05-07T10:00:00-04:00");
        assert_eq!(date(&item(|i| i.pub_date = "Mon, 30 Nov -0001 00:00:00 +0000".into())), None);
        assert_eq!(date(&item(|_| {})), None);
    }

    #[test]
    fn updated_is_kept_only_when_later() {
        let later = item(|i| {
            i.date_gmt = "2020-03-17 14:30:00".into();
            i.modified_gmt = "2020-04-02 09:00:00".into();
        });
        assert_eq!(updated(&later, date(&later)).unwrap().rfc3339(), "2020-04-02T09:00:00Z");
        let same = item(|i| {
            i.date_gmt = "2020-03-17 14:30:00".into();
            i.modified_gmt = "2020-03-17 14:30:00".into();
        });
        assert_eq!(updated(&same, date(&same)), None);
    }

    #[test]
    fn slugs_are_kept_decoded_or_normalised() {
        let kept = slug(&item(|i| i.name = "Ending-OCSP".into()), "post");
        assert_eq!((kept.value.as_str(), kept.changed), ("Ending-OCSP", None));
        let encoded = slug(&item(|i| i.name = "caf%c3%a9-cr%c3%a8me".into()), "post");
        assert_eq!(encoded.value, "cafe-creme");
        assert_eq!(encoded.changed.as_deref(), Some("slug `café-crème` is not a URL segment"));
        let from_title = slug(
            &item(|i| {
                i.title = "Notes on Café Policy".into();
            }),
            "post",
        );
        assert_eq!((from_title.value.as_str(), from_title.changed.as_deref()), ("notes-on-cafe-policy", Some("no slug in WordPress")));
        assert_eq!(slug(&item(|_| {}), "post").value, "post-7");
    }

    #[test]
    fn only_published_permalinks_are_old_paths() {
        assert_eq!(old_path("https://example.org/2019/05/07/my-post/").as_deref(), Some("/2019/05/07/my-post/"));
        assert_eq!(old_path("https://example.org/?p=123"), None);
        assert_eq!(old_path("https://example.org/"), None);
        assert_eq!(old_path("not a url"), None);
    }

    #[test]
    fn teasers_are_plain_text() {
        assert_eq!(
            teaser("<p>Why the <em>new</em> sanctions &amp; their\nlimits   matter.</p><p>Two.</p>").as_deref(),
            Some("Why the new sanctions & their limits matter. Two.")
        );
        assert_eq!(teaser("  <p> </p>"), None);
        assert_eq!(plain_text("Tom &amp; Jerry&#8217;s"), "Tom & Jerry’s");
    }
}
