//! A complete publication: listings, feeds, sitemap, robots, 404, the
//! subscribe page, search-engine markup, determinism, and incremental
//! updates that leave no stale page behind.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use common::Site;
use lede::content::Selection;
use lede::output::Sink;
use lede::site::Site as Loaded;
use lede::target::Target;

fn article_front(title: &str, date: &str, column: &str, tags: &[&str], authors: &[&str], extra: &str) -> String {
    let q = |v: &[&str]| v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
    format!("title = {title:?}\ndate = {date}\ncolumn = {column:?}\ntags = [{}]\nauthors = [{}]\n{extra}", q(tags), q(authors))
}

/// Twelve articles over two columns and years; one free, one draft, one future.
fn publication() -> Site {
    let site = Site::new();
    site.write("config.toml", format!("paginate_by = 5\n{}", common::CONFIG));
    for i in 0..12 {
        let column = if i % 2 == 0 { "Global Insights" } else { "Economy Watch" };
        let year = if i < 4 { 2025 } else { 2026 };
        let extra = if i == 3 { "paywall = false".to_string() } else { format!("teaser = \"Teaser {i} & <b>more</b>.\"") };
        let front = article_front(
            &format!("Story {i}"),
            &format!("{year}-0{}-1{}", 1 + i % 9, i % 9),
            column,
            &["NATO", "Trade"],
            &["Ann Analyst", "Bo Writer"],
            &extra,
        );
        site.article(&format!("story-{i}"), &front, &format!("Free {i}.\n\nAlso free {i}.\n\nPAID{i} words.\n"));
    }
    site.article("draft", &article_front("Draft", "2025-01-01", "Global Insights", &["Hidden"], &["Ann Analyst"], "draft = true\npaywall = false"), "x\n");
    site.article("future", &article_front("Future", "2999-01-01", "Global Insights", &["Hidden"], &["Ann Analyst"], "paywall = false"), "x\n");
    site.write("content/authors/ann-analyst.md", "+++\ntitle = \"Ann Analyst\"\n+++\nAnn covers alliances.\n");
    site.build_ok();
    site
}

#[test]
fn listings_for_home_columns_tags_authors_and_years() {
    let site = publication();
    for page in [
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "columns/index.html",
        "columns/global-insights/index.html",
        "columns/global-insights/page/2/index.html",
        "tags/index.html",
        "tags/nato/index.html",
        "authors/index.html",
        "authors/ann-analyst/index.html",
        "archive/index.html",
        "archive/2025/index.html",
        "archive/2026/index.html",
        "404.html",
        "subscribe/index.html",
    ] {
        for tree in ["public", "members"] {
            assert!(site.path(&format!("dist/{tree}/{page}")).is_file(), "missing {tree}/{page}");
        }
    }
    assert!(!site.path("dist/public/page/4").exists());
    assert!(!site.path("dist/public/tags/hidden").exists(), "a tag only drafts use gets no page");
    let home = site.read("dist/public/index.html");
    for needle in ["Story 8", "Global Insights", "Ann Analyst", "Subscribers", "Teaser 8 &amp; &lt;b&gt;more&lt;&#x2F;b&gt;."] {
        assert!(home.contains(needle) || home.contains(&needle.replace("&#x2F;", "/")), "home lacks {needle}: {home}");
    }
    assert!(site.read("dist/public/authors/ann-analyst/index.html").contains("Ann covers alliances."));
    let subscribe = site.read("dist/public/subscribe/index.html");
    for needle in ["type=\"email\"", "value=\"monthly\"", "value=\"student\"", "action=\"https://subscribe.fixture.example/join\""] {
        assert!(subscribe.contains(needle), "subscribe page lacks {needle}");
    }
    assert!(site.read("dist/public/404.html").contains("Page not found"));
}

#[test]
fn atom_feeds_parse_and_hold_public_text_only() {
    let site = publication();
    for feed_path in ["dist/public/atom.xml", "dist/public/columns/global-insights/atom.xml"] {
        let xml = site.read(feed_path);
        let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{feed_path}: {e}"));
        assert!(!feed.entries.is_empty());
        assert!(feed.updated.is_some(), "feed has <updated>");
        let mut ids = std::collections::BTreeSet::new();
        for e in &feed.entries {
            assert!(ids.insert(e.id.clone()), "duplicate id {}", e.id);
            assert!(e.updated.is_some());
            assert!(e.links.iter().all(|l| l.href.starts_with("https://fixture.example/")), "absolute public links");
        }
        for i in (0..12).filter(|&i| i != 3) {
            assert!(!xml.contains(&format!("PAID{i} ")), "{feed_path} leaks paid text of story {i}");
        }
        assert!(!xml.contains("Hidden") && !xml.contains("Future"));
    }
    let xml = site.read("dist/public/atom.xml");
    assert!(xml.contains("Free 11."), "free part in the feed");
    assert!(xml.contains("https://members.fixture.example/articles/story-11/"), "a paywalled entry points to the full text");
    assert!(xml.contains("Also free 3."), "a free article is whole in the feed");
    assert!(!site.path("dist/members/atom.xml").exists(), "members get no feed unless configured");
}

