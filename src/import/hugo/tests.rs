//! The fixture sites of `tests/fixtures/import/hugo/`, read whole.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::*;
use crate::dates::parse_date_text;
use crate::import::{Access, Page, Post, Status};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/hugo").join(name)
}

fn now() -> Timestamp {
    "2025-01-01T00:00:00Z".parse().unwrap()
}

fn site(options: &Options) -> Archive {
    match read_at(&fixture("site"), options, now()) {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    }
}

fn post<'a>(archive: &'a Archive, slug: &str) -> &'a Post {
    archive.posts.iter().find(|p| p.slug == slug).unwrap_or_else(|| panic!("no post {slug}"))
}

fn date(text: &str) -> Option<crate::dates::PubDate> {
    Some(parse_date_text(text).unwrap())
}

fn notes(archive: &Archive, topic: Topic) -> Vec<String> {
    archive.report.about(topic).map(|e| format!("{}: {}", e.origin, e.text)).collect()
}

fn markdown(body: &Body) -> &str {
    match body {
        Body::Markdown(m) => m,
        Body::Html { .. } => panic!("expected Markdown, got {body:?}"),
    }
}

const DEFAULT: &str = "no paywall in the source: the import's --paywall default";

#[test]
fn the_site_has_its_name_address_counts_and_order() {
    let a = site(&Options::default());
    assert_eq!(a.site_title.as_deref(), Some("The Old Brief"));
    assert_eq!(a.site_url.as_deref(), Some("https://old.example.org"));
    let slugs: Vec<&str> = a.posts.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["bundle", "partnership-deferred", "future-post", "json-post", "no-front-matter", "page", "toml-post"]);
    let counts: Vec<(&str, usize)> = a.report.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(counts, [("assets", 4), ("authors", 2), ("draft pages", 0), ("draft posts", 1), ("pages", 1), ("published posts", 5), ("scheduled posts", 1)]);
}

#[test]
fn a_yaml_post_maps_every_key() {
    let a = site(&Options::default());
    let p = post(&a, "partnership-deferred");
    let expected = Post {
        origin: "content/posts/first-post.md".into(),
        title: "A Partnership Deferred".into(),
        slug: "partnership-deferred".into(),
        date: date("2017-12-07 09:00:00 -0400"),
        updated: date("2018-01-02T10:00:00Z"),
        status: Status::Published,
        authors: vec!["Jane Analyst".into(), "Sam Writer".into()],
        column: Some("Global Insights".into()),
        tags: vec!["NATO".into(), "Russia".into(), "Europe".into()],
        teaser: Some("Why the roadmap stalled.".into()),
        image: Some("/img/cover.jpg".into()),
        canonical: Some("https://elsewhere.example.com/partnership".into()),
        aliases: vec!["/2017/12/old-partnership".into(), "/2017/12/partnership-deferred/".into()],
        access: Access::SiteDefault,
        access_reason: DEFAULT.into(),
        body: Body::Markdown("The first paragraph is free.\n\nThe rest is for subscribers.\n".into()),
    };
    assert_eq!(p, &expected);
    assert_eq!(p.date.unwrap().offset_seconds, Some(-4 * 3600));
    assert!(
        notes(&a, Topic::Slug).contains(&"content/posts/first-post.md: `Partnership Deferred!` is not a URL segment: now `partnership-deferred`".to_string())
    );
}

#[test]
fn a_toml_post_with_shortcodes() {
    let a = site(&Options::default());
    let expected = Post {
        // publishDate wins over date, as in Hugo.
        date: date("2020-03-02"),
        column: Some("Field Notes".into()),
        tags: vec!["Arms Control".into(), "Security".into()],
        authors: vec!["Jane Analyst".into()],
        teaser: Some("A post full of shortcodes.".into()),
        aliases: vec!["/special/shortcodes/".into()],
        body: Body::Markdown(
            "Intro paragraph.\n\n\
             <figure><img src=\"/img/cover.jpg\" alt=\"A map\"><figcaption><p>The <em>new</em> map</p></figcaption></figure>\n\n\
             [Watch on YouTube](https://www.youtube.com/watch?v=w7Ft2ymGmfc)\n\n\
             [Post by @SanDiegoZoo on X](https://x.com/SanDiegoZoo/status/1453110110599868418)\n\n\
             See [the first post](/articles/partnership-deferred/#the-rest) and [a lost one](/posts/missing).\n\n\
             {{< notice warning >}}Unknown shortcode.{{< /notice >}}\n\n\
             ```go\n{{< youtube inside-a-fence >}}\n```\n\n\
             ```python\nprint(\"hi\")\n```\n"
                .into(),
        ),
        ..base("content/posts/toml-post.md", "toml-post", "Shortcodes Everywhere")
    };
    assert_eq!(post(&a, "toml-post"), &expected);
    let origin = "content/posts/toml-post.md: ";
    let shortcode_notes = notes(&a, Topic::Shortcode);
    assert_eq!(
        shortcode_notes,
        [
            format!("{origin}`tweet` (post 1453110110599868418 on X) is now a link to its page: lede's pages load nothing from other hosts"),
            format!("{origin}`youtube` (YouTube w7Ft2ymGmfc) is now a link to its page: lede's pages load nothing from other hosts"),
            format!("{origin}shortcode `notice` kept as written: lede has no equivalent; edit it by hand"),
        ]
    );
    assert_eq!(notes(&a, Topic::DeadLink), [format!("{origin}`relref \"/posts/missing\"`: no imported item is at this path; the link keeps it as written")]);
}

