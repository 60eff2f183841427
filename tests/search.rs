//! Site search: the public index holds no paid word by any road (every file
//! of the public tree read as a browser reads it, gzip included), the
//! members index holds them all, and a reader in headless Chromium finds an
//! article by a free word, nothing by a paid one publicly and the article
//! by it in the members tree, from the built trees and from `lede serve`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;
use serde_json::{Value, json};

/// Paid words: no stemmer shortens them, and no free text has them.
const PAID: [&str; 4] = ["zqpaidalphaq", "zqpaidbravoq", "zqpaidcharlieq", "zqpaiddeltaq"];
/// Free words, one per article.
const FREE: [&str; 4] = ["xjfreealphaj", "xjfreebravoj", "xjfreecharliej", "xjfreedeltaj"];
const TITLES: [&str; 4] = ["Tariffs and the Port", "Grid Storage at Scale", "Fishing Rights Revisited", "The Deficit Question"];
const COLUMNS: [&str; 4] = ["Trade Desk", "Energy Watch", "Trade Desk", "Energy Watch"];
const YEARS: [&str; 4] = ["2024", "2025", "2025", "2024"];

/// A site of four paywalled articles (two columns, two years) whose paid
/// parts hold the paid words in the body, a list, a footnote and a table.
fn site_at(base: &str, members: &str) -> Site {
    let site = Site::new();
    site.write("config.toml", common::CONFIG.replace("https://fixture.example", base).replace("https://members.fixture.example", members));
    for i in 0..4 {
        let slug = TITLES[i].to_lowercase().replace(' ', "-");
        site.article(
            &slug,
            &format!("title = \"{}\"\ndate = {}-0{}-10\ncolumn = \"{}\"\nauthors = [\"Ana Ruiz\"]\ntags = [\"Policy\"]\nteaser = \"A teaser about {}.\"\npaywall = 1", TITLES[i], YEARS[i], i + 1, COLUMNS[i], TITLES[i]),
            &format!(
                "The free opening mentions {free} for everyone.\n\nThe paid analysis says {paid}.\n\n- a list item with {paid} too\n\n| Head |\n| --- |\n| {paid} cell |\n\nA note.[^n]\n\n[^n]: The footnote repeats {paid}.\n",
                free = FREE[i],
                paid = PAID[i]
            ),
        );
    }
    site
}

/// Every file under `dir`, as text, gzip files decompressed (the index's are).
fn readable_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read");
        let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut plain).expect("gunzip");
            plain
        } else {
            bytes
        };
        out.push((entry.path().to_path_buf(), String::from_utf8_lossy(&bytes).into_owned()));
    }
    out
}

#[test]
fn the_public_index_holds_no_paid_word_and_the_members_index_holds_them_all() {
    let site = site_at("https://fixture.example", "https://members.fixture.example");
    let out = site.build_ok();
    assert!(out.contains("Search: 4 articles indexed"), "the build reports the index: {out}");

    let public = readable_files(&site.path("dist/public"));
    let index: Vec<&(PathBuf, String)> = public.iter().filter(|(p, _)| p.components().any(|c| c.as_os_str() == "pagefind")).collect();
    assert!(index.iter().any(|(p, _)| p.to_string_lossy().ends_with(".pf_fragment")), "the public tree has an index");
    for (path, text) in &public {
        for paid in PAID {
            assert!(!text.contains(paid), "{paid} is in the public file {}", path.display());
        }
    }
    for free in FREE {
        assert!(index.iter().any(|(_, t)| t.contains(free)), "the public index has the free word {free}");
    }

    let members = readable_files(&site.path("dist/members/pagefind"));
    for word in PAID.iter().chain(&FREE) {
        assert!(members.iter().any(|(_, t)| t.contains(word)), "the members index has {word}");
    }
    // Links are paths within the tree, so each index leads into its own tree wherever it is served.
    assert!(members.iter().any(|(_, t)| t.contains("\"url\":\"/articles/tariffs-and-the-port/\"")));
    assert!(!index.iter().map(|(_, t)| t).chain(members.iter().map(|(_, t)| t)).any(|t| t.contains("fixture.example")));
}

