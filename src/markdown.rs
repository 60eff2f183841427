//! Markdown bodies: pulldown-cmark events grouped into top-level blocks,
//! paywall markers found among them, and each side of a cut rendered from
//! its own events (HTML strings are never sliced), with the table of
//! contents and the footnotes that side may show.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::paywall::{self, Cut, Marker};
use crate::text::{push_decimal, slugify, xml_escape};

/// The Markdown extensions every body is read with.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A footnote definition, kept apart from the flow of blocks.
#[derive(Debug)]
struct FootnoteDef<'a> {
    /// The label as CommonMark matches it (see [`footnote_key`]).
    key: String,
    events: Vec<Event<'a>>,
}

/// A footnote label as CommonMark compares labels: case folded, inner
/// whitespace collapsed, ends trimmed (`[^Note]` cites `[^note]:`).
fn footnote_key(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
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

/// A block that never meets its end and so runs to the end of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset in the body where it opens.
    pub offset: usize,
    /// What it is and what would close it, for the message.
    pub what: String,
}

/// Something in a body that looks like an attempt at the paywall marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookalike {
    /// Byte offset in the body.
    pub offset: usize,
    /// Why it is not taken for the marker.
    pub why: &'static str,
}

/// A footnote label defined more than once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateNote {
    /// The label as first written.
    pub label: String,
    /// Byte offsets in the body of the first and the repeated definition.
    pub first: usize,
    /// See `first`.
    pub again: usize,
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
    /// Markers found where they cannot cut (inside a list, a quote, a line of text, an HTML block): body offsets.
    pub misplaced_markers: Vec<usize>,
    /// Markers standing alone on a line of a code block: just text in an
    /// article that cuts elsewhere, a swallowed cutoff in one that does not.
    pub markers_in_code: Vec<usize>,
    /// Comments and lines that look like an attempt at the marker but are not it.
    pub lookalikes: Vec<Lookalike>,
    /// The last block, when it never closes (a code fence, a comment, a `<pre>`, …) and swallows the rest of the body.
    pub unclosed: Option<Unclosed>,
    /// Footnote labels defined twice.
    pub duplicate_notes: Vec<DuplicateNote>,
    /// HTML blocks that never met their own end and ran on, past blank
    /// lines, to the end of a later one of their kind.
    pub run_on: Vec<Unclosed>,
    /// `id` attributes in the author's raw HTML, with their body offsets.
    pub raw_ids: Vec<(String, usize)>,
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
    /// Where the paid blocks begin in `html` (0 on a side without them).
    pub paid_from: usize,
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
    /// Raw HTML that nothing appended can close (`<plaintext>`, …): the start
    /// of it as written, and why, for an error.
    pub unclosable: Option<(String, String)>,
}

/// Appends to `html` what closes every element, comment or tag it leaves
/// open, or notes (once) why nothing can.
fn close_open(html: &mut String, unclosable: &mut Option<(String, String)>) {
    let mut result = crate::balance::closers(html);
    if let Ok(c) = &result
        && !c.stray_end_tags.is_empty()
    {
        // An end tag with no opening tag of the author's would close the
        // theme's elements around the text, and does nothing else: it goes.
        for r in c.stray_end_tags.iter().rev() {
            html.replace_range(r.clone(), "");
        }
        result = crate::balance::closers(html);
    }
    match result {
        Ok(c) => html.push_str(&c.text),
        Err(u) => {
            if unclosable.is_none() {
                let snippet: String = html.get(u.offset..).unwrap_or_default().chars().take_while(|&c| c != '\n').take(40).collect();
                *unclosable = Some((snippet, u.what));
            }
        }
    }
}

/// Whether the construct at `at` (its inside `inner`) is a complete `<!-- paywall -->`.
fn is_exact_marker_at(html: &str, at: usize, inner: &str) -> bool {
    html[at..].starts_with("<!--") && html[at + 4 + inner.len()..].starts_with("-->") && paywall::is_marker(&html[at..at + 4 + inner.len() + 3])
}

