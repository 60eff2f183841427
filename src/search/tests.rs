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
    let public = record.text(Target::Public).expect("text");
    for shown in ["Ports & Tariffs", "Who pays.", "Trade Desk", "Ana Ruiz", "Shipping", "Free opening", "Free note"] {
        assert!(public.contains(shown), "{shown:?} in {public:?}");
    }
    assert!(!public.contains("zqpaid") && !public.contains("zqnote"), "{public:?}");
    let members = record.text(Target::Members).expect("text");
    assert!(members.contains("Free opening") && members.contains("zqpaid analysis") && members.contains("Paid zqnote"), "{members:?}");
}

#[test]
fn a_free_article_is_indexed_whole_in_both_trees() {
    let article = &articles(&[("free", "+++\ntitle = \"Free\"\ndate = 2025-04-02\npaywall = false\n+++\nOne.\n\nTwo zqwhole.\n")])[0];
    let record = Record::of(article);
    assert!(record.text(Target::Public).expect("text").contains("zqwhole"));
    assert_eq!(record.text(Target::Public).expect("text"), record.text(Target::Members).expect("text"));
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

#[test]
fn a_record_taken_without_its_text_finds_the_index_one_with_it_made() {
    let config = Config::parse(CONFIG).expect("config");
    let article = &articles(&[("ports", PAYWALLED)])[0];
    let (full, bare) = (Arc::new(Record::of(article)), Arc::new(Record::bare(&article.meta)));
    assert!(full.same_as(&bare) && !bare.has_text());
    for target in [Target::Public, Target::Members] {
        assert_eq!(cache::key(std::slice::from_ref(&full), &config, target), cache::key(std::slice::from_ref(&bare), &config, target));
    }
    let err = index(&[bare], &config, Target::Public).expect_err("no text, no index");
    assert!(err.to_string().contains("ports was taken without its text"), "{err}");
}

#[test]
fn an_edit_to_either_part_changes_the_key_of_the_indexes_that_hold_it() {
    let config = Config::parse(CONFIG).expect("config");
    let key = |text: &str, target| cache::key(&[Arc::new(Record::bare(&articles(&[("ports", text)])[0].meta))], &config, target);
    let paid_edit = PAYWALLED.replace("Paid zqpaid", "Paid zqother");
    let free_edit = PAYWALLED.replace("Free <em>open</em>ing", "Free opening");
    assert_eq!(key(&paid_edit, Target::Public), key(PAYWALLED, Target::Public), "the public index holds no paid word");
    assert_ne!(key(&paid_edit, Target::Members), key(PAYWALLED, Target::Members));
    for target in [Target::Public, Target::Members] {
        assert_ne!(key(&free_edit, target), key(PAYWALLED, target));
    }
}

/// A record of `year` without text, as a build takes it.
fn bare(year: &str, i: usize) -> Arc<Record> {
    Arc::new(Record {
        source: format!("content/articles/a{year}-{i}.md").into(),
        slug: format!("a{year}-{i}"),
        title: format!("A {i}"),
        date: format!("{year}-01-01"),
        date_long: String::new(),
        year: year.to_string(),
        column: None,
        column_slug: None,
        teaser: String::new(),
        paywalled: true,
        text_hash: [i as u128, 0],
        text: None,
    })
}

#[test]
fn indexes_are_split_in_parts_that_the_search_page_names_alike() {
    let parts = Parts { public: 6, members: 2 };
    // Newest first: 2026 has 3 articles, 2025 has 1, 2024 has 2.
    let records: Vec<Arc<Record>> = [("2026", 3), ("2025", 1), ("2024", 2)].iter().flat_map(|&(y, n)| (0..n).map(move |i| bare(y, i))).collect();
    let years = [("2026", 3), ("2025", 1), ("2024", 2)];
    let members = parts.shards(&records, Target::Members);
    let dirs: Vec<&str> = members.iter().map(|s| s.dir.as_str()).collect();
    assert_eq!(dirs, ["pagefind/2026/", "pagefind/2026-2/", "pagefind/2025/", "pagefind/2024/"]);
    assert_eq!(parts.dirs(Target::Members, years), dirs, "the page asks for the indexes the build made");
    assert_eq!(members.iter().map(|s| s.records.len()).collect::<Vec<_>>(), [2, 1, 1, 2]);
    let slugs: Vec<&str> = members.iter().flat_map(|s| s.records.iter().map(|r| r.slug.as_str())).collect();
    assert_eq!(slugs, records.iter().map(|r| r.slug.as_str()).collect::<Vec<_>>(), "every article once, in order");
    // The public index stays one up to its limit, and is one a year above.
    let public = parts.shards(&records, Target::Public);
    assert_eq!(public.iter().map(|s| (s.dir.as_str(), s.records.len())).collect::<Vec<_>>(), [("pagefind/", 6)]);
    assert_eq!(parts.dirs(Target::Public, years), ["pagefind/"]);
    let parts = Parts { public: 2, members: 2 };
    let public = parts.shards(&records, Target::Public);
    assert_eq!(
        public.iter().map(|s| (s.dir.as_str(), s.records.len())).collect::<Vec<_>>(),
        [("pagefind/2026/", 2), ("pagefind/2026-2/", 1), ("pagefind/2025/", 1), ("pagefind/2024/", 2)]
    );
    assert_eq!(parts.dirs(Target::Public, years), public.iter().map(|s| s.dir.as_str()).collect::<Vec<_>>());
    // No article, no index.
    assert!(parts.shards(&[], Target::Public).is_empty() && parts.dirs(Target::Public, []).is_empty());
}

#[test]
fn the_sites_parts_keep_a_ten_thousand_article_site_as_it_was() {
    // One public index, and the members index one a year for the benchmark's thousand articles a year.
    let years: Vec<(String, usize)> = (2016..2026).rev().map(|y| (y.to_string(), 1000)).collect();
    let years = || years.iter().map(|(y, n)| (y.as_str(), *n));
    assert_eq!(PARTS.dirs(Target::Public, years()), ["pagefind/"]);
    assert_eq!(PARTS.dirs(Target::Members, years()), (2016..2026).rev().map(|y| format!("pagefind/{y}/")).collect::<Vec<_>>());
}
