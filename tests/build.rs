//! Whole sites built into temporary folders: the teaser-and-subscribe page
//! of the built-in theme, free articles, pages, the example site itself.

mod common;

use common::Site;

#[test]
fn teaser_page_has_everything_the_reference_page_has() {
    let site = Site::new();
    site.article(
        "deferred",
        "title = \"A Partnership Deferred\"\ndate = 2009-12-22\ncolumn = \"Global Insights\"\nauthors = [\"Ann Analyst\"]\npaywall = 1",
        "The free opening.\n\nThe paid rest.\n",
    );
    site.build_ok();
    let html = site.read("dist/public/articles/deferred/index.html");
    for needle in [
        "Global Insights",
        "A Partnership Deferred",
        "Tuesday, Dec. 22, 2009",
        "Ann Analyst",
        "The free opening.",
        "…",
        "method=\"post\" action=\"https://subscribe.fixture.example/join\"",
        "type=\"email\"",
        "value=\"monthly\"",
        "value=\"yearly\"",
        "value=\"student\"",
        "Fixture pitch: every analysis, in full.",
        "href=\"https://members.fixture.example/articles/deferred/\"",
        "href=\"#top\"",
    ] {
        assert!(html.contains(needle), "teaser page lacks {needle:?}");
    }
    assert!(!html.contains("The paid rest."));
    let members = site.read("dist/members/articles/deferred/index.html");
    assert!(members.contains("The paid rest."));
    assert!(!members.contains("action=\"https://subscribe.fixture.example/join\""), "subscribers are not asked to subscribe");
    assert!(members.contains("noindex"));
    assert!(members.contains("href=\"https://members.fixture.example/style."), "members links stay in the members tree");
    // Navigation stays in the members tree; only canonical and feed links name the public copy.
    for link in members.split("<a ").skip(1) {
        assert!(!link.contains("href=\"https://fixture.example"), "members page links out of its tree: <a {}", &link[..link.len().min(120)]);
    }
}

#[test]
fn free_articles_are_complete_in_both_trees() {
    let site = Site::new();
    site.article("open", "title = \"Open\"\ndate = 2025-01-01\npaywall = false", "One.\n\nTwo.\n\nThree.\n");
    site.build_ok();
    for tree in ["public", "members"] {
        let html = site.read(&format!("dist/{tree}/articles/open/index.html"));
        assert!(html.contains("Three."), "{tree}");
        assert!(!html.contains("subscribe-box"), "{tree}: a free article has no subscribe box");
    }
}

#[test]
fn home_lists_newest_first_with_public_teasers() {
    let site = Site::new();
    site.article("older", "title = \"Older\"\ndate = 2025-01-01\nteaser = \"Older teaser.\"", "A.\n\nB.\n\nSECRETOLD.\n");
    site.article("newer", "title = \"Newer\"\ndate = 2025-06-01", "Newer opening words.\n\nB.\n\nSECRETNEW.\n");
    site.build_ok();
    let home = site.read("dist/public/index.html");
    let (newer, older) = (home.find("Newer").expect("newer"), home.find("Older").expect("older"));
    assert!(newer < older, "newest first");
    assert!(home.contains("Older teaser.") && home.contains("Newer opening words."));
    assert!(!home.contains("SECRET"));
    assert!(site.read("dist/members/index.html").contains("https://members.fixture.example/articles/newer/"));
}

#[test]
fn pages_are_built_in_both_trees() {
    let site = Site::new();
    site.write("content/about.md", "+++\ntitle = \"About us\"\n+++\nWho we are.\n");
    site.build_ok();
    assert!(site.read("dist/public/about/index.html").contains("Who we are."));
    assert!(site.read("dist/members/about/index.html").contains("Who we are."));
}

#[test]
fn site_without_theme_files_builds_with_the_built_in_theme() {
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = false", "x\n");
    let out = site.build_ok();
    assert!(out.starts_with("Built 1 article (0 paywalled) and 0 pages:"), "{out}");
    assert!(site.read("dist/public/style.css").contains("--measure"));
    assert!(site.path("dist/members/style.css").exists());
}

#[test]
fn site_templates_override_built_in_ones() {
    let site = Site::new();
    site.write("templates/partials/footer.html", "<footer>OWN FOOTER</footer>");
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = false", "x\n");
    site.build_ok();
    assert!(site.read("dist/public/articles/a/index.html").contains("OWN FOOTER"));
}

