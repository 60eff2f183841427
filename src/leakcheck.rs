//! The independent leak check: after a build, every run of eight words of
//! every paid part that no public source contains is looked for in every
//! file of the public tree, whatever wrote that file (pages, feeds, the
//! sitemap, a user's template or static file). It owns the word normaliser
//! both sides share, the hashing of eight-word runs ("shingles"), the index
//! of paid shingles, and the scan of a public tree. It does not know how
//! pages are made: that is the point of it.
//!
//! Both sides go through one normaliser so that the same prose gives the
//! same words whether it arrives as plain text taken from Markdown events or
//! as bytes of HTML, Atom (escaped HTML inside XML), JSON-LD, a sitemap or
//! anything else: words are runs of alphanumeric characters, lowercased;
//! character references, JSON escapes and percent escapes are decoded
//! (repeatedly, for the double escaping of feeds); tags are skipped without
//! breaking a run of prose, and attribute values are read as runs of their
//! own.
//!
//! The index keeps 32 bits of each paid shingle's hash, in buckets chosen by
//! the hash's top bits, and no text: a hit is confirmed afterwards by asking
//! for the paid text of every article again ([`PaidText`]) and comparing the
//! words, so a hash collision costs time, never a false report.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;

/// Words in a shingle: runs shorter than this are never reported.
pub const SHINGLE_WORDS: usize = 8;

// ---------------------------------------------------------------- hashing

const K0: u64 = 0x9E37_79B9_7F4A_7C15;
const K1: u64 = 0xBF58_476D_1CE4_E5B9;
/// Base of the rolling sum over a run's last eight word hashes.
const BASE: u64 = 0x94D0_49BB_1331_11EB;
const BASE_POW_WORDS: u64 = BASE.wrapping_pow(SHINGLE_WORDS as u32);
/// Setting bit 5 of an ASCII letter lowercases it; digits already have it.
const LOWER: u64 = 0x2020_2020_2020_2020;

/// Eight bytes from `at`, little-endian (the caller checked the length).
#[inline]
fn load8(b: &[u8], at: usize) -> u64 {
    let mut lane = [0u8; 8];
    lane.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(lane)
}

/// The hash of one word's lowercased UTF-8 bytes, fed in any pieces: the
/// result depends only on the bytes (eight at a time, then the rest with
/// the length), so a word split by an inline tag or a character reference
/// hashes as the same word written plainly. One multiplication per eight
/// bytes: the rolling sum and the final mixing of a shingle's key spread
/// the bits.
#[derive(Debug, Clone, Copy, Default)]
struct WordHash {
    state: u64,
    pending: u64,
    filled: u32,
    len: u32,
}

impl WordHash {
    #[inline]
    fn fold(&mut self, block: u64) {
        self.state = (self.state ^ block).wrapping_mul(K0).rotate_left(31);
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        self.pending |= u64::from(byte) << (8 * self.filled);
        self.filled += 1;
        self.len = self.len.wrapping_add(1);
        if self.filled == 8 {
            self.fold(self.pending);
            self.pending = 0;
            self.filled = 0;
        }
    }

    /// `b[start..end]`, ASCII letters and digits only, lowercased.
    #[inline]
    fn push_ascii_alnum(&mut self, b: &[u8], start: usize, end: usize) {
        if self.filled != 0 {
            for &byte in &b[start..end] {
                self.push(byte | 0x20);
            }
            return;
        }
        let mut at = start;
        while at + 8 <= end {
            self.fold(load8(b, at) | LOWER);
            at += 8;
        }
        let rest = end - at;
        if rest > 0 {
            // Most words fit in one load that reads a little past them.
            let lane = if at + 8 <= b.len() { load8(b, at) } else { b[at..end].iter().rev().fold(0u64, |v, &byte| (v << 8) | u64::from(byte)) };
            self.pending = (lane | LOWER) & ((1u64 << (8 * rest)) - 1);
            self.filled = rest as u32;
        }
        self.len = self.len.wrapping_add((end - start) as u32);
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The word's hash; the hasher is left empty for the next word.
    #[inline]
    fn finish(&mut self) -> u64 {
        let last = self.pending | (u64::from(self.len) << 56);
        self.fold(last);
        let h = self.state;
        *self = WordHash::default();
        h
    }
}

// ---------------------------------------------------------------- runs and sinks

/// Which run of words a shingle was found in: prose (text between tags,
/// which tags do not interrupt) or an attribute value (each its own run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Stream {
    Prose,
    Attr,
}

/// Receives the shingles of a scan.
trait Sink {
    /// Whether the words' text is wanted (to confirm a hit), not only hashes.
    const TEXT: bool;
    /// A shingle ending at word `index` of `stream` (counted from the start
    /// of the input). `words` holds its eight words when `TEXT`.
    fn shingle(&mut self, stream: Stream, index: u64, key: u64, words: &Words);
    /// The input is over.
    fn end(&mut self) {}
}

/// The last eight words of a run as text, kept only when a sink wants them.
#[derive(Debug, Default)]
struct Words {
    ring: [String; SHINGLE_WORDS],
    at: usize,
}

impl Words {
    /// The eight words, oldest first, separated by spaces.
    fn joined(&self) -> String {
        let mut out = String::new();
        for i in 0..SHINGLE_WORDS {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&self.ring[(self.at + i) % SHINGLE_WORDS]);
        }
        out
    }
}

/// One stream's state: the word being read and the run's last eight word hashes.
#[derive(Debug, Default)]
struct Run {
    word: WordHash,
    ring: [u64; SHINGLE_WORDS],
    at: usize,
    /// Words in the current run, up to eight.
    filled: usize,
    /// Sum of the run's last eight word hashes times powers of BASE.
    roll: u64,
    /// Words seen in this stream since the start of the input.
    index: u64,
    /// The word being read, when the sink wants text.
    text: String,
    words: Words,
}

impl Run {
    /// Reads the run of ASCII letters and digits starting at `start` (not
    /// past `limit`) into the word, eight bytes a load: the word's end is
    /// the lowest flagged byte of `non_alnum`, and the loaded bytes are
    /// hashed as they are, masked. Returns where the run ends.
    #[inline(always)]
    fn read_alnum(&mut self, b: &[u8], start: usize, limit: usize, text: bool) -> usize {
        if text || self.word.filled != 0 {
            let end = alnum_end(b, start).min(limit);
            self.push_ascii_alnum(b, start, end, text);
            return end;
        }
        let mut at = start;
        while at + 8 <= limit {
            let lane = load8(b, at);
            let stop = non_alnum(lane);
            if stop == 0 {
                self.word.fold(lane | LOWER);
                self.word.len = self.word.len.wrapping_add(8);
                at += 8;
                continue;
            }
            let n = (stop.trailing_zeros() / 8) as usize;
            if n > 0 {
                self.word.pending = (lane | LOWER) & ((1u64 << (8 * n)) - 1);
                self.word.filled = n as u32;
                self.word.len = self.word.len.wrapping_add(n as u32);
            }
            return at + n;
        }
        let end = alnum_end(b, at).min(limit);
        self.push_ascii_alnum(b, at, end, text);
        end
    }

    #[inline]
    fn push_ascii_alnum(&mut self, b: &[u8], start: usize, end: usize, text: bool) {
        self.word.push_ascii_alnum(b, start, end);
        if text {
            for &byte in &b[start..end] {
                self.text.push(char::from(byte | 0x20));
            }
        }
    }

    /// An alphanumeric character, lowercased.
    #[inline]
    fn push_char(&mut self, c: char, text: bool) {
        if c.is_ascii() {
            self.word.push(c as u8 | 0x20);
            if text {
                self.text.push(char::from(c as u8 | 0x20));
            }
            return;
        }
        for lower in c.to_lowercase() {
            let mut buf = [0u8; 4];
            for &b in lower.encode_utf8(&mut buf).as_bytes() {
                self.word.push(b);
            }
            if text {
                self.text.push(lower);
            }
        }
    }

