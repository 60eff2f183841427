//! Unit tests of the Markdown module, one file per topic.

mod cut;
mod footnotes;
mod highlight;
mod ids;
mod images;
mod parse;
mod references;
mod unclosed;
mod words;

use std::path::Path;

use crate::markdown::{Document, RenderContext, Rendered};
use crate::paywall::Cut;

fn render(body: &str, cut: Cut) -> Rendered {
    Document::parse(body).render(cut, &mut RenderContext::new(Path::new("content/articles/a.md"), "https://example.org/articles/a/"))
}
