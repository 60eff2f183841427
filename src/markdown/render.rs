//! Rendering each side of a cut from its own events: the free blocks, the
//! paid blocks numbered on from them, the footnotes each side cites, and
//! whatever the author's raw HTML left open, closed.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::highlight;
use super::ids::{footnote_key, push_ref_id};
use super::words::plain_text;
use super::{Document, FootnoteDef, Part, RenderContext, Rendered, TocEntry};
use crate::images::{self, LocalImage};
use crate::paywall::Cut;
use crate::target::Target;
use crate::text::{push_decimal, xml_escape};

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

impl<'a> Document<'a> {
    /// Renders both sides of `cut`. The free blocks are rendered once: the
    /// members text is that HTML followed by the paid blocks, numbered on
    /// from where the free side stopped (footnote anchors, table labels).
    /// The events are moved into the renderer, not copied: a document renders once.
    pub fn render(mut self, cut: Cut, cx: &mut RenderContext<'_>) -> Rendered {
        let mut shortcode_problems = Vec::new();
        if !self.calls.is_empty() {
            self.expand_shortcodes(cx, &mut shortcode_problems);
        }
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
        if cx.notes_references() {
            cx.note(self.events[..free_events].iter(), Target::Public);
            cx.note(self.events[free_events..].iter(), Target::Members);
        }
        let mut events = std::mem::take(&mut self.events).into_iter();
        let mut state = RenderState { ref_count: vec![0; numbers.len() + 1], ..RenderState::default() };
        let mut free_html = String::with_capacity(html_size(free_events));
        self.render_events(events.by_ref().take(free_events), &numbers, &mut state, cx.images, &mut free_html);
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
        if cx.notes_references() {
            self.note_footnote_references(cx, &numbers, &state.refs);
        }
        let mut footnotes_html = self.render_footnotes(&numbers, state.refs.clone(), state.ref_count.clone(), cx.images);
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
            self.render_events(events, &numbers, &mut state, cx.images, &mut html);
            html.push_str("</div>\n");
            if free_raw || paid_raw {
                close_open(&mut html, &mut unclosable);
            }
            let mut footnotes_html = self.render_footnotes(&numbers, state.refs, state.ref_count, cx.images);
            if notes_raw {
                close_open(&mut footnotes_html, &mut unclosable);
            }
            Part { footnotes_html, toc: self.toc_of(all), first_paragraph, html, paid_from }
        });
        Rendered { public, members, words: self.words, unclosable, shortcode_problems }
    }

    /// Replaces each shortcode's placeholder by its HTML, noting what fails
    /// (at body offsets). A shortcode's HTML stands where its placeholder
    /// stood, so it falls on the side of the cut that its place does.
    fn expand_shortcodes(&mut self, cx: &RenderContext<'_>, problems: &mut Vec<(usize, String)>) {
        let outputs: Vec<String> = self.calls.iter().map(|call| render_call(self.source, call, cx, problems)).collect();
        for slot in &self.slots {
            let call = &self.calls[slot.call];
            let events = match slot.footnote {
                None => &mut self.events,
                Some(f) => match self.footnotes.get_mut(f) {
                    Some(def) => &mut def.events,
                    None => continue,
                },
            };
            let Some(event) = events.get_mut(slot.event) else { continue };
            let html = outputs[slot.call].clone();
            *event = match event {
                Event::Html(_) if call.standalone => {
                    let mut html = html;
                    if !html.ends_with('\n') {
                        html.push('\n');
                    }
                    Event::Html(CowStr::from(html))
                }
                Event::Html(_) => Event::Html(CowStr::from(html)),
                Event::InlineHtml(_) => Event::InlineHtml(CowStr::from(html.trim_end().to_string())),
                _ => continue,
            };
        }
    }

    /// Notes the references of every cited footnote: in the public tree
    /// when the free part cites it (`free_refs`), else in the members one.
    fn note_footnote_references(&self, cx: &mut RenderContext<'_>, numbers: &HashMap<String, usize>, free_refs: &[usize]) {
        for note in &self.footnotes {
            let Some(n) = numbers.get(&note.key) else { continue };
            let target = if free_refs.contains(n) { Target::Public } else { Target::Members };
            cx.note(note.events.iter(), target);
        }
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
    fn render_events(
        &self,
        source: impl Iterator<Item = Event<'a>>,
        numbers: &HashMap<String, usize>,
        state: &mut RenderState,
        local: Option<&HashMap<String, LocalImage>>,
        html: &mut String,
    ) {
        let mut source = with_images(source, local, &mut state.images);
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
                e => e,
            })
        });
        pulldown_cmark::html::push_html(html, code_blocks(events));
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
    fn render_footnotes(
        &self,
        numbers: &HashMap<String, usize>,
        mut refs: Vec<usize>,
        mut ref_count: Vec<usize>,
        local: Option<&HashMap<String, LocalImage>>,
    ) -> String {
        // The notes stand below the text: their images all load lazily.
        let mut images_seen = 1;
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
            pulldown_cmark::html::push_html(&mut out, code_blocks(with_images(events.into_iter(), local, &mut images_seen)));
            out.push_str("</li>\n");
        }
        out
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
    /// Images rendered: all but the first load lazily.
    images: usize,
}

