//! The files lede writes for an author rather than for readers: a new site
//! (`lede init`) and a new article (`lede new`). Neither ever writes over a
//! file that exists.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Result};
use crate::layout::{CONFIG_FILE, CONTENT_DIR};
use crate::text::slugify;

/// The settings of a new site, every key explained.
const CONFIG: &str = r#"# The site's settings. Every key is explained in the README ("config.toml").

# The publication's name, shown in every page's header and title.
title = "A New Publication"
# Where the public tree is deployed (teasers and subscribe pages).
base_url = "https://example.com"
# Where the members tree is deployed (the full text), behind your login.
members_url = "https://members.example.com"
# One sentence for search engines and feeds.
description = "Analysis for people who decide."
language = "en"
# The clock dates are read on: an article dated 2026-03-01 goes out at midnight there.
timezone = "UTC"
# Articles per listing page.
paginate_by = 10

[paywall]
# Articles that say nothing about their cut keep this many blocks free.
# Leave it out and such articles are free; a `<!-- paywall -->` line or
# `paywall = N` in an article's front matter always decides for it.
free_blocks = 3

[subscribe]
# Where the subscribe form posts the reader's email and plan.
action = "https://example.com/subscribe"
pitch = "Subscribe for every analysis in full and the whole archive."

[[subscribe.plans]]
id = "monthly"
name = "Monthly"
price = "$10 a month"
description = "Cancel any time."

[[subscribe.plans]]
id = "annual"
name = "Annual"
price = "$100 a year"
description = "Two months free."

# Server configurations that guard dist/members, written into dist/deploy/
# (see docs/deploy.md). check_url answers 2xx for a subscriber, 401/403 otherwise;
# members_url must then be base_url + "/members".
# [deploy]
# hosts = ["nginx", "caddy"]
# check_url = "http://127.0.0.1:9000/check"
# root = "/srv/my-publication"
"#;

/// The sample article of a new site: a free opening, the cut, a paid part.
const SAMPLE: &str = r#"+++
title = "Welcome to your publication"
date = DATE
column = "Notes"
authors = ["The Editors"]
tags = ["Getting started"]
teaser = "How an article is written, and where the paywall falls."
+++
Each article is a Markdown file in `content/articles/`. Its front matter,
between the `+++` lines, gives the title, the date, the column, the authors
and the tags.

Readers who do not subscribe see the paragraphs above the cut, then an
ellipsis and the subscribe form.

<!-- paywall -->

Subscribers read on from here. This part is written only to the members
tree, never to the public one: `lede check` proves it on every public file.

Delete this article when you write your first own.
"#;

/// A new article's text: one free paragraph, the cut, one paid paragraph,
/// so that it builds as it is and shows where the cut goes.
const NEW_BODY: &str = "The opening, free for every reader.\n\n<!-- paywall -->\n\nThe analysis, for subscribers.\n";

/// What a new site's repository leaves out: the output and the folders a build keeps beside it.
const GITIGNORE: &str = "dist/\n.lede-cache/\n.*.lede-spare/\n.*.lede-staging-*\n.*.lede-old-*\n.*.lede-lock\n";

/// The settings of a new site made by an import: `CONFIG` with the
/// source's name and address where it gave them (the members tree then
/// under `/members` of the same host).
pub fn imported_site_config(title: Option<&str>, base_url: Option<&str>) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut text = CONFIG.to_string();
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        text = text.replace("title = \"A New Publication\"", &format!("title = {}", quoted(title)));
    }
    if let Some(base) = base_url.map(|b| b.trim().trim_end_matches('/')).filter(|b| url::Url::parse(b).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))) {
        text = text
            .replace("base_url = \"https://example.com\"", &format!("base_url = {}", quoted(base)))
            .replace("members_url = \"https://members.example.com\"", &format!("members_url = {}", quoted(&format!("{base}/members"))));
    }
    text
}

/// What a new site's repository leaves out, for an import that makes the site.
pub fn gitignore() -> &'static str {
    GITIGNORE
}

/// Today's date as a front matter value, on the clocks of `config`'s time zone.
fn today(config: Option<&Config>, now: jiff::Timestamp) -> String {
    let tz = config.map_or(jiff::tz::TimeZone::UTC, |c| c.timezone.clone());
    tz.to_datetime(now).date().to_string()
}

/// Writes `text` at `path`, refusing if anything is there already.
fn create(path: &Path, shown: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Diagnostic::file(shown, "already exists; lede never writes over it"),
        _ => Diagnostic::io(shown, "create the file", &e),
    })?;
    file.write_all(text.as_bytes()).map_err(|e| Diagnostic::io(shown, "write the file", &e))?;
    Ok(())
}

