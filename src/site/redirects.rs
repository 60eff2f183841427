//! Old addresses kept: a redirect page at every alias in each tree, and
//! the list of all of them for hosts that redirect by themselves
//! (`_redirects` for Netlify and Cloudflare Pages, a `map` for nginx).

use std::fmt::Write;

use super::Site;
use crate::content;
use crate::target::Target;
use crate::text::xml_escape;
use crate::urls;

/// The characters of a path that `_redirects` must see escaped: it splits
/// its lines at spaces and reads them as URLs.
const PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'?');

/// The page at an old address: it sends browsers on at once and tells
/// search engines where the page now is. Written by lede rather than a
/// template so that no theme can leave it without its refresh.
pub fn redirect_page(language: &str, title: &str, to: &str, canonical: &str) -> String {
    let (to, title, canonical) = (xml_escape(to), xml_escape(title), xml_escape(canonical));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">{title}</a>.</p>\n</body>\n</html>\n",
        xml_escape(language)
    )
}

/// The path part of a tree's root URL (`""` for `https://example.org`, `/members` for `https://example.org/members`).
fn root_path(root: &str) -> &str {
    match root.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| rest[i..].trim_end_matches('/')),
        None => root.trim_end_matches('/'),
    }
}

impl Site {
    /// The redirect page of `alias` in `target`'s tree: its file and bytes.
    pub(super) fn render_alias(&self, target: Target, alias: &str, title: &str, dir: &str) -> (String, Vec<u8>) {
        let config = &self.setup.config;
        let to = urls::url(config.tree_url(target), dir);
        let canonical = urls::url(&config.base_url, dir);
        (urls::alias_file(alias), redirect_page(&config.language, title, &to, &canonical).into_bytes())
    }

    /// Every alias of the site as `(from, to)` URL paths in `target`'s tree, sorted.
    pub fn redirect_pairs(&self, target: Target) -> Vec<(String, String)> {
        let root = root_path(self.setup.config.tree_url(target));
        let mut pairs: Vec<(String, String)> =
            content::aliases(&self.library).map(|(alias, _, dir, _)| (format!("{root}{}", alias.path), format!("{root}/{dir}"))).collect();
        pairs.sort();
        pairs
    }

    /// `_redirects` for `target`'s tree, or `None` when the site has no alias.
    pub(super) fn render_redirects(&self, target: Target) -> Option<(String, Vec<u8>)> {
        let pairs = self.redirect_pairs(target);
        let netlify = target == Target::Public && self.setup.config.deploy.hosts.contains(&crate::config::Host::Netlify);
        if pairs.is_empty() && !netlify {
            return None;
        }
        let mut out = String::from("# Old addresses and where they moved (written by lede from each page's `aliases`).\n");
        for (from, to) in pairs {
            let from = percent_encoding::utf8_percent_encode(&from, PATH_ESCAPES);
            let _ = writeln!(out, "{from} {to} 301");
        }
        if netlify {
            out.push_str(crate::deploy::NETLIFY_MEMBERS);
        }
        Some((urls::REDIRECTS.into(), out.into_bytes()))
    }

    /// `redirects.map` for `target`'s tree: the entries of an nginx `map $uri`
    /// block (nginx compares the decoded path), or `None` when the site has no alias.
    pub(super) fn render_redirect_map(&self, target: Target) -> Option<(String, Vec<u8>)> {
        let pairs = self.redirect_pairs(target);
        if pairs.is_empty() {
            return None;
        }
        let mut out = String::from(
            "# Old addresses and where they moved, for nginx:\n#   map $uri $lede_redirect { include redirects.map; }\n#   if ($lede_redirect) { return 301 $lede_redirect; }\n",
        );
        for (from, to) in pairs {
            // A folder's address also answers without its last slash, as servers redirect one to the other.
            if let Some(bare) = from.strip_suffix('/') {
                let _ = writeln!(out, "\"{bare}\" \"{to}\";");
            }
            let _ = writeln!(out, "\"{from}\" \"{to}\";");
        }
        Some((urls::REDIRECTS_MAP.into(), out.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_path_of_a_tree_is_what_its_urls_start_with() {
        assert_eq!(root_path("https://example.org"), "");
        assert_eq!(root_path("https://example.org/members"), "/members");
        assert_eq!(root_path("https://example.org/members/"), "/members");
    }

    #[test]
    fn a_redirect_page_escapes_what_it_is_given() {
        let page = redirect_page("en", "A \"quoted\" <title>", "https://example.org/articles/x/", "https://example.org/articles/x/");
        assert!(page.contains("<title>Moved: A &quot;quoted&quot; &lt;title&gt;</title>"), "{page}");
        assert!(page.contains("content=\"0; url=https://example.org/articles/x/\""));
    }
}
