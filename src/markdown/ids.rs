//! Ids on a page: headings' ids kept unique and clear of the theme's and
//! the footnotes', the ids in the author's raw HTML, footnote labels as
//! CommonMark matches them, and the ids of footnote back links.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::words::plain_text;
use super::{Document, TocEntry};
use crate::text::{push_decimal, slugify};

/// A footnote label as CommonMark compares labels: case folded, inner
/// whitespace collapsed, ends trimmed (`[^Note]` cites `[^note]:`).
pub(super) fn footnote_key(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Document<'_> {
    /// Gives every heading a unique id (an explicit `{#id}` is kept) and records the toc.
    pub(super) fn assign_heading_ids(&mut self) {
        // Headings keep clear of the ids the author's own HTML gives.
        let mut used: HashSet<String> = self.raw_ids.iter().map(|(id, _)| id.clone()).collect();
        // The next number to try per base id: twenty thousand headings of one
        // name must not each retry every suffix before theirs.
        let mut next: HashMap<String, usize> = HashMap::new();
        for (index, block) in self.blocks.iter().enumerate() {
            // Headings may also sit inside a quote or a list item: look at every event.
            for i in block.clone() {
                let Event::Start(Tag::Heading { level, id, .. }) = &self.events[i] else { continue };
                let level = *level as u8;
                let title = plain_text(&self.events[i + 1..block.end], |e| matches!(e, Event::End(TagEnd::Heading(_))));
                let base = match id {
                    Some(id) => id.to_string(),
                    None => slugify(&title),
                };
                // `fnref-1` numbered on would stay a back link's id (`fnref-1-2`,
                // `fnref-1-3`, …) for ever: such a heading gets a prefix instead.
                let base = if is_reserved_id(&base) && (base.starts_with("fn-") || base.starts_with("fnref-")) { format!("h-{base}") } else { base };
                let mut unique = base.clone();
                let mut n = next.get(&base).copied().unwrap_or(1);
                if n > 1 {
                    unique = format!("{base}-{n}");
                }
                while is_reserved_id(&unique) || !used.insert(unique.clone()) {
                    n += 1;
                    unique = format!("{base}-{n}");
                }
                next.insert(base, n + 1);
                if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[i] {
                    *id = Some(CowStr::from(unique.clone()));
                }
                self.toc.push(TocEntry { level, id: unique, title });
                self.toc_block.push(index);
            }
        }
    }
}

/// The `id` attributes of the tags in a piece of raw HTML, with their
/// offsets: a repeated id makes a page invalid and its anchors ambiguous.
pub(super) fn ids_in(html: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[from..]).map(|p| p + from) {
        let end = memchr::memchr(b'>', &bytes[lt..]).map_or(bytes.len(), |p| p + lt);
        let tag = &html[lt..end];
        // A comment's or a declaration's text holds no attributes.
        if tag.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic) {
            let lower = tag.to_ascii_lowercase();
            let mut at = 0;
            while let Some(p) = lower[at..].find("id").map(|p| p + at) {
                at = p + 2;
                let before = lower.as_bytes()[p - 1];
                if !before.is_ascii_whitespace() {
                    continue;
                }
                let rest = lower[at..].trim_start();
                let Some(value) = rest.strip_prefix('=') else { continue };
                let value_start = lower.len() - value.trim_start().len();
                let raw = &tag[value_start..];
                let id = match raw.chars().next() {
                    Some(q @ ('"' | '\'')) => raw[1..].split(q).next().unwrap_or_default(),
                    _ => raw.split(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').next().unwrap_or_default(),
                };
                if !id.is_empty() {
                    found.push((id.to_string(), lt + p));
                }
            }
        }
        from = end.max(lt + 1);
        if from >= bytes.len() {
            break;
        }
    }
    found
}

/// Whether `id` is one the page gives its own elements (the theme's, the notes').
pub fn is_page_id(id: &str) -> bool {
    is_reserved_id(id)
}

/// Ids the built-in theme gives its own elements (the skip link's target,
/// the subscribe box, the notes heading, the paid part's wrapper).
const THEME_IDS: &[&str] = &["top", "main", "subscribe", "subscribe-heading", "subscribe-email", "notes-heading", "subscriber-content"];

/// Whether a heading may not take `id`: the theme's ids and the footnotes'
/// (`fn-3`, `fnref-3`, `fnref-3-2`) would be repeated on the page.
fn is_reserved_id(id: &str) -> bool {
    let numbered = |rest: &str| !rest.is_empty() && rest.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    THEME_IDS.contains(&id)
        || id.strip_prefix("fn-").is_some_and(|r| !r.contains('-') && numbered(r))
        || id.strip_prefix("fnref-").is_some_and(|r| r.split('-').count() <= 2 && numbered(r))
}

/// The id of the `k`th reference to note `n`: `fnref-n`, then `fnref-n-k`.
pub(super) fn push_ref_id(out: &mut String, n: usize, k: usize) {
    out.push_str("fnref-");
    push_decimal(out, n as u64, 1);
    if k > 1 {
        out.push('-');
        push_decimal(out, k as u64, 1);
    }
}
