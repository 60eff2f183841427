//! The characters behind the escapes of public files: character
//! references, JSON escapes, percent escapes and UTF-8, decoded as deep as
//! they are nested.

/// A character as the normaliser reads it: what it is, how many escapes
/// deep it was written (0 for a byte of markup read as it is), and where
/// the next one starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ch {
    pub(super) c: char,
    pub(super) depth: u8,
    pub(super) next: usize,
}

/// Characters that sit inside words without being letters (soft hyphen,
/// zero-width joiners and spaces, direction marks, the byte-order mark):
/// skipped, so that a template that hyphenates cannot hide a word.
pub(super) fn ignorable(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// Named character references, sorted by name: the XML five, spaces and
/// typographic punctuation, and the Latin letters and signs of HTML 4.
/// Punctuation only separates words, so a reference missing here costs at
/// most a stray word; letters are what must decode.
pub(super) static ENTITIES: &[(&str, char)] = &[
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
pub(super) fn char_at(b: &[u8], pos: usize, base: u8) -> Option<Ch> {
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
