//! The reader against the fixture exports in `tests/fixtures/import/wordpress/`
//! and small exports written on the spot for single rules.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::*;
use crate::dates::PubDate;
use crate::import::{Access, Asset, Body, Dialect, Page, Post, Topic};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/wordpress").join(name)
}

/// A fixed "now", after every fixture date but the scheduled post's.
fn now() -> Timestamp {
    "2025-06-01T00:00:00Z".parse().unwrap()
}

fn read_fixture(name: &str, options: &Options) -> Archive {
    match read_at(&fixture(name), options, now()) {
        Ok(archive) => archive,
        Err(e) => panic!("{e}"),
    }
}

fn date(text: &str) -> Option<PubDate> {
    Some(crate::dates::parse_date_text(text).unwrap())
}

fn post<'a>(archive: &'a Archive, origin: &str) -> &'a Post {
    archive.posts.iter().find(|p| p.origin == origin).unwrap_or_else(|| panic!("no {origin}"))
}

fn notes(archive: &Archive, origin: &str, topic: Topic) -> Vec<String> {
    archive.report.about(topic).filter(|e| e.origin == origin).map(|e| e.text.clone()).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_channel_gives_the_site_title_and_address() {
    let archive = read_fixture("export.xml", &Options::default());
    assert_eq!(archive.site_title.as_deref(), Some("The Brief & Friends"));
    assert_eq!(archive.site_url.as_deref(), Some("https://example.org"));
}

#[test]
fn a_gutenberg_post_maps_every_field() {
    let archive = read_fixture("export.xml", &Options::default());
    let p = post(&archive, "post 10");
    let Body::Html { html, dialect } = &p.body else { panic!("not HTML: {:?}", p.body) };
    assert_eq!(*dialect, Dialect::WordPress);
    assert!(html.starts_with("<!-- wp:paragraph -->\n<p>The first round"), "{html}");
    let expected = Post {
        origin: "post 10".into(),
        title: "Sanctions, Explained".into(),
        slug: "sanctions-explained".into(),
        date: date("2019-05-07T10:00:00Z"),
        updated: None,
        status: Status::Published,
        authors: strings(&["Jane Analyst"]),
        column: Some("Economy".into()),
        tags: strings(&["EU", "Russia"]),
        teaser: Some("Why the new sanctions & their limits matter.".into()),
        image: Some("/wp-content/uploads/2019/05/map.jpg".into()),
        canonical: Some("https://other.example/sanctions".into()),
        aliases: strings(&["/2019/05/07/sanctions-explained/"]),
        access: Access::Free,
        access_reason: "public post".into(),
        body: p.body.clone(),
    };
    assert_eq!(*p, expected);
    assert_eq!(p.date.unwrap().offset_seconds, Some(0));
    assert_eq!(notes(&archive, "post 10", Topic::Dropped), ["2 comments dropped"]);
    assert_eq!(notes(&archive, "post 10", Topic::Paywall), ["free (paywall = false): public post"]);
}

#[test]
fn a_classic_post_keeps_its_more_comment_free_and_its_later_revision() {
    let archive = read_fixture("export.xml", &Options::default());
    let p = post(&archive, "post 11");
    assert_eq!(p.title, "A Partnership Deferred");
    assert_eq!(p.slug, "a-partnership-deferred");
    assert_eq!((p.date, p.updated), (date("2020-03-17T14:30:00Z"), date("2020-04-02T09:00:00Z")));
    assert_eq!(p.status, Status::Published);
    assert_eq!(p.authors, ["Site Admin"]);
    // "Uncategorized" comes first but says nothing: the next category is the column.
    assert_eq!((p.column.as_deref(), p.tags.len()), (Some("Global Insights"), 0));
    assert_eq!((&p.teaser, &p.image, &p.canonical), (&None, &None, &None));
    assert_eq!(p.aliases, ["/2020/03/17/a-partnership-deferred/"]);
    assert_eq!((&p.access, p.access_reason.as_str()), (&Access::Free, "public post"));
    assert!(matches!(&p.body, Body::Html { html, .. } if html.contains("It stalled in 2014.<!--more-->")));
}

#[test]
fn a_password_protected_post_is_for_members_and_its_excerpt_stays_private() {
    let archive = read_fixture("export.xml", &Options::default());
    let p = post(&archive, "post 12");
    assert_eq!(p.title, "Members\u{2019} Briefing");
    assert_eq!((&p.access, p.access_reason.as_str()), (&Access::MembersOnly, "password-protected in WordPress"));
    // WordPress never showed it while the post had a password.
    assert_eq!(p.teaser, None);
    assert_eq!((p.status, p.date), (Status::Published, date("2021-01-05T08:00:00Z")));
    assert_eq!(notes(&archive, "post 12", Topic::Paywall), ["members only (paywall = 0, the teaser alone is public): password-protected in WordPress"]);
    assert_eq!(
        notes(&archive, "post 12", Topic::Dropped),
        [
            "excerpt dropped: WordPress showed it to no reader while the post had a password, so it is not made the public teaser; copy it into `teaser` if it may be public"
        ]
    );
}

#[test]
fn a_draft_without_slug_takes_one_from_its_title_and_its_local_date() {
    let archive = read_fixture("export.xml", &Options::default());
    let p = post(&archive, "post 13");
    assert_eq!((p.title.as_str(), p.slug.as_str()), ("Notes on Café Policy", "notes-on-cafe-policy"));
    assert_eq!(p.status, Status::Draft);
    // post_date_gmt is all zeros for drafts: the local time, without an offset.
    assert_eq!(p.date, date("2024-01-15T08:30:00"));
    assert_eq!(p.date.unwrap().offset_seconds, None);
    assert_eq!(p.authors, ["Bob Writer"]);
    assert_eq!((&p.column, p.tags.len()), (&None, 0));
    // Its `?p=13` link was never a public address.
    assert!(p.aliases.is_empty());
    assert_eq!(notes(&archive, "post 13", Topic::Slug), ["no slug in WordPress: written as `notes-on-cafe-policy`"]);
}

#[test]
fn scheduled_private_and_trashed_posts() {
    let archive = read_fixture("export.xml", &Options::default());
    let scheduled = post(&archive, "post 14");
    assert_eq!((scheduled.status, scheduled.date, scheduled.updated), (Status::Scheduled, date("2031-01-01T09:00:00Z"), None));
    assert!(scheduled.aliases.is_empty());
    let private = post(&archive, "post 15");
    assert_eq!((private.status, &private.aliases), (Status::Draft, &strings(&["/2022/02/02/board-minutes/"])));
    assert_eq!(notes(&archive, "post 15", Topic::Note), ["private in WordPress (only its editors could read it): written as a draft"]);
    assert_eq!((&private.access, private.access_reason.as_str()), (&Access::Free, "private post without a password or paywall"));
    assert!(archive.posts.iter().all(|p| p.origin != "post 18"));
    assert_eq!(notes(&archive, "post 18", Topic::Note), ["\u{201c}Old Draft\u{201d} was in WordPress's trash: not imported"]);
}

#[test]
fn co_authors_come_in_order_and_yoasts_primary_category_is_the_column() {
    let archive = read_fixture("export.xml", &Options::default());
    let p = post(&archive, "post 16");
    // A login becomes its display name; a term that is already a name stays one.
    assert_eq!(p.authors, ["Bob Writer", "Carol Guest"]);
    // WordPress keeps term names HTML-escaped.
    assert_eq!(p.column.as_deref(), Some("Defense & Security"));
    // The other category, then the tags, without the tag that repeats a category.
    assert_eq!(p.tags, ["Economy", "EU"]);
    assert_eq!((p.date, p.updated), (date("2023-03-03T15:00:00Z"), date("2023-03-04T15:00:00Z")));
    assert_eq!(p.aliases, ["/2023/03/03/two-views/"]);
}

#[test]
fn a_percent_encoded_slug_is_decoded_then_normalised_and_its_old_url_redirects() {
    let archive = read_fixture("export.xml", &Options::default());
    let p = post(&archive, "post 17");
    assert_eq!((p.title.as_str(), p.slug.as_str()), ("Привет, World", "privet-world"));
    assert_eq!(p.aliases, ["/2020/02/02/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-world/"]);
    assert_eq!(notes(&archive, "post 17", Topic::Slug), ["slug `привет-world` is not a URL segment: written as `privet-world`"]);
}

#[test]
fn pages_nest_under_their_parents_whatever_the_file_order() {
    let archive = read_fixture("export.xml", &Options::default());
    let paths: Vec<(&str, Vec<String>)> = archive.pages.iter().map(|p| (p.origin.as_str(), p.path.clone())).collect();
    assert_eq!(paths, [("page 21", strings(&["about", "team"])), ("page 20", strings(&["about"]))]);
    let about = &archive.pages[1];
    let expected = Page {
        origin: "page 20".into(),
        path: strings(&["about"]),
        title: "About".into(),
        date: date("2019-03-01T09:00:00Z"),
        draft: false,
        teaser: None,
        aliases: strings(&["/about-us/"]),
        body: Body::Html { html: "<p>About the publication.</p>".into(), dialect: Dialect::WordPress },
    };
    assert_eq!(*about, expected);
    assert!(archive.pages[0].aliases.is_empty(), "/about/team/ is still its address");
}

#[test]
fn the_featured_image_and_the_resized_copy_in_the_body_are_copied() {
    let archive = read_fixture("export.xml", &Options::default());
    let uploads = fixture("wp-content/uploads/2019/05");
    assert_eq!(
        archive.assets,
        [
            Asset { from: uploads.join("map-300x200.jpg"), to: PathBuf::from("wp-content/uploads/2019/05/map-300x200.jpg") },
            Asset { from: uploads.join("map.jpg"), to: PathBuf::from("wp-content/uploads/2019/05/map.jpg") },
        ]
    );
}

#[test]
fn the_report_counts_what_went_where() {
    let archive = read_fixture("export.xml", &Options::default());
    let counts: Vec<(&str, usize)> = archive.report.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(
        counts,
        [
            ("attachments", 1),
            ("authors", 4),
            ("drafts", 2),
            ("local files", 2),
            ("pages", 2),
            ("published posts", 5),
            ("scheduled posts", 1),
            ("skipped items (nav_menu_item)", 1),
            ("skipped items (trashed post)", 1),
        ]
    );
    let authors: Vec<&str> = archive.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(authors, ["Jane Analyst", "Site Admin", "Bob Writer", "Carol Guest"]);
    assert!(archive.authors.iter().all(|a| a.bio.is_empty()));
    // Every imported post has its paywall decision in the report.
    for p in &archive.posts {
        assert_eq!(notes(&archive, &p.origin, Topic::Paywall).len(), 1, "{}", p.origin);
    }
}

#[test]
fn more_is_paywall_changes_only_the_post_with_a_more_comment_and_no_password() {
    let plain = read_fixture("export.xml", &Options::default());
    let options = Options { more_is_paywall: true, ..Options::default() };
    let cut = read_fixture("export.xml", &options);
    assert_eq!(plain.posts.len(), cut.posts.len());
    for (a, b) in plain.posts.iter().zip(&cut.posts) {
        if a.origin == "post 11" {
            assert_eq!((&b.access, b.access_reason.as_str()), (&Access::Marker, "<!--more--> with --more-is-paywall"));
            assert_eq!(Post { access: a.access.clone(), access_reason: a.access_reason.clone(), ..b.clone() }, *a);
        } else {
            assert_eq!(a, b);
        }
    }
}

#[test]
fn a_published_post_dated_after_now_is_scheduled() {
    let early: Timestamp = "2019-05-07T09:59:59Z".parse().unwrap();
    let archive = read_at(&fixture("export.xml"), &Options::default(), early).unwrap();
    assert_eq!(post(&archive, "post 10").status, Status::Scheduled);
    let late: Timestamp = "2019-05-07T10:00:00Z".parse().unwrap();
    let archive = read_at(&fixture("export.xml"), &Options::default(), late).unwrap();
    assert_eq!(post(&archive, "post 10").status, Status::Published);
}

#[test]
fn an_http_export_with_other_prefixes_reads_the_same() {
    let archive = read_fixture("export-http.xml", &Options::default());
    assert_eq!((archive.site_title.as_deref(), archive.site_url.as_deref()), (Some("Old Blog"), Some("http://old.example.net")));
    let p = post(&archive, "post 1");
    // WordPress keeps `&amp;` in titles, and the XML escapes it once more.
    assert_eq!((p.title.as_str(), p.slug.as_str()), ("Tom & Jerry", "hello-world"));
    assert_eq!(p.date, date("2011-12-01T18:30:00"));
    assert_eq!((p.authors.clone(), p.column.as_deref()), (strings(&["Ed Itor"]), Some("News")));
    assert_eq!(p.aliases, ["/hello-world/"]);
    assert!(matches!(&p.body, Body::Html { html, .. } if html == "<p>First post.</p>"));
    assert_eq!(archive.pages.len(), 1);
    assert_eq!((archive.pages[0].path.clone(), archive.pages[0].teaser.as_deref()), (strings(&["colophon"]), Some("How this site is made.")));
    assert_eq!(archive.report.counts.get("published posts"), Some(&1));
    // No uploads folder matters here, but the one beside it is found all the same.
    assert!(archive.assets.is_empty());
}

#[test]
fn the_malformed_fixture_is_refused_at_the_wrong_end_tag() {
    let file = fixture("malformed.xml");
    let err = read_at(&file, &Options::default(), now()).unwrap_err();
    assert_eq!(err.len(), 1);
    let d = &err[0];
    assert_eq!((d.file.as_path(), d.line, d.column), (file.as_path(), Some(11), Some(45)));
    assert!(d.message.contains("`</titel>` where `</title>` was expected"), "{}", d.message);
}

/// An export of `items` in a temporary folder.
fn export(items: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xml");
    let xml = format!(
        "<?xml version=\"1.0\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\">\n<channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n{items}\n</channel>\n</rss>\n"
    );
    std::fs::write(&file, xml).unwrap();
    (dir, file)
}

fn item(id: u32, fields: &str) -> String {
    format!(
        "<item><title>Item {id}</title><link>https://example.org/item-{id}/</link><wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>{fields}</item>"
    )
}

fn read_items(items: &[String], options: &Options) -> Archive {
    let (_dir, file) = export(&items.concat());
    read_at(&file, options, now()).unwrap()
}

fn meta(key: &str, value: &str) -> String {
    format!("<wp:postmeta><wp:meta_key>{key}</wp:meta_key><wp:meta_value>{value}</wp:meta_value></wp:postmeta>")
}

#[test]
fn duplicate_slugs_are_numbered_in_file_order() {
    let items = [
        item(1, "<wp:post_name>same</wp:post_name>"),
        item(2, "<wp:post_name>Same</wp:post_name>"),
        item(3, "<wp:post_name>same</wp:post_name>"),
        item(4, "<wp:post_name>same-2</wp:post_name>"),
    ];
    let archive = read_items(&items, &Options::default());
    let slugs: Vec<&str> = archive.posts.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["same", "Same-2", "same-3", "same-2-2"]);
    assert_eq!(notes(&archive, "post 2", Topic::Slug), ["slug `Same` is taken by an earlier post: written as `Same-2`"]);
    assert_eq!(post(&archive, "post 3").aliases, ["/item-3/"]);
}