/// `source` with each image as its `<img>` (`img_tag`), and a paragraph
/// that holds nothing but an image with a title as a `<figure>` whose
/// caption is the title. `seen` counts the images met, for lazy loading.
fn with_images<'a, 's>(
    source: impl Iterator<Item = Event<'a>> + 's,
    local: Option<&'s HashMap<String, LocalImage>>,
    seen: &'s mut usize,
) -> impl Iterator<Item = Event<'a>> + 's
where
    'a: 's,
{
    let mut source = source.peekable();
    let mut queue: VecDeque<Event<'a>> = VecDeque::new();
    std::iter::from_fn(move || {
        if let Some(e) = queue.pop_front() {
            return Some(e);
        }
        let e = source.next()?;
        match e {
            Event::Start(Tag::Paragraph) if matches!(source.peek(), Some(Event::Start(Tag::Image { title, .. })) if !title.is_empty()) => {
                let mut paragraph = Vec::new();
                let mut depth = 0usize;
                for e in source.by_ref() {
                    match e {
                        Event::Start(_) => depth += 1,
                        Event::End(TagEnd::Paragraph) if depth == 0 => break,
                        Event::End(_) => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    paragraph.push(e);
                }
                if image_alone(&paragraph) {
                    let mut events = paragraph.into_iter();
                    let Some(Event::Start(Tag::Image { dest_url, title, .. })) = events.next() else { return Some(Event::Start(Tag::Paragraph)) };
                    let alt = alt_text(&mut events);
                    *seen += 1;
                    let shown = Shown { dest: &dest_url, title: "", alt: &alt, local: local.and_then(|l| l.get(dest_url.as_ref())), first: *seen == 1 };
                    let mut html = String::with_capacity(128 + title.len());
                    html.push_str("<figure class=\"figure\">");
                    html.push_str(&img_tag(&shown));
                    html.push_str("<figcaption>");
                    let _ = pulldown_cmark_escape::escape_html(&mut html, &title);
                    html.push_str("</figcaption></figure>\n");
                    return Some(Event::Html(CowStr::from(html)));
                }
                let mut events = paragraph.into_iter();
                while let Some(e) = events.next() {
                    queue.push_back(image_event(e, &mut events, local, seen));
                }
                queue.push_back(Event::End(TagEnd::Paragraph));
                Some(Event::Start(Tag::Paragraph))
            }
            e => Some(image_event(e, &mut source, local, seen)),
        }
    })
}

/// Whether a paragraph's events are one image and nothing else.
fn image_alone(paragraph: &[Event<'_>]) -> bool {
    if !matches!(paragraph.first(), Some(Event::Start(Tag::Image { .. }))) {
        return false;
    }
    let mut depth = 0usize;
    for (i, e) in paragraph.iter().enumerate() {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == paragraph.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// `e` itself, or for the start of an image, its `<img>` (its alt text read from `rest`).
fn image_event<'a>(e: Event<'a>, rest: &mut impl Iterator<Item = Event<'a>>, local: Option<&HashMap<String, LocalImage>>, seen: &mut usize) -> Event<'a> {
    let Event::Start(Tag::Image { dest_url, title, .. }) = e else { return e };
    let alt = alt_text(rest);
    *seen += 1;
    let shown = Shown { dest: &dest_url, title: &title, alt: &alt, local: local.and_then(|l| l.get(dest_url.as_ref())), first: *seen == 1 };
    Event::InlineHtml(CowStr::from(img_tag(&shown)))
}

/// An image as its `<img>` shows it.
struct Shown<'s> {
    /// The address as written.
    dest: &'s str,
    title: &'s str,
    /// Already escaped.
    alt: &'s str,
    /// The site's file, when it is one.
    local: Option<&'s LocalImage>,
    /// The body's first image, likely in view as the page opens: not lazy.
    first: bool,
}

/// The `<img>` of an image: pulldown-cmark's, with the file's size, its
/// WebP widths and, after the first, lazy loading.
fn img_tag(img: &Shown<'_>) -> String {
    let mut html = String::with_capacity(64 + img.dest.len() + img.alt.len());
    html.push_str("<img src=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut html, img.dest);
    html.push_str("\" alt=\"");
    html.push_str(img.alt);
    if !img.title.is_empty() {
        html.push_str("\" title=\"");
        let _ = pulldown_cmark_escape::escape_html(&mut html, img.title);
    }
    html.push('"');
    if let Some(local @ LocalImage { size: Some((width, height)), .. }) = img.local {
        html.push_str(" width=\"");
        push_decimal(&mut html, u64::from(*width), 1);
        html.push_str("\" height=\"");
        push_decimal(&mut html, u64::from(*height), 1);
        html.push('"');
        if let Some(set) = images::srcset(img.dest, local) {
            html.push_str(" srcset=\"");
            html.push_str(&set);
            html.push_str("\" sizes=\"");
            html.push_str(&images::sizes(*width));
            html.push('"');
        }
    }
    if !img.first {
        html.push_str(" loading=\"lazy\" decoding=\"async\"");
    }
    html.push_str(" />");
    html
}

/// The alt text of the image just opened, escaped, as pulldown-cmark writes
/// it: the plain text of what is inside, up to the image's end.
fn alt_text<'e>(source: &mut impl Iterator<Item = Event<'e>>) -> String {
    let mut alt = String::new();
    let mut depth = 0usize;
    for e in source.by_ref() {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) | Event::Html(t) | Event::InlineHtml(t) => {
                let _ = pulldown_cmark_escape::escape_html(&mut alt, &t);
            }
            Event::SoftBreak | Event::HardBreak | Event::Rule => alt.push(' '),
            Event::FootnoteReference(name) => {
                alt.push_str("[^");
                let _ = pulldown_cmark_escape::escape_html(&mut alt, &name);
                alt.push(']');
            }
            Event::TaskListMarker(done) => alt.push_str(if done { "[x]" } else { "[ ]" }),
        }
    }
    alt
}

/// `events` with each code block made focusable, so that a keyboard can
/// scroll it, and one whose language is known highlighted: the block
/// arrives as one piece of HTML, its text escaped as pulldown-cmark
/// escapes it. A body without code pays one comparison an event.
fn code_blocks<'a>(mut source: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    std::iter::from_fn(move || {
        let e = source.next()?;
        let Event::Start(Tag::CodeBlock(kind)) = e else { return Some(e) };
        let mut html = code_block_start(&kind);
        let Some(syntax) = fenced_language(&kind).and_then(highlight::syntax_for) else { return Some(Event::Html(CowStr::from(html))) };
        // A code block holds text alone, to its end.
        let mut code = String::new();
        for e in source.by_ref() {
            match e {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        match highlight::highlight(syntax, &code) {
            Some(spans) => html.push_str(&spans),
            None => highlight::push_escaped(&mut html, &code),
        }
        html.push_str("</code></pre>\n");
        Some(Event::Html(CowStr::from(html)))
    })
}

