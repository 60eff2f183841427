//! What each tree's index is made of, and the files an index keeps.

use super::*;
use crate::content::{Library, Selection};

const CONFIG: &str = "title = \"The Brief\"\nbase_url = \"https://example.org\"\nmembers_url = \"https://members.example.org\"\n";

/// The articles of `files` (slug, Markdown), loaded as a build loads them.
fn articles(files: &[(&str, &str)]) -> Vec<Article> {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(dir.path().join("content/articles")).expect("mkdir");
    for (slug, text) in files {
        std::fs::write(dir.path().join(format!("content/articles/{slug}.md")), text).expect("article");
    }
    let config = Config::parse(CONFIG).expect("config");
    Library::load(dir.path(), &config, Selection { drafts: false, future: true, now: jiff::Timestamp::now() }, None).expect("loads").articles
}

const PAYWALLED: &str = "+++\ntitle = \"Ports & Tariffs\"\ndate = 2025-04-02\ncolumn = \"Trade Desk\"\nauthors = [\"Ana Ruiz\"]\ntags = [\"Shipping\"]\nteaser = \"Who pays.\"\npaywall = 1\n+++\nFree <em>open</em>ing with a footnote.[^a]\n\nPaid zqpaid analysis.[^b]\n\n[^a]: Free note.\n[^b]: Paid zqnote.\n";

#[test]
fn the_public_text_is_what_the_public_page_shows() {
    let article = &articles(&[("ports", PAYWALLED)])[0];
    let record = Record::of(article);
    let public = record.text(Target::Public);
    for shown in ["Ports & Tariffs", "Who pays.", "Trade Desk", "Ana Ruiz", "Shipping", "Free opening", "Free note"] {
        assert!(public.contains(shown), "{shown:?} in {public:?}");
    }
    assert!(!public.contains("zqpaid") && !public.contains("zqnote"), "{public:?}");
    let members = record.text(Target::Members);
    assert!(members.contains("Free opening") && members.contains("zqpaid analysis") && members.contains("Paid zqnote"), "{members:?}");
}

#[test]
fn a_free_article_is_indexed_whole_in_both_trees() {
    let article = &articles(&[("free", "+++\ntitle = \"Free\"\ndate = 2025-04-02\npaywall = false\n+++\nOne.\n\nTwo zqwhole.\n")])[0];
    let record = Record::of(article);
    assert!(record.text(Target::Public).contains("zqwhole"));
    assert_eq!(record.text(Target::Public), record.text(Target::Members));
}

#[test]
fn results_show_column_date_teaser_and_the_subscribers_mark_and_filter_by_column_and_year() {
    let record = Record::of(&articles(&[("ports", PAYWALLED)])[0]);
    let meta = record.meta();
    assert_eq!(meta["title"], "Ports & Tariffs");
    assert_eq!(meta["column"], "Trade Desk");
    assert_eq!(meta["column_url"], "/columns/trade-desk/", "a path within the tree");
    assert_eq!(meta["datetime"], "2025-04-02");
    assert_eq!(meta["teaser"], "Who pays.");
    assert_eq!(meta["subscribers"], "yes");
    assert_eq!(record.filters(), BTreeMap::from([("column".to_string(), vec!["Trade Desk".to_string()]), ("year".to_string(), vec!["2025".to_string()])]));
}

#[test]
fn an_index_keeps_the_search_files_and_not_pagefinds_own_interface() {
    let config = Config::parse(CONFIG).expect("config");
    let records: Vec<Arc<Record>> = articles(&[("ports", PAYWALLED)]).iter().map(|a| Arc::new(Record::of(a))).collect();
    let files = index(&records, &config, Target::Public).expect("index");
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for wanted in ["pagefind/pagefind.js", "pagefind/pagefind-entry.json", "pagefind/wasm.en.pagefind"] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("pagefind/fragment/")) && names.iter().any(|n| n.starts_with("pagefind/index/")));
    assert!(!names.iter().any(|n| n.contains("-ui") || n.contains("worker")), "{names:?}");
    // The same records make the same files.
    assert_eq!(index(&records, &config, Target::Public).expect("index"), files);
}