/// A published post with nothing but its origin, slug and title, to be filled in.
fn base(origin: &str, slug: &str, title: &str) -> Post {
    Post {
        origin: origin.into(),
        title: title.into(),
        slug: slug.into(),
        date: None,
        updated: None,
        status: Status::Published,
        authors: Vec::new(),
        column: None,
        tags: Vec::new(),
        teaser: None,
        image: None,
        canonical: None,
        aliases: Vec::new(),
        access: Access::SiteDefault,
        access_reason: DEFAULT.into(),
        body: Body::Markdown(String::new()),
    }
}

#[test]
fn json_drafts_future_posts_bundles_and_html() {
    let a = site(&Options::default());
    let draft = Post {
        date: date("2021-05-04"),
        status: Status::Draft,
        tags: vec!["Drafts".into()],
        // `:slug` is the title when the front matter names no slug.
        aliases: vec!["/2021/05/a-json-draft/".into()],
        body: Body::Markdown("Not ready yet.\n".into()),
        ..base("content/posts/json-post.md", "json-post", "A JSON Draft")
    };
    assert_eq!(post(&a, "json-post"), &draft);

    let future = Post {
        date: date("2031-01-01T08:00:00+01:00"),
        status: Status::Scheduled,
        aliases: vec!["/2031/01/tomorrows-analysis/".into()],
        body: Body::Markdown("Coming soon.\n".into()),
        ..base("content/posts/future-post.md", "future-post", "Tomorrow's Analysis")
    };
    assert_eq!(post(&a, "future-post"), &future);
    assert!(
        notes(&a, Topic::Note)
            .contains(&"content/posts/future-post.md: `expiryDate` 2032-01-01: lede has no expiry; make it a draft by hand when it should go".to_string())
    );

    let bundle = Post {
        date: date("2019-05-06"),
        image: Some("/articles/bundle/cover.jpg".into()),
        aliases: vec!["/2019/05/a-bundle-with-pictures/".into()],
        body: Body::Markdown("![Chart](data/chart.csv) and ![Cover](cover.jpg)\n".into()),
        ..base("content/posts/bundle/index.md", "bundle", "A Bundle With Pictures")
    };
    assert_eq!(post(&a, "bundle"), &bundle);

    let html = Post {
        date: date("2016-02-03"),
        aliases: vec!["/2016/02/an-html-post/".into()],
        body: Body::Html { html: "<p>Old <em>HTML</em> content.</p>\n\n<p>Second part.</p>\n".into(), dialect: Dialect::Generic },
        ..base("content/posts/page.html", "page", "An HTML Post")
    };
    assert_eq!(post(&a, "page"), &html);

    // The permalink needs a date the post does not have: no old URL.
    let bare =
        Post { body: Body::Markdown("Just text, no metadata.\n".into()), ..base("content/posts/no-front-matter.md", "no-front-matter", "No Front Matter") };
    assert_eq!(post(&a, "no-front-matter"), &bare);
    assert!(notes(&a, Topic::Note).contains(&"content/posts/no-front-matter.md: no title: titled \"No Front Matter\" after its file name".to_string()));
}

