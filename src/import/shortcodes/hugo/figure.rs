//! Hugo's built-in `figure` shortcode as the HTML it renders.

use super::parse::Shortcode;
use crate::text::xml_escape;

/// Hugo's built-in figure, as one line of HTML.
pub(super) fn figure(tag: &Shortcode<'_>) -> String {
    let attr = |name: &str| tag.get(name).map(|v| format!(" {name}=\"{}\"", xml_escape(v))).unwrap_or_default();
    let caption = tag.get("caption").map(markdownify);
    let alt = match (tag.get("alt"), &caption) {
        (Some(alt), _) => alt.to_string(),
        (None, Some(caption)) => plain(caption),
        (None, None) => String::new(),
    };
    let mut html = format!("<figure{}>", attr("class"));
    if let Some(href) = tag.get("link") {
        html.push_str(&format!("<a href=\"{}\"{}{}>", xml_escape(href), attr("target"), attr("rel")));
    }
    html.push_str(&format!(
        "<img src=\"{}\" alt=\"{}\"{}{}{}>",
        xml_escape(tag.get("src").unwrap_or_default()),
        xml_escape(&alt),
        attr("width"),
        attr("height"),
        attr("loading")
    ));
    if tag.get("link").is_some() {
        html.push_str("</a>");
    }
    let (title, attribution) = (tag.get("title"), tag.get("attr").map(markdownify));
    if title.is_some() || caption.is_some() || attribution.is_some() {
        html.push_str("<figcaption>");
        if let Some(title) = title {
            html.push_str(&format!("<h4>{}</h4>", xml_escape(title)));
        }
        if caption.is_some() || attribution.is_some() {
            html.push_str("<p>");
            html.push_str(caption.as_deref().unwrap_or_default());
            if let Some(attribution) = attribution {
                match tag.get("attrlink") {
                    Some(href) => html.push_str(&format!("<a href=\"{}\">{attribution}</a>", xml_escape(href))),
                    None => html.push_str(&attribution),
                }
            }
            html.push_str("</p>");
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    html
}

/// Inline Markdown as HTML, as Hugo's `markdownify` renders a caption.
fn markdownify(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    let html = html.trim_end();
    match html.strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html.to_string(),
    }
}

/// HTML without its tags (for an `alt` made from a caption).
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
}
