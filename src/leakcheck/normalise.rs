//! The normaliser both sides share: reads plain text or the bytes of any
//! public file into runs of words, skipping tags and decoding escapes, and
//! hands every shingle to a sink.

use super::bytes::{CLASS, PUNCT, SPACE, WORD};
use super::decode::{Ch, char_at, ignorable};
use super::shingle::{Run, Sink, Stream};
use super::tags::{ELEMENTS, MAX_TENTATIVE_TAG, Raw, TagKind, is_name_byte, is_name_char, starts_with_ignore_case, tag_kind, too_short_for_a_shingle};

/// How the first `<` of a byte string reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Input {
    /// A public file's bytes: `<` and a letter open a tag, as in HTML and XML.
    Markup,
    /// Plain text taken from Markdown: every character is already decoded
    /// once, as the text of an HTML page is after its references; reading
    /// it at depth 1 makes `<` in it behave as `&lt;` does in a page.
    Plain,
}

struct Scanner<'s, S: Sink> {
    b: &'s [u8],
    base: u8,
    prose: Run,
    attr: Run,
    raw: Option<Raw>,
    sink: &'s mut S,
}

/// Reads `bytes` as `input` and hands every shingle to `sink`.
pub(super) fn scan<S: Sink>(bytes: &[u8], input: Input, sink: &mut S) {
    let mut scanner = Scanner {
        b: bytes,
        base: match input {
            Input::Markup => 0,
            Input::Plain => 1,
        },
        prose: Run::default(),
        attr: Run::default(),
        raw: None,
        sink,
    };
    scanner.run();
    scanner.sink.end();
}

