//! Each style checked against citations written out by hand.

use super::*;
use crate::content::ArticleMeta;

fn config() -> Config {
    Config::parse("title = \"The Brief\"\nbase_url = \"https://example.org\"\n").expect("config")
}

fn meta(title: &str, authors: &[&str], date: &str, doi: Option<&str>) -> ArticleMeta {
    let text = format!(
        "+++\ntitle = {title:?}\ndate = {date}\nauthors = [{}]\n{}paywall = false\n+++\nThe teaser paragraph.\n",
        authors.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", "),
        doi.map(|d| format!("doi = {d:?}\n")).unwrap_or_default()
    );
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(dir.path().join("content/articles")).expect("mkdir");
    std::fs::write(dir.path().join("config.toml"), "title = \"The Brief\"\nbase_url = \"https://example.org\"\n").expect("config");
    std::fs::write(dir.path().join("content/articles/tariffs.md"), text).expect("article");
    let library =
        crate::content::Library::load(dir.path(), &config(), crate::content::Selection { drafts: true, future: true, now: jiff::Timestamp::now() }, None)
            .expect("loads");
    library.articles.into_iter().next().expect("the article").meta
}

const URL: &str = "https://example.org/articles/tariffs/";

#[test]
fn one_author() {
    let c = Citation::new(&config(), &meta("Tariffs, Again", &["Ana María Ruiz"], "2026-03-17", None), URL);
    assert_eq!(c.chicago, "Ruiz, Ana María. “Tariffs, Again.” <i>The Brief</i>, March 17, 2026. https://example.org/articles/tariffs/.");
    assert_eq!(c.apa, "Ruiz, A. M. (2026, March 17). Tariffs, Again. <i>The Brief</i>. https://example.org/articles/tariffs/");
    assert_eq!(c.mla, "Ruiz, Ana María. “Tariffs, Again.” <i>The Brief</i>, 17 Mar. 2026, example.org/articles/tariffs/.");
    assert_eq!(
        c.bibtex,
        "@article{tariffs-2026,\n  author = {Ruiz, Ana María},\n  title = {{Tariffs, Again}},\n  journal = {The Brief},\n  year = {2026},\n  month = {3},\n  date = {2026-03-17},\n  url = {https://example.org/articles/tariffs/},\n}\n"
    );
    assert_eq!(
        c.ris,
        "TY  - JOUR\nTI  - Tariffs, Again\nAU  - Ruiz, Ana María\nT2  - The Brief\nPY  - 2026\nDA  - 2026/03/17\nUR  - https://example.org/articles/tariffs/\nAB  - The teaser paragraph.\nLA  - en\nER  - \n"
    );
}

#[test]
fn three_authors_and_a_doi() {
    let c = Citation::new(
        &config(),
        &meta("Who Pays? Tariffs & Prices", &["Ana Ruiz", "Jo Li", "Sam O'Neil"], "2025-09-01", Some("https://doi.org/10.5555/brief.42")),
        URL,
    );
    assert_eq!(
        c.chicago,
        "Ruiz, Ana, Jo Li, and Sam O&apos;Neil. “Who Pays? Tariffs &amp; Prices.” <i>The Brief</i>, September 1, 2025. https://doi.org/10.5555/brief.42."
    );
    assert_eq!(
        c.apa,
        "Ruiz, A., Li, J., &amp; O&apos;Neil, S. (2025, September 1). Who Pays? Tariffs &amp; Prices. <i>The Brief</i>. https://doi.org/10.5555/brief.42"
    );
    assert_eq!(c.mla, "Ruiz, Ana, et al. “Who Pays? Tariffs &amp; Prices.” <i>The Brief</i>, 1 Sept. 2025, doi.org/10.5555/brief.42.");
    assert!(c.bibtex.contains("  author = {Ruiz, Ana and Li, Jo and O'Neil, Sam},\n"), "{}", c.bibtex);
    assert!(c.bibtex.contains("  title = {{Who Pays? Tariffs \\& Prices}},\n"), "{}", c.bibtex);
    assert!(c.bibtex.contains("  doi = {10.5555/brief.42},\n"), "{}", c.bibtex);
    assert!(c.ris.contains("AU  - Ruiz, Ana\nAU  - Li, Jo\nAU  - O'Neil, Sam\n") && c.ris.contains("DO  - 10.5555/brief.42\n"), "{}", c.ris);
}

#[test]
fn no_author() {
    let c = Citation::new(&config(), &meta("The Week in Trade", &[], "2024-12-02", None), URL);
    assert_eq!(c.chicago, "“The Week in Trade.” <i>The Brief</i>, December 2, 2024. https://example.org/articles/tariffs/.");
    assert_eq!(c.apa, "The Week in Trade. (2024, December 2). <i>The Brief</i>. https://example.org/articles/tariffs/");
    assert_eq!(c.mla, "“The Week in Trade.” <i>The Brief</i>, 2 Dec. 2024, example.org/articles/tariffs/.");
    assert!(!c.bibtex.contains("author") && !c.ris.contains("AU  -"));
}
