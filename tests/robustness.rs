//! Inputs a hostile or careless user may give: characters XML forbids,
//! and the outputs that must stay valid whatever the input.

mod common;

use common::Site;

#[test]
fn feeds_and_sitemap_stay_well_formed_xml_whatever_the_title_holds() {
    let site = Site::new();
    // TOML takes U+FFFE and U+FFFF as they are and a control character escaped.
    let odd = "\"Odd \u{fffe} title \u{ffff} with \\u0001 controls\"";
    site.article("odd", &format!("title = {odd}\ndate = 2025-01-01\ncolumn = \"C \u{fffe}\"\nteaser = \"T \u{ffff}\"\npaywall = false"), "Body \u{fffe} text.\n");
    site.build_ok();
    for file in ["dist/public/atom.xml", "dist/public/columns/c/atom.xml", "dist/public/sitemap.xml"] {
        let xml = site.read(file);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}"));
        assert!(doc.root_element().has_children(), "{file}");
    }
    let feed = site.read("dist/public/atom.xml");
    assert!(feed.contains("Odd  title  with  controls"), "{feed}");
}
