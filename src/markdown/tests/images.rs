//! Images as their `<img>` shows them: pulldown-cmark's markup, the size
//! and widths the context gives a local file, and lazy loading after the
//! first image of the body, across the cut.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::render;
use crate::images::LocalImage;
use crate::markdown::{Document, RenderContext};
use crate::paywall::Cut;

#[test]
fn every_image_but_the_first_loads_lazily_on_both_sides_of_the_cut() {
    let r = render("![a *b* `c`](x.png \"T & U\")\n\n![](https://cdn.example/y.png)\n\nPaid ![z](z.png).\n", Cut::After(2));
    assert_eq!(
        r.public.html,
        "<p><img src=\"x.png\" alt=\"a b c\" title=\"T &amp; U\" /></p>\n<p><img src=\"https://cdn.example/y.png\" alt=\"\" loading=\"lazy\" decoding=\"async\" /></p>\n"
    );
    let members = r.members.expect("paid part").html;
    assert!(members.contains("<img src=\"z.png\" alt=\"z\" loading=\"lazy\" decoding=\"async\" />"), "{members}");
}

#[test]
fn a_local_image_gets_its_size_and_srcset_from_the_context() {
    let chart = LocalImage { file: PathBuf::from("content/articles/a/chart.png"), size: Some((1200, 600)), widths: vec![480, 960] };
    let svg = LocalImage { file: PathBuf::from("static/logo.svg"), size: None, widths: vec![] };
    let local = HashMap::from([("img/chart.png?v=2".to_string(), chart), ("/logo.svg".to_string(), svg)]);
    let mut cx = RenderContext { images: Some(&local), ..RenderContext::new(Path::new("content/articles/a/index.md"), "https://example.org/articles/a/") };
    let r = Document::parse("![C](img/chart.png?v=2) ![L](/logo.svg)\n").render(Cut::Free, &mut cx);
    assert_eq!(
        r.public.html,
        "<p><img src=\"img/chart.png?v=2\" alt=\"C\" width=\"1200\" height=\"600\" srcset=\"img/chart-480.webp 480w, img/chart-960.webp 960w, img/chart.png?v=2 1200w\" sizes=\"(max-width: 640px) 100vw, 640px\" /> <img src=\"/logo.svg\" alt=\"L\" loading=\"lazy\" decoding=\"async\" /></p>\n"
    );
}
