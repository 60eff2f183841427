//! `lede import`: export files written for the project, imported into new
//! sites that must then build; paid text must never reach the public tree;
//! re-runs must change nothing; malformed exports must fail at their position.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import");

fn lede(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lede")).args(args).current_dir(dir).output().expect("run lede")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Imports `source` as `format` into a new site in a temporary folder, checks it succeeded and builds.
fn import_and_build(format: &str, source: &Path, extra: &[&str]) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    let mut args = vec!["import", format, source.to_str().expect("utf-8 path"), "--root", site.to_str().expect("utf-8 path")];
    args.extend(extra);
    let out = lede(tmp.path(), &args);
    let said = text(&out);
    assert!(out.status.success(), "import failed:\n{said}");
    assert!(!said.contains("panicked"), "{said}");
    let built = lede(&site, &["build", "--drafts"]);
    assert!(built.status.success(), "the imported site does not build:\n{}", text(&built));
    let built = lede(&site, &["build"]);
    assert!(built.status.success(), "the imported site does not build:\n{}", text(&built));
    (tmp, said)
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn site(tmp: &tempfile::TempDir) -> PathBuf {
    tmp.path().join("site")
}

#[test]
fn a_wordpress_export_becomes_a_site_that_builds() {
    let (tmp, said) = import_and_build("wordpress", &Path::new(FIXTURES).join("wordpress/export.xml"), &[]);
    let site = site(&tmp);
    assert!(said.contains("Made a new site"), "{said}");
    assert!(read(&site, "config.toml").contains("title = \"The Brief & Friends\""));
    assert!(read(&site, "config.toml").contains("base_url = \"https://example.org\""));
    // The password-protected post is for members; its excerpt, which
    // WordPress showed no reader, is not made public.
    let briefing = read(&site, "content/articles/members-briefing.md");
    assert!(briefing.contains("paywall = 0") && briefing.contains("teaser = \"This analysis is for subscribers.\""), "{briefing}");
    let public = read(&site, "dist/public/articles/members-briefing/index.html");
    for private in ["Everything here is for subscribers", "Still for subscribers", "The public summary of the briefing"] {
        assert!(!public.contains(private), "{private}: {public}");
    }
    assert!(read(&site, "dist/members/articles/members-briefing/index.html").contains("Still for subscribers"));
    // Old permalinks redirect.
    let redirect = read(&site, "dist/public/2021/01/05/members-briefing/index.html");
    assert!(redirect.contains("url=https://example.org/articles/members-briefing/"), "{redirect}");
    assert!(read(&site, "dist/public/_redirects").contains("/2020/03/17/a-partnership-deferred/ /articles/a-partnership-deferred/ 301"));
    // Without --more-is-paywall, <!--more--> is only a summary divider: the post is free.
    assert!(read(&site, "content/articles/a-partnership-deferred.md").contains("paywall = false"));
    let report = read(&site, "import-report-wordpress.md");
    for heading in [
        "# Import from wordpress",
        "## Paywall decisions",
        "password-protected",
        "## What went where",
        "\"Members’ Briefing\" → content/articles/members-briefing.md",
    ] {
        assert!(report.contains(heading), "{heading:?} missing from the report:\n{report}");
    }
    assert_eq!(report.matches("post 12: members only (paywall = 0").count(), 1, "each decision once:\n{report}");
    assert!(report.contains("post 12: members only with no public excerpt in the source"), "the placeholder teaser is reported:\n{report}");
    // lede check runs on the result and reports.
    let check = lede(&site, &["check"]);
    assert!(!text(&check).contains("panicked"), "{}", text(&check));
}

#[test]
fn more_is_paywall_cuts_at_more_and_the_cut_holds() {
    let (tmp, _) = import_and_build("wordpress", &Path::new(FIXTURES).join("wordpress/export.xml"), &["--more-is-paywall"]);
    let site = site(&tmp);
    let article = read(&site, "content/articles/a-partnership-deferred.md");
    assert!(article.contains("\n<!-- paywall -->\n") && !article.contains("paywall = false"), "{article}");
    let public = read(&site, "dist/public/articles/a-partnership-deferred/index.html");
    assert!(public.contains("It stalled in 2014.") && !public.contains("The rest of the analysis"), "{public}");
}

#[test]
fn an_import_runs_again_without_changing_anything_and_keeps_edits() {
    let tmp = tempfile::tempdir().expect("tmp");
    let site = tmp.path().join("site");
    let source = Path::new(FIXTURES).join("ghost/export.json");
    let args = ["import", "ghost", source.to_str().expect("path"), "--root", site.to_str().expect("path")];
    assert!(lede(tmp.path(), &args).status.success());
    let files = snapshot(&site);
    let again = lede(tmp.path(), &args);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(snapshot(&site), files, "a second run changed files");
    assert!(text(&again).contains("files unchanged"), "{}", text(&again));
    // An edit is kept, and said so; --force writes over it.
    let edited = site.join("content/articles/a-partnership-deferred.md");
    std::fs::write(&edited, "+++\ntitle = \"Mine now\"\ndate = 2024-01-01\npaywall = false\n+++\nEdited.\n").expect("edit");
    let kept = lede(tmp.path(), &args);
    assert!(text(&kept).contains("kept; --force writes over them"), "{}", text(&kept));
    assert!(read(&site, "content/articles/a-partnership-deferred.md").contains("Mine now"));
    let mut forced = args.to_vec();
    forced.push("--force");
    assert!(lede(tmp.path(), &forced).status.success());
    assert!(!read(&site, "content/articles/a-partnership-deferred.md").contains("Mine now"));
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() && !entry.path().to_string_lossy().contains("import-report") {
            out.push((entry.path().to_path_buf(), std::fs::read(entry.path()).expect("read")));
        }
    }
    out
}