/// Creates a new site in `dir` (made if missing): `config.toml`, a sample
/// article and `.gitignore`. Refuses a folder that already holds a site;
/// an existing `.gitignore` is left as it is. Returns the files written.
pub fn init(dir: &Path, now: jiff::Timestamp) -> Result<Vec<PathBuf>> {
    for taken in [CONFIG_FILE, CONTENT_DIR] {
        if dir.join(taken).exists() {
            return Err(Diagnostic::file(dir.join(taken), "already exists: this folder holds a site already (lede init never writes over one)").into());
        }
    }
    let sample = PathBuf::from(CONTENT_DIR).join("articles").join("welcome.md");
    let mut files = vec![(PathBuf::from(CONFIG_FILE), CONFIG.to_string()), (sample, SAMPLE.replace("DATE", &today(None, now)))];
    if !dir.join(".gitignore").exists() {
        files.push((PathBuf::from(".gitignore"), GITIGNORE.to_string()));
    }
    for (i, (rel, text)) in files.iter().enumerate() {
        if let Err(e) = create(&dir.join(rel), &dir.join(rel), text) {
            // A site half made is no site: take back what this call wrote.
            // (content/ was not there before: the check above refused that.)
            for (made, _) in &files[..i] {
                let _ = std::fs::remove_file(dir.join(made));
            }
            let _ = std::fs::remove_dir_all(dir.join(CONTENT_DIR));
            return Err(e);
        }
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// Creates `content/articles/<slug>.md` in the site at `root`, dated today
/// on the site's clocks; returns its path relative to `root`.
pub fn new_article(root: &Path, title: &str, column: Option<&str>, folder: bool, now: jiff::Timestamp) -> Result<PathBuf> {
    let config = Config::load(root)?;
    let title = title.trim();
    let slug = slugify(title);
    if !title.chars().any(char::is_alphanumeric) {
        return Err(Diagnostic::file("", format!("the title {title:?} gives no slug (no letters or digits): give the article a title with some")).into());
    }
    let articles = PathBuf::from(CONTENT_DIR).join("articles");
    let (file, folder_index) = (articles.join(format!("{slug}.md")), articles.join(&slug).join("index.md"));
    // The other form of the same article would be a second article of that slug.
    let (rel, other) = if folder { (folder_index, file) } else { (file, folder_index) };
    if root.join(&other).exists() {
        return Err(Diagnostic::file(&other, "already exists, with the slug the title gives; lede never writes over it").into());
    }
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut front = format!("title = {}\ndate = {}\n", quoted(title), today(Some(&config), now));
    if let Some(column) = column.map(str::trim).filter(|c| !c.is_empty()) {
        front.push_str(&format!("column = {}\n", quoted(column)));
    }
    front.push_str("authors = []\ntags = []\n# teaser = \"One or two sentences for listings, feeds and search engines.\"\n");
    front.push_str("# The free part ends at the <!-- paywall --> line below; move it, or remove it and\n# keep the first N blocks free with paywall = N; paywall = false publishes it all.\n");
    let text = format!("+++\n{front}+++\n{NEW_BODY}");
    create(&root.join(&rel), &rel, &text)?;
    Ok(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> jiff::Timestamp {
        "2026-03-01T23:30:00Z".parse().expect("instant")
    }

    #[test]
    fn the_new_sites_settings_parse_and_explain_every_key() {
        let config = Config::parse(CONFIG).expect("the settings of a new site are valid");
        assert_eq!(config.plans.len(), 2);
        assert_eq!(config.default_free_blocks, Some(3));
        for line in CONFIG.lines().filter(|l| l.contains(" = ") && !l.starts_with('#')) {
            let key = line.split(" = ").next().unwrap_or_default();
            assert!(["id", "name", "price", "description"].contains(&key) || CONFIG.contains(&format!("\n{key} =")), "{key}");
        }
    }

    #[test]
    fn a_new_article_is_dated_today_on_the_sites_clocks() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\ntimezone = \"Asia/Tokyo\"\n").expect("config");
        let rel = new_article(dir.path(), "  The \"Big\" Question: Why?  ", Some("Notes"), false, now()).expect("new article");
        assert_eq!(rel, Path::new("content/articles/the-big-question-why.md"));
        let text = std::fs::read_to_string(dir.path().join(&rel)).expect("read");
        // 23:30 UTC on 1 March is already 2 March in Tokyo.
        assert!(text.contains("date = 2026-03-02\n"), "{text}");
        assert!(text.contains("title = 'The \"Big\" Question: Why?'\n"), "{text}");
        assert!(text.contains("column = \"Notes\"\n"), "{text}");
    }

    #[test]
    fn a_new_article_may_be_a_folder_and_never_doubles_a_slug() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\n").expect("config");
        let rel = new_article(dir.path(), "Harbour dues", None, true, now()).expect("new article");
        assert_eq!(rel, Path::new("content/articles/harbour-dues/index.md"));
        assert!(dir.path().join(&rel).is_file());
        let e = new_article(dir.path(), "Harbour dues", None, false, now()).expect_err("the same slug as a file");
        assert!(e.to_string().contains("content/articles/harbour-dues/index.md: already exists"), "{e}");
        new_article(dir.path(), "Port fees", None, false, now()).expect("new article");
        let e = new_article(dir.path(), "Port fees", None, true, now()).expect_err("the same slug as a folder");
        assert!(e.to_string().contains("content/articles/port-fees.md: already exists"), "{e}");
    }
}
