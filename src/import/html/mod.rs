//! HTML bodies (WordPress, Ghost, Substack, any `.html` file) converted to
//! lede's Markdown, with each tool's cutoff marker turned into the line
//! `<!-- paywall -->` where it can cut, and a note for whatever a person
//! should look at (shortcodes, embeds, images left on other hosts).
//!
//! Why htmd: measured on the fixture `mixed.html` (debug builds, per
//! conversion) htmd took 1.8 ms, fast_html2md 1.3, mdka 2.0,
//! html-to-markdown-rs 2.9. html2md is GPL-3.0: ruled out. fast_html2md
//! (MIT) lost blank lines, flattened nested lists, garbled code. mdka
//! (Apache-2.0) repeated a colspan cell and has modes, not per-element
//! handlers. html-to-markdown-rs (MIT, heavy) made iframes, video and audio
//! plain links and nested a caption's emphasis badly. htmd (Apache-2.0, a
//! maintained turndown port) drops headerless tables to paragraphs and
//! over-escapes, but its handlers let us replace just those parts.

mod clean;
mod convert;
mod dom;
mod scan;
mod serialize;
#[cfg(test)]
mod tests;
mod wordpress;

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::import::{Dialect, Topic};
use scan::Seg;

/// How one body is converted.
#[derive(Debug, Clone, Copy)]
pub struct Convert<'a> {
    /// The tool that wrote the HTML.
    pub dialect: Dialect,
    /// The old site's address: its links and images become root-relative.
    pub site_url: Option<&'a str>,
    /// Whether the dialect's own cutoff marker is the cut (else it is dropped).
    pub cut: bool,
}

/// A converted body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The Markdown, ending with one newline (empty for an empty body).
    pub markdown: String,
    /// Whether a `<!-- paywall -->` line was placed where the marker was.
    pub cut: bool,
    /// What a person should know. A [`Topic::Paywall`] note means the body
    /// could not be cut as its source says: the post must be members-only.
    pub notes: Vec<(Topic, String)>,
}

/// Levels of nesting kept as structure; anything deeper becomes its text.
const MAX_DEPTH: usize = 200;

/// The line lede cuts at.
const MARKER: &str = "<!-- paywall -->";

/// Stands, in text, for an `&` that Markdown would read as the start of a
/// character reference (`&copy;` written as text): `\&` in Markdown, `&amp;` in HTML.
pub(super) const AMP: char = '\u{E002}';

/// Stands for a backslash before the `)` of `1)` at the start of a text,
/// which Markdown would read as a list item; nothing in HTML.
pub(super) const PAREN: char = '\u{E003}';

/// Private-use characters the conversion uses as tokens; any in the input
/// are replaced, so that none is forged.
fn sanitize(html: &str) -> std::borrow::Cow<'_, str> {
    if html.contains(|c: char| ('\u{E000}'..='\u{E003}').contains(&c)) {
        html.chars().map(|c| if ('\u{E000}'..='\u{E003}').contains(&c) { '\u{FFFD}' } else { c }).collect::<String>().into()
    } else {
        html.into()
    }
}

/// Converts one body.
pub fn to_markdown(html: &str, how: &Convert<'_>) -> Converted {
    let html = &*sanitize(html);
    let placeholder = placeholder_for(html);
    let mut notes = Notes::default();
    let (markdown, markers) = run(html, how, &placeholder, &mut notes);
    let mut converted = Converted { markdown, cut: false, notes: Vec::new() };
    if how.cut {
        let name = marker_name(how.dialect);
        match markers {
            0 => notes.add(Topic::Paywall, format!("no {name} in the body: nothing says where the free part ends, so the post is for members")),
            1 => match place(&converted.markdown, &placeholder) {
                Ok(markdown) => {
                    converted.markdown = markdown;
                    converted.cut = true;
                }
                Err(why) => notes.add(Topic::Paywall, format!("the {name} cannot be the cut: {why}; the post is for members")),
            },
            n => notes.add(Topic::Paywall, format!("{n} {name}s in the body: a post has one cut, so the post is for members")),
        }
    }
    let paywall_noted = notes.list.iter().any(|(t, _)| *t == Topic::Paywall);
    if paywall_noted && (converted.cut || converted.markdown.contains(&placeholder)) {
        // Converted again with the marker dropped, so that no trace of it is left.
        converted.markdown = run(html, &Convert { cut: false, ..*how }, &placeholder, &mut Notes::default()).0;
        converted.cut = false;
    }
    converted.notes = notes.into_vec();
    converted
}

