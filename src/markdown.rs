//! Markdown bodies: pulldown-cmark events grouped into top-level blocks,
//! paywall markers found among them, and each side of a cut rendered from
//! its own events (HTML strings are never sliced), with the table of
//! contents and the footnotes that side may show.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::decimal::push_decimal;
use crate::paywall::{Cut, Marker};

/// The Markdown extensions every body is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
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
    /// The events of every top-level block, in order, in one vector (one
    /// allocation per body rather than one per block).
    events: Vec<Event<'a>>,
    /// Each block's range in `events`.
    blocks: Vec<std::ops::Range<usize>>,
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
    /// Length of the Markdown, to size the HTML buffers.
    source_len: usize,
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
    if let Some(comment) = lower.strip_prefix("<!--") {
        return comment.contains("-->");
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
            events: Vec::with_capacity(body.len() / 16),
            blocks: Vec::new(),
            footnotes: Vec::new(),
            markers: Vec::new(),
            misplaced_markers: Vec::new(),
            unclosed_blocks: Vec::new(),
            toc: Vec::new(),
            toc_block: Vec::new(),
            words: 0,
            source_len: body.len(),
        };
        let mut depth = 0usize;
        // Where the open block's events start in `doc.events`, and its source offset.
        let mut block_start = 0;
        let mut current_start = 0;
        let mut footnote: Option<(CowStr<'a>, Vec<Event<'a>>)> = None;
        let mut words = WordCounter::new();
        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            words.event(&event);
            match &event {
                Event::Start(tag) => {
                    if depth == 0 {
                        current_start = range.start;
                        block_start = doc.events.len();
                        match tag {
                            Tag::CodeBlock(CodeBlockKind::Fenced(_)) if !fence_is_closed(&body[range.clone()]) => {
                                doc.unclosed_blocks.push(range.start);
                            }
                            Tag::FootnoteDefinition(name) => {
                                footnote = Some((name.clone(), Vec::new()));
                                depth += 1;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    depth += 1;
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Html(h) | Event::InlineHtml(h) if (depth > 1 || matches!(event, Event::InlineHtml(_)))
                    && mentions_marker(h) => {
                    doc.misplaced_markers.push(range.start);
                }
                _ => {}
            }
            if let Some((_, events)) = &mut footnote {
                if depth == 0 {
                    // The closing tag of the definition is not part of its content.
                    if let Some((name, events)) = footnote.take() {
                        doc.footnotes.push(FootnoteDef { name, events });
                    }
                } else {
                    events.push(event);
                }
                continue;
            }
            if depth > 0 {
                doc.events.push(event);
                continue;
            }
            // A block ends here (or an event stands alone at the top level).
            if !matches!(event, Event::End(_)) {
                current_start = range.start;
                block_start = doc.events.len();
            }
            doc.events.push(event);
            let block = block_start..doc.events.len();
            if matches!(doc.events[block.start], Event::Start(Tag::HtmlBlock)) {
                let html: String = doc.events[block.clone()]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Html(h) => Some(h.as_ref()),
                        _ => None,
                    })
                    .collect();
                if !html_block_is_closed(&html) {
                    doc.unclosed_blocks.push(current_start);
                }
                if is_marker(&html) {
                    doc.markers.push(Marker { blocks_before: doc.blocks.len(), offset: current_start });
                    doc.events.truncate(block.start);
                    continue;
                }
                if mentions_marker(&html) {
                    doc.misplaced_markers.push(current_start);
                }
            }
            doc.blocks.push(block);
        }
        doc.words = words.words;
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
                let mut unique = base.clone();
                let mut n = 1;
                while !used.insert(unique.clone()) {
                    n += 1;
                    unique = format!("{base}-{n}");
                }
                if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[i] {
                    *id = Some(CowStr::from(unique.clone()));
                }
                self.toc.push(TocEntry { level, id: unique, title });
                self.toc_block.push(index);
            }
        }
    }

    /// Renders both sides of `cut`. The free blocks are rendered once: the
    /// members text is that HTML followed by the paid blocks, numbered on
    /// from where the free side stopped (footnote anchors, table labels).
    /// The events are moved into the renderer, not copied: a document renders once.
    pub fn render(mut self, cut: Cut) -> Rendered {
        let numbers = self.footnote_numbers();
        let free_blocks = match cut {
            Cut::Free => self.blocks.len(),
            Cut::After(n) => n.min(self.blocks.len()),
        };
        let first_paragraph = self.first_paragraph(0..free_blocks);
        // Blocks cover the events from the first to the last, in order.
        let free_events = free_blocks.checked_sub(1).and_then(|last| self.blocks.get(last)).map_or(0, |b| b.end);
        // HTML runs about a quarter longer than its Markdown: size each side's
        // buffer by its share of the events so that it seldom has to grow.
        let total_events = self.events.len().max(1);
        let html_size = |events: usize| self.source_len / total_events * events * 5 / 4 + 256;
        let mut events = std::mem::take(&mut self.events).into_iter();
        let mut state = RenderState { ref_count: vec![0; numbers.len() + 1], ..RenderState::default() };
        let mut html = String::with_capacity(html_size(free_events));
        self.render_events(events.by_ref().take(free_events), &numbers, &mut state, &mut html);
        let public = Part {
            footnotes_html: self.render_footnotes(&numbers, state.refs.clone(), state.ref_count.clone()),
            toc: self.toc_of(0..free_blocks),
            first_paragraph: first_paragraph.clone(),
            html,
        };
        let members = (free_blocks < self.blocks.len()).then(|| {
            let all = 0..self.blocks.len();
            let mut html = String::with_capacity(public.html.len() + html_size(events.len()));
            html.push_str(&public.html);
            html.push_str("<div class=\"paid-content\" id=\"subscriber-content\">\n");
            self.render_events(events, &numbers, &mut state, &mut html);
            html.push_str("</div>\n");
            Part {
                footnotes_html: self.render_footnotes(&numbers, state.refs, state.ref_count),
                toc: self.toc_of(all),
                first_paragraph,
                html,
            }
        });
        Rendered { public, members, words: self.words }
    }

    /// The first paragraph's plain text among `blocks`.
    fn first_paragraph(&self, blocks: std::ops::Range<usize>) -> String {
        self.blocks[blocks]
            .iter()
            .find(|b| matches!(self.events[b.start], Event::Start(Tag::Paragraph)))
            .map(|b| plain_text(&self.events[b.start + 1..b.end], |_| false))
            .unwrap_or_default()
    }

    /// The table of contents entries of the headings among `blocks`.
    fn toc_of(&self, blocks: std::ops::Range<usize>) -> Vec<TocEntry> {
        self.toc.iter().zip(&self.toc_block).filter(|(_, b)| blocks.contains(b)).map(|(t, _)| t.clone()).collect()
    }

    /// Footnote numbers by order of first reference: the body, then notes within notes.
    fn footnote_numbers(&self) -> HashMap<String, usize> {
        let mut numbers: HashMap<String, usize> = HashMap::new();
        if self.footnotes.is_empty() {
            return numbers;
        }
        let defined: HashSet<&str> = self.footnotes.iter().map(|f| f.name.as_ref()).collect();
        let visit = |events: &[Event<'a>], numbers: &mut HashMap<String, usize>| {
            for e in events {
                if let Event::FootnoteReference(name) = e
                    && defined.contains(name.as_ref()) && !numbers.contains_key(name.as_ref()) {
                    let n = numbers.len() + 1;
                    numbers.insert(name.to_string(), n);
                }
            }
        };
        visit(&self.events, &mut numbers);
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

    /// Appends the HTML of `events` to `html`, numbering on from `state`.
    fn render_events(
        &self,
        mut source: impl Iterator<Item = Event<'a>>,
        numbers: &HashMap<String, usize>,
        state: &mut RenderState,
        html: &mut String,
    ) {
        let mut pending: Option<Event<'a>> = None;
        let events = std::iter::from_fn(|| {
            if let Some(e) = pending.take() {
                return Some(e);
            }
            let e = source.next()?;
            Some(match e {
                Event::FootnoteReference(_) => self.footnote_ref(e, numbers, &mut state.refs, &mut state.ref_count),
                // Wide tables scroll in a focusable, labelled box of their own.
                Event::Start(Tag::Table(_)) => {
                    state.tables += 1;
                    pending = Some(e);
                    Event::Html(CowStr::from(format!(
                        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table {}\">",
                        state.tables
                    )))
                }
                Event::End(TagEnd::Table) => {
                    pending = Some(Event::Html(CowStr::Borrowed("</div>\n")));
                    e
                }
                // Code blocks are focusable so that a keyboard can scroll them.
                Event::Start(Tag::CodeBlock(kind)) => Event::Html(CowStr::from(code_block_start(&kind))),
                e => e,
            })
        });
        pulldown_cmark::html::push_html(html, events);
    }

    /// A reference becomes a numbered link; one to an undefined note stays as written.
    fn footnote_ref(&self, event: Event<'a>, numbers: &HashMap<String, usize>, refs: &mut Vec<usize>, ref_count: &mut [usize]) -> Event<'a> {
        let Event::FootnoteReference(name) = event else { return event };
        let Some(&n) = numbers.get(name.as_ref()) else {
            return Event::Text(CowStr::from(format!("[^{name}]")));
        };
        ref_count[n] += 1;
        let count = ref_count[n];
        if count == 1 {
            refs.push(n);
        }
        let mut html = String::with_capacity(80);
        html.push_str("<sup class=\"footnote-ref\"><a href=\"#fn-");
        push_decimal(&mut html, n as u64, 1);
        html.push_str("\" id=\"");
        push_ref_id(&mut html, n, count);
        html.push_str("\">");
        push_decimal(&mut html, n as u64, 1);
        html.push_str("</a></sup>");
        Event::Html(CowStr::from(html))
    }

    /// The notes referenced from this side (and notes those notes reference), in number order.
    fn render_footnotes(&self, numbers: &HashMap<String, usize>, mut refs: Vec<usize>, mut ref_count: Vec<usize>) -> String {
        // Notes are numbered 1, 2, … in order: look them up by number in vectors.
        let mut by_number: Vec<Option<&FootnoteDef<'a>>> = vec![None; numbers.len() + 1];
        for f in &self.footnotes {
            if let Some(&n) = numbers.get(f.name.as_ref()) {
                by_number[n] = Some(f);
            }
        }
        let mut done = vec![false; numbers.len() + 1];
        let mut out = String::new();
        // Notes may reference further notes; render until no new one appears.
        while let Some(n) = {
            refs.sort_unstable();
            refs.iter().copied().find(|&n| !done[n])
        } {
            done[n] = true;
            let Some(def) = by_number[n] else { continue };
            let mut links = String::new();
            for k in 1..=ref_count[n].max(1) {
                links.push_str(" <a href=\"#");
                push_ref_id(&mut links, n, k);
                links.push_str("\" class=\"footnote-backref\" aria-label=\"Back to reference ");
                push_decimal(&mut links, n as u64, 1);
                links.push_str("\">↩</a>");
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
            out.push_str("<li id=\"fn-");
            push_decimal(&mut out, n as u64, 1);
            out.push_str("\" value=\"");
            push_decimal(&mut out, n as u64, 1);
            out.push_str("\">");
            pulldown_cmark::html::push_html(&mut out, events.into_iter());
            out.push_str("</li>\n");
        }
        out
    }
}

/// The id of the `k`th reference to note `n`: `fnref-n`, then `fnref-n-k`.
fn push_ref_id(out: &mut String, n: usize, k: usize) {
    out.push_str("fnref-");
    push_decimal(out, n as u64, 1);
    if k > 1 {
        out.push('-');
        push_decimal(out, k as u64, 1);
    }
}

/// Footnote references and tables met so far on a page, so that the paid
/// side numbers on from the free side.
#[derive(Debug, Default)]
struct RenderState {
    /// Footnote numbers in order of first reference.
    refs: Vec<usize>,
    /// References seen per footnote number (index 0 unused).
    ref_count: Vec<usize>,
    /// Tables rendered.
    tables: usize,
}

/// The opening tags of a code block, as pulldown-cmark writes them but focusable.
fn code_block_start(kind: &CodeBlockKind<'_>) -> String {
    let lang = match kind {
        CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
        CodeBlockKind::Indented => "",
    };
    if lang.is_empty() {
        "<pre tabindex=\"0\"><code>".to_string()
    } else {
        format!("<pre tabindex=\"0\"><code class=\"language-{}\">", crate::render::feeds::xml_escape(lang))
    }
}

/// Counts the words of a body as its events arrive. Inline markup and
/// smart quotes split a word into several text events ("wo*rd*", "don’t"),
/// so whether the last text ended inside a word carries over; anything
/// else (a block boundary, a line break) separates words.
#[derive(Debug, Clone, Copy)]
struct WordCounter {
    words: usize,
    after_gap: bool,
}

impl WordCounter {
    fn new() -> Self {
        WordCounter { words: 0, after_gap: true }
    }

    /// Counts the words starting in `event`'s text.
    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.text(t),
            Event::Start(tag) if is_inline(&tag.to_end()) => {}
            Event::End(tag) if is_inline(tag) => {}
            _ => self.after_gap = true,
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_ascii() {
            self.ascii(text.as_bytes());
            return;
        }
        for c in text.chars() {
            let gap = c.is_whitespace();
            self.words += usize::from(!gap && self.after_gap);
            self.after_gap = gap;
        }
    }

    /// ASCII text eight bytes at a time: a word starts at a byte above
    /// space that follows a byte at or below it. Bodies run to megabytes
    /// but arrive in short runs between markup, so this works on words of
    /// the machine rather than on blocks long enough to vectorize.
    fn ascii(&mut self, bytes: &[u8]) {
        const LANE_HIGH: u64 = 0x8080_8080_8080_8080;
        // Adding 0x5F carries a byte into its high bit exactly when it is
        // above b' ' (0x20); ASCII bytes never carry into the next lane.
        const ABOVE_SPACE: u64 = 0x5F5F_5F5F_5F5F_5F5F;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut lane = [0u8; 8];
            lane.copy_from_slice(chunk);
            let x = u64::from_le_bytes(lane);
            let word = x.wrapping_add(ABOVE_SPACE) & LANE_HIGH;
            let gap = !word & LANE_HIGH;
            let gap_before = (gap << 8) | (u64::from(self.after_gap) << 7);
            self.words += (word & gap_before).count_ones() as usize;
            self.after_gap = gap >> 63 == 1;
        }
        for &b in chunks.remainder() {
            let gap = b <= b' ';
            self.words += usize::from(!gap && self.after_gap);
            self.after_gap = gap;
        }
    }
}

