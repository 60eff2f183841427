//! Footnotes: labels matched as CommonMark does, numbered by first
//! reference, shown on the side that cites them, defined twice.

use super::render;
use crate::markdown::{Document, DuplicateNote};
use crate::paywall::Cut;

#[test]
fn footnote_labels_match_as_commonmark_labels_do() {
    let r = render("Cited[^Note] and [^ big   idea ].\n\n[^note]: NOTEONE.\n[^Big Idea]: NOTETWO.\n", Cut::Free);
    assert!(r.public.footnotes_html.contains("NOTEONE") && r.public.footnotes_html.contains("NOTETWO"), "{}", r.public.footnotes_html);
    assert!(!r.public.html.contains("[^"), "{}", r.public.html);
}

#[test]
fn notes_cited_by_notes_are_numbered_pass_by_pass_over_the_definitions() {
    let r = render("Body[^a].\n\n[^c]: C cites[^b].\n[^b]: B.\n[^a]: A cites[^c].\n", Cut::Free);
    let html = &r.public.footnotes_html;
    let (a, c, b) = (html.find("A cites").unwrap(), html.find("C cites").unwrap(), html.find(">B.").unwrap_or_else(|| html.find("B.").unwrap()));
    assert!(a < c && c < b, "{html}");
    assert!(html.contains("<li id=\"fn-2\" value=\"2\"><p>C cites"), "{html}");
}

#[test]
fn a_long_chain_of_notes_citing_notes_is_numbered_and_rendered_whole() {
    // Defined last to first, each citing the next: every pass of the old
    // fixed point found one more note.
    let n = 3000;
    let mut body = String::from("Start[^n0].\n\n");
    for i in (0..n).rev() {
        body.push_str(&format!("[^n{i}]: Note {i}[^n{}].\n", i + 1));
    }
    let r = render(&body, Cut::Free);
    assert_eq!(r.public.footnotes_html.matches("<li id=").count(), n);
    assert!(r.public.footnotes_html.contains(&format!("<li id=\"fn-{n}\" value=\"{n}\"><p>Note {}", n - 1)));
}

#[test]
fn a_footnote_defined_twice_is_noted_with_both_places() {
    let body = "Free[^a].\n\n[^a]: FREEDEF.\n\nPaid.\n\n[^A]: PAIDDEF.\n";
    let d = Document::parse(body);
    assert_eq!(d.duplicate_notes, vec![DuplicateNote { label: "a".into(), first: 11, again: 34 }]);
}

#[test]
fn footnotes_follow_the_side_that_references_them() {
    let body = "Free[^a] text.\n\nPaid[^b] text and again[^a].\n\n[^a]: FREENOTE.\n[^b]: PAIDNOTE.\n";
    let r = render(body, Cut::After(1));
    assert!(r.public.footnotes_html.contains("FREENOTE"));
    assert!(!r.public.footnotes_html.contains("PAIDNOTE"));
    assert!(!r.public.html.contains("fn-2"));
    let m = r.members.unwrap();
    assert!(m.footnotes_html.contains("FREENOTE") && m.footnotes_html.contains("PAIDNOTE"));
    // The second reference to note 1 gets its own anchor and back-link.
    assert!(m.html.contains("id=\"fnref-1-2\""));
    assert!(m.footnotes_html.contains("href=\"#fnref-1-2\""));
    // Numbers are the same on both sides.
    assert!(r.public.html.contains("href=\"#fn-1\""));
    assert!(m.html.contains("href=\"#fn-2\""));
}

#[test]
fn footnote_defined_before_the_cut_but_used_after_stays_private() {
    let body = "[^x]: SECRETNOTE.\n\nFree.\n\nPaid[^x].\n";
    let r = render(body, Cut::After(1));
    assert!(!r.public.html.contains("SECRETNOTE"));
    assert!(r.public.footnotes_html.is_empty());
    assert!(r.members.unwrap().footnotes_html.contains("SECRETNOTE"));
}

#[test]
fn undefined_reference_stays_as_text() {
    let r = render("See[^nope].\n", Cut::Free);
    assert!(r.public.html.contains("[^nope]"), "{}", r.public.html);
}
