//! Word counts and plain text.

use pulldown_cmark::Parser;

use crate::markdown::Document;
use crate::markdown::words::{count_words, plain_text};

#[test]
fn words_are_counted_in_any_script() {
    assert_eq!(count_words("  two words "), 2);
    assert_eq!(count_words("une\u{a0}économie, déjà"), 3);
    assert_eq!(count_words(""), 0);
    // Across the vectorized blocks and their remainder.
    let long = "word ".repeat(100) + "end";
    assert_eq!(count_words(&long), 101);
    assert_eq!(count_words(&format!("{}x", "a".repeat(63))), 1);
    assert_eq!(count_words(&format!("{} x", "a".repeat(63))), 2);
    assert_eq!(Document::parse("One *two* three.\n\n- four\n").words, 4);
}

#[test]
fn words_split_by_markup_or_smart_quotes_count_once() {
    assert_eq!(Document::parse("Don't *over*state it.\n").words, 3);
    assert_eq!(Document::parse("\"Quoted\" words, wo**rd**.\n").words, 3);
    assert_eq!(Document::parse("line one\nline two\n\n# Head\n\nend\n").words, 6);
    assert_eq!(Document::parse("Call `run()` now.\n").words, 3);
}

#[test]
fn eight_bytes_at_a_time_agrees_with_one_at_a_time() {
    fn naive(text: &str) -> usize {
        text.split(|c: char| c <= ' ').filter(|w| !w.is_empty()).count()
    }
    // Deterministic strings of letters, spaces, tabs and newlines, of every length around the lanes.
    let mut seed = 0x2545_f491_u32;
    for len in 0..200 {
        let text: String = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                [b'a', b'b', b' ', b'\t', b'\n', b'z', b'.', b' '][(seed % 8) as usize] as char
            })
            .collect();
        assert_eq!(count_words(&text), naive(&text), "{text:?}");
    }
}

#[test]
fn plain_text_joins_the_words() {
    assert_eq!(plain_text(&Parser::new("  A *b*\nc  `d`  ").collect::<Vec<_>>(), |_| false), "A b c d");
}
