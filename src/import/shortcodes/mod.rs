//! Shortcodes in imported bodies: Hugo's `{{< … >}}` and `{{% … %}}`
//! ([`hugo`]) and Jekyll's Liquid tags ([`liquid`]). Each is turned into
//! what lede can show itself (a figure, a fenced code block, a link to a
//! video page, the new URL of another imported post), or kept visibly as
//! written with a report entry, so nothing vanishes unseen. Code blocks and
//! code spans are left alone: there the braces are the point.

mod hugo;
mod liquid;

use std::collections::BTreeMap;

use super::report::{Report, Topic};
use crate::text::xml_escape;

pub use hugo::hugo;
pub use liquid::liquid;

/// Another item of the source, as a body names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference<'a> {
    /// A Hugo `ref`/`relref` path without its anchor ("other.md", "/posts/other").
    Hugo(&'a str),
    /// A Jekyll `post_url` name ("2010-07-21-name", maybe under a folder).
    PostUrl(&'a str),
    /// A Jekyll `link` path from the site's root ("_posts/2016-07-26-name.md").
    Link(&'a str),
}

/// What a body is converted for.
pub struct Context<'a> {
    /// The item the body belongs to, for the report.
    pub origin: &'a str,
    /// Whether the body is HTML (an `.html` content file) rather than Markdown.
    pub html: bool,
    /// The new URL of another item, when the import has it.
    pub resolve: &'a dyn Fn(Reference<'_>) -> Option<String>,
    /// Where notes go.
    pub report: &'a mut Report,
}

/// Notes of one body, each said once with how often it applied.
#[derive(Default)]
struct Notes(BTreeMap<(Topic, String), usize>);

impl Notes {
    fn add(&mut self, topic: Topic, text: String) {
        *self.0.entry((topic, text)).or_default() += 1;
    }

    fn flush(self, origin: &str, report: &mut Report) {
        for ((topic, text), n) in self.0 {
            let times = if n > 1 { format!(" ({n} times)") } else { String::new() };
            report.note(origin, topic, format!("{text}{times}"));
        }
    }
}

/// How a dialect handles what the scanner finds outside code.
trait Dialect {
    /// Converts the tag starting at `at` (on `{{` or `{%`), pushing its
    /// replacement onto `out`; returns where the source continues, or `None`
    /// when there is no tag there.
    fn tag(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize>;

    /// What a line of a fenced code block, or a code span, becomes.
    fn code<'t>(&self, code: &'t str) -> std::borrow::Cow<'t, str>;
}

/// Walks `text`, copying code blocks and code spans through `code` and
/// handing every `{{` or `{%` elsewhere to the dialect.
fn convert(text: &str, dialect: &mut dyn Dialect) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<Fence> = None;
    let mut i = 0;
    while i < text.len() {
        let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n + 1);
        if i == 0 || text.as_bytes()[i - 1] == b'\n' {
            let line = &text[i..line_end];
            if let Some(open) = fence {
                if open.closed_by(line) {
                    fence = None;
                    out.push_str(line);
                } else {
                    out.push_str(&dialect.code(line));
                }
                i = line_end;
                continue;
            }
            if let Some(open) = Fence::opened_by(line) {
                fence = Some(open);
                out.push_str(line);
                i = line_end;
                continue;
            }
        }
        let rest = &text[i..];
        if rest.starts_with('`') {
            let run = rest.bytes().take_while(|&b| b == b'`').count();
            match code_span_end(text, i, run) {
                Some(end) => {
                    out.push_str(&text[i..i + run]);
                    out.push_str(&dialect.code(&text[i + run..end - run]));
                    out.push_str(&text[end - run..end]);
                    i = end;
                }
                None => {
                    out.push_str(&text[i..i + run]);
                    i += run;
                }
            }
            continue;
        }
        if (rest.starts_with("{{") || rest.starts_with("{%"))
            && let Some(end) = dialect.tag(text, i, &mut out)
        {
            i = end;
            continue;
        }
        // Copy up to the next character that could start something.
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find(['`', '{', '\n']).map_or(text.len(), |n| i + first + n);
        let next = if rest.starts_with('\n') { i + 1 } else { next.min(line_end) };
        out.push_str(&text[i..next]);
        i = next;
    }
    out
}