impl<S: Sink> Scanner<'_, S> {
    fn char_at(&self, pos: usize) -> Option<Ch> {
        char_at(self.b, pos, self.base)
    }

    fn run(&mut self) {
        let b = self.b;
        let mut pos = 0;
        while pos < b.len() {
            match CLASS[usize::from(b[pos])] {
                WORD => pos = self.prose.read_alnum(b, pos, b.len(), S::TEXT),
                SPACE | PUNCT => {
                    self.prose.end_word(Stream::Prose, self.sink);
                    pos += 1;
                }
                _ => pos = self.special(pos),
            }
        }
        self.prose.end_word(Stream::Prose, self.sink);
        self.attr.end_word(Stream::Attr, self.sink);
    }

    /// A byte of prose that needs a closer look; returns where to go on.
    fn special(&mut self, pos: usize) -> usize {
        if self.b[pos] == b'<' && self.base == 0 {
            if let Some(end) = self.markup_tag(pos) {
                return end;
            }
            self.prose.end_word(Stream::Prose, self.sink);
            return pos + 1;
        }
        let Some(ch) = self.char_at(pos) else { return pos + 1 };
        if ch.c == '<' {
            if let Some(end) = self.tentative_tag(ch.next) {
                return end;
            }
        } else if ch.c.is_alphanumeric() {
            self.prose.push_char(ch.c, S::TEXT);
            return ch.next;
        } else if ignorable(ch.c) {
            return ch.next;
        }
        self.prose.end_word(Stream::Prose, self.sink);
        ch.next
    }

    /// A `<` written as it is in markup at `pos`: reads the tag it opens,
    /// if it opens one, byte by byte as HTML does, and returns where the
    /// text goes on.
    fn markup_tag(&mut self, pos: usize) -> Option<usize> {
        let b = self.b;
        if let Some(raw) = self.raw {
            // Inside a script or style only its end tag is markup.
            if !starts_with_ignore_case(b, pos, raw.end_tag()) {
                return self.tentative_tag(pos + 1);
            }
            self.raw = None;
        }
        let mut at = pos + 1;
        let closing = match *b.get(at)? {
            b'/' => {
                at += 1;
                true
            }
            b'!' => {
                if b.get(at + 1..at + 3) == Some(b"--") {
                    self.prose.end_word(Stream::Prose, self.sink);
                    return Some(at + 3);
                }
                if b.get(at + 1..at + 8) == Some(b"[CDATA[") {
                    self.prose.end_word(Stream::Prose, self.sink);
                    return Some(at + 8);
                }
                self.prose.end_word(Stream::Prose, self.sink);
                return Some(skip_to_gt(b, at));
            }
            b'?' => {
                self.prose.end_word(Stream::Prose, self.sink);
                return Some(skip_to_gt(b, at));
            }
            _ => false,
        };
        // HTML's rule: `<` and a letter (or `</` and a letter) open a tag.
        if !b.get(at)?.is_ascii_alphabetic() {
            return None;
        }
        let name_start = at;
        while at < b.len() && is_name_byte(b[at]) {
            at += 1;
        }
        let kind = tag_kind(&b[name_start..at], closing);
        // Attributes, up to the `>` (a value's quotes are the markup's own).
        while let Some(&byte) = b.get(at) {
            match byte {
                b'>' => {
                    at += 1;
                    break;
                }
                b'/' => at += 1,
                _ if byte.is_ascii_whitespace() => at += 1,
                _ => {
                    while at < b.len() && !(b[at].is_ascii_whitespace() || matches!(b[at], b'=' | b'>' | b'/')) {
                        at += 1;
                    }
                    let mut eq = at;
                    while eq < b.len() && b[eq].is_ascii_whitespace() {
                        eq += 1;
                    }
                    if b.get(eq) != Some(&b'=') {
                        continue;
                    }
                    at = eq + 1;
                    while at < b.len() && b[at].is_ascii_whitespace() {
                        at += 1;
                    }
                    let (start, end, after) = match b.get(at) {
                        Some(&q @ (b'"' | b'\'')) => {
                            let end = memchr::memchr(q, &b[at + 1..]).map_or(b.len(), |i| at + 1 + i);
                            (at + 1, end, (end + 1).min(b.len()))
                        }
                        _ => {
                            let end = b[at..].iter().position(|&c| c.is_ascii_whitespace() || c == b'>').map_or(b.len(), |i| at + i);
                            (at, end, end)
                        }
                    };
                    self.attribute_value(start, end);
                    at = after;
                }
            }
        }
        match kind {
            TagKind::Inline => {}
            TagKind::RawStart(raw) => {
                self.raw = Some(raw);
                self.prose.end_word(Stream::Prose, self.sink);
            }
            TagKind::Break | TagKind::Opening => self.prose.end_word(Stream::Prose, self.sink),
        }
        Some(at)
    }

    /// The value of an attribute of markup, `b[start..end]`, as a run of
    /// its own. Its quotes are the markup's: what is escaped in it is text.
    fn attribute_value(&mut self, start: usize, end: usize) {
        let b = self.b;
        if too_short_for_a_shingle(&b[start..end]) {
            return;
        }
        self.attr.restart(Stream::Attr, self.sink);
        let mut pos = start;
        while pos < end {
            match CLASS[usize::from(b[pos])] {
                WORD => pos = self.attr.read_alnum(b, pos, end, S::TEXT),
                SPACE | PUNCT => {
                    self.attr.end_word(Stream::Attr, self.sink);
                    pos += 1;
                }
                _ => {
                    let ch = match self.char_at(pos) {
                        Some(ch) if ch.next <= end => ch,
                        // An escape cut by the closing quote is not one.
                        _ => Ch { c: '\\', depth: 0, next: pos + 1 },
                    };
                    if ch.c.is_alphanumeric() {
                        self.attr.push_char(ch.c, S::TEXT);
                    } else if !ignorable(ch.c) {
                        self.attr.end_word(Stream::Attr, self.sink);
                    }
                    pos = ch.next;
                }
            }
        }
        self.attr.end_word(Stream::Attr, self.sink);
    }

    /// A `<` that was escaped, or sits in plain text or a script, whose
    /// name starts at `at`: a tag only if it proves to be one (a known
    /// element, closed within reach). Returns where the text goes on.
    fn tentative_tag(&mut self, at: usize) -> Option<usize> {
        self.tag(at, true)?;
        let (end, kind) = self.tag(at, false)?;
        if kind != TagKind::Inline {
            self.prose.end_word(Stream::Prose, self.sink);
        }
        Some(end)
    }

    /// Reads the escaped tag whose name starts at `pos` (just after its
    /// `<`), character by character with escapes decoded. `probe` only
    /// checks that it is one, emitting nothing: a known element whose `>`
    /// comes before any other `<` and within reach. Returns where the tag
    /// ends and what it does to the text.
    fn tag(&mut self, mut pos: usize, probe: bool) -> Option<(usize, TagKind)> {
        let b = self.b;
        let limit = pos.saturating_add(MAX_TENTATIVE_TAG);
        let first = self.char_at(pos)?;
        match first.c {
            // `<!--` and `<![CDATA[`: what follows is text. In text, other
            // `<!` and `<?` are punctuation.
            '!' if b.get(first.next..first.next + 2) == Some(b"--") => return Some((first.next + 2, TagKind::Opening)),
            '!' if b.get(first.next..first.next + 7) == Some(b"[CDATA[") => return Some((first.next + 7, TagKind::Opening)),
            '/' => pos = first.next,
            _ => {}
        }
        let closing = first.c == '/';
        let mut name = [0u8; 12];
        let mut len = 0;
        while let Some(ch) = self.char_at(pos) {
            if !is_name_char(ch.c) {
                break;
            }
            if len < name.len() {
                name[len] = (ch.c as u8).to_ascii_lowercase();
            }
            len += 1;
            pos = ch.next;
        }
        if len == 0 || len > name.len() || !name[0].is_ascii_alphabetic() {
            return None;
        }
        let name = &name[..len];
        let known = std::str::from_utf8(name).is_ok_and(|n| ELEMENTS.binary_search(&n).is_ok());
        if !known {
            return None;
        }
        let kind = tag_kind(name, closing);
        loop {
            if pos > limit {
                return None;
            }
            let ch = self.char_at(pos)?;
            match ch.c {
                '>' => return Some((ch.next, kind)),
                '<' => return None,
                c if c.is_whitespace() || c == '/' => pos = ch.next,
                _ => pos = self.attribute(pos, limit, probe)?,
            }
        }
    }

    /// An attribute of an escaped tag at `pos`: its name is skipped, its
    /// value read as a run of its own. Returns where the tag goes on.
    fn attribute(&mut self, mut pos: usize, limit: usize, probe: bool) -> Option<usize> {
        // The name: up to whitespace, `=`, `>` or `/`.
        while let Some(ch) = self.char_at(pos) {
            if ch.c.is_whitespace() || matches!(ch.c, '=' | '>' | '/' | '<') || pos > limit {
                break;
            }
            pos = ch.next;
        }
        let mut after_name = pos;
        while let Some(ch) = self.char_at(after_name).filter(|ch| ch.c.is_whitespace()) {
            after_name = ch.next;
        }
        match self.char_at(after_name) {
            Some(eq) if eq.c == '=' => pos = eq.next,
            _ => return Some(pos),
        }
        while let Some(ch) = self.char_at(pos).filter(|ch| ch.c.is_whitespace()) {
            pos = ch.next;
        }
        let quote = self.char_at(pos).filter(|ch| matches!(ch.c, '"' | '\''));
        if let Some(q) = quote {
            pos = q.next;
        }
        if !probe {
            self.attr.restart(Stream::Attr, self.sink);
        }
        let end = self.value(pos, quote, limit, probe);
        if !probe {
            self.attr.end_word(Stream::Attr, self.sink);
        }
        end
    }

    /// An escaped tag's attribute value from `pos` to its closing quote
    /// (the same character, escaped as deeply as the opening one) or,
    /// unquoted, to whitespace or `>`. Returns where the tag goes on.
    fn value(&mut self, mut pos: usize, quote: Option<Ch>, limit: usize, probe: bool) -> Option<usize> {
        while pos <= limit {
            let ch = self.char_at(pos)?;
            match quote {
                Some(q) if ch.c == q.c && ch.depth == q.depth => return Some(ch.next),
                None if ch.c == '>' || ch.c.is_whitespace() => return Some(pos),
                _ => {}
            }
            if ch.c.is_alphanumeric() {
                if !probe {
                    self.attr.push_char(ch.c, S::TEXT);
                }
            } else if !ignorable(ch.c) && !probe {
                self.attr.end_word(Stream::Attr, self.sink);
            }
            pos = ch.next;
        }
        None
    }
}

/// Past the next `>` (a declaration or processing instruction).
fn skip_to_gt(b: &[u8], pos: usize) -> usize {
    b.get(pos..).and_then(|rest| memchr::memchr(b'>', rest)).map_or(b.len(), |i| pos + i + 1)
}
