//! The 652 examples of the CommonMark spec (tests/fixtures/), each built
//! as a free article, before a cut and after one. Whatever CommonMark
//! allows must either build with every word past the cut out of
//! dist/public, or be refused with the file and a line named; the refusals
//! are printed (run with `--nocapture`) so that each can be judged.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::Site;
use common::checks::{config_without_default, site_with_config, subscribe_form_problem, texts_under};

/// One example of the spec.
struct Example {
    number: usize,
    markdown: String,
}

fn examples() -> Vec<Example> {
    let text = include_str!("fixtures/commonmark-spec-examples.json");
    let json: serde_json::Value = serde_json::from_str(text).expect("the fixture is JSON");
    let examples: Vec<Example> = json["examples"]
        .as_array()
        .expect("an array of examples")
        .iter()
        .map(|e| Example { number: e["number"].as_u64().expect("a number") as usize, markdown: e["markdown"].as_str().expect("Markdown").to_string() })
        .collect();
    assert_eq!(examples.len(), 652, "the spec has 652 examples");
    examples
}

/// Where the example goes in its article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Alone, in an article with `paywall = false`.
    Free,
    /// In the free part, before a `<!-- paywall -->` marker.
    BeforeTheCut,
    /// In the paid part, after the marker.
    AfterTheCut,
}

fn paid_word(n: usize) -> String {
    format!("zqpaid{n}q")
}

fn free_word(n: usize) -> String {
    format!("zqfree{n}q")
}

fn slug(n: usize) -> String {
    format!("spec-{n:03}")
}

fn article(place: Place, e: &Example) -> String {
    let n = e.number;
    let (front, body) = match place {
        Place::Free => ("paywall = false\n", e.markdown.clone()),
        Place::BeforeTheCut => (
            "",
            format!(
                "Free opening {free}.\n\n{md}\n\n<!-- paywall -->\n\n{paid} closing paid paragraph.\n",
                free = free_word(n),
                md = e.markdown,
                paid = paid_word(n)
            ),
        ),
        Place::AfterTheCut => {
            ("", format!("Free opening {free}.\n\n<!-- paywall -->\n\n{md}\n\n{paid} words.\n", free = free_word(n), md = e.markdown, paid = paid_word(n)))
        }
    };
    format!("+++\ntitle = \"Spec example {n}\"\ndate = 2025-01-01\n{front}+++\n{body}")
}

/// A site holding every example in one place, built.
struct Outcome {
    site: Site,
    /// The examples refused, with the problems reported for each.
    refused: BTreeMap<usize, Vec<lede::Diagnostic>>,
    /// Problems that named no example's file.
    stray: Vec<lede::Diagnostic>,
    /// The examples built (every other one).
    built: Vec<usize>,
}

fn build(site: &Site) -> Result<lede::Summary, lede::Diagnostics> {
    lede::build(&lede::BuildOptions {
        root: site.root().to_path_buf(),
        out: site.path("dist"),
        drafts: false,
        future: false,
        allow_empty: true,
        check_leaks: false,
        check_links: lede::build::LinkCheck::Off,
        list_changed: false,
    })
}

/// Builds all examples at `place`; the refused ones are taken out and the rest built again.
fn outcome(place: Place) -> Outcome {
    // No default cutoff: a marker that an example takes in publishes the article whole, which the scan then sees.
    let site = site_with_config(&config_without_default());
    let examples = examples();
    for e in &examples {
        site.write(&format!("content/articles/{}.md", slug(e.number)), article(place, e));
    }
    let mut refused: BTreeMap<usize, Vec<lede::Diagnostic>> = BTreeMap::new();
    let mut stray = Vec::new();
    let mut result = build(&site);
    // The examples embed images that no site has: each file a build looks for is made, once.
    if let Err(problems) = &result
        && supply_missing_images(&site, problems)
    {
        result = build(&site);
    }
    if let Err(problems) = result {
        for d in problems.0 {
            let n = d
                .file
                .to_str()
                .and_then(|f| f.strip_prefix("content/articles/spec-"))
                .and_then(|f| f.strip_suffix(".md"))
                .and_then(|n| n.parse::<usize>().ok());
            match n {
                Some(n) => refused.entry(n).or_default().push(d),
                None => stray.push(d),
            }
        }
        for n in refused.keys() {
            std::fs::remove_file(site.path(&format!("content/articles/{}.md", slug(*n)))).expect("remove a refused example");
        }
        if stray.is_empty() {
            build(&site).unwrap_or_else(|e| panic!("the examples left after the refused ones were taken out do not build:\n{e}"));
        }
    }
    let built = examples.iter().map(|e| e.number).filter(|n| !refused.contains_key(n)).collect();
    Outcome { site, refused, stray, built }
}

