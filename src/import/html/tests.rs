use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::markdown::{Document, RenderContext};
use crate::paywall::Cut;

fn convert_as(dialect: Dialect, cut: bool, html: &str) -> Converted {
    to_markdown(html, &Convert { dialect, site_url: Some(SITE), cut })
}

fn md(html: &str) -> String {
    convert_as(Dialect::Generic, false, html).markdown
}

fn paywall_notes(c: &Converted) -> Vec<&str> {
    c.notes.iter().filter(|(t, _)| *t == Topic::Paywall).map(|(_, n)| n.as_str()).collect()
}

/// What lede's own pipeline makes of converted Markdown: it must load as
/// an article body without a complaint, and a cut body must cut at its
/// marker. Returns the public and the members HTML.
fn through_lede(name: &str, markdown: &str) -> (String, Option<String>) {
    let doc = Document::parse(markdown);
    assert!(doc.lookalikes.is_empty(), "{name}: looks like a marker: {:?}", doc.lookalikes);
    assert!(doc.misplaced_markers.is_empty() && doc.markers_in_code.is_empty(), "{name}: marker out of place");
    assert!(doc.unclosed.is_none() && doc.run_on.is_empty(), "{name}: unclosed block {:?} {:?}", doc.unclosed, doc.run_on);
    assert!(doc.duplicate_notes.is_empty(), "{name}: footnote defined twice");
    let cut = match doc.markers.first() {
        Some(m) => crate::paywall::decide(crate::paywall::PaywallSetting::Unset, &doc.markers, None, doc.block_count())
            .unwrap_or_else(|e| panic!("{name}: {} (marker after {} blocks)", e.message, m.blocks_before)),
        None => Cut::Free,
    };
    let rendered = doc.render(cut, &mut RenderContext::new(Path::new("content/articles/x.md"), "https://example.com/articles/x/"));
    assert!(rendered.unclosable.is_none(), "{name}: {:?}", rendered.unclosable);
    let public = format!("{}{}", rendered.public.html, rendered.public.footnotes_html);
    let members = rendered.members.map(|m| format!("{}{}", m.html, m.footnotes_html));
    (public, members)
}

/// A golden case: the HTML file, the Markdown file, and how it is converted.
struct Golden {
    html: &'static str,
    md: &'static str,
    dialect: Dialect,
    cut: bool,
    /// Words that stand only in the paid part of the source.
    paid_words: &'static [&'static str],
}

const SITE: &str = "https://www.example.com";

const GOLDEN: &[Golden] = &[
    Golden { html: "mixed", md: "mixed", dialect: Dialect::Generic, cut: false, paid_words: &[] },
    Golden { html: "wordpress-gutenberg", md: "wordpress-gutenberg", dialect: Dialect::WordPress, cut: true, paid_words: &["Members read on"] },
    Golden { html: "wordpress-classic", md: "wordpress-classic.cut", dialect: Dialect::WordPress, cut: true, paid_words: &["After the fold"] },
    Golden { html: "wordpress-classic", md: "wordpress-classic", dialect: Dialect::WordPress, cut: false, paid_words: &[] },
    Golden { html: "ghost", md: "ghost", dialect: Dialect::Ghost, cut: true, paid_words: &["Only for members", "secret handshake"] },
    Golden { html: "substack", md: "substack", dialect: Dialect::Substack, cut: true, paid_words: &["The paid half", "Paid footnote text"] },
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/html")
}

