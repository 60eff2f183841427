//! The incremental updates and the cards, checked against a fresh load:
//! after each edit, every page must be as a full build renders it, and
//! the update must name every page that changed and not many more.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;
use crate::content::ListingKey;

fn site_with_one_article() -> (tempfile::TempDir, Site) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\n").expect("config");
    std::fs::create_dir_all(root.join("content/articles")).expect("content");
    std::fs::write(root.join("content/articles/one.md"), "+++\ntitle = \"First Story\"\ndate = 2026-01-02\n+++\nText.\n").expect("article");
    let now = "2026-11-28T00:00:00Z".parse().expect("instant");
    let site = Site::load(root, Selection { drafts: false, future: false, now }).expect("load");
    (dir, site)
}

const TAGS: [&str; 5] = ["EU", "Trade", "Energy", "Eu", "Arctic"];

fn article_text(i: usize, day: usize, title: &str) -> String {
    let tags: Vec<String> = (0..i % 3 + 1).map(|k| format!("{:?}", TAGS[(i + k) % TAGS.len()])).collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2025-{:02}-{:02}\ncolumn = \"{}\"\nauthors = [\"Writer {}\"]\ntags = [{}]\n+++\nFree text {i}.\n",
        day / 28 + 1,
        day % 28 + 1,
        if i.is_multiple_of(2) { "North" } else { "South" },
        i % 3,
        tags.join(", ")
    )
}

/// A site of `n` generated articles (`a00.md`, … of [`article_text`], one every `days` days), `per` to a listing page.
fn generated_site(n: usize, days: usize, per: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("config.toml"), format!("title = \"T\"\nbase_url = \"https://t.example\"\npaginate_by = {per}\n")).expect("config");
    std::fs::create_dir_all(root.join("content/articles")).expect("content");
    for i in 0..n {
        std::fs::write(root.join(format!("content/articles/a{i:02}.md")), article_text(i, i * days, &format!("Story {i}"))).expect("article");
    }
    dir
}

/// Every file of the public tree but the articles' (listings, feeds, sitemap, …), by path.
fn listing_pages(site: &Site) -> BTreeMap<String, String> {
    site.jobs_but_articles()
        .iter()
        .filter_map(|j| site.render_job(j, Target::Public).expect("render"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("UTF-8")))
        .collect()
}

#[test]
fn an_edit_rerenders_exactly_the_listing_pages_it_changes() {
    let dir = generated_site(30, 7, 3);
    let root = dir.path();
    let selection = Selection { drafts: false, future: false, now: "2026-11-28T00:00:00Z".parse().expect("instant") };
    let mut site = Site::load(root, selection).expect("load");
    // Whether the edit keeps the article's URL, dates and listings.
    const IN_PLACE: bool = true;
    let edits: Vec<(&str, Option<String>, bool)> = vec![
        ("a05", Some(article_text(5, 5 * 7, "Story 5 retitled")), IN_PLACE),
        ("a05", Some(article_text(5, 5 * 7, "Story 5 retitled") + "Another paragraph.\n"), IN_PLACE),
        ("a27", Some(article_text(27, 27 * 7, "Story 27, among the newest, retitled")), IN_PLACE),
        ("a05", Some(article_text(5, 300, "Story 5 moved to the top")), false),
        ("a12", Some(article_text(13, 12 * 7, "Story 12 with other tags")), false),
        ("a20", None, false),
        ("a31", Some(article_text(31, 1, "A new oldest story")), false),
        ("a00", Some(article_text(3, 0, "Story 0 spelled Eu")), false),
        ("a29", Some(article_text(29, 100, "Story 29 moved down")), false),
    ];
    for (name, text, in_place) in edits {
        let rel = format!("content/articles/{name}.md");
        let before = listing_pages(&site);
        let existed = root.join(&rel).exists();
        match &text {
            Some(t) => std::fs::write(root.join(&rel), t).expect("write"),
            None => std::fs::remove_file(root.join(&rel)).expect("delete"),
        }
        let update = site.update_content(Path::new(&rel)).expect("update");
        let fresh = Site::load(root, selection).expect("reload");
        assert_eq!(site.index, fresh.index, "after {name}: the index as a full load builds it");
        let after = listing_pages(&site);
        assert_eq!(after, listing_pages(&fresh), "after {name}: pages as a full build renders them");
        let rerendered: BTreeSet<String> =
            update.jobs.iter().filter_map(|j| site.render_job(j, Target::Public).expect("render")).map(|(path, _)| path).collect();
        for (path, html) in &after {
            if before.get(path) != Some(html) {
                assert!(rerendered.contains(path), "after {name}: {path} changed but is not rendered again");
            }
        }
        for path in before.keys().filter(|p| !after.contains_key(*p)) {
            assert!(update.removed.contains(path), "after {name}: {path} is gone but not removed");
        }
        // And not much more: when an article is edited in place (no listing
        // grows or shrinks), unchanged home pages are left alone.
        if existed && text.is_some() {
            let home = after.iter().filter(|(p, _)| *p == "index.html" || p.starts_with("page/"));
            for (path, html) in home {
                assert!(before.get(path) != Some(html) || !rerendered.contains(path), "after {name}: {path} did not change");
            }
        }
        // Nor the sitemap, or a feed the article is too old for.
        if in_place {
            assert!(!rerendered.contains("sitemap.xml"), "after {name}: the sitemap is rendered again");
            for path in after.keys().filter(|p| p.ends_with("atom.xml")) {
                if before.get(path) == after.get(path) {
                    assert!(!rerendered.contains(path), "after {name}: {path} did not change but is rendered again");
                }
            }
        }
    }
}