#[test]
fn membership_plugins_make_a_post_members_only_without_a_guessed_teaser() {
    let items = [
        item(1, &meta("_jetpack_newsletter_access", "paid_subscribers")),
        item(2, &meta("_jetpack_newsletter_access", "everybody")),
        item(3, "<content:encoded><![CDATA[<p>Free</p><!-- wp:premium-content/container --><p>Paid</p>]]></content:encoded>"),
        item(4, &meta("rcp_subscription_level", "a:1:{i:0;s:1:\"2\";}")),
        item(5, &meta("rcp_subscription_level", "all")),
        item(6, "<content:encoded><![CDATA[<p>Free</p><!-- wp:jetpack/paywall /--><p>Paid</p>]]></content:encoded>"),
    ];
    let options = Options { more_is_paywall: true, ..Options::default() };
    let archive = read_items(&items, &options);
    let access: Vec<(&Access, &str, &Option<String>)> = archive.posts.iter().map(|p| (&p.access, p.access_reason.as_str(), &p.teaser)).collect();
    assert_eq!(
        access,
        [
            (&Access::MembersOnly, "Jetpack newsletter access `paid_subscribers`", &None),
            (&Access::Free, "public post", &None),
            (&Access::MembersOnly, "holds Jetpack premium content (blocks only subscribers could read)", &None),
            (&Access::MembersOnly, "Restrict Content Pro restricted it to members", &None),
            (&Access::Free, "public post", &None),
            (&Access::MembersOnly, "holds Jetpack's paywall block (what follows it was for subscribers)", &None),
        ]
    );
}

