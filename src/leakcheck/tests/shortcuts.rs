//! The fast paths and lookup tables agree with the plain rules they stand
//! for: sorted tables, the eight-byte class test, the short-value test and
//! a word's hash however it is fed.

use crate::leakcheck::bytes::non_alnum;
use crate::leakcheck::decode::ENTITIES;
use crate::leakcheck::shingle::WordHash;
use crate::leakcheck::tags::{ELEMENTS, too_short_for_a_shingle};

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
