//! `lede init` and `lede new`, run as a user runs them: the binary on a
//! temporary folder, then the site built and its trees read.

use std::path::Path;
use std::process::{Command, Output};

fn lede(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lede")).current_dir(dir).args(args).output().expect("run lede")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn init_makes_a_site_that_builds_with_its_sample_cut_at_the_marker() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = lede(tmp.path(), &["init", "paper"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Created a new site in paper"), "{}", text(&out.stdout));
    let site = tmp.path().join("paper");
    for f in ["config.toml", "content/articles/welcome.md", ".gitignore"] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    let built = lede(&site, &["build"]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    assert!(text(&built.stdout).contains("Built 1 article (1 paywalled)"), "{}", text(&built.stdout));
    let public = std::fs::read_to_string(site.join("dist/public/articles/welcome/index.html")).expect("public page");
    let members = std::fs::read_to_string(site.join("dist/members/articles/welcome/index.html")).expect("members page");
    assert!(public.contains("Readers who do not subscribe") && !public.contains("Subscribers read on from here"), "{public}");
    assert!(members.contains("Subscribers read on from here"), "{members}");
    // The output stays out of version control.
    assert!(std::fs::read_to_string(site.join(".gitignore")).expect("gitignore").lines().any(|l| l == "dist/"));
    let check = lede(&site, &["check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn init_never_writes_over_a_site() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("config.toml"), "title = \"Mine\"\n").expect("config");
    std::fs::write(tmp.path().join(".gitignore"), "mine\n").expect("gitignore");
    let out = lede(tmp.path(), &["init"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("config.toml: already exists"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(tmp.path().join("config.toml")).expect("config"), "title = \"Mine\"\n");
    assert!(!tmp.path().join("content").exists());
}

#[test]
fn new_writes_an_article_dated_today_that_builds_and_never_one_twice() {
    let tmp = tempfile::tempdir().expect("temp dir");
    assert!(lede(tmp.path(), &["init"]).status.success());
    let before = jiff::Timestamp::now();
    let out = lede(tmp.path(), &["new", "Tariffs, Again?", "--column", "Trade Desk"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rel = "content/articles/tariffs-again.md";
    let written = std::fs::read_to_string(tmp.path().join(rel)).expect("new article");
    // The new site's clocks are UTC; the day may turn while the test runs.
    let days = [before, jiff::Timestamp::now()].map(|t| t.to_string()[..10].to_string());
    assert!(days.iter().any(|d| written.contains(&format!("\ndate = {d}\n"))), "{written}");
    assert!(written.contains("column = \"Trade Desk\""), "{written}");
    // As written, it builds, cut where its marker says.
    let built = lede(tmp.path(), &["build"]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    assert!(text(&built.stdout).contains("Built 2 articles (2 paywalled)"), "{}", text(&built.stdout));
    let public = std::fs::read_to_string(tmp.path().join("dist/public/articles/tariffs-again/index.html")).expect("public page");
    assert!(public.contains("The opening, free for every reader.") && !public.contains("The analysis, for subscribers."), "{public}");
    assert!(tmp.path().join("dist/public/columns/trade-desk/index.html").is_file());

    let again = lede(tmp.path(), &["new", "Tariffs again"]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("tariffs-again.md: already exists"), "{}", text(&again.stderr));
    assert_eq!(std::fs::read_to_string(tmp.path().join(rel)).expect("kept"), written);
}

#[test]
fn new_folder_makes_an_article_whose_images_sit_beside_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    assert!(lede(tmp.path(), &["init"]).status.success());
    let out = lede(tmp.path(), &["new", "Harbour dues", "--folder"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = tmp.path().join("content/articles/harbour-dues");
    assert!(dir.join("index.md").is_file());
    std::fs::write(dir.join("dues.csv"), "year,dues\n2024,3\n").expect("csv");
    let index = std::fs::read_to_string(dir.join("index.md")).expect("read");
    let index = index.replace("The opening, free for every reader.", "The opening.\n\n{{ chart(csv=\"dues.csv\", title=\"Dues\", x=\"year\", y=\"dues\") }}");
    std::fs::write(dir.join("index.md"), index).expect("write");
    let built = lede(tmp.path(), &["build"]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    assert!(tmp.path().join("dist/public/articles/harbour-dues/dues.csv").is_file(), "the free chart's data is public");
    let again = lede(tmp.path(), &["new", "Harbour dues"]);
    assert!(text(&again.stderr).contains("content/articles/harbour-dues/index.md: already exists"), "{}", text(&again.stderr));
}

#[test]
fn new_outside_a_site_or_without_a_usable_title_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = lede(tmp.path(), &["new", "Anything"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("is this a lede site?"), "{}", text(&out.stderr));
    assert!(lede(tmp.path(), &["init"]).status.success());
    let out = lede(tmp.path(), &["new", "?!"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("gives no slug"), "{}", text(&out.stderr));
}
