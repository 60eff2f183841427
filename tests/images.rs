//! The site's own images: `<img>` with the file's width and height, WebP
//! versions at smaller widths beside the original that follow its side of
//! the cut, a cache that makes each once, and a clear error for an image
//! whose file is not there.

mod common;

use common::Site;

fn picture(width: u32, height: u32, name: &str) -> Vec<u8> {
    common::picture(width, height, name, 128)
}

fn charts_site() -> Site {
    let site = Site::new();
    site.write(
        "content/articles/charts/index.md",
        "+++\ntitle = \"Charts\"\ndate = 2025-03-01\n+++\n![The free chart](free.png \"Exports\")\n\n![](/images/logo.png)\n\n<!-- paywall -->\n\n![The paid chart](paid.jpg)\n\n![Elsewhere](https://cdn.example.net/x.png)\n",
    );
    site.write("content/articles/charts/free.png", picture(1000, 500, "free.png"));
    site.write("content/articles/charts/paid.jpg", picture(600, 300, "paid.jpg"));
    site.write("static/images/logo.png", picture(100, 50, "logo.png"));
    site
}

fn exists(site: &Site, rel: &str) -> bool {
    site.path(rel).is_file()
}

#[test]
fn a_local_image_gets_its_size_and_srcset_and_only_the_first_loads_eagerly() {
    let site = charts_site();
    site.build_ok();
    let public = site.read("dist/public/articles/charts/index.html");
    assert!(
        public.contains(r#"<figure class="figure"><img src="free.png" alt="The free chart" width="1000" height="500" srcset="free-480.webp 480w, free-960.webp 960w, free.png 1000w" sizes="(max-width: 640px) 100vw, 640px" /><figcaption>Exports</figcaption></figure>"#),
        "{public}"
    );
    // Too small for any variant; not the first, so lazy.
    assert!(public.contains(r#"<img src="/images/logo.png" alt="" width="100" height="50" loading="lazy" decoding="async" />"#), "{public}");
    let members = site.read("dist/members/articles/charts/index.html");
    assert!(members.contains(r#"<img src="paid.jpg" alt="The paid chart" width="600" height="300" srcset="paid-480.webp 480w, paid.jpg 600w""#), "{members}");
    // Another host's image is left as written, but lazy all the same.
    assert!(members.contains(r#"<img src="https://cdn.example.net/x.png" alt="Elsewhere" loading="lazy" decoding="async" />"#), "{members}");
}

#[test]
fn variants_are_written_beside_their_original_and_follow_its_side_of_the_cut() {
    let site = charts_site();
    site.build_ok();
    for tree in ["public", "members"] {
        for name in ["free.png", "free-480.webp", "free-960.webp"] {
            assert!(exists(&site, &format!("dist/{tree}/articles/charts/{name}")), "{tree}/{name}");
        }
        assert!(!exists(&site, &format!("dist/{tree}/articles/charts/free-1440.webp")), "never wider than the original");
        assert!(!exists(&site, &format!("dist/{tree}/images/logo-480.webp")), "no variant of a small image");
    }
    assert!(exists(&site, "dist/members/articles/charts/paid-480.webp"));
    assert!(!exists(&site, "dist/public/articles/charts/paid-480.webp"), "a paid-only image's variants stay in the members tree");
    assert!(!exists(&site, "dist/public/articles/charts/paid.jpg"));
    let small = imagesize::size(site.path("dist/public/articles/charts/free-480.webp")).expect("a WebP");
    assert_eq!((small.width, small.height), (480, 240));
}

#[test]
fn a_second_build_takes_every_variant_from_the_cache() {
    let site = charts_site();
    let first = site.build_ok();
    assert!(first.contains("Images: 2 resized, 0 from the cache"), "{first}");
    let second = site.build_ok();
    assert!(second.contains("Images: 0 resized, 2 from the cache"), "{second}");
    assert!(exists(&site, "dist/members/articles/charts/paid-480.webp"));
    // A changed file is a new key: made again.
    site.write("content/articles/charts/paid.jpg", picture(700, 300, "paid.jpg"));
    let third = site.build_ok();
    assert!(third.contains("Images: 1 resized, 1 from the cache"), "{third}");
}

#[test]
fn a_missing_image_is_an_error_at_its_line() {
    let site = Site::new();
    site.article("gone", "title = \"Gone\"\ndate = 2025-03-01", "Intro.\n\nSee ![Chart](chart.png) here, and ![Logo](/images/logo.png).\n");
    let err = site.build_err();
    assert!(err.contains("content/articles/gone.md:7:5: image `chart.png` not found"), "{err}");
    assert!(err.contains("make the article a folder"), "{err}");
    assert!(err.contains("content/articles/gone.md:7:35: image `/images/logo.png` not found: there is no file static/images/logo.png"), "{err}");
}

#[test]
fn an_image_without_alt_text_builds_with_a_warning_at_its_line() {
    let site = Site::new();
    site.write(
        "content/articles/plain/index.md",
        "+++\ntitle = \"Plain\"\ndate = 2025-03-01\npaywall = false\n+++\nText.\n\nA dot: ![](dot.png)\n\n![Described](dot.png)\n",
    );
    site.write("content/articles/plain/dot.png", picture(4, 4, "dot.png"));
    let out = site.build_ok();
    assert!(out.contains("warning: content/articles/plain/index.md:8:8: this image has no alt text, so screen readers skip it"), "{out}");
    assert_eq!(out.matches("warning:").count(), 1, "{out}");
    let html = site.read("dist/public/articles/plain/index.html");
    assert!(html.contains(r#"<img src="dot.png" alt="" width="4" height="4" />"#), "{html}");
}

#[test]
fn a_figure_shortcode_and_images_in_shortcode_bodies_are_sized_and_follow_the_cut() {
    let site = Site::new();
    site.write(
        "content/articles/maps/index.md",
        "+++\ntitle = \"Maps\"\ndate = 2025-03-01\n+++\nFree.\n\n<!-- paywall -->\n\n{{ figure(src=\"paid-map.jpg\", alt=\"The paid map\", caption=\"Where it went\", credit=\"Photo: J. Li\") }}\n\n{% callout(kind=\"finding\") %}\nAs drawn: ![Inset](inset.png)\n{% end %}\n",
    );
    site.write("content/articles/maps/paid-map.jpg", picture(1600, 900, "paid-map.jpg"));
    site.write("content/articles/maps/inset.png", picture(500, 250, "inset.png"));
    let out = site.build_ok();
    assert!(!out.contains("warning:"), "{out}");
    let members = site.read("dist/members/articles/maps/index.html");
    assert!(
        members.contains(r#"<img src="paid-map.jpg" alt="The paid map" width="1600" height="900" srcset="paid-map-480.webp 480w, paid-map-960.webp 960w, paid-map-1440.webp 1440w, paid-map.jpg 1600w" sizes="(max-width: 640px) 100vw, 640px" loading="lazy" decoding="async"><figcaption>Where it went · <span class="figure-credit">Photo: J. Li</span></figcaption>"#),
        "{members}"
    );
    assert!(members.contains(r#"<img src="inset.png" alt="Inset" width="500" height="250" srcset="inset-480.webp 480w, inset.png 500w""#), "{members}");
    for name in ["paid-map.jpg", "paid-map-480.webp", "paid-map-960.webp", "paid-map-1440.webp", "inset.png", "inset-480.webp"] {
        assert!(exists(&site, &format!("dist/members/articles/maps/{name}")), "{name} missing from the members tree");
        assert!(!exists(&site, &format!("dist/public/articles/maps/{name}")), "{name} is in the public tree");
    }
}

#[test]
fn a_missing_figure_or_body_image_is_an_error_at_its_line() {
    let site = Site::new();
    site.write(
        "content/articles/maps/index.md",
        "+++\ntitle = \"Maps\"\ndate = 2025-03-01\n+++\nFree.\n\n{{ figure(src=\"gone.png\", alt=\"Gone\") }}\n\n{% callout() %}\nSee ![Inset](lost.png).\n{% end %}\n",
    );
    let err = site.build_err();
    assert!(err.contains("content/articles/maps/index.md:7:11: image `gone.png` not found"), "{err}");
    assert!(err.contains("content/articles/maps/index.md:10:5: image `lost.png` not found"), "{err}");
}

#[test]
fn the_cache_is_in_the_site_folder_and_a_new_site_ignores_it() {
    let site = charts_site();
    site.build_ok();
    assert!(site.path(".lede-cache/images").is_dir());
    let fresh = tempfile::tempdir().expect("tempdir");
    assert!(lede::scaffold::init(fresh.path(), jiff::Timestamp::now()).is_ok());
    let ignore = std::fs::read_to_string(fresh.path().join(".gitignore")).expect(".gitignore");
    assert!(ignore.lines().any(|l| l == ".lede-cache/"), "{ignore}");
}

/// The WebP chunk a file holds: `VP8 ` lossy, `VP8L` lossless.
fn webp_kind(bytes: &[u8]) -> &str {
    assert_eq!(&bytes[..4], b"RIFF", "not a WebP");
    assert_eq!(&bytes[8..12], b"WEBP", "not a WebP");
    std::str::from_utf8(&bytes[12..16]).expect("a chunk name")
}

#[test]
fn a_photograph_gets_lossy_copies_smaller_than_itself_and_a_chart_lossless_ones() {
    let site = Site::new();
    site.write(
        "content/articles/photo/index.md",
        "+++\ntitle = \"Photo\"\ndate = 2025-03-01\npaywall = false\n+++\n![A harbour](harbour.jpg)\n\n![A chart](chart.png)\n",
    );
    // Noise, as a photograph's detail is to an encoder: no flat areas to squeeze.
    let mut state = 0x2545_f491_u32;
    let noisy = image::RgbImage::from_fn(1200, 800, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    noisy.write_to(&mut jpeg, image::ImageFormat::Jpeg).expect("encode");
    let jpeg = jpeg.into_inner();
    site.write("content/articles/photo/harbour.jpg", &jpeg);
    site.write("content/articles/photo/chart.png", picture(1000, 500, "chart.png"));
    site.build_ok();
    for w in [480, 960] {
        let copy = std::fs::read(site.path(&format!("dist/public/articles/photo/harbour-{w}.webp"))).expect("the copy");
        assert_eq!(webp_kind(&copy), "VP8 ", "the {w} copy of a JPEG is lossy");
        assert!(copy.len() < jpeg.len(), "the {w} copy ({} bytes) is no smaller than the JPEG ({} bytes)", copy.len(), jpeg.len());
    }
    let chart = std::fs::read(site.path("dist/public/articles/photo/chart-480.webp")).expect("the copy");
    assert_eq!(webp_kind(&chart), "VP8L", "a PNG's copies are lossless");
}

#[test]
fn an_svg_gets_the_size_its_root_element_gives() {
    let site = Site::new();
    site.write("content/articles/drawn/index.md", "+++\ntitle = \"Drawn\"\ndate = 2025-03-01\npaywall = false\n+++\n![A map](map.svg) ![A logo](logo.svg)\n");
    site.write("content/articles/drawn/map.svg", r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 450"><rect width="800" height="450"/></svg>"#);
    site.write("content/articles/drawn/logo.svg", r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"></svg>"#);
    site.build_ok();
    let html = site.read("dist/public/articles/drawn/index.html");
    assert!(html.contains(r#"<img src="map.svg" alt="A map" width="800" height="450" />"#), "{html}");
    assert!(html.contains(r#"<img src="logo.svg" alt="A logo" width="120" height="40" loading="lazy" decoding="async" />"#), "{html}");
}