/// A paragraph line that reaches for comment punctuation around a paywall-like word (`<-- paywall -->`).
fn line_attempts_marker(line: &str) -> Option<&'static str> {
    // Nearly every line of prose has none of the punctuation of a comment
    // (nor a character that looks like `<`): it is let through without a copy.
    const LOOK_LIKE_LT: &[char] = &['＜', '‹', '˂', 'ᐸ', '〈', '⟨', '〈', '﹤'];
    let bytes = line.as_bytes();
    // A comment's opening or closing: `<`, `&lt;` or `-->` (a dash alone is prose; `-- paywall --` standing alone is caught as a paragraph).
    let punctuated = memchr::memchr2(b'<', b'&', bytes).is_some() || memchr::memmem::find(bytes, b"-->").is_some();
    if !(punctuated || (!line.is_ascii() && line.contains(LOOK_LIKE_LT))) || line.len() > 40 && !paywall::may_mention_paywall(line) {
        return None;
    }
    let outside = without_code_spans(line);
    let line = paywall::normalized(&outside);
    let line = line.as_str();
    let punctuated = ["<!", "<--", "-->", "--!>", "&lt;!--", "<?"].iter().any(|p| line.contains(p));
    if punctuated { paywall::lookalike(line) } else { None }
}

/// A line with its code spans left out: they show markup as text, and a
/// writer may quote a comment there.
fn without_code_spans(line: &str) -> String {
    let mut outside = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('`') {
        outside.push_str(&rest[..open]);
        let ticks = rest[open..].bytes().take_while(|&b| b == b'`').count();
        let after = &rest[open + ticks..];
        let fence = &rest[open..open + ticks];
        match after.find(fence) {
            Some(close) => rest = &after[close + ticks..],
            None => {
                rest = after;
            }
        }
    }
    outside.push_str(rest);
    outside
}

/// The string that would close a block that swallowed the rest of the body.
fn what_is_unclosed(first: &Event<'_>, source: &str) -> String {
    match first {
        Event::Start(Tag::CodeBlock(_)) => {
            let fence: String = source.trim_start().chars().take_while(|&c| c == '`' || c == '~').collect();
            format!(
                "this code fence ({fence}) is never closed, so it runs to the end of the article: close it with a line of {fence} (not indented by four spaces or a tab)"
            )
        }
        _ => {
            let lower = source.trim_start().to_ascii_lowercase();
            let end = if lower.starts_with("<!--") {
                "-->"
            } else if lower.starts_with("<![cdata[") {
                "]]>"
            } else if lower.starts_with("<?") {
                "?>"
            } else if lower.starts_with("<!") {
                ">"
            } else {
                ["pre", "script", "style", "textarea"].into_iter().find(|t| lower[1..].starts_with(t)).map_or("its end tag", |t| match t {
                    "pre" => "</pre>",
                    "script" => "</script>",
                    "style" => "</style>",
                    _ => "</textarea>",
                })
            };
            let opening: String = source.trim_start().chars().take_while(|&c| c != '\n').take(24).collect();
            format!("this HTML block ({opening}) never meets its end ({end}), so it runs to the end of the article: add {end} where it should end")
        }
    }
}

/// Whether an HTML block that only an end string closes (a comment, `<?`,
/// `<!X`, CDATA, `<pre>`, `<script>`, `<style>`, `<textarea>`) ran past
/// its own end: another opener of its kind comes before the end string
/// that closed it (a comment left open, closed by the next comment's `-->`),
/// or a declaration spans a blank line. What it is, for the message.
fn runs_into_another(text: &str) -> Option<String> {
    let lower = text.trim_start().to_ascii_lowercase();
    let pairs: [(&str, &str); 8] = [
        ("<!--", "-->"),
        ("<![cdata[", "]]>"),
        ("<?", "?>"),
        ("<pre", "</pre>"),
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
        ("<!", ">"),
    ];
    let (open, end) = pairs.into_iter().find(|(open, _)| lower.starts_with(open))?;
    let after = &lower[open.len()..];
    let first_end = after.find(end).unwrap_or(after.len());
    let again = if open == "<!" { after[..first_end].contains("\n\n") || after[..first_end].contains("\n \n") } else { after[..first_end].contains(open) };
    again.then(|| {
        let opening: String = text.trim_start().chars().take_while(|&c| c != '\n').take(24).collect();
        format!("this HTML block ({opening}) never meets its own end ({end}): CommonMark runs it on, past blank lines, to the end of a later one, and it would count as one block; add {end} where it should end")
    })
}