/// Writes a file wherever `problems` say an image is missing; whether there was one.
fn supply_missing_images(site: &Site, problems: &lede::Diagnostics) -> bool {
    let mut made = false;
    for d in &problems.0 {
        if d.message.starts_with("image `")
            && let Some((_, rest)) = d.message.split_once("not found: there is no file ")
        {
            let file = rest.split(" (").next().unwrap_or(rest);
            site.write(file, b"not a picture");
            made = true;
        }
    }
    made
}

fn before_the_cut() -> &'static Outcome {
    static OUTCOME: OnceLock<Outcome> = OnceLock::new();
    OUTCOME.get_or_init(|| outcome(Place::BeforeTheCut))
}

/// Prints what was refused: a line per refused example even when the test
/// output is captured (written to stderr directly), every problem with
/// `--nocapture`.
fn report(place: Place, o: &Outcome) {
    use std::io::Write;
    let mut summary = format!("CommonMark spec, {place:?}: {} of 652 examples refused, {} built\n", o.refused.len(), o.built.len());
    for (n, problems) in &o.refused {
        let first = problems.iter().find(|d| d.line.is_some()).unwrap_or(&problems[0]);
        summary.push_str(&format!("  example {n}: {first}\n"));
    }
    let _ = std::io::stderr().write_all(summary.as_bytes());
    for (n, problems) in &o.refused {
        for d in problems {
            eprintln!("  example {n}: {}", d.to_string().replace('\n', "\\n"));
        }
    }
}

/// Why lede may refuse an example that CommonMark accepts: a block that
/// never closes (and so takes in the marker or the paid text after it), or
/// something that looks like an attempt at the marker.
const ACCEPTED_REASONS: &[&str] =
    &["is never closed", "never meets its end", "inside a code block", "cannot cut here", "looks like an attempt at the paywall marker"];

/// The checks common to both cuts: every refusal named its example's file
/// and a line, for an accepted reason; nothing past the cut of a built
/// example is public, and all of it is in the members tree.
fn holds(place: Place, o: &Outcome) {
    report(place, o);
    assert!(o.stray.is_empty(), "problems naming no example: {:?}", o.stray);
    let mut failures = Vec::new();
    for (n, problems) in &o.refused {
        if !problems.iter().any(|d| d.line.is_some()) {
            failures.push(format!("example {n} was refused without a line: {problems:?}"));
        }
        // A consequence ("leaves nothing for subscribers") may come along with an accepted reason.
        if !problems.iter().any(|d| ACCEPTED_REASONS.iter().any(|r| d.message.contains(r))) {
            failures.push(format!("example {n} was refused for no accepted reason: {problems:?}"));
        }
    }
    let public = texts_under(&o.site, "dist/public");
    for (path, text) in &public {
        let mut rest = text.as_str();
        while let Some(at) = rest.find("zqpaid") {
            let word: String = rest[at..].chars().take_while(char::is_ascii_alphanumeric).collect();
            failures.push(format!("{word} is in {path}"));
            rest = &rest[at + 6..];
        }
    }
    for &n in &o.built {
        let members = o.site.read(&format!("dist/members/articles/{}/index.html", slug(n)));
        if !members.contains(&paid_word(n)) {
            failures.push(format!("example {n}: {} is missing from its members page", paid_word(n)));
        }
        let page = o.site.read(&format!("dist/public/articles/{}/index.html", slug(n)));
        if !page.contains(&free_word(n)) {
            failures.push(format!("example {n}: {} is missing from its public page", free_word(n)));
        }
    }
    failures.truncate(40);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_example_builds_as_a_free_article() {
    let o = outcome(Place::Free);
    report(Place::Free, &o);
    assert!(o.refused.is_empty() && o.stray.is_empty(), "free articles refused: {:?} {:?}", o.refused, o.stray);
    assert_eq!(o.built.len(), 652);
}

#[test]
fn no_example_before_the_cut_lets_paid_text_into_the_public_tree() {
    holds(Place::BeforeTheCut, before_the_cut());
}

#[test]
fn no_example_after_the_cut_lets_paid_text_into_the_public_tree() {
    holds(Place::AfterTheCut, &outcome(Place::AfterTheCut));
}

#[test]
fn every_example_before_the_cut_leaves_the_subscribe_form_standing_alone() {
    let o = before_the_cut();
    let mut failures = Vec::new();
    for &n in &o.built {
        let page = o.site.read(&format!("dist/public/articles/{}/index.html", slug(n)));
        failures.extend(subscribe_form_problem(&format!("example {n}"), &page));
    }
    eprintln!("{} of {} built examples before the cut leave something open around the subscribe form", failures.len(), o.built.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
