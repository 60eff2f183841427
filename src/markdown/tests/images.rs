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
    let r = render("Seen: ![a *b* `c`](x.png \"T & U\")\n\n![](https://cdn.example/y.png)\n\nPaid ![z](z.png).\n", Cut::After(2));
    assert_eq!(
        r.public.html,
        "<p>Seen: <img src=\"x.png\" alt=\"a b c\" title=\"T &amp; U\" /></p>\n<p><img src=\"https://cdn.example/y.png\" alt=\"\" loading=\"lazy\" decoding=\"async\" /></p>\n"
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

#[test]
fn an_image_alone_in_its_paragraph_with_a_title_is_a_figure_captioned_by_the_title() {
    let r = render("![Ore carriers at *Narvik*](ship.jpg \"The port in winter & spring\")\n\nText.\n", Cut::Free);
    assert_eq!(
        r.public.html,
        "<figure class=\"figure\"><img src=\"ship.jpg\" alt=\"Ore carriers at Narvik\" /><figcaption>The port in winter &amp; spring</figcaption></figure>\n<p>Text.</p>\n"
    );
    // With text beside it, or without a title, it stays an image in its paragraph.
    let r = render("![A](a.png \"T\") and more\n\n![B](b.png)\n\n*![C](c.png \"U\")*\n", Cut::Free);
    assert!(!r.public.html.contains("<figure"), "{}", r.public.html);
    assert!(r.public.html.contains("<p><img src=\"a.png\" alt=\"A\" title=\"T\" /> and more</p>"), "{}", r.public.html);
    assert!(r.public.html.contains("<p><em><img src=\"c.png\" alt=\"C\" title=\"U\" loading=\"lazy\" decoding=\"async\" /></em></p>"), "{}", r.public.html);
    // A figure counts as one block for the cut, like the paragraph it was.
    let r = render("Free.\n\n![P](p.png \"Paid chart\")\n\nMore.\n", Cut::After(1));
    assert!(!r.public.html.contains("Paid chart"), "{}", r.public.html);
    assert!(r.members.expect("paid part").html.contains("<figcaption>Paid chart</figcaption>"));
}

#[test]
fn images_in_footnotes_and_in_figures_get_their_size_and_load_lazily() {
    let chart = LocalImage { file: PathBuf::from("content/articles/a/chart.png"), size: Some((800, 400)), widths: vec![480] };
    let local = HashMap::from([("chart.png".to_string(), chart)]);
    let mut cx = RenderContext { images: Some(&local), ..RenderContext::new(Path::new("content/articles/a/index.md"), "https://example.org/articles/a/") };
    let r = Document::parse("![C](chart.png \"Cap\")\n\nSee.[^n]\n\n[^n]: As drawn: ![C](chart.png)\n").render(Cut::Free, &mut cx);
    let sized = "<img src=\"chart.png\" alt=\"C\" width=\"800\" height=\"400\" srcset=\"chart-480.webp 480w, chart.png 800w\" sizes=\"(max-width: 640px) 100vw, 640px\"";
    assert!(r.public.html.starts_with(&format!("<figure class=\"figure\">{sized} /><figcaption>Cap</figcaption></figure>")), "{}", r.public.html);
    assert!(r.public.footnotes_html.contains(&format!("{sized} loading=\"lazy\" decoding=\"async\" />")), "{}", r.public.footnotes_html);
}

#[test]
fn a_shortcode_src_and_the_images_of_a_shortcode_body_are_images_of_the_page() {
    let body = "Intro ![a](a.png).\n\n{{ figure(src=\"map.png\", alt=\"M\") }}\n\n{% callout() %}\nSee ![b](b.png).\n{% end %}\n";
    let doc = Document::parse(body);
    let found: Vec<(&str, &str)> = doc.images.iter().map(|(src, at)| (src.as_str(), &body[*at..])).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].0 == "a.png" && found[0].1.starts_with("![a]"), "{found:?}");
    assert!(found[1].0 == "map.png" && found[1].1.starts_with("src="), "{found:?}");
    assert!(found[2].0 == "b.png" && found[2].1.starts_with("![b]"), "{found:?}");
}
