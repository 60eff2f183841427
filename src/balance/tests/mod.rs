//! What the closers close and how, the end tags that close the page's own elements, and what cannot be closed.

use super::*;

mod real_parser;

fn text(html: &str) -> String {
    match closers(html) {
        Ok(c) => c.text,
        Err(e) => panic!("{html:?} is unclosable: {e:?}"),
    }
}

#[test]
fn closes_what_the_free_part_leaves_open() {
    let cases = [
        ("<table><tr><td>text", "</td></tr></tbody></table>"),
        ("<p>Para <a href=\"x\">link", "</a></p>"),
        ("<details><summary>s</summary>body", "</details>"),
        ("<div>\n<!-- note\n</div>", "--></div>"),
        ("<ul><li>a<li>b", "</li></ul>"),
        ("<dl><dt>a<dd>b", "</dd></dl>"),
        ("<p>a<div>b", "</div>"),
        ("<select><option>a", "</option></select>"),
        ("<template><tr><td>x", "</td></tr></template>"),
        ("<svg><g><foreignObject><div>x", "</div></foreignobject></g></svg>"),
        ("<svg><p>x", "</p>"),
        // Chromium does not close the foreignObject from inside MathML: the closers do.
        ("<svg><foreignObject><math><mi></foreignObject><b>x", "</b></mi></math></foreignobject></svg>"),
        ("<math><mi><b>x", "</b></mi></math>"),
        ("<h2>Title <em>x", "</em></h2>"),
        // As in the standard and Chromium: annotation-xml bounds the scope, so the <div> leaves the <p> open.
        ("<p><math><annotation-xml encoding=\"text/html\"><div>x", "</div></annotation-xml></math></p>"),
        // An HTML integration point stops the popping out of foreign content that </p> does.
        ("<p><math><annotation-xml encoding=\"text/html\"></p><rt>x", "</rt></annotation-xml></math></p>"),
        // SVG's title is special: the second <li> does not close the first one outside the <svg>.
        ("<li><svg><title><li>x", "</li></title></svg></li>"),
    ];
    for (html, want) in cases {
        assert_eq!(text(html), want, "{html:?}");
    }
    assert_eq!(closers("<table><tr><td>text").map(|c| c.first_open), Ok(Some(0)));
    assert_eq!(closers("ok <p>Para <a href=\"x\">link").map(|c| c.first_open), Ok(Some(3)));
}

#[test]
fn closes_unterminated_tags_comments_and_declarations() {
    let cases = [
        ("<a href=\"unterminated", "\"></a>"),
        ("<a href='x", "'></a>"),
        ("<a href=x", "></a>"),
        ("<a href=x/", "></a>"),
        ("<a href", "></a>"),
        ("<a href=", "></a>"),
        ("<a href=\"x\" ", "></a>"),
        ("<di", "></di>"),
        ("<br/", ">"),
        ("<svg><circle/", "></svg>"),
        ("<p>x</p", ">"),
        ("<![CDATA[ x", ">"),
        ("<svg><![CDATA[ x", "]]></svg>"),
        ("<svg><![CDATA[ x]", "]]></svg>"),
        ("<?note for editors", ">"),
        ("<!DOCTYPE x", ">"),
        ("<!DOCTYPE x PUBLIC \"y", ">"),
        ("<!x", ">"),
        ("<!-", ">"),
        ("<!--", "-->"),
        ("<!-- x -", "-->"),
        ("<!-- x --", "-->"),
        ("<!-- x --!", "-->"),
        ("<!-- <!-", "-->"),
        ("a</", ">"),
        ("a<", "<!---->"),
        ("<b>a<", "</b>"),
    ];
    for (html, want) in cases {
        assert_eq!(text(html), want, "{html:?}");
    }
    let c = closers("text <!-- note").ok();
    assert_eq!(c.and_then(|c| c.first_open), Some(5));
}