    /// Ends the word being read, if any, and hands on the shingle it completes.
    #[inline(always)]
    fn end_word<S: Sink>(&mut self, stream: Stream, sink: &mut S) {
        if self.word.is_empty() {
            return;
        }
        let w = self.word.finish();
        let old = self.ring[self.at];
        self.ring[self.at] = w;
        self.at = (self.at + 1) % SHINGLE_WORDS;
        // The new word enters at power 0, every other word moves up one
        // power and the word that falls out (0 while the run is short) is
        // taken away: the sum depends on the last eight words only.
        self.roll = self.roll.wrapping_mul(BASE).wrapping_add(w).wrapping_sub(old.wrapping_mul(BASE_POW_WORDS));
        if self.filled < SHINGLE_WORDS {
            self.filled += 1;
        }
        if S::TEXT {
            self.words.ring[self.words.at] = std::mem::take(&mut self.text);
            self.words.at = (self.words.at + 1) % SHINGLE_WORDS;
        }
        if self.filled == SHINGLE_WORDS {
            // The top bits pick the index's bucket: a multiplication brings
            // every bit of the sum up to them.
            let key = (self.roll ^ (self.roll >> 29)).wrapping_mul(K1);
            sink.shingle(stream, self.index, key, &self.words);
        }
        self.index += 1;
    }

    /// Starts a new run (the word being read, if any, ends first).
    fn restart<S: Sink>(&mut self, stream: Stream, sink: &mut S) {
        self.end_word(stream, sink);
        self.ring = [0; SHINGLE_WORDS];
        self.at = 0;
        self.filled = 0;
        self.roll = 0;
    }
}

// ---------------------------------------------------------------- decoding

/// Byte classes of the scanner's fast path.
const WORD: u8 = 0;
const SPACE: u8 = 1;
const PUNCT: u8 = 2;
/// `<`, `&`, `\`, `%` and every byte of a multi-byte character: bytes that
/// need a closer look.
const SPECIAL: u8 = 3;

static CLASS: [u8; 256] = {
    let mut t = [SPECIAL; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphanumeric() {
            WORD
        } else if b.is_ascii_whitespace() {
            SPACE
        } else {
            match b {
                b'<' | b'&' | b'\\' | b'%' => SPECIAL,
                _ => PUNCT,
            }
        };
        i += 1;
    }
    t
};

/// End of the run of ASCII letters and digits starting at `at`.
#[inline]
fn alnum_end(b: &[u8], mut at: usize) -> usize {
    while at < b.len() && CLASS[usize::from(b[at])] == WORD {
        at += 1;
    }
    at
}

/// High bit set in each byte of `lane` that is not an ASCII letter or
/// digit, eight bytes at once. For a byte below 0x80, `(v | 0x80) - lo`
/// keeps its high bit exactly when `v >= lo`, and `(hi | 0x80) - v` when
/// `v <= hi`, without borrowing from the next byte; `| 0x20` folds
/// capitals onto small letters (and nothing else onto them).
#[inline]
fn non_alnum(lane: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn splat(b: u8) -> u64 {
        (b as u64) * 0x0101_0101_0101_0101
    }
    let ascii = lane & !HIGH;
    let folded = ascii | LOWER;
    let letter = (folded | HIGH).wrapping_sub(splat(b'a')) & (splat(b'z') | HIGH).wrapping_sub(folded);
    let digit = (ascii | HIGH).wrapping_sub(splat(b'0')) & (splat(b'9') | HIGH).wrapping_sub(ascii);
    !((letter | digit) & !lane) & HIGH
}

/// A character as the normaliser reads it: what it is, how many escapes
/// deep it was written (0 for a byte of markup read as it is), and where
/// the next one starts.
#[derive(Debug, Clone, Copy)]
struct Ch {
    c: char,
    depth: u8,
    next: usize,
}

