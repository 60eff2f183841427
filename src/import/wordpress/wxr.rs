//! The WXR file as data: one pass over its XML events, never a tree, keeping
//! the channel's authors and terms and each item's fields as WordPress wrote
//! them. Names are matched by namespace, not prefix, so every export version
//! (1.0 to 1.2, http or https) reads the same; what the fields mean is left
//! to the mapping.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

use super::names::{Element, Ns, conventional, namespace};
use crate::diagnostics::Diagnostic;

/// Everything the export holds that the import uses.
#[derive(Debug, Default)]
pub struct Export {
    /// The channel's `<title>`.
    pub title: Option<String>,
    /// The channel's `<link>`.
    pub link: Option<String>,
    /// `wp:author` entries in file order.
    pub authors: Vec<WpAuthor>,
    /// `wp:category`, `wp:tag` and `wp:term` ids with their names.
    pub terms: BTreeMap<String, String>,
    /// Items in file order.
    pub items: Vec<Item>,
}

/// A `wp:author`: who a login is.
#[derive(Debug, Default, Clone)]
pub struct WpAuthor {
    /// `wp:author_login`, what `dc:creator` names.
    pub login: String,
    /// `wp:author_display_name`, the byline.
    pub display_name: String,
}

/// An item's `<category>`: a term of some taxonomy.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ItemTerm {
    /// The taxonomy: `category`, `post_tag`, `author` (Co-Authors Plus), …
    pub domain: String,
    /// The term's slug.
    pub nicename: String,
    /// The term's name.
    pub name: String,
}

/// One `<item>`, its fields as the text WordPress wrote.
#[derive(Debug, Default, Clone)]
pub struct Item {
    /// `<title>`.
    pub title: String,
    /// `<link>`: the permalink, or `?p=N` for what was never published.
    pub link: String,
    /// `<pubDate>` (RFC 2822).
    pub pub_date: String,
    /// `dc:creator`: an author's login.
    pub creator: String,
    /// `content:encoded`: the body's HTML.
    pub content: String,
    /// `excerpt:encoded`: the manual excerpt.
    pub excerpt: String,
    /// `wp:post_id`.
    pub id: String,
    /// `wp:post_date`: the site's local time.
    pub date: String,
    /// `wp:post_date_gmt`: UTC, or zeros when never published.
    pub date_gmt: String,
    /// `wp:post_modified`.
    pub modified: String,
    /// `wp:post_modified_gmt`.
    pub modified_gmt: String,
    /// `wp:post_name`: the slug, percent-encoded.
    pub name: String,
    /// `wp:status`: publish, future, draft, pending, private, trash, …
    pub status: String,
    /// `wp:post_parent`: the parent page's id, or 0.
    pub parent: String,
    /// `wp:post_type`: post, page, attachment, …
    pub post_type: String,
    /// `wp:post_password`.
    pub password: String,
    /// `wp:is_sticky`.
    pub sticky: String,
    /// `wp:attachment_url`.
    pub attachment_url: String,
    /// `<category>` elements in order.
    pub terms: Vec<ItemTerm>,
    /// `wp:postmeta` key and value pairs in order.
    pub meta: Vec<(String, String)>,
    /// How many `wp:comment` it carries.
    pub comments: usize,
}

impl Item {
    /// The first value of a postmeta key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// A problem at a byte offset. The parse streams and keeps no text, so
/// lines and columns are counted only when a problem is shown.
#[derive(Debug)]
pub struct XmlProblem {
    /// Byte offset in the file.
    pub offset: u64,
    /// What is wrong.
    pub message: String,
    /// For a file that ends too soon: the element left open and where it began.
    pub unclosed: Option<(String, u64)>,
}

impl XmlProblem {
    fn at(offset: u64, message: impl Into<String>) -> Self {
        XmlProblem { offset, message: message.into(), unclosed: None }
    }

