//! What is reported as a leak: public words and short runs are not,
//! collisions are dismissed, a tree is scanned file by file, and a leak
//! reads as a diagnostic.

use std::path::PathBuf;

use super::*;
use crate::diagnostics::Diagnostic;

#[test]
fn words_quoted_from_a_public_source_are_not_leaks() {
    // The free paragraph is quoted again after the cut.
    let free = "Parliament returns on Monday with the budget vote still in doubt.";
    let paid = format!("As we wrote: {free} {PAID}");
    let index = index_of(&paid, &[free, "The Budget Question"]);
    let page = format!("<h1>The Budget Question</h1><p>{free}</p><div class=\"subscribe\">Subscribe to read on.</div>");
    assert_eq!(scan_file(&index, &paid, "articles/budget/index.html", page.as_bytes()), []);
    // The words of the paid part that no public text has still count.
    let leaked = format!("{page}<p>{PAID}</p>");
    assert_eq!(scan_file(&index, &paid, "articles/budget/index.html", leaked.as_bytes()).len(), 1);
}

#[test]
fn runs_shorter_than_eight_words_are_not_leaks() {
    // Seven paid words, then public ones, then seven more paid ones.
    let page = "<p>The minister said the budget would not</p><p>Read on:</p><p>survive the winter, and the coalition’s</p>\
                <meta content=\"a reshuffle before the summer recess\">";
    assert_eq!(leaks_in(page.as_bytes()), []);
}

#[test]
fn a_hash_collision_is_dismissed_when_the_words_differ() {
    // Force a collision: give the article a paid shingle whose hash is
    // that of public words which are not in its paid text.
    let public_words = "nothing here was ever behind the paywall at all";
    let mut check = LeakCheck::new();
    check.add_paid(Path::new(ARTICLE), PAID);
    let mut forged = shingles(public_words);
    forged.truncate(1);
    check.paid.add(&forged);
    let index = check.finish();
    let page = format!("<p>{public_words}</p>");
    let suspects = index.scan_bytes("index.html", page.as_bytes());
    assert_eq!(suspects.len(), 1, "the forged hash is found");
    assert_eq!(suspects[0].words, "nothing here was ever behind the paywall at");
    let paid = |source: &Path| (source == Path::new(ARTICLE)).then(|| PAID.to_string());
    assert_eq!(index.confirm(suspects, &paid), []);
}

#[test]
fn scan_tree_reads_every_file_and_names_it_relative_to_the_folder() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let public = dir.path();
    std::fs::create_dir_all(public.join("articles/budget"))?;
    std::fs::write(public.join("articles/budget/index.html"), "<p>Subscribe to read on.</p>")?;
    std::fs::write(public.join("feed.json"), "{\"items\":[{\"content_text\":\"Everyone in the ministry expects a reshuffle before the summer recess.\"}]}")?;
    std::fs::write(public.join("style.css"), "body { color: red; }")?;
    let index = index_of(PAID, &[]);
    let paid = |source: &Path| (source == Path::new(ARTICLE)).then(|| PAID.to_string());
    let leaks = index.scan_tree(public, &paid).map_err(|d| std::io::Error::other(d.to_string()))?;
    assert_eq!(leaks.len(), 1);
    assert_eq!(leaks[0].file, Path::new("feed.json"));
    Ok(())
}

#[test]
fn a_leak_reads_as_a_diagnostic_naming_the_article_and_the_public_file() {
    let leak = Leak {
        source: PathBuf::from(ARTICLE),
        file: PathBuf::from("articles/budget/index.html"),
        words: "the minister said the budget would not survive".into(),
        runs: 1,
    };
    assert_eq!(
        Diagnostic::from(&leak).to_string(),
        "content/articles/budget.md: paid text appears in the public file articles/budget/index.html: \
         \"the minister said the budget would not survive …\""
    );
    let many = Leak { runs: 40, ..leak };
    assert!(Diagnostic::from(many).message.ends_with("survive …\" (40 runs of eight words)"));
}

/// The paid part of a body cut after its first block, rendered as a build
/// renders it (its code highlighted when `lang` is known), and the page's
/// whole members HTML.
fn rendered_paid(lang: &str) -> (String, String) {
    let body = format!(
        "Free words.\n\n```{lang}\ndef reshuffle(minister, coalition):\n    \"\"\"Expected before the summer recess.\"\"\"\n    \
         return budget_vote(minister) < coalition.partners(winter=True) # survives\n```\n"
    );
    let page_url = "https://example.org/articles/budget/";
    let rendered =
        crate::markdown::Document::parse(&body).render(crate::paywall::Cut::After(1), &mut crate::markdown::RenderContext::new(Path::new(ARTICLE), page_url));
    let members = rendered.members.expect("a paid part");
    (members.html[members.paid_from..].to_string(), members.html)
}

#[test]
fn highlighted_paid_code_reads_as_the_same_words_and_is_found() {
    let (paid, page) = rendered_paid("python");
    let (plain_paid, plain_page) = rendered_paid("text");
    assert!(page.contains("<span class=\"hl-keyword\">def</span>"), "{page}");
    assert!(!plain_page.contains("<span"), "{plain_page}");
    // Spans sit inside words and add none: both sides read the same prose.
    assert_eq!(prose_words(page.as_bytes(), Input::Markup), prose_words(plain_page.as_bytes(), Input::Markup));
    assert_eq!(prose_words(paid.as_bytes(), Input::Plain), prose_words(plain_paid.as_bytes(), Input::Plain));
    // The paid code, given as the build gives it, is found in a public file
    // whether that file shows it highlighted or plain.
    let index = index_of(&paid, &["Free words."]);
    for file in [&page, &plain_page] {
        let leaks = scan_file(&index, &paid, "articles/budget/index.html", file.as_bytes());
        assert_eq!(leaks.len(), 1, "{file}");
    }
    assert_eq!(scan_file(&index, &paid, "index.html", b"<p>Free words.</p>"), []);
}

#[test]
fn paid_text_inside_a_gzip_file_is_found_as_a_browser_would_read_it() {
    use std::io::Write;
    let json = format!("pagefind_dcd{{\"content\":{}}}", serde_json::to_string(PAID).expect("json"));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(json.as_bytes()).expect("gzip");
    let bytes = gz.finish().expect("gzip");
    assert!(!bytes.windows(8).any(|w| w == b"minister"), "the words are not readable as they are");
    assert_eq!(leaks_in(&bytes).len(), 1);
    // A stream cut short is read as far as it goes.
    let long = format!("{PAID}\n{}", "Filler words that are public and plentiful here. ".repeat(200));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(long.as_bytes()).expect("gzip");
    let bytes = gz.finish().expect("gzip");
    assert_eq!(leaks_in(&bytes[..bytes.len() - 8]).len(), 1);
}