/// A paragraph that no open block can take in: it proves the blocks before it ended.
const SENTINEL: &str = "ledeendofbodysentinel";

/// Whether the top-level block that starts `source` and runs to its end
/// would also swallow a paragraph written after it: pulldown-cmark's own
/// view of where the block ends, rather than a second parser of ours.
fn swallows_what_follows(source: &str) -> bool {
    let probe = format!("{source}\n\n{SENTINEL}\n");
    let mut depth = 0usize;
    let mut in_paragraph = false;
    for event in Parser::new_ext(&probe, options()) {
        match event {
            Event::Start(tag) => {
                in_paragraph = depth == 0 && matches!(tag, Tag::Paragraph);
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if in_paragraph && depth == 1 && t.as_ref() == SENTINEL => return false,
            _ => {}
        }
    }
    true
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
            markers_in_code: Vec::new(),
            lookalikes: Vec::new(),
            unclosed: None,
            duplicate_notes: Vec::new(),
            run_on: Vec::new(),
            raw_ids: Vec::new(),
            toc: Vec::new(),
            toc_block: Vec::new(),
            words: 0,
            source_len: body.len(),
        };
        let mut depth = 0usize;
        // Where the open block's events start in `doc.events`, and its source offset.
        let mut block_start = 0;
        let mut current_start = 0;
        // The open definition: its key, whether the key was defined before, its events.
        let mut footnote: Option<(String, bool, Vec<Event<'a>>)> = None;
        let mut note_offsets: HashMap<String, (usize, String)> = HashMap::new();
        // The last top-level construct: its source range and whether it is one that only an end string closes.
        let mut last_top: Option<(std::ops::Range<usize>, bool)> = None;
        let mut in_code = 0usize;
        // The HTML block being read: its offset and its text so far.
        let mut html_block: Option<(usize, String)> = None;
        // The top-level HTML block just read: its text, and whether it holds the exact marker.
        let mut top_html: Option<(String, bool)> = None;
        let mut words = WordCounter::new();
        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            words.event(&event);
            match &event {
                Event::Start(tag) => {
                    if depth == 0 {
                        current_start = range.start;
                        block_start = doc.events.len();
                        let may_swallow = matches!(tag, Tag::CodeBlock(CodeBlockKind::Fenced(_)) | Tag::HtmlBlock);
                        last_top = Some((range.clone(), may_swallow));
                        if let Tag::FootnoteDefinition(name) = tag {
                            let key = footnote_key(name);
                            let again = match note_offsets.get(&key) {
                                Some((first, label)) => {
                                    doc.duplicate_notes.push(DuplicateNote { label: label.clone(), first: *first, again: range.start });
                                    true
                                }
                                None => {
                                    note_offsets.insert(key.clone(), (range.start, name.to_string()));
                                    false
                                }
                            };
                            footnote = Some((key, again, Vec::new()));
                            depth += 1;
                            continue;
                        }
                    }
                    match tag {
                        Tag::CodeBlock(_) => in_code += 1,
                        Tag::HtmlBlock => html_block = Some((range.start, String::new())),
                        Tag::Paragraph => {
                            let source = &body[range.clone()];
                            // The marker alone in a code span is most likely the marker, quoted by mistake.
                            let quoted = source
                                .trim()
                                .strip_prefix('`')
                                .and_then(|r| r.strip_suffix('`'))
                                .is_some_and(|inner| paywall::is_marker(inner.trim_matches('`')));
                            if quoted {
                                doc.lookalikes
                                    .push(Lookalike { offset: range.start, why: "it is written as code (in backticks), so it is shown rather than cut" });
                            }
                            if source.len() <= 80
                                && let Some(why) = paywall::bare_attempt(&without_code_spans(source))
                            {
                                doc.lookalikes.push(Lookalike { offset: range.start, why });
                            }
                            let mut line_start = range.start;
                            for line in source.split_inclusive('\n') {
                                if let Some(why) = line_attempts_marker(line) {
                                    doc.lookalikes.push(Lookalike { offset: line_start, why });
                                }
                                line_start += line.len();
                            }
                        }
                        _ => {}
                    }
                    depth += 1;
                }
                Event::End(tag) => {
                    depth = depth.saturating_sub(1);
                    match tag {
                        TagEnd::CodeBlock => in_code = in_code.saturating_sub(1),
                        TagEnd::HtmlBlock => {
                            if let Some((start, text)) = html_block.take() {
                                let nested = depth > 0 || footnote.is_some();
                                let has_marker = doc.scan_html(&text, start, nested);
                                if depth == 0
                                    && let Some(what) = runs_into_another(&text)
                                {
                                    doc.run_on.push(Unclosed { offset: start, what });
                                }
                                if !nested {
                                    // A marker block of its own at the top level is judged below, as the block ends.
                                    top_html = Some((text, has_marker));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if in_code > 0 => {
                    let mut at = range.start;
                    for line in t.split_inclusive('\n') {
                        if paywall::is_marker(line) {
                            doc.markers_in_code.push(at);
                        }
                        at += line.len();
                    }
                }
                // An HTML block arrives a line at a time: a comment over several
                // lines is read whole, once the block ends.
                Event::Html(h) => match &mut html_block {
                    Some((_, text)) => text.push_str(h),
                    None => {
                        doc.scan_html(h, range.start, true);
                    }
                },
                Event::InlineHtml(h) => {
                    doc.scan_html(h, range.start, true);
                }
                _ => {}
            }
            if depth == 0 && !matches!(event, Event::End(_)) {
                last_top = Some((range.clone(), false));
            }
            if let Some((_, _, events)) = &mut footnote {
                if depth == 0 {
                    // The closing tag of the definition is not part of its content.
                    if let Some((key, again, events)) = footnote.take() {
                        // A label defined twice is an error; the first definition stands meanwhile.
                        if !again {
                            doc.footnotes.push(FootnoteDef { key, events });
                        }
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
            if let Some((html, has_marker)) = top_html.take() {
                if paywall::is_marker(&html) {
                    doc.markers.push(Marker { blocks_before: doc.blocks.len(), offset: current_start });
                    doc.events.truncate(block.start);
                    continue;
                }
                if has_marker {
                    doc.misplaced_markers.push(current_start);
                }
            }
            doc.blocks.push(block);
        }
        if let Some((range, true)) = last_top
            && body[range.end..].trim().is_empty()
            && swallows_what_follows(&body[range.start..])
        {
            let first = Parser::new_ext(&body[range.start..], options()).next();
            let what = first.map_or_else(String::new, |e| what_is_unclosed(&e, &body[range.start..]));
            doc.unclosed = Some(Unclosed { offset: range.start, what });
        }
        doc.words = words.words;
        doc.assign_heading_ids();
        doc
    }

    /// Notes the markers and the attempts at one in a piece of raw HTML at
    /// `offset` of the body. `nested`: an exact marker there cannot cut.
    /// Returns whether the HTML holds the exact marker anywhere.
    fn scan_html(&mut self, html: &str, offset: usize, nested: bool) -> bool {
        self.raw_ids.extend(ids_in(html).into_iter().map(|(id, at)| (id, offset + at)));
        let mut has_marker = false;
        for (at, inner) in paywall::constructs(html) {
            if is_exact_marker_at(html, at, inner) {
                has_marker = true;
                if nested {
                    self.misplaced_markers.push(offset + at);
                }
            } else if let Some(why) = paywall::lookalike(inner) {
                // A comment left open runs on to the next `-->`, perhaps a marker's.
                let why = if inner.contains("<!--") {
                    "a comment opened above it and left open runs into it, so it does not cut (close that comment with -->)"
                } else {
                    why
                };
                self.lookalikes.push(Lookalike { offset: offset + at, why });
            }
        }
        has_marker
    }

    /// Number of top-level content blocks (markers and footnote definitions excluded).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// Gives every heading a unique id (an explicit `{#id}` is kept) and records the toc.
    fn assign_heading_ids(&mut self) {
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
        // Only the author's raw HTML can leave an element open: pulldown-cmark's own markup is balanced.
        let raw = |events: &[Event<'_>]| events.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
        let free_raw = raw(&self.events[..free_events]);
        let paid_raw = raw(&self.events[free_events..]);
        let notes_raw = self.footnotes.iter().any(|f| raw(&f.events));
        // HTML runs about a quarter longer than its Markdown: size each side's
        // buffer by its share of the events so that it seldom has to grow.
        let total_events = self.events.len().max(1);
        let html_size = |events: usize| self.source_len / total_events * events * 5 / 4 + 256;
        let mut events = std::mem::take(&mut self.events).into_iter();
        let mut state = RenderState { ref_count: vec![0; numbers.len() + 1], ..RenderState::default() };
        let mut free_html = String::with_capacity(html_size(free_events));
        self.render_events(events.by_ref().take(free_events), &numbers, &mut state, &mut free_html);
        let mut unclosable = None;
        // The public page goes on after the free part (the ellipsis, the
        // subscribe form, the footer): whatever the author's HTML left open
        // there is closed on this side only, as the paid part may close it.
        let (html, unclosed_free) = if free_raw {
            let mut closed = free_html.clone();
            close_open(&mut closed, &mut unclosable);
            (closed, Some(free_html))
        } else {
            (free_html, None)
        };
        let mut footnotes_html = self.render_footnotes(&numbers, state.refs.clone(), state.ref_count.clone());
        if notes_raw {
            close_open(&mut footnotes_html, &mut unclosable);
        }
        let public = Part { footnotes_html, toc: self.toc_of(0..free_blocks), first_paragraph: first_paragraph.clone(), html, paid_from: 0 };
        let members = (free_blocks < self.blocks.len()).then(|| {
            let all = 0..self.blocks.len();
            let mut html = unclosed_free.unwrap_or_else(|| public.html.clone());
            html.reserve(html_size(events.len()) + 64);
            let paid_from = html.len();
            html.push_str("<div class=\"paid-content\" id=\"subscriber-content\">\n");
            self.render_events(events, &numbers, &mut state, &mut html);
            html.push_str("</div>\n");
            if free_raw || paid_raw {
                close_open(&mut html, &mut unclosable);
            }
            let mut footnotes_html = self.render_footnotes(&numbers, state.refs, state.ref_count);
            if notes_raw {
                close_open(&mut footnotes_html, &mut unclosable);
            }
            Part { footnotes_html, toc: self.toc_of(all), first_paragraph, html, paid_from }
        });
        Rendered { public, members, words: self.words, unclosable }
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
        let defined: HashMap<&str, usize> = self.footnotes.iter().enumerate().map(|(i, f)| (f.key.as_str(), i)).collect();
        // Definitions numbered but not yet read for the notes they cite.
        let mut pending: BTreeSet<usize> = BTreeSet::new();
        let visit = |events: &[Event<'a>], numbers: &mut HashMap<String, usize>, pending: &mut BTreeSet<usize>| {
            for e in events {
                if let Event::FootnoteReference(name) = e {
                    let key = footnote_key(name);
                    if let Some(&i) = defined.get(key.as_str())
                        && !numbers.contains_key(&key)
                    {
                        let n = numbers.len() + 1;
                        numbers.insert(key, n);
                        pending.insert(i);
                    }
                }
            }
        };
        visit(&self.events, &mut numbers, &mut pending);
        // Notes cited by notes are numbered as passes over the definitions,
        // in order, would number them; each definition is read once, so a
        // long chain of notes citing notes costs no more than its length.
        let mut at = 0;
        while let Some(i) = pending.range(at..).next().or_else(|| pending.first()).copied() {
            pending.remove(&i);
            at = i + 1;
            visit(&self.footnotes[i].events, &mut numbers, &mut pending);
        }
        numbers
    }

    /// Appends the HTML of `events` to `html`, numbering on from `state`.
    fn render_events(&self, mut source: impl Iterator<Item = Event<'a>>, numbers: &HashMap<String, usize>, state: &mut RenderState, html: &mut String) {
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
                    Event::Html(CowStr::from(format!("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table {}\">", state.tables)))
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
        let Some(&n) = numbers.get(&footnote_key(&name)) else {
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
            if let Some(&n) = numbers.get(&f.key) {
                by_number[n] = Some(f);
            }
        }
        let mut done = vec![false; numbers.len() + 1];
        let mut out = String::new();
        // Notes may reference further notes; render until no new one
        // appears, always the lowest number not yet rendered.
        let mut queue: BinaryHeap<Reverse<usize>> = refs.drain(..).map(Reverse).collect();
        while let Some(Reverse(n)) = queue.pop() {
            if done[n] {
                continue;
            }
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
            queue.extend(nested.into_iter().map(Reverse));
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

/// The `id` attributes of the tags in a piece of raw HTML, with their
/// offsets: a repeated id makes a page invalid and its anchors ambiguous.
fn ids_in(html: &str) -> Vec<(String, usize)> {
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
    if lang.is_empty() { "<pre tabindex=\"0\"><code>".to_string() } else { format!("<pre tabindex=\"0\"><code class=\"language-{}\">", xml_escape(lang)) }
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
    matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Superscript | TagEnd::Subscript)
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

    fn unclosed(body: &str) -> Option<usize> {
        Document::parse(body).unclosed.map(|u| u.offset)
    }

    #[test]
    fn unclosed_blocks_are_found() {
        assert_eq!(unclosed("One.\n\n```\ncode\n```\n\n~~~~\nx\n~~~\n\nstill code\n"), Some(20));
        assert_eq!(Document::parse("One.\n\n```\ncode\n```\n\n~~~~\nx\n~~~\n\nstill code\n").block_count(), 3);
        assert_eq!(unclosed("```\na\n```\n"), None);
        assert_eq!(unclosed("```rust\n"), Some(0));
        assert_eq!(unclosed("One.\n\n<!-- a note\n\nmore\n"), Some(6));
        assert_eq!(unclosed("<pre>\nx\n\ny\n"), Some(0));
        assert_eq!(unclosed("<!-- ok -->\n\n<pre>x</pre>\n\n<div>\nz\n"), None);
        // A fence "closed" by a line indented four spaces, or by a tab, is still open.
        assert_eq!(unclosed("One.\n\n```\ncode\n    ```\n\nTwo.\n"), Some(6));
        assert_eq!(unclosed("One.\n\n```\ncode\n\t```\n\nTwo.\n"), Some(6));
        // Every kind of HTML block that only an end string closes.
        for open in ["<?note for editors >", "<![CDATA[ x", "<!DOCTYPE html", "<script>", "<style>", "<textarea>", "<!-- x"] {
            let body = format!("One.\n\n{open}\n\nTwo.\n\nThree.\n");
            let u = Document::parse(&body).unclosed.unwrap_or_else(|| panic!("{open} not found unclosed"));
            assert_eq!(u.offset, 6, "{open}");
            assert!(u.what.contains("never meets its end"), "{}", u.what);
        }
        // Blocks that a blank line ends never swallow what follows.
        assert_eq!(unclosed("<div>\nopen div\n"), None);
        assert_eq!(unclosed("- a\n- b\n"), None);
        assert_eq!(unclosed("    indented code\n"), None);
        assert_eq!(unclosed("> quote\n"), None);
    }

    #[test]
    fn a_forgotten_fence_leaves_the_last_one_open() {
        let body = "One.\n\n```\nforgotten\n\nTwo.\n\n```\nsample\n```\n\nThree.\n";
        let u = Document::parse(body).unclosed.expect("unclosed");
        assert!(u.what.contains("code fence (```)"), "{}", u.what);
    }

    #[test]
    fn markers_in_code_are_noted_apart() {
        let d = Document::parse("One.\n\n```\n<!-- paywall -->\n```\n\nTwo.\n");
        assert!(d.markers.is_empty() && d.misplaced_markers.is_empty());
        assert_eq!(d.markers_in_code, vec![10]);
        assert!(Document::parse("Two `<!-- paywall -->` inline.\n").markers_in_code.is_empty());
    }

    #[test]
    fn attempts_at_the_marker_are_found_wherever_they_are() {
        let cases = [
            "One.\n\n<!-- paywal -->\n\nTwo.\n",
            "One.\n\n<!--- paywall --->\n\nTwo.\n",
            "One.\n\n<!-- pay wall -->\n\nTwo.\n",
            "One.\n\n<!-- paywall: subscribers -->\n\nTwo.\n",
            "One.\n\n<!-- pay\u{200b}wall -->\n\nTwo.\n",
            "One.\n\n<!-- paywall --!>\n\nTwo.\n",
            "One.\n\n<!--more-->\n\nTwo.\n",
            "One <!-- paywal --> inline.\n",
            "- item\n\n  <!-- paywal -->\n",
            "One.\n\n<-- paywall -->\n\nTwo.\n",
            "One.\n\n<?paywall?>\n\nTwo.\n",
            "One.\n\n`<!-- paywall -->`\n\nTwo.\n",
        ];
        for body in cases {
            assert!(!Document::parse(body).lookalikes.is_empty(), "{body:?}");
        }
        for fine in
            ["One.\n\n<!-- paywall -->\n\nTwo.\n", "The paywall debate.\n", "<!-- a note -->\n", "```\n<!-- paywal -->\n```\n", "Use `<!-- paywal -->`.\n"]
        {
            assert!(Document::parse(fine).lookalikes.is_empty(), "{fine:?}");
        }
    }

    #[test]
    fn footnote_labels_match_as_commonmark_labels_do() {
        let r = render("Cited[^Note] and [^ big   idea ].\n\n[^note]: NOTEONE.\n[^Big Idea]: NOTETWO.\n", Cut::Free);
        assert!(r.public.footnotes_html.contains("NOTEONE") && r.public.footnotes_html.contains("NOTETWO"), "{}", r.public.footnotes_html);
        assert!(!r.public.html.contains("[^"), "{}", r.public.html);
    }

    #[test]
    fn notes_cited_by_notes_are_numbered_pass_by_pass_over_the_definitions() {
        let r = render("Body[^a].\n\n[^c]: C cites[^b].\n[^b]: B.\n[^a]: A cites[^c].\n", Cut::Free);
        let html = &r.public.footnotes_html;
        let (a, c, b) = (html.find("A cites").unwrap(), html.find("C cites").unwrap(), html.find(">B.").unwrap_or_else(|| html.find("B.").unwrap()));
        assert!(a < c && c < b, "{html}");
        assert!(html.contains("<li id=\"fn-2\" value=\"2\"><p>C cites"), "{html}");
    }

    #[test]
    fn a_long_chain_of_notes_citing_notes_is_numbered_and_rendered_whole() {
        // Defined last to first, each citing the next: every pass of the old
        // fixed point found one more note.
        let n = 3000;
        let mut body = String::from("Start[^n0].\n\n");
        for i in (0..n).rev() {
            body.push_str(&format!("[^n{i}]: Note {i}[^n{}].\n", i + 1));
        }
        let r = render(&body, Cut::Free);
        assert_eq!(r.public.footnotes_html.matches("<li id=").count(), n);
        assert!(r.public.footnotes_html.contains(&format!("<li id=\"fn-{n}\" value=\"{n}\"><p>Note {}", n - 1)));
    }

    #[test]
    fn what_the_free_part_leaves_open_is_closed_on_the_public_side_only() {
        let body = "<table><tr><td>\n\nFree cell.\n\nPAIDWORD cell.\n\n</td></tr></table>\n";
        let r = render(body, Cut::After(2));
        assert!(r.public.html.ends_with("</td></tr></tbody></table>"), "{}", r.public.html);
        let m = r.members.expect("paid");
        // The members text keeps the author's table open across the cut, as written.
        assert!(m.html.starts_with("<table><tr><td>\n<p>Free cell.</p>\n<div class=\"paid-content\""), "{}", m.html);
        assert!(r.unclosable.is_none());
        let r = render("Free <a href=\"x\">open link.\n\nPaid.\n", Cut::After(1));
        assert!(r.public.html.ends_with("</a>"), "{}", r.public.html);
        let r = render("<div>\n<!-- open\n</div>\n\nPaid -->\n", Cut::After(1));
        assert!(r.public.html.contains("-->"), "{}", r.public.html);
        // Balanced raw HTML is left exactly as written.
        let r = render("<div>closed</div>\n\nPaid.\n", Cut::After(1));
        assert_eq!(r.public.html, "<div>closed</div>\n");
        let r = render("Free.\n\n<plaintext>\n\nPaid.\n", Cut::After(2));
        assert!(r.unclosable.is_some_and(|(snippet, _)| snippet.starts_with("<plaintext>")));
    }

    #[test]
    fn a_footnote_defined_twice_is_noted_with_both_places() {
        let body = "Free[^a].\n\n[^a]: FREEDEF.\n\nPaid.\n\n[^A]: PAIDDEF.\n";
        let d = Document::parse(body);
        assert_eq!(d.duplicate_notes, vec![DuplicateNote { label: "a".into(), first: 11, again: 34 }]);
    }

    #[test]
    fn heading_ids_never_repeat_the_themes_or_the_footnotes() {
        let r = render("## Main\n\n## Subscribe\n\n## Fn 1\n\n## Top {#top}\n\n## Fnref 2 3\n\n## Fn 1 2\n", Cut::Free);
        let ids: Vec<&str> = r.public.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["main-2", "subscribe-2", "h-fn-1", "top-2", "h-fnref-2-3", "fn-1-2"]);
        let r = render("## Fnref 1\n\n## Fnref 1 {#fnref-1}\n", Cut::Free);
        let ids: Vec<&str> = r.public.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["h-fnref-1", "h-fnref-1-2"]);
    }

    #[test]
    fn ids_in_raw_html_are_found_and_headings_keep_clear_of_them() {
        let html = "<div id=\"intro\" class=x><span ID='b' data-id=\"no\">x</span><p id=c>";
        let ids: Vec<String> = ids_in(html).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["intro", "b", "c"]);
        assert!(ids_in("<!-- id=\"x\" -->").is_empty());
        let r = render("<div id=\"intro\">x</div>\n\n## Intro\n", Cut::Free);
        assert_eq!(r.public.toc[0].id, "intro-2");
    }

    #[test]
    fn many_headings_of_one_name_get_ids_in_linear_time() {
        let body = "## Same\n\n".repeat(2000) + "## Same-2\n";
        let r = render(&body, Cut::Free);
        assert_eq!(r.public.toc[1].id, "same-2");
        assert_eq!(r.public.toc[1999].id, "same-2000");
        assert_eq!(r.public.toc[2000].id, "same-2-2");
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
    fn plain_text_joins_the_words() {
        assert_eq!(plain_text(&Parser::new("  A *b*\nc  `d`  ").collect::<Vec<_>>(), |_| false), "A b c d");
    }
}
