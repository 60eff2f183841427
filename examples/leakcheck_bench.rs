//! What the leak check costs on a built site, and whether it finds a leak.
//!
//! ```sh
//! cargo run --release --example leakcheck_bench -- SITE PUBLIC_DIR [--runs 5] [--no-check]
//! ```
//!
//! Reads every article of `SITE/content/articles`, cuts it where lede cuts
//! it (its front matter, `<!-- paywall -->` marker or the site default,
//! decided by `lede::paywall::decide`) and takes the plain text of each
//! side from pulldown-cmark's Text and Code events (footnotes go with the
//! side that cites them; the title and teaser are public). Then, `--runs`
//! times, builds the leak check from those texts on all cores and scans
//! `PUBLIC_DIR` with it, printing the time of each phase, the bytes
//! scanned, the memory the check added, and every leak it confirms. Paid
//! text is read again from the article files to confirm a hit, as a build
//! would. `--no-check` stops after reading the articles: the baseline to
//! take from this program's peak memory (`/usr/bin/time -f %M`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lede::content::frontmatter::{self, Kind};
use lede::leakcheck::{LeakCheck, LeakIndex};
use lede::markdown::{Document, options};
use lede::paywall::{Cut, decide};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;

/// One article's texts, as the check takes them.
struct Texts {
    source: PathBuf,
    /// Title, teaser, free blocks and the footnotes they cite.
    public: Vec<String>,
    /// Paid blocks and the footnotes only they cite (empty when free).
    paid: String,
}

fn is_inline(end: &TagEnd) -> bool {
    matches!(end, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image | TagEnd::Superscript | TagEnd::Subscript)
}

/// Splits an article's plain text at lede's cut.
fn texts(root: &Path, path: &Path, default: Option<usize>) -> Option<Texts> {
    let file = std::fs::read_to_string(path).ok()?;
    let split = frontmatter::split(&file).ok()?;
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let front = frontmatter::parse(&rel, &file, &split, Kind::Article).ok()?;
    let doc = Document::parse(split.body);
    let free_blocks = match decide(front.paywall, &doc.markers, default, doc.block_count()).ok()? {
        Cut::Free => usize::MAX,
        Cut::After(n) => n,
    };
    drop(doc);

    let mut free = String::new();
    let mut paid = String::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut cited_free: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut block = 0usize;
    let mut note: Option<usize> = None;
    let mut html = String::new();
    for event in Parser::new_ext(split.body, options()) {
        let target = match note {
            Some(i) => &mut notes[i].1,
            None if block < free_blocks => &mut free,
            None => &mut paid,
        };
        match &event {
            Event::Start(Tag::FootnoteDefinition(name)) if depth == 0 => {
                notes.push((name.to_string(), String::new()));
                note = Some(notes.len() - 1);
            }
            Event::Text(t) | Event::Code(t) => target.push_str(t),
            Event::SoftBreak | Event::HardBreak => target.push('\n'),
            Event::Html(h) if depth == 1 => html.push_str(h),
            Event::FootnoteReference(name) if note.is_none() && block < free_blocks => cited_free.push(name.to_string()),
            Event::End(end) if !is_inline(end) => target.push('\n'),
            _ => {}
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            if note.take().is_none() {
                // A paywall marker is no block.
                let marker = html.trim().strip_prefix("<!--").and_then(|r| r.strip_suffix("-->")).is_some_and(|m| m.trim().eq_ignore_ascii_case("paywall"));
                if !marker {
                    block += 1;
                }
            }
            html.clear();
        }
    }
    let mut public = vec![front.title, front.teaser.unwrap_or_default(), free];
    for (name, text) in notes {
        if cited_free.contains(&name) || free_blocks == usize::MAX {
            public.push(text);
        } else {
            paid.push('\n');
            paid.push_str(&text);
        }
    }
    Some(Texts { source: rel, public, paid })
}

/// `VmRSS` or `VmHWM` of this process, in bytes.
fn status(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines().find_map(|l| l.strip_prefix(field)?.trim_start_matches(':').trim().strip_suffix("kB")?.trim().parse::<u64>().ok()).map_or(0, |kb| kb * 1024)
}

