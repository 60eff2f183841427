//! Shortcodes in a body: `{{ name(key="value") }}` inline, and
//! `{% name(key="value") %}` … `{% end %}` on lines of their own around a
//! body of Markdown. They are found in the source (never inside code), and
//! each is replaced, byte for byte, by a placeholder that pulldown-cmark
//! reads as raw HTML: a blank comment for one standing on its own lines (an
//! HTML block, so one top-level block for the cut), a blank tag inline. As
//! the lengths match, every other offset in the body stays where it was.
//! The templates that render them live in a later stage, reached through
//! the [`Shortcodes`] trait in the render context.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Parser, Tag};

use super::options;
use crate::images::LocalImage;

/// An argument's value: Zola's kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `"text"`.
    Str(String),
    /// `3`, `-2`.
    Int(i64),
    /// `2.5`.
    Float(f64),
    /// `true`, `false`.
    Bool(bool),
}

impl Arg {
    /// The kind's name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Arg::Str(_) => "a string",
            Arg::Int(_) | Arg::Float(_) => "a number",
            Arg::Bool(_) => "a boolean",
        }
    }
}

/// One shortcode as written in a body.
#[derive(Debug, Clone)]
pub(super) struct Call {
    pub name: String,
    /// Each argument with the body offset where its key is written.
    pub args: Vec<(String, Arg, usize)>,
    /// The source it covers (from `{{`/`{%` to `}}`/`{% end %}`).
    pub span: Range<usize>,
    /// The Markdown between the opening and the `{% end %}` line.
    pub body: Option<Range<usize>>,
    /// Alone on its lines: rendered as a block, not inside a paragraph.
    pub standalone: bool,
}

/// A shortcode as its renderer sees it.
#[derive(Debug)]
pub struct Invocation<'c> {
    /// The name: the template is `shortcodes/<name>.html`.
    pub name: &'c str,
    /// The arguments in the order written.
    pub args: Vec<(&'c str, &'c Arg)>,
    /// The body rendered to HTML, for a shortcode that has one.
    pub body: Option<&'c str>,
    /// The Markdown file, relative to the site root (its folder holds the article's files).
    pub source: &'c Path,
    /// The site's image its `src` argument names, when it names one.
    pub image: Option<&'c LocalImage>,
}

/// Why a shortcode could not be rendered.
#[derive(Debug)]
pub struct Failure {
    /// The argument at fault (its index), if one is.
    pub arg: Option<usize>,
    /// What went wrong and what to write instead.
    pub message: String,
}

/// What renders shortcodes: the site's templates, from the render stage.
pub trait Shortcodes: Sync {
    /// Renders one shortcode to HTML.
    fn render(&self, call: &Invocation<'_>) -> Result<String, Failure>;
}

/// The shortcodes of a body, the body with their placeholders, and the
/// mistakes in how they are written (body offsets).
#[derive(Debug)]
pub(super) struct Scan {
    pub calls: Vec<Call>,
    pub prepared: String,
    pub problems: Vec<(usize, String)>,
}

/// Whether `body` may hold a shortcode at all: most do not, and cost nothing more.
pub fn may_hold(body: &str) -> bool {
    let bytes = body.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%')))
}

/// The ranges of code (blocks and spans), in order: shortcodes there are text.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)) && ranges.last().is_none_or(|l| range.start >= l.end) {
            ranges.push(range);
        }
    }
    ranges
}

fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).is_some_and(|r| r.contains(&at))
}

/// The line around `at`: its start and its end (before the newline).
fn line_of(body: &str, at: usize) -> (usize, usize) {
    let start = body[..at].rfind('\n').map_or(0, |n| n + 1);
    let end = body[at..].find('\n').map_or(body.len(), |n| at + n);
    (start, end)
}

/// Whether `span` is all that its line holds (up to three spaces before it, as a block may be indented).
fn alone_on_line(body: &str, span: &Range<usize>) -> bool {
    let (start, _) = line_of(body, span.start);
    let (_, end) = line_of(body, span.end);
    let before = &body[start..span.start];
    before.len() <= 3 && before.bytes().all(|b| b == b' ') && body[span.end..end].trim().is_empty()
}

/// What is written at one `{{` or `{%`.
enum Found {
    Call { name: String, args: Vec<(String, Arg, usize)>, end: usize },
    End { end: usize },
}