/// One conversion: the Markdown (with the placeholder where the one marker
/// was, when cutting) and the number of markers found.
fn run(html: &str, how: &Convert<'_>, placeholder: &str, notes: &mut Notes) -> (String, usize) {
    let (prepared, comment_markers) = prepare(html, how, placeholder, notes);
    let (markdown, cut_elements) = convert(&prepared, how, placeholder, notes);
    (markdown, if how.dialect == Dialect::Substack { cut_elements } else { comment_markers })
}

/// What each dialect's marker is called in a note (in backticks: the
/// report is Markdown, where a bare comment would not show).
fn marker_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::WordPress => "`<!--more-->` marker",
        Dialect::Ghost => "`<!--members-only-->` marker",
        Dialect::Substack => "Substack paywall marker",
        Dialect::Generic => "cutoff marker",
    }
}

/// A word that does not occur in `html`, to stand for the marker while the
/// body is converted (converters drop comments, and a word survives them).
fn placeholder_for(html: &str) -> String {
    let mut n = 0u32;
    loop {
        let word = format!("LedeCutHere{n}");
        if !html.contains(&word) {
            return word;
        }
        n += 1;
    }
}

/// Whether a comment is the dialect's cutoff marker.
fn is_dialect_marker(dialect: Dialect, inner: &str) -> bool {
    let t = inner.trim();
    match dialect {
        // `<!--more-->`, and `<!--more Read on-->` with the link's text.
        Dialect::WordPress => t.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("more")) && t[4..].chars().next().is_none_or(char::is_whitespace),
        Dialect::Ghost => {
            let squashed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            squashed.eq_ignore_ascii_case("members-only")
        }
        // An `.html` file of a Hugo or Jekyll site: its reader has put lede's own marker where the cut goes.
        Dialect::Generic => t.eq_ignore_ascii_case("paywall"),
        Dialect::Substack => false,
    }
}

/// The text pass: markers found (and replaced by the placeholder as a
/// paragraph of its own when there is exactly one to cut at), other
/// comments dropped, WordPress's block comments, shortcodes and paragraphs.
/// Returns the HTML and the number of markers.
fn prepare(html: &str, how: &Convert<'_>, placeholder: &str, notes: &mut Notes) -> (String, usize) {
    let segs = scan::segments(html);
    let is_marker = |s: &Seg<'_>| matches!(s, Seg::Comment { inner, .. } if is_dialect_marker(how.dialect, inner));
    let markers = segs.iter().filter(|s| is_marker(s)).count();
    let mut out = String::with_capacity(html.len() + 64);
    let mut gutenberg = false;
    for seg in &segs {
        match seg {
            Seg::Comment { inner, .. } => {
                if is_marker(seg) && how.cut && markers == 1 {
                    out.push_str(&format!("\n\n<p>{placeholder}</p>\n\n"));
                }
                let t = inner.trim_start();
                gutenberg |= t.starts_with("wp:") || t.starts_with("/wp:");
                if how.dialect == Dialect::WordPress && t.trim_end().eq_ignore_ascii_case("nextpage") {
                    notes.add(Topic::Note, "a `<!--nextpage-->` page break was dropped: a lede article is one page");
                }
            }
            other => out.push_str(other.raw()),
        }
    }
    if how.dialect == Dialect::WordPress {
        out = wordpress::prepare(&out, !gutenberg, notes);
    }
    (out, markers)
}

/// Parses, cleans and converts the prepared HTML; returns the tidy
/// Markdown and the number of Substack cut elements found.
fn convert(html: &str, how: &Convert<'_>, placeholder: &str, notes: &mut Notes) -> (String, usize) {
    let parser = htmd::HtmlToMarkdown::new();
    let html = scan::limit_nesting(html, 2 * MAX_DEPTH);
    let Ok(document) = parser.html_to_tree(&html) else { return (String::new(), 0) };
    let Some(body) = dom::body(&document) else { return (String::new(), 0) };
    dom::flatten_deep(&body, MAX_DEPTH);
    let found = clean::clean(&body, how, notes);
    let cuts = found.cuts.len();
    for cut in &found.cuts {
        if how.cut && cuts == 1 {
            dom::set_children(cut, vec![dom::new_text(placeholder)]);
        } else {
            dom::detach(cut);
        }
    }
    let labels: BTreeSet<String> = found.footnotes.iter().map(|(l, _)| l.clone()).collect();
    let converter = convert::converter(Arc::new(convert::Context { footnotes: labels }));
    let mut markdown = unmark(&converter.tree_to_markdown(&body));
    for (label, content) in &found.footnotes {
        let text = tidy(&unmark(&convert::footnote_text(&converter, content)));
        let mut lines = text.trim().lines();
        markdown.push_str(&format!("\n\n[^{label}]: {}", lines.next().unwrap_or("")));
        for line in lines {
            markdown.push('\n');
            if !line.is_empty() {
                markdown.push_str("    ");
                markdown.push_str(line);
            }
        }
    }
    (tidy(&markdown), cuts)
}

