//! Images a body embeds from the site itself: which file a written address
//! names (beside a folder article, or under `static/` for `/…`), its size
//! (read from the file's header, once per file per build), the WebP widths
//! made of it for `srcset`, and the cache on disk that makes each of them
//! once. Images on other hosts are none of its business.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;
use crate::layout::STATIC_DIR;

/// The widths of the WebP variants, each made only when narrower than the original.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// Where made variants are kept between builds, in the site folder.
pub const CACHE_DIR: &str = ".lede-cache/images";

/// The widest the built-in theme shows an image at, in CSS pixels (its
/// text column, 32em), for `sizes`.
const COLUMN_PX: u32 = 640;

/// A local image a body embeds, with what its `<img>` needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalImage {
    /// The file, relative to the site root.
    pub file: PathBuf,
    /// Pixel width and height: from the header of a PNG, JPEG, WebP or GIF, from the root element of an SVG.
    pub size: Option<(u32, u32)>,
    /// The widths of the WebP variants written beside it (empty: none).
    pub widths: Vec<u32>,
}

/// What a written image address turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// On another host, or not a file address (`data:`): left alone.
    Elsewhere,
    /// A file of the site that exists.
    Local(LocalImage),
    /// A file of the site that does not exist: the path looked for.
    Missing(PathBuf),
}

/// What is known of one file, remembered for the rest of the build.
#[derive(Debug, Clone, Copy)]
enum Probe {
    Missing,
    Size(Option<(u32, u32)>),
}

/// The sizes read so far and the variants made, shared by every page of a build.
#[derive(Debug)]
pub struct Images {
    root: PathBuf,
    probes: Mutex<HashMap<PathBuf, Probe>>,
    made: AtomicUsize,
    cached: AtomicUsize,
}

/// Images whose variants a build made, and those it found in the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageCounts {
    /// Decoded, resized and encoded by this build.
    pub made: usize,
    /// Every variant read from the cache.
    pub cached: usize,
}

impl Images {
    /// Nothing known yet of the site at `root`.
    pub fn new(root: &Path) -> Images {
        Images { root: root.to_path_buf(), probes: Mutex::new(HashMap::new()), made: AtomicUsize::new(0), cached: AtomicUsize::new(0) }
    }

    /// The file `written` names, embedded on the page at `page_url` (ending
    /// in `/`) of a site at `base_url`; `bundle` is the folder of an article
    /// or page that is one (relative to the site root). `variants`: whether
    /// WebP widths will be written beside it.
    pub fn locate(&self, written: &str, page_url: &str, base_url: &str, bundle: Option<&Path>, variants: bool) -> Located {
        let Some(file) = site_file(written, page_url, base_url, bundle) else { return Located::Elsewhere };
        let probe = self.probe(&file);
        match probe {
            Probe::Missing => Located::Missing(file),
            Probe::Size(size) => {
                let widths = match size {
                    Some((w, _)) if variants && resizable(&file) => WIDTHS.into_iter().filter(|&v| v < w).collect(),
                    _ => Vec::new(),
                };
                Located::Local(LocalImage { file, size, widths })
            }
        }
    }

    fn probe(&self, file: &Path) -> Probe {
        if let Some(p) = self.probes.lock().unwrap_or_else(PoisonError::into_inner).get(file) {
            return *p;
        }
        let path = self.root.join(file);
        let probe = if !path.is_file() {
            Probe::Missing
        } else if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg")) {
            Probe::Size(std::fs::read(&path).ok().and_then(|b| svg_size(&b)))
        } else {
            Probe::Size(imagesize::size(&path).ok().map(|s| (s.width as u32, s.height as u32)))
        };
        self.probes.lock().unwrap_or_else(PoisonError::into_inner).insert(file.to_path_buf(), probe);
        probe
    }

    /// The WebP variants of `image`, widest last: from the cache when all
    /// are there, else made (in parallel) and kept in the cache.
    pub fn variants(&self, image: &LocalImage) -> Result<Vec<(u32, Vec<u8>)>, Diagnostic> {
        let bytes = std::fs::read(self.root.join(&image.file)).map_err(|e| Diagnostic::io(&image.file, "read the image to resize it", &e))?;
        let key = hex(&Sha256::digest(&bytes)[..16]);
        let cache = self.root.join(CACHE_DIR);
        let cached: Option<Vec<_>> = image.widths.iter().map(|&w| std::fs::read(cache.join(cache_name(&key, w))).ok().map(|b| (w, b))).collect();
        if let Some(found) = cached {
            self.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(found);
        }
        let lossy = is_photo(&image.file);
        let decoded =
            image::load_from_memory(&bytes).map_err(|e| Diagnostic::file(&image.file, format!("cannot read this image to make its smaller versions: {e}")))?;
        let made: Vec<(u32, Vec<u8>)> = image
            .widths
            .par_iter()
            .map(|&w| {
                let h = ((u64::from(decoded.height()) * u64::from(w) + u64::from(decoded.width()) / 2) / u64::from(decoded.width())).max(1) as u32;
                let small = decoded.resize_exact(w, h, image::imageops::FilterType::Triangle);
                encode(&small, lossy)
                    .map(|out| (w, out))
                    .map_err(|e| Diagnostic::file(&image.file, format!("cannot write a {w} pixel wide version of this image: {e}")))
            })
            .collect::<Result<_, _>>()?;
        // The cache only saves time: a build that cannot keep it still succeeds.
        if std::fs::create_dir_all(&cache).is_ok() {
            for (w, bytes) in &made {
                let _ = keep(&cache, &cache_name(&key, *w), bytes);
            }
        }
        self.made.fetch_add(1, Ordering::Relaxed);
        Ok(made)
    }

    /// The counts so far, reset for the next build.
    pub fn take_counts(&self) -> ImageCounts {
        ImageCounts { made: self.made.swap(0, Ordering::Relaxed), cached: self.cached.swap(0, Ordering::Relaxed) }
    }
}