/// An open fenced code block: its character and length.
#[derive(Debug, Clone, Copy)]
pub(in crate::import) struct Fence {
    ch: u8,
    len: usize,
}

impl Fence {
    /// The fence a line opens (up to three spaces, then three or more backticks or tildes).
    pub(in crate::import) fn opened_by(line: &str) -> Option<Fence> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let ch = *trimmed.as_bytes().first()?;
        if ch != b'`' && ch != b'~' {
            return None;
        }
        let len = trimmed.bytes().take_while(|&b| b == ch).count();
        // A backtick fence's info string may not hold a backtick (else it is a code span).
        (len >= 3 && !(ch == b'`' && trimmed[len..].contains('`'))).then_some(Fence { ch, len })
    }

    /// Whether `line` closes this fence.
    pub(in crate::import) fn closed_by(self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        let len = trimmed.bytes().take_while(|&b| b == self.ch).count();
        line.len() - trimmed.len() <= 3 && len >= self.len && trimmed[len..].trim().is_empty()
    }
}

/// The end of the code span opened by `run` backticks at `at`: after the
/// next run of exactly as many, within the paragraph.
fn code_span_end(text: &str, at: usize, run: usize) -> Option<usize> {
    let mut i = at + run;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let n = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if n == run {
                return Some(i + n);
            }
            i += n;
        } else if bytes[i..].starts_with(b"\n\n") || bytes[i..].starts_with(b"\n\r\n") {
            return None;
        } else {
            i += 1;
        }
    }
    None
}

