//! Old addresses kept: `aliases` in front matter become redirect pages in
//! both trees and the redirect lists hosts read, and an alias that would
//! hide a page is refused at its line.

mod common;

use common::Site;

fn site_with_aliases() -> Site {
    let site = Site::new();
    site.article(
        "ending-ocsp",
        "title = \"Ending OCSP\"\ndate = 2024-07-23\npaywall = 1\naliases = [\"/2024/07/23/ending-ocsp/\", \"https://old.example.com/p/ending-ocsp\", \"/old/ocsp.html\"]\nimage = \"cover.jpg\"\ncanonical = \"https://letsencrypt.example/2024/07/23/ending-ocsp/\"",
        "Free opening.\n\nPaid analysis with ALIASPAIDWORD.\n",
    );
    site.write("content/about.md", "+++\ntitle = \"About\"\naliases = [\"/about-us/\"]\n+++\nWho we are.\n");
    site.build_ok();
    site
}

#[test]
fn every_alias_is_a_redirect_page_in_both_trees() {
    let site = site_with_aliases();
    for (tree, root) in [("public", "https://fixture.example"), ("members", "https://members.fixture.example")] {
        for file in ["2024/07/23/ending-ocsp/index.html", "p/ending-ocsp/index.html", "old/ocsp.html"] {
            let page = site.read(&format!("dist/{tree}/{file}"));
            let to = format!("{root}/articles/ending-ocsp/");
            assert!(page.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={to}\">")), "{tree}/{file}:\n{page}");
            assert!(page.contains("<link rel=\"canonical\" href=\"https://fixture.example/articles/ending-ocsp/\">"), "{page}");
            assert!(page.contains("noindex"));
            assert!(!page.contains("ALIASPAIDWORD"));
        }
        let about = site.read(&format!("dist/{tree}/about-us/index.html"));
        assert!(about.contains(&format!("url={root}/about/")), "{about}");
    }
}

#[test]
fn hosts_get_the_redirects_as_lists() {
    let site = site_with_aliases();
    let netlify = site.read("dist/public/_redirects");
    for line in ["/2024/07/23/ending-ocsp/ /articles/ending-ocsp/ 301", "/p/ending-ocsp /articles/ending-ocsp/ 301", "/about-us/ /about/ 301"] {
        assert!(netlify.lines().any(|l| l == line), "{line:?} missing from:\n{netlify}");
    }
    let nginx = site.read("dist/public/redirects.map");
    assert!(nginx.contains("\"/2024/07/23/ending-ocsp\" \"/articles/ending-ocsp/\";"), "{nginx}");
    assert!(nginx.contains("\"/2024/07/23/ending-ocsp/\" \"/articles/ending-ocsp/\";"), "{nginx}");
    // Each tree's list is in its own addresses.
    assert!(site.read("dist/members/_redirects").contains("/old/ocsp.html /articles/ending-ocsp/ 301"));
    // A site without aliases has no lists.
    let plain = Site::new();
    plain.article("a", "title = \"A\"\ndate = 2024-01-01\npaywall = false", "Text.\n");
    plain.build_ok();
    assert!(!plain.root().join("dist/public/_redirects").exists());
}

#[test]
fn cover_and_canonical_reach_the_head_cards_and_feed() {
    let site = site_with_aliases();
    let page = site.read("dist/public/articles/ending-ocsp/index.html");
    assert!(page.contains("<meta property=\"og:image\" content=\"https://fixture.example/articles/ending-ocsp/cover.jpg\">"), "{page}");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://letsencrypt.example/2024/07/23/ending-ocsp/\">"));
    assert!(site.read("dist/public/index.html").contains("src=\"https://fixture.example/articles/ending-ocsp/cover.jpg\""));
    let feed = site.read("dist/public/atom.xml");
    assert!(feed.contains("<link rel=\"enclosure\" type=\"image/jpeg\" href=\"https://fixture.example/articles/ending-ocsp/cover.jpg\"/>"), "{feed}");
}

#[test]
fn an_alias_that_would_hide_a_page_is_refused_at_its_line() {
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2024-01-01\npaywall = false", "Text.\n");
    site.article("b", "title = \"B\"\ndate = 2024-01-02\npaywall = false\naliases = [\"/articles/a/\", \"/tags/x/\", \"/atom.xml\"]", "Text.\n");
    site.article("c", "title = \"C\"\ndate = 2024-01-03\npaywall = false\naliases = [\n  \"/old/c/\",\n  \"/shared/\",\n]", "Text.\n");
    site.article("d", "title = \"D\"\ndate = 2024-01-04\npaywall = false\naliases = [\"/Shared/\"]", "Text.\n");
    site.article("e", "title = \"E\"\ndate = 2024-01-05\npaywall = false\naliases = [\"/x/?p=1\"]", "Text.\n");
    let err = site.build_err();
    for expected in [
        "content/articles/b.md:5:",
        "/articles/a/ is the address of content/articles/a.md",
        "/tags/x/ is in /tags/, whose addresses lede writes itself",
        "/atom.xml is a file lede writes itself",
        "content/articles/d.md:5:12: the alias /Shared/ is also given by content/articles/c.md:7",
        "content/articles/e.md:5:12: `aliases`: \"/x/?p=1\" has a query or fragment",
    ] {
        assert!(err.contains(expected), "{expected:?} missing from:\n{err}");
    }
    assert!(!site.root().join("dist").exists());
}