#[test]
fn sitemap_lists_every_published_page_and_robots_names_it() {
    let site = publication();
    let xml = site.read("dist/public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is XML");
    let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    for i in 0..12 {
        assert!(locs.contains(&format!("https://fixture.example/articles/story-{i}/").as_str()), "story-{i} missing");
    }
    assert!(!xml.contains("/draft/") && !xml.contains("/future/"));
    assert!(locs.iter().all(|l| l.starts_with("https://fixture.example/")));
    assert!(!site.path("dist/members/sitemap.xml").exists());
    assert!(site.read("dist/public/robots.txt").contains("Sitemap: https://fixture.example/sitemap.xml"));
    assert!(site.read("dist/members/robots.txt").contains("Disallow: /"));
}

fn json_ld(html: &str) -> serde_json::Value {
    let start = html.find("<script type=\"application/ld+json\">").expect("json-ld") + 35;
    let end = start + html[start..].find("</script>").expect("end");
    serde_json::from_str(&html[start..end]).expect("json-ld parses")
}

#[test]
fn search_engine_markup() {
    let site = publication();
    let teaser = site.read("dist/public/articles/story-5/index.html");
    let ld = json_ld(&teaser);
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["isAccessibleForFree"], false);
    assert!(ld.get("articleBody").is_none() && ld.get("hasPart").is_none());
    assert_eq!(ld["headline"], "Story 5");
    assert_eq!(ld["author"][0]["name"], "Ann Analyst");
    for needle in [
        "<link rel=\"canonical\" href=\"https://fixture.example/articles/story-5/\">",
        "<meta name=\"description\" content=\"Teaser 5",
        "<meta property=\"og:title\"",
        "<meta property=\"og:type\" content=\"article\">",
        "<meta name=\"twitter:card\"",
    ] {
        assert!(teaser.contains(needle), "teaser page lacks {needle}");
    }
    assert!(!teaser.contains("noindex"));
    let free = json_ld(&site.read("dist/public/articles/story-3/index.html"));
    assert_eq!(free["isAccessibleForFree"], true);
    let members = site.read("dist/members/articles/story-5/index.html");
    assert!(members.contains("<meta name=\"robots\" content=\"noindex"));
    let ld = json_ld(&members);
    assert_eq!(ld["hasPart"]["cssSelector"], ".paid-content");
    assert!(members.contains("class=\"paid-content\""));
    // The description of an article without a teaser comes from its free part.
    let derived = site.read("dist/public/articles/story-3/index.html");
    assert!(derived.contains("<meta name=\"description\" content=\"Free 3.\">"), "derived description");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = publication();
    let first = site.files_under("dist");
    site.build_ok();
    assert_eq!(first, site.files_under("dist"));
}

#[test]
fn reading_time_and_public_toc_reach_templates() {
    let site = Site::new();
    site.write("templates/article.html", "{{ page.reading_minutes }}|{% for h in page.toc %}{{ h.title }};{% endfor %}");
    let words = "word ".repeat(700);
    site.article("t", "title = \"T\"\ndate = 2025-01-01\npaywall = 2", &format!("## Free head\n\n{words}\n\n## Paid head\n\nx\n"));
    site.build_ok();
    assert_eq!(site.read("dist/public/articles/t/index.html"), "4|Free head;");
    assert_eq!(site.read("dist/members/articles/t/index.html"), "4|Free head;Paid head;");
}

/// Files in memory, for comparing an incremental update with a full build.
#[derive(Default)]
struct Memory(Mutex<BTreeMap<(Target, String), Vec<u8>>>);

impl Sink for Memory {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<(), lede::Diagnostics> {
        self.0.lock().expect("lock").insert((target, path.to_string()), bytes.to_vec());
        Ok(())
    }
}

fn selection() -> Selection {
    Selection { drafts: false, future: false, now: jiff::Timestamp::now() }
}

fn full_render(root: &Path) -> BTreeMap<(Target, String), Vec<u8>> {
    let site = Loaded::load(root, selection()).expect("load");
    let mem = Memory::default();
    site.render_all(&mem).expect("render");
    mem.0.into_inner().expect("lock")
}