/// The notes as the golden `.notes` file lists them.
fn notes_text(notes: &[(Topic, String)]) -> String {
    notes.iter().map(|(t, n)| format!("{t:?}: {n}\n")).collect()
}

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for g in GOLDEN {
        let dir = fixtures();
        let html = std::fs::read_to_string(dir.join(format!("{}.html", g.html))).unwrap();
        let out = to_markdown(&html, &Convert { dialect: g.dialect, site_url: Some(SITE), cut: g.cut });
        let md_path = dir.join(format!("{}.md", g.md));
        let notes_path = dir.join(format!("{}.notes", g.md));
        if update {
            std::fs::write(&md_path, &out.markdown).unwrap();
            std::fs::write(&notes_path, notes_text(&out.notes)).unwrap();
            continue;
        }
        let want_md = std::fs::read_to_string(&md_path).unwrap_or_default();
        let want_notes = std::fs::read_to_string(&notes_path).unwrap_or_default();
        if out.markdown != want_md {
            failures.push(format!("{}: Markdown differs (UPDATE_GOLDEN=1 rewrites it)\n--- got\n{}", g.md, out.markdown));
        }
        if notes_text(&out.notes) != want_notes {
            failures.push(format!("{}: notes differ\n--- got\n{}", g.md, notes_text(&out.notes)));
        }
        assert_eq!(out.cut, g.cut, "{}: cut", g.md);
        assert!(!out.markdown.contains("wp:") && !out.markdown.contains("LedeCutHere"), "{}: a trace of the source's markup", g.md);
        let (public, members) = through_lede(g.md, &out.markdown);
        if g.cut {
            let members = members.unwrap_or_else(|| panic!("{}: not cut", g.md));
            for word in g.paid_words {
                assert!(!public.contains(word), "{}: paid words in the free part: {word}", g.md);
                assert!(members.contains(word), "{}: paid words missing for members: {word}", g.md);
            }
            assert!(!public.is_empty(), "{}: nothing free", g.md);
        } else {
            assert!(members.is_none(), "{}: cut without a marker", g.md);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn empty_and_blank_bodies_give_nothing() {
    assert_eq!(md(""), "");
    assert_eq!(md("   \n\n"), "");
    assert_eq!(md("<p>&nbsp;</p><div> </div><!-- note -->"), "");
    let c = convert_as(Dialect::WordPress, true, "");
    assert!(!c.cut && c.markdown.is_empty());
    assert_eq!(paywall_notes(&c).len(), 1, "asked to cut, found nothing: {:?}", c.notes);
}

#[test]
fn text_is_decoded_and_escaped_only_where_markdown_would_misread_it() {
    assert_eq!(md("<p>caf&eacute; &amp; cr&egrave;me &#8217;&#x2014; 10&nbsp;km</p>"), "café & crème ’— 10\u{a0}km\n");
    assert_eq!(md("<p>snake_case and file_name_here and _emphasis_</p>"), "snake_case and file_name_here and \\_emphasis\\_\n");
    assert_eq!(md("<p>1. not a list</p><p># not a heading</p><p>*not em*</p>"), "1\\. not a list\n\n\\# not a heading\n\n\\*not em\\*\n");
    assert_eq!(md("<p>use <code>a_b</code> and <code>x\\_y</code></p>"), "use `a_b` and `x\\_y`\n");
    assert_eq!(md("<p>1) not a list</p><p>&amp;copy; is text, &amp; alone too</p>"), "1\\) not a list\n\n\\&copy; is text, & alone too\n");
    assert_eq!(
        md("<p><code>&amp;copy;</code></p><figure><p>&amp;copy;</p><figcaption>x</figcaption></figure>"),
        "`&copy;`\n\n<figure>\n<p>&amp;copy;</p>\n<figcaption>x</figcaption>\n</figure>\n"
    );
    assert_eq!(md("<p><img src=\"/a b.png\" alt=\"a [b\" title='say \"hi\"'></p>"), "![a \\[b](</a b.png> \"say \\\"hi\\\"\")\n");
}

#[test]
fn empty_headings_items_and_emphasis_leave_nothing() {
    assert_eq!(
        md("<h2></h2><h3>&nbsp;</h3><ul><li></li><li>x</li><li> <br> </li></ul><p><strong> </strong>a</p><blockquote><p> </p></blockquote>"),
        "- x\n\na\n"
    );
    assert_eq!(md("<ul><li><img src=\"/a.png\" alt=\"\"></li></ul>"), "- ![](/a.png)\n");
}

#[test]
fn a_long_post_converts_in_reasonable_time() {
    let one = std::fs::read_to_string(fixtures().join("wordpress-gutenberg.html")).unwrap().replace("<!--more-->", "");
    let html = one.repeat(300);
    let t = std::time::Instant::now();
    let c = convert_as(Dialect::WordPress, false, &html);
    assert_eq!(c.markdown.matches("## What changed").count(), 300);
    // About 0.5 MB: a few hundred milliseconds in a debug build; far more means something went quadratic.
    assert!(t.elapsed() < std::time::Duration::from_secs(20), "{:?}", t.elapsed());
}

#[test]
fn output_is_tidy() {
    let out = md("<h1>T</h1>\n\n\n<p>a  <br>\n  b</p>\n\n\n<ul><li>x</li><li>y</li></ul><p>end  </p>");
    assert_eq!(out, "# T\n\na\\\nb\n\n- x\n- y\n\nend\n");
    assert!(out.lines().all(|l| l == l.trim_end()));
}

#[test]
fn own_links_become_root_relative_whatever_the_scheme_or_www() {
    let html = "<p><a href=\"http://example.com/2019/05/x/\">a</a> <a href=\"https://www.example.com/about/?p=1#top\">b</a> \
                <a href=\"https://example.org/y/\">c</a> <a href=\"//example.com/z/\">d</a></p><img src=\"https://example.com/wp-content/a.png\" alt=\"\">";
    let c = convert_as(Dialect::Generic, false, html);
    assert_eq!(c.markdown, "[a](/2019/05/x/) [b](/about/?p=1#top) [c](https://example.org/y/) [d](/z/)\n\n![](/wp-content/a.png)\n");
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn images_on_other_hosts_and_iframes_are_noted() {
    let c = convert_as(
        Dialect::Generic,
        false,
        "<p><img src=\"https://cdn.example.net/a.png\" alt=\"a\"></p><p><img src=\"https://cdn.example.net/a.png\" alt=\"again\"></p><iframe src=\"https://player.vimeo.com/video/1\"></iframe>",
    );
    assert_eq!(
        c.notes,
        vec![
            (Topic::RemoteImage, "an image stays on cdn.example.net: https://cdn.example.net/a.png".to_string()),
            (Topic::Shortcode, "embed from player.vimeo.com kept as HTML: it loads another host's page".to_string()),
        ]
    );
    assert!(c.markdown.contains("\n\n<iframe src=\"https://player.vimeo.com/video/1\"></iframe>\n"), "{}", c.markdown);
}

#[test]
fn tables_markdown_cannot_say_stay_html() {
    let headerless = md("<table><tr><td>a</td><td>b</td></tr></table>");
    assert!(headerless.starts_with("<table>\n<tbody>\n<tr>\n<td>a</td>"), "{headerless}");
    let with_caption = md("<table><caption>C</caption><tr><th>a</th></tr><tr><td>1</td></tr></table>");
    assert!(with_caption.starts_with("<table>\n<caption>C</caption>"), "{with_caption}");
    let plain = md("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>x|y</td></tr></table>");
    assert_eq!(plain, "| a   | b    |\n| --- | ---- |\n| 1   | x\\|y |\n");
    let blocks = md("<table><tr><th>a</th></tr><tr><td><p>one</p><p>two</p></td></tr></table>");
    assert!(blocks.starts_with("<table>") && blocks.contains("<p>one</p>") && !blocks.contains("\n\n<p>"), "{blocks}");
}

#[test]
fn kept_html_has_no_blank_line_inside() {
    let out = md("<figure><pre>a\n\n\nb</pre><figcaption>Code\n\n\nfigure</figcaption></figure>");
    assert_eq!(out, "<figure>\n<pre>a&#10;&#10;&#10;b</pre>\n<figcaption>Code figure</figcaption>\n</figure>\n");
    let (public, _) = through_lede("figure", &out);
    assert!(public.contains("<pre>a&#10;&#10;&#10;b</pre>"), "{public}");
}

#[test]
fn code_blocks_are_fenced_with_their_language() {
    assert_eq!(md("<pre><code class=\"language-js\">let a = `x`;\n```\n</code></pre>"), "````js\nlet a = `x`;\n```\n````\n");
    assert_eq!(md("<pre class=\"brush: php; gutter: false\">echo 1;</pre>"), "```php\necho 1;\n```\n");
    assert_eq!(md("<pre>a<br>b</pre>"), "```\na\nb\n```\n");
}

#[test]
fn wordpress_more_is_dropped_when_not_the_cut() {
    for html in [
        "<p>a</p><!--more--><p>b</p>",
        "a\n<!--more Read on-->\nb",
        "<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph --><!-- wp:more --><!--more--><!-- /wp:more --><p>b</p>",
    ] {
        let c = convert_as(Dialect::WordPress, false, html);
        assert_eq!(c.markdown, "a\n\nb\n", "{html}");
        assert!(!c.cut && c.notes.is_empty(), "{html}: {:?}", c.notes);
    }
}

#[test]
fn the_marker_mid_paragraph_still_cuts_between_paragraphs() {
    let c = convert_as(Dialect::WordPress, true, "First part. <!--more--> Second part.");
    assert!(c.cut, "{:?}", c.notes);
    assert_eq!(c.markdown, "First part.\n\n<!-- paywall -->\n\nSecond part.\n");
}

#[test]
fn ghost_marker_with_spaces_cuts() {
    let c = convert_as(Dialect::Ghost, true, "<p>free</p><!-- members-only --><p>paid</p>");
    assert!(c.cut);
    assert_eq!(c.markdown, "free\n\n<!-- paywall -->\n\npaid\n");
}

#[test]
fn a_marker_twice_or_nested_or_at_an_edge_places_nothing_and_says_so() {
    let cases = [
        (Dialect::Ghost, "<p>a</p><!--members-only--><p>b</p><!--members-only--><p>c</p>", "2 `<!--members-only-->` markers"),
        (Dialect::Ghost, "<ul><li>a</li><li><!--members-only-->b</li></ul><p>c</p>", "inside a list"),
        (Dialect::Ghost, "<blockquote><p>a</p><!--members-only--><p>b</p></blockquote>", "inside a list, a quote"),
        (Dialect::WordPress, "<table><tr><th>h</th></tr><tr><td>a<!--more-->b</td></tr></table><p>c</p>", "cannot be the cut"),
        (Dialect::Ghost, "<!--members-only--><p>all paid</p>", "before any content"),
        (Dialect::Ghost, "<p>all free</p><!--members-only-->", "nothing for subscribers"),
        (Dialect::Substack, "<p>a</p><div class=\"paywall-jump\"></div><p>b</p><div data-component-name=\"PaywallToDOM\"></div><p>c</p>", "2 Substack"),
        (Dialect::Substack, "<p>no marker at all</p>", "no Substack paywall marker"),
    ];
    for (dialect, html, why) in cases {
        let c = convert_as(dialect, true, html);
        assert!(!c.cut, "{html}");
        let notes = paywall_notes(&c);
        assert!(notes.len() == 1 && notes[0].contains(why), "{html}: {notes:?}");
        assert!(notes[0].contains("for members"), "{notes:?}");
        assert!(!c.markdown.contains("paywall") && !c.markdown.contains("LedeCut"), "{html}: {}", c.markdown);
        through_lede(html, &c.markdown);
    }
}

#[test]
fn substack_content_for_some_readers_only_keeps_the_post_for_members() {
    let html = "<p>a</p><div class=\"paywall-jump\"></div><div class=\"dynamic-content-block\" data-dynamic-audiences=\"only_paid\"><p>b</p></div>";
    let c = convert_as(Dialect::Substack, true, html);
    assert!(!c.cut);
    assert!(paywall_notes(&c)[0].contains("only_paid"), "{:?}", c.notes);
    assert_eq!(c.markdown, "a\n\nb\n");
}

#[test]
fn other_dialects_markers_are_not_taken_for_the_cut() {
    let c = convert_as(Dialect::Ghost, true, "<p>a</p><!--more--><p>b</p>");
    assert!(!c.cut);
    assert_eq!(c.markdown, "a\n\nb\n");
    let c = convert_as(Dialect::Generic, false, "<p>a</p><div class=\"paywall-jump\"></div><!--members-only--><p>b</p>");
    assert_eq!(c.markdown, "a\n\nb\n");
}

#[test]
fn deeply_nested_input_does_not_overflow_the_stack() {
    let depth = 20_000;
    for (open, close) in [("<div>", "</div>"), ("<blockquote>", "</blockquote>"), ("<ul><li>", "</li></ul>"), ("<span>", "</span>"), ("<b>", "</b>")] {
        let html = format!("{}deep text{}", open.repeat(depth), close.repeat(depth));
        let t = std::time::Instant::now();
        let out = std::thread::Builder::new().stack_size(2 << 20).spawn(move || md(&html)).unwrap().join();
        eprintln!("{open} nested {depth} deep: {:?}", t.elapsed());
        let out = out.unwrap_or_else(|_| panic!("{open} nested {depth} deep panicked"));
        assert!(out.contains("deep text"), "{open}: {}", &out[..out.len().min(200)]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_html_ish_text(
        parts in proptest::collection::vec(prop_oneof![
            Just("<p>".to_string()), Just("</p>".to_string()), Just("<ul><li>".to_string()), Just("</li>".to_string()),
            Just("<table><tr><td colspan=2>".to_string()), Just("</td></tr>".to_string()), Just("<figure><figcaption>".to_string()),
            Just("<!--more-->".to_string()), Just("<!--members-only-->".to_string()), Just("<div class=\"paywall-jump\"></div>".to_string()),
            Just("<pre><code class=\"language-rs\">".to_string()), Just("[caption]".to_string()), Just("[/caption]".to_string()),
            Just("[gallery ids=\"1\"]".to_string()), Just("\n\n".to_string()), Just("<br>".to_string()), Just("<img src=\"https://x.org/a.png\">".to_string()),
            Just("<a href=\"https://example.com/x\">".to_string()), Just("</a>".to_string()), Just("<!-- wp:paragraph -->".to_string()),
            Just("<iframe src=\"https://youtube.com/embed/x\">".to_string()), Just("<a class=\"footnote-anchor\" href=\"#footnote-1\">1</a>".to_string()),
            Just("<div class=\"footnote\"><a id=\"footnote-1\" class=\"footnote-number\">1</a><div class=\"footnote-content\">n</div></div>".to_string()),
            "[ -~\u{a0}\u{e000}\u{e001}é\n]{0,12}",
        ], 0..40),
        dialect in prop_oneof![Just(Dialect::WordPress), Just(Dialect::Ghost), Just(Dialect::Substack), Just(Dialect::Generic)],
        cut in any::<bool>(),
    ) {
        let html = parts.concat();
        let c = to_markdown(&html, &Convert { dialect, site_url: Some(SITE), cut });
        prop_assert!(c.markdown.is_empty() || c.markdown.ends_with('\n'));
        prop_assert!(!c.markdown.contains("LedeCutHere"));
        prop_assert!(!c.markdown.contains("<!-- paywall -->") || c.cut);
        if c.cut {
            let doc = Document::parse(&c.markdown);
            prop_assert_eq!(doc.markers.len(), 1);
        }
    }

    #[test]
    fn never_panics_on_any_text(html in "\\PC{0,300}", dialect in prop_oneof![Just(Dialect::WordPress), Just(Dialect::Substack)], cut in any::<bool>()) {
        let c = to_markdown(&html, &Convert { dialect, site_url: Some("not a url"), cut });
        prop_assert!(c.markdown.lines().all(|l| l == l.trim_end()));
    }
}

#[test]
fn line_breaks_at_the_edge_of_a_block_or_in_a_heading_leave_no_backslash() {
    let cases = [
        ("<h2>a<br>b</h2>", "## a b\n"),
        ("<ul><li>a<br></li><li>b</li></ul>", "- a\n- b\n"),
        ("<p>a<br></p><p>c:\\</p>", "a\n\nc:\\\\\n"),
        ("<blockquote>a<br>&nbsp;</blockquote>", "> a\n"),
        ("<p>a<em>b<br></em><br><br></p>", "a*b*\n"),
        ("<p><br>b<br>c</p>", "b\\\nc\n"),
        ("<pre>a<br></pre>", "```\na\n```\n"),
    ];
    for (html, want) in cases {
        assert_eq!(md(html), want, "{html}");
    }
}

#[test]
fn cards_that_are_links_keep_their_title() {
    let file = "<div class=\"kg-card kg-file-card\"><a class=\"kg-file-card-container\" href=\"https://example.com/content/files/report.pdf\" title=\"Download\" download><div class=\"kg-file-card-contents\"><div class=\"kg-file-card-title\">Annual report</div><div class=\"kg-file-card-caption\"></div><div class=\"kg-file-card-metadata\"><div class=\"kg-file-card-filename\">report.pdf</div><div class=\"kg-file-card-filesize\">1 MB</div></div></div><div class=\"kg-file-card-icon\"><svg></svg></div></a></div>";
    assert_eq!(convert_as(Dialect::Ghost, false, file).markdown, "[Annual report](/content/files/report.pdf \"Download\")\n");
    let post = "<div class=\"embedded-post-wrap\"><a class=\"embedded-post\" native=\"true\" href=\"https://other.substack.com/p/x?utm_source=substack&amp;utm_campaign=post_embed\"><div class=\"embedded-post-header\"><img class=\"embedded-post-publication-logo\" src=\"https://cdn.example.net/logo.png\"><span>Other</span></div><div class=\"embedded-post-title\">A related post</div><div class=\"embedded-post-body\">Teaser…</div></a></div>";
    let c = convert_as(Dialect::Substack, false, post);
    assert_eq!(c.markdown, "[A related post](https://other.substack.com/p/x)\n");
    assert!(c.notes.is_empty(), "the logo is not imported, so not noted: {:?}", c.notes);
}

#[test]
fn substack_footnotes_of_the_old_kind_and_missing_ones() {
    let html = "<p>One<a class=\"footnote-anchor\" id=\"footnote-anchor-1\" href=\"#footnote-1\">1</a> and two<a class=\"footnote-anchor\" href=\"#footnote-9\">9</a>.</p><div class=\"footnote\" id=\"footnote-1\"><a href=\"#footnote-anchor-1\" class=\"footnote-number\">1</a><div class=\"footnote-content\"><p>Old style.</p></div></div>";
    assert_eq!(convert_as(Dialect::Substack, false, html).markdown, "One[^1] and two[9](#footnote-9).\n\n[^1]: Old style.\n");
}

#[test]
fn scripts_forms_and_sourceless_frames_go_with_a_note() {
    let c = convert_as(
        Dialect::Generic,
        false,
        "<blockquote class=\"twitter-tweet\"><p>Tweet text</p></blockquote><script async src=\"https://platform.twitter.com/widgets.js\"></script><form><input name=e><button>Go</button></form><iframe srcdoc=\"x\"></iframe>",
    );
    assert_eq!(c.markdown, "> Tweet text\n");
    let notes: Vec<&str> = c.notes.iter().map(|(_, n)| n.as_str()).collect();
    assert!(notes[0].contains("platform.twitter.com") && notes[1].contains("form") && notes[2].contains("iframe"), "{notes:?}");
}
