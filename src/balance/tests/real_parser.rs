//! Checks closers against html5ever's tree builder, a parser that follows the HTML standard.

use super::*;
use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};

const BEFORE: &str = "<!DOCTYPE html><html><body><main><article><div class=\"article-body\">";
const AFTER: &str = "<p class=\"paywall-ellipsis\">…</p></div><section id=\"subscribe\">\
    <form id=\"lede-form\"><input name=\"email\"></form></section></article></main></body></html>";
const CLOSE: &str = "</div></article></main></body></html>";

fn parse(doc: &str) -> Handle {
    html5ever::parse_document(RcDom::default(), Default::default()).one(doc).document
}

fn name(node: &Handle) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

fn attr(node: &Handle, wanted: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().iter().find(|a| &*a.name.local == wanted).map(|a| a.value.to_string()),
        _ => None,
    }
}

/// Every element with its ancestors, nearest first.
fn elements(root: &Handle) -> Vec<(Handle, Vec<Handle>)> {
    fn walk(node: &Handle, path: &mut Vec<Handle>, out: &mut Vec<(Handle, Vec<Handle>)>) {
        if name(node).is_some() {
            out.push((node.clone(), path.iter().rev().cloned().collect()));
        }
        path.push(node.clone());
        for child in node.children.borrow().iter() {
            walk(child, path, out);
        }
        path.pop();
    }
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), &mut out);
    out
}

fn empty_paragraphs(root: &Handle) -> usize {
    elements(root).iter().filter(|(n, _)| name(n).as_deref() == Some("p") && n.children.borrow().is_empty()).count()
}

/// Parses the page around `fragment` and its closers; false when the fragment is unclosable.
fn check(fragment: &str) -> bool {
    let Ok(c) = closers(fragment) else { return false };
    let page = format!("{BEFORE}{fragment}{}{AFTER}", c.text);
    let all = elements(&parse(&page));
    let names = |path: &[Handle]| path.iter().filter_map(name).collect::<Vec<_>>();

    let forms: Vec<_> = all.iter().filter(|(n, _)| attr(n, "id").as_deref() == Some("lede-form")).collect();
    assert_eq!(forms.len(), 1, "{fragment:?} + {:?}: the subscribe form is gone", c.text);
    let (form, ancestors) = forms[0];
    assert_eq!(names(ancestors), ["section", "article", "main", "body", "html"], "{fragment:?} + {:?}: the subscribe form is misplaced", c.text);
    let inputs: Vec<_> = all.iter().filter(|(n, _)| attr(n, "name").as_deref() == Some("email")).collect();
    assert!(inputs.len() == 1 && std::rc::Rc::ptr_eq(&inputs[0].1[0], form), "{fragment:?} + {:?}: the email field is not in the form", c.text);

    let ellipses: Vec<_> = all.iter().filter(|(n, _)| attr(n, "class").as_deref() == Some("paywall-ellipsis")).collect();
    assert_eq!(ellipses.len(), 1, "{fragment:?} + {:?}: the ellipsis is gone", c.text);
    let (ellipsis, ancestors) = ellipses[0];
    for a in ancestors.iter().filter(|a| name(a).is_some()) {
        let page_element = matches!(name(a).as_deref(), Some("article" | "main" | "body" | "html")) || attr(a, "class").as_deref() == Some("article-body");
        assert!(page_element, "{fragment:?} + {:?}: the ellipsis is inside <{:?}>", c.text, name(a));
    }
    let children = ellipsis.children.borrow();
    let only_text = children.len() == 1 && matches!(&children[0].data, NodeData::Text { contents } if &*contents.borrow() == "…");
    assert!(only_text, "{fragment:?} + {:?}: the ellipsis holds more than its text", c.text);

    // When only end tags are appended, none of them may be a stray </p>, which makes an empty paragraph.
    let only_end_tags = c.text.is_empty() || (c.text.starts_with("</") && !c.text.contains("-->"));
    if only_end_tags {
        let with = empty_paragraphs(&parse(&format!("{BEFORE}{fragment}{}{CLOSE}", c.text)));
        let without = empty_paragraphs(&parse(&format!("{BEFORE}{fragment}{CLOSE}")));
        assert!(with <= without, "{fragment:?} + {:?}: an empty <p> appeared", c.text);
    }
    true
}

const NAMED: &[&str] = &[
    "<table><tr><td>text",
    "<p>Para <a href=\"x\">link",
    "<details><summary>s</summary>body",
    "<div>\n<!-- note\n</div>",
    "<a href=\"unterminated",
    "<a href='x",
    "<![CDATA[ x",
    "<?note for editors",
    "<!DOCTYPE x",
    "<script>let a = \"</div>\"",
    "<textarea>",
    "<p>a <b>b</b></p>",
    "<p>a<br><img src=x>",
    "</span></em>text",
    "<p><b>x</p>y",
    "<div><form></div>",
    "<table><form>",
    "<b><p>x</b>y",
    "<svg><![CDATA[ x",
    "<script><!--<script>x",
    "<template><tr><td>x",
    "<select><option>a",
    "<math><mi><b>x",
    "a<",
    "a</",
    "<plaintext>x",
];

