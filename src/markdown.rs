//! Markdown bodies: pulldown-cmark events grouped into top-level blocks,
//! paywall markers found among them, and each side of a cut rendered from
//! its own events (HTML strings are never sliced), with the table of
//! contents and the footnotes that side may show.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::paywall::{Cut, Marker};

/// The Markdown extensions every body is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// One top-level block (paragraph, heading, list, quote, table, code, …).
#[derive(Debug)]
struct Block<'a> {
    events: Vec<Event<'a>>,
}

/// A footnote definition, kept apart from the flow of blocks.
#[derive(Debug)]
struct FootnoteDef<'a> {
    name: CowStr<'a>,
    events: Vec<Event<'a>>,
}

/// A heading as a table of contents lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The anchor (`#id`).
    pub id: String,
    /// The heading's plain text.
    pub title: String,
}

/// A parsed body, ready to be cut and rendered.
#[derive(Debug)]
pub struct Document<'a> {
    blocks: Vec<Block<'a>>,
    footnotes: Vec<FootnoteDef<'a>>,
    /// `<!-- paywall -->` lines at the top level.
    pub markers: Vec<Marker>,
    /// Markers found where they cannot cut (inside a list, a quote, a line of text): body offsets.
    pub misplaced_markers: Vec<usize>,
    /// Top-level code fences, comments and `<pre>`-like HTML blocks that never close and so swallow the rest of the body: offsets.
    pub unclosed_blocks: Vec<usize>,
    toc: Vec<TocEntry>,
    /// Block index of each entry of `toc`.
    toc_block: Vec<usize>,
    words: usize,
}

/// One side of a cut, rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    /// The blocks, as HTML.
    pub html: String,
    /// The headings among those blocks.
    pub toc: Vec<TocEntry>,
    /// `<li>` items for the footnotes this side references (empty when none).
    pub footnotes_html: String,
    /// The first paragraph's plain text, for summaries.
    pub first_paragraph: String,
}

/// Both sides of an article.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// What anyone may read: the free blocks, or everything for a free article.
    pub public: Part,
    /// Everything; the paid blocks wrapped in `<div class="paid-content">`.
    /// `None` when the article is free (the public part is then the whole).
    pub members: Option<Part>,
    /// Words in the whole article.
    pub words: usize,
}

/// Whether a fenced block's source ends with a fence line of its own kind.
fn fence_is_closed(source: &str) -> bool {
    let opening = source.trim_start();
    let fence_char = if opening.starts_with('~') { '~' } else { '`' };
    let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
    let mut lines = source.trim_end().lines();
    lines.next();
    lines.last().is_some_and(|last| {
        let t = last.trim();
        t.chars().all(|c| c == fence_char) && t.chars().count() >= fence_len
    })
}

/// Whether an HTML block that CommonMark ends only at a closing string
/// (comments, `<pre>`, `<script>`, `<style>`, `<textarea>`) has that string.
fn html_block_is_closed(html: &str) -> bool {
    let lower = html.trim_start().to_ascii_lowercase();
    if lower.starts_with("<!--") {
        return lower[4..].contains("-->");
    }
    for tag in ["pre", "script", "style", "textarea"] {
        let opens = lower.strip_prefix('<').and_then(|r| r.strip_prefix(tag)).is_some_and(|r| r.starts_with(['>', ' ', '\t', '\n']) || r.is_empty());
        if opens {
            return lower.contains(&format!("</{tag}>"));
        }
    }
    true
}

fn is_marker(html: &str) -> bool {
    let t = html.trim();
    let Some(inner) = t.strip_prefix("<!--").and_then(|r| r.strip_suffix("-->")) else {
        return false;
    };
    inner.trim().eq_ignore_ascii_case("paywall")
}

fn mentions_marker(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.contains("<!--") && lower.split("<!--").skip(1).any(|rest| {
        rest.split("-->").next().is_some_and(|inner| inner.trim() == "paywall")
    })
}