#[test]
fn a_paywall_option_applies_to_public_posts_only() {
    let items = [item(1, ""), item(2, "<wp:post_password>pw</wp:post_password>"), item(3, "<content:encoded>a&lt;!--more--&gt;b</content:encoded>")];
    let options = Options { default_access: Access::Blocks(3), more_is_paywall: true, ..Options::default() };
    let archive = read_items(&items, &options);
    let access: Vec<&Access> = archive.posts.iter().map(|p| &p.access).collect();
    assert_eq!(access, [&Access::Blocks(3), &Access::MembersOnly, &Access::Marker]);
}

#[test]
fn a_post_without_any_date_is_a_draft() {
    let no_date = "<item><title>Undated</title><wp:post_id>9</wp:post_id><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>".to_string();
    let archive = read_items(&[no_date], &Options::default());
    assert_eq!((archive.posts[0].status, archive.posts[0].date), (Status::Draft, None));
    assert_eq!(notes(&archive, "post 9", Topic::Note), ["no date in WordPress: written as a draft"]);
}

#[test]
fn pages_without_their_parent_go_to_the_top_and_protected_pages_stay_drafts() {
    let page = |id: u32, name: &str, parent: u32, extra: &str| {
        format!(
            "<item><title>P{id}</title><link>https://example.org/?page_id={id}</link><wp:post_id>{id}</wp:post_id><wp:post_name>{name}</wp:post_name><wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:post_type>page</wp:post_type>{extra}</item>"
        )
    };
    let items = [
        page(1, "orphan", 99, ""),
        page(2, "child", 1, ""),
        page(3, "loop-a", 4, ""),
        page(4, "loop-b", 3, ""),
        page(5, "secret", 0, "<wp:post_password>pw</wp:post_password>"),
        page(6, "orphan", 0, ""),
    ];
    let archive = read_items(&items, &Options::default());
    let paths: Vec<String> = archive.pages.iter().map(|p| p.path.join("/")).collect();
    assert_eq!(paths, ["orphan", "orphan/child", "loop-b/loop-a", "loop-b", "secret", "orphan-2"]);
    assert_eq!(notes(&archive, "page 1", Topic::Note), ["its parent page 99 is not in the export (or was trashed): written at the top level"]);
    assert_eq!(notes(&archive, "page 4", Topic::Note), ["its parent pages lead back to it: written at the top level, which cuts the loop"]);
    assert_eq!(notes(&archive, "page 6", Topic::Slug), ["path /orphan/ is taken by an earlier page: written as /orphan-2/"]);
    let secret = archive.pages.iter().find(|p| p.origin == "page 5").unwrap();
    assert!(secret.draft);
    assert_eq!(notes(&archive, "page 5", Topic::Paywall).len(), 1);
    assert!(archive.pages.iter().filter(|p| p.origin != "page 5").all(|p| !p.draft));
}

