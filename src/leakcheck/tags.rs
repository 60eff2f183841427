//! Which `<` opens a tag and what the tag does to the words around it:
//! element names, inline and breaking tags, raw-text elements, and the
//! attribute values too short to hold a shingle.

use super::SHINGLE_WORDS;
use super::bytes::{CLASS, WORD, non_alnum};

/// A tag name of up to eight bytes as one number (`| 0x20` lowercases its
/// letters); longer names are 0, which no short list holds.
const fn name_key(name: &[u8]) -> u64 {
    if name.len() > 8 {
        return 0;
    }
    let mut key = 0u64;
    let mut i = name.len();
    while i > 0 {
        i -= 1;
        key = (key << 8) | (name[i] | 0x20) as u64;
    }
    key
}

/// Elements that sit inside a line of text: a word split by one
/// (`wo<em>rd</em>`) is one word. Any other tag ends a word (`</li><li>`)
/// but not the run. `sup` ends a word: it mostly holds footnote numbers.
static INLINE: [u64; 30] = {
    let names: [&[u8]; 30] = [
        b"a", b"abbr", b"b", b"bdi", b"bdo", b"big", b"cite", b"code", b"data", b"del", b"dfn", b"em", b"font", b"i", b"ins", b"kbd", b"mark", b"q", b"s",
        b"samp", b"small", b"span", b"strike", b"strong", b"sub", b"time", b"tt", b"u", b"var", b"wbr",
    ];
    let mut keys = [0u64; 30];
    let mut i = 0;
    while i < names.len() {
        keys[i] = name_key(names[i]);
        i += 1;
    }
    keys
};

/// HTML's element names, sorted. A `<` that was escaped (`&lt;` in a feed,
/// `\u003c` in JSON) or sits in plain text or a script is a tag only when
/// a known element follows it and the tag closes: `a<b` in prose is text.
pub(super) static ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Longest tag read when a `<` is only possibly a tag: past this it is text.
pub(super) const MAX_TENTATIVE_TAG: usize = 4096;

/// What a tag does to the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TagKind {
    /// Inside a word: the word goes on after it.
    Inline,
    /// Ends the word being read; the run goes on.
    Break,
    /// A `<script>` or `<style>` start tag: raw text follows.
    RawStart(Raw),
    /// `<!--` or `<![CDATA[`: what follows is text.
    Opening,
}

/// The raw-text element being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Raw {
    Script,
    Style,
}

impl Raw {
    pub(super) fn end_tag(self) -> &'static [u8] {
        match self {
            Raw::Script => b"</script",
            Raw::Style => b"</style",
        }
    }
}

/// What a tag named `name` (lowercase or not) does to the text around it.
#[inline]
pub(super) fn tag_kind(name: &[u8], closing: bool) -> TagKind {
    let key = name_key(name);
    if INLINE.contains(&key) {
        TagKind::Inline
    } else if !closing && key == name_key(b"script") {
        TagKind::RawStart(Raw::Script)
    } else if !closing && key == name_key(b"style") {
        TagKind::RawStart(Raw::Style)
    } else {
        TagKind::Break
    }
}

/// Whether `b[pos..]` starts with `prefix`, ASCII case aside.
pub(super) fn starts_with_ignore_case(b: &[u8], pos: usize, prefix: &[u8]) -> bool {
    b.get(pos..pos + prefix.len()).is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

pub(super) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_' | '.')
}

pub(super) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_' | b'.')
}

/// Whether an attribute value of markup, as written, cannot hold eight
/// words: its runs of ASCII letters and digits are fewer, and it has no
/// byte that decoding could turn into more (non-ASCII, JSON escapes).
/// References and percent escapes only ever join or drop runs. Most values
/// (classes, ids, short links) are skipped this way without being hashed;
/// runs are counted eight bytes at a time (a run starts at a letter or
/// digit that follows none).
#[inline]
pub(super) fn too_short_for_a_shingle(value: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut runs = 0u32;
    let mut after_alnum = 0u64;
    let mut lanes = value.chunks_exact(8);
    for chunk in &mut lanes {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(chunk);
        let lane = u64::from_le_bytes(lane);
        // Non-ASCII, or a backslash: a byte that equals 0x5C leaves a zero
        // byte after the xor, which the subtraction borrows through.
        let backslash = lane ^ 0x5C5C_5C5C_5C5C_5C5C;
        if (lane | (backslash.wrapping_sub(0x0101_0101_0101_0101) & !backslash)) & HIGH != 0 {
            return false;
        }
        let alnum = !non_alnum(lane) & HIGH;
        runs += (alnum & !((alnum << 8) | after_alnum)).count_ones();
        after_alnum = alnum >> 56;
    }
    let mut in_run = after_alnum != 0;
    for &b in lanes.remainder() {
        if b >= 0x80 || b == b'\\' {
            return false;
        }
        let word = CLASS[usize::from(b)] == WORD;
        runs += u32::from(word && !in_run);
        in_run = word;
    }
    (runs as usize) < SHINGLE_WORDS
}
