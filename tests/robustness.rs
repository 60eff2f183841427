//! Inputs a hostile or careless user may give: characters XML forbids,
//! and the outputs that must stay valid whatever the input.

mod common;

use common::Site;

#[test]
fn feeds_and_sitemap_stay_well_formed_xml_whatever_the_title_holds() {
    let site = Site::new();
    // TOML takes U+FFFE and U+FFFF as they are and a control character escaped.
    let odd = "\"Odd \u{fffe} title \u{ffff} with \\u0001 controls\"";
    site.article(
        "odd",
        &format!("title = {odd}\ndate = 2025-01-01\ncolumn = \"C \u{fffe}\"\nteaser = \"T \u{ffff}\"\npaywall = false"),
        "Body \u{fffe} text.\n",
    );
    site.build_ok();
    for file in ["dist/public/atom.xml", "dist/public/columns/c/atom.xml", "dist/public/sitemap.xml"] {
        let xml = site.read(file);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}"));
        assert!(doc.root_element().has_children(), "{file}");
    }
    let feed = site.read("dist/public/atom.xml");
    assert!(feed.contains("Odd  title  with  controls"), "{feed}");
}

#[cfg(unix)]
#[test]
fn links_inside_the_site_are_followed_and_links_out_of_it_refused_with_their_path() {
    let site = Site::new();
    // The articles live elsewhere in the site, and content/articles links to them.
    std::fs::remove_dir(site.path("content/articles")).expect("rmdir");
    site.write("archive/kept.md", "+++\ntitle = \"Kept\"\ndate = 2025-01-01\npaywall = false\n+++\nLinked in.\n");
    std::os::unix::fs::symlink(site.path("archive"), site.path("content/articles")).expect("link");
    site.write("content/articles/.hidden.md", "+++\ntitle = \"Hidden\"\ndate = 2025-01-01\npaywall = false\n+++\nzqhiddenq\n");
    site.build_ok();
    assert!(site.read("dist/public/articles/kept/index.html").contains("Linked in."));
    assert!(!site.path("dist/public/articles/hidden").exists(), "a hidden file was built");

    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.md"), "+++\ntitle = \"Secret\"\ndate = 2025-01-01\npaywall = false\n+++\nzqoutsideq\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.path("archive/secret.md")).expect("link");
    let before = site.files_under("dist");
    let stderr = site.build_err();
    assert!(stderr.contains("content/articles/secret.md: links to") && stderr.contains("outside the site"), "{stderr}");
    assert_eq!(site.files_under("dist"), before);
}

#[cfg(unix)]
#[test]
fn a_config_that_is_not_a_regular_file_is_refused_not_read_forever() {
    let site = Site::new();
    std::fs::remove_file(site.path("config.toml")).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", site.path("config.toml")).expect("link");
    let stderr = site.build_err();
    assert!(stderr.contains("config.toml: is not a regular file"), "{stderr}");
}

#[test]
fn a_build_with_no_articles_does_not_replace_a_site_that_had_some_unless_asked() {
    let site = Site::new();
    site.article("one", "title = \"One\"\ndate = 2025-01-01\npaywall = false", "Text.\n");
    site.build_ok();
    std::fs::remove_file(site.path("content/articles/one.md")).expect("rm");
    let before = site.files_under("dist");
    let stderr = site.build_err();
    assert!(stderr.contains("publishes no articles, where the output it would replace has 1") && stderr.contains("--allow-empty"), "{stderr}");
    assert_eq!(site.files_under("dist"), before);
    let out = site.lede(&["build", "--allow-empty"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!site.path("dist/public/articles/one").exists());
    // An empty site may go on being built empty.
    site.build_ok();
}

#[test]
fn ids_in_the_authors_html_never_repeat_the_pages_own() {
    let site = Site::new();
    site.article(
        "ids",
        "title = \"Ids\"\ndate = 2025-01-01\npaywall = 1",
        "<div id=\"subscribe\">Mine.</div>\n\n<p id=\"x\">a</p> <span id='x'>b</span>\n\nPaid.\n",
    );
    let stderr = site.build_err();
    assert!(stderr.contains("content/articles/ids.md:6:6: the id \"subscribe\" is one the page gives its own element"), "{stderr}");
    assert!(stderr.contains("ids.md:8:23: the id \"x\" is given twice (first on line 8)"), "{stderr}");
    site.article("ids", "title = \"Ids\"\ndate = 2025-01-01\npaywall = 2", "<div id=\"intro\">Mine.</div>\n\n## Intro\n\nPaid.\n");
    site.build_ok();
    let page = site.read("dist/public/articles/ids/index.html");
    assert!(page.contains("<h2 id=\"intro-2\">Intro</h2>"), "{page}");
}
