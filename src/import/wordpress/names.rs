//! The names WXR uses: its namespaces, whatever their prefixes and
//! versions, and the elements the import reads.

/// The namespaces WXR uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace: RSS's own elements.
    Rss,
    /// `wordpress.org/export/1.x/`: the `wp:` fields.
    Wp,
    /// `purl.org/rss/1.0/modules/content/`: the body.
    Content,
    /// `wordpress.org/export/1.x/excerpt/`: the excerpt.
    Excerpt,
    /// Dublin Core: `dc:creator`.
    Dc,
    /// Any other.
    Other,
}

/// The elements the import reads, each named after its WXR element
/// (`wp:post_name` is `PostName`, `wp:category` is `WpCategory`, RSS's
/// `<category>` is `Category`); everything else is `WpOther` or `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Rss,
    Channel,
    Item,
    Title,
    Link,
    PubDate,
    Category,
    Creator,
    Content,
    Excerpt,
    Author,
    AuthorLogin,
    AuthorDisplayName,
    WpCategory,
    WpTag,
    WpTerm,
    TermId,
    CatName,
    TagName,
    TermName,
    PostId,
    PostDate,
    PostDateGmt,
    PostModified,
    PostModifiedGmt,
    PostName,
    Status,
    PostParent,
    PostType,
    PostPassword,
    IsSticky,
    AttachmentUrl,
    Postmeta,
    MetaKey,
    MetaValue,
    Comment,
    /// Another element of the WordPress namespace (`wp:wxr_version`, …).
    WpOther,
    Other,
}

impl Element {
    pub fn of(ns: Ns, local: &str) -> Element {
        match (ns, local) {
            (Ns::Rss, "rss") => Element::Rss,
            (Ns::Rss, "channel") => Element::Channel,
            (Ns::Rss, "item") => Element::Item,
            (Ns::Rss, "title") => Element::Title,
            (Ns::Rss, "link") => Element::Link,
            (Ns::Rss, "pubDate") => Element::PubDate,
            (Ns::Rss, "category") => Element::Category,
            (Ns::Dc, "creator") => Element::Creator,
            (Ns::Content, "encoded") => Element::Content,
            (Ns::Excerpt, "encoded") => Element::Excerpt,
            (Ns::Wp, local) => match local {
                "author" => Element::Author,
                "author_login" => Element::AuthorLogin,
                "author_display_name" => Element::AuthorDisplayName,
                "category" => Element::WpCategory,
                "tag" => Element::WpTag,
                "term" => Element::WpTerm,
                "term_id" => Element::TermId,
                "cat_name" => Element::CatName,
                "tag_name" => Element::TagName,
                "term_name" => Element::TermName,
                "post_id" => Element::PostId,
                "post_date" => Element::PostDate,
                "post_date_gmt" => Element::PostDateGmt,
                "post_modified" => Element::PostModified,
                "post_modified_gmt" => Element::PostModifiedGmt,
                "post_name" => Element::PostName,
                "status" => Element::Status,
                "post_parent" => Element::PostParent,
                "post_type" => Element::PostType,
                "post_password" => Element::PostPassword,
                "is_sticky" => Element::IsSticky,
                "attachment_url" => Element::AttachmentUrl,
                "postmeta" => Element::Postmeta,
                "meta_key" => Element::MetaKey,
                "meta_value" => Element::MetaValue,
                "comment" => Element::Comment,
                _ => Element::WpOther,
            },
            _ => Element::Other,
        }
    }
}

/// The namespace a URI names. WordPress has written `http://` and, in newer
/// tools, `https://`, and versions 1.0 to 1.2; a later version is read the same.
pub fn namespace(uri: &str) -> Ns {
    let Some(rest) = uri.strip_prefix("http://").or_else(|| uri.strip_prefix("https://")) else {
        return Ns::Other;
    };
    let rest = rest.trim_end_matches('/');
    if let Some(version) = rest.strip_prefix("wordpress.org/export/") {
        return match version.split_once('/') {
            None => Ns::Wp,
            Some((_, "excerpt")) => Ns::Excerpt,
            Some(_) => Ns::Other,
        };
    }
    match rest {
        "purl.org/rss/1.0/modules/content" => Ns::Content,
        "purl.org/dc/elements/1.1" => Ns::Dc,
        _ => Ns::Other,
    }
}

/// The namespace of an undeclared prefix: some hand-edited exports lose
/// their `xmlns:` declarations but keep WordPress's usual prefixes.
pub fn conventional(prefix: &str) -> Ns {
    match prefix {
        "wp" => Ns::Wp,
        "content" => Ns::Content,
        "excerpt" => Ns::Excerpt,
        "dc" => Ns::Dc,
        _ => Ns::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_decide_whatever_the_version_or_scheme() {
        assert_eq!(namespace("http://wordpress.org/export/1.0/"), Ns::Wp);
        assert_eq!(namespace("https://wordpress.org/export/1.2/"), Ns::Wp);
        assert_eq!(namespace("http://wordpress.org/export/1.1/excerpt/"), Ns::Excerpt);
        assert_eq!(namespace("http://purl.org/rss/1.0/modules/content/"), Ns::Content);
        assert_eq!(namespace("http://purl.org/dc/elements/1.1/"), Ns::Dc);
        assert_eq!(namespace("http://wellformedweb.org/CommentAPI/"), Ns::Other);
        assert_eq!(namespace("urn:wordpress.org/export/1.2/"), Ns::Other);
    }
}