fn home(site: &Site) -> String {
    let (_, html) = site.render_job(&Job::Listing(ListingKey::Home, 1), Target::Public).expect("render").expect("a page");
    String::from_utf8(html).expect("UTF-8")
}

#[test]
fn cards_follow_new_templates_and_new_content() {
    let (dir, mut site) = site_with_one_article();
    assert!(home(&site).contains("<h2 class=\"card-title\"><a href=\"https://t.example/articles/one/\">First Story</a></h2>"));

    std::fs::create_dir_all(dir.path().join("templates/partials")).expect("templates");
    std::fs::write(dir.path().join("templates/partials/card.html"), "<p>CARD-V2 {{ article.title }}</p>").expect("card");
    site.set_renderer(Renderer::load(dir.path()).expect("templates load"));
    assert!(home(&site).contains("CARD-V2 First Story"), "{}", home(&site));

    std::fs::write(dir.path().join("content/articles/one.md"), "+++\ntitle = \"Retitled\"\ndate = 2026-01-02\n+++\nText.\n").expect("edit");
    site.update_content(Path::new("content/articles/one.md")).expect("update");
    assert!(home(&site).contains("CARD-V2 Retitled"), "{}", home(&site));

    site.relocate("http://127.0.0.1:4400", "http://127.0.0.1:4400/_members");
    site.set_renderer(Renderer::load(Path::new("/nonexistent-site-root")).expect("built-in templates"));
    assert!(home(&site).contains("href=\"http://127.0.0.1:4400/articles/one/\""), "{}", home(&site));
}

/// Every file of both trees a site renders, by target and path.
fn all_files(site: &Site) -> BTreeMap<(Target, String), Vec<u8>> {
    let mut files = BTreeMap::new();
    for job in site.jobs() {
        for target in Target::ALL {
            if let Some((path, bytes)) = site.render_job(&job, target).expect("render") {
                files.insert((target, path), bytes);
            }
        }
    }
    files
}

#[test]
fn an_edit_to_aliases_moves_the_redirects_as_a_fresh_load_has_them() {
    let (dir, mut site) = site_with_one_article();
    let root = dir.path();
    let selection = site.setup.selection;
    let edit = |site: &mut Site, text: &str| {
        std::fs::write(root.join("content/articles/one.md"), text).expect("edit");
        let changed = BTreeSet::from([Path::new("content/articles/one.md").to_path_buf()]);
        let update = site.update(Edit { content: &changed, templates: false, statics: &BTreeSet::new() }).expect("update");
        let fresh = Site::load(root, selection).expect("load");
        let (now, then) = (all_files(site), all_files(&fresh));
        assert_eq!(now, then, "the updated site renders what a fresh load renders");
        update
    };
    let update = edit(&mut site, "+++\ntitle = \"First Story\"\ndate = 2026-01-02\naliases = [\"/old/one/\", \"/older/one.html\"]\n+++\nText.\n");
    for job in [Job::Alias("/old/one/".into()), Job::Alias("/older/one.html".into()), Job::Redirects, Job::RedirectMap] {
        assert!(update.jobs.contains(&job), "{job:?} not rendered: {:?}", update.jobs);
    }
    let update = edit(&mut site, "+++\ntitle = \"First Story\"\ndate = 2026-01-02\naliases = [\"/old/one/\"]\n+++\nText.\n");
    assert!(update.removed.contains(&"older/one.html".to_string()), "{:?}", update.removed);
    let update = edit(&mut site, "+++\ntitle = \"First Story\"\ndate = 2026-01-02\n+++\nText.\n");
    assert!(update.removed.contains(&"old/one/index.html".to_string()) && update.removed.contains(&"_redirects".to_string()), "{:?}", update.removed);
}