#[test]
fn incremental_updates_match_a_full_build() {
    let site = publication();
    let mut loaded = Loaded::load(site.root(), selection()).expect("load");
    let mem = Memory::default();
    loaded.render_all(&mem).expect("render");
    let edits: Vec<(&str, Option<String>)> = vec![
        // A retitle: the article, every listing showing it, feeds and sitemap.
        (
            "content/articles/story-7.md",
            Some(format!(
                "+++\n{}\n+++\nFree.\n\nFree.\n\nPaid.\n",
                article_front("Renamed Seven", "2026-08-17", "Economy Watch", &["NATO", "Trade"], &["Ann Analyst"], "")
            )),
        ),
        // A new date moves it across pages, a new tag and column appear.
        (
            "content/articles/story-2.md",
            Some(format!("+++\n{}\n+++\nFree.\n\nFree.\n\nPaid.\n", article_front("Story 2", "2026-12-01", "New Column", &["Fresh"], &["Cy New"], ""))),
        ),
        // A new article, then a deleted one, then a changed slug.
        (
            "content/articles/story-new.md",
            Some(format!(
                "+++\n{}\n+++\nHello.\n\nMore.\n\nPaid.\n",
                article_front("Brand New", "2024-05-05", "Global Insights", &["Trade"], &["Bo Writer"], "")
            )),
        ),
        ("content/articles/story-0.md", None),
        (
            "content/articles/story-4.md",
            Some(format!(
                "+++\n{}\nslug = \"moved-four\"\n+++\nFree.\n\nFree.\n\nPaid.\n",
                article_front("Story 4", "2026-05-14", "Global Insights", &["NATO"], &["Ann Analyst"], "")
            )),
        ),
        // A page and a bio.
        ("content/about.md", Some("+++\ntitle = \"About\"\n+++\nAbout us.\n".into())),
        ("content/authors/ann-analyst.md", Some("+++\ntitle = \"Ann\"\n+++\nAnn now covers trade.\n".into())),
        // The only article of a column goes: its listing and feed must go too.
        ("content/articles/story-2.md", None),
    ];
    for (rel, text) in edits {
        match &text {
            Some(t) => site.write(rel, t),
            None => {
                std::fs::remove_file(site.path(rel)).expect("remove");
                &site
            }
        };
        let update = loaded.update_content(Path::new(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        loaded.render_jobs(&update.jobs, &mem).expect("render jobs");
        {
            let mut files = mem.0.lock().expect("lock");
            for path in &update.removed {
                for t in Target::ALL {
                    files.remove(&(t, path.clone()));
                }
            }
        }
        let incremental = mem.0.lock().expect("lock").clone();
        let full = full_render(site.root());
        let stale: Vec<_> = full.iter().filter(|(k, v)| incremental.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
        let extra: Vec<_> = incremental.keys().filter(|k| !full.contains_key(*k)).cloned().collect();
        if let Some(k) = stale.first() {
            let _ = std::fs::write("/tmp/lede-inc.html", incremental.get(k).cloned().unwrap_or_default());
            let _ = std::fs::write("/tmp/lede-full.html", &full[k]);
        }
        assert!(stale.is_empty(), "after {rel}: stale or missing {stale:?}");
        assert!(extra.is_empty(), "after {rel}: left behind {extra:?}");
    }
}

#[test]
fn a_broken_edit_leaves_the_loaded_site_unchanged() {
    let site = publication();
    let mut loaded = Loaded::load(site.root(), selection()).expect("load");
    site.write("content/articles/story-1.md", "+++\ntitle = \"x\"\npaywal = 2\n+++\n");
    let err = loaded.update_content(Path::new("content/articles/story-1.md")).unwrap_err();
    assert!(err.to_string().contains("paywal"));
    assert!(loaded.library().articles.iter().any(|a| a.meta.title == "Story 1"));
}

#[test]
fn members_feed_when_enabled_carries_the_full_text_and_the_public_feed_still_does_not() {
    let site = Site::new();
    site.write("config.toml", common::CONFIG.replacen("description =", "members_feed = true\ndescription =", 1));
    site.article("paid", "title = \"Paid\"\ndate = 2026-02-01\npaywall = 1", "FREEPART opening.\n\nPAIDPART detail.\n");
    site.article("free", "title = \"Free\"\ndate = 2026-01-01\npaywall = false", "All of it FREEWHOLE.\n");
    site.build_ok();
    let members = site.read("dist/members/atom.xml");
    feed_rs::parser::parse(members.as_bytes()).expect("members feed parses");
    assert!(members.contains("PAIDPART") && members.contains("FREEWHOLE"), "{members}");
    assert!(members.contains("https://members.fixture.example/articles/paid/"));
    let public = site.read("dist/public/atom.xml");
    assert!(public.contains("FREEPART") && !public.contains("PAIDPART"), "{public}");
    // The public entry of a paywalled article points subscribers to the full text.
    assert!(public.contains("https://members.fixture.example/articles/paid/"), "{public}");
    assert!(site.read("dist/members/articles/paid/index.html").contains("PAIDPART"));
}
