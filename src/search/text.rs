//! The words of lede's own rendered HTML, for the search index: tags
//! dropped, entities decoded, blocks kept apart. The HTML is what lede's
//! renderer wrote (balanced, quoted), so a tag is skipped without a parser.

/// Elements whose content is not prose a reader would search for.
const SKIPPED: &[&str] = &["script", "style", "template", "noscript"];

/// Elements inside a word's run: no space is put where they open or close
/// (`un<em>usual</em>ly` stays one word).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
    "sup", "time", "u", "var",
];

/// Appends the text of `html` to `out`, words separated by single spaces.
pub fn push_text(html: &str, out: &mut String) {
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut run_start = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) {
        push_run(&html[run_start..lt], out);
        let Some(gt) = tag_end(bytes, lt) else {
            run_start = bytes.len();
            break;
        };
        let name = tag_name(&html[lt + 1..gt]);
        let closing = html[lt + 1..].starts_with('/');
        let mut next = gt + 1;
        if !closing && let Some(skip) = SKIPPED.iter().find(|s| name.eq_ignore_ascii_case(s)) {
            // Everything up to the matching end tag.
            let end = format!("</{skip}");
            next = find_ascii_ci(html, next, &end).and_then(|e| tag_end(bytes, e)).map_or(bytes.len(), |g| g + 1);
        }
        if !INLINE.iter().any(|s| name.eq_ignore_ascii_case(s)) {
            space(out);
        }
        i = next;
        run_start = next;
    }
    push_run(&html[run_start.min(html.len())..], out);
}

/// The `>` closing the tag opened at `lt`, past any quoted attribute value.
fn tag_end(bytes: &[u8], lt: usize) -> Option<usize> {
    let mut quote = None;
    for (offset, &b) in bytes[lt..].iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(lt + offset),
            _ => {}
        }
    }
    None
}

/// The element name of a tag's inside (`p class="x"` → `p`, `/p` → `p`, `!--` → `!--`).
fn tag_name(inside: &str) -> &str {
    let inside = inside.strip_prefix('/').unwrap_or(inside);
    let end = inside.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(inside.len());
    &inside[..end]
}

/// Where `needle` (ASCII) next occurs in `hay` from `from`, ignoring case.
fn find_ascii_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes().get(from..)?.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n)).map(|p| p + from)
}

/// A run of text between tags, entities decoded and whitespace folded.
fn push_run(run: &str, out: &mut String) {
    if run.is_empty() {
        return;
    }
    let decoded = html_escape::decode_html_entities(run);
    for (i, word) in decoded.split(|c: char| c.is_whitespace()).enumerate() {
        if i > 0 {
            space(out);
        }
        out.push_str(word);
    }
}

/// One space, never two, never first.
fn space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::push_text;

    fn text(html: &str) -> String {
        let mut out = String::new();
        push_text(html, &mut out);
        out.trim_end().to_string()
    }

    #[test]
    fn blocks_are_kept_apart_and_inline_runs_together() {
        assert_eq!(text("<p>One</p><p>two <em>thr</em>ee</p>\n<ul><li>four</li></ul>"), "One two three four");
    }

    #[test]
    fn entities_are_decoded_and_attributes_dropped() {
        assert_eq!(text(r#"<a href="/x?a=1&amp;b=>2" title='>'>Fish &amp; chips&nbsp;&#8212; cheap</a>"#), "Fish & chips — cheap");
    }

    #[test]
    fn scripts_and_styles_are_not_text() {
        assert_eq!(text("<p>a</p><script>let paid = 1;</script><STYLE>.x{}</STYLE><p>b</p>"), "a b");
    }

    #[test]
    fn a_broken_tag_ends_the_text() {
        assert_eq!(text("<p>a</p><p class=\"x"), "a");
    }
}