    /// As a diagnostic with line and column, reading `file` again to find them.
    pub fn diagnostic(self, file: &Path) -> Diagnostic {
        let Ok(bytes) = std::fs::read(file) else {
            return Diagnostic::file(file, self.message);
        };
        let message = match &self.unclosed {
            Some((name, at)) => {
                let (line, column) = line_col(&bytes, *at);
                format!("the file ends inside `<{name}>`, opened on line {line}, column {column}: {}", self.message)
            }
            None => self.message,
        };
        let (line, column) = line_col(&bytes, self.offset);
        Diagnostic::at(file, line, column, message)
    }
}

/// 1-based line and character column of a byte offset.
fn line_col(bytes: &[u8], offset: u64) -> (usize, usize) {
    let end = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
    let before = &bytes[..end];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// An open element and where its start tag began.
struct Open {
    tag: Element,
    name: String,
    at: u64,
}

/// What is being filled while its element is open.
#[derive(Default)]
struct Pending {
    item: Option<Item>,
    author: Option<WpAuthor>,
    term: Option<(String, String)>,
    meta: Option<(String, String)>,
    category: Option<ItemTerm>,
}

/// Reads a WXR stream. Errors carry byte offsets; the caller locates them.
pub fn parse(input: impl BufRead) -> Result<Export, XmlProblem> {
    let mut reader = NsReader::from_reader(input);
    let config = reader.config_mut();
    // `<wp:post_password/>` is one event pair like `<wp:post_password></wp:post_password>`.
    config.expand_empty_elements = true;
    config.check_end_names = true;

    let mut export = Export::default();
    let mut pending = Pending::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut text = String::new();
    let mut saw_root = false;
    let mut saw_wordpress = false;
    let mut root_at = 0;
    let mut buf = Vec::new();
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_resolved_event_into(&mut buf) {
            Ok((resolved, event)) => {
                let ns = match &resolved {
                    ResolveResult::Unbound => Ns::Rss,
                    ResolveResult::Bound(uri) => namespace(uri.into_inner()),
                    ResolveResult::Unknown(prefix) => conventional(prefix),
                };
                (ns, event)
            }
            Err(err) => return Err(XmlProblem::at(reader.error_position(), describe(&err))),
        };
        match event {
            (ns, Event::Start(start)) => {
                let tag = Element::of(ns, start.local_name().into_inner());
                if ns == Ns::Wp {
                    saw_wordpress = true;
                }
                if stack.is_empty() {
                    if saw_root {
                        return Err(XmlProblem::at(
                            before,
                            "a second top-level element: an XML file has one root element, and a WordPress export's is `<rss>`",
                        ));
                    }
                    saw_root = true;
                    root_at = before;
                    if tag != Element::Rss {
                        let name = start.name().into_inner().to_string();
                        return Err(XmlProblem::at(
                            before,
                            format!(
                                "this is XML but not a WordPress export: its root element is `<{name}>`, and a WordPress export (WXR, from Tools → Export) starts with `<rss>`"
                            ),
                        ));
                    }
                }
                let parent = stack.last().map_or(Element::Other, |o| o.tag);
                opened(tag, parent, &start, &mut pending).map_err(|message| XmlProblem::at(before, message))?;
                stack.push(Open { tag, name: start.name().into_inner().to_string(), at: before });
                text.clear();
            }
            (_, Event::End(_)) => {
                let Some(open) = stack.pop() else {
                    // quick-xml refuses an end tag without a start: unreachable in practice.
                    return Err(XmlProblem::at(before, "an end tag that closes nothing"));
                };
                let parent = stack.last().map_or(Element::Other, |o| o.tag);
                closed(open.tag, parent, &mut text, &mut pending, &mut export);
            }
            (_, Event::Text(t)) => {
                let content = t.xml10_content();
                if stack.is_empty() {
                    if !content.trim().is_empty() {
                        return Err(not_xml(before, saw_root));
                    }
                } else {
                    text.push_str(&content);
                }
            }
            (_, Event::CData(t)) => {
                if stack.is_empty() {
                    return Err(not_xml(before, saw_root));
                }
                text.push_str(&t.xml10_content());
            }
            (_, Event::GeneralRef(r)) => {
                if stack.is_empty() {
                    return Err(not_xml(before, saw_root));
                }
                let name: &str = &r;
                match r.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    Ok(None) => match resolve_predefined_entity(name) {
                        Some(s) => text.push_str(s),
                        None => {
                            return Err(XmlProblem::at(
                                before,
                                format!("unknown entity `&{name};`: XML knows only &amp; &lt; &gt; &quot; &apos; and numeric references such as &#233;"),
                            ));
                        }
                    },
                    Err(_) => return Err(XmlProblem::at(before, format!("`&{name};` is not a character XML allows"))),
                }
            }
            (_, Event::Eof) => {
                if let Some(open) = stack.last() {
                    return Err(XmlProblem {
                        offset: reader.buffer_position(),
                        message: "the export is incomplete, cut short while it was written or copied".into(),
                        unclosed: Some((open.name.clone(), open.at)),
                    });
                }
                if !saw_root {
                    return Err(XmlProblem::at(0, "the file holds no XML element: this is not a WordPress export (WXR)"));
                }
                if !saw_wordpress {
                    return Err(XmlProblem::at(
                        root_at,
                        "this is an RSS feed, not a WordPress export: it has no elements of WordPress's export namespace (wordpress.org/export/); export the site with Tools → Export",
                    ));
                }
                return Ok(export);
            }
            // Declarations, comments, processing instructions and doctypes carry nothing.
            _ => {}
        }
        buf.clear();
    }
}

