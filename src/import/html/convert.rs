//! The htmd converter with lede's choices: `-` bullets, fenced code with
//! its language, `\` line breaks (no trailing spaces), tables as Markdown
//! only when Markdown can say them, and HTML kept for what it cannot
//! (figures with captions, embeds, media, merged cells, `<sup>`…).

use std::collections::BTreeSet;
use std::sync::Arc;

use htmd::element_handler::{HandlerResult, Handlers};
use htmd::options::{BrStyle, BulletListMarker, CodeBlockFence, CodeBlockStyle, HeadingStyle, LinkStyle, Options};
use htmd::{Element, HtmlToMarkdown};

use super::dom::{self, Handle};
use super::serialize::html_block;

/// What the handlers need to know about this body.
pub(super) struct Context {
    /// Labels of the footnotes that were gathered (their anchors become `[^label]`).
    pub footnotes: BTreeSet<String>,
}

/// A converter for one body.
pub(super) fn converter(cx: Arc<Context>) -> HtmlToMarkdown {
    let options = Options {
        heading_style: HeadingStyle::Atx,
        br_style: BrStyle::Backslash,
        link_style: LinkStyle::InlinedPreferAutolinks,
        code_block_style: CodeBlockStyle::Fenced,
        code_block_fence: CodeBlockFence::Backticks,
        bullet_list_marker: BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        ..Options::default()
    };
    HtmlToMarkdown::builder()
        .options(options)
        .skip_tags(vec!["script", "style", "noscript", "template", "svg", "button", "input", "select", "textarea", "form", "head"])
        .add_handler(vec!["hr"], |_: &dyn Handlers, _: Element<'_>| Some(block("---")))
        .add_handler(vec!["li"], unless_blank)
        .add_handler(vec!["h1", "h2", "h3", "h4", "h5", "h6"], heading)
        .add_handler(vec!["img"], image)
        .add_handler(vec!["p"], paragraph)
        .add_handler(vec!["pre"], code_block)
        .add_handler(vec!["table"], table)
        .add_handler(vec!["figure"], figure)
        .add_handler(vec!["iframe", "video", "audio"], |_: &dyn Handlers, e: Element<'_>| Some(block(&html_block(e.node))))
        .add_handler(vec!["sup", "sub", "mark", "kbd", "u", "ins", "abbr"], inline_html)
        .add_handler(vec!["del", "s", "strike"], strike)
        .add_handler(vec!["div", "aside"], card)
        .add_handler(vec!["a"], move |h: &dyn Handlers, e: Element<'_>| link(h, e, &cx))
        .build()
}

/// A block of Markdown: blank lines around it.
fn block(text: &str) -> HandlerResult {
    format!("\n\n{}\n\n", text.trim_matches('\n')).into()
}

/// Whether converted text has anything a reader would see.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || c == '\\')
}

/// A paragraph; one of only spaces (WordPress's `<p>&nbsp;</p>`) is none.
fn paragraph(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let content = h.walk_children(e.node).content;
    if is_blank(&content) {
        return None;
    }
    Some(block(content.trim_matches(|c: char| c.is_whitespace())))
}

/// Headings and list items as htmd writes them, unless they have no text
/// (an empty `##` is still a block, and an empty item still a bullet).
/// Looked at in the tree: converting the content twice would double the
/// work at every level of nested lists.
fn unless_blank(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let shows = |n: &rcdom::Node| matches!(dom::tag(n), Some("img" | "iframe" | "video" | "audio" | "hr" | "table" | "figure"));
    if dom::text_content(e.node).trim().is_empty() && dom::find(e.node, shows).is_none() {
        return None;
    }
    h.fallback(e)
}

/// An ATX heading on one line (a line break in it becomes a space), or
/// nothing for one without text.
fn heading(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let content = h.walk_children(e.node).content.replace("\\\n", " ");
    let text = content.split_whitespace().collect::<Vec<_>>().join(" ");
    if is_blank(&text) {
        return None;
    }
    let level = e.tag.get(1..).and_then(|l| l.parse::<usize>().ok()).unwrap_or(2).clamp(1, 6);
    Some(block(&format!("{} {text}", "#".repeat(level))))
}

/// An image: `![alt](src "title")`, with what would end the alt text or
/// the destination escaped.
fn image(_: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let src = dom::attr(e.node, "src").map(|s| s.trim().to_string()).filter(|s| !s.is_empty())?;
    let alt = dom::attr(e.node, "alt").map(|a| a.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
    let mut escaped_alt = String::with_capacity(alt.len());
    for c in alt.chars() {
        if matches!(c, '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '&') {
            escaped_alt.push('\\');
        }
        escaped_alt.push(c);
    }
    Some(format!("![{escaped_alt}]({}{})", destination(&src), title_of(e.node)).into())
}

/// A link or image destination, in `<…>` when it holds what would end it.
fn destination(url: &str) -> String {
    if url.contains([' ', '<', '>', '(', ')']) { format!("<{}>", url.replace('<', "%3C").replace('>', "%3E")) } else { url.to_string() }
}

/// ` "title"` for a link or image with one.
fn title_of(node: &Handle) -> String {
    let title = dom::attr(node, "title").map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty());
    title.map(|t| format!(" \"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))).unwrap_or_default()
}

/// A code block fenced with a run of backticks longer than any in the code,
/// with the language its class names.
fn code_block(_: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let code = pre_text(e.node);
    let code = code.strip_prefix('\n').unwrap_or(&code);
    let code = code.trim_end_matches(['\n', ' ', '\t']);
    if code.trim().is_empty() {
        return None;
    }
    let language = language_of(e.node).or_else(|| dom::find(e.node, |n| dom::is(n, "code")).and_then(|c| language_of(&c))).unwrap_or_default();
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    Some(block(&format!("{fence}{language}\n{code}\n{fence}")))
}

/// The text of a `pre`, with `<br>` as a newline.
fn pre_text(node: &Handle) -> String {
    let mut out = String::new();
    for n in dom::descendants(node) {
        if let Some(text) = dom::text_of(&n) {
            out.push_str(&text);
        } else if dom::is(&n, "br") {
            out.push('\n');
        }
    }
    out
}

/// The language a code element's class names: `language-x`, `lang-x`, or
/// SyntaxHighlighter's `brush: x`.
fn language_of(node: &Handle) -> Option<String> {
    let class = dom::attr(node, "class").unwrap_or_default();
    let from_class = class.split_ascii_whitespace().find_map(|w| w.strip_prefix("language-").or_else(|| w.strip_prefix("lang-")).map(str::to_string));
    let brush = class.split(';').find_map(|p| p.trim().strip_prefix("brush:").map(|b| b.trim().to_string()));
    let lang = from_class.or(brush).or_else(|| dom::attr(node, "data-lang")).or_else(|| dom::attr(node, "lang").filter(|_| dom::is(node, "code")))?;
    let ok = !lang.is_empty() && lang.len() <= 30 && lang.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '#' | '_' | '.'));
    ok.then(|| lang.to_ascii_lowercase())
}

/// A table as Markdown when every row is plain (one header row, no merged
/// cells, one line of inline text a cell, no caption); otherwise as HTML.
fn table(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    if let Some(md) = markdown_table(h, e.node) {
        return Some(block(&md));
    }
    Some(block(&html_block(e.node)))
}

fn markdown_table(h: &dyn Handlers, table: &Handle) -> Option<String> {
    let mut rows: Vec<Handle> = Vec::new();
    let mut header_in_thead = false;
    for kid in dom::children(table) {
        match dom::tag(&kid) {
            Some("tr") => rows.push(kid),
            Some(section @ ("thead" | "tbody" | "tfoot")) => {
                let trs: Vec<Handle> = dom::children(&kid).into_iter().filter(|r| dom::is(r, "tr")).collect();
                if section == "thead" {
                    if trs.len() != 1 || !rows.is_empty() {
                        return None;
                    }
                    header_in_thead = true;
                }
                rows.extend(trs);
            }
            Some("colgroup" | "col") => {}
            Some(_) => return None,
            None => {
                if dom::text_of(&kid).is_some_and(|t| !t.trim().is_empty()) {
                    return None;
                }
            }
        }
    }
    let mut cells: Vec<Vec<String>> = Vec::new();
    let mut header_all_th = false;
    for (i, row) in rows.iter().enumerate() {
        let mut line = Vec::new();
        let mut all_th = true;
        for cell in dom::children(row) {
            let Some(tag) = dom::tag(&cell) else { continue };
            if tag != "td" && tag != "th" {
                return None;
            }
            all_th &= tag == "th";
            let merged = ["colspan", "rowspan"].iter().any(|a| dom::attr(&cell, a).is_some_and(|v| v.trim() != "1"));
            let has_blocks = dom::find(&cell, |n| {
                matches!(
                    dom::tag(n),
                    Some(
                        "p" | "div"
                            | "ul"
                            | "ol"
                            | "table"
                            | "pre"
                            | "blockquote"
                            | "br"
                            | "figure"
                            | "iframe"
                            | "video"
                            | "audio"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "h4"
                            | "h5"
                            | "h6"
                    )
                )
            });
            if merged || has_blocks.is_some() {
                return None;
            }
            let text = h.walk_children(&cell).content;
            let text = text.trim();
            if text.contains('\n') {
                return None;
            }
            line.push(text.replace('|', "\\|"));
        }
        if i == 0 {
            header_all_th = all_th && !line.is_empty();
        } else if all_th && !line.is_empty() {
            return None;
        }
        cells.push(line);
    }
    if cells.is_empty() || !(header_in_thead || header_all_th) {
        return None;
    }
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    if columns == 0 {
        return None;
    }
    let mut widths = vec![3; columns];
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |row: &[String]| {
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            let cell = row.get(i).map_or("", String::as_str);
            out.push(' ');
            out.push_str(cell);
            out.push_str(&" ".repeat(w - cell.chars().count()));
            out.push_str(" |");
        }
        out.push('\n');
    };
    line(&cells[0]);
    line(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>());
    for row in &cells[1..] {
        line(row);
    }
    Some(out)
}

/// A figure with a caption stays HTML (Markdown has no caption); one without
/// is just what it holds (an image, a table, a quote, an embed).
fn figure(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let caption = dom::find(e.node, |n| dom::is(n, "figcaption")).is_some_and(|c| !dom::text_content(&c).trim().is_empty());
    if caption {
        return Some(block(&html_block(e.node)));
    }
    let content = h.walk_children(e.node).content;
    if is_blank(&content) {
        return None;
    }
    Some(block(&content))
}

/// Inline elements Markdown has no mark for, kept as HTML around their converted text.
fn inline_html(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let content = h.walk_children(e.node).content;
    if content.trim().is_empty() {
        return Some(content.into());
    }
    let title = match dom::attr(e.node, "title") {
        Some(t) if e.tag == "abbr" => format!(" title=\"{}\"", super::serialize::escape_attr(&t)),
        _ => String::new(),
    };
    Some(format!("<{0}{title}>{1}</{0}>", e.tag, content.trim()).into())
}

/// Struck-out text, with the spaces at its edges kept outside the `~~`.
fn strike(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let content = h.walk_children(e.node).content;
    let inner = content.trim();
    if inner.is_empty() {
        return Some(content.into());
    }
    let lead = if content.starts_with(char::is_whitespace) { " " } else { "" };
    let trail = if content.ends_with(char::is_whitespace) { " " } else { "" };
    Some(format!("{lead}~~{inner}~~{trail}").into())
}

/// Ghost's callout (a quote with its emoji) and toggle (a `details`)
/// cards; any other block as its content.
fn card(h: &dyn Handlers, e: Element<'_>) -> Option<HandlerResult> {
    let node = e.node;
    if dom::has_class(node, "kg-callout-card") {
        let emoji = dom::find(node, |n| dom::has_class(n, "kg-callout-emoji")).map(|n| dom::text_content(&n).trim().to_string()).unwrap_or_default();
        let text = dom::find(node, |n| dom::has_class(n, "kg-callout-text")).map(|n| h.walk_children(&n).content).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() && emoji.is_empty() {
            return None;
        }
        let body = if emoji.is_empty() { text.to_string() } else { format!("{emoji} {text}") };
        let quoted: Vec<String> = body.lines().map(|l| if l.trim().is_empty() { ">".to_string() } else { format!("> {l}") }).collect();
        return Some(block(&quoted.join("\n")));
    }
    if dom::has_class(node, "kg-toggle-card") {
        let heading =
            dom::find(node, |n| dom::has_class(n, "kg-toggle-heading-text")).map(|n| super::clean::collapse(&dom::text_content(&n))).unwrap_or_default();
        let content = dom::find(node, |n| dom::has_class(n, "kg-toggle-content")).map(|n| html_block(&n)).unwrap_or_default();
        let summary = super::serialize::escape_text(&heading);
        return Some(block(&format!("<details>\n<summary>{summary}</summary>\n{content}\n</details>").replace("\n\n", "\n")));
    }
    let content = h.walk_children(node).content;
    if is_blank(&content) {
        return None;
    }
    Some(block(&content))
}

/// A link: `[text](url "title")`, `<url>` when the text is the URL, a
/// footnote reference for a gathered Substack note, the text alone when
/// there is nowhere to go.
fn link(h: &dyn Handlers, e: Element<'_>, cx: &Context) -> Option<HandlerResult> {
    let node = e.node;
    let href = dom::attr(node, "href").map(|h| h.trim().to_string()).unwrap_or_default();
    if dom::has_class(node, "footnote-anchor")
        && let Some(label) = href.strip_prefix("#footnote-")
        && cx.footnotes.contains(label)
    {
        return Some(format!("[^{label}]").into());
    }
    let content = h.walk_children(node).content;
    // Block content (a card's divs) reads as one line of link text.
    let text = content.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_end_matches('\\').trim();
    let lower = href.to_ascii_lowercase();
    if href.is_empty() || lower.starts_with("javascript:") || lower.starts_with("data:") {
        return Some(content.into());
    }
    if text.is_empty() {
        return None;
    }
    if unescaped(text) == href && !href.contains(['<', '>', ' ']) && href.contains(':') {
        return Some(format!("<{href}>").into());
    }
    let dest = destination(&href);
    let title = title_of(node);
    let lead = if content.starts_with(char::is_whitespace) { " " } else { "" };
    let trail = if content.ends_with(char::is_whitespace) { " " } else { "" };
    Some(format!("{lead}[{text}]({dest}{title}){trail}").into())
}

/// The converted children of a footnote's content element.
pub(super) fn footnote_text(converter: &HtmlToMarkdown, content: &Handle) -> String {
    converter.tree_to_markdown(content)
}

/// Markdown text with its backslash escapes taken out, to compare with a URL.
fn unescaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    out
}
