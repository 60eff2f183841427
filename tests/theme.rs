//! The built-in theme in real tools: every page of the example site and of a
//! fixture site passes the Nu HTML Checker (vnu), and headless Chromium
//! (tests/browser/run.mjs) finds no axe-core violation, no sideways scroll,
//! no request to another host, a working keyboard path through the
//! subscribe form, and writes screenshots to target/screenshots/.
//!
//! The tools come from `scripts/test` (Debian's chromium and a JRE, npm's
//! playwright-core, axe-core and vnu-jar in tests/browser). When one is
//! missing these tests print a note and pass, unless LEDE_REQUIRE_TOOLS=1,
//! under which they fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");
/// The example site's teaser page that the browser test fills in.
const TEASER_SLUG: &str = "the-quiet-arithmetic-of-rate-cuts";
/// Where subscribe-form posts are recorded by the test server.
const ENDPOINT: &str = "/__subscribe";

fn browser_dir() -> PathBuf {
    Path::new(MANIFEST).join("tests/browser")
}

fn chromium() -> PathBuf {
    std::env::var_os("LEDE_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn vnu_jar() -> PathBuf {
    browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar")
}

fn runs(cmd: &str, arg: &str) -> bool {
    Command::new(cmd).arg(arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// True when every tool is there. Otherwise: a failure under
/// LEDE_REQUIRE_TOOLS=1, else a printed note and false (the test skips).
fn tools_ready(test: &str, needs: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = needs.iter().filter(|(_, ok)| !ok).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!("{test}: missing {}; run scripts/test, which installs them", missing.join(", "));
    if std::env::var("LEDE_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("{msg} (LEDE_REQUIRE_TOOLS=1 makes a missing tool a failure)");
    }
    eprintln!("note: skipping {msg}");
    false
}

fn java_ready() -> (&'static str, bool) {
    ("java (default-jre-headless)", runs("java", "-version"))
}

fn vnu_ready() -> (&'static str, bool) {
    ("vnu-jar (npm ci in tests/browser)", vnu_jar().is_file())
}

fn node_ready() -> (&'static str, bool) {
    ("node", runs("node", "--version"))
}

fn playwright_ready() -> (&'static str, bool) {
    let nm = browser_dir().join("node_modules");
    ("playwright-core and axe-core (npm ci in tests/browser)", nm.join("playwright-core").is_dir() && nm.join("axe-core").is_dir())
}

fn chromium_ready() -> (&'static str, bool) {
    ("chromium", chromium().is_file())
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let dest = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// The example site (the repository's config.toml and content/, the
/// built-in theme) copied to `dir`, its URLs moved to `urls` when given:
/// (base_url, members_url, subscribe action).
fn example_site(dir: &Path, urls: Option<(&str, &str, &str)>) {
    std::fs::create_dir_all(dir).expect("mkdir");
    copy_dir(&Path::new(MANIFEST).join("content"), &dir.join("content"));
    let text = std::fs::read_to_string(Path::new(MANIFEST).join("config.toml")).expect("config.toml");
    let mut config: toml::Table = text.parse().expect("config.toml parses");
    if let Some((base, members, action)) = urls {
        config.insert("base_url".into(), base.into());
        config.insert("members_url".into(), members.into());
        let subscribe = config.get_mut("subscribe").and_then(|s| s.as_table_mut()).expect("[subscribe]");
        subscribe.insert("action".into(), action.into());
    }
    std::fs::write(dir.join("config.toml"), toml::to_string(&config).expect("toml")).expect("write config");
}

/// The example site with a Stripe Payment Link for each plan: the plans
/// become buttons that send the reader to checkout.
fn checkout_site(dir: &Path, base: &str) {
    example_site(dir, Some((base, &format!("{base}/members"), &format!("{base}/subscribe/"))));
    let text = std::fs::read_to_string(dir.join("config.toml")).expect("config");
    let mut config: toml::Table = text.parse().expect("config parses");
    let plans = config.get_mut("subscribe").and_then(|s| s.get_mut("plans")).and_then(|p| p.as_array_mut()).expect("plans");
    for plan in plans.iter_mut() {
        let plan = plan.as_table_mut().expect("a plan");
        let id = plan["id"].as_str().expect("id").to_string();
        plan.insert("checkout".into(), format!("https://buy.stripe.com/test_{id}").into());
    }
    std::fs::write(dir.join("config.toml"), toml::to_string(&config).expect("toml")).expect("write config");
}

/// A fixture site that stresses the theme: one plan, no description, long
/// words, a wide table, footnotes, quotes, a pull quote, an image, code
/// highlighted in each of the theme's classes, free and paid.
fn fixture_site(dir: &Path, base: &str) {
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "config.toml",
        &format!(
            r#"title = "The Intergovernmentalist Quarterly Review of Multilateralism"
base_url = "{base}"
members_url = "{base}/members"
language = "en-GB"
paginate_by = 1

[paywall]
free_blocks = 3

[subscribe]
action = "{base}/__subscribe"
pitch = "One plan, every analysis."

[[subscribe.plans]]
id = "yearly"
name = "Yearly"
price = "£80 a year"
"#
        ),
    );
    write(
        "static/chart.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320" viewBox="0 0 640 320"><rect width="640" height="320" fill="#e8e4da"/><path d="M20 300 L140 220 L260 240 L380 120 L500 150 L620 40" fill="none" stroke="#8a1c1c" stroke-width="6"/></svg>"##,
    );
    write(
        "content/articles/supranationalisation.md",
        r#"+++
title = "Counter-Intergovernmentalisation and the Supranationalisation of Everything: A Long Headline"
date = 2026-01-05
column = "Institutional Architecture and Constitutional Design"
authors = ["Maximiliane Oberhausen-Wittgenstein", "Jo Li", "Kwame Mensah-Bonsu"]
tags = ["EU", "Institutions"]
paywall = 5
+++
A first paragraph with a footnote[^a] and a long unbroken reference: https://example.org/a/very/long/path/that/does/not/break/anywhere/at/all/in/a/narrow/column.

> A block quote from a speech, which the theme sets apart from the analysis around it.

```toml
[paywall]
free_blocks = 3 # a comment
plans = ["yearly", true, 1.5]
```

<aside class="pull-quote"><p>A pull quote: the sentence an editor wants a skimming reader to see.</p></aside>

| Member state | 2019 | 2020 | 2021 | 2022 | 2023 | 2024 | 2025 | Cumulative change since the base year |
|---|---|---|---|---|---|---|---|---|
| Netherlands | 1.1 | 1.2 | 1.3 | 1.4 | 1.5 | 1.6 | 1.7 | 54.5 percent above the base year |
| Luxembourg | 2.1 | 2.2 | 2.3 | 2.4 | 2.5 | 2.6 | 2.7 | 28.5 percent above the base year |

The paid part starts here, with its own note[^b].

<figure><img src="../../chart.svg" width="640" height="320" alt="A line rising unevenly from left to right"><figcaption>Figure 1. A caption under a chart.</figcaption></figure>

| Country | Share |
|:---|---:|
| Ghana | 12.5% |

---

1. A numbered list
2. with two items

## A second-level heading

```rust
/// Every class the theme colours, in both schemes.
pub fn a_code_block_with_a_very_long_line_that_must_scroll_inside_its_box_rather_than_widen_the_page(x: u32) -> Option<&'static str> {
    let s = "text\n"; const MAX: u32 = 0x1F; if self.x < MAX { println!("{s}"); } None
}
```

```python
def f(a, b=2):
    return [x for x in a if x is not None]
```

```html
<a href="/x" class="y">link &amp; more</a>
```

```diff
--- a/x
+++ b/x
@@ -1 +1 @@
-old
+new
```

```markdown
# A heading with *emphasis* and **strong** words
> a quote
```

### A third-level heading

The end.

[^a]: A public note, with a back-link.
[^b]: A paid note.
"#,
    );
    write(
        "content/articles/free.md",
        "+++\ntitle = \"A Free Note\"\ndate = 2026-01-02\npaywall = false\naliases = [\"/2019/05/07/a-free-note/\", \"/old/note.html\"]\nimage = \"/chart.svg\"\n+++\nShort and free.\n",
    );
    write("content/about.md", "+++\ntitle = \"About\"\n+++\nAbout this fixture.\n");
    // The built-in shortcodes, free and paid, in an article folder with its files.
    write(
        "content/articles/shortcodes/index.md",
        r#"+++
title = "Shortcodes in Use"
date = 2026-01-04
paywall = 3
+++
{{ figure(src="map.svg", alt="A map of the member states", width=640, height=320, caption="Figure 1. Where the votes fell.", credit="Drawn by Jo Li", source="Council records", data="votes.csv") }}

{% callout(kind="finding", title="The finding") %}
Most votes were **unanimous**, and most of the rest were one abstention short.
{% end %}

{% callout(kind="warning") %}
The 2020 figures are provisional.
{% end %}

The paid part starts here.

{% pullquote(cite="A delegate") %}
Unanimity is a habit, not a rule.
{% end %}

{{ chart(csv="votes.csv", kind="bar", title="Contested votes by year", x="year", y="votes") }}

{{ chart(csv="votes.csv", kind="line", title="Contested votes, the trend", x="year", y="votes") }}

{{ embed(url="https://www.youtube.com/watch?v=dQw4w9WgXcQ", title="The debate, in full") }}

![The chamber from the public gallery, half empty](chamber.jpg "Figure 2. The chamber during the vote.")

{{ figure(src="delegates.png", alt="Delegates queueing at the ballot boxes", caption="Figure 3. The second ballot.", credit="Photo: Jo Li") }}
"#,
    );
    let picture = |rel: &str, width: u32, height: u32, seed: u8| {
        let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x / 4 % 256) as u8, (y / 4 % 256) as u8, seed]));
        img.save(dir.join(rel)).expect("write a picture");
    };
    picture("content/articles/shortcodes/chamber.jpg", 1600, 900, 90);
    picture("content/articles/shortcodes/delegates.png", 1000, 750, 160);
    write("content/articles/shortcodes/votes.csv", "year,votes\n2019,12\n2020,7\n2021,15\n2022,9\n");
    write(
        "content/articles/shortcodes/map.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320" viewBox="0 0 640 320"><rect width="640" height="320" fill="#dfe6da"/></svg>"##,
    );
}

