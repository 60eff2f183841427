//! Where an article's free part ends: the front matter's number, a
//! `<!-- paywall -->` marker in the body, or the site default, and every
//! reason to refuse instead of guessing. Also what counts as the marker and
//! what only looks like an attempt at it. The rule throughout: when lede
//! cannot be sure where the author meant to cut, it refuses; it never falls
//! back to publishing an article free.

/// The cutoff the front matter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaywallSetting {
    /// No `paywall` key: a marker in the body, or the site default.
    Unset,
    /// `paywall = false`: the whole article is free.
    Free,
    /// `paywall = N`: the first N top-level blocks are free (0: members only).
    Blocks(usize),
}

/// The decision for one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Everything is public.
    Free,
    /// The first N top-level blocks are public, the rest is for subscribers
    /// (N may be 0: a members-only article, whose public page shows the teaser).
    After(usize),
}

/// A `<!-- paywall -->` line found at the top level of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    /// How many content blocks precede it.
    pub blocks_before: usize,
    /// Byte offset in the body.
    pub offset: usize,
}

/// What a refusal points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A marker, at this byte offset of the body.
    Marker(usize),
    /// The front matter's `paywall` value.
    FrontMatter,
    /// The site default, `[paywall] free_blocks` in config.toml.
    SiteDefault,
}

/// A reason not to cut, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutError {
    /// Where the problem is.
    pub fault: Fault,
    /// What is wrong.
    pub message: String,
}

/// Decides the cut. `blocks` is the number of top-level content blocks.
pub fn decide(setting: PaywallSetting, markers: &[Marker], default: Option<usize>, blocks: usize) -> Result<Cut, CutError> {
    let refuse = |fault, message: String| Err(CutError { fault, message });
    if let Some(second) = markers.get(1) {
        return refuse(Fault::Marker(second.offset), "a second <!-- paywall --> marker: an article has one cutoff, remove one of them".into());
    }
    let (free, fault) = match (setting, markers.first()) {
        (PaywallSetting::Blocks(_), Some(m)) => {
            return refuse(Fault::Marker(m.offset), "the front matter sets `paywall = N` and the body has a <!-- paywall --> marker: keep one of them".into());
        }
        (PaywallSetting::Free, Some(m)) => {
            return refuse(
                Fault::Marker(m.offset),
                "the front matter says `paywall = false` but the body has a <!-- paywall --> marker: remove one of them".into(),
            );
        }
        (PaywallSetting::Unset, Some(m)) if m.blocks_before == 0 => {
            return refuse(
                Fault::Marker(m.offset),
                "the <!-- paywall --> marker comes before any content: move it below the free paragraphs, or write `paywall = 0` in the front matter for an article with nothing free".into(),
            );
        }
        (PaywallSetting::Free, None) => return Ok(Cut::Free),
        (PaywallSetting::Unset, None) => match default {
            None => return Ok(Cut::Free),
            Some(n) => (n, Fault::SiteDefault),
        },
        (PaywallSetting::Unset, Some(m)) => (m.blocks_before, Fault::Marker(m.offset)),
        (PaywallSetting::Blocks(n), None) => (n, Fault::FrontMatter),
    };
    if free < blocks {
        return Ok(Cut::After(free));
    }
    // A cutoff at or past the last block leaves nothing to sell: the author
    // meant to cut, so publishing the article whole would be a guess.
    let has = match blocks {
        0 => "the body is empty".to_string(),
        1 => "the article has only 1 block".to_string(),
        n => format!("the article has only {n} blocks"),
    };
    let message = match fault {
        Fault::Marker(_) => format!(
            "the <!-- paywall --> marker comes after the last block ({has}), so it leaves nothing for subscribers: move it up, or write `paywall = false` to publish the article free"
        ),
        Fault::FrontMatter => format!(
            "`paywall = {free}` leaves nothing for subscribers: {has} (a paragraph, heading, list, quote, table, code or HTML block each count one); write a smaller number, or `paywall = false` to publish the article free"
        ),
        Fault::SiteDefault => format!(
            "the site's default cutoff (`[paywall] free_blocks = {free}` in config.toml) leaves nothing for subscribers: {has}; write `paywall = N` with a smaller N, or `paywall = false` to publish the article free"
        ),
    };
    refuse(fault, message)
}