#[test]
fn the_search_page_is_the_only_page_with_a_script_and_the_header_links_it() {
    let site = site_at("https://fixture.example", "https://members.fixture.example");
    site.build_ok();
    for tree in ["public", "members"] {
        for entry in walkdir::WalkDir::new(site.path(&format!("dist/{tree}"))) {
            let entry = entry.expect("walk");
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let html = std::fs::read_to_string(path).expect("read");
            let scripts = html.matches("<script").count() - html.matches("<script type=\"application/ld+json\"").count();
            let is_search = path.ends_with("search/index.html");
            assert_eq!(scripts, usize::from(is_search), "scripts on {}", path.display());
            if is_search {
                let bundles = if tree == "public" { "data-bundles=\"../pagefind/\"" } else { "data-bundles=\"../pagefind/2025/ ../pagefind/2024/\"" };
                assert!(html.contains(bundles), "the page names its tree's indexes: {html}");
                assert!(html.contains("<option>Trade Desk</option>") && html.contains("<option>2025</option>"), "filters by column and year");
            }
            if html.contains("class=\"site-nav\"") {
                assert!(html.contains("/search/\">Search</a>"), "the header links the search page on {}", path.display());
            }
        }
    }
}

#[test]
fn search_can_be_turned_off() {
    let site = site_at("https://fixture.example", "https://members.fixture.example");
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}\n[search]\nenabled = false\n"));
    let out = site.build_ok();
    assert!(!out.contains("Search:"), "{out}");
    assert!(!site.path("dist/public/pagefind").exists() && !site.path("dist/public/search").exists());
    assert!(!site.read("dist/public/index.html").contains("/search/"));
}

#[test]
fn a_site_without_articles_has_a_search_page_that_names_no_index() {
    let site = Site::new();
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nWho we are.\n");
    site.build_ok();
    assert!(site.read("dist/public/search/index.html").contains("data-bundles=\"\""));
    assert!(!site.path("dist/public/pagefind").exists() && !site.path("dist/members/pagefind").exists());
}

#[test]
fn an_unchanged_site_takes_its_index_from_the_cache_and_an_edit_rebuilds_it() {
    let site = site_at("https://fixture.example", "https://members.fixture.example");
    site.build_ok();
    let first = site.files_under("dist/public/pagefind");
    let out = site.build_ok();
    assert!(out.contains("unchanged, index from the cache"), "{out}");
    assert_eq!(site.files_under("dist/public/pagefind"), first, "the same files");

    // A new paid word must reach the members index, and only it.
    let path = "content/articles/the-deficit-question.md";
    let text = site.read(path).replace(PAID[3], "zqpaidechoq");
    site.write(path, text);
    let out = site.build_ok();
    assert!(out.contains("Search: 4 articles indexed"), "{out}");
    assert!(readable_files(&site.path("dist/members/pagefind")).iter().any(|(_, t)| t.contains("zqpaidechoq")));
    assert!(!readable_files(&site.path("dist/public")).iter().any(|(_, t)| t.contains("zqpaidechoq")));
}