/// The escape tokens as Markdown escapes.
fn unmark(markdown: &str) -> String {
    if markdown.contains([AMP, PAREN]) { markdown.replace(AMP, "\\&").replace(PAREN, "\\") } else { markdown.to_string() }
}

/// Turns the placeholder into the marker line, if it stands where lede can
/// cut: alone on a line between top-level blocks, with content on both sides.
fn place(markdown: &str, placeholder: &str) -> Result<String, String> {
    let count = markdown.matches(placeholder).count();
    if count != 1 {
        return Err(if count == 0 { "it is inside something that was dropped".into() } else { "it was repeated".into() });
    }
    let lines: Vec<&str> = markdown.lines().collect();
    let Some(at) = lines.iter().position(|l| *l == placeholder) else {
        return Err("it is inside a list, a quote, a table or a paragraph".into());
    };
    let mut out: Vec<&str> = lines.clone();
    out[at] = MARKER;
    let mut text = out.join("\n");
    text.push('\n');
    let doc = crate::markdown::Document::parse(&text);
    if doc.markers.len() != 1 || !doc.misplaced_markers.is_empty() || !doc.markers_in_code.is_empty() {
        return Err("it is inside a list, a quote, a table, code or an HTML block".into());
    }
    crate::paywall::decide(crate::paywall::PaywallSetting::Unset, &doc.markers, None, doc.block_count()).map_err(|e| e.message)?;
    Ok(text)
}

/// The notes of one conversion, each said once, in order.
#[derive(Default)]
pub(super) struct Notes {
    list: Vec<(Topic, String)>,
}

impl Notes {
    /// Adds a note unless the same was said already.
    pub(super) fn add(&mut self, topic: Topic, text: impl Into<String>) {
        let text = text.into();
        if !self.list.iter().any(|(t, x)| *t == topic && *x == text) {
            self.list.push((topic, text));
        }
    }

    /// The notes.
    pub(super) fn into_vec(self) -> Vec<(Topic, String)> {
        self.list
    }
}

/// The host of a URL for a note (`youtube.com`), or the URL itself.
pub(super) fn embed_host(url: &str) -> String {
    clean::host_of(url).unwrap_or_else(|| url.to_string())
}

/// The Markdown made tidy: no trailing spaces, one blank line between
/// blocks, no line of only spaces, `_` inside a word unescaped, one
/// newline at the end. Code blocks are left as they are.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut fence: Option<(char, usize)> = None;
    let mut blank_run = 0;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        let run = |c: char| trimmed.chars().take_while(|x| *x == c).count();
        if let Some((c, n)) = fence {
            out.push_str(line.trim_end_matches('\r'));
            out.push('\n');
            if trimmed.starts_with(c) && run(c) >= n && trimmed.trim_start_matches(c).trim().is_empty() {
                fence = None;
            }
            continue;
        }
        for c in ['`', '~'] {
            if run(c) >= 3 {
                fence = Some((c, run(c)));
            }
        }
        let line = line.trim_end_matches(|c: char| c.is_whitespace());
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        if blank_run > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank_run = 0;
        if fence.is_some() {
            out.push_str(line);
        } else {
            out.push_str(&unescape_underscores(line));
        }
        out.push('\n');
    }
    out
}

/// `\_` between two letters or digits is `_`: an underscore inside a word
/// never starts emphasis, so the escape is noise (`snake\_case`). Code
/// spans are left alone.
fn unescape_underscores(line: &str) -> String {
    if !line.contains("\\_") {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let ticks = chars[i..].iter().take_while(|x| **x == '`').count();
            let close = (i + ticks..chars.len()).find(|&j| chars[j..].iter().take_while(|x| **x == '`').count() == ticks && (j == 0 || chars[j - 1] != '`'));
            let end = close.map_or(i + ticks, |j| j + ticks);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            let word = |x: Option<&char>| x.is_some_and(|x| x.is_alphanumeric());
            if next == '_' && word(out.chars().last().as_ref()) && word(chars.get(i + 2)) {
                out.push('_');
            } else {
                out.push(c);
                out.push(next);
            }
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}