/// Characters that sit inside words without being letters (soft hyphen,
/// zero-width joiners and spaces, direction marks, the byte-order mark):
/// skipped, so that a template that hyphenates cannot hide a word.
fn ignorable(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// Named character references, sorted by name: the XML five, spaces and
/// typographic punctuation, and the Latin letters and signs of HTML 4.
/// Punctuation only separates words, so a reference missing here costs at
/// most a stray word; letters are what must decode.
static ENTITIES: &[(&str, char)] = &[
    ("AElig", 'Æ'),
    ("Aacute", 'Á'),
    ("Acirc", 'Â'),
    ("Agrave", 'À'),
    ("Aring", 'Å'),
    ("Atilde", 'Ã'),
    ("Auml", 'Ä'),
    ("Ccedil", 'Ç'),
    ("ETH", 'Ð'),
    ("Eacute", 'É'),
    ("Ecirc", 'Ê'),
    ("Egrave", 'È'),
    ("Euml", 'Ë'),
    ("Iacute", 'Í'),
    ("Icirc", 'Î'),
    ("Igrave", 'Ì'),
    ("Iuml", 'Ï'),
    ("Ntilde", 'Ñ'),
    ("OElig", 'Œ'),
    ("Oacute", 'Ó'),
    ("Ocirc", 'Ô'),
    ("Ograve", 'Ò'),
    ("Oslash", 'Ø'),
    ("Otilde", 'Õ'),
    ("Ouml", 'Ö'),
    ("Scaron", 'Š'),
    ("THORN", 'Þ'),
    ("Uacute", 'Ú'),
    ("Ucirc", 'Û'),
    ("Ugrave", 'Ù'),
    ("Uuml", 'Ü'),
    ("Yacute", 'Ý'),
    ("Yuml", 'Ÿ'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("aelig", 'æ'),
    ("agrave", 'à'),
    ("amp", '&'),
    ("apos", '\''),
    ("aring", 'å'),
    ("atilde", 'ã'),
    ("auml", 'ä'),
    ("bdquo", '„'),
    ("bull", '•'),
    ("ccedil", 'ç'),
    ("copy", '©'),
    ("deg", '°'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("egrave", 'è'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("eth", 'ð'),
    ("euml", 'ë'),
    ("euro", '€'),
    ("gt", '>'),
    ("hellip", '…'),
    ("iacute", 'í'),
    ("icirc", 'î'),
    ("iexcl", '¡'),
    ("igrave", 'ì'),
    ("iquest", '¿'),
    ("iuml", 'ï'),
    ("laquo", '«'),
    ("ldquo", '“'),
    ("lrm", '\u{200E}'),
    ("lsaquo", '‹'),
    ("lsquo", '‘'),
    ("lt", '<'),
    ("mdash", '—'),
    ("middot", '·'),
    ("nbsp", '\u{A0}'),
    ("ndash", '–'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("oelig", 'œ'),
    ("ograve", 'ò'),
    ("oslash", 'ø'),
    ("otilde", 'õ'),
    ("ouml", 'ö'),
    ("para", '¶'),
    ("quot", '"'),
    ("raquo", '»'),
    ("rdquo", '”'),
    ("reg", '®'),
    ("rlm", '\u{200F}'),
    ("rsaquo", '›'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("scaron", 'š'),
    ("sect", '§'),
    ("shy", '\u{AD}'),
    ("szlig", 'ß'),
    ("thinsp", '\u{2009}'),
    ("thorn", 'þ'),
    ("trade", '™'),
    ("uacute", 'ú'),
    ("ucirc", 'û'),
    ("ugrave", 'ù'),
    ("uuml", 'ü'),
    ("yacute", 'ý'),
    ("yuml", 'ÿ'),
    ("zwj", '\u{200D}'),
    ("zwnj", '\u{200C}'),
];

fn hex_digit(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

/// A code point written as a number; the ones HTML and JSON forbid become
/// U+FFFD, which separates words.
fn code_point(v: u32) -> char {
    match v {
        0 => char::REPLACEMENT_CHARACTER,
        v => char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER),
    }
}

/// The character reference whose `&` ends just before `pos`: `name;`,
/// `#N;` or `#xH;`, with its semicolon. `None` when it is not one.
fn reference(b: &[u8], pos: usize) -> Option<(char, usize)> {
    let rest = b.get(pos..)?;
    if rest.first() == Some(&b'#') {
        let hex = matches!(rest.get(1), Some(b'x' | b'X'));
        let start = if hex { 2 } else { 1 };
        let mut v: u32 = 0;
        let mut i = start;
        while let Some(&d) = rest.get(i) {
            if d == b';' {
                break;
            }
            let digit = if hex { hex_digit(d)? } else { char::from(d).to_digit(10)? };
            v = v.checked_mul(if hex { 16 } else { 10 })?.checked_add(digit)?;
            i += 1;
            if i - start > 8 {
                return None;
            }
        }
        if i == start || rest.get(i) != Some(&b';') {
            return None;
        }
        return Some((code_point(v), pos + i + 1));
    }
    let len = rest.iter().take(9).take_while(|b| b.is_ascii_alphanumeric()).count();
    if len == 0 || rest.get(len) != Some(&b';') {
        return None;
    }
    let name = std::str::from_utf8(&rest[..len]).ok()?;
    let i = ENTITIES.binary_search_by(|(n, _)| n.cmp(&name)).ok()?;
    Some((ENTITIES[i].1, pos + len + 1))
}

/// Four hex digits at `pos`.
fn hex4(b: &[u8], pos: usize) -> Option<u32> {
    let digits = b.get(pos..pos + 4)?;
    digits.iter().try_fold(0u32, |v, &d| Some(v * 16 + hex_digit(d)?))
}

/// The JSON escape starting at `pos` (a backslash): `\uXXXX` (with its
/// surrogate pair), `\n`, `\"` and the rest.
fn json_escape(b: &[u8], pos: usize) -> Option<(char, usize)> {
    let c = match *b.get(pos + 1)? {
        b'u' => {
            let v = hex4(b, pos + 2)?;
            if (0xD800..0xDC00).contains(&v) {
                let low = (b.get(pos + 6) == Some(&b'\\') && b.get(pos + 7) == Some(&b'u'))
                    .then(|| hex4(b, pos + 8))
                    .flatten()
                    .filter(|l| (0xDC00..0xE000).contains(l));
                return Some(match low {
                    Some(l) => (code_point(0x10000 + ((v - 0xD800) << 10) + (l - 0xDC00)), pos + 12),
                    None => (char::REPLACEMENT_CHARACTER, pos + 6),
                });
            }
            return Some((code_point(v), pos + 6));
        }
        b'n' | b'r' | b't' | b'b' | b'f' => ' ',
        b'"' => '"',
        b'\'' => '\'',
        b'/' => '/',
        b'\\' => '\\',
        _ => return None,
    };
    Some((c, pos + 2))
}

/// The percent escape starting at `pos`: one ASCII byte, or the bytes of one
/// UTF-8 character (`%E2%80%99`). Text in URLs (a share link's `?text=`)
/// reads as the same words as anywhere else.
fn percent(b: &[u8], pos: usize) -> Option<(char, usize)> {
    let byte = |at: usize| -> Option<u8> {
        if b.get(at) != Some(&b'%') {
            return None;
        }
        let hi = hex_digit(*b.get(at + 1)?)?;
        let lo = hex_digit(*b.get(at + 2)?)?;
        Some((hi * 16 + lo) as u8)
    };
    let lead = byte(pos)?;
    let len = match lead {
        0x00..=0x7F => return Some((char::from(lead), pos + 3)),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut buf = [lead, 0, 0, 0];
    for (i, slot) in buf.iter_mut().enumerate().take(len).skip(1) {
        *slot = byte(pos + 3 * i)?;
    }
    let c = std::str::from_utf8(&buf[..len]).ok()?.chars().next()?;
    Some((c, pos + 3 * len))
}

/// The UTF-8 character starting at `pos`; an invalid byte reads as U+FFFD
/// and only that byte is consumed (the lossy reading).
#[inline]
fn utf8(b: &[u8], pos: usize) -> (char, usize) {
    // U+2000 to U+203F (E2 80 xx): spaces, dashes and the curly quotes of
    // smart punctuation, by far the commonest non-ASCII bytes of prose.
    if b[pos] == 0xE2
        && b.get(pos + 1) == Some(&0x80)
        && let Some(&low @ 0x80..=0xBF) = b.get(pos + 2)
    {
        return (char::from_u32(0x2000 + u32::from(low & 0x3F)).unwrap_or(char::REPLACEMENT_CHARACTER), pos + 3);
    }
    let len = match b[pos] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (char::REPLACEMENT_CHARACTER, pos + 1),
    };
    match b.get(pos..pos + len).and_then(|s| std::str::from_utf8(s).ok()).and_then(|s| s.chars().next()) {
        Some(c) => (c, pos + len),
        None => (char::REPLACEMENT_CHARACTER, pos + 1),
    }
}

/// The character at `pos` of `b`, read at escape depth `base`, with every
/// escape around it decoded: a decoded `&` followed by a reference's name
/// is that reference escaped once more (`&amp;lt;` is a feed's escaped
/// `&lt;`), each level one deeper.
fn char_at(b: &[u8], pos: usize, base: u8) -> Option<Ch> {
    let byte = *b.get(pos)?;
    let decoded = match byte {
        b'&' => reference(b, pos + 1),
        b'\\' => json_escape(b, pos),
        b'%' => percent(b, pos),
        0x80.. => {
            let (c, next) = utf8(b, pos);
            return Some(Ch { c, depth: base, next });
        }
        _ => None,
    };
    let Some((mut c, mut next)) = decoded else {
        return Some(Ch { c: char::from(byte), depth: base, next: pos + 1 });
    };
    let mut depth = base.saturating_add(1);
    while c == '&' {
        let Some((again, after)) = reference(b, next) else { break };
        c = again;
        next = after;
        depth = depth.saturating_add(1);
    }
    Some(Ch { c, depth, next })
}

// ---------------------------------------------------------------- tags

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
static ELEMENTS: &[&str] = &[
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
const MAX_TENTATIVE_TAG: usize = 4096;

/// What a tag does to the text around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
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
enum Raw {
    Script,
    Style,
}

impl Raw {
    fn end_tag(self) -> &'static [u8] {
        match self {
            Raw::Script => b"</script",
            Raw::Style => b"</style",
        }
    }
}

/// What a tag named `name` (lowercase or not) does to the text around it.
#[inline]
fn tag_kind(name: &[u8], closing: bool) -> TagKind {
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
fn starts_with_ignore_case(b: &[u8], pos: usize, prefix: &[u8]) -> bool {
    b.get(pos..pos + prefix.len()).is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_' | '.')
}

fn is_name_byte(b: u8) -> bool {
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
fn too_short_for_a_shingle(value: &[u8]) -> bool {
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

// ---------------------------------------------------------------- the scanner

/// How the first `<` of a byte string reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
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
fn scan<S: Sink>(bytes: &[u8], input: Input, sink: &mut S) {
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

// ---------------------------------------------------------------- gathering

/// Collects the keys of every shingle.
struct Keys(Vec<u64>);

impl Sink for Keys {
    const TEXT: bool = false;
    #[inline]
    fn shingle(&mut self, _: Stream, _: u64, key: u64, _: &Words) {
        self.0.push(key);
    }
}

/// Calls `f` with the keys of a plain text's shingles, in order. The keys
/// go into a buffer each thread keeps: the vectors that are kept are made
/// at their exact size from it, and no vector per text is made and freed,
/// which over thousands of articles leaves the heap in pieces.
fn with_shingles<R>(text: &str, f: impl FnOnce(&[u64]) -> R) -> R {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut keys = Keys(std::mem::take(&mut *buffer.borrow_mut()));
        keys.0.clear();
        scan(text.as_bytes(), Input::Plain, &mut keys);
        let result = f(&keys.0);
        // A text of megabytes should not pin its buffer for good.
        if keys.0.capacity() > 1 << 20 {
            keys.0 = Vec::new();
        }
        *buffer.borrow_mut() = keys.0;
        result
    })
}

/// The keys of a plain text's shingles, in order.
#[cfg(test)]
fn shingles(text: &str) -> Vec<u64> {
    with_shingles(text, <[u64]>::to_vec)
}

/// Keys are kept in this many parts by their top bits from the start, so
/// that `finish` sorts the parts apart, in parallel, each in a region of
/// memory small enough to stay in cache, and frees each part's keys when
/// it is done with them.
const PART_BITS: u32 = 4;
const PARTS: usize = 1 << PART_BITS;

/// Keys in a block: 512 KiB. Gathered keys are held in blocks this size
/// rather than a vector per article: the allocator gives big blocks back
/// when they are freed, so the index `finish` writes takes the place of
/// the keys it frees instead of adding to them.
const BLOCK: usize = 1 << 16;

/// The keys of one part, in blocks.
#[derive(Debug, Default)]
struct PartKeys(Vec<Vec<u64>>);

impl PartKeys {
    fn extend(&mut self, mut keys: &[u64]) {
        while !keys.is_empty() {
            match self.0.last_mut() {
                Some(last) if last.len() < BLOCK => {
                    let n = keys.len().min(BLOCK - last.len());
                    if last.capacity() - last.len() < n {
                        // Grow by doubling, never past a block.
                        let want = (last.len() + n).max(last.capacity() * 2).min(BLOCK);
                        last.reserve_exact(want - last.len());
                    }
                    last.extend_from_slice(&keys[..n]);
                    keys = &keys[n..];
                }
                // A piece's first block is its exact size (one article's keys).
                _ => self.0.push(Vec::with_capacity(keys.len().min(BLOCK))),
            }
        }
    }

    /// Takes in another part's keys: big blocks as they are, small ones
    /// (one article's) copied into the block being filled.
    fn absorb(&mut self, other: PartKeys) {
        for block in other.0 {
            if block.len() >= BLOCK / 2 {
                let at = self.0.len().saturating_sub(1);
                self.0.insert(at, block);
            } else {
                self.extend(&block);
            }
        }
    }

    fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }
}

/// Keys by part: `parts[p]` holds the keys whose top bits are `p`.
#[derive(Debug)]
struct Parts([PartKeys; PARTS]);

impl Default for Parts {
    fn default() -> Self {
        Parts(std::array::from_fn(|_| PartKeys::default()))
    }
}

impl Parts {
    /// Adds `keys`, split by part.
    fn add(&mut self, keys: &[u64]) {
        let mut counts = [0usize; PARTS];
        for &k in keys {
            counts[(k >> (u64::BITS - PART_BITS)) as usize] += 1;
        }
        let mut split: [Vec<u64>; PARTS] = std::array::from_fn(|p| Vec::with_capacity(counts[p]));
        for &k in keys {
            split[(k >> (u64::BITS - PART_BITS)) as usize].push(k);
        }
        for (part, keys) in self.0.iter_mut().zip(split) {
            if part.0.is_empty() && !keys.is_empty() {
                part.0.push(keys);
            } else {
                part.extend(&keys);
            }
        }
    }

    fn merge(&mut self, other: Parts) {
        for (part, more) in self.0.iter_mut().zip(other.0) {
            part.absorb(more);
        }
    }

    fn len(&self) -> usize {
        self.0.iter().map(PartKeys::len).sum()
    }
}

/// Paid shingles of a site and the public shingles that excuse them, as
/// they are gathered. Each article can be read into a `LeakCheck` of its
/// own on a worker thread and the pieces merged; [`LeakCheck::finish`]
/// turns the whole into the index scans use.
///
/// Plain texts are given as Markdown's events give them (Text and Code,
/// smart punctuation included), with whitespace between blocks.
#[derive(Debug, Default)]
pub struct LeakCheck {
    /// Keys of paid shingles, eight bytes each until `finish`.
    paid: Parts,
    /// Keys of public shingles.
    public: Parts,
    /// Articles with at least one paid shingle, for confirming hits.
    sources: Vec<PathBuf>,
}

impl LeakCheck {
    /// Nothing paid, nothing public.
    pub fn new() -> Self {
        LeakCheck::default()
    }

    /// Text anyone may read (free part, teaser, title, publicly cited
    /// notes, plain page): its eight-word runs never count as leaks.
    pub fn add_public(&mut self, text: &str) {
        with_shingles(text, |keys| self.public.add(keys));
    }

    /// The paid part of an article (plain text), identified by its source file.
    pub fn add_paid(&mut self, source: &Path, text: &str) {
        with_shingles(text, |keys| {
            if !keys.is_empty() {
                self.paid.add(keys);
                self.sources.push(source.to_path_buf());
            }
        });
    }

    /// Takes in what another `LeakCheck` gathered (one made on another
    /// thread). Keys from a small piece (an article's) are copied into the
    /// block being filled, big blocks are moved: gathering many articles
    /// into one `LeakCheck` per worker (rayon's `fold`, then `reduce`)
    /// copies each key once.
    pub fn merge(&mut self, other: LeakCheck) {
        self.paid.merge(other.paid);
        self.public.merge(other.public);
        self.sources.extend(other.sources);
    }

    /// Paid shingles gathered so far, repeats and excused ones included.
    pub fn paid_shingles(&self) -> usize {
        self.paid.len()
    }

    /// The index of every paid shingle that no public text contains.
    pub fn finish(self) -> LeakIndex {
        let total = self.paid_shingles();
        // About eight shingles a bucket: a bucket's fingerprints are one
        // cache line, and the offsets cost half a byte a shingle.
        let bits = (usize::BITS - (total / 8).max(1).leading_zeros()).clamp(PART_BITS, 30);
        let shift = u64::BITS - bits;
        let per_part = 1usize << (bits - PART_BITS);
        let parts = Vec::from(self.paid.0)
            .into_par_iter()
            .zip(Vec::from(self.public.0))
            .enumerate()
            .map(|(p, (paid, public))| {
                let buckets = p * per_part..(p + 1) * per_part;
                let mut excused = vec![0u32; public.len()];
                let counts = sort_part(public.0, &mut excused, shift, buckets.clone(), None);
                let excused_starts = starts_of(&counts);
                let mut fps = vec![0u32; paid.len()];
                let counts = sort_part(paid.0, &mut fps, shift, buckets, Some((&excused_starts, &excused)));
                let starts = starts_of(&counts);
                fps.truncate(starts.last().map_or(0, |&n| n as usize));
                fps.shrink_to_fit();
                PartIndex { starts, fps }
            })
            .collect();
        LeakIndex { shift, parts, sources: self.sources }
    }
}

/// A key's bucket (its top bits) and fingerprint (the 32 bits below them).
#[inline]
fn split_key(key: u64, shift: u32) -> (usize, u32) {
    ((key >> shift) as usize, (key >> (shift - 32)) as u32)
}

/// Where each bucket starts, from the buckets' sizes (one more entry: the end).
fn starts_of(counts: &[u32]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(counts.len() + 1);
    let mut sum = 0u32;
    for &c in counts {
        starts.push(sum);
        sum += c;
    }
    starts.push(sum);
    starts
}

/// Sorts one part's keys (all in `buckets`) into `region`, which holds
/// exactly as many: bucket by bucket, each sorted, without repeats and
/// without the fingerprints `excused` (its own starts and fingerprints)
/// has in the same bucket. The kept fingerprints are packed at the start
/// of `region`; returns each bucket's count. Every vector of keys is freed
/// once sorted in.
fn sort_part(chunks: Vec<Vec<u64>>, region: &mut [u32], shift: u32, buckets: std::ops::Range<usize>, excused: Option<(&[u32], &[u32])>) -> Vec<u32> {
    let first = buckets.start;
    let mut counts = vec![0u32; buckets.len()];
    for chunk in &chunks {
        for &key in chunk {
            counts[split_key(key, shift).0 - first] += 1;
        }
    }
    let mut cursor = starts_of(&counts);
    let starts = cursor.clone();
    for chunk in chunks {
        for key in chunk {
            let (b, fp) = split_key(key, shift);
            let at = &mut cursor[b - first];
            region[*at as usize] = fp;
            *at += 1;
        }
    }
    let mut write = 0usize;
    for (b, count) in counts.iter_mut().enumerate() {
        let (from, to) = (starts[b] as usize, starts[b + 1] as usize);
        region[from..to].sort_unstable();
        let excused = excused.map_or(&[][..], |(s, fps)| &fps[s[b] as usize..s[b + 1] as usize]);
        let before = write;
        for read in from..to {
            let fp = region[read];
            let repeat = write > before && region[write - 1] == fp;
            if !repeat && excused.binary_search(&fp).is_err() {
                region[write] = fp;
                write += 1;
            }
        }
        *count = (write - before) as u32;
    }
    counts
}

// ---------------------------------------------------------------- scanning

/// Gives an article's paid text again, exactly as it was given to
/// [`LeakCheck::add_paid`], to confirm a suspected leak. `None` when the
/// article has none any more. Any `Fn(&Path) -> Option<String> + Sync` is one.
pub trait PaidText: Sync {
    /// The paid text of the article read from `source`.
    fn paid_text(&self, source: &Path) -> Option<String>;
}

impl<F: Fn(&Path) -> Option<String> + Sync> PaidText for F {
    fn paid_text(&self, source: &Path) -> Option<String> {
        self(source)
    }
}

/// Eight words of a public file whose hash is that of a paid shingle: a
/// leak until [`LeakIndex::confirm`] finds whose words they are (or that
/// the hashes only collided).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    /// The public file, as the scan named it.
    pub file: PathBuf,
    /// The eight words, normalised, separated by spaces.
    pub words: String,
    key: u64,
}

/// Paid text found in a public file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// The article whose paid text it is.
    pub source: PathBuf,
    /// The public file, relative to the scanned folder.
    pub file: PathBuf,
    /// The first eight words found, normalised (lowercase, single spaces).
    pub words: String,
    /// How many eight-word runs of this article's paid text the file holds.
    pub runs: usize,
}

impl From<&Leak> for Diagnostic {
    fn from(leak: &Leak) -> Diagnostic {
        let more = match leak.runs {
            0 | 1 => String::new(),
            n => format!(" ({n} runs of eight words)"),
        };
        Diagnostic::file(&leak.source, format!("paid text appears in the public file {}: \"{} …\"{more}", leak.file.display(), leak.words))
    }
}

impl From<Leak> for Diagnostic {
    fn from(leak: Leak) -> Diagnostic {
        Diagnostic::from(&leak)
    }
}

/// The paid shingles of a site that no public text contains, ready to scan
/// public files with. Keeps 32 bits of each shingle's hash (about four
/// and a half bytes a shingle with the bucket offsets) and the articles'
/// paths; no text.
#[derive(Debug)]
pub struct LeakIndex {
    shift: u32,
    /// One per part of the keys (their top bits).
    parts: Vec<PartIndex>,
    sources: Vec<PathBuf>,
}

/// The buckets of one part: bucket `b` holds `fps[starts[b]..starts[b + 1]]`,
/// sorted, without repeats.
#[derive(Debug)]
struct PartIndex {
    starts: Vec<u32>,
    fps: Vec<u32>,
}

/// Lookups held back to be made together.
const BATCH: usize = 32;

/// Looks up every shingle of a public file. A lookup is two reads of
/// memory far apart (the bucket's bounds, then its fingerprints): made one
/// at a time between the scanner's work they wait for memory in turn;
/// made in batches, with the bounds of all read first, they wait together.
struct Probe<'i> {
    index: &'i LeakIndex,
    keys: [u64; BATCH],
    at: [(Stream, u64); BATCH],
    len: usize,
    hits: Vec<(Stream, u64)>,
}

impl<'i> Probe<'i> {
    fn new(index: &'i LeakIndex) -> Self {
        Probe { index, keys: [0; BATCH], at: [(Stream::Prose, 0); BATCH], len: 0, hits: Vec::new() }
    }

    fn flush(&mut self) {
        let index = self.index;
        let mut found = [(&[][..], 0u32); BATCH];
        for (slot, &key) in found.iter_mut().zip(&self.keys[..self.len]) {
            *slot = index.bucket(key);
        }
        // Touch each bucket's first fingerprint with nothing depending on
        // it: the loads overlap here, where the comparisons below, whose
        // branches mispredict, would throw them away.
        let mut touched = 0u32;
        for (bucket, _) in &found[..self.len] {
            touched ^= bucket.first().copied().unwrap_or(0);
        }
        std::hint::black_box(touched);
        for ((bucket, fp), &at) in found[..self.len].iter().zip(&self.at) {
            if bucket.contains(fp) {
                self.hits.push(at);
            }
        }
        self.len = 0;
    }
}

impl Sink for Probe<'_> {
    const TEXT: bool = false;
    #[inline]
    fn shingle(&mut self, stream: Stream, at: u64, key: u64, _: &Words) {
        self.keys[self.len] = key;
        self.at[self.len] = (stream, at);
        self.len += 1;
        if self.len == BATCH {
            self.flush();
        }
    }

    fn end(&mut self) {
        self.flush();
    }
}

/// Collects the words of chosen shingles (to confirm hits).
struct Collect<'w> {
    wanted: &'w HashSet<(Stream, u64)>,
    found: Vec<(u64, String)>,
}

impl Sink for Collect<'_> {
    const TEXT: bool = true;
    fn shingle(&mut self, stream: Stream, at: u64, key: u64, words: &Words) {
        if self.wanted.contains(&(stream, at)) {
            self.found.push((key, words.joined()));
        }
    }
}

/// Finds the shingles whose keys are wanted (confirming, paid side).
struct Matching<'k> {
    keys: &'k HashSet<u64>,
    at: HashSet<(Stream, u64)>,
}