#[test]
fn lede_check_reads_the_index_and_finds_no_leak() {
    let site = site_at("https://fixture.example", "https://members.fixture.example");
    let out = site.lede(&["check"]);
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

// ---- in the browser ----

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether node, the npm tools and chromium are installed (by scripts/test); says what is missing.
fn browser_ready() -> bool {
    let chromium = std::env::var_os("LEDE_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let ready = node && browser_dir().join("node_modules/playwright-core").is_dir() && chromium.is_file();
    if !ready {
        assert!(std::env::var_os("CI").is_none(), "the browser tools are missing: run scripts/test");
        eprintln!("skipped: node, playwright-core or chromium missing (scripts/test installs them)");
    }
    ready
}

/// Waits until `url` on 127.0.0.1:`port` answers 200.
fn wait_for(port: u16, path: &str, limit: Duration) {
    let started = Instant::now();
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
            let mut head = String::new();
            let _ = BufReader::new(s).read_line(&mut head);
            if head.contains(" 200 ") {
                return;
            }
        }
        assert!(started.elapsed() < limit, "{path} was not served within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_reader_finds_articles_by_free_words_and_subscribers_by_paid_words() {
    if !browser_ready() {
        return;
    }
    let mut child = Command::new("node")
        .arg(browser_dir().join("search.mjs"))
        .current_dir(browser_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let port: u16 =
        lines.by_ref().map_while(Result::ok).find_map(|l| l.strip_prefix("PORT ").map(|p| p.trim().parse().expect("port"))).expect("the script's port");
    let origin = format!("http://127.0.0.1:{port}");
    let site = site_at(&origin, &format!("{origin}/members"));
    site.build_ok();
    let www = site.path("www");
    std::fs::rename(site.path("dist/public"), &www).expect("move");
    std::fs::rename(site.path("dist/members"), www.join("members")).expect("move");

    // The same site through the preview server.
    let serve_port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_lede"))
        .args(["serve", "--port", &serve_port.to_string()])
        .current_dir(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lede serve");
    // The preview builds the index after it serves the pages.
    wait_for(serve_port, "/pagefind/pagefind-entry.json", Duration::from_secs(60));
    wait_for(serve_port, "/_members/pagefind/2024/pagefind-entry.json", Duration::from_secs(60));
    let preview = format!("http://127.0.0.1:{serve_port}");

    let mut searches = Vec::new();
    for origin in [None, Some(preview.as_str())] {
        let members = if origin.is_some() { "/_members/search/" } else { "/members/search/" };
        searches.extend([
            json!({ "origin": origin, "path": "/search/", "query": FREE[0], "expect": [TITLES[0]], "absent": [TITLES[1]] }),
            json!({ "origin": origin, "path": "/search/", "query": PAID[0], "none": true }),
            json!({ "origin": origin, "path": members, "query": PAID[0], "expect": [TITLES[0]], "absent": [TITLES[1]] }),
            json!({ "origin": origin, "path": members, "query": FREE[1], "expect": [TITLES[1]] }),
        ]);
    }
    // Filters: a word every article has, narrowed to a column, then to a year.
    searches.push(json!({ "path": "/search/", "query": "teaser", "column": "Trade Desk", "expect": [TITLES[0], TITLES[2]], "absent": [TITLES[1], TITLES[3]] }));
    searches.push(json!({ "path": "/search/", "query": "teaser", "year": "2024", "expect": [TITLES[0], TITLES[3]], "absent": [TITLES[1], TITLES[2]] }));
    let plan = json!({
        "root": www,
        "searches": searches,
        "axe": [{ "path": "/search/", "query": "teaser" }, { "path": "/members/search/", "query": PAID[1] }],
    });
    writeln!(child.stdin.take().expect("stdin"), "{plan}").expect("send the plan");
    let report = lines.map_while(Result::ok).find_map(|l| l.strip_prefix("REPORT ").map(str::to_string));
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    let _ = serve.kill();
    let _ = serve.wait();
    let report: Value = serde_json::from_str(&report.unwrap_or_else(|| panic!("no report: {stderr}"))).expect("report");
    let failures = report["failures"].as_array().expect("failures");
    assert!(status.success() && failures.is_empty(), "{failures:#?}\n{stderr}");
    assert!(report["checks"].as_u64().unwrap_or(0) >= 40, "{report}");
    // Results carry the subscribers' mark, and the page loads only its own script and the index's.
    let first = &report["searches"][0];
    assert_eq!(first["badges"], 1, "{first}");
    for script in first["scripts"].as_array().expect("scripts") {
        let script = script.as_str().unwrap_or_default();
        assert!(script.starts_with("/search.") || script.starts_with("/pagefind/"), "script {script}");
    }
}
