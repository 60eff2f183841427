//! Reading a body: pulldown-cmark's events grouped into top-level blocks
//! and footnote definitions, the paywall markers among them, and what is
//! noted along the way (markers out of place or in code, look-alikes,
//! footnotes defined twice, raw ids, words).

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use super::ids::{footnote_key, ids_in};
use super::unclosed::{runs_into_another, swallows_what_follows, what_is_unclosed};
use super::words::WordCounter;
use super::{Arg, Document, DuplicateNote, FootnoteDef, Lookalike, Slot, Unclosed, options, shortcodes};
use crate::paywall::{self, Marker};

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

impl<'a> Document<'a> {
    /// Parses a body into blocks, footnotes and markers. A body with
    /// shortcodes is read with each replaced by a placeholder of its length.
    pub fn parse(body: &'a str) -> Document<'a> {
        if !shortcodes::may_hold(body) {
            return Document::read(body, body, &[]);
        }
        let scan = shortcodes::scan(body);
        if scan.calls.is_empty() && scan.problems.is_empty() {
            return Document::read(body, body, &[]);
        }
        let starts: Vec<usize> = scan.calls.iter().map(|c| c.span.start).collect();
        let mut doc = Document::read(&scan.prepared, "", &starts).rebind(body);
        // A cut inside a shortcode would split its HTML: the shortcode is one block.
        for call in &scan.calls {
            let Some(range) = call.body.clone() else { continue };
            let mut at = range.start;
            for line in body[range].split_inclusive('\n') {
                if paywall::is_marker(line) {
                    let message = format!("a <!-- paywall --> marker cannot cut inside the shortcode `{}`: move it above or below the shortcode", call.name);
                    doc.shortcode_problems.push((at, message));
                }
                at += line.len();
            }
        }
        doc.shortcode_problems.extend(scan.problems);
        doc.shortcode_problems.sort();
        // A shortcode's `src`, and the images of its body, are the page's
        // images like any other: located, sized, a missing one refused.
        for call in &scan.calls {
            for (key, arg, at) in &call.args {
                if let (Arg::Str(src), "src") = (arg, key.as_str()) {
                    doc.images.push((src.clone(), *at));
                }
            }
            if let Some(range) = call.body.clone() {
                let inner = Document::parse(&body[range.clone()]);
                doc.images.extend(inner.images.into_iter().map(|(src, at)| (src, range.start + at)));
                doc.images_without_alt.extend(inner.images_without_alt.into_iter().map(|at| range.start + at));
            }
        }
        doc.images.sort_by_key(|(_, at)| *at);
        doc.calls = scan.calls;
        doc
    }

    /// The same document over another source; its events no longer borrow the text they were read from.
    fn rebind<'b>(self, source: &'b str) -> Document<'b> {
        let owned = |events: Vec<Event<'a>>| events.into_iter().map(Event::into_static).collect();
        Document {
            events: owned(self.events),
            blocks: self.blocks,
            footnotes: self.footnotes.into_iter().map(|f| FootnoteDef { key: f.key, events: owned(f.events) }).collect(),
            markers: self.markers,
            misplaced_markers: self.misplaced_markers,
            markers_in_code: self.markers_in_code,
            lookalikes: self.lookalikes,
            unclosed: self.unclosed,
            duplicate_notes: self.duplicate_notes,
            run_on: self.run_on,
            raw_ids: self.raw_ids,
            toc: self.toc,
            toc_block: self.toc_block,
            words: self.words,
            source_len: self.source_len,
            source,
            calls: self.calls,
            slots: self.slots,
            shortcode_problems: self.shortcode_problems,
            images: self.images,
            images_without_alt: self.images_without_alt,
        }
    }

    /// Reads `body`; `placeholders` are the offsets where shortcodes were replaced.
    fn read(body: &'a str, source: &'a str, placeholders: &[usize]) -> Document<'a> {
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
            images: Vec::new(),
            images_without_alt: Vec::new(),
            toc: Vec::new(),
            toc_block: Vec::new(),
            words: 0,
            source_len: body.len(),
            source,
            calls: Vec::new(),
            slots: Vec::new(),
            shortcode_problems: Vec::new(),
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
        let mut image_opened: Option<usize> = None;
        // The HTML block being read: its offset and its text so far.
        let mut html_block: Option<(usize, String)> = None;
        // The top-level HTML block just read: its text, and whether it holds the exact marker.
        let mut top_html: Option<(String, bool)> = None;
        let mut words = WordCounter::new();
        for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
            words.event(&event);
            let slot = match event {
                Event::Html(_) | Event::InlineHtml(_) if !placeholders.is_empty() => {
                    let i = placeholders.partition_point(|&p| p < range.start);
                    placeholders.get(i).filter(|&&p| p < range.end).map(|_| i)
                }
                _ => None,
            };
            // An image that ends as it starts has no alt text.
            if let Some(at) = image_opened.take()
                && matches!(event, Event::End(TagEnd::Image))
            {
                doc.images_without_alt.push(at);
            }
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
                        Tag::Image { dest_url, .. } => {
                            doc.images.push((dest_url.to_string(), range.start));
                            image_opened = Some(range.start);
                        }
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
                    if let Some(call) = slot {
                        doc.slots.push(Slot { footnote: Some(doc.footnotes.len()), event: events.len(), call });
                    }
                    events.push(event);
                }
                continue;
            }
            if let Some(call) = slot {
                doc.slots.push(Slot { footnote: None, event: doc.events.len(), call });
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
}
