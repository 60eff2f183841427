//! What a run of words becomes: each word's hash, the rolling key of the
//! run's last eight (a shingle), the words' text when it is wanted, and the
//! sinks that receive the shingles of a scan.

use super::SHINGLE_WORDS;
use super::bytes::{LOWER, alnum_end, load8, non_alnum};

pub(super) const K0: u64 = 0x9E37_79B9_7F4A_7C15;
pub(super) const K1: u64 = 0xBF58_476D_1CE4_E5B9;
/// Base of the rolling sum over a run's last eight word hashes.
const BASE: u64 = 0x94D0_49BB_1331_11EB;
const BASE_POW_WORDS: u64 = BASE.wrapping_pow(SHINGLE_WORDS as u32);

/// The hash of one word's lowercased UTF-8 bytes, fed in any pieces: the
/// result depends only on the bytes (eight at a time, then the rest with
/// the length), so a word split by an inline tag or a character reference
/// hashes as the same word written plainly. One multiplication per eight
/// bytes: the rolling sum and the final mixing of a shingle's key spread
/// the bits.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WordHash {
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
    pub(super) fn push(&mut self, byte: u8) {
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
    pub(super) fn push_ascii_alnum(&mut self, b: &[u8], start: usize, end: usize) {
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
    pub(super) fn finish(&mut self) -> u64 {
        let last = self.pending | (u64::from(self.len) << 56);
        self.fold(last);
        let h = self.state;
        *self = WordHash::default();
        h
    }
}

/// Which run of words a shingle was found in: prose (text between tags,
/// which tags do not interrupt) or an attribute value (each its own run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Stream {
    Prose,
    Attr,
}

/// Receives the shingles of a scan.
pub(super) trait Sink {
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
pub(super) struct Words {
    ring: [String; SHINGLE_WORDS],
    at: usize,
}

impl Words {
    /// The eight words, oldest first, separated by spaces.
    pub(super) fn joined(&self) -> String {
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
pub(super) struct Run {
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
    pub(super) fn read_alnum(&mut self, b: &[u8], start: usize, limit: usize, text: bool) -> usize {
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
    pub(super) fn push_char(&mut self, c: char, text: bool) {
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
    pub(super) fn end_word<S: Sink>(&mut self, stream: Stream, sink: &mut S) {
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
    pub(super) fn restart<S: Sink>(&mut self, stream: Stream, sink: &mut S) {
        self.end_word(stream, sink);
        self.ring = [0; SHINGLE_WORDS];
        self.at = 0;
        self.filled = 0;
        self.roll = 0;
    }
}