/// Pieces of tag soup: tags with and without quotes, comments, declarations, text, raw text, tables, lists, forms.
///
/// SVG's foreignObject, desc and title and MathML's mi, mo, mn, ms, mtext and annotation-xml are left out:
/// html5ever counts none of them as "special" and annotation-xml not as a scope boundary, where the standard
/// and Chromium do, so HTML inside them would test html5ever's differences rather than these closers.
const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<p class=x>",
    "<div>",
    "</div>",
    "<span>",
    "</span>",
    "<a href=\"x\">",
    "<a href=x>",
    "</a>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<code>",
    "</code>",
    "<nobr>",
    "<font color=red>",
    "</font>",
    "<u>",
    "<s>",
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th>",
    "<tbody>",
    "</tbody>",
    "<thead>",
    "<caption>",
    "</caption>",
    "<colgroup>",
    "<col>",
    "<ul>",
    "</ul>",
    "<ol>",
    "<li>",
    "</li>",
    "<dl>",
    "<dt>",
    "<dd>",
    "</dl>",
    "<form>",
    "</form>",
    "<input name=q>",
    "<input type=hidden>",
    "<select>",
    "</select>",
    "<option>",
    "<optgroup>",
    "<button>",
    "</button>",
    "<details>",
    "<summary>",
    "</details>",
    "<h2>",
    "</h2>",
    "<h3>",
    "<pre>\n",
    "</pre>",
    "<blockquote>",
    "</blockquote>",
    "<section>",
    "<br>",
    "</br>",
    "<img src=x>",
    "<hr>",
    "<textarea>",
    "</textarea>",
    "<script>",
    "</script>",
    "<style>",
    "</style>",
    "<title>",
    "</title>",
    "<noscript>",
    "<xmp>",
    "<iframe>",
    "<svg>",
    "</svg>",
    "<math>",
    "</math>",
    "<circle/>",
    "<template>",
    "</template>",
    "<object>",
    "</object>",
    "<ruby>",
    "<rt>",
    "<label>",
    "<sup>",
    "text",
    " ",
    "\n",
    "&amp;",
    "<",
    "</",
    ">",
    "\"",
    "'",
    "=",
    "/",
    "<!-- c -->",
    "<!-- c",
    "<!--",
    "-->",
    "<!-",
    "<!x",
    "<?pi ",
    "<![CDATA[ d",
    "]]>",
    "<!DOCTYPE html",
    "<a title=\"t",
    "<a title='t",
    "<a title=t",
    "<div class=",
    "<p ",
    "</body>",
    "<DIV>",
    "</P>",
    "<TD>",
    "<A HREF=x>",
    "<p/>",
    "<div/>",
    "<br/>",
    "</foreignObject>",
    "<li class=x>",
    "<image>",
    "<listing>",
    "<menu>",
    "<dialog>",
    "<search>",
    "<figure>",
    "<marquee>",
    "<applet>",
    "</nobr>",
    "<frame>",
    "<head>",
    "</html>",
    "<rb>",
    "<rp>",
    "</ruby>",
    "&lt;",
    "\0",
];

#[test]
fn closers_keep_the_subscribe_form_out_of_the_free_part() {
    for fragment in NAMED {
        let closable = check(fragment);
        assert_eq!(closable, !fragment.contains("plaintext"), "{fragment:?}");
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: deterministic, so a failure can be replayed.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let (mut checked, mut unclosable, mut plaintext, mut stray) = (0, 0, 0, 0);
    for _ in 0..4000 {
        let len = 1 + next() % 14;
        let mut fragment = String::new();
        for _ in 0..len {
            // One piece in a thousand is <plaintext>, which ends every check it is in.
            if next() % 1000 == 0 {
                fragment.push_str("<plaintext>");
            } else {
                fragment.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
        }
        // Stray end tags are taken out by the caller before the closers are asked for again.
        let fragment = match closers(&fragment) {
            Ok(c) if !c.stray_end_tags.is_empty() => {
                stray += 1;
                let mut cleaned = fragment.clone();
                for r in c.stray_end_tags.iter().rev() {
                    cleaned.replace_range(r.clone(), "");
                }
                cleaned
            }
            _ => fragment,
        };
        if check(&fragment) {
            checked += 1;
        } else {
            let form = fragment.contains("<form>") && fragment.contains("</form>");
            assert!(fragment.contains("<plaintext>") || form, "{fragment:?} is unclosable");
            unclosable += 1;
            plaintext += usize::from(fragment.contains("<plaintext>"));
        }
    }
    eprintln!(
        "{checked} fragments checked, {stray} with end tags closing the page's elements taken out, {unclosable} unclosable ({plaintext} with <plaintext>, the others forms)"
    );
    assert!(checked > 2500, "{checked} checked, {unclosable} unclosable, {plaintext} of them with plaintext");
}