/// Pushes `block` as a block of its own, with a blank line before and after;
/// returns how many bytes of `rest` (the source after the tag) it took in:
/// the rest of the tag's line when only spaces remain there.
fn push_block(out: &mut String, block: &str, rest: &str) -> usize {
    while out.ends_with([' ', '\t']) {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(block);
    out.push('\n');
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let after = &rest[spaces..];
    let taken = if after.starts_with("\r\n") {
        spaces + 2
    } else if after.starts_with('\n') {
        spaces + 1
    } else {
        spaces
    };
    let next = &rest[taken..];
    if !next.is_empty() && !next.starts_with('\n') && !next.starts_with("\r\n") {
        out.push('\n');
    }
    taken
}

/// A fenced code block (Markdown) or a `<pre><code>` block (HTML).
fn code_block(code: &str, lang: &str, html: bool) -> String {
    // The tag's line break after `%}` or `>}}` is not part of the code.
    let code = code.strip_prefix("\r\n").or_else(|| code.strip_prefix('\n')).unwrap_or(code);
    let code = code.trim_end_matches([' ', '\t', '\n', '\r']);
    let lang = lang.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    if html {
        let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", xml_escape(lang)) };
        return format!("<pre><code{class}>{}</code></pre>", xml_escape(code));
    }
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{code}\n{fence}")
}

/// A link: `[text](url)` in Markdown, `<a href>` in HTML.
fn link(text: &str, url: &str, html: bool) -> String {
    if html {
        return format!("<a href=\"{}\">{}</a>", xml_escape(url), xml_escape(text));
    }
    let mut label = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\') {
            label.push('\\');
        }
        label.push(c);
    }
    if url.contains([' ', '(', ')', '<', '>']) { format!("[{label}](<{}>)", url.replace('<', "%3C").replace('>', "%3E")) } else { format!("[{label}]({url})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Upper;

    impl Dialect for Upper {
        fn tag(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
            let end = at + text[at..].find("}}")? + 2;
            out.push_str(&text[at..end].to_uppercase());
            Some(end)
        }
        fn code<'t>(&self, code: &'t str) -> std::borrow::Cow<'t, str> {
            code.replace("{{", "<<").into()
        }
    }

    #[test]
    fn tags_are_converted_outside_code_only() {
        let text = "a {{x}} `{{y}}` b\n```go\n{{z}}\n```\n~~~~\n```\n{{w}}\n~~~~\n``` not a fence ``` {{v}}\n    {{u}}\n";
        assert_eq!(convert(text, &mut Upper), "a {{X}} `<<y}}` b\n```go\n<<z}}\n```\n~~~~\n```\n<<w}}\n~~~~\n``` not a fence ``` {{V}}\n    {{U}}\n");
    }

    #[test]
    fn a_lone_backtick_does_not_hide_a_later_paragraph() {
        assert_eq!(convert("it`s {{a}}\n\n`{{b}}`", &mut Upper), "it`s {{A}}\n\n`<<b}}`");
    }

    #[test]
    fn blocks_stand_alone() {
        let mut out = "Text ".to_string();
        let taken = push_block(&mut out, "<figure></figure>", "  \nNext");
        assert_eq!((out.as_str(), taken), ("Text\n\n<figure></figure>\n\n", 3));
        let mut out = "Para\n\n".to_string();
        let taken = push_block(&mut out, "B", "\n\nNext");
        assert_eq!((out.as_str(), taken), ("Para\n\nB\n", 1));
        let mut out = String::new();
        assert_eq!(push_block(&mut out, "B", ""), 0);
        assert_eq!(out, "B\n");
    }

    #[test]
    fn code_blocks_outgrow_the_backticks_they_hold() {
        assert_eq!(code_block("\nlet a = 1;\n", "rust", false), "```rust\nlet a = 1;\n```");
        assert_eq!(code_block("````\n", "", false), "`````\n````\n`````");
        assert_eq!(code_block("a < b\n", "c", true), "<pre><code class=\"language-c\">a &lt; b</code></pre>");
    }

    const PIECES: &[&str] = &[
        "{{<",
        ">}}",
        "{{%",
        "%}}",
        "{{",
        "}}",
        "{%",
        "%}",
        "{%-",
        "-%}",
        "/*",
        "*/",
        "\"",
        "`",
        "```",
        "~~~",
        "\n",
        "\r\n",
        " ",
        "é",
        "😀",
        "figure",
        "highlight",
        "/highlight",
        "endhighlight",
        "details",
        "/details",
        "ref",
        "post_url",
        "link",
        "youtube",
        "tweet",
        "gist",
        "raw",
        "endraw",
        "comment",
        "endcomment",
        "src=",
        "=",
        "---",
        "+++",
        "...",
        "{",
        "}",
        "<!--more-->",
        "> ",
        "- ",
        "    ",
        "#",
        ":",
        "[",
        "]",
        "\\",
        "site.baseurl",
        "|",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 400, ..Default::default() })]

        /// Whatever a body or a front matter holds, converting it ends.
        #[test]
        fn no_input_makes_a_step_of_the_import_panic(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..48)) {
            let text: String = pieces.concat();
            let mut report = Report::default();
            let resolve = |_: Reference<'_>| Some("/articles/x/".to_string());
            for html in [false, true] {
                let mut cx = Context { origin: "x", html, resolve: &resolve, report: &mut report };
                let _ = hugo(&text, &mut cx);
                let _ = liquid(&text, &mut cx);
                let _ = crate::import::sitegen::more(&text, &["<!--more-->", "}}"], true, html);
            }
            let _ = crate::import::frontmatter::read(std::path::Path::new("x.md"), &text);
        }
    }

    #[test]
    fn links_escape_their_text_and_odd_urls() {
        assert_eq!(link("a [b]", "https://x.test/a", false), "[a \\[b\\]](https://x.test/a)");
        assert_eq!(link("t", "/a b/(c)", false), "[t](</a b/(c)>)");
        assert_eq!(link("a&b", "/x?a=1&b=2", true), "<a href=\"/x?a=1&amp;b=2\">a&amp;b</a>");
    }
}