#[test]
fn a_ghost_export_keeps_members_posts_out_of_the_public_tree() {
    let (tmp, _) = import_and_build("ghost", &Path::new(FIXTURES).join("ghost/export.json"), &[]);
    let site = site(&tmp);
    let cut = read(&site, "dist/public/articles/the-free-part-ends-here/index.html");
    assert!(cut.contains("Free intro.") && !cut.contains("Paid analysis."), "{cut}");
    let paid = read(&site, "content/articles/paid-without-a-cut.md");
    assert!(paid.contains("paywall = 0"), "{paid}");
    assert!(!read(&site, "dist/public/articles/paid-without-a-cut/index.html").contains("Every word of this is paid."));
    assert!(read(&site, "dist/public/the-free-part-ends-here/index.html").contains("url=https://"), "the old /slug/ redirects");
}

#[test]
fn a_substack_export_imports_from_its_folder() {
    let (tmp, _) = import_and_build("substack", &Path::new(FIXTURES).join("substack/export"), &[]);
    let site = site(&tmp);
    let cut = read(&site, "dist/public/articles/paid-with-a-cut/index.html");
    assert!(cut.contains("The free opening.") && !cut.contains("The paid analysis."), "{cut}");
    assert!(read(&site, "dist/public/p/paid-with-a-cut/index.html").contains("articles/paid-with-a-cut/"));
}

