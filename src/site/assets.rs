//! The files of an article or page that is a folder (`index.md` with its
//! images, data and PDFs beside it), written beside its page. Assets follow
//! the cut: a file that the free part, a footnote it cites, or the cover
//! names goes to both trees; one that only the paid part names, or that
//! nothing names, goes to the members tree only, so no paid chart or full
//! report reaches the public tree. Which file a page names is read from its
//! rendered HTML, so raw HTML in Markdown counts as much as `![]()`. The
//! WebP widths of an image go where the image goes.

use std::collections::BTreeSet;
use std::path::Path;

use super::Setup;
use crate::content::{Article, Page};
use crate::diagnostics::{Diagnostic, Result};
use crate::images::{self, LocalImage};
use crate::layout::STATIC_DIR;
use crate::linkcheck;
use crate::output::Sink;
use crate::target::{PerTarget, Target};
use crate::urls;

/// The assets among `assets` that `html`, shown at `page_url` (ending in `/`), names.
fn named_in(html: &str, page_url: &str, assets: &[String]) -> BTreeSet<String> {
    let Ok(base) = url::Url::parse(page_url) else { return BTreeSet::new() };
    let mut named = BTreeSet::new();
    for (_, href) in linkcheck::scan(html).refs {
        let Ok(mut absolute) = base.join(&href) else { continue };
        absolute.set_fragment(None);
        absolute.set_query(None);
        let Some(rest) = absolute.as_str().strip_prefix(page_url) else { continue };
        let rel = percent_encoding::percent_decode_str(rest).decode_utf8_lossy();
        if assets.iter().any(|a| *a == rel) {
            named.insert(rel.into_owned());
        }
    }
    named
}

/// Which trees each asset of `article` goes to.
pub fn routes(setup: &Setup, article: &Article) -> Vec<(String, PerTarget<bool>)> {
    if article.assets.is_empty() {
        return Vec::new();
    }
    let config = setup.config();
    let public_url = urls::article_url(&config.base_url, &article.meta.slug);
    let free_html = format!("{}{}", article.public.html, article.public.footnotes_html);
    let mut free = named_in(&free_html, &public_url, &article.assets);
    // The cover is public (og:image, cards, feeds), however its address is written.
    if let Some(cover) = article.meta.image.as_deref() {
        let absolute = urls::image_url(&config.base_url, &public_url, cover);
        if let Some(rel) = absolute.strip_prefix(public_url.as_str()) {
            free.insert(percent_encoding::percent_decode_str(rel).decode_utf8_lossy().into_owned());
        }
    }
    article.assets.iter().map(|a| (a.clone(), PerTarget::from_fn(|t| t == Target::Members || free.contains(a)))).collect()
}

/// The assets of `article` that neither side of its text nor its cover
/// names, each as a warning: they are written to the members tree only.
fn unnamed(setup: &Setup, article: &Article) -> Vec<Diagnostic> {
    if article.assets.is_empty() {
        return Vec::new();
    }
    let free: BTreeSet<String> = routes(setup, article).into_iter().filter(|(_, trees)| trees[Target::Public]).map(|(a, _)| a).collect();
    let paid = article.members.as_ref().map_or_else(BTreeSet::new, |m| {
        let public_url = urls::article_url(&setup.config().base_url, &article.meta.slug);
        named_in(&format!("{}{}", m.html, m.footnotes_html), &public_url, &article.assets)
    });
    let dir = article.meta.source.parent().unwrap_or(Path::new(""));
    let slug = &article.meta.slug;
    article
        .assets
        .iter()
        .filter(|a| !free.contains(*a) && !paid.contains(*a))
        .map(|a| {
            Diagnostic::file(
                dir.join(a),
                format!(
                    "nothing in the article names this file, so it is written to the members tree only ({}{a}): link or embed it where readers should find it, or move it out of the article's folder",
                    urls::article_dir(slug)
                ),
            )
        })
        .collect()
}