#[test]
fn static_files_are_copied_and_outside_links_refused() {
    let site = Site::new();
    site.write("static/img/logo.svg", "<svg/>");
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = false", "x\n");
    site.build_ok();
    assert_eq!(site.read("dist/public/img/logo.svg"), "<svg/>");
    assert_eq!(site.read("dist/members/img/logo.svg"), "<svg/>");
    // The stylesheet, and a copy named by its hash that every page links.
    let css = site.read("dist/public/style.css");
    let home = site.read("dist/public/index.html");
    let linked = home.split("rel=\"stylesheet\" href=\"https://fixture.example/").nth(1).and_then(|r| r.split('"').next()).expect("a stylesheet link");
    assert!(linked.starts_with("style.") && linked.ends_with(".css") && linked.len() == "style.0123456789.css".len(), "{linked}");
    assert_eq!(site.read(&format!("dist/public/{linked}")), css);
    assert_eq!(site.read(&format!("dist/members/{linked}")), css);
    site.write("static/style.css", "body { color: red }");
    site.build_ok();
    let relinked = site.read("dist/public/index.html");
    assert!(!relinked.contains(linked), "an edited stylesheet keeps its old name");
    let outside = tempfile::NamedTempFile::new().expect("tmp");
    std::os::unix::fs::symlink(outside.path(), site.path("static/leak.txt")).expect("symlink");
    let err = site.build_err();
    assert!(err.contains("static/leak.txt") && err.contains("outside the site"), "{err}");
}

#[test]
fn the_example_site_builds() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = tempfile::tempdir().expect("tmp");
    let summary = lede::build(&lede::BuildOptions {
        root: root.into(),
        out: out.path().join("dist"),
        drafts: false,
        future: false,
        allow_empty: false,
        check_leaks: false,
        check_links: lede::build::LinkCheck::Off,
        list_changed: false,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.articles >= 8, "{summary}");
    assert!(summary.paywalled >= 6, "{summary}");
}

#[test]
fn timings_name_each_step_and_a_rebuild_replaces_the_old_output() {
    let site = Site::new();
    site.article("one", "title = \"One\"\ndate = 2026-01-05\npaywall = false", "Only paragraph.\n");
    site.build_ok();
    site.write("static/old.txt", "stale");
    site.build_ok();
    site.write("static/old.txt", "fresh");
    let out = site.lede(&["build", "--timings"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for step in ["load, render and write the articles", "render and write listings, feeds and pages", "swap the new output in"] {
        assert!(text.contains(step), "{step:?} missing from:\n{text}");
    }
    assert_eq!(site.read("dist/public/old.txt"), "fresh");
    // The old output is kept as the next build's spare, and nothing else is left beside dist/.
    let beside: Vec<String> = std::fs::read_dir(site.root())
        .expect("list the site")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with('.'))
        .collect();
    let mut beside = beside;
    beside.sort();
    // The lock file stays: it is how two builds of one output take turns;
    // the cache keeps the search index for the next build.
    assert_eq!(beside, [".dist.lede-lock", ".dist.lede-spare", ".lede-cache"], "left behind: {beside:?}");
    // A file the site no longer has is gone from the output.
    std::fs::remove_file(site.root().join("static/old.txt")).expect("delete");
    site.build_ok();
    assert!(!site.root().join("dist/public/old.txt").exists(), "a deleted static file is still in dist/");
    site.build_ok();
    assert!(!site.root().join("dist/public/old.txt").exists(), "a deleted static file came back");
    let inside = |dir: &str| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        site.files_under(dir)
            .into_iter()
            .map(|(p, bytes)| (p.strip_prefix(dir).expect("prefix").to_path_buf(), bytes))
            .filter(|(p, _)| p != std::path::Path::new(".lede-ledger"))
            .collect()
    };
    let clean = site.lede(&["build", "--out", "clean"]);
    assert!(clean.status.success());
    assert_eq!(inside("dist"), inside("clean"), "the updated output is what a clean build makes");
}

#[test]
fn imported_sites_keep_their_slugs_spellings_and_dates() {
    let site = Site::new();
    site.write(
        "content/articles/ending-ocsp.markdown",
        "+++\ntitle = \"Ending OCSP\"\ndate = \"2017-12-07 09:00:00 -0400\"\nslug = \"Ending-OCSP\"\npaywall = false\n+++\nText.\n",
    );
    site.article("rust", "title = \"Rust\"\ndate = 2023-06-01T10:00:00Z\nslug = \"rust_1.70\"\npaywall = false", "Text.\n");
    site.build_ok();
    let page = site.read("dist/public/articles/Ending-OCSP/index.html");
    assert!(page.contains("2017-12-07T09:00:00-04:00"), "the offset is kept in the page's machine-readable date");
    assert!(site.root().join("dist/public/articles/rust_1.70/index.html").is_file());
    assert!(site.read("dist/public/sitemap.xml").contains("/articles/Ending-OCSP/"));
}