#[test]
fn malformed_exports_fail_at_their_position_and_write_nothing() {
    for (format, file, position) in [
        ("wordpress", "wordpress/malformed.xml", "malformed.xml:11:45"),
        ("ghost", "ghost/malformed.json", "malformed.json:"),
        ("substack", "substack/malformed", "posts.csv:3"),
    ] {
        let tmp = tempfile::tempdir().expect("tmp");
        let site = tmp.path().join("site");
        let source = Path::new(FIXTURES).join(file);
        let out = lede(tmp.path(), &["import", format, source.to_str().expect("path"), "--root", site.to_str().expect("path")]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {said}");
        assert!(said.contains(position), "{format}: {position:?} missing from:\n{said}");
        assert!(!said.contains("panicked"));
        assert!(!site.exists(), "{format}: a failed import wrote files");
    }
}

#[test]
fn hugo_and_jekyll_sites_become_sites_that_build() {
    for (format, source) in [("hugo", "hugo/site"), ("jekyll", "jekyll/site")] {
        let (tmp, said) = import_and_build(format, &Path::new(FIXTURES).join(source), &[]);
        let site = site(&tmp);
        assert!(said.contains("The site builds"), "{format}: {said}");
        let report = read(&site, &format!("import-report-{format}.md"));
        assert!(report.contains("## Shortcodes and embeds") && report.contains("## What went where"), "{format}:\n{report}");
        // lede check runs on the result and reports what the old site left broken.
        let check = lede(&site, &["check"]);
        assert!(!text(&check).contains("panicked"), "{}", text(&check));
    }
}

#[test]
fn an_html_post_of_a_jekyll_site_is_cut_at_more_when_asked() {
    let tmp = tempfile::tempdir().expect("tmp");
    let source = tmp.path().join("jekyll");
    std::fs::create_dir_all(source.join("_posts")).expect("mkdir");
    std::fs::write(source.join("_config.yml"), "title: Old\nurl: https://old.example\n").expect("write");
    std::fs::write(source.join("_posts/2020-01-01-html.html"), "---\ntitle: HTML\n---\n<p>Free opening.</p>\n<!--more-->\n<p>Paid htmlpaidword.</p>\n")
        .expect("write");
    let site = tmp.path().join("site");
    let out = lede(tmp.path(), &["import", "jekyll", source.to_str().expect("path"), "--root", site.to_str().expect("path"), "--more-is-paywall"]);
    assert!(out.status.success(), "{}", text(&out));
    let article = read(&site, "content/articles/html.md");
    assert!(article.contains("\n<!-- paywall -->\n") && !article.contains("paywall = 0"), "cut, not made members-only:\n{article}");
    assert!(lede(&site, &["build"]).status.success());
    assert!(!read(&site, "dist/public/articles/html/index.html").contains("htmlpaidword"));
}

/// Every article and page an import wrote, one after another, for a golden file.
fn written_content(site: &Path) -> String {
    let mut out = String::new();
    for (path, bytes) in snapshot(&site.join("content")) {
        let rel = path.strip_prefix(site).expect("inside the site");
        out.push_str(&format!("===== {}\n{}", rel.display(), String::from_utf8_lossy(&bytes)));
    }
    out
}

#[test]
fn imported_files_match_their_golden_copies() {
    for (format, source) in [
        ("wordpress", "wordpress/export.xml"),
        ("ghost", "ghost/export.json"),
        ("substack", "substack/export"),
        ("hugo", "hugo/site"),
        ("jekyll", "jekyll/site"),
    ] {
        let today = || jiff::tz::TimeZone::UTC.to_datetime(jiff::Timestamp::now()).date().to_string();
        let before = today();
        let (tmp, _) = import_and_build(format, &Path::new(FIXTURES).join(source), &[]);
        // A post without a date is dated on the day of the import.
        let written = written_content(&site(&tmp)).replace(&before, "TODAY").replace(&today(), "TODAY");
        insta::assert_snapshot!(format!("import_{format}"), written);
    }
}

#[test]
fn a_hugo_authors_own_paywall_line_decides_over_the_default() {
    let tmp = tempfile::tempdir().expect("tmp");
    let source = tmp.path().join("hugo");
    std::fs::create_dir_all(source.join("content/posts")).expect("mkdir");
    let body = "First.\n\n<!-- paywall -->\n\nSecond ownlinepaidword.\n\nThird ownlinepaidword.\n";
    std::fs::write(source.join("content/posts/own.md"), format!("---\ntitle: Own\ndate: 2024-01-01\n---\n{body}")).expect("write");
    for (paywall, expect) in [("false", "\n<!-- paywall -->\n"), ("1", "\n<!-- paywall -->\n"), ("members", "paywall = 0")] {
        let site = tmp.path().join(format!("site-{paywall}"));
        let out = lede(tmp.path(), &["import", "hugo", source.to_str().expect("path"), "--root", site.to_str().expect("path"), "--paywall", paywall]);
        assert!(out.status.success(), "--paywall {paywall}: {}", text(&out));
        let article = read(&site, "content/articles/own.md");
        assert!(article.contains(expect), "--paywall {paywall}:\n{article}");
        assert!(lede(&site, &["build"]).status.success());
        assert!(!read(&site, "dist/public/articles/own/index.html").contains("ownlinepaidword"), "--paywall {paywall}");
    }
}

#[test]
fn a_hugo_page_bundle_becomes_a_folder_whose_paid_files_stay_with_members() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bundle = tmp.path().join("hugo/content/posts/report");
    std::fs::create_dir_all(&bundle).expect("mkdir");
    std::fs::write(bundle.join("index.md"), "---\ntitle: Report\ndate: 2024-01-01\n---\n![Free](free.png)\n\n![Paid](paid.png)\n").expect("write");
    std::fs::write(bundle.join("free.png"), "FREEPNG").expect("write");
    std::fs::write(bundle.join("paid.png"), "PAIDPNG").expect("write");
    let site = tmp.path().join("site");
    let source = tmp.path().join("hugo");
    let out = lede(tmp.path(), &["import", "hugo", source.to_str().expect("path"), "--root", site.to_str().expect("path"), "--paywall", "1"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(site.join("content/articles/report/index.md").is_file() && site.join("content/articles/report/paid.png").is_file());
    assert!(lede(&site, &["build"]).status.success());
    assert!(site.join("dist/public/articles/report/free.png").is_file());
    assert!(!site.join("dist/public/articles/report/paid.png").exists(), "a paid-only image is in the public tree");
    assert!(site.join("dist/members/articles/report/paid.png").is_file());
}

#[test]
fn a_ghost_export_without_its_images_folder_still_builds() {
    let tmp = tempfile::tempdir().expect("tmp");
    let alone = tmp.path().join("ghost.json");
    std::fs::copy(Path::new(FIXTURES).join("ghost/export.json"), &alone).expect("copy");
    let (tmp2, _) = import_and_build("ghost", &alone, &[]);
    let site = site(&tmp2);
    let article = read(&site, "content/articles/a-partnership-deferred.md");
    assert!(article.contains("<img src=\"/content/images/2024/03/map.jpg\""), "{article}");
    assert!(read(&site, "import-report-ghost.md").contains("copy it to static/content/images/2024/03/map.jpg"));
}

/// Unique words for the paid part of post `i`.
fn paid_words(format: &str, i: usize) -> String {
    format!("paidmark{format}{i}alpha paidmark{format}{i}beta paidmark{format}{i}gamma")
}

#[test]
fn no_imported_paid_text_reaches_the_public_tree() {
    let tmp = tempfile::tempdir().expect("tmp");
    // WordPress: password-protected posts, and posts cut at <!--more--> with --more-is-paywall.
    let mut items = String::new();
    for i in 0..6 {
        let password = if i % 2 == 0 { "secret" } else { "" };
        items.push_str(&format!(
            "<item><title>Post {i}</title><link>https://old.example/{i}/</link><dc:creator>ed</dc:creator><content:encoded><![CDATA[<p>Free opening {i}.</p><!--more--><p>{}</p>]]></content:encoded><excerpt:encoded><![CDATA[Summary {i}.]]></excerpt:encoded><wp:post_id>{i}</wp:post_id><wp:post_date>2024-01-0{} 10:00:00</wp:post_date><wp:post_date_gmt>2024-01-0{} 10:00:00</wp:post_date_gmt><wp:post_name>post-{i}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type><wp:post_password>{password}</wp:post_password></item>\n",
            paid_words("wp", i),
            i + 1,
            i + 1
        ));
    }
    let wxr = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>\n{items}</channel></rss>\n"
    );
    let wxr_path = tmp.path().join("export.xml");
    std::fs::write(&wxr_path, wxr).expect("write");
    // Ghost: members posts with and without the marker, a paid one, tiers.
    let mut posts = Vec::new();
    for (i, visibility) in ["members", "paid", "tiers", "members"].iter().enumerate() {
        let marker = if i % 2 == 0 { "<!--members-only-->" } else { "" };
        posts.push(serde_json::json!({
            "id": format!("g{i}"), "uuid": format!("u{i}"), "title": format!("Ghost {i}"), "slug": format!("ghost-{i}"), "type": "post",
            "status": "published", "visibility": visibility, "published_at": "2024-02-01T10:00:00.000Z", "created_at": "2024-02-01T10:00:00.000Z",
            "html": format!("<p>Open {i}.</p>{marker}<p>{}</p>", paid_words("ghost", i)), "custom_excerpt": null,
        }));
    }
    let ghost =
        serde_json::json!({"db": [{"meta": {"version": "5.0.0"}, "data": {"posts": posts, "users": [], "tags": [], "posts_tags": [], "posts_authors": []}}]});
    let ghost_path = tmp.path().join("ghost.json");
    std::fs::write(&ghost_path, ghost.to_string()).expect("write");
    // Substack: paid posts with and without the paywall element, founding, free subscribers only.
    let substack = tmp.path().join("substack");
    std::fs::create_dir_all(substack.join("posts")).expect("mkdir");
    let mut csv = String::from("post_id,post_date,is_published,email_sent_at,inbox_sent_at,type,audience,title,subtitle,podcast_url\n");
    for (i, audience) in ["only_paid", "only_paid", "founding", "only_free"].iter().enumerate() {
        csv.push_str(&format!("{i}.sub-{i},2024-03-0{}T10:00:00.000Z,true,,,newsletter,{audience},Sub {i},Subtitle {i},\n", i + 1));
        let jump = if i % 2 == 0 { "<div class=\"paywall-jump\" data-component-name=\"PaywallToDOM\"></div>" } else { "" };
        std::fs::write(substack.join(format!("posts/{i}.sub-{i}.html")), format!("<p>Opening {i}.</p>{jump}<p>{}</p>", paid_words("sub", i))).expect("write");
    }
    std::fs::write(substack.join("posts.csv"), csv).expect("write");

    // Hugo: no paywall of its own; the import's default keeps two blocks free.
    let hugo = tmp.path().join("hugo");
    for i in 0..4 {
        let dir = hugo.join("content/posts");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let post = format!("---\ntitle: Hugo {i}\ndate: 2024-04-0{} 09:00:00 -0400\n---\nFirst {i}.\n\nSecond {i}.\n\n{}\n", i + 1, paid_words("hugo", i));
        std::fs::write(dir.join(format!("hugo-{i}.md")), post).expect("write");
    }

    let site = tmp.path().join("site");
    let root = site.to_str().expect("path");
    for (format, source, extra) in [
        ("wordpress", wxr_path.to_str().expect("path"), vec!["--more-is-paywall"]),
        ("ghost", ghost_path.to_str().expect("path"), vec![]),
        ("substack", substack.to_str().expect("path"), vec![]),
        ("hugo", hugo.to_str().expect("path"), vec!["--paywall", "2"]),
    ] {
        let mut args = vec!["import", format, source, "--root", root];
        args.extend(extra);
        let out = lede(tmp.path(), &args);
        assert!(out.status.success(), "{format}: {}", text(&out));
    }
    let built = lede(&site, &["build", "--check-leaks"]);
    assert!(built.status.success(), "{}", text(&built));
    let paid: Vec<String> = (0..6)
        .map(|i| paid_words("wp", i))
        .chain((0..4).map(|i| paid_words("ghost", i)))
        .chain((0..4).map(|i| paid_words("sub", i)))
        .chain((0..4).map(|i| paid_words("hugo", i)))
        .flat_map(|w| w.split(' ').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let public = snapshot(&site.join("dist/public"));
    assert!(public.len() > 20, "too few public files: {}", public.len());
    for (path, bytes) in &public {
        let text = String::from_utf8_lossy(bytes);
        for word in &paid {
            assert!(!text.contains(word.as_str()), "{word} is in {}", path.display());
        }
    }
    let members: String = snapshot(&site.join("dist/members")).iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    for word in &paid {
        assert!(members.contains(word.as_str()), "{word} is in no members file");
    }
}

/// A WordPress export of `items` (each an `<item>` body), written into `dir`.
fn wxr(dir: &Path, items: &[String]) -> PathBuf {
    let body: String = items.iter().map(|i| format!("<item>{i}</item>\n")).collect();
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>\n{body}</channel></rss>\n"
    );
    let path = dir.join("export.xml");
    std::fs::write(&path, xml).expect("write");
    path
}

/// One WordPress item: a published `kind` (post or page) with `content`.
fn wp_item(id: u32, kind: &str, content: &str) -> String {
    format!(
        "<title>Item {id}</title><link>https://old.example/item-{id}/</link><dc:creator>ed</dc:creator><content:encoded><![CDATA[{content}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2024-01-0{id} 10:00:00</wp:post_date_gmt><wp:post_name>item-{id}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>{kind}</wp:post_type><wp:post_password></wp:post_password>"
    )
}

#[test]
fn membership_plugin_shortcodes_keep_their_content_out_of_the_public_tree() {
    let tmp = tempfile::tempdir().expect("tmp");
    let source = wxr(
        tmp.path(),
        &[
            wp_item(1, "post", "<p>Free opening.</p>\n\n[restrict]Paid rcpsecretword.[/restrict]"),
            wp_item(2, "post", "<p>Free opening.</p>\n\n[membership level=\"1\"]Paid pmprosecretword.[/membership]"),
            wp_item(3, "post", "<p>Free opening.</p>\n\n[mepr-active rules=\"4\"]Paid meprsecretword.[/mepr-active]"),
            wp_item(4, "page", "<p>Free opening.</p>\n\n[s2If current_user_can(access_s2member_level1)]Paid s2secretword.[/s2If]"),
        ],
    );
    let (tmp2, _) = import_and_build("wordpress", &source, &[]);
    let public: String = snapshot(&site(&tmp2).join("dist/public")).iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    for word in ["rcpsecretword", "pmprosecretword", "meprsecretword", "s2secretword"] {
        assert!(!public.contains(word), "{word} is in the public tree");
    }
    assert!(read(&site(&tmp2), "content/articles/item-1.md").contains("paywall = 0"));
    assert!(read(&site(&tmp2), "content/item-4.md").contains("draft = true"));
}

#[test]
fn the_same_slug_from_two_exports_is_two_articles_and_a_rerun_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let ghost = serde_json::json!({"db": [{"meta": {"version": "5.0.0"}, "data": {"posts": [{
        "id": "g1", "title": "From Ghost", "slug": "same", "type": "post", "status": "published", "visibility": "paid",
        "published_at": "2024-02-01T10:00:00.000Z", "html": "<p>Ghost ghostpaidword.</p>",
    }], "users": [], "tags": [], "posts_tags": [], "posts_authors": []}}]});
    let ghost_path = tmp.path().join("ghost.json");
    std::fs::write(&ghost_path, ghost.to_string()).expect("write");
    let substack = tmp.path().join("substack");
    std::fs::create_dir_all(substack.join("posts")).expect("mkdir");
    std::fs::write(
        substack.join("posts.csv"),
        "post_id,post_date,is_published,type,audience,title,subtitle\n1.same,2021-01-01T00:00:00.000Z,true,newsletter,everyone,From Substack,\n",
    )
    .expect("write");
    std::fs::write(substack.join("posts/1.same.html"), "<p>Substack substackword.</p>").expect("write");
    let site = tmp.path().join("site");
    let root = site.to_str().expect("path");
    let run = |format: &str, source: &Path| {
        let out = lede(tmp.path(), &["import", format, source.to_str().expect("path"), "--root", root]);
        assert!(out.status.success(), "{}", text(&out));
        text(&out)
    };
    run("ghost", &ghost_path);
    let said = run("substack", &substack);
    assert!(!said.contains("were kept"), "{said}");
    assert!(read(&site, "content/articles/same.md").contains("ghostpaidword"));
    assert!(read(&site, "content/articles/same-2.md").contains("substackword"));
    let before = snapshot(&site.join("content"));
    run("ghost", &ghost_path);
    run("substack", &substack);
    assert_eq!(snapshot(&site.join("content")), before, "running both again changed the site");
    assert!(lede(&site, &["build"]).status.success());
}