impl<'a> Document<'a> {
    /// Parses a body into blocks, footnotes and markers.
    pub fn parse(body: &'a str) -> Document<'a> {
        let mut doc = Document {
            blocks: Vec::new(),
            footnotes: Vec::new(),
            markers: Vec::new(),
            misplaced_markers: Vec::new(),
            unclosed_blocks: Vec::new(),
            toc: Vec::new(),
            toc_block: Vec::new(),
            words: 0,
        };
        let mut depth = 0usize;
        let mut current: Vec<Event<'a>> = Vec::new();
        let mut current_start = 0;
        let mut in_footnote: Option<CowStr<'a>> = None;
        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            match &event {
                Event::Start(_) => {
                    if depth == 0 {
                        current_start = range.start;
                        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = &event {
                            if !fence_is_closed(&body[range.clone()]) {
                                doc.unclosed_blocks.push(range.start);
                            }
                        }
                        if let Event::Start(Tag::FootnoteDefinition(name)) = &event {
                            in_footnote = Some(name.clone());
                            depth += 1;
                            continue;
                        }
                    }
                    depth += 1;
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Text(t) => doc.words += t.split_whitespace().count(),
                Event::Html(h) | Event::InlineHtml(h) if depth > 1 || matches!(event, Event::InlineHtml(_)) => {
                    if mentions_marker(h) {
                        doc.misplaced_markers.push(range.start);
                    }
                }
                _ => {}
            }
            if depth == 0 {
                if let Some(name) = in_footnote.take() {
                    // The closing tag of the definition is not part of its content.
                    doc.footnotes.push(FootnoteDef { name, events: std::mem::take(&mut current) });
                    continue;
                }
                if !matches!(event, Event::End(_)) {
                    current_start = range.start;
                }
                current.push(event);
                let events = std::mem::take(&mut current);
                let html_block = matches!(events.first(), Some(Event::Start(Tag::HtmlBlock)));
                if html_block {
                    let html: String = events.iter().filter_map(|e| match e { Event::Html(h) => Some(h.as_ref()), _ => None }).collect();
                    if !html_block_is_closed(&html) {
                        doc.unclosed_blocks.push(current_start);
                    }
                    if is_marker(&html) {
                        doc.markers.push(Marker { blocks_before: doc.blocks.len(), offset: current_start });
                        continue;
                    }
                    if mentions_marker(&html) {
                        doc.misplaced_markers.push(current_start);
                    }
                }
                doc.blocks.push(Block { events });
            } else {
                current.push(event);
            }
        }
        doc.assign_heading_ids();
        doc
    }

    /// Number of top-level content blocks (markers and footnote definitions excluded).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// Gives every heading a unique id (an explicit `{#id}` is kept) and records the toc.
    fn assign_heading_ids(&mut self) {
        let mut used: HashSet<String> = HashSet::new();
        for (index, block) in self.blocks.iter_mut().enumerate() {
            let mut i = 0;
            while i < block.events.len() {
                if let Event::Start(Tag::Heading { level, id, .. }) = &block.events[i] {
                    let level = *level as u8;
                    let title = plain_text(&block.events[i + 1..], |e| matches!(e, Event::End(TagEnd::Heading(_))));
                    let base = match id {
                        Some(id) => id.to_string(),
                        None => slugify(&title),
                    };
                    let mut unique = base.clone();
                    let mut n = 1;
                    while !used.insert(unique.clone()) {
                        n += 1;
                        unique = format!("{base}-{n}");
                    }
                    if let Event::Start(Tag::Heading { id, .. }) = &mut block.events[i] {
                        *id = Some(CowStr::from(unique.clone()));
                    }
                    self.toc.push(TocEntry { level, id: unique, title });
                    self.toc_block.push(index);
                }
                i += 1;
            }
        }
    }

    /// Renders both sides of `cut`.
    pub fn render(&self, cut: Cut) -> Rendered {
        let numbers = self.footnote_numbers();
        let free_blocks = match cut {
            Cut::Free => self.blocks.len(),
            Cut::After(n) => n.min(self.blocks.len()),
        };
        let public = self.render_part(0..free_blocks, &numbers, None);
        let members = (free_blocks < self.blocks.len()).then(|| {
            let mut all = self.render_part(0..self.blocks.len(), &numbers, Some(free_blocks));
            all.first_paragraph.clone_from(&public.first_paragraph);
            all
        });
        Rendered { public, members, words: self.words }
    }

    /// Footnote numbers by order of first reference: the body, then notes within notes.
    fn footnote_numbers(&self) -> HashMap<String, usize> {
        let defined: HashSet<&str> = self.footnotes.iter().map(|f| f.name.as_ref()).collect();
        let mut numbers: HashMap<String, usize> = HashMap::new();
        let visit = |events: &[Event<'a>], numbers: &mut HashMap<String, usize>| {
            for e in events {
                if let Event::FootnoteReference(name) = e {
                    if defined.contains(name.as_ref()) && !numbers.contains_key(name.as_ref()) {
                        let n = numbers.len() + 1;
                        numbers.insert(name.to_string(), n);
                    }
                }
            }
        };
        for b in &self.blocks {
            visit(&b.events, &mut numbers);
        }
        loop {
            let before = numbers.len();
            for f in &self.footnotes {
                if numbers.contains_key(f.name.as_ref()) {
                    visit(&f.events, &mut numbers);
                }
            }
            if numbers.len() == before {
                break;
            }
        }
        numbers
    }

    fn render_part(&self, blocks: std::ops::Range<usize>, numbers: &HashMap<String, usize>, paid_from: Option<usize>) -> Part {
        let mut html = String::new();
        let mut refs: Vec<usize> = Vec::new();
        let mut ref_count: HashMap<usize, usize> = HashMap::new();
        let mut first_paragraph = String::new();
        for index in blocks.clone() {
            if Some(index) == paid_from {
                html.push_str("<div class=\"paid-content\" id=\"subscriber-content\">\n");
            }
            let block = &self.blocks[index];
            if first_paragraph.is_empty() && matches!(block.events.first(), Some(Event::Start(Tag::Paragraph))) {
                first_paragraph = plain_text(&block.events[1..], |_| false);
            }
            let events = block.events.iter().cloned().map(|e| self.footnote_ref(e, numbers, &mut refs, &mut ref_count));
            pulldown_cmark::html::push_html(&mut html, events);
        }
        if paid_from.is_some_and(|p| p < blocks.end) {
            html.push_str("</div>\n");
        }
        let toc = self
            .toc
            .iter()
            .zip(&self.toc_block)
            .filter(|(_, b)| blocks.contains(b))
            .map(|(t, _)| t.clone())
            .collect();
        let footnotes_html = self.render_footnotes(numbers, refs, ref_count);
        Part { html, toc, footnotes_html, first_paragraph }
    }

    /// A reference becomes a numbered link; one to an undefined note stays as written.
    fn footnote_ref(
        &self,
        event: Event<'a>,
        numbers: &HashMap<String, usize>,
        refs: &mut Vec<usize>,
        ref_count: &mut HashMap<usize, usize>,
    ) -> Event<'a> {
        let Event::FootnoteReference(name) = event else { return event };
        let Some(&n) = numbers.get(name.as_ref()) else {
            return Event::Text(CowStr::from(format!("[^{name}]")));
        };
        let count = ref_count.entry(n).or_insert(0);
        *count += 1;
        if *count == 1 {
            refs.push(n);
        }
        let id = if *count == 1 { format!("fnref-{n}") } else { format!("fnref-{n}-{count}") };
        Event::Html(CowStr::from(format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"{id}\">{n}</a></sup>"
        )))
    }

    /// The notes referenced from this side (and notes those notes reference), in number order.
    fn render_footnotes(&self, numbers: &HashMap<String, usize>, mut refs: Vec<usize>, mut ref_count: HashMap<usize, usize>) -> String {
        let by_number: HashMap<usize, &FootnoteDef<'a>> =
            self.footnotes.iter().filter_map(|f| numbers.get(f.name.as_ref()).map(|&n| (n, f))).collect();
        let mut out = String::new();
        let mut done: HashSet<usize> = HashSet::new();
        // Notes may reference further notes; render until no new one appears.
        while let Some(n) = { refs.sort_unstable(); refs.iter().copied().find(|n| !done.contains(n)) } {
            done.insert(n);
            let Some(def) = by_number.get(&n) else { continue };
            let backrefs = ref_count.get(&n).copied().unwrap_or(1);
            let mut links = String::new();
            for k in 1..=backrefs {
                let target = if k == 1 { format!("fnref-{n}") } else { format!("fnref-{n}-{k}") };
                let _ = write!(links, " <a href=\"#{target}\" class=\"footnote-backref\" aria-label=\"Back to reference {n}\">↩</a>");
            }
            let mut events: Vec<Event<'a>> = Vec::with_capacity(def.events.len() + 1);
            let mut nested = Vec::new();
            for e in def.events.iter().cloned() {
                events.push(self.footnote_ref(e, numbers, &mut nested, &mut ref_count));
            }
            refs.extend(nested);
            match events.iter().rposition(|e| matches!(e, Event::End(TagEnd::Paragraph))) {
                Some(p) if p == events.len() - 1 => events.insert(p, Event::InlineHtml(CowStr::from(links))),
                _ => events.push(Event::Html(CowStr::from(format!("<p>{}</p>", links.trim_start())))),
            }
            let _ = write!(out, "<li id=\"fn-{n}\" value=\"{n}\">");
            pulldown_cmark::html::push_html(&mut out, events.into_iter());
            out.push_str("</li>\n");
        }
        out
    }
}

