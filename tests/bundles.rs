//! Articles and pages as folders: `index.md` with its files beside it,
//! written beside the page; the files follow the cut, so one that only the
//! paid part names never reaches the public tree.

mod common;

use common::Site;

fn bundle_site() -> Site {
    let site = Site::new();
    site.write(
        "content/articles/trade-deficits/index.md",
        "+++\ntitle = \"Trade Deficits\"\ndate = 2025-03-01\nimage = \"cover.jpg\"\n+++\n![The free chart](free-chart.png)\n\nSee [the method](notes/method.txt).\n\n<!-- paywall -->\n\n![The paid chart](paid-chart.png)\n\n<img src=\"paid-raw.png\" alt=\"Raw\" width=\"10\" height=\"10\">\n\nThe [full report](full%20report.pdf).\n",
    );
    site.write("content/articles/trade-deficits/free-chart.png", b"PNG-FREE");
    site.write("content/articles/trade-deficits/paid-chart.png", b"PNG-PAID");
    site.write("content/articles/trade-deficits/paid-raw.png", b"PNG-RAW");
    site.write("content/articles/trade-deficits/full report.pdf", b"PDF-PAID");
    site.write("content/articles/trade-deficits/cover.jpg", b"JPG-COVER");
    site.write("content/articles/trade-deficits/notes/method.txt", "How it was measured.");
    site.write("content/articles/trade-deficits/unused.csv", "year,value\n2024,1\n");
    site.write("content/about/index.md", "+++\ntitle = \"About\"\n+++\n![Team](team.jpg)\n");
    site.write("content/about/team.jpg", b"JPG-TEAM");
    site.build_ok();
    site
}

#[test]
fn a_folder_is_one_article_named_after_it_with_its_files_beside_its_page() {
    let site = bundle_site();
    let page = site.read("dist/public/articles/trade-deficits/index.html");
    assert!(page.contains("src=\"free-chart.png\""), "{page}");
    assert!(!site.root().join("dist/public/articles/index").exists(), "the index.md named an article 'index'");
    for file in ["free-chart.png", "cover.jpg", "notes/method.txt"] {
        assert!(site.root().join("dist/public/articles/trade-deficits").join(file).is_file(), "{file} missing from the public tree");
    }
    for file in ["free-chart.png", "paid-chart.png", "paid-raw.png", "full report.pdf", "cover.jpg", "notes/method.txt", "unused.csv"] {
        assert!(site.root().join("dist/members/articles/trade-deficits").join(file).is_file(), "{file} missing from the members tree");
    }
    // A page that is a folder: /about/, its photo beside it in both trees.
    assert!(site.read("dist/public/about/index.html").contains("team.jpg"));
    assert!(site.root().join("dist/public/about/team.jpg").is_file() && site.root().join("dist/members/about/team.jpg").is_file());
}

#[test]
fn a_file_nothing_names_is_reported_and_kept_to_the_members_tree() {
    let site = bundle_site();
    let out = site.build_ok();
    let warning = "warning: content/articles/trade-deficits/unused.csv: nothing in the article names this file, so it is written to the members tree only (articles/trade-deficits/unused.csv)";
    assert!(out.contains(warning), "{out}");
    // Only that one: the others are named by a side of the cut or are the cover.
    assert_eq!(out.matches("warning:").count(), 1, "{out}");
    let check = site.lede(&["check"]);
    assert!(String::from_utf8_lossy(&check.stdout).contains(warning), "{}", String::from_utf8_lossy(&check.stdout));
    // Named from the paid part, it is no longer reported, and stays members-only.
    site.write(
        "content/articles/trade-deficits/index.md",
        site.read("content/articles/trade-deficits/index.md").replace("The [full report]", "The [data](unused.csv) and the [full report]"),
    );
    let out = site.build_ok();
    assert!(!out.contains("warning:"), "{out}");
    assert!(!site.root().join("dist/public/articles/trade-deficits/unused.csv").exists());
}

#[test]
fn files_only_the_paid_part_names_never_reach_the_public_tree() {
    let site = bundle_site();
    for file in ["paid-chart.png", "paid-raw.png", "full report.pdf", "unused.csv"] {
        assert!(!site.root().join("dist/public/articles/trade-deficits").join(file).exists(), "{file} is in the public tree");
    }
    let public: Vec<Vec<u8>> = site.files_under("dist/public").into_iter().map(|(_, b)| b).collect();
    for marker in [&b"PNG-PAID"[..], b"PNG-RAW", b"PDF-PAID"] {
        assert!(!public.iter().any(|b| b.windows(marker.len()).any(|w| w == marker)), "{} is in a public file", String::from_utf8_lossy(marker));
    }
    // The links all lead somewhere, in both trees.
    let out = site.lede(&["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_file_outside_any_folder_article_is_still_refused() {
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = false", "Text.\n");
    site.write("content/articles/chart.png", b"PNG");
    let err = site.build_err();
    assert!(err.contains("content/articles/chart.png"), "{err}");
}