/// How lossy copies are made: libwebp's quality scale, where 80 keeps a
/// photograph's detail at a fraction of the lossless size.
const PHOTO_QUALITY: f32 = 80.0;

/// The cache's name for the `width` copy of the file whose hash is `key`;
/// the encoding is in the name, so a change of it makes the copies anew.
fn cache_name(key: &str, width: u32) -> String {
    format!("{key}-{width}-q80.webp")
}

/// Whether a file is a photograph, stored lossily already: a JPEG (or a
/// WebP, nearly always lossy). Its copies are lossy WebP; a PNG (a chart, a map, a diagram: flat colours
/// and sharp text) keeps lossless copies. Lossless copies of a photograph
/// would be larger than the JPEG itself: a 720-pixel JPEG of 259 KB gave a
/// 480-pixel lossless WebP of 316 KB, and a lossy one of 38 KB.
fn is_photo(file: &Path) -> bool {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    matches!(ext.as_str(), "jpg" | "jpeg" | "webp")
}

/// `image` as WebP: lossy for a photograph, else lossless.
fn encode(image: &image::DynamicImage, lossy: bool) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    if lossy {
        let px = image.to_rgb8();
        return Ok(webp::Encoder::from_rgb(&px, w, h).encode(PHOTO_QUALITY).to_vec());
    }
    let mut out = Vec::new();
    let encoded = if image.color().has_alpha() {
        image::codecs::webp::WebPEncoder::new_lossless(&mut out).encode(&image.to_rgba8(), w, h, image::ExtendedColorType::Rgba8)
    } else {
        image::codecs::webp::WebPEncoder::new_lossless(&mut out).encode(&image.to_rgb8(), w, h, image::ExtendedColorType::Rgb8)
    };
    encoded.map(|()| out).map_err(|e| e.to_string())
}

/// Writes `bytes` to `dir/name` in one step, so that a killed build leaves no half file in the cache.
fn keep(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An SVG's size in CSS pixels, from its root element: `width` and
/// `height` when both are plain numbers (or `px`), else the `viewBox`'s
/// width and height, as a browser sizes an `<img>` of it. `None` when it
/// says neither (or in units such as `em` or `%` that have no pixel size).
fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let root = loop {
        match reader.read_event_into(&mut buf).ok()? {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => break e.into_owned(),
            quick_xml::events::Event::Eof => return None,
            _ => buf.clear(),
        }
    };
    if root.local_name().as_ref() != "svg" {
        return None;
    }
    let attr = |name: &str| root.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| a.value.into_owned());
    let pixels = |v: &str| {
        let n: f64 = v.trim().trim_end_matches("px").trim().parse().ok()?;
        (n.is_finite() && n >= 1.0).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (attr("width").as_deref().and_then(pixels), attr("height").as_deref().and_then(pixels)) {
        return Some((w, h));
    }
    let view_box = attr("viewBox")?;
    let numbers: Vec<f64> = view_box.split([' ', ',']).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect();
    match numbers[..] {
        [_, _, w, h] if w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0 => Some((w.round() as u32, h.round() as u32)),
        _ => None,
    }
}

/// Whether the `image` crate, as built, can decode the file (judged by its name).
fn resizable(file: &Path) -> bool {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "webp")
}

