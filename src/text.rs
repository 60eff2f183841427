//! Text utilities every part of the build shares: XML escaping, slugs,
//! summaries and numbers written into strings by hand. It depends on
//! nothing else in the crate, so any module may use it without tying
//! others into a circle.

use std::borrow::Cow;

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> Cow<'_, str> {
    // Most text (every URL, most titles) needs no escaping: no copy then.
    let bytes = text.as_bytes();
    let Some(first) = bytes.iter().position(|&b| escape_of(b).is_some() || b == NONCHARACTER_LEAD) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    let mut i = first;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(replacement) = escape_of(b) {
            // Every byte escaped is ASCII, so `i` is a character boundary.
            out.push_str(&text[copied..i]);
            out.push_str(replacement);
            copied = i + 1;
        } else if b == NONCHARACTER_LEAD && matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) {
            // U+FFFE and U+FFFF are not XML characters: a parser refuses the whole feed.
            out.push_str(&text[copied..i]);
            copied = i + 3;
            i += 2;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// The first byte of U+FFFE and U+FFFF in UTF-8 (`EF BF BE`, `EF BF BF`).
const NONCHARACTER_LEAD: u8 = 0xEF;

/// What an XML text byte becomes, if not itself.
fn escape_of(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&apos;"),
        b'\t' | b'\n' | b'\r' => None,
        // Control characters are not allowed in XML 1.0 at all.
        b if b < 0x20 => Some(""),
        _ => None,
    }
}

/// A URL- and id-safe form of a text: lowercase words joined by hyphens.
pub fn slugify(text: &str) -> String {
    // ASCII slugs survive every server, shell and mail client unescaped.
    let text = deunicode::deunicode(text);
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' || c == '.' {
            pending_dash = true;
        }
    }
    if out.is_empty() { "section".into() } else { out }
}

/// A summary from a paragraph: whole words, about `max` characters, an ellipsis when cut.
pub fn summarize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if chars + len + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += len;
    }
    let trimmed = out.trim_end_matches([',', ';', ':', '.', '—', '-']).len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// Levenshtein distance between two names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
///
/// Dates, footnote anchors and the like are written tens of thousands of
/// times a build, where `format!` costs more than everything around it.
pub fn push_decimal(out: &mut String, n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = i.min(digits.len().saturating_sub(width));
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_controls() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml_escape("line\nnext\tété"), "line\nnext\tété");
        assert!(matches!(xml_escape("line\nnext"), Cow::Borrowed(_)));
        assert_eq!(xml_escape("é<\u{1f}ü"), "é&lt;ü");
    }

    #[test]
    fn characters_xml_forbids_are_dropped_and_the_rest_kept() {
        assert_eq!(xml_escape("a\u{fffe}b\u{ffff}c\u{fffd}\u{fdd0}\u{effe}"), "abc\u{fffd}\u{fdd0}\u{effe}");
        assert_eq!(xml_escape("\u{ffff}"), "");
        assert_eq!(xml_escape("ends \u{ef}\u{fffe}"), "ends \u{ef}");
        assert!(matches!(xml_escape("\u{effe} keeps its bytes"), Cow::Owned(_) | Cow::Borrowed(_)));
    }

    #[test]
    fn slugs_and_summaries() {
        assert_eq!(slugify("NATO & Russia: 2020"), "nato-russia-2020");
        assert_eq!(slugify("Économie d'été"), "economie-dete");
        assert_eq!(slugify("!!!"), "section");
        assert_eq!(summarize("short", 10), "short");
        assert_eq!(summarize("one two three four", 10), "one two…");
        assert_eq!(summarize("été, déjà vu, encore", 12), "été, déjà…");
    }

    #[test]
    fn pads_to_the_width_and_never_cuts() {
        let mut out = String::new();
        for (n, width) in [(0, 1), (7, 2), (42, 1), (2026, 4), (987, 4), (12345, 2), (u64::MAX, 1)] {
            out.clear();
            push_decimal(&mut out, n, width);
            assert_eq!(out, format!("{n:0width$}"));
        }
    }
}
