//! `lede build --changed`: the URLs whose files a build added, changed or
//! removed, checked against the two trees read before and after.

mod common;

use std::collections::BTreeMap;

use common::Site;

/// Every file of both trees, by `tree/path`.
fn snapshot(site: &Site) -> BTreeMap<String, Vec<u8>> {
    ["public", "members"]
        .into_iter()
        .flat_map(|tree| {
            site.files_under(&format!("dist/{tree}"))
                .into_iter()
                .map(|(p, b)| (p.strip_prefix("dist").expect("in dist").to_string_lossy().trim_start_matches('/').to_string(), b))
        })
        .collect()
}

/// The URL of `tree/path`, as the fixture's config places the trees.
fn url(key: &str) -> String {
    let (tree, path) = key.split_once('/').expect("tree/path");
    let root = if tree == "public" { "https://fixture.example" } else { "https://members.fixture.example" };
    format!("{root}/{}", path.strip_suffix("index.html").unwrap_or(path))
}

#[test]
fn changed_lists_exactly_the_urls_whose_files_an_edit_changed() {
    let site = Site::new();
    site.article("alpha", "title = \"Alpha\"\ndate = 2025-01-01\npaywall = 1", "Alpha free.\n\nAlpha paid.\n");
    site.article("beta", "title = \"Beta\"\ndate = 2025-01-02\npaywall = 1", "Beta free.\n\nBeta paid.\n");
    site.article("gamma", "title = \"Gamma\"\ndate = 2024-01-03\npaywall = false", "Gamma.\n");
    let first = site.lede(&["build", "--changed"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    // A first build adds everything.
    let listed = site.read("dist/changed.txt");
    let before = snapshot(&site);
    assert_eq!(listed.lines().count(), before.len(), "{listed}");
    assert!(listed.lines().all(|l| l.starts_with("+ ")), "{listed}");

    // An edit of a paid paragraph, a new article, a deleted one.
    site.article("alpha", "title = \"Alpha\"\ndate = 2025-01-01\npaywall = 1", "Alpha free.\n\nAlpha paid, revised.\n");
    site.article("delta", "title = \"Delta\"\ndate = 2023-05-05\npaywall = false", "Delta.\n");
    std::fs::remove_file(site.path("content/articles/gamma.md")).expect("delete");
    let out = site.lede(&["build", "--changed"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = snapshot(&site);
    let mut expected: Vec<String> = Vec::new();
    for (key, bytes) in &after {
        match before.get(key) {
            None => expected.push(format!("+ {}", url(key))),
            Some(old) if old != bytes => expected.push(format!("~ {}", url(key))),
            Some(_) => {}
        }
    }
    expected.extend(before.keys().filter(|k| !after.contains_key(*k)).map(|k| format!("- {}", url(k))));
    expected.sort();
    let mut listed: Vec<String> = site.read("dist/changed.txt").lines().map(String::from).collect();
    listed.sort();
    assert_eq!(listed, expected);
    // Not vacuous: the paid edit is there, on the members side only, and untouched pages are not.
    assert!(listed.contains(&"~ https://members.fixture.example/articles/alpha/".to_string()), "{listed:?}");
    assert!(!listed.iter().any(|l| l.ends_with("fixture.example/articles/alpha/") && l.contains("//fixture")), "the public page did not change: {listed:?}");
    assert!(!listed.iter().any(|l| l.contains("/articles/beta/")), "{listed:?}");
    assert!(listed.contains(&"- https://fixture.example/articles/gamma/".to_string()), "{listed:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{} URLs changed since the last build", listed.len())));
    // An unchanged rebuild lists nothing.
    site.lede(&["build", "--changed"]);
    assert_eq!(site.read("dist/changed.txt"), "");
}