/// The text of events up to (not including) the first for which `stop` holds.
fn plain_text(events: &[Event<'_>], stop: impl Fn(&Event<'_>) -> bool) -> String {
    let mut out = String::new();
    for e in events {
        if stop(e) {
            break;
        }
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A URL- and id-safe form of a text: lowercase words joined by hyphens.
pub fn slugify(text: &str) -> String {
    // ASCII slugs survive every server, shell and mail client unescaped.
    let text = deunicode::deunicode(text);
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' || c == '.' {
            pending_dash = true;
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

/// A summary from a paragraph: whole words, about `max` characters, an ellipsis when cut.
pub fn summarize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let trimmed = out.trim_end_matches([',', ';', ':', '.', '—', '-']).to_string();
    format!("{trimmed}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, cut: Cut) -> Rendered {
        Document::parse(body).render(cut)
    }

    #[test]
    fn counts_top_level_blocks_of_every_kind() {
        let body = "Para one.\n\n## Heading\n\n- a\n- b\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n---\n\n<div>html</div>\n";
        assert_eq!(Document::parse(body).block_count(), 8);
    }

    #[test]
    fn cut_keeps_free_blocks_only_in_public() {
        let r = render("Free one.\n\nFree two.\n\nPAIDWORD here.\n", Cut::After(2));
        assert!(r.public.html.contains("Free two."));
        assert!(!r.public.html.contains("PAIDWORD"));
        let members = r.members.unwrap();
        assert!(members.html.contains("PAIDWORD"));
        assert!(members.html.contains("<div class=\"paid-content\""));
    }

    #[test]
    fn marker_is_a_top_level_html_block() {
        let d = Document::parse("One.\n\nTwo.\n\n<!-- paywall -->\n\nThree.\n");
        assert_eq!(d.markers, vec![Marker { blocks_before: 2, offset: 12 }]);
        assert_eq!(d.block_count(), 3);
        // It may interrupt a paragraph too, as CommonMark comments do.
        let d = Document::parse("One.\n<!--   PAYWALL -->\nTwo.\n");
        assert_eq!(d.markers.len(), 1);
        assert_eq!(d.markers[0].blocks_before, 1);
    }

    #[test]
    fn marker_in_code_is_not_a_marker() {
        let d = Document::parse("One.\n\n```html\n<!-- paywall -->\n```\n\n    <!-- paywall -->\n\nTwo `<!-- paywall -->`.\n");
        assert!(d.markers.is_empty());
        assert!(d.misplaced_markers.is_empty());
        assert_eq!(d.block_count(), 4);
    }

    #[test]
    fn unclosed_blocks_are_found() {
        let d = Document::parse("One.\n\n```\ncode\n```\n\n~~~~\nx\n~~~\n\nstill code\n");
        assert_eq!(d.unclosed_blocks, vec![20]);
        assert_eq!(d.block_count(), 3);
        assert!(Document::parse("```\na\n```\n").unclosed_blocks.is_empty());
        assert!(Document::parse("```rust\n").unclosed_blocks.len() == 1);
        assert_eq!(Document::parse("One.\n\n<!-- a note\n\nmore\n").unclosed_blocks, vec![6]);
        assert_eq!(Document::parse("<pre>\nx\n\ny\n").unclosed_blocks, vec![0]);
        assert!(Document::parse("<!-- ok -->\n\n<pre>x</pre>\n\n<div>\nz\n").unclosed_blocks.is_empty());
    }

    #[test]
    fn marker_inside_a_quote_or_a_line_is_misplaced() {
        let d = Document::parse("> One.\n>\n> <!-- paywall -->\n\nText <!-- paywall --> more.\n");
        assert!(d.markers.is_empty());
        assert_eq!(d.misplaced_markers.len(), 2, "{:?}", d.misplaced_markers);
    }

    #[test]
    fn footnotes_follow_the_side_that_references_them() {
        let body = "Free[^a] text.\n\nPaid[^b] text and again[^a].\n\n[^a]: FREENOTE.\n[^b]: PAIDNOTE.\n";
        let r = render(body, Cut::After(1));
        assert!(r.public.footnotes_html.contains("FREENOTE"));
        assert!(!r.public.footnotes_html.contains("PAIDNOTE"));
        assert!(!r.public.html.contains("fn-2"));
        let m = r.members.unwrap();
        assert!(m.footnotes_html.contains("FREENOTE") && m.footnotes_html.contains("PAIDNOTE"));
        // The second reference to note 1 gets its own anchor and back-link.
        assert!(m.html.contains("id=\"fnref-1-2\""));
        assert!(m.footnotes_html.contains("href=\"#fnref-1-2\""));
        // Numbers are the same on both sides.
        assert!(r.public.html.contains("href=\"#fn-1\""));
        assert!(m.html.contains("href=\"#fn-2\""));
    }

    #[test]
    fn footnote_defined_before_the_cut_but_used_after_stays_private() {
        let body = "[^x]: SECRETNOTE.\n\nFree.\n\nPaid[^x].\n";
        let r = render(body, Cut::After(1));
        assert!(!r.public.html.contains("SECRETNOTE"));
        assert!(r.public.footnotes_html.is_empty());
        assert!(r.members.unwrap().footnotes_html.contains("SECRETNOTE"));
    }

    #[test]
    fn undefined_reference_stays_as_text() {
        let r = render("See[^nope].\n", Cut::Free);
        assert!(r.public.html.contains("[^nope]"), "{}", r.public.html);
    }

    #[test]
    fn headings_get_unique_ids_and_toc_splits() {
        let body = "## The Road\n\nFree.\n\n## The Road\n\n## SECRETHEAD {#own}\n";
        let r = render(body, Cut::After(2));
        assert_eq!(r.public.toc, vec![TocEntry { level: 2, id: "the-road".into(), title: "The Road".into() }]);
        let m = r.members.unwrap();
        assert!(m.html.contains("id=\"the-road-2\""));
        assert!(m.html.contains("id=\"own\""));
        assert_eq!(m.toc.len(), 3);
        assert!(!r.public.html.contains("SECRETHEAD"));
    }

    #[test]
    fn first_paragraph_comes_from_the_free_side() {
        let r = render("## Head\n\nThe *first* words.\n\nMore.\n", Cut::After(2));
        assert_eq!(r.public.first_paragraph, "The first words.");
        let r = render("## Head only\n\nSECRET para.\n", Cut::After(1));
        assert_eq!(r.public.first_paragraph, "");
    }

    #[test]
    fn slugs_and_summaries() {
        assert_eq!(slugify("NATO & Russia: 2020"), "nato-russia-2020");
        assert_eq!(slugify("Économie d'été"), "economie-dete");
        assert_eq!(slugify("!!!"), "section");
        assert_eq!(summarize("short", 10), "short");
        assert_eq!(summarize("one two three four", 10), "one two…");
    }
}