#[test]
fn pages_authors_and_assets() {
    let a = site(&Options::default());
    let expected = Page {
        origin: "content/about.md".into(),
        path: vec!["about".into()],
        title: "About us".into(),
        date: None,
        draft: false,
        teaser: Some("Who writes the Brief.".into()),
        aliases: vec!["/about-us/".into()],
        body: Body::Markdown("We analyse policy. Read [our first post](/articles/partnership-deferred/).\n".into()),
    };
    assert_eq!(a.pages, [expected]);
    let authors: Vec<(&str, &str)> = a.authors.iter().map(|x| (x.name.as_str(), x.bio.as_str())).collect();
    assert_eq!(authors, [("Jane Analyst", "Jane covers European security."), ("Sam Writer", "")]);
    let root = fixture("site");
    let assets: Vec<(PathBuf, PathBuf)> = a.assets.iter().map(|x| (x.from.strip_prefix(&root).unwrap().to_path_buf(), x.to.clone())).collect();
    let pairs = [
        ("content/posts/bundle/cover.jpg", "articles/bundle/cover.jpg"),
        ("content/posts/bundle/data/chart.csv", "articles/bundle/data/chart.csv"),
        ("static/img/cover.jpg", "img/cover.jpg"),
        ("static/robots.txt", "robots.txt"),
    ];
    assert_eq!(assets, pairs.map(|(f, t)| (PathBuf::from(f), PathBuf::from(t))));
}

#[test]
fn what_is_left_out_is_reported() {
    let a = site(&Options::default());
    let notes = notes(&a, Topic::Note);
    for expected in [
        "content/_index.md: the home page's text is not imported: lede's home page lists the articles; put it in a page or the theme",
        "content/posts/_index.md: the list page of /posts/ has no text of its own: lede makes its own listings",
        "content/posts/headless/index.md: not imported: a headless bundle (`headless: true`): Hugo publishes no page for it",
        "assets/: not imported: Hugo processes these files (styles, scripts, images) through its pipes; copy what the articles need into static/",
        "layouts/: not imported: the old theme; lede's theme lives in templates/",
    ] {
        assert!(notes.iter().any(|n| n == expected), "missing {expected:?} in {notes:#?}");
    }
    assert_eq!(
        super::tests::notes(&a, Topic::Dropped),
        ["front matter: `cover` (1 post)", "front matter: `menu` (1 page)", "front matter: `toc` (2 posts)", "front matter: `weight` (1 post)"]
    );
    let paywall: Vec<String> =
        a.posts.iter().map(|p| format!("{}: the site's default cut ([paywall] free_blocks in config.toml): {DEFAULT}", p.origin)).collect();
    assert_eq!(super::tests::notes(&a, Topic::Paywall), paywall, "each decision, post by post");
}

#[test]
fn more_becomes_the_paywall_when_asked() {
    let options = Options { more_is_paywall: true, default_access: Access::Blocks(2), ..Options::default() };
    let a = site(&options);
    let p = post(&a, "partnership-deferred");
    assert_eq!(p.access, Access::Marker);
    assert_eq!(p.access_reason, "`<!--more-->` in the body, with --more-is-paywall");
    assert_eq!(markdown(&p.body), "The first paragraph is free.\n\n<!-- paywall -->\n\nThe rest is for subscribers.\n");
    let html = post(&a, "page");
    assert_eq!(html.access, Access::Marker);
    assert!(matches!(&html.body, Body::Html { html, .. } if html.contains("</p>\n<!-- paywall -->\n<p>Second")));
    let other = post(&a, "toml-post");
    assert_eq!((&other.access, other.access_reason.as_str()), (&Access::Blocks(2), DEFAULT));
    let paywall = notes(&a, Topic::Paywall);
    assert_eq!(paywall.len(), 7);
    for expected in [
        "content/posts/first-post.md: cut where `<!--more-->` was: the body above it is free (--more-is-paywall)".to_string(),
        "content/posts/page.html: cut where `<!--more-->` was: the body above it is free (--more-is-paywall)".to_string(),
        format!("content/posts/toml-post.md: the first 2 blocks free (paywall = 2): {DEFAULT}"),
    ] {
        assert!(paywall.contains(&expected), "missing {expected:?} in {paywall:#?}");
    }
}

