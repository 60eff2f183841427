//! The benchmark's floor: "pulldown-cmark alone, one file per article".
//!
//! ```sh
//! cargo run --release --example pulldown_baseline -- SITE/content/articles OUT
//! ```
//!
//! Reads every `*.md` below the folder, drops the `+++` front matter,
//! renders the body with pulldown-cmark (the options lede uses: tables,
//! footnotes, strikethrough, smart punctuation, heading attributes) and
//! writes `OUT/<file stem>.html`, one file per article, on all cores
//! (rayon, as lede does). No templates, no listings, no second tree: what
//! any Markdown site generator has to do at the least. Used by `bench/run`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lede::markdown::options;
use pulldown_cmark::{Parser, html};
use rayon::prelude::*;

/// The body after a `+++` … `+++` block (the whole text when there is none).
fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("+++\n") else { return text };
    match rest.find("\n+++\n") {
        Some(end) => &rest[end + 5..],
        None => text,
    }
}

fn render(src: &Path, out: &Path) -> std::io::Result<usize> {
    let text = std::fs::read_to_string(src)?;
    let md = body(&text);
    let mut page = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut page, Parser::new_ext(md, options()));
    let stem = src.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::write(out.join(format!("{stem}.html")), &page)?;
    Ok(page.len())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, out] = args.as_slice() else {
        eprintln!("usage: pulldown_baseline CONTENT_DIR OUT_DIR");
        return ExitCode::FAILURE;
    };
    let out = PathBuf::from(out);
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    let started = std::time::Instant::now();
    let results: Vec<std::io::Result<usize>> = files.par_iter().map(|f| render(f, &out)).collect();
    let mut bytes = 0;
    for (file, r) in files.iter().zip(results) {
        match r {
            Ok(n) => bytes += n,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    println!("Rendered {} files ({:.1} MB of HTML) to {} in {:.2} s", files.len(), bytes as f64 / 1e6, out.display(), started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}