/// A tiny cursor over the text of one shortcode.
struct Cursor<'b> {
    body: &'b str,
    at: usize,
}

impl Cursor<'_> {
    fn skip_space(&mut self) {
        while self.body[self.at..].starts_with([' ', '\t', '\n', '\r']) {
            self.at += 1;
        }
    }

    fn ident(&mut self) -> Option<String> {
        let rest = &self.body[self.at..];
        let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-').count();
        if len == 0 || rest.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        self.at += len;
        Some(rest[..len].to_string())
    }

    fn eat(&mut self, s: &str) -> bool {
        let ok = self.body[self.at..].starts_with(s);
        if ok {
            self.at += s.len();
        }
        ok
    }

    fn value(&mut self) -> Result<Arg, (usize, String)> {
        let rest = &self.body[self.at..];
        let start = self.at;
        if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
            let mut out = String::new();
            let mut chars = rest[1..].char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, e)) => out.push(e),
                        None => break,
                    },
                    c if c == quote => {
                        self.at += 1 + i + 1;
                        return Ok(Arg::Str(out));
                    }
                    c => out.push(c),
                }
            }
            return Err((start, format!("this string is never closed: end it with {quote}")));
        }
        let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_')).count();
        let word = &rest[..len];
        let value = match word {
            "true" => Some(Arg::Bool(true)),
            "false" => Some(Arg::Bool(false)),
            _ => word.parse::<i64>().ok().map(Arg::Int).or_else(|| word.parse::<f64>().ok().filter(|f| f.is_finite()).map(Arg::Float)),
        };
        match value {
            Some(v) => {
                self.at += len;
                Ok(v)
            }
            None => Err((start, "an argument's value must be a string in quotes, a number, true or false".into())),
        }
    }
}

/// Reads the shortcode opening at `at` (`{{` or `{%`). `Ok(None)`: not a
/// shortcode (no name and parenthesis follow), so it stays text.
fn read_one(body: &str, at: usize) -> Result<Option<Found>, (usize, String)> {
    let block = body[at..].starts_with("{%");
    let close = if block { "%}" } else { "}}" };
    let mut c = Cursor { body, at: at + 2 };
    c.skip_space();
    let Some(name) = c.ident() else { return Ok(None) };
    c.skip_space();
    if block && name == "end" && c.eat("%}") {
        return Ok(Some(Found::End { end: c.at }));
    }
    if !c.eat("(") {
        return Ok(None);
    }
    let mut args: Vec<(String, Arg, usize)> = Vec::new();
    loop {
        c.skip_space();
        if c.eat(")") {
            break;
        }
        let key_at = c.at;
        let Some(key) = c.ident() else {
            return Err((c.at, format!("expected an argument as key=value or the closing parenthesis of `{name}(`")));
        };
        c.skip_space();
        if !c.eat("=") {
            return Err((c.at, format!("expected `=` after the argument `{key}`")));
        }
        c.skip_space();
        let value = c.value()?;
        if args.iter().any(|(k, _, _)| *k == key) {
            return Err((key_at, format!("the argument `{key}` is given twice")));
        }
        args.push((key, value, key_at));
        c.skip_space();
        if !c.eat(",") && !body[c.at..].starts_with(')') {
            return Err((c.at, "expected a comma between arguments or a closing parenthesis".into()));
        }
    }
    c.skip_space();
    if !c.eat(close) {
        return Err((c.at, format!("expected `{close}` to end the shortcode `{name}`")));
    }
    Ok(Some(Found::Call { name, args, end: c.at }))
}

