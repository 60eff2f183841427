//! Images: attachments by id, for featured images, and the files of an
//! `uploads/` folder beside the export, copied so that the old
//! `/wp-content/uploads/...` addresses keep working from `static/`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;

use super::wxr::Item;
use crate::import::Asset;

/// Where WordPress keeps uploads, in every URL it gives them.
const UPLOADS: &str = "/wp-content/uploads/";

/// Attachments and the local uploads folder, if there is one.
#[derive(Debug, Default)]
pub struct Images {
    /// Attachment id → its URL.
    attachments: HashMap<String, String>,
    /// The folder that `.../wp-content/uploads/` URLs name.
    uploads: Option<PathBuf>,
}

impl Images {
    /// The export's attachments, and `wp-content/uploads/` or `uploads/` beside the export.
    pub fn new<'a>(attachments: impl IntoIterator<Item = &'a Item>, beside: Option<&Path>) -> Self {
        let attachments =
            attachments.into_iter().filter(|i| !i.id.is_empty() && !i.attachment_url.is_empty()).map(|i| (i.id.clone(), i.attachment_url.clone())).collect();
        let uploads = beside.and_then(|dir| [dir.join("wp-content").join("uploads"), dir.join("uploads")].into_iter().find(|d| d.is_dir()));
        Images { attachments, uploads }
    }

    /// A featured image: the site path its copy will have, or the URL when no copy was found.
    pub fn featured(&self, id: &str) -> Option<String> {
        let url = self.attachments.get(id)?;
        Some(match self.local(url) {
            Some(_) => format!("{UPLOADS}{}", uploads_rest(url).unwrap_or_default()),
            None => url.clone(),
        })
    }

    /// The file an uploads URL names, when it is in the local folder.
    fn local(&self, url: &str) -> Option<Asset> {
        let dir = self.uploads.as_ref()?;
        let rest = percent_decode_str(uploads_rest(url)?).decode_utf8().ok()?;
        let segments: Vec<&str> = rest.split('/').collect();
        // The URL names a file under uploads/, never one outside it.
        if segments.iter().any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains(['\\', ':', '\0'])) {
            return None;
        }
        let from = segments.iter().fold(dir.clone(), |p, s| p.join(s));
        let to = segments.iter().fold(PathBuf::from("wp-content").join("uploads"), |p, s| p.join(s));
        from.is_file().then_some(Asset { from, to })
    }

    /// The files to copy: every attachment, and every uploads URL the
    /// bodies use (resized copies such as `photo-300x200.jpg` are not
    /// attachments of their own), that is in the local folder.
    pub fn assets<'a>(&self, bodies: impl IntoIterator<Item = &'a str>) -> Vec<Asset> {
        if self.uploads.is_none() {
            return Vec::new();
        }
        let mut found = BTreeMap::new();
        let mut add = |url: &str| {
            if let Some(asset) = self.local(url) {
                found.entry(asset.to.clone()).or_insert(asset);
            }
        };
        self.attachments.values().for_each(|url| add(url));
        bodies.into_iter().flat_map(uploads_in).for_each(&mut add);
        found.into_values().collect()
    }
}

/// What follows `/wp-content/uploads/` in a URL, without query or fragment.
fn uploads_rest(url: &str) -> Option<&str> {
    let start = url.find(UPLOADS)? + UPLOADS.len();
    let rest = &url[start..];
    Some(rest.split(['?', '#']).next().unwrap_or(rest)).filter(|r| !r.is_empty())
}

/// The uploads URLs in an HTML body (in `src`, `href` and `srcset` alike),
/// each cut at the first character a URL in an attribute cannot hold.
fn uploads_in(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices(UPLOADS).map(move |(i, _)| {
        let rest = &html[i..];
        let end = rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')' | '\\')).unwrap_or(rest.len());
        &rest[..end]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_urls_are_found_in_any_attribute() {
        let html = r#"<img src="https://example.org/wp-content/uploads/2019/05/a.jpg?w=300" srcset="/wp-content/uploads/2019/05/a-300x200.jpg 300w, /wp-content/uploads/b.png 2x">"#;
        let found: Vec<&str> = uploads_in(html).filter_map(uploads_rest).collect();
        assert_eq!(found, ["2019/05/a.jpg", "2019/05/a-300x200.jpg", "b.png"]);
    }

    #[test]
    fn only_files_inside_the_uploads_folder_are_copied() {
        let tmp = tempfile::tempdir().unwrap();
        let uploads = tmp.path().join("uploads");
        std::fs::create_dir_all(uploads.join("2020")).unwrap();
        std::fs::write(uploads.join("2020").join("caf\u{e9}.jpg"), "x").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "x").unwrap();
        let attachment = Item { id: "5".into(), attachment_url: "https://example.org/wp-content/uploads/2020/caf%C3%A9.jpg".into(), ..Item::default() };
        let images = Images::new([&attachment], Some(tmp.path()));
        let assets = images.assets(["<a href=\"/wp-content/uploads/../secret.txt\">", "<img src=\"/wp-content/uploads/2020/missing.jpg\">"]);
        assert_eq!(assets, vec![Asset { from: uploads.join("2020").join("caf\u{e9}.jpg"), to: PathBuf::from("wp-content/uploads/2020/caf\u{e9}.jpg") }]);
        assert_eq!(images.featured("5").as_deref(), Some("/wp-content/uploads/2020/caf%C3%A9.jpg"));
        assert_eq!(images.featured("6"), None);
        let elsewhere = Images::new([&attachment], None);
        assert_eq!(elsewhere.featured("5").as_deref(), Some("https://example.org/wp-content/uploads/2020/caf%C3%A9.jpg"));
        assert!(elsewhere.assets(["/wp-content/uploads/2020/caf%C3%A9.jpg"]).is_empty());
    }
}