/// Starts a new peak (`VmHWM`) from the current size.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let no_check = args.iter().any(|a| a == "--no-check");
    let args: Vec<&String> = args.iter().filter(|a| *a != "--no-check").collect();
    let (site, public, runs) = match args.as_slice() {
        [site, public] => (*site, *public, 1),
        [site, public, flag, n] if *flag == "--runs" => (*site, *public, n.parse().unwrap_or(1)),
        _ => {
            eprintln!("usage: leakcheck_bench SITE PUBLIC_DIR [--runs N] [--no-check]");
            return ExitCode::FAILURE;
        }
    };
    let site = PathBuf::from(site);
    let public = PathBuf::from(public);
    let config = match lede::config::Config::load(&site) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:?}");
            return ExitCode::FAILURE;
        }
    };
    let default = config.default_free_blocks;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(site.join("content/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();

    let t = Instant::now();
    let articles: Vec<Texts> = files.par_iter().filter_map(|f| texts(&site, f, default)).collect();
    let extract = t.elapsed();
    let paid_bytes: usize = articles.iter().map(|a| a.paid.len()).sum();
    let public_bytes: usize = articles.iter().flat_map(|a| &a.public).map(String::len).sum();
    let paywalled = articles.iter().filter(|a| !a.paid.is_empty()).count();
    let scanned: u64 = walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{} articles ({paywalled} paywalled): paid text {:.1} MiB, public text {:.1} MiB, extracted in {:.0} ms; public tree {:.1} MiB",
        articles.len(),
        mib(paid_bytes as u64),
        mib(public_bytes as u64),
        ms(extract),
        mib(scanned)
    );

    if no_check {
        // The baseline for memory: everything but the check.
        return ExitCode::SUCCESS;
    }
    let paid_again = |source: &Path| texts(&site, &site.join(source), default).map(|t| t.paid);
    let (mut gather, mut finish, mut scan, mut total) = (vec![], vec![], vec![], vec![]);
    for run in 0..runs {
        let rss_before = status("VmRSS");
        reset_peak();
        let t = Instant::now();
        let check = articles
            .par_iter()
            .fold(LeakCheck::new, |mut check, a| {
                for text in &a.public {
                    check.add_public(text);
                }
                if !a.paid.is_empty() {
                    check.add_paid(&a.source, &a.paid);
                }
                check
            })
            .reduce(LeakCheck::new, |mut a, b| {
                a.merge(b);
                a
            });
        let gathered = t.elapsed();
        let shingles = check.paid_shingles();
        let index: LeakIndex = check.finish();
        let built = t.elapsed();
        let peak_build = status("VmHWM");
        let rss_index = status("VmRSS");
        let leaks = match index.scan_tree(&public, &paid_again) {
            Ok(l) => l,
            Err(d) => {
                eprintln!("error: {d}");
                return ExitCode::FAILURE;
            }
        };
        let done = t.elapsed();
        let peak = status("VmHWM");
        // Later runs reuse the heap the first one freed: only the first
        // says what the check adds to a process.
        let memory = if run == 0 {
            format!(
                "; memory added: peak {:.1} MiB while building, {:.1} MiB after, peak {:.1} MiB while scanning",
                mib(peak_build.saturating_sub(rss_before)),
                mib(rss_index.saturating_sub(rss_before)),
                mib(peak.saturating_sub(rss_before)),
            )
        } else {
            String::new()
        };
        println!(
            "run {}: gather {:.0} ms + finish {:.0} ms = set {:.0} ms; scan {:.0} ms ({:.0} MiB/s); total {:.0} ms; \
             {shingles} paid shingles, {} indexed ({:.1} MiB){memory}; {} leaks",
            run + 1,
            ms(gathered),
            ms(built - gathered),
            ms(built),
            ms(done - built),
            mib(scanned) / (done - built).as_secs_f64(),
            ms(done),
            index.len(),
            mib(index.heap_bytes() as u64),
            leaks.len()
        );
        for leak in leaks.iter().take(5) {
            println!("  {}", lede::Diagnostic::from(leak));
        }
        gather.push(ms(gathered));
        finish.push(ms(built - gathered));
        scan.push(ms(done - built));
        total.push(ms(done));
        drop(index);
    }
    println!("median of {runs}: gather {:.0} ms, finish {:.0} ms, scan {:.0} ms, total {:.0} ms", median(gather), median(finish), median(scan), median(total));
    ExitCode::SUCCESS
}