/// Finds the shortcodes of `body` outside code, and writes their placeholders.
pub(super) fn scan(body: &str) -> Scan {
    let code = code_ranges(body);
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    // Open shortcodes with a body: the call so far, and where its body starts.
    let mut open: Vec<(Call, usize)> = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'{', &body.as_bytes()[from..]).map(|i| from + i) {
        from = i + 1;
        let next = body.as_bytes().get(i + 1);
        if !matches!(next, Some(b'{' | b'%')) || in_ranges(&code, i) {
            continue;
        }
        let found = match read_one(body, i) {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err((at, message)) => {
                // Inside a body it is reported when the body is read.
                if open.is_empty() {
                    problems.push((at, message));
                }
                from = i + 2;
                continue;
            }
        };
        match found {
            Found::End { end } => {
                from = end;
                if !alone_on_line(body, &(i..end)) {
                    problems.push((i, "`{% end %}` must stand on a line of its own".into()));
                    continue;
                }
                let Some((mut call, body_start)) = open.pop() else {
                    problems.push((i, "this `{% end %}` closes no shortcode: remove it, or open one above with `{% name(...) %}`".into()));
                    continue;
                };
                let (line_start, _) = line_of(body, i);
                call.body = Some(body_start..line_start.max(body_start));
                call.span.end = end;
                if open.is_empty() {
                    calls.push(call);
                }
            }
            Found::Call { name, args, end } => {
                from = end;
                let span = i..end;
                let standalone = alone_on_line(body, &span);
                if body.as_bytes()[i + 1] == b'%' {
                    if !standalone {
                        problems.push((i, format!("the shortcode `{name}` has a body, so `{{% {name}(...) %}}` must stand on a line of its own")));
                        continue;
                    }
                    let (_, line_end) = line_of(body, end);
                    let body_start = (line_end + 1).min(body.len());
                    open.push((Call { name, args, span, body: None, standalone: true }, body_start));
                } else if open.is_empty() {
                    calls.push(Call { name, args, span, body: None, standalone });
                }
            }
        }
    }
    for (call, _) in open.iter().rev() {
        problems.push((call.span.start, format!("the shortcode `{}` is never closed: end its body with a line `{{% end %}}`", call.name)));
    }
    let mut prepared = body.as_bytes().to_vec();
    for call in &calls {
        let span = &mut prepared[call.span.clone()];
        span.fill(b' ');
        // The shortest shortcode, `{{a()}}`, is seven bytes: room for either.
        let (open, close): (&[u8], &[u8]) = if call.standalone { (b"<!--", b"-->") } else { (b"<x", b">") };
        span[..open.len()].copy_from_slice(open);
        let n = span.len();
        span[n - close.len()..].copy_from_slice(close);
    }
    // Only whole shortcodes (ASCII at both ends) were replaced, by ASCII.
    let prepared = String::from_utf8(prepared).unwrap_or_default();
    problems.sort();
    Scan { calls, prepared, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_keep_every_offset() {
        let body = "Intro {{ note(n=1) }} text.\n\n{% callout(kind=\"note\") %}\nBody é.\n\nMore.\n{% end %}\nAfter.\n";
        let s = scan(body);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.prepared.len(), body.len());
        assert_eq!(s.calls.len(), 2);
        assert!(!s.calls[0].standalone);
        assert!(s.calls[1].standalone);
        assert_eq!(&body[s.calls[1].body.clone().unwrap()], "Body é.\n\nMore.\n");
        assert!(s.prepared.contains("<!--"));
        assert!(s.prepared.ends_with("-->\nAfter.\n"));
    }

    #[test]
    fn code_shows_shortcodes_as_text() {
        let s = scan("`{{ a() }}`\n\n```\n{% b() %}\n```\n");
        assert!(s.calls.is_empty() && s.problems.is_empty());
    }

    #[test]
    fn arguments_of_every_kind() {
        let s = scan("{{ f(a=\"x \\\"y\\\"\", b=3, c=-2.5, d=true) }}");
        let args: Vec<&Arg> = s.calls[0].args.iter().map(|(_, a, _)| a).collect();
        assert_eq!(args, [&Arg::Str("x \"y\"".into()), &Arg::Int(3), &Arg::Float(-2.5), &Arg::Bool(true)]);
    }

    #[test]
    fn mistakes_are_located() {
        let s = scan("{% a() %}\nbody\n");
        assert_eq!(s.problems.len(), 1);
        assert!(s.problems[0].1.contains("never closed"));
        let s = scan("x {{ f(a=) }}");
        assert_eq!(s.problems[0].0, 9);
        let s = scan("text {% a() %}\n{% end %}\n");
        assert!(s.problems.iter().any(|p| p.1.contains("line of its own")));
    }

    #[test]
    fn other_braces_stay_text() {
        let s = scan("A set {x} and {{ page.title }} and {% raw %}.");
        assert!(s.calls.is_empty() && s.problems.is_empty());
    }
}
