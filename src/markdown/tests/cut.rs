//! What each side of a cut shows: the free blocks, the paid blocks after
//! them, what the free part leaves open, the first paragraph.

use super::render;
use crate::paywall::Cut;

#[test]
fn cut_keeps_free_blocks_only_in_public() {
    let r = render("Free one.\n\nFree two.\n\nPAIDWORD here.\n", Cut::After(2));
    assert!(r.public.html.contains("Free two."));
    assert!(!r.public.html.contains("PAIDWORD"));
    let members = r.members.unwrap();
    assert!(members.html.contains("PAIDWORD"));
    assert!(members.html.contains("<div class=\"paid-content\""));
}

#[test]
fn what_the_free_part_leaves_open_is_closed_on_the_public_side_only() {
    let body = "<table><tr><td>\n\nFree cell.\n\nPAIDWORD cell.\n\n</td></tr></table>\n";
    let r = render(body, Cut::After(2));
    assert!(r.public.html.ends_with("</td></tr></tbody></table>"), "{}", r.public.html);
    let m = r.members.expect("paid");
    // The members text keeps the author's table open across the cut, as written.
    assert!(m.html.starts_with("<table><tr><td>\n<p>Free cell.</p>\n<div class=\"paid-content\""), "{}", m.html);
    assert!(r.unclosable.is_none());
    let r = render("Free <a href=\"x\">open link.\n\nPaid.\n", Cut::After(1));
    assert!(r.public.html.ends_with("</a>"), "{}", r.public.html);
    let r = render("<div>\n<!-- open\n</div>\n\nPaid -->\n", Cut::After(1));
    assert!(r.public.html.contains("-->"), "{}", r.public.html);
    // Balanced raw HTML is left exactly as written.
    let r = render("<div>closed</div>\n\nPaid.\n", Cut::After(1));
    assert_eq!(r.public.html, "<div>closed</div>\n");
    let r = render("Free.\n\n<plaintext>\n\nPaid.\n", Cut::After(2));
    assert!(r.unclosable.is_some_and(|(snippet, _)| snippet.starts_with("<plaintext>")));
}

#[test]
fn first_paragraph_comes_from_the_free_side() {
    let r = render("## Head\n\nThe *first* words.\n\nMore.\n", Cut::After(2));
    assert_eq!(r.public.first_paragraph, "The first words.");
    let r = render("## Head only\n\nSECRET para.\n", Cut::After(1));
    assert_eq!(r.public.first_paragraph, "");
}

#[test]
fn members_text_starts_with_the_public_text() {
    let body = "Free[^a] one.\n\n| a |\n|---|\n| 1 |\n\nPaid[^a] two.\n\n| b |\n|---|\n| 2 |\n\n```rust\nlet x = 1;\n```\n\n[^a]: Note.\n";
    let r = render(body, Cut::After(2));
    let m = r.members.unwrap();
    assert!(m.html.starts_with(&r.public.html), "{}", m.html);
    // Tables are boxed and numbered through the whole page.
    assert!(r.public.html.contains("aria-label=\"Table 1\"><table>"), "{}", r.public.html);
    assert!(!r.public.html.contains("Table 2"));
    assert!(m.html.contains("aria-label=\"Table 2\"><table>"), "{}", m.html);
    assert_eq!(m.html.matches("</table>\n</div>").count(), 2, "{}", m.html);
    // The second reference to the note gets the next anchor on the paid side.
    assert!(m.html.contains("id=\"fnref-1-2\""));
    assert!(
        m.html.contains(
            "<pre tabindex=\"0\"><code class=\"language-rust\"><span class=\"hl-keyword\">let</span> x = <span class=\"hl-number\">1</span>;\n</code></pre>"
        ),
        "{}",
        m.html
    );
}