#[test]
fn a_content_folder_alone_is_read_too() {
    let a = match read_at(&fixture("site/content"), &Options::default(), now()) {
        Ok(a) => a,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(a.site_title, None);
    assert_eq!(a.posts.len(), 7);
    // Without the configuration, Hugo's default URL is the path.
    assert_eq!(post(&a, "partnership-deferred").aliases, ["/posts/old-partnership", "/posts/partnership-deferred/"]);
    assert_eq!(post(&a, "bundle").origin, "posts/bundle/index.md");
}

#[test]
fn every_malformed_file_is_reported_in_one_run() {
    let err = read_at(&fixture("malformed"), &Options::default(), now()).unwrap_err();
    let found: Vec<(String, Option<usize>, Option<usize>)> =
        err.iter().map(|d| (d.file.file_name().unwrap().to_string_lossy().into_owned(), d.line, d.column)).collect();
    assert_eq!(
        found,
        [("bad-date.md".to_string(), Some(3), Some(7)), ("bad-toml.md".to_string(), Some(3), Some(9)), ("broken-yaml.md".to_string(), Some(4), Some(5)),],
        "{err}"
    );
    assert!(err[0].message.contains("`2017-13-45` is not a date"), "{err}");
    assert!(err[2].message.starts_with("YAML front matter:"), "{err}");
    assert!(err[0].file.starts_with(fixture("malformed")), "{err}");
}

#[test]
fn a_missing_folder_is_an_error_not_a_panic() {
    let err = read_at(&fixture("nowhere"), &Options::default(), now()).unwrap_err();
    assert!(err[0].message.starts_with("not a folder"), "{err}");
}

#[test]
fn references_are_keyed_as_hugo_names_content() {
    assert_eq!(content_key("posts/first-post.md"), "posts/first-post");
    assert_eq!(content_key("/Posts/Bundle/index.md"), "posts/bundle");
    assert_eq!(content_key("posts/_index.md"), "posts");
    assert_eq!(content_key("posts/v1.2"), "posts/v1.2");
    assert_eq!(normalise("posts/./a/../b"), "posts/b");
    let index = Index {
        by_path: [("posts/a".to_string(), "/articles/a/".to_string()), ("notes/b".to_string(), "/articles/b/".to_string())].into(),
        by_name: [("a".to_string(), vec!["/articles/a/".to_string()]), ("b".to_string(), vec!["/articles/b/".to_string(), "/x/".to_string()])].into(),
    };
    assert_eq!(index.resolve("a.md", "posts").as_deref(), Some("/articles/a/"));
    assert_eq!(index.resolve("../notes/b", "posts").as_deref(), Some("/articles/b/"));
    assert_eq!(index.resolve("/posts/a/", "notes").as_deref(), Some("/articles/a/"));
    assert_eq!(index.resolve("a", "elsewhere").as_deref(), Some("/articles/a/"), "a name only one item has");
    assert_eq!(index.resolve("b", "elsewhere"), None, "a name two items have");
}

#[test]
fn pages_that_hugo_does_not_render_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let posts = dir.path().join("content/posts");
    std::fs::create_dir_all(&posts).unwrap();
    std::fs::write(posts.join("never.md"), "---\ntitle: Never\nbuild:\n  render: never\n---\nx\n").unwrap();
    std::fs::write(posts.join("old.md"), "+++\ntitle = 'Old'\n[_build]\nrender = false\n+++\nx\n").unwrap();
    std::fs::write(posts.join("kept.md"), "---\ntitle: Kept\nbuild:\n  list: never\n---\nx\n").unwrap();
    std::fs::write(posts.join("later.md"), "---\ntitle: Kept again\nslug: KEPT\n---\nx\n").unwrap();
    let a = read_at(dir.path(), &Options::default(), now()).unwrap();
    let slugs: Vec<&str> = a.posts.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["kept", "KEPT-2"], "slugs that differ only in case are one folder on macOS");
    assert_eq!(
        notes(&a, Topic::Note),
        [
            "content/posts/never.md: not imported: `build.render: never`: Hugo publishes no page for it",
            "content/posts/old.md: not imported: `build.render: false`: Hugo publishes no page for it",
        ]
    );
    assert_eq!(notes(&a, Topic::Slug), ["content/posts/later.md: slug `KEPT` is another post's: now `KEPT-2`"]);
}

#[test]
fn old_addresses_lie_below_the_base_url_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/posts")).unwrap();
    std::fs::write(dir.path().join("hugo.toml"), "baseURL = 'https://old.test/blog/'\n[permalinks]\nposts = '/:year/:slug/'\n").unwrap();
    std::fs::write(dir.path().join("content/posts/a.md"), "---\ntitle: A\ndate: 2020-01-02\naliases: [/x/, y]\n---\nA\n").unwrap();
    std::fs::write(dir.path().join("content/posts/b.md"), "---\ntitle: B\nurl: /special/b/\n---\nB\n").unwrap();
    std::fs::write(dir.path().join("content/about.md"), "---\ntitle: About\n---\nUs\n").unwrap();
    let a = read_at(dir.path(), &Options::default(), now()).unwrap();
    assert_eq!(a.site_url.as_deref(), Some("https://old.test/blog"));
    assert_eq!(post(&a, "a").aliases, ["/blog/x/", "/blog/2020/y", "/blog/2020/a/"]);
    assert_eq!(post(&a, "b").aliases, ["/blog/special/b/"]);
    assert_eq!(a.pages[0].aliases, ["/blog/about/"]);
}
