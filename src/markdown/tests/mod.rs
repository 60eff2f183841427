//! Unit tests of the Markdown module, one file per topic.

mod cut;
mod footnotes;
mod ids;
mod parse;
mod unclosed;
mod words;

use crate::markdown::{Document, Rendered};
use crate::paywall::Cut;

fn render(body: &str, cut: Cut) -> Rendered {
    Document::parse(body).render(cut)
}