fn not_xml(at: u64, saw_root: bool) -> XmlProblem {
    if saw_root {
        XmlProblem::at(at, "text after the root element: the export ends with something that is not XML")
    } else {
        XmlProblem::at(at, "text outside any element: this is not an XML file, and a WordPress export (WXR) is one")
    }
}

/// A quick-xml error in words a person editing the file can act on.
fn describe(err: &XmlError) -> String {
    match err {
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("malformed XML: `</{found}>` where `</{expected}>` was expected (an element is closed by the wrong name, or one inside it is never closed)")
        }
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(name)) => format!("malformed XML: `</{name}>` closes an element that was never opened"),
        XmlError::IllFormed(IllFormedError::UnclosedReference) => "malformed XML: an `&` reference is never closed by `;`".into(),
        XmlError::Syntax(SyntaxError::UnclosedCData) => "malformed XML: a `<![CDATA[` section is never closed by `]]>` (the file is cut short?)".into(),
        XmlError::Syntax(SyntaxError::UnclosedTag) => "malformed XML: a tag is never closed by `>` (the file is cut short?)".into(),
        XmlError::Syntax(SyntaxError::UnclosedComment) => "malformed XML: a comment is never closed by `-->`".into(),
        XmlError::Encoding(e) => format!("the file is not UTF-8 text: {e}"),
        XmlError::Io(e) => format!("could not read the file: {e}"),
        other => format!("malformed XML: {other}"),
    }
}

/// Starts filling what an element holds.
fn opened(tag: Element, parent: Element, start: &BytesStart, pending: &mut Pending) -> Result<(), String> {
    match (tag, parent) {
        (Element::Item, Element::Channel) => pending.item = Some(Item::default()),
        (Element::Author, Element::Channel) => pending.author = Some(WpAuthor::default()),
        (Element::WpCategory | Element::WpTag | Element::WpTerm, Element::Channel) => pending.term = Some(Default::default()),
        (Element::Postmeta, Element::Item) => pending.meta = Some(Default::default()),
        (Element::Category, Element::Item) => {
            let mut term = ItemTerm::default();
            for attr in start.attributes() {
                let attr = attr.map_err(|e| format!("malformed XML attribute: {e}"))?;
                let value = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|e| format!("malformed XML attribute value: {e}"))?;
                match attr.key.local_name().into_inner() {
                    "domain" => term.domain = value.into_owned(),
                    "nicename" => term.nicename = value.into_owned(),
                    _ => {}
                }
            }
            pending.category = Some(term);
        }
        _ => {}
    }
    Ok(())
}