#[test]
fn an_edit_to_a_shortcode_template_renders_the_bodies_that_use_it_again() {
    let (dir, mut site) = site_with_one_article();
    let root = dir.path();
    std::fs::write(root.join("content/articles/one.md"), "+++\ntitle = \"One\"\ndate = 2026-01-02\n+++\nText {{ mark() }}.\n").expect("edit");
    std::fs::create_dir_all(root.join("templates/shortcodes")).expect("mkdir");
    std::fs::write(root.join("templates/shortcodes/mark.html"), "MARK-V1").expect("template");
    let changed = BTreeSet::from([Path::new("content/articles/one.md").to_path_buf()]);
    site.update(Edit { content: &changed, templates: true, statics: &BTreeSet::new() }).expect("update");
    std::fs::write(root.join("templates/shortcodes/mark.html"), "MARK-V2").expect("template");
    site.update(Edit { content: &BTreeSet::new(), templates: true, statics: &BTreeSet::new() }).expect("update");
    let fresh = Site::load(root, site.setup.selection).expect("load");
    let (now, then) = (all_files(&site), all_files(&fresh));
    assert!(then.values().any(|f| String::from_utf8_lossy(f).contains("MARK-V2")));
    assert_eq!(now, then, "the updated site renders what a fresh load renders");
}

/// Every article, those dated later than now too.
fn with_future() -> Selection {
    Selection { drafts: false, future: true, now: jiff::Timestamp::now() }
}

/// A site of `config` and `articles` (`a0.md`, … in order).
fn site_of(config: &str, articles: impl IntoIterator<Item = String>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("config.toml"), config).expect("config");
    std::fs::create_dir_all(root.join("content/articles")).expect("content");
    for (i, text) in articles.into_iter().enumerate() {
        std::fs::write(root.join(format!("content/articles/a{i}.md")), text).expect("article");
    }
    dir
}

#[test]
fn an_edit_renders_again_every_article_whose_related_section_it_changes() {
    let text = |i: usize, title: &str, tags: &str| {
        format!("+++\ntitle = \"{title}\"\ndate = 2026-01-{:02}\ncolumn = \"C{}\"\ntags = [{tags}]\n+++\nText {i}.\n", i + 1, i % 2)
    };
    let dir = site_of("title = \"T\"\nbase_url = \"https://t.example\"\n", (0..8).map(|i| text(i, &format!("Story {i}"), &format!("\"t{}\"", i % 3))));
    let root = dir.path();
    let selection = with_future();
    let mut site = Site::load(root, selection).expect("load");
    let edits: [(usize, Option<String>); 5] = [
        (3, Some(text(3, "Story 3", "\"t0\", \"t1\""))),  // new tags: other lists change
        (5, Some(text(5, "Story 5 retitled", "\"t2\""))), // same tags, new card
        (6, None),                                        // gone from others' lists
        (9, Some(text(9, "Story 9", "\"t1\""))),          // new, and newest of its tag
        (0, Some(text(0, "Story 0", "\"t9\""))),          // shares only its column now
    ];
    for (i, new) in edits {
        let rel = format!("content/articles/a{i}.md");
        match &new {
            Some(t) => std::fs::write(root.join(&rel), t).expect("write"),
            None => std::fs::remove_file(root.join(&rel)).expect("delete"),
        }
        let before = all_files(&site);
        let changed = BTreeSet::from([Path::new(&rel).to_path_buf()]);
        let update = site.update(Edit { content: &changed, templates: false, statics: &BTreeSet::new() }).expect("update");
        let fresh = Site::load(root, selection).expect("load");
        let after = all_files(&site);
        assert_eq!(after, all_files(&fresh), "after a{i}: the updated site renders what a fresh load renders");
        let rerendered: BTreeSet<String> =
            update.jobs.iter().filter_map(|j| site.render_job(j, Target::Public).expect("render")).map(|(path, _)| path).collect();
        for ((target, path), bytes) in &after {
            if *target == Target::Public && path.starts_with("articles/") && before.get(&(*target, path.clone())) != Some(bytes) {
                assert!(rerendered.contains(path), "after a{i}: {path} changed but is not rendered again");
            }
        }
    }
    // The related sections are there to check.
    assert!(all_files(&site).iter().filter(|((_, p), _)| p.starts_with("articles/")).all(|(_, b)| String::from_utf8_lossy(b).contains("Related analysis")));
}

