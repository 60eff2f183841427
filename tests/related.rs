//! "Related analysis" on built pages: below the subscribe box of a teaser
//! page and at the end of a members article, the related articles' cards
//! of the same tree, the same on every build.

mod common;

use common::Site;
use scraper::{Html, Selector};

fn site() -> Site {
    let site = Site::new();
    let article = |slug: &str, date: &str, column: &str, tags: &str, authors: &str| {
        site.article(
            slug,
            &format!(
                "title = \"{slug}\"\ndate = {date}\ncolumn = \"{column}\"\ntags = [{tags}]\nauthors = [{authors}]\nteaser = \"About {slug}.\"\npaywall = 1"
            ),
            "Free.\n\nPaid zqrelatedpaidq.\n",
        );
    };
    article("base", "2025-06-01", "Trade", "\"Tariffs\", \"Ports\"", "\"Ana Ruiz\"");
    article("twin", "2025-01-01", "Trade", "\"Tariffs\", \"Ports\"", "\"Ana Ruiz\""); // 3+3+2+1
    article("tagged", "2025-05-01", "Energy", "\"Ports\"", "\"Bo Chen\""); // 3
    article("bylined", "2025-04-01", "Energy", "\"Grids\"", "\"Ana Ruiz\""); // 2
    article("columned", "2025-03-01", "Trade", "\"Grids\"", "\"Bo Chen\""); // 1
    article("stranger", "2025-02-01", "Energy", "\"Grids\"", "\"Cy Dee\""); // 0
    site
}

/// The titles of the related cards in `html`, in order, and what precedes the section.
fn related(html: &str) -> (Vec<String>, Vec<String>) {
    let doc = Html::parse_document(html);
    let section = Selector::parse("section.related").expect("selector");
    let title = Selector::parse(".card-title a").expect("selector");
    let Some(found) = doc.select(&section).next() else { return (Vec::new(), Vec::new()) };
    let titles = found.select(&title).map(|a| a.text().collect::<String>()).collect();
    let before = found.prev_siblings().filter_map(scraper::ElementRef::wrap).map(|e| e.value().attr("class").unwrap_or(e.value().name()).to_string()).collect();
    (titles, before)
}

#[test]
fn teaser_and_members_pages_show_the_best_three_and_the_same_on_every_build() {
    let site = site();
    site.build_ok();
    let public = site.read("dist/public/articles/base/index.html");
    let (titles, before) = related(&public);
    assert_eq!(titles, ["twin", "tagged", "bylined"]);
    assert_eq!(before.first().map(String::as_str), Some("subscribe-box"), "right below the subscribe box: {before:?}");
    assert!(public.contains("href=\"https://fixture.example/articles/twin/\""));

    let members = site.read("dist/members/articles/base/index.html");
    assert_eq!(related(&members).0, ["twin", "tagged", "bylined"]);
    assert!(members.contains("href=\"https://members.fixture.example/articles/twin/\""), "cards of the members tree");
    // After the whole text.
    assert!(members.find("zqrelatedpaidq").expect("the paid part") < members.find("Related analysis").expect("the section"));

    // bylined and stranger: a tag, 3, the newer first; tagged: an author, 2; base (column only) is not needed.
    assert_eq!(related(&site.read("dist/public/articles/columned/index.html")).0, ["bylined", "stranger", "tagged"]);
    let stranger = site.read("dist/public/articles/stranger/index.html");
    // bylined: tag and column, 4; columned: tag, 3; tagged: column only, 1.
    assert_eq!(related(&stranger).0, ["bylined", "columned", "tagged"]);

    let first = site.files_under("dist");
    site.build_ok();
    assert_eq!(site.files_under("dist"), first, "the same choice on every build");
}
