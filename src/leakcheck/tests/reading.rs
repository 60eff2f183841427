//! How public files and plain text read as words: paid text is found in
//! pages, attributes, feeds, JSON-LD and links however it is escaped, and
//! markup itself never reads as words.

use std::collections::HashSet;

use super::*;
use crate::leakcheck::gather::Keys;
use crate::leakcheck::scan::Collect;

#[test]
fn paid_words_are_found_in_a_plain_html_page() {
    let page =
        format!("<!DOCTYPE html>\n<html><body><article>\n<p>{}</p>\n</article></body></html>", "The minister said the budget would not survive the winter.");
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
fn a_less_than_sign_in_prose_is_not_a_tag() {
    let paid = "Prices held where x<b and the ministry kept quiet about it, to everyone’s surprise.";
    let page = "<p>Prices held where x&lt;b and the ministry kept quiet about it, to everyone’s surprise.</p>";
    assert_eq!(scan_file(&index_of(paid, &[]), paid, "index.html", page.as_bytes()).len(), 1);
    assert_eq!(prose_words(page.as_bytes(), Input::Markup), prose_words(paid.as_bytes(), Input::Plain));
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
