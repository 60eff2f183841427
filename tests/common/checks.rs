//! What the paywall tests look for in a build: marker words in files, the
//! place of the subscribe form in a page as a browser parses it, repeated
//! ids, and a run of the binary that cannot hang the test suite.

use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use scraper::{ElementRef, Html, Selector};

use super::{CONFIG, Site};

/// The fixture config without `[paywall]`: an article that names no
/// cutoff is free, so a marker that is not recognised publishes it whole.
pub fn config_without_default() -> String {
    let config = CONFIG.replace("[paywall]\nfree_blocks = 2\n", "");
    assert_ne!(config, CONFIG, "the fixture config no longer has the default this removes");
    config
}

/// A site with `config` instead of the fixture's.
pub fn site_with_config(config: &str) -> Site {
    let site = Site::new();
    site.write("config.toml", config);
    site
}

/// How long one build of a fixture site may take before it counts as hung.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Runs `lede` with `args` in the site; a run still going after `limit`
/// is killed and fails the test (an endless loop must not hang the suite).
pub fn lede_within(site: &Site, args: &[&str], limit: Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_lede"))
        .args(args)
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lede");
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(limit) {
        Ok(out) => out.expect("wait for lede"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("`lede {}` had not finished after {limit:?}: it never ends on this input", args.join(" "));
        }
    }
}

/// `lede build` that must succeed; returns stdout.
pub fn build_ok(site: &Site) -> String {
    let out = lede_within(site, &["build"], LIMIT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "build failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// `lede build` that must be refused: exit code 1, no panic; returns stderr.
pub fn build_err(site: &Site) -> String {
    let out = lede_within(site, &["build"], LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "the build should have been refused; stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out.status.code(), Some(1), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "lede panicked: {stderr}");
    stderr
}

/// The words of `text` that start with `prefix` (marker words such as `zqpaid3q`).
pub fn words_with(prefix: &str, text: &str) -> Vec<String> {
    let mut words: Vec<String> =
        text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.starts_with(prefix) && w.len() > prefix.len()).map(str::to_string).collect();
    words.sort();
    words.dedup();
    words
}

/// Every file under `dir` of the site as lowercase text, with its path.
pub fn texts_under(site: &Site, dir: &str) -> Vec<(String, String)> {
    site.files_under(dir).into_iter().map(|(p, b)| (p.display().to_string(), String::from_utf8_lossy(&b).to_lowercase())).collect()
}

/// Panics naming the file when one of `words` is in any file under `dir`.
pub fn assert_absent_under(site: &Site, dir: &str, words: &[String]) {
    let texts = texts_under(site, dir);
    assert!(!texts.is_empty(), "nothing was written under {dir}");
    for (path, text) in &texts {
        for word in words {
            assert!(!text.contains(&word.to_lowercase()), "{word} is in {path}");
        }
    }
}

/// Panics when one of `words` is in no file under `dir`.
pub fn assert_present_under(site: &Site, dir: &str, words: &[String]) {
    let all: String = texts_under(site, dir).into_iter().map(|(_, t)| t).collect();
    for word in words {
        assert!(all.contains(&word.to_lowercase()), "{word} is in no file under {dir}");
    }
}

/// An element as `name.class.class`, for messages and comparisons.
fn describe(el: ElementRef<'_>) -> String {
    let mut out = el.value().name().to_string();
    for class in el.value().classes() {
        out.push('.');
        out.push_str(class);
    }
    out
}

/// For each element matching `selector` in `html` (parsed as a browser
/// parses it), its ancestors from the parent up to `html`.
pub fn ancestors(html: &str, selector: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel).map(|el| el.ancestors().filter_map(ElementRef::wrap).map(describe).collect()).collect()
}

/// Whether `chain` is exactly the elements named (`name` or `name.class`), in order.
fn is_chain(chain: &[String], expected: &[&str]) -> bool {
    chain.len() == expected.len()
        && chain.iter().zip(expected).all(|(have, want)| match want.split_once('.') {
            Some((name, class)) => have.split('.').next() == Some(name) && have.split('.').skip(1).any(|c| c == class),
            None => have.split('.').next() == Some(*want),
        })
}

/// The public teaser page `html` (from `path`) as a browser builds it: one
/// subscribe form, inside the subscribe box and the theme's elements only,
/// never inside the article body or anything the author opened; the
/// ellipsis in the article body itself; the box beside the body.
pub fn assert_subscribe_form_stands_alone(path: &str, html: &str) {
    if let Some(problem) = subscribe_form_problem(path, html) {
        panic!("{problem}");
    }
}

/// What [`assert_subscribe_form_stands_alone`] would panic with, if anything.
pub fn subscribe_form_problem(path: &str, html: &str) -> Option<String> {
    let forms = ancestors(html, "form.subscribe-form");
    if forms.len() != 1 {
        return Some(format!("{path}: expected one subscribe form as a browser parses the page, found {}", forms.len()));
    }
    if !is_chain(&forms[0], &["section.subscribe-box", "article.article", "main", "body", "html"]) {
        return Some(format!(
            "{path}: the subscribe form sits inside {:?}: an element the author opened is still open around it, or an end tag of the author's closed one of the theme's",
            forms[0]
        ));
    }
    let boxes = ancestors(html, "section.subscribe-box");
    if !(boxes.len() == 1 && is_chain(&boxes[0], &["article.article", "main", "body", "html"])) {
        return Some(format!("{path}: the subscribe box sits inside {boxes:?}"));
    }
    let ellipses = ancestors(html, "p.paywall-ellipsis");
    if !(ellipses.len() == 1 && is_chain(&ellipses[0], &["div.article-body", "article.article", "main", "body", "html"])) {
        return Some(format!("{path}: the ellipsis sits inside {ellipses:?}"));
    }
    None
}

/// The ids of a page that more than one element has, as a browser parses it.
pub fn repeated_ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut ids: Vec<&str> = doc.root_element().descendent_elements().filter_map(|e| e.value().id()).collect();
    ids.sort_unstable();
    let mut repeated: Vec<String> = ids.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0].to_string()).collect();
    repeated.dedup();
    repeated
}

/// The name of the element that has `id` on the page, if one has.
pub fn element_with_id(html: &str, id: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    doc.root_element().descendent_elements().find(|e| e.value().id() == Some(id)).map(describe)
}

/// The built public page of article `slug`.
pub fn public_page(site: &Site, slug: &str) -> String {
    site.read(&format!("dist/public/articles/{slug}/index.html"))
}

/// The built members page of article `slug`.
pub fn members_page(site: &Site, slug: &str) -> String {
    site.read(&format!("dist/members/articles/{slug}/index.html"))
}
