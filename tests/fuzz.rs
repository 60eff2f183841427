//! A bounded fuzz run over the front matter, the cut and the rendering:
//! files pieced together at random from the constructs that have broken
//! Markdown tools before (unclosed blocks, markers and their typos, raw
//! HTML, footnotes, odd integers and characters) must each load to an
//! article or to located problems, never panic, and never take long. The
//! run lasts `LEDE_FUZZ_CASES` cases (default 2,000), from a fixed seed
//! unless `LEDE_FUZZ_SEED` names another, so a failure can be replayed.

use std::path::Path;
use std::time::{Duration, Instant};

use lede::config::Config;
use lede::content::{Selection, load_file};

/// Pieces a file is made of: front matter, block openers, markup, characters.
const PIECES: &[&str] = &[
    "+++\n",
    "title = \"T\"\n",
    "date = 2025-01-01\n",
    "paywall = ",
    "0b10",
    "0o7",
    "0x1f",
    "false",
    "0",
    "2",
    "-1",
    "99999999999999999999",
    "1_0",
    "teaser = \"t\"\n",
    "tags = [\"a\", \"A\"]\n",
    "column = \"c\"\n",
    "slug = \"x\"\n",
    "draft = true\n",
    "\n",
    "\n\n",
    "<!-- paywall -->",
    "<!-- paywal -->",
    "<!--",
    "-->",
    "--!>",
    "<!--more-->",
    "```",
    "~~~",
    "    ",
    "\t",
    "<div>",
    "</div>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<details>",
    "<a href=\"",
    "<plaintext>",
    "<pre>",
    "</pre>",
    "<script>",
    "<style>",
    "<textarea>",
    "<?x",
    "?>",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE",
    ">",
    "<",
    "[^a]",
    "[^A]: note\n",
    "[^a]: again\n",
    "> ",
    ">> ",
    "- ",
    "1. ",
    "* ",
    "# ",
    "## Main",
    "## Fn 1",
    " {#top}",
    "|a|b|\n|-|-|\n",
    "| x |",
    "\u{200b}",
    "\u{fffe}",
    "\u{feff}",
    "&amp;",
    "&#0;",
    "*",
    "_",
    "`",
    "``",
    "[link](u)",
    "![i](x.png)",
    "\r\n",
    "é",
    "words of text ",
    "---\n",
    "===\n",
    "\\",
    "[x]: /u\n",
];

/// Pieces of ordinary articles.
const TAME: &[&str] = &[
    "\n\n",
    "words of text ",
    "*emphasis* ",
    "`code` ",
    "[link](u) ",
    "## A heading\n\n",
    "- item\n",
    "> quoted\n",
    "|a|b|\n|-|-|\n| 1 | 2 |\n\n",
    "```\ncode\n```\n\n",
    "<div>html</div>\n\n",
    "note[^a] ",
    "\n\n[^a]: A note.\n\n",
    "\n\n<!-- paywall -->\n\n",
    "é ",
    "\n---\n\n",
];

/// A small, fast, seedable generator (xorshift64*), so cases replay exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn case(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    // Most cases start as an article would, so the cut and the rendering are reached.
    if rng.below(10) > 0 {
        out.extend_from_slice(b"+++\ntitle = \"T\"\ndate = 2025-01-01\n");
        if rng.below(2) == 0 {
            let values = ["0b10", "0o7", "0x1f", "false", "0", "2", "-1", "99999999999999999999", "1_0", "1"];
            out.extend_from_slice(format!("paywall = {}\nteaser = \"t\"\n", values[rng.below(values.len())]).as_bytes());
        }
        out.extend_from_slice(b"+++\n");
    }
    // Half the cases use only tame pieces, so that many reach the cut and the rendering.
    let tame = rng.below(2) == 0;
    for _ in 0..rng.below(80) {
        if tame {
            out.extend_from_slice(TAME[rng.below(TAME.len())].as_bytes());
        } else if rng.below(40) == 0 {
            // Now and then a byte no text has (invalid UTF-8 must be a located problem too).
            out.push(rng.next() as u8);
        } else {
            out.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes());
        }
    }
    out
}

#[test]
fn random_files_load_to_articles_or_located_problems_without_panic_or_delay() {
    let cases: usize = std::env::var("LEDE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let seed: u64 = std::env::var("LEDE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_1ede);
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/articles")).expect("mkdir");
    let config = Config::parse("title = \"Fuzz\"\nbase_url = \"https://fuzz.example\"\n[paywall]\nfree_blocks = 2\n").expect("config");
    let selection = Selection { drafts: true, future: true, now: jiff::Timestamp::now() };
    let path = root.join("content/articles/case.md");
    let mut rng = Rng(seed | 1);
    let (mut built, mut refused) = (0, 0);
    for n in 0..cases {
        let bytes = case(&mut rng);
        std::fs::write(&path, &bytes).expect("write");
        let started = Instant::now();
        let result = std::panic::catch_unwind(|| load_file(root, &path, &config, selection, None));
        let took = started.elapsed();
        let shown = String::from_utf8_lossy(&bytes);
        match result {
            Err(_) => panic!("case {n} (seed {seed}) panicked on:\n{shown}"),
            Ok(Ok(_)) => built += 1,
            Ok(Err(problems)) => {
                refused += 1;
                if std::env::var("LEDE_FUZZ_SHOW").is_ok() && refused < 40 {
                    eprintln!("--- {}", problems[0]);
                }
                assert!(!problems.is_empty(), "case {n}: an error with no problem in it");
                for p in &problems {
                    assert!(p.file.ends_with("case.md") || p.file == Path::new("content/articles"), "case {n}: a problem names {}: {p}", p.file.display());
                }
            }
        }
        assert!(took < Duration::from_secs(2), "case {n} (seed {seed}) took {took:?}:\n{shown}");
    }
    eprintln!("{cases} cases from seed {seed}: {built} built, {refused} refused");
    assert!(built > cases / 20 && refused > cases / 20, "the generator should reach both outcomes: {built} built, {refused} refused");
}