/// The site file (relative to the root) an image address names, or `None`
/// when it names none: another host, another scheme, an empty address.
fn site_file(written: &str, page_url: &str, base_url: &str, bundle: Option<&Path>) -> Option<PathBuf> {
    if written.is_empty() || written.starts_with('#') {
        return None;
    }
    let page = url::Url::parse(page_url).ok()?;
    let absolute = page.join(written).ok()?;
    if absolute.origin() != page.origin() || written.starts_with("//") || url::Url::parse(written).is_ok() {
        return None;
    }
    let path = percent_encoding::percent_decode_str(absolute.path()).decode_utf8().ok()?.into_owned();
    if let Some(dir) = bundle
        && !written.starts_with('/')
        && let Some(rest) = path.strip_prefix(page.path())
    {
        return Some(dir.join(rest));
    }
    // `/x.png` is static/x.png whatever path the site is served under; a
    // relative address climbing out of the page is read against the site's root.
    let site_path = if written.starts_with('/') {
        path.trim_start_matches('/').to_string()
    } else {
        let base_path = url::Url::parse(base_url).map(|b| b.path().trim_end_matches('/').to_string()).unwrap_or_default();
        path.strip_prefix(&base_path).unwrap_or(&path).trim_start_matches('/').to_string()
    };
    Some(Path::new(STATIC_DIR).join(site_path))
}

/// `name` with its extension replaced by `-{width}.webp` (`img/chart.png` → `img/chart-960.webp`).
pub fn variant_name(name: &str, width: u32) -> String {
    let file_start = name.rfind('/').map_or(0, |i| i + 1);
    let stem_end = name[file_start..].rfind('.').filter(|&i| i > 0).map_or(name.len(), |i| file_start + i);
    format!("{}-{width}.webp", &name[..stem_end])
}

/// The `srcset` of an image written as `dest`, escaped for an HTML
/// attribute: its WebP widths, then the original at its own width; `None`
/// when it has no widths.
pub fn srcset(dest: &str, image: &LocalImage) -> Option<String> {
    let (Some((width, _)), false) = (image.size, image.widths.is_empty()) else { return None };
    // Variants sit beside the original: named from the address without its query.
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    let mut set = String::with_capacity((path.len() + 12) * (image.widths.len() + 1));
    // Each address is escaped alone: a space in one would split the list.
    for &w in &image.widths {
        let _ = pulldown_cmark_escape::escape_href(&mut set, &variant_name(path, w));
        set.push_str(&format!(" {w}w, "));
    }
    let _ = pulldown_cmark_escape::escape_href(&mut set, dest);
    set.push_str(&format!(" {width}w"));
    Some(set)
}

/// The `sizes` attribute for an image `width` pixels wide.
pub fn sizes(width: u32) -> String {
    let shown = width.min(COLUMN_PX);
    format!("(max-width: {shown}px) 100vw, {shown}px")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://example.org/articles/x/";
    const BASE: &str = "https://example.org";

    #[test]
    fn an_svg_is_sized_by_its_width_and_height_or_its_view_box() {
        let size = |s: &str| svg_size(s.as_bytes());
        assert_eq!(size(r#"<?xml version="1.0"?><!-- map --><svg xmlns="http://www.w3.org/2000/svg" width="640" height="320.4px"/>"#), Some((640, 320)));
        assert_eq!(size(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 630"><rect/></svg>"#), Some((1200, 630)));
        assert_eq!(size(r#"<svg width="100%" height="100%" viewBox="0,0,300,150"></svg>"#), Some((300, 150)));
        assert_eq!(size(r#"<svg width="10em" height="5em"></svg>"#), None);
        assert_eq!(size("<html></html>"), None);
        assert_eq!(size("not xml at all <"), None);
    }

    #[test]
    fn an_address_names_a_file_beside_a_folder_article_or_under_static() {
        let dir = Path::new("content/articles/x");
        assert_eq!(site_file("chart.png", PAGE, BASE, Some(dir)), Some(dir.join("chart.png")));
        assert_eq!(site_file("img/a%20b.png?v=2#top", PAGE, BASE, Some(dir)), Some(dir.join("img/a b.png")));
        assert_eq!(site_file("/images/logo.png", PAGE, BASE, Some(dir)), Some(PathBuf::from("static/images/logo.png")));
        assert_eq!(site_file("../../images/logo.png", PAGE, BASE, None), Some(PathBuf::from("static/images/logo.png")));
        assert_eq!(site_file("/../../etc/passwd", PAGE, BASE, None), Some(PathBuf::from("static/etc/passwd")));
        assert_eq!(
            site_file("chart.png", "https://example.org/blog/articles/x/", "https://example.org/blog", None),
            Some(PathBuf::from("static/articles/x/chart.png"))
        );
    }

    #[test]
    fn other_hosts_and_schemes_are_left_alone() {
        for written in ["https://cdn.example.net/a.png", "//cdn.example.net/a.png", "data:image/png;base64,AAAA", "https://example.org/a.png", ""] {
            assert_eq!(site_file(written, PAGE, BASE, None), None, "{written}");
        }
    }

    #[test]
    fn a_variant_replaces_the_extension() {
        assert_eq!(variant_name("chart.png", 960), "chart-960.webp");
        assert_eq!(variant_name("img.v2/chart", 480), "img.v2/chart-480.webp");
        assert_eq!(variant_name("a/.hidden", 480), "a/.hidden-480.webp");
    }
}
