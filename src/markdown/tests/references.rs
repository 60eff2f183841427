//! The render context's references: every link and image of a body, on
//! the side of the cut that shows it, resolved against the page.

use std::path::Path;

use crate::markdown::{Document, Reference, ReferenceKind, RenderContext};
use crate::paywall::Cut;
use crate::target::Target;

fn references(body: &str, cut: Cut) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut cx = RenderContext { references: Some(&mut found), ..RenderContext::new(Path::new("content/articles/a.md"), "https://example.org/articles/a/") };
    Document::parse(body).render(cut, &mut cx);
    found
}

fn seen(refs: &[Reference]) -> Vec<(ReferenceKind, &str, Option<&str>, Target)> {
    refs.iter().map(|r| (r.kind, r.written.as_str(), r.absolute.as_deref(), r.target)).collect()
}

#[test]
fn links_and_images_are_noted_on_the_side_of_the_cut_that_shows_them() {
    let body = "Free [home](/) and ![chart](chart.png).\n\nPaid [source](https://data.example/x.csv) and [up](../b/).\n";
    let refs = references(body, Cut::After(1));
    assert_eq!(
        seen(&refs),
        vec![
            (ReferenceKind::Link, "/", Some("https://example.org/"), Target::Public),
            (ReferenceKind::Image, "chart.png", Some("https://example.org/articles/a/chart.png"), Target::Public),
            (ReferenceKind::Link, "https://data.example/x.csv", Some("https://data.example/x.csv"), Target::Members),
            (ReferenceKind::Link, "../b/", Some("https://example.org/articles/b/"), Target::Members),
        ]
    );
}

#[test]
fn a_footnotes_links_go_with_the_side_that_cites_it() {
    let body = "Free[^a].\n\nPaid[^b].\n\n[^a]: See [free note](https://a.example/).\n[^b]: See [paid note](https://b.example/).\n";
    let refs = references(body, Cut::After(1));
    let notes: Vec<_> = seen(&refs).into_iter().filter(|(_, w, _, _)| w.contains("example")).collect();
    assert_eq!(
        notes,
        vec![
            (ReferenceKind::Link, "https://a.example/", Some("https://a.example/"), Target::Public),
            (ReferenceKind::Link, "https://b.example/", Some("https://b.example/"), Target::Members),
        ]
    );
}

#[test]
fn nothing_is_noted_unless_asked_and_a_free_body_is_all_public() {
    let mut cx = RenderContext::new(Path::new("content/about.md"), "https://example.org/about/");
    let r = Document::parse("[x](y)\n").render(Cut::Free, &mut cx);
    assert!(r.public.html.contains("href=\"y\""));
    assert!(cx.references.is_none());
    let refs = references("[x](y)\n\n[z](w)\n", Cut::Free);
    assert!(refs.iter().all(|r| r.target == Target::Public), "{refs:?}");
    assert_eq!(refs.len(), 2);
}