/// The diagnostic reading `xml` gives.
fn refused(xml: &str) -> Diagnostic {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.xml");
    std::fs::write(&file, xml).unwrap();
    let err = read_at(&file, &Options::default(), now()).unwrap_err();
    assert_eq!(err.len(), 1, "{err}");
    err.0.into_iter().next().unwrap()
}

#[test]
fn broken_files_are_refused_at_the_spot() {
    let head = "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n";
    let d = refused(&format!("{head}<item>\n  <title>Tom &nbsp; Jerry</title>"));
    assert_eq!((d.line, d.column), (Some(4), Some(14)));
    assert!(d.message.starts_with("unknown entity `&nbsp;`"), "{}", d.message);
    let d = refused(&format!("{head}<wp:wxr_version>1.2</wp:wxr_version>\n<item>\n  <title>Cut sh"));
    assert_eq!((d.line, d.column), (Some(5), Some(16)));
    assert!(d.message.starts_with("the file ends inside `<title>`, opened on line 5, column 3: the export is incomplete"), "{}", d.message);
    let d = refused("<?xml version=\"1.0\"?>\n<html><body>Not an export</body></html>");
    assert_eq!((d.line, d.column), (Some(2), Some(1)));
    assert!(d.message.contains("not a WordPress export: its root element is `<html>`"), "{}", d.message);
    let d = refused("{\"db\": []}");
    assert!(d.message.contains("not an XML file"), "{}", d.message);
}

#[test]
fn a_folder_with_one_export_is_read_and_a_folder_with_none_is_refused() {
    let (dir, _file) = export(&item(1, ""));
    let archive = read_at(dir.path(), &Options::default(), now()).unwrap();
    assert_eq!(archive.posts.len(), 1);
    let empty = tempfile::tempdir().unwrap();
    let err = read_at(empty.path(), &Options::default(), now()).unwrap_err();
    assert!(err[0].message.starts_with("no .xml file in this folder"), "{}", err[0].message);
    let missing = empty.path().join("nope.xml");
    let err = read_at(&missing, &Options::default(), now()).unwrap_err();
    assert_eq!(err[0].file, missing);
}

#[test]
fn a_featured_image_missing_from_the_export_is_reported_not_guessed() {
    let archive = read_items(&[item(1, &meta("_thumbnail_id", "99"))], &Options::default());
    assert_eq!(archive.posts[0].image, None);
    assert_eq!(notes(&archive, "post 1", Topic::Dropped), ["featured image (attachment 99) is not in the export"]);
}