/// A fenced block's language: the first word of its info string, up to a
/// comma or a brace (`rust,ignore`, `python {.numberLines}`).
fn fenced_language<'k>(kind: &'k CodeBlockKind<'_>) -> Option<&'k str> {
    let CodeBlockKind::Fenced(info) = kind else { return None };
    let word = info.split(' ').next().unwrap_or("");
    Some(word.split([',', '{']).next().unwrap_or("")).filter(|w| !w.is_empty())
}

/// The opening tags of a code block, as pulldown-cmark writes them but focusable.
fn code_block_start(kind: &CodeBlockKind<'_>) -> String {
    let lang = match kind {
        CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
        CodeBlockKind::Indented => "",
    };
    if lang.is_empty() { "<pre tabindex=\"0\"><code>".to_string() } else { format!("<pre tabindex=\"0\"><code class=\"language-{}\">", xml_escape(lang)) }
}

/// Renders one shortcode (its body first, as Markdown of its own), or notes why it cannot be.
fn render_call(source: &str, call: &super::shortcodes::Call, cx: &RenderContext<'_>, problems: &mut Vec<(usize, String)>) -> String {
    let Some(shortcodes) = cx.shortcodes else { return String::new() };
    let body = call.body.clone().map(|range| {
        let offset = range.start;
        let doc = Document::parse(&source[range]);
        let at = |o: usize| offset + o;
        problems.extend(doc.shortcode_problems.iter().map(|(o, m)| (at(*o), m.clone())));
        // Links in a body are not noted: the body is rendered apart from its side of the cut.
        let mut inner = RenderContext { source: cx.source, page_url: cx.page_url, references: None, images: cx.images, shortcodes: cx.shortcodes };
        let rendered = doc.render(Cut::Free, &mut inner);
        problems.extend(rendered.shortcode_problems.into_iter().map(|(o, m)| (at(o), m)));
        rendered.public.html
    });
    let image = call
        .args
        .iter()
        .find_map(|(k, v, _)| match (k.as_str(), v) {
            ("src", super::Arg::Str(src)) => Some(src),
            _ => None,
        })
        .and_then(|src| cx.images?.get(src.as_str()));
    let invocation = super::Invocation {
        name: &call.name,
        args: call.args.iter().map(|(k, v, _)| (k.as_str(), v)).collect(),
        body: body.as_deref(),
        source: cx.source,
        image,
    };
    match shortcodes.render(&invocation) {
        Ok(html) => html,
        Err(failure) => {
            let at = failure.arg.and_then(|i| call.args.get(i)).map_or(call.span.start, |(_, _, o)| *o);
            problems.push((at, failure.message));
            String::new()
        }
    }
}
