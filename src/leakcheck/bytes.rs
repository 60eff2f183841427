//! What a byte is to the normaliser's fast paths: its class (part of a
//! word, space, punctuation, or one that needs a closer look), singly and
//! eight bytes at a time.

/// Setting bit 5 of an ASCII letter lowercases it; digits already have it.
pub(super) const LOWER: u64 = 0x2020_2020_2020_2020;

/// Eight bytes from `at`, little-endian (the caller checked the length).
#[inline]
pub(super) fn load8(b: &[u8], at: usize) -> u64 {
    let mut lane = [0u8; 8];
    lane.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(lane)
}

/// Byte classes of the scanner's fast path.
pub(super) const WORD: u8 = 0;
pub(super) const SPACE: u8 = 1;
pub(super) const PUNCT: u8 = 2;
/// `<`, `&`, `\`, `%` and every byte of a multi-byte character: bytes that
/// need a closer look.
const SPECIAL: u8 = 3;

pub(super) static CLASS: [u8; 256] = {
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
pub(super) fn alnum_end(b: &[u8], mut at: usize) -> usize {
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
pub(super) fn non_alnum(lane: u64) -> u64 {
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