#[test]
fn end_tags_that_close_the_pages_own_elements_are_found() {
    let strays = |html: &str| closers(html).map(|c| c.stray_end_tags).unwrap_or_default();
    for stray in ["</div>", "text</div>more", "<p>x</p></article>", "</main>", "<span>x</div>"] {
        assert_eq!(strays(stray).len(), 1, "{stray}");
    }
    assert_eq!(strays("x </div> y"), vec![2..8]);
    assert_eq!(strays("</div></article >"), vec![0..6, 6..17]);
    for fine in ["<div>x</div>", "</p>", "</span>", "<div><p>x</div>", "</td>", "</body>x"] {
        assert!(strays(fine).is_empty(), "{fine}");
    }
}

#[test]
fn closes_raw_text_and_rcdata() {
    let cases = [
        ("<script>let a = \"</div>\"", "</script>"),
        ("<script><!--", "--></script>"),
        ("<script><!--<script>x", "--></script>"),
        ("<script><!--<script></script>", "--></script>"),
        ("<textarea>", "</textarea>"),
        ("<textarea>a</textar", "</textarea>"),
        ("<textarea>a</textarea ", ">"),
        ("<title>x</title", "</title>"),
        ("<style>p { }", "</style>"),
        ("<xmp><b>", "</xmp>"),
        ("<noscript><p>", "</noscript>"),
        ("<iframe>", "</iframe>"),
        ("<p><script src=\"x", "\"></script></p>"),
        ("<svg><style>x", "</style></svg>"),
    ];
    for (html, want) in cases {
        assert_eq!(text(html), want, "{html:?}");
    }
}

#[test]
fn balanced_void_and_stray_leave_nothing_open() {
    for html in [
        "",
        "plain text",
        "<p>a <b>b</b></p>",
        "<br><img src=x><hr><input name=e><wbr>",
        "<p>a<br>b</p>\n",
        "</span></em>text</b>",
        "<table><tr><td>a</td></tr></table>",
        "<svg><circle/></svg>",
        "<!-- done -->",
        "<ul><li>a<li>b</ul>",
        "<p>a<p>b",
    ] {
        let c = closers(html);
        let expected = if html == "<p>a<p>b" {
            Ok(Closers { text: "</p>".into(), first_open: Some(4), stray_end_tags: Vec::new() })
        } else {
            Ok(Closers { text: String::new(), first_open: None, stray_end_tags: Vec::new() })
        };
        assert_eq!(c, expected, "{html:?}");
    }
}

#[test]
fn formatting_elements_and_forms_that_would_come_back() {
    // </p> pops the <b>, the text after it reopens it.
    assert_eq!(text("<p><b>x</p>y"), "</b>");
    // Popped, but still on the list: the ellipsis would be bold.
    assert_eq!(text("<div><b>x</div>"), "</b>");
    // A form closed by </div> keeps the form pointer, which would drop the subscribe form.
    assert_eq!(text("<div><form></div>"), "</form>");
    assert_eq!(text("<table><form>"), "</table></form>");
    // The adoption agency moves the <b> into the <p>, then closes it on its second pass: y is outside.
    assert_eq!(text("<b><p>x</b>y"), "</p>");
    // The first </i> only takes the inner <i>, closed by </div>, off the list.
    assert_eq!(text("<i><div><i></div>"), "</i></i>");
}

#[test]
fn plaintext_and_depth_are_unclosable() {
    let e = closers("<p>intro</p><plaintext>x");
    assert_eq!(e.as_ref().map_err(|e| e.offset), Err(12));
    assert!(closers("<svg><plaintext>x").is_ok(), "an SVG element named plaintext is not the HTML one");
    let e = closers("<form><select></form><option>x");
    assert!(e.is_err_and(|e| e.offset == 0 && e.what.contains("</form>")));
    assert!(closers(&"<div>".repeat(MAX_DEPTH)).is_ok());
    assert!(closers(&"<div>".repeat(MAX_DEPTH + 1)).is_err());
    assert_eq!(closers(&"<b>x</b>".repeat(5000)).map(|c| c.text), Ok(String::new()));
}
