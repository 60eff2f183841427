//! Adds `N` articles that are folders, each with a photograph (a 1600×1067
//! JPEG) and a chart (a 1200×800 PNG), to a site: the corpus `bench/images`
//! times the image cache on.
//!
//! `cargo run --release --example image_corpus -- SITE N`

use std::path::PathBuf;

/// A deterministic picture with a photograph's detail: smooth light with
/// noise over it, so that neither encoder finds large flat areas.
fn photograph(width: u32, height: u32, seed: u32) -> image::RgbImage {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 48) as u8;
        let r = ((x * 180 / width) as u8).saturating_add(noise);
        let g = ((y * 160 / height) as u8).saturating_add(noise / 2);
        let b = (((x + y) * 120 / (width + height)) as u8 + 60).saturating_add(noise / 3);
        image::Rgb([r, g, b])
    })
}

/// A bar chart's look: flat colours, sharp edges, a few lines; no two
/// seeds give the same bytes (the cache would otherwise share their copies).
fn chart(width: u32, height: u32, seed: u32) -> image::RgbImage {
    let bars = 8;
    image::RgbImage::from_fn(width, height, |x, y| {
        let bar = x * bars / width;
        let top = height - (height / 8) * (1 + (bar * 7 + seed) % 7) - seed % (height / 8);
        let in_gap = x % (width / bars) < 12;
        if y % (height / 5) == 0 {
            image::Rgb([200, 200, 200])
        } else if !in_gap && y >= top {
            image::Rgb([30, 90, 160])
        } else {
            image::Rgb([255, 255, 255])
        }
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(site), Some(n)) = (args.next(), args.next()) else {
        return Err("usage: image_corpus SITE N".into());
    };
    let site = PathBuf::from(site);
    let n: u32 = n.parse()?;
    for i in 0..n {
        let dir = site.join(format!("content/articles/figures-{i:04}"));
        std::fs::create_dir_all(&dir)?;
        photograph(1600, 1067, i + 1).save(dir.join("harbour.jpg"))?;
        chart(1200, 800, i).save(dir.join("chart.png"))?;
        let body = format!(
            "+++\ntitle = \"Figures {i}\"\ndate = 2024-01-{:02}\npaywall = 2\n+++\n\
             The first free paragraph of figures {i}.\n\n\
             ![The harbour at dawn](harbour.jpg \"The harbour, seen from the breakwater.\")\n\n\
             The paid part begins here.\n\n\
             {{{{ figure(src=\"chart.png\", alt=\"Tonnage by year\", caption=\"Tonnage by year\", credit=\"Port authority\") }}}}\n",
            1 + i % 28
        );
        std::fs::write(dir.join("index.md"), body)?;
    }
    Ok(())
}