/// Whether an HTML comment is the marker: `<!-- paywall -->`, in any ASCII
/// case, with any spaces or tabs inside the comment's delimiters.
pub fn is_marker(html: &str) -> bool {
    let t = html.trim_matches([' ', '\t', '\n', '\r']);
    let Some(inner) = t.strip_prefix("<!--").and_then(|r| r.strip_suffix("-->")) else {
        return false;
    };
    inner.trim_matches([' ', '\t']).eq_ignore_ascii_case("paywall")
}

/// Characters that do not show but change the text: a marker with one inside
/// is not the marker, and nobody can see why.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FE00}'..='\u{FE0F}')
}

/// The cutoff markers of other tools (WordPress's and Hugo's `<!--more-->`,
/// Ghost's members-only card) that an imported or pasted article may carry.
const OTHER_TOOLS: &[&str] = &["more", "readmore", "members-only", "membersonly", "paid", "premium", "subscribers", "subscribers-only", "teaser", "cut"];

/// Whether a word is close enough to "paywall" to be a typo of it.
fn near_paywall(word: &str) -> bool {
    if word.starts_with("paywal") || word.starts_with("paywll") {
        return true;
    }
    word.len() >= 5 && word.len() <= 9 && osa_distance(word, "paywall") <= 1
}

/// Whether one of `words`, or two of them run together ("pay wall",
/// "pay-wall" and "pay_wall" are one word split), is near "paywall".
fn mentions_paywall(words: &[&str]) -> bool {
    words.iter().any(|w| near_paywall(w)) || words.windows(2).any(|w| w[0].len() + w[1].len() <= 9 && near_paywall(&format!("{}{}", w[0], w[1])))
}

/// Optimal string alignment distance (Levenshtein with adjacent swaps)
/// between two words of at most nine bytes (longer ones are never near).
fn osa_distance(a: &str, b: &str) -> usize {
    const MAX: usize = 9;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > MAX || b.len() > MAX {
        return a.len().abs_diff(b.len()).max(2);
    }
    let mut rows = [[0usize; MAX + 1]; MAX + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// Letters of a word outside those of "paywall": with two of them, a word
/// is at least two edits away.
fn letters_outside(word: &[u8]) -> usize {
    word.iter().filter(|b| !b"paywl".contains(&b.to_ascii_lowercase())).count()
}

/// Whether `text` may hold a word, or two words run together, near
/// "paywall": a test without a copy that lets nearly all prose through
/// (text that is not ASCII always may, and is read in full).
pub fn may_mention_paywall(text: &str) -> bool {
    if !text.is_ascii() {
        return true;
    }
    let near = |w: &[u8]| {
        let starts = w.len() >= 6 && (w[..6].eq_ignore_ascii_case(b"paywal") || w[..6].eq_ignore_ascii_case(b"paywll"));
        starts || ((5..=9).contains(&w.len()) && letters_outside(w) <= 1)
    };
    let mut previous: Option<(usize, usize)> = None;
    for word in text.as_bytes().split(|b| !b.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if near(word) {
            return true;
        }
        let outside = letters_outside(word);
        if let Some((len, out)) = previous
            && (5..=9).contains(&(len + word.len()))
            && out + outside <= 1
        {
            return true;
        }
        previous = Some((word.len(), outside));
    }
    false
}

/// Why a piece of text looks like an attempt at the marker, if it does.
/// `text` is the inside of a comment or of another `<!…>`/`<?…>`
/// construct, or a line of text around `<!--`-like punctuation.
pub fn lookalike(text: &str) -> Option<&'static str> {
    // Other tools' markers are a word or two; longer prose needs a word near "paywall".
    if text.len() > 40 && !may_mention_paywall(text) {
        return None;
    }
    let invisible = text.chars().any(is_invisible);
    let words = words_of(text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if mentions_paywall(&words) {
        return Some(if invisible { "it has an invisible character in it" } else { "it is not exactly the marker" });
    }
    let squashed: String = words.concat();
    // Non-ASCII text was read through the skeleton, which spells `m` as `rn`.
    let other = |w: &str| OTHER_TOOLS.iter().any(|t| *t == w || unicode_security::skeleton(t).collect::<String>() == w);
    if words.len() <= 2 && other(&squashed) || other(&words.join("-")) {
        return Some("it is another tool's cutoff marker; lede's is <!-- paywall -->");
    }
    None
}

/// `text` as it reads: invisible characters dropped, lower case, and
/// characters that look like others (Cyrillic `р`, full-width `＜`) as
/// the ones they look like (Unicode's confusable skeleton).
pub fn normalized(text: &str) -> String {
    let visible: String = text.chars().filter(|c| !is_invisible(*c)).collect::<String>().to_lowercase();
    if visible.is_ascii() { visible } else { unicode_security::skeleton(&visible).collect::<String>().to_lowercase() }
}

/// The words of `text`, each as it reads ([`normalized`]). Words are told
/// apart before the skeleton is taken, which spells some punctuation (an
/// em dash) as a letter.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && !is_invisible(c)).filter(|w| !w.is_empty()).map(normalized).filter(|w| !w.is_empty()).collect()
}

/// Why a paragraph looks like another tool's way of writing a cutoff
/// (`{{< paywall >}}`, `[paywall]`, or the word alone), if it does.
pub fn bare_attempt(paragraph: &str) -> Option<&'static str> {
    // A cutoff written some other way is short; prose is let through at once.
    if paragraph.len() > 80 || !may_mention_paywall(paragraph) {
        return None;
    }
    let text = normalized(paragraph);
    let words = words_of(paragraph);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if !mentions_paywall(&words) {
        return None;
    }
    let shortcode = ["{{", "{%", "[[", "<<", "[paywall", "--"].iter().any(|p| text.contains(p));
    if shortcode {
        Some("it is written as another tool's shortcode or tag; lede's cutoff is a line <!-- paywall -->")
    } else if words.len() <= 2 {
        Some("a paragraph of the word alone is text, not a cutoff; lede's cutoff is a line <!-- paywall -->")
    } else {
        None
    }
}