/// Files the text of a closed element where it belongs.
fn closed(tag: Element, parent: Element, text: &mut String, pending: &mut Pending, export: &mut Export) {
    let mut value = || std::mem::take(text);
    match parent {
        Element::Channel => match tag {
            Element::Title => export.title = Some(value().trim().to_string()),
            Element::Link => export.link = Some(value().trim().to_string()),
            Element::Item => {
                if let Some(mut item) = pending.item.take() {
                    // Revisions and menu items are only counted: an export's
                    // revisions can outweigh its posts many times over.
                    if !matches!(item.post_type.as_str(), "post" | "page" | "") {
                        item.content = String::new();
                        item.excerpt = String::new();
                    }
                    export.items.push(item);
                }
            }
            Element::Author => export.authors.extend(pending.author.take()),
            Element::WpCategory | Element::WpTag | Element::WpTerm => {
                if let Some((id, name)) = pending.term.take()
                    && !id.is_empty()
                {
                    export.terms.insert(id, name);
                }
            }
            _ => {}
        },
        Element::Author => {
            if let Some(author) = &mut pending.author {
                match tag {
                    Element::AuthorLogin => author.login = value().trim().to_string(),
                    Element::AuthorDisplayName => author.display_name = value().trim().to_string(),
                    _ => {}
                }
            }
        }
        Element::WpCategory | Element::WpTag | Element::WpTerm => {
            if let Some((id, name)) = &mut pending.term {
                match tag {
                    Element::TermId => *id = value().trim().to_string(),
                    Element::CatName | Element::TagName | Element::TermName => *name = value().trim().to_string(),
                    _ => {}
                }
            }
        }
        Element::Postmeta => {
            if let Some((key, val)) = &mut pending.meta {
                match tag {
                    Element::MetaKey => *key = value().trim().to_string(),
                    Element::MetaValue => *val = value(),
                    _ => {}
                }
            }
        }
        Element::Item => {
            let Some(item) = &mut pending.item else { return };
            match tag {
                Element::Title => item.title = value().trim().to_string(),
                Element::Link => item.link = value().trim().to_string(),
                Element::PubDate => item.pub_date = value().trim().to_string(),
                Element::Creator => item.creator = value().trim().to_string(),
                Element::Content => item.content = value(),
                Element::Excerpt => item.excerpt = value(),
                Element::PostId => item.id = value().trim().to_string(),
                Element::PostDate => item.date = value().trim().to_string(),
                Element::PostDateGmt => item.date_gmt = value().trim().to_string(),
                Element::PostModified => item.modified = value().trim().to_string(),
                Element::PostModifiedGmt => item.modified_gmt = value().trim().to_string(),
                Element::PostName => item.name = value().trim().to_string(),
                Element::Status => item.status = value().trim().to_string(),
                Element::PostParent => item.parent = value().trim().to_string(),
                Element::PostType => item.post_type = value().trim().to_string(),
                Element::PostPassword => item.password = value(),
                Element::IsSticky => item.sticky = value().trim().to_string(),
                Element::AttachmentUrl => item.attachment_url = value().trim().to_string(),
                Element::Category => {
                    if let Some(mut term) = pending.category.take() {
                        term.name = value().trim().to_string();
                        item.terms.push(term);
                    }
                }
                Element::Postmeta => item.meta.extend(pending.meta.take()),
                Element::Comment => item.comments += 1,
                _ => {}
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(xml: &str) -> Result<Export, XmlProblem> {
        parse(xml.as_bytes())
    }

    const WP: &str = r#"<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>"#;

    #[test]
    fn cdata_pieces_and_references_are_joined_into_one_text() {
        let xml = format!(
            "{WP}<item><title>A &amp; B&#8217;s &#x41;</title><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[x ]]]]><![CDATA[> y]]></content:encoded></item></channel></rss>"
        );
        let export = parse_str(&xml).unwrap();
        assert_eq!(export.items[0].title, "A & B’s A");
        assert_eq!(export.items[0].content, "x ]]> y");
    }

    #[test]
    fn an_undeclared_wp_prefix_is_read_as_wordpress() {
        let xml = "<rss><channel><wp:wxr_version>1.2</wp:wxr_version><item><wp:post_type>page</wp:post_type></item></channel></rss>";
        let export = parse_str(xml).unwrap();
        assert_eq!(export.items[0].post_type, "page");
    }

    #[test]
    fn postmeta_of_comments_does_not_become_the_posts() {
        let xml = format!(
            "{WP}<item><wp:postmeta><wp:meta_key>a</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta><wp:comment><wp:commentmeta><wp:meta_key>b</wp:meta_key><wp:meta_value>2</wp:meta_value></wp:commentmeta></wp:comment><wp:comment/></item></channel></rss>"
        );
        let export = parse_str(&xml).unwrap();
        assert_eq!(export.items[0].meta, vec![("a".to_string(), "1".to_string())]);
        assert_eq!(export.items[0].comments, 2);
    }

    fn problem(xml: &str) -> XmlProblem {
        match parse_str(xml) {
            Ok(_) => panic!("parsed: {xml}"),
            Err(p) => p,
        }
    }

    #[test]
    fn an_unknown_entity_is_refused_where_it_stands() {
        let xml = format!("{WP}<item><title>a&nbsp;b</title></item></channel></rss>");
        let p = problem(&xml);
        assert!(p.message.contains("unknown entity `&nbsp;`"), "{}", p.message);
        assert_eq!(p.offset as usize, xml.find("&nbsp;").unwrap());
    }

    #[test]
    fn a_truncated_file_names_the_element_it_ends_in() {
        let xml = format!("{WP}<item><title>cut");
        let p = problem(&xml);
        assert!(p.message.contains("incomplete"), "{}", p.message);
        assert_eq!(p.unclosed, Some(("title".to_string(), xml.find("<title>").unwrap() as u64)));
        assert_eq!(p.offset as usize, xml.len());
    }

    #[test]
    fn a_file_cut_inside_a_cdata_section_says_so_where_it_opens() {
        let xml = format!("{WP}<item><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><![CDATA[<p>The body");
        let p = problem(&xml);
        assert!(p.message.contains("`<![CDATA[` section is never closed"), "{}", p.message);
        assert_eq!(p.offset as usize, xml.find("<![CDATA[").unwrap());
    }

    #[test]
    fn a_byte_order_mark_is_not_text_before_the_root() {
        let xml = format!("\u{feff}<?xml version=\"1.0\"?>\n{WP}<item><title>x</title></item></channel></rss>");
        assert_eq!(parse_str(&xml).unwrap().items.len(), 1);
    }

    #[test]
    fn items_not_imported_as_content_keep_no_body() {
        let xml = format!(
            "{WP}<item><wp:post_type>revision</wp:post_type><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">long</content:encoded></item></channel></rss>"
        );
        let export = parse_str(&xml).unwrap();
        assert_eq!((export.items[0].post_type.as_str(), export.items[0].content.as_str()), ("revision", ""));
    }

    #[test]
    fn what_is_not_a_wordpress_export_says_so() {
        assert!(problem("{\"posts\": []}").message.contains("not an XML file"));
        assert!(problem("").message.contains("no XML element"));
        assert!(problem("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>").message.contains("root element is `<feed>`"));
        assert!(
            problem("<rss><channel><title>A feed</title><item><title>x</title></item></channel></rss>").message.contains("RSS feed, not a WordPress export")
        );
    }
}