#[test]
fn pages_rendered_on_request_are_known_by_the_paths_they_render_to() {
    let dir = generated_site(9, 9, 2);
    let site = Site::load(dir.path(), with_future()).expect("load");
    let mut rendered = BTreeMap::new();
    for job in site.jobs().into_iter().filter(Job::on_request) {
        let paths = Target::ALL.map(|t| site.render_job(&job, t).expect("render").map(|(path, _)| path));
        assert!(paths[0].is_some() && paths[0] == paths[1], "{job:?}: one path in both trees: {paths:?}");
        assert_eq!(site.path_on_request(&job), paths[0], "{job:?}");
        rendered.insert(paths[0].clone().unwrap_or_default(), job);
    }
    let known: BTreeMap<String, Job> = site.pages_on_request().into_iter().collect();
    assert_eq!(known, rendered, "every page rendered on request, and only those, at the path it renders to");
    assert!(known.keys().any(|p| p.starts_with("tags/")) && known.keys().any(|p| p.contains("/page/")), "{:?}", known.keys());
    // Gone, or past the last page: no path.
    assert_eq!(site.path_on_request(&Job::Article("content/articles/gone.md".into())), None);
    assert_eq!(site.path_on_request(&Job::Listing(ListingKey::Home, 99)), None);
    assert_eq!(site.path_on_request(&Job::Sitemap), None);
    // The samples are of those kinds, and render.
    let samples = site.samples_on_request();
    assert!(samples.iter().all(Job::on_request) && samples.len() >= 5, "{samples:?}");
}

#[test]
fn a_site_that_keeps_no_cards_renders_what_one_that_keeps_them_does() {
    let dir = generated_site(7, 5, 3);
    let root = dir.path();
    let selection = with_future();
    let keeping = Site::load(root, selection).expect("load");
    let mut lean = Site::load(root, selection).expect("load");
    lean.keep_no_cards();
    assert_eq!(all_files(&lean), all_files(&keeping));
    assert!(keeping.cards.iter().all(|c| c.get().is_some()), "the usual site keeps each card it made");
    assert!(lean.cards.iter().all(|c| c.get().is_none()), "the lean one keeps none");
}

#[test]
fn cards_made_field_by_field_equal_their_reference_view_in_both_trees() {
    let articles = [
        "+++\ntitle = \"Everything\"\ndate = 2026-03-17T09:30:00+01:00\nupdated = 2026-04-01\ncolumn = \"The Ledger\"\nauthors = [\"Ana Ruiz\", \"Bo Li\"]\ntags = [\"Climate\", \"Trade policy\"]\nimage = \"/images/cover.jpg\"\nteaser = \"A teaser & more.\"\n+++\nFree.\n\n<!-- paywall -->\n\nPaid.\n",
        "+++\ntitle = \"Bare\"\ndate = 2026-03-18\n+++\nText.\n",
        // The same slug as \"Climate\", spelt otherwise: each card shows its own spelling.
        "+++\ntitle = \"Other spelling\"\ndate = 2026-03-19\ntags = [\"climate\"]\nimage = \"https://img.example/a.png\"\n+++\nText.\n",
    ];
    let dir = site_of("title = \"T\"\nbase_url = \"https://t.example\"\nmembers_url = \"https://t.example/m\"\n", articles.map(String::from));
    let site = Site::load(dir.path(), Selection { drafts: false, future: false, now: jiff::Timestamp::now() }).expect("load");
    let setup = &site.setup;
    let none = TermValues::default();
    for article in &site.library.articles {
        for target in Target::ALL {
            let reference = Value::from_serializable(&crate::render::views::CardView::new(&SiteView::new(&setup.config, target, &setup.assets), &article.meta));
            // With the site's terms, and with none made (a term an edit brought).
            for terms in [site.terms(), &none] {
                let common = super::pages::card_common(&setup.config, &article.meta);
                assert_eq!(Value::from(setup.card_fields(&article.meta, target, terms, &common)), reference, "{} in {target:?}", article.meta.title);
            }
        }
    }
    // A lean card, made whole where it is shown, is the whole card.
    for article in &site.library.articles {
        let whole = setup.new_cards(&article.meta, site.terms(), true).expect("whole");
        let lean = setup.new_cards(&article.meta, site.terms(), false).expect("lean");
        assert!(matches!((&whole, &lean), (Cards::Whole(_), Cards::Lean { .. })));
        for target in Target::ALL {
            let shown = lean.card(target);
            assert_eq!(shown, whole.card(target), "{} in {target:?}", article.meta.title);
            assert!(shown.to_string().contains("card-title"), "{shown}");
        }
    }
    let spellings: Vec<String> = site.library.articles.iter().flat_map(|a| a.meta.tags.clone()).collect();
    assert!(spellings.contains(&"Climate".to_string()) && spellings.contains(&"climate".to_string()), "{spellings:?}");
}
