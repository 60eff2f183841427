//! "Cite this" and the Highwire tags, read back as their readers read them:
//! the BibTeX with a BibTeX parser (the `biblatex` crate), the RIS with a
//! RIS parser (npm's astrocite-ris, installed by scripts/test), the meta
//! tags by parsing the page. From public fields only, on both trees.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use biblatex::{Bibliography, ChunksExt};
use common::Site;
use scraper::{Html, Selector};

const PAID: &str = "zqcitepaidq";

fn site() -> Site {
    let site = Site::new();
    site.article(
        "who-pays",
        "title = \"Who Pays? Tariffs & Prices\"\ndate = 2025-09-01\nauthors = [\"Ana Ruiz\", \"Jo Li\", \"Sam O'Neil\"]\ndoi = \"10.5555/brief.42\"\nteaser = \"Consumers do.\"\npaywall = 1",
        &format!("Free opening.\n\nPaid {PAID} analysis.\n"),
    );
    site.article("week", "title = \"The Week in Trade\"\ndate = 2024-12-02\npaywall = 1", &format!("Free.\n\nPaid {PAID}.\n"));
    site.build_ok();
    site
}

/// The text of the first element `css` selects.
fn text_of(html: &str, css: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).next().map(|e| e.text().collect()).unwrap_or_default()
}

fn attr_of(html: &str, css: &str, attr: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel).next().and_then(|e| e.value().attr(attr)).unwrap_or_default().to_string()
}

/// What a `data:` download link holds.
fn data(href: &str) -> String {
    let (_, encoded) = href.split_once(',').expect("a data address");
    percent_encoding::percent_decode_str(encoded).decode_utf8().expect("UTF-8").into_owned()
}

#[test]
fn bibtex_parses_with_a_bibtex_parser_and_says_what_the_page_does() {
    let site = site();
    for tree in ["public", "members"] {
        let page = site.read(&format!("dist/{tree}/articles/who-pays/index.html"));
        let shown = data(&attr_of(&page, "a[download$='.bib']", "href"));
        assert_eq!(attr_of(&page, "a[download$='.bib']", "download"), "who-pays-2025.bib");
        assert!(!shown.contains(PAID));
        let bib = Bibliography::parse(&shown).unwrap_or_else(|e| panic!("{tree}: BibTeX does not parse: {e:?}\n{shown}"));
        let entry = bib.get("who-pays-2025").expect("the entry by its key");
        assert_eq!(entry.title().expect("title").format_verbatim(), "Who Pays? Tariffs & Prices");
        let authors: Vec<String> = entry.author().expect("authors").iter().map(|p| format!("{} {}", p.given_name, p.name)).collect();
        assert_eq!(authors, ["Ana Ruiz", "Jo Li", "Sam O'Neil"]);
        assert_eq!(entry.doi().expect("doi"), "10.5555/brief.42");
        assert_eq!(entry.url().expect("url"), "https://fixture.example/articles/who-pays/");
        assert_eq!(entry.journal().expect("journal").format_verbatim(), "Fixture Weekly");
    }
    let page = site.read("dist/public/articles/week/index.html");
    let bib = Bibliography::parse(&data(&attr_of(&page, "a[download$='.bib']", "href"))).expect("parses");
    assert!(bib.get("week-2024").expect("entry").author().is_err(), "no author, none invented");
}

#[test]
fn ris_parses_with_a_ris_parser() {
    let ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
        && std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/astrocite-ris").is_dir();
    if !ok {
        assert!(std::env::var("LEDE_REQUIRE_TOOLS").map_or(true, |v| v != "1"), "node or astrocite-ris missing; run scripts/test");
        eprintln!("note: skipping the RIS parser test: run scripts/test, which installs it");
        return;
    }
    let site = site();
    let page = site.read("dist/public/articles/who-pays/index.html");
    let ris = data(&attr_of(&page, "a[download$='.ris']", "href"));
    assert_eq!(attr_of(&page, "a[download$='.ris']", "download"), "who-pays-2025.ris");
    let mut child = Command::new("node")
        .arg("parse-ris.cjs")
        .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node");
    child.stdin.take().expect("stdin").write_all(ris.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("parse");
    assert!(out.status.success());
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let item = &parsed[0];
    assert_eq!(item["title"], "Who Pays? Tariffs & Prices");
    assert_eq!(item["container-title"], "Fixture Weekly");
    assert_eq!(item["DOI"], "10.5555/brief.42");
    assert_eq!(item["URL"], "https://fixture.example/articles/who-pays/");
    assert_eq!(item["issued"]["date-parts"][0], serde_json::json!(["2025", "09", "01"]));
    let families: Vec<&str> = item["author"].as_array().expect("authors").iter().filter_map(|a| a["family"].as_str()).collect();
    assert_eq!(families, ["Ruiz", "Li", "O'Neil"]);
}

#[test]
fn highwire_tags_name_the_article_from_public_fields_on_both_trees() {
    let site = site();
    for tree in ["public", "members"] {
        let page = site.read(&format!("dist/{tree}/articles/who-pays/index.html"));
        let doc = Html::parse_document(&page);
        let sel = Selector::parse("meta[name^='citation_']").expect("selector");
        let tags: Vec<(String, String)> = doc
            .select(&sel)
            .map(|m| (m.value().attr("name").unwrap_or_default().to_string(), m.value().attr("content").unwrap_or_default().to_string()))
            .collect();
        let get = |n: &str| tags.iter().filter(|(k, _)| k == n).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("citation_title"), ["Who Pays? Tariffs & Prices"], "{tree}");
        assert_eq!(get("citation_author"), ["Ana Ruiz", "Jo Li", "Sam O'Neil"], "{tree}");
        assert_eq!(get("citation_publication_date"), ["2025/09/01"], "{tree}");
        assert_eq!(get("citation_journal_title"), ["Fixture Weekly"], "{tree}");
        assert_eq!(get("citation_doi"), ["10.5555/brief.42"], "{tree}");
        // The public address, on the members page too.
        assert_eq!(get("citation_abstract_html_url"), ["https://fixture.example/articles/who-pays/"], "{tree}");
        assert!(tags.iter().all(|(_, v)| !v.contains(PAID)), "{tree}: a paid word in a tag");
        let cite = text_of(&page, "section.cite");
        assert!(!cite.contains(PAID) && cite.contains("Ruiz, Ana, Jo Li, and Sam O'Neil."), "{tree}: {cite}");
    }
}
