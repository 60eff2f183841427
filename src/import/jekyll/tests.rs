//! The fixture sites of `tests/fixtures/import/jekyll/`, read whole.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::*;
use crate::dates::parse_date_text;
use crate::import::{Access, Page, Post, Status};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/jekyll").join(name)
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

fn date(text: &str) -> Option<PubDate> {
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
    assert_eq!(a.site_title.as_deref(), Some("The Jekyll Brief"));
    assert_eq!(a.site_url.as_deref(), Some("https://jekyll.example.org/blog"));
    let slugs: Vec<&str> = a.posts.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["work-in-progress", "unpublished", "partnership-deferred", "html-post", "highlight", "future"]);
    let counts: Vec<(&str, usize)> = a.report.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(counts, [("assets", 1), ("authors", 2), ("draft pages", 0), ("draft posts", 2), ("pages", 2), ("published posts", 3), ("scheduled posts", 1)]);
    let authors: Vec<&str> = a.authors.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(authors, ["Default Author", "Jane Analyst"]);
}

#[test]
fn a_post_maps_every_key() {
    let a = site(&Options::default());
    let expected = Post {
        origin: "_posts/2017-12-07-partnership-deferred.md".into(),
        title: "A Partnership Deferred".into(),
        slug: "partnership-deferred".into(),
        date: date("2017-12-07 09:00:00 -0400"),
        updated: None,
        status: Status::Published,
        authors: vec!["Jane Analyst".into()],
        column: Some("policy".into()),
        tags: vec!["NATO".into(), "Russia".into(), "europe".into()],
        teaser: Some("Why the roadmap stalled.".into()),
        image: Some("/assets/img/cover.jpg".into()),
        canonical: Some("https://elsewhere.example.com/partnership".into()),
        aliases: vec!["/blog/old/partnership/".into(), "/blog/policy/europe/2017/12/07/partnership-deferred/".into()],
        access: Access::SiteDefault,
        access_reason: DEFAULT.into(),
        body: Body::Markdown("The free part.\n\nThe paid part, with a [link to the HTML post](/articles/html-post/).\n".into()),
    };
    assert_eq!(post(&a, "partnership-deferred"), &expected);
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
fn names_give_dates_and_slugs_and_defaults_fill_in() {
    let a = site(&Options::default());
    let html = Post {
        date: date("2018-01-15"),
        authors: vec!["Default Author".into()],
        tags: vec!["history".into()],
        aliases: vec!["/blog/2018/01/15/html-post/".into()],
        body: Body::Html { html: "<p>Old <em>HTML</em> post with /assets/img/cover.jpg.</p>\n".into(), dialect: Dialect::Generic },
        ..base("_posts/2018-01-15-html-post.html", "html-post", "An HTML Post")
    };
    assert_eq!(post(&a, "html-post"), &html);

    let future = Post {
        date: date("2030-06-01"),
        status: Status::Scheduled,
        authors: vec!["Default Author".into()],
        aliases: vec!["/blog/2030/06/01/future/".into()],
        // The site's excerpt_separator is dropped like <!--more-->.
        body: Body::Markdown("Soon.\nLater.\n".into()),
        ..base("_posts/2030-06-01-future.md", "future", "Future Analysis")
    };
    assert_eq!(post(&a, "future"), &future);

    // Never published, so no old URL.
    let unpublished = Post {
        date: date("2016-05-05"),
        status: Status::Draft,
        authors: vec!["Default Author".into()],
        body: Body::Markdown("Withdrawn.\n".into()),
        ..base("_posts/2016-05-05-unpublished.md", "unpublished", "Never Out")
    };
    assert_eq!(post(&a, "unpublished"), &unpublished);

    // Drafts are posts to Jekyll: the posts' defaults apply.
    let draft = Post {
        status: Status::Draft,
        authors: vec!["Default Author".into()],
        tags: vec!["Drafts".into()],
        body: Body::Markdown("Half done.\n".into()),
        ..base("_drafts/work-in-progress.md", "work-in-progress", "Work in Progress")
    };
    assert_eq!(post(&a, "work-in-progress"), &draft);
}

#[test]
fn liquid_becomes_markdown_or_stays_with_a_note() {
    let a = site(&Options::default());
    let expected = Post {
        date: date("2019-03-01"),
        authors: vec!["Default Author".into()],
        // `category` is one name, spaces and all.
        column: Some("Field Notes".into()),
        aliases: vec!["/blog/code-and-includes/".into()],
        body: Body::Markdown(
            "Some Ruby:\n\n```ruby\ndef hello\n  puts \"hi\"\nend\n```\n\n\
             {% include figure.html src=\"x.png\" %}\n\n\
             See [the first](/articles/partnership-deferred/) and [about](/about/).\n\n\
             {{ not liquid }}\n"
                .into(),
        ),
        ..base("_posts/2019-03-01-highlight.markdown", "highlight", "Code and Includes")
    };
    assert_eq!(post(&a, "highlight"), &expected);
    assert_eq!(
        notes(&a, Topic::Shortcode),
        [
            "_posts/2019-03-01-highlight.markdown: Liquid tag `include` kept as written: it pulled in a piece of the old theme; edit it by hand",
            "about.md: Liquid output `{{ site.title }}` kept as written: lede has no equivalent; edit it by hand",
        ]
    );
}

#[test]
fn pages_collections_and_assets() {
    let a = site(&Options::default());
    let about = Page {
        origin: "about.md".into(),
        path: vec!["about".into()],
        title: "About".into(),
        date: None,
        draft: false,
        teaser: None,
        // Old addresses lie below the old site's baseurl; the page's own one is
        // dropped by the writer when the new site keeps that base path.
        aliases: vec!["/blog/about-us.html".into(), "/blog/about/".into()],
        body: Body::Markdown("We are the {{ site.title }} team.\n".into()),
    };
    let cake = Page {
        origin: "_recipes/cake.md".into(),
        path: vec!["recipes".into(), "cake".into()],
        title: "Chocolate Cake".into(),
        date: None,
        draft: false,
        teaser: None,
        aliases: vec!["/blog/recipes/cake.html".into()],
        body: Body::Markdown("Mix and bake.\n".into()),
    };
    assert_eq!(a.pages, [cake, about]);
    assert_eq!(a.assets, [Asset { from: fixture("site").join("assets/img/cover.jpg"), to: PathBuf::from("assets/img/cover.jpg") }]);
}

#[test]
fn what_is_left_out_is_reported() {
    let a = site(&Options::default());
    let notes = notes(&a, Topic::Note);
    assert_eq!(
        notes,
        [
            "_layouts/: not imported: the old theme; lede's theme lives in templates/",
            "assets/: Sass files are not imported: Jekyll compiled them into the old theme's styles",
            "jekyll: files outside the asset folders (assets, images, img, files, uploads) are not imported: CNAME, feed.xml",
            "404.html: not imported: the 404 page: lede writes its own",
            "index.html: not imported: the home page: lede's home page lists the articles",
        ]
    );
    assert_eq!(super::tests::notes(&a, Topic::Dropped), ["front matter: `comments` (1 post)", "front matter: `layout` (1 post)"]);
    let paywall: Vec<String> =
        a.posts.iter().map(|p| format!("{}: the site's default cut ([paywall] free_blocks in config.toml): {DEFAULT}", p.origin)).collect();
    assert_eq!(super::tests::notes(&a, Topic::Paywall), paywall, "each decision, post by post");
}

#[test]
fn more_and_the_excerpt_separator_become_the_paywall_when_asked() {
    let options = Options { more_is_paywall: true, default_access: Access::MembersOnly, ..Options::default() };
    let a = site(&options);
    let p = post(&a, "partnership-deferred");
    assert_eq!((&p.access, p.access_reason.as_str()), (&Access::Marker, "`<!--more-->` in the body, with --more-is-paywall"));
    assert_eq!(markdown(&p.body), "The free part.\n\n<!-- paywall -->\n\nThe paid part, with a [link to the HTML post](/articles/html-post/).\n");
    let future = post(&a, "future");
    assert_eq!((&future.access, future.access_reason.as_str()), (&Access::Marker, "`<!--cut-->` in the body, with --more-is-paywall"));
    assert_eq!(markdown(&future.body), "Soon.\n\n<!-- paywall -->\n\nLater.\n");
    assert_eq!(post(&a, "html-post").access, Access::MembersOnly);
    let about = a.pages.iter().find(|p| p.path == ["about"]).unwrap();
    assert!(!markdown(&about.body).contains("paywall"));
}

#[test]
fn every_malformed_file_is_reported_in_one_run() {
    let err = read_at(&fixture("malformed"), &Options::default(), now()).unwrap_err();
    let found: Vec<(String, Option<usize>, Option<usize>)> =
        err.iter().map(|d| (d.file.file_name().unwrap().to_string_lossy().into_owned(), d.line, d.column)).collect();
    assert_eq!(
        found,
        [
            ("2020-01-01-broken.md".to_string(), Some(3), Some(9)),
            ("2020-01-02-bad-date.md".to_string(), Some(3), Some(7)),
            ("2020-13-01-bad-name.md".to_string(), None, None),
        ],
        "{err}"
    );
    assert!(err[0].message.starts_with("YAML front matter:"), "{err}");
    assert!(err[1].message.contains("`2020-02-30` is not a date"), "{err}");
    assert!(err[2].message.contains("not a real date"), "{err}");
}

#[test]
fn a_folder_that_is_no_jekyll_site_is_refused() {
    let err = read_at(&fixture("site/assets"), &Options::default(), now()).unwrap_err();
    assert!(err[0].message.starts_with("not a Jekyll site"), "{err}");
}

#[test]
fn post_names_and_references() {
    assert_eq!(dated("2017-12-07-a-title"), Some((date("2017-12-07"), "a-title".to_string())));
    assert_eq!(dated("2017-02-30-x"), Some((None, "x".to_string())));
    assert_eq!(dated("notes"), None);
    assert_eq!(dated("2017-12-07"), None);
}