/// The text of HTML comments and `<!…>`/`<?…>` constructs in raw HTML
/// (byte offset of each in `html`, and its inside), including one left
/// open at the end, and of tags whose name looks like the marker's word.
pub fn constructs(html: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        let rest = &html[lt + 1..];
        let (inner, end) = if let Some(comment) = rest.strip_prefix("!--") {
            // `--!>` ends a comment in a browser too; a comment with no end runs to the end of the text.
            let stop = comment.find("-->").or_else(|| comment.find("--!>")).unwrap_or(comment.len());
            (&comment[..stop], lt + 4 + stop)
        } else if rest.starts_with('!') || rest.starts_with('?') {
            let stop = rest.find('>').unwrap_or(rest.len());
            (&rest[1..stop], lt + 1 + stop)
        } else if rest.starts_with('/') || rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            let name_start = usize::from(rest.starts_with('/'));
            let name_len = rest[name_start..].find(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_').unwrap_or(rest.len() - name_start);
            (&rest[name_start..name_start + name_len], lt + 1 + name_start + name_len)
        } else {
            (&rest[..0], lt + 1)
        };
        if !inner.is_empty() {
            out.push((lt, inner));
        }
        i = end.max(lt + 1).min(bytes.len());
        while !html.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaywallSetting::*;

    fn m(blocks_before: usize) -> Marker {
        Marker { blocks_before, offset: 10 * blocks_before }
    }

    #[test]
    fn number_wins_over_default() {
        assert_eq!(decide(Blocks(2), &[], Some(4), 10), Ok(Cut::After(2)));
    }

    #[test]
    fn marker_cuts_where_it_stands() {
        assert_eq!(decide(Unset, &[m(3)], Some(4), 10), Ok(Cut::After(3)));
    }

    #[test]
    fn default_applies_only_when_nothing_is_said() {
        assert_eq!(decide(Unset, &[], Some(4), 10), Ok(Cut::After(4)));
        assert_eq!(decide(Unset, &[], None, 10), Ok(Cut::Free));
        assert_eq!(decide(Free, &[], Some(4), 10), Ok(Cut::Free));
    }

    #[test]
    fn a_cutoff_that_leaves_nothing_paid_is_refused_not_published_free() {
        let e = decide(Blocks(5), &[], None, 5).unwrap_err();
        assert_eq!(e.fault, Fault::FrontMatter);
        assert!(
            e.message.contains("leaves nothing for subscribers") && e.message.contains("only 5 blocks") && e.message.contains("paywall = false"),
            "{}",
            e.message
        );
        assert_eq!(decide(Blocks(4), &[], None, 5), Ok(Cut::After(4)));
        let e = decide(Unset, &[], Some(3), 2).unwrap_err();
        assert_eq!(e.fault, Fault::SiteDefault);
        assert!(e.message.contains("free_blocks = 3"), "{}", e.message);
        let e = decide(Unset, &[m(4)], None, 4).unwrap_err();
        assert_eq!(e.fault, Fault::Marker(40));
        assert!(decide(Blocks(0), &[], None, 0).unwrap_err().message.contains("body is empty"));
    }

    #[test]
    fn paywall_zero_keeps_every_block_for_subscribers() {
        assert_eq!(decide(Blocks(0), &[], Some(3), 1), Ok(Cut::After(0)));
    }

    #[test]
    fn contradictions_are_errors() {
        assert!(decide(Blocks(2), &[m(3)], None, 10).unwrap_err().message.contains("keep one"));
        assert!(decide(Free, &[m(3)], None, 10).is_err());
        assert_eq!(decide(Unset, &[m(2), m(5)], None, 10).unwrap_err().fault, Fault::Marker(50));
        assert!(decide(Unset, &[m(0)], None, 10).unwrap_err().message.contains("before any content"));
    }

    #[test]
    fn the_marker_allows_case_and_spacing_only() {
        for ok in ["<!-- paywall -->", "<!--paywall-->", "<!--\tPAYWALL  -->", "  <!-- Paywall -->\n"] {
            assert!(is_marker(ok), "{ok}");
        }
        for not in [
            "<!-- paywal -->",
            "<!--- paywall --->",
            "<!-- pay wall -->",
            "<!-- paywall: subscribers -->",
            "<!-- pay\u{200b}wall -->",
            "<!-- paywall --!>",
            "<!-- paywall",
        ] {
            assert!(!is_marker(not), "{not}");
        }
    }

    #[test]
    fn attempts_at_the_marker_are_recognised() {
        for attempt in [
            " paywal ",
            "- paywall -",
            " pay wall ",
            " paywall: subscribers ",
            " pay\u{200b}wall ",
            " PayWall ",
            "paywalll",
            " pay-wall ",
            " payawll ",
            "more",
            " members-only ",
            " read more ",
        ] {
            assert!(lookalike(attempt).is_some(), "{attempt:?}");
        }
        assert!(lookalike(" pay\u{200b}wall ").is_some_and(|w| w.contains("invisible")));
        for harmless in [" a note for editors ", " payroll ", " TODO: check the figures ", "", " wall ", " display all ", " more figures below "] {
            assert_eq!(lookalike(harmless), None, "{harmless:?}");
        }
        // Letters from other scripts and full-width forms read as the ones they look like.
        assert!(lookalike(" раywall ").is_some());
        assert!(lookalike(" ＭＯＲＥ ").is_some());
        assert!(lookalike("<!—paywall—>").is_some());
    }

    #[test]
    fn the_quick_test_lets_prose_through_and_every_near_word_in() {
        for near in ["paywall", "paywal", "PayWall", "paywalled", "payawll", "pay wall", "pay-wall", "pqywall", "x paywalls y", "pa ywall"] {
            assert!(may_mention_paywall(near), "{near}");
        }
        for prose in ["The debate over access to research goes on.", "payroll", "display all", "the wall"] {
            assert!(!may_mention_paywall(prose), "{prose}");
        }
        assert!(may_mention_paywall("pay\u{200b}wall"));
    }

    #[test]
    fn other_tools_cutoffs_written_as_paragraphs_are_recognised() {
        for attempt in
            ["{{< paywall >}}", "{{% paywall %}}", "{% paywall %}", "[paywall]", "!-- paywall --", "-- paywall --", "paywall", "Paywall.", "pay wall"]
        {
            assert!(bare_attempt(attempt).is_some(), "{attempt:?}");
        }
        for prose in ["The paywall debate goes on for years.", "Our readers", "{{< figure src=x >}}"] {
            assert_eq!(bare_attempt(prose), None, "{prose:?}");
        }
    }

    #[test]
    fn constructs_finds_comments_declarations_and_tag_names() {
        let html = "<div class=\"paywall\"><!-- paywal --></div><?paywall ?><!paywall><paywall>x<!-- open\nnext";
        let found: Vec<&str> = constructs(html).into_iter().map(|(_, s)| s).collect();
        assert_eq!(found, ["div", " paywal ", "div", "paywall ?", "paywall", "paywall", " open\nnext"]);
        assert_eq!(constructs("<!-- paywall --!> tail").first().map(|c| c.1), Some(" paywall "));
        assert!(constructs("a < b <").is_empty());
    }
}