impl Setup {
    /// The files of `article`'s folder that nothing names, as warnings.
    pub fn unnamed_assets(&self, article: &Article) -> Vec<Diagnostic> {
        unnamed(self, article)
    }

    /// Copies the assets of `article` into the trees their routes name.
    pub fn write_article_assets(&self, article: &Article, sink: &dyn Sink) -> Result<usize> {
        let routes = routes(self, article);
        let dir = article.meta.source.parent().unwrap_or(Path::new(""));
        let mut written = 0;
        for (asset, trees) in &routes {
            let bytes = self.read_asset(dir, asset)?;
            for target in Target::ALL.into_iter().filter(|t| trees[*t]) {
                sink.write(target, &format!("{}{asset}", urls::article_dir(&article.meta.slug)), &bytes)?;
                written += 1;
            }
        }
        written += self.write_variants(&article.images, dir, &urls::article_dir(&article.meta.slug), sink, |asset| {
            // A variant goes where its original goes: a paid-only chart's smaller copies stay in the members tree.
            routes.iter().find(|(a, _)| a == asset).map_or(PerTarget::from_fn(|t| t == Target::Members), |(_, trees)| *trees)
        })?;
        Ok(written)
    }

    /// Writes the WebP widths of `images` beside their originals: a file of
    /// the folder `dir` (written under `out_dir`) into the trees `route`
    /// gives its name, a file of static/ into both, as static/ is public.
    fn write_variants(&self, images: &[LocalImage], dir: &Path, out_dir: &str, sink: &dyn Sink, route: impl Fn(&str) -> PerTarget<bool>) -> Result<usize> {
        let mut written = 0;
        for image in images {
            let (name, trees) = if let Ok(asset) = image.file.strip_prefix(dir) {
                let asset = asset.to_string_lossy().replace('\\', "/");
                (format!("{out_dir}{asset}"), route(&asset))
            } else if let Ok(path) = image.file.strip_prefix(STATIC_DIR) {
                (path.to_string_lossy().replace('\\', "/"), PerTarget::from_fn(|_| true))
            } else {
                continue;
            };
            for (width, bytes) in self.images().variants(image)? {
                for target in Target::ALL.into_iter().filter(|t| trees[*t]) {
                    sink.write(target, &images::variant_name(&name, width), &bytes)?;
                    written += 1;
                }
            }
        }
        Ok(written)
    }

    /// Copies the assets of `page` into both trees: a page is public whole.
    pub fn write_page_assets(&self, page: &Page, sink: &dyn Sink) -> Result<usize> {
        let dir = page.source.parent().unwrap_or(Path::new(""));
        for asset in &page.assets {
            sink.write_both(&format!("{}{asset}", urls::page_dir(&page.path)), &self.read_asset(dir, asset)?)?;
        }
        let variants = self.write_variants(&page.images, dir, &urls::page_dir(&page.path), sink, |_| PerTarget::from_fn(|_| true))?;
        Ok(page.assets.len() * 2 + variants)
    }

    fn read_asset(&self, dir: &Path, asset: &str) -> Result<Vec<u8>> {
        let rel = dir.join(asset);
        std::fs::read(self.root().join(&rel)).map_err(|e| Diagnostic::io(&rel, "read the file to copy it beside its page", &e).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_asset_counts_as_named_when_a_link_or_embed_resolves_to_it() {
        let assets = vec!["chart.png".to_string(), "data/full report.pdf".to_string(), "other.csv".to_string()];
        let html = r#"<img src="chart.png"> <a href="./data/full%20report.pdf#p2">pdf</a> <a href="https://example.org/articles/y/other.csv">elsewhere</a>"#;
        let named = named_in(html, "https://example.org/articles/x/", &assets);
        assert_eq!(named.into_iter().collect::<Vec<_>>(), ["chart.png", "data/full report.pdf"]);
    }
}