fn build(root: &Path, out: &Path) {
    let opts = lede::BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        drafts: false,
        future: false,
        allow_empty: false,
        check_leaks: false,
        check_links: lede::build::LinkCheck::Off,
        list_changed: false,
    };
    if let Err(e) = lede::build(&opts) {
        panic!("build of {} failed: {e:?}", root.display());
    }
}

/// Every error (and warning) the Nu HTML Checker reports for `dirs`.
fn vnu(dirs: &[PathBuf]) -> Vec<String> {
    let out =
        Command::new("java").arg("-jar").arg(vnu_jar()).args(["--format", "json", "--skip-non-html", "--also-check-css"]).args(dirs).output().expect("run vnu");
    let text = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("vnu output is not JSON ({e}): {text}"));
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .filter(|m| m["type"] == "error" || m["type"] == "non-document-error" || m["subType"] == "fatal")
        .map(|m| {
            format!(
                "{}:{}: {} [{}]",
                m["url"].as_str().unwrap_or("?"),
                m["lastLine"],
                m["message"].as_str().unwrap_or("?"),
                m["extract"].as_str().unwrap_or("").replace('\n', " ")
            )
        })
        .collect()
}

fn html_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "html")).count()
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    if !tools_ready("every_page_passes_the_nu_html_checker", &[java_ready(), vnu_ready()]) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    example_site(&tmp.path().join("example"), None);
    build(&tmp.path().join("example"), &tmp.path().join("example-out"));
    fixture_site(&tmp.path().join("fixture"), "https://fixture.example");
    build(&tmp.path().join("fixture"), &tmp.path().join("fixture-out"));
    checkout_site(&tmp.path().join("checkout"), "https://checkout.example");
    build(&tmp.path().join("checkout"), &tmp.path().join("checkout-out"));
    let dirs: Vec<PathBuf> = ["example-out/public", "example-out/members", "fixture-out/public", "fixture-out/members", "checkout-out/public"]
        .iter()
        .map(|d| tmp.path().join(d))
        .collect();
    for d in &dirs {
        assert!(html_files(d) >= 3, "{} has too few pages", d.display());
    }
    let errors = vnu(&dirs);
    assert!(errors.is_empty(), "the Nu HTML Checker found {} error(s):\n{}", errors.len(), errors.join("\n"));
}