impl Sink for Matching<'_> {
    const TEXT: bool = false;
    fn shingle(&mut self, stream: Stream, at: u64, key: u64, _: &Words) {
        if self.keys.contains(&key) {
            self.at.insert((stream, at));
        }
    }
}

impl LeakIndex {
    /// Paid shingles indexed.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.fps.len()).sum()
    }

    /// Whether nothing paid is left to look for.
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.fps.is_empty())
    }

    /// Bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.parts.iter().map(|p| (p.fps.capacity() + p.starts.capacity()) * 4).sum::<usize>()
            + self.sources.iter().map(|s| s.as_os_str().len() + std::mem::size_of::<PathBuf>()).sum::<usize>()
    }

    /// The fingerprints of `key`'s bucket, and its own.
    #[inline]
    fn bucket(&self, key: u64) -> (&[u32], u32) {
        let (b, fp) = split_key(key, self.shift);
        let Some(part) = self.parts.get((key >> (u64::BITS - PART_BITS)) as usize) else { return (&[], fp) };
        let local = b & (part.starts.len().saturating_sub(2));
        let bucket = match (part.starts.get(local), part.starts.get(local + 1)) {
            (Some(&s), Some(&e)) => part.fps.get(s as usize..e as usize).unwrap_or_default(),
            _ => &[],
        };
        (bucket, fp)
    }

    /// Scans one public file's bytes (for trees held in memory), named
    /// `file` in what it reports. Hits still to be confirmed.
    pub fn scan_bytes(&self, file: impl Into<PathBuf>, bytes: &[u8]) -> Vec<Suspect> {
        if self.is_empty() {
            return Vec::new();
        }
        let mut probe = Probe::new(self);
        scan(bytes, Input::Markup, &mut probe);
        if probe.hits.is_empty() {
            return Vec::new();
        }
        // Rare: read the file again, keeping the words this time.
        let wanted: HashSet<(Stream, u64)> = probe.hits.into_iter().collect();
        let mut collect = Collect { wanted: &wanted, found: Vec::new() };
        scan(bytes, Input::Markup, &mut collect);
        let file = file.into();
        collect.found.into_iter().map(|(key, words)| Suspect { file: file.clone(), words, key }).collect()
    }

    /// Scans every regular file below `public_dir` (in parallel) and
    /// confirms what it finds against the paid texts `paid` gives again.
    /// Files are named relative to `public_dir`. An unreadable file or
    /// folder is an error: the tree could not be checked.
    pub fn scan_tree(&self, public_dir: &Path, paid: &dyn PaidText) -> Result<Vec<Leak>, Diagnostic> {
        if self.is_empty() {
            return Ok(Vec::new());
        }
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(public_dir) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(public_dir).to_path_buf();
                Diagnostic::file(path, format!("could not read this folder to check it for paid text: {e}"))
            })?;
            // A link is published as what it points to.
            let is_file = entry.file_type().is_file() || (entry.path_is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
            if is_file {
                files.push(entry.into_path());
            }
        }
        let suspects: Vec<Vec<Suspect>> = files
            .par_iter()
            .map(|path| {
                let bytes = std::fs::read(path).map_err(|e| Diagnostic::io(path, "read this file to check it for paid text", &e))?;
                let name = path.strip_prefix(public_dir).unwrap_or(path);
                Ok(self.scan_bytes(name, &bytes))
            })
            .collect::<Result<_, Diagnostic>>()?;
        Ok(self.confirm(suspects.into_iter().flatten().collect(), paid))
    }

    /// Finds whose paid text each suspect's words are: every article's
    /// paid text is read again and its shingles with the suspects' hashes
    /// compared word for word. Suspects no article's words match were hash
    /// collisions and are dropped. One leak per article and file, in order.
    pub fn confirm(&self, suspects: Vec<Suspect>, paid: &dyn PaidText) -> Vec<Leak> {
        if suspects.is_empty() {
            return Vec::new();
        }
        let keys: HashSet<u64> = suspects.iter().map(|s| s.key).collect();
        // (key, words) → the articles whose paid text has them.
        let owners: Vec<(u64, String, usize)> = self
            .sources
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, source)| {
                let found = paid.paid_text(source).map(|text| {
                    let mut matching = Matching { keys: &keys, at: HashSet::new() };
                    scan(text.as_bytes(), Input::Plain, &mut matching);
                    if matching.at.is_empty() {
                        return Vec::new();
                    }
                    let mut collect = Collect { wanted: &matching.at, found: Vec::new() };
                    scan(text.as_bytes(), Input::Plain, &mut collect);
                    collect.found
                });
                found.unwrap_or_default().into_iter().map(move |(key, words)| (key, words, i))
            })
            .collect();
        let mut by_words: HashMap<(u64, &str), Vec<usize>> = HashMap::new();
        for (key, words, i) in &owners {
            let list = by_words.entry((*key, words.as_str())).or_default();
            if !list.contains(i) {
                list.push(*i);
            }
        }
        let mut leaks: HashMap<(usize, &Path), Leak> = HashMap::new();
        for s in &suspects {
            let Some(articles) = by_words.get(&(s.key, s.words.as_str())) else { continue };
            for &i in articles {
                leaks.entry((i, s.file.as_path())).and_modify(|l| l.runs += 1).or_insert_with(|| Leak {
                    source: self.sources[i].clone(),
                    file: s.file.clone(),
                    words: s.words.clone(),
                    runs: 1,
                });
            }
        }
        let mut leaks: Vec<Leak> = leaks.into_values().collect();
        leaks.sort_by(|a, b| (&a.source, &a.file).cmp(&(&b.source, &b.file)));
        leaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "content/articles/budget.md";

    /// The paid text of the tests' article, as Markdown's events give it
    /// (smart punctuation: `don’t`).
    const PAID: &str = "The minister said the budget would not survive the winter, and the coalition’s partners \
                        don’t believe otherwise.\nEveryone in the ministry expects a reshuffle before the summer recess.";

    /// What `index` finds in a public file `file` holding `bytes`, the paid
    /// text of the one article being `paid`.
    fn scan_file(index: &LeakIndex, paid: &str, file: &str, bytes: &[u8]) -> Vec<Leak> {
        let suspects = index.scan_bytes(file, bytes);
        let text = paid.to_string();
        index.confirm(suspects, &move |source: &Path| (source == Path::new(ARTICLE)).then(|| text.clone()))
    }

    fn index_of(paid: &str, public: &[&str]) -> LeakIndex {
        let mut check = LeakCheck::new();
        check.add_paid(Path::new(ARTICLE), paid);
        for text in public {
            check.add_public(text);
        }
        check.finish()
    }

    fn leaks_in(bytes: &[u8]) -> Vec<Leak> {
        scan_file(&index_of(PAID, &[]), PAID, "articles/budget/index.html", bytes)
    }

    /// The words of a text's prose, rebuilt from its shingles.
    fn prose_words(bytes: &[u8], input: Input) -> Vec<String> {
        struct All(Vec<String>);
        impl Sink for All {
            const TEXT: bool = true;
            fn shingle(&mut self, stream: Stream, _: u64, _: u64, words: &Words) {
                if stream != Stream::Prose {
                    return;
                }
                let joined = words.joined();
                let mut split = joined.split(' ').map(str::to_string);
                if self.0.is_empty() {
                    self.0.extend(split);
                } else if let Some(last) = split.next_back() {
                    self.0.push(last);
                }
            }
        }
        let mut all = All(Vec::new());
        scan(bytes, input, &mut all);
        all.0
    }

    #[test]
    fn paid_words_are_found_in_a_plain_html_page() {
        let page = format!(
            "<!DOCTYPE html>\n<html><body><article>\n<p>{}</p>\n</article></body></html>",
            "The minister said the budget would not survive the winter."
        );
        let leaks = leaks_in(page.as_bytes());
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!(leaks[0].source, Path::new(ARTICLE));
        assert_eq!(leaks[0].file, Path::new("articles/budget/index.html"));
        assert_eq!(leaks[0].words, "the minister said the budget would not survive");
        assert_eq!(leaks[0].runs, 3);
    }

    #[test]
    fn paid_words_are_found_inside_an_attribute_value() {
        let page = "<html><head><meta name=\"description\" content=\"Everyone in the ministry expects a reshuffle before the summer recess.\">\
                    </head><body><p>Nothing to see.</p><img src=\"a.png\" alt='the coalition’s partners don’t believe otherwise'></body></html>";
        let leaks = leaks_in(page.as_bytes());
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].words, "everyone in the ministry expects a reshuffle before");
        // The meta description (4 runs) and the alt text (1 run: `don’t` is two words).
        assert_eq!(leaks[0].runs, 5);
    }

    #[test]
    fn paid_words_are_found_across_inline_tags_and_split_words() {
        let page = "<p>The <em>minister</em> said the bud<strong>get</strong> would \
                    <a href=\"https://example.org/one/two/three/four/five/six/seven/eight\">not</a> survive the <span class=\"x\">winter</span></p>";
        let leaks = leaks_in(page.as_bytes());
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].words, "the minister said the budget would not survive");
    }

    #[test]
    fn tag_and_attribute_names_are_not_words() {
        let html = prose_words(b"<p class=\"lead\">one <em data-x=\"y\">two</em> three four<br>five six seven eight nine</p>", Input::Markup);
        assert_eq!(html, ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]);
    }

    #[test]
    fn block_tags_end_a_word_and_inline_tags_do_not() {
        let html = prose_words(b"<ul><li>one</li><li>two</li></ul><p>th<em>re</em>e four five six seven eight</p>", Input::Markup);
        let plain = prose_words("one\ntwo\nthree four five six seven eight".as_bytes(), Input::Plain);
        assert_eq!(html, plain);
        assert_eq!(html[2], "three");
    }

    #[test]
    fn paid_words_are_found_in_an_atom_feeds_escaped_html() {
        // The feed's HTML is `<p>The <em>minister</em> said the budget would
        // not survive the winter, and the coalition’s partners don&#8217;t
        // believe otherwise &amp; more.</p>`, escaped once more for XML.
        let feed = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>\
                    <title>Budget</title><content type=\"html\">&lt;p&gt;The &lt;em&gt;minister&lt;/em&gt; said the budget \
                    would not survive the winter, and the coalition’s partners don&amp;#8217;t believe otherwise &amp;amp; more.&lt;/p&gt;\
                    </content></entry></feed>";
        let leaks = scan_file(&index_of(PAID, &[]), PAID, "atom.xml", feed.as_bytes());
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].file, Path::new("atom.xml"));
        // Every run of the first sentence: 19 words, 12 runs.
        assert_eq!(leaks[0].runs, 12);
    }

    #[test]
    fn double_escaped_markup_in_a_feed_reads_as_text() {
        let feed = "<content type=\"html\">&lt;p&gt;one &amp;lt;em&amp;gt; two &lt;em&gt;thr&lt;/em&gt;ee four five six seven eight&lt;/p&gt;</content>";
        let plain = "one <em> two three four five six seven eight";
        assert_eq!(prose_words(feed.as_bytes(), Input::Markup), prose_words(plain.as_bytes(), Input::Plain));
    }

    #[test]
    fn paid_words_are_found_in_json_ld_with_unicode_escapes() {
        let page = "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\
                    \"articleBody\":\"\\u003cp\\u003eThe minister said the budget would not survive the winter, and the coalition\\u2019s \
                    partners don\\u2019t believe \\u003ca href=\\\"https://example.org/x\\\"\\u003eotherwise\\u003c/a\\u003e.\\u003c/p\\u003e\\n\"}\
                    </script></head><body></body></html>";
        let leaks = leaks_in(page.as_bytes());
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        // Every run of the first sentence: 19 words, 12 runs.
        assert_eq!(leaks[0].runs, 12);
    }

    #[test]
    fn paid_words_are_found_through_character_references() {
        let paid = "Costs rose & the coalition’s partners don’t believe the minister’s figures any more, said one.";
        let page = "<p>Costs rose &amp; the coalition&#8217;s partners don&rsquo;t believe the minister&#x2019;s fi&shy;gures any more, said one.</p>";
        let leaks = scan_file(&index_of(paid, &[]), paid, "index.html", page.as_bytes());
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].words, "costs rose the coalition s partners don t");
        // 17 words, every run found.
        assert_eq!(leaks[0].runs, 10);
    }

    #[test]
    fn accented_letters_read_the_same_from_references_and_utf8() {
        let html = prose_words("<p>Caf&eacute; &Eacute;LAN na&#xEF;ve d&#233;j&agrave; vu ÉLAN über alles</p>".as_bytes(), Input::Markup);
        assert_eq!(html, ["café", "élan", "naïve", "déjà", "vu", "élan", "über", "alles"]);
    }

    #[test]
    fn paid_words_are_found_in_a_file_that_is_not_utf8() {
        // Latin-1 bytes (0xE9 for é) and a stray 0xFF around the paid sentence.
        let mut page = b"<p>Caf\xE9 \xFF</p><p>The minister said the budget would not survive the winter.</p>\xC3".to_vec();
        page.extend_from_slice(b"\xFE trailing");
        let leaks = leaks_in(&page);
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].runs, 3);
    }

    #[test]
    fn paid_words_are_found_in_a_percent_encoded_share_link() {
        let page = "<a href=\"https://social.example/share?text=The%20minister%20said%20the%20budget%20would%20not%20survive\">Share</a>";
        let leaks = leaks_in(page.as_bytes());
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].words, "the minister said the budget would not survive");
    }

    #[test]
    fn words_quoted_from_a_public_source_are_not_leaks() {
        // The free paragraph is quoted again after the cut.
        let free = "Parliament returns on Monday with the budget vote still in doubt.";
        let paid = format!("As we wrote: {free} {PAID}");
        let index = index_of(&paid, &[free, "The Budget Question"]);
        let page = format!("<h1>The Budget Question</h1><p>{free}</p><div class=\"subscribe\">Subscribe to read on.</div>");
        assert_eq!(scan_file(&index, &paid, "articles/budget/index.html", page.as_bytes()), []);
        // The words of the paid part that no public text has still count.
        let leaked = format!("{page}<p>{PAID}</p>");
        assert_eq!(scan_file(&index, &paid, "articles/budget/index.html", leaked.as_bytes()).len(), 1);
    }

    #[test]
    fn runs_shorter_than_eight_words_are_not_leaks() {
        // Seven paid words, then public ones, then seven more paid ones.
        let page = "<p>The minister said the budget would not</p><p>Read on:</p><p>survive the winter, and the coalition’s</p>\
                    <meta content=\"a reshuffle before the summer recess\">";
        assert_eq!(leaks_in(page.as_bytes()), []);
    }

    #[test]
    fn a_less_than_sign_in_prose_is_not_a_tag() {
        let paid = "Prices held where x<b and the ministry kept quiet about it, to everyone’s surprise.";
        let page = "<p>Prices held where x&lt;b and the ministry kept quiet about it, to everyone’s surprise.</p>";
        assert_eq!(scan_file(&index_of(paid, &[]), paid, "index.html", page.as_bytes()).len(), 1);
        assert_eq!(prose_words(page.as_bytes(), Input::Markup), prose_words(paid.as_bytes(), Input::Plain));
    }

    #[test]
    fn a_hash_collision_is_dismissed_when_the_words_differ() {
        // Force a collision: give the article a paid shingle whose hash is
        // that of public words which are not in its paid text.
        let public_words = "nothing here was ever behind the paywall at all";
        let mut check = LeakCheck::new();
        check.add_paid(Path::new(ARTICLE), PAID);
        let mut forged = shingles(public_words);
        forged.truncate(1);
        check.paid.add(&forged);
        let index = check.finish();
        let page = format!("<p>{public_words}</p>");
        let suspects = index.scan_bytes("index.html", page.as_bytes());
        assert_eq!(suspects.len(), 1, "the forged hash is found");
        assert_eq!(suspects[0].words, "nothing here was ever behind the paywall at");
        let paid = |source: &Path| (source == Path::new(ARTICLE)).then(|| PAID.to_string());
        assert_eq!(index.confirm(suspects, &paid), []);
    }

    #[test]
    fn pieces_gathered_apart_and_merged_give_the_same_index() {
        let texts = ["one two three four five six seven eight nine ten", PAID, "a b c d e f g h i j k l m n o p"];
        let mut whole = LeakCheck::new();
        for (i, t) in texts.iter().enumerate() {
            whole.add_paid(Path::new(&format!("{i}.md")), t);
        }
        whole.add_public(PAID);
        let pieces: Vec<LeakCheck> = texts
            .par_iter()
            .enumerate()
            .map(|(i, t)| {
                let mut piece = LeakCheck::new();
                piece.add_paid(Path::new(&format!("{i}.md")), t);
                piece
            })
            .collect();
        let mut merged = LeakCheck::new();
        merged.add_public(PAID);
        for p in pieces {
            merged.merge(p);
        }
        let (whole, merged) = (whole.finish(), merged.finish());
        let contents = |index: &LeakIndex| index.parts.iter().map(|p| (p.starts.clone(), p.fps.clone())).collect::<Vec<_>>();
        assert_eq!(contents(&whole), contents(&merged));
        // PAID is public here: only the other two texts are left (3 + 9 runs).
        assert_eq!(whole.len(), 12);
    }

    #[test]
    fn the_index_holds_every_paid_key_once_except_the_public_ones() {
        let mut x = 0x1234_5678_9ABC_DEF0u64;
        let mut next = || {
            x = x.wrapping_add(K0);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(K1);
            z ^ (z >> 31)
        };
        let mut check = LeakCheck::new();
        let mut all = Vec::new();
        for _ in 0..40 {
            let keys: Vec<u64> = (0..1000).map(|_| next()).collect();
            all.extend_from_slice(&keys);
            // Every article repeats its first hundred keys.
            let mut with_repeats = keys.clone();
            with_repeats.extend_from_slice(&keys[..100]);
            check.paid.add(&with_repeats);
        }
        let public: Vec<u64> = all.iter().step_by(7).copied().chain((0..500).map(|_| next())).collect();
        check.public.add(&public);
        let index = check.finish();
        let split = |k: u64| split_key(k, index.shift);
        let excused: HashSet<(usize, u32)> = public.iter().map(|&k| split(k)).collect();
        let mut expected: Vec<(usize, u32)> = all.iter().map(|&k| split(k)).filter(|p| !excused.contains(p)).collect();
        expected.sort_unstable();
        expected.dedup();
        let mut got = Vec::new();
        let per_part = index.parts[0].starts.len() - 1;
        for (p, part) in index.parts.iter().enumerate() {
            for (b, bounds) in part.starts.windows(2).enumerate() {
                let bucket = &part.fps[bounds[0] as usize..bounds[1] as usize];
                assert!(bucket.windows(2).all(|w| w[0] < w[1]), "bucket {b} of part {p} sorted, no repeats");
                got.extend(bucket.iter().map(|&fp| (p * per_part + b, fp)));
            }
        }
        assert_eq!(got, expected);
        // What a lookup sees.
        assert!(all.iter().filter(|&&k| !excused.contains(&split(k))).all(|&k| index.bucket(k).0.contains(&index.bucket(k).1)));
        assert_eq!(index.len(), 40_000 - 40_000_usize.div_ceil(7));
    }

    #[test]
    fn keys_gathered_in_pieces_fill_whole_blocks() {
        let mut all = PartKeys::default();
        let mut expected = 0;
        for i in 0..300u64 {
            let mut piece = PartKeys::default();
            let keys: Vec<u64> = (0..(i % 7) * 100 + 1).map(|k| k * 1000 + i).collect();
            piece.extend(&keys);
            expected += keys.len();
            all.absorb(piece);
        }
        let mut big = PartKeys::default();
        big.extend(&vec![7; BLOCK]);
        all.absorb(big);
        assert_eq!(all.len(), expected + BLOCK);
        // Every block but the one being filled is whole.
        let (filling, whole) = all.0.split_last().map_or((0, &[][..]), |(l, w)| (l.len(), w));
        assert!(whole.iter().all(|b| b.len() == BLOCK), "{:?}", whole.iter().map(Vec::len).collect::<Vec<_>>());
        assert!(filling <= BLOCK);
        assert!(all.0.iter().all(|b| b.capacity() <= BLOCK));
    }

    #[test]
    fn scan_tree_reads_every_file_and_names_it_relative_to_the_folder() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let public = dir.path();
        std::fs::create_dir_all(public.join("articles/budget"))?;
        std::fs::write(public.join("articles/budget/index.html"), "<p>Subscribe to read on.</p>")?;
        std::fs::write(
            public.join("feed.json"),
            "{\"items\":[{\"content_text\":\"Everyone in the ministry expects a reshuffle before the summer recess.\"}]}",
        )?;
        std::fs::write(public.join("style.css"), "body { color: red; }")?;
        let index = index_of(PAID, &[]);
        let paid = |source: &Path| (source == Path::new(ARTICLE)).then(|| PAID.to_string());
        let leaks = index.scan_tree(public, &paid).map_err(|d| std::io::Error::other(d.to_string()))?;
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].file, Path::new("feed.json"));
        Ok(())
    }

    #[test]
    fn a_leak_reads_as_a_diagnostic_naming_the_article_and_the_public_file() {
        let leak = Leak {
            source: PathBuf::from(ARTICLE),
            file: PathBuf::from("articles/budget/index.html"),
            words: "the minister said the budget would not survive".into(),
            runs: 1,
        };
        assert_eq!(
            Diagnostic::from(&leak).to_string(),
            "content/articles/budget.md: paid text appears in the public file articles/budget/index.html: \
             \"the minister said the budget would not survive …\""
        );
        let many = Leak { runs: 40, ..leak };
        assert!(Diagnostic::from(many).message.ends_with("survive …\" (40 runs of eight words)"));
    }

    #[test]
    fn the_entity_table_is_sorted_for_binary_search() {
        assert!(ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ELEMENTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_eight_byte_test_for_letters_and_digits_agrees_with_the_byte_one() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut lane = [b' '; 8];
                lane[at] = b;
                let flagged = non_alnum(u64::from_le_bytes(lane)) >> (8 * at + 7) & 1 == 1;
                assert_eq!(flagged, !b.is_ascii_alphanumeric(), "byte {b:#x} at {at}");
            }
        }
        // `Zz09aA` then a backquote and `@`, the neighbours of the letters.
        assert_eq!(non_alnum(u64::from_le_bytes(*b"Zz09aA`@")), 0x8080 << 48);
    }

    #[test]
    fn short_attribute_values_are_told_apart_from_ones_that_may_hold_a_shingle() {
        assert!(too_short_for_a_shingle(b"site-header-inner"));
        assert!(too_short_for_a_shingle(b"https://bench.example.org/articles/one-two/"));
        assert!(!too_short_for_a_shingle(b"https://bench.example.org/articles/one-two-three/"));
        assert!(!too_short_for_a_shingle(b"one two three four five six seven eight"));
        assert!(too_short_for_a_shingle(b"one two three four five six seven"));
        // A run across the eight-byte boundary counts once.
        assert!(too_short_for_a_shingle(b"a b c d eeeeeeeeeeeeeee f g"));
        assert!(!too_short_for_a_shingle("caf\u{e9}".as_bytes()));
        assert!(!too_short_for_a_shingle(b"a\\u0020b"));
    }

    #[test]
    fn any_bytes_are_read_without_panicking() {
        let pieces: &[&[u8]] = &[
            b"<",
            b">",
            b"</",
            b"<!--",
            b"-->",
            b"<![CDATA[",
            b"<!D",
            b"<?",
            b"<a href=\"",
            b"<p ",
            b"'",
            b"\"",
            b"=",
            b"&",
            b"&amp;",
            b"&lt;",
            b"&#",
            b"&#x",
            b"&#12345678901;",
            b"&#x2019;",
            b"&rsquo",
            b"\\",
            b"\\u",
            b"\\ud83d",
            b"\\u003c",
            b"\\\"",
            b"%",
            b"%E2%80",
            b"%e9",
            b"%3C",
            b"\xE2\x80",
            b"\xC3",
            b"\xFF",
            b"\xF0\x9F\x98",
            b"<script>",
            b"</script",
            b"<style>",
            b" ",
            b"\n",
            b"word",
            b"Word8",
            b"\xC3\xA9t\xC3\xA9",
        ];
        let mut x = 0x9E37_79B9u64;
        for _ in 0..3000 {
            let mut bytes = Vec::new();
            for _ in 0..40 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                bytes.extend_from_slice(pieces[(x % pieces.len() as u64) as usize]);
            }
            let mut keys = Keys(Vec::new());
            scan(&bytes, Input::Markup, &mut keys);
            scan(&bytes, Input::Plain, &mut keys);
            let all: HashSet<(Stream, u64)> = (0..200).flat_map(|i| [(Stream::Prose, i), (Stream::Attr, i)]).collect();
            let mut collect = Collect { wanted: &all, found: Vec::new() };
            scan(&bytes, Input::Markup, &mut collect);
        }
    }

    #[test]
    fn a_word_hashes_the_same_however_it_is_fed() {
        // Whole, at the end of its buffer (no load past it) and amid text.
        let word = b"Reshuffles2026abcdefghij";
        let mut whole = WordHash::default();
        whole.push_ascii_alnum(word, 0, word.len());
        let amid = b"xx Reshuffles2026abcdefghij and more after it";
        let mut in_text = WordHash::default();
        in_text.push_ascii_alnum(amid, 3, 3 + word.len());
        let mut pieces = WordHash::default();
        pieces.push_ascii_alnum(word, 0, 3);
        pieces.push_ascii_alnum(word, 3, 17);
        for &b in &word[17..] {
            pieces.push(b | 0x20);
        }
        let (whole, in_text, pieces) = (whole.finish(), in_text.finish(), pieces.finish());
        assert_eq!(whole, in_text);
        assert_eq!(whole, pieces);
        let mut short = WordHash::default();
        short.push_ascii_alnum(b"The end", 0, 3);
        let mut short_alone = WordHash::default();
        short_alone.push_ascii_alnum(b"the", 0, 3);
        assert_eq!(short.finish(), short_alone.finish());
    }
}