/// Tags that sit inside a line of text, so do not end a word.
fn is_inline(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Superscript | TagEnd::Subscript
    )
}

/// Words in a text on its own: runs of characters between whitespace.
#[cfg(test)]
fn count_words(text: &str) -> usize {
    let mut counter = WordCounter::new();
    counter.text(text);
    counter.words
}

/// The text of events up to (not including) the first for which `stop`
/// holds, each run of whitespace (line breaks included) made one space.
fn plain_text(events: &[Event<'_>], stop: impl Fn(&Event<'_>) -> bool) -> String {
    let mut out = String::new();
    let mut space = false;
    let mut push = |text: &str, out: &mut String| {
        for c in text.chars() {
            if c.is_whitespace() {
                space = true;
            } else {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    };
    for e in events {
        if stop(e) {
            break;
        }
        match e {
            Event::Text(t) | Event::Code(t) => push(t, &mut out),
            Event::SoftBreak | Event::HardBreak => push(" ", &mut out),
            _ => {}
        }
    }
    out
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
    let mut chars = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if chars + len + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += len;
    }
    let trimmed = out.trim_end_matches([',', ';', ':', '.', '—', '-']).len();
    out.truncate(trimmed);
    out.push('…');
    out
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
    fn headings_inside_quotes_and_lists_get_ids_too() {
        let r = render("> ## Quoted Heading\n\n- ## Listed Heading\n\n## Plain\n", Cut::Free);
        assert!(r.public.html.contains("<h2 id=\"quoted-heading\">"), "{}", r.public.html);
        assert!(r.public.html.contains("<h2 id=\"listed-heading\">"), "{}", r.public.html);
        let ids: Vec<&str> = r.public.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["quoted-heading", "listed-heading", "plain"]);
    }

    #[test]
    fn first_paragraph_comes_from_the_free_side() {
        let r = render("## Head\n\nThe *first* words.\n\nMore.\n", Cut::After(2));
        assert_eq!(r.public.first_paragraph, "The first words.");
        let r = render("## Head only\n\nSECRET para.\n", Cut::After(1));
        assert_eq!(r.public.first_paragraph, "");
    }

    #[test]
    fn members_text_starts_with_the_public_text() {
        let body = "Free[^a] one.\n\n| a |\n|---|\n| 1 |\n\nPaid[^a] two.\n\n| b |\n|---|\n| 2 |\n\n```rust\nlet x = 1;\n```\n\n[^a]: Note.\n";
        let r = render(body, Cut::After(2));
        let m = r.members.unwrap();
        assert!(m.html.starts_with(&r.public.html), "{}", m.html);
        // Tables are boxed and numbered through the whole page.
        assert!(r.public.html.contains("aria-label=\"Table 1\"><table>"), "{}", r.public.html);
        assert!(!r.public.html.contains("Table 2"));
        assert!(m.html.contains("aria-label=\"Table 2\"><table>"), "{}", m.html);
        assert_eq!(m.html.matches("</table>\n</div>").count(), 2, "{}", m.html);
        // The second reference to the note gets the next anchor on the paid side.
        assert!(m.html.contains("id=\"fnref-1-2\""));
        assert!(m.html.contains("<pre tabindex=\"0\"><code class=\"language-rust\">let x = 1;\n</code></pre>"), "{}", m.html);
    }

    #[test]
    fn words_are_counted_in_any_script() {
        assert_eq!(count_words("  two words "), 2);
        assert_eq!(count_words("une\u{a0}économie, déjà"), 3);
        assert_eq!(count_words(""), 0);
        // Across the vectorized blocks and their remainder.
        let long = "word ".repeat(100) + "end";
        assert_eq!(count_words(&long), 101);
        assert_eq!(count_words(&format!("{}x", "a".repeat(63))), 1);
        assert_eq!(count_words(&format!("{} x", "a".repeat(63))), 2);
        assert_eq!(Document::parse("One *two* three.\n\n- four\n").words, 4);
    }

    #[test]
    fn words_split_by_markup_or_smart_quotes_count_once() {
        assert_eq!(Document::parse("Don't *over*state it.\n").words, 3);
        assert_eq!(Document::parse("\"Quoted\" words, wo**rd**.\n").words, 3);
        assert_eq!(Document::parse("line one\nline two\n\n# Head\n\nend\n").words, 6);
        assert_eq!(Document::parse("Call `run()` now.\n").words, 3);
    }

    #[test]
    fn eight_bytes_at_a_time_agrees_with_one_at_a_time() {
        fn naive(text: &str) -> usize {
            text.split(|c: char| c <= ' ').filter(|w| !w.is_empty()).count()
        }
        // Deterministic strings of letters, spaces, tabs and newlines, of every length around the lanes.
        let mut seed = 0x2545_f491_u32;
        for len in 0..200 {
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    [b'a', b'b', b' ', b'\t', b'\n', b'z', b'.', b' '][(seed % 8) as usize] as char
                })
                .collect();
            assert_eq!(count_words(&text), naive(&text), "{text:?}");
        }
    }

    #[test]
    fn slugs_and_summaries() {
        assert_eq!(slugify("NATO & Russia: 2020"), "nato-russia-2020");
        assert_eq!(slugify("Économie d'été"), "economie-dete");
        assert_eq!(slugify("!!!"), "section");
        assert_eq!(summarize("short", 10), "short");
        assert_eq!(summarize("one two three four", 10), "one two…");
        assert_eq!(summarize("été, déjà vu, encore", 12), "été, déjà…");
        assert_eq!(plain_text(&Parser::new("  A *b*\nc  `d`  ").collect::<Vec<_>>(), |_| false), "A b c d");
    }
}