/// The checker really checks: a broken page is reported.
#[test]
fn the_nu_html_checker_catches_a_broken_page() {
    if !tools_ready("the_nu_html_checker_catches_a_broken_page", &[java_ready(), vnu_ready()]) {
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("bad.html"), "<!DOCTYPE html><html lang=en><title>x</title><p><div></span></html>").expect("write");
    assert!(!vnu(&[tmp.path().to_path_buf()]).is_empty());
}

/// Moves a built tree into place under the served root.
fn place(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    std::fs::rename(from, to).unwrap_or_else(|e| panic!("move {} to {}: {e}", from.display(), to.display()));
}

#[test]
fn the_theme_in_a_real_browser() {
    if !tools_ready("the_theme_in_a_real_browser", &[node_ready(), playwright_ready(), chromium_ready()]) {
        return;
    }
    let mut child = Command::new("node")
        .arg(browser_dir().join("run.mjs"))
        .current_dir(browser_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let port: u16 = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(p) = line.strip_prefix("PORT ") {
                    break p.trim().parse().expect("port");
                }
            }
            _ => panic!("the browser script did not start: {}", errors.join().unwrap_or_default()),
        }
    };
    let origin = format!("http://127.0.0.1:{port}");

    // Served as http://127.0.0.1:PORT/ (public), /members/, /fixture/, /fixture/members/.
    let tmp = tempfile::tempdir().expect("tempdir");
    let www = tmp.path().join("www");
    let (members, action) = (format!("{origin}/members"), format!("{origin}{ENDPOINT}"));
    example_site(&tmp.path().join("example"), Some((&origin, &members, &action)));
    build(&tmp.path().join("example"), &tmp.path().join("example-out"));
    place(&tmp.path().join("example-out/public"), &www);
    place(&tmp.path().join("example-out/members"), &www.join("members"));
    fixture_site(&tmp.path().join("fixture"), &format!("{origin}/fixture"));
    build(&tmp.path().join("fixture"), &tmp.path().join("fixture-out"));
    place(&tmp.path().join("fixture-out/public"), &www.join("fixture"));
    place(&tmp.path().join("fixture-out/members"), &www.join("fixture/members"));
    checkout_site(&tmp.path().join("checkout"), &format!("{origin}/checkout"));
    build(&tmp.path().join("checkout"), &tmp.path().join("checkout-out"));
    place(&tmp.path().join("checkout-out/public"), &www.join("checkout"));

    // The README's first look: the example site as it is, through `lede serve`.
    let serve_port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_lede"))
        .args(["serve", "--port", &serve_port.to_string()])
        .current_dir(MANIFEST)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lede serve");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", serve_port)).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "lede serve did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let serve_origin = format!("http://127.0.0.1:{serve_port}");

    let teaser = format!("/articles/{TEASER_SLUG}/");
    let member = format!("/members/articles/{TEASER_SLUG}/");
    let page = |path: &str| json!({ "path": path });
    let shots = Path::new(MANIFEST).join("target/screenshots");
    let plan = json!({
        "root": www,
        "shots": shots,
        "endpoint": ENDPOINT,
        "pages": [
            page("/"), page(&teaser), page(&member), page("/columns/economy-watch/"), page("/subscribe/"),
            page("/archive/"), page("/tags/"), page("/about/"), page("/members/"), page("/members/subscribe/"),
            json!({ "path": "/no-such-page/", "status": 404 }),
            page("/fixture/"), page("/fixture/articles/supranationalisation/"),
            page("/fixture/members/articles/supranationalisation/"), page("/fixture/authors/jo-li/"), page("/fixture/page/2/"),
            page("/fixture/articles/shortcodes/"), page("/fixture/members/articles/shortcodes/"),
            page(&format!("/checkout/articles/{TEASER_SLUG}/")), page("/checkout/subscribe/"),
        ],
        "measure": [page(&member)],
        "firstLook": { "origin": serve_origin, "url": format!("{serve_origin}/articles/{TEASER_SLUG}/") },
        "checkout": { "path": format!("/checkout/articles/{TEASER_SLUG}/"), "plan": "Annual",
            "expect": format!("https://buy.stripe.com/test_annual?client_reference_id={TEASER_SLUG}&prefilled_email=reader%40example.org") },
        "embeds": [{ "path": "/fixture/members/articles/shortcodes/", "count": 1, "player": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1" }],
        "teaser": { "path": teaser, "slug": TEASER_SLUG, "plans": ["monthly", "annual", "trial"] },
        "screenshots": [
            { "path": teaser, "name": "teaser" },
            { "path": member, "name": "members", "print": true },
            { "path": "/", "name": "home" },
            { "path": "/subscribe/", "name": "subscribe", "dark": false },
            { "path": "/columns/economy-watch/", "name": "listing", "dark": false },
            { "path": "/tags/", "name": "topics", "dark": false },
            { "path": "/no-such-page/", "name": "not-found", "dark": false },
            { "path": "/fixture/members/articles/supranationalisation/", "name": "fixture-members", "dark": false },
            { "path": "/fixture/members/articles/shortcodes/", "name": "fixture-shortcodes", "print": true },
        ],
    });
    {
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{plan}").expect("send plan");
    }
    let mut report = None;
    for line in lines.map_while(Result::ok) {
        if let Some(r) = line.strip_prefix("REPORT ") {
            report = Some(serde_json::from_str::<Value>(r).expect("report is JSON"));
        }
    }
    let status = child.wait().expect("wait for node");
    let _ = serve.kill();
    let _ = serve.wait();
    let log = errors.join().unwrap_or_default();
    let report = report.unwrap_or_else(|| panic!("no report from the browser script ({status}):\n{log}"));
    let failures: Vec<&str> = report["failures"].as_array().expect("failures").iter().filter_map(Value::as_str).collect();
    assert!(failures.is_empty(), "{} browser check(s) failed:\n  {}\n{log}", failures.len(), failures.join("\n  "));
    assert!(status.success(), "the browser script failed ({status}):\n{log}");
    assert!(report["checks"].as_u64().unwrap_or(0) > 100, "too few checks ran: {report}");
    for shot in report["screenshots"].as_array().expect("screenshots") {
        let p = PathBuf::from(shot.as_str().expect("path"));
        assert!(std::fs::metadata(&p).is_ok_and(|m| m.len() > 1000), "screenshot {} missing", p.display());
    }
    eprintln!("browser: {} checks passed; screenshots in {}", report["checks"], shots.display());
}
