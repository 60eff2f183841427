//! Heading ids and the table of contents: unique, clear of the page's own
//! ids and of the author's raw HTML.

use super::render;
use crate::markdown::TocEntry;
use crate::markdown::ids::ids_in;
use crate::paywall::Cut;

#[test]
fn heading_ids_never_repeat_the_themes_or_the_footnotes() {
    let r = render("## Main\n\n## Subscribe\n\n## Fn 1\n\n## Top {#top}\n\n## Fnref 2 3\n\n## Fn 1 2\n", Cut::Free);
    let ids: Vec<&str> = r.public.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["main-2", "subscribe-2", "h-fn-1", "top-2", "h-fnref-2-3", "fn-1-2"]);
    let r = render("## Fnref 1\n\n## Fnref 1 {#fnref-1}\n", Cut::Free);
    let ids: Vec<&str> = r.public.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["h-fnref-1", "h-fnref-1-2"]);
}

#[test]
fn ids_in_raw_html_are_found_and_headings_keep_clear_of_them() {
    let html = "<div id=\"intro\" class=x><span ID='b' data-id=\"no\">x</span><p id=c>";
    let ids: Vec<String> = ids_in(html).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["intro", "b", "c"]);
    assert!(ids_in("<!-- id=\"x\" -->").is_empty());
    let r = render("<div id=\"intro\">x</div>\n\n## Intro\n", Cut::Free);
    assert_eq!(r.public.toc[0].id, "intro-2");
}

#[test]
fn many_headings_of_one_name_get_ids_in_linear_time() {
    let body = "## Same\n\n".repeat(2000) + "## Same-2\n";
    let r = render(&body, Cut::Free);
    assert_eq!(r.public.toc[1].id, "same-2");
    assert_eq!(r.public.toc[1999].id, "same-2000");
    assert_eq!(r.public.toc[2000].id, "same-2-2");
}

#[test]
fn headings_get_unique_ids_and_toc_splits() {
    let body = "## The Road\n\nFree.\n\n## The Road\n\n## SECRETHEAD {#own}\n";
    let r = render(body, Cut::After(2));
    assert_eq!(r.public.toc, vec![TocEntry { level: 2, id: "the-road".into(), title: "The Road".into() }]);
    let m = r.members.unwrap();
    assert!(m.html.contains("id=\"the-road-2\""));
    assert!(m.html.contains("id=\"own\""));
    assert_eq!(m.toc.len(), 3);
    assert!(!r.public.html.contains("SECRETHEAD"));
}

#[test]
fn headings_inside_quotes_and_lists_get_ids_too() {
    let r = render("> ## Quoted Heading\n\n- ## Listed Heading\n\n## Plain\n", Cut::Free);
    assert!(r.public.html.contains("<h2 id=\"quoted-heading\">"), "{}", r.public.html);
    assert!(r.public.html.contains("<h2 id=\"listed-heading\">"), "{}", r.public.html);
    let ids: Vec<&str> = r.public.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["quoted-heading", "listed-heading", "plain"]);
}
