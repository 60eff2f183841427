//! `lede serve` over real HTTP on 127.0.0.1: the built binary serves a
//! fixture site from a temporary folder; the tests edit it and poll for the
//! change with a deadline, and send hostile paths with a raw TCP client.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Site;

/// How long any change may take to show up before a test fails.
const DEADLINE: Duration = Duration::from_secs(15);

/// A `lede serve` child process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

/// A parsed HTTP response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>, port_tx: Option<mpsc::Sender<u16>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &port_tx
                && let Some(rest) = line.split("Serving at http://127.0.0.1:").nth(1)
            {
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(p) = port.parse() {
                    let _ = tx.send(p);
                }
            }
            into.lock().unwrap().push_str(&line);
            into.lock().unwrap().push('\n');
        }
    });
}

impl Server {
    /// Starts `lede serve --port 0` on the site, plus `extra` flags.
    fn start(site: &Site, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lede"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start lede serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        collect(child.stdout.take().expect("stdout"), stdout.clone(), Some(tx));
        collect(child.stderr.take().expect("stderr"), stderr.clone(), None);
        let port = match rx.recv_timeout(DEADLINE) {
            Ok(p) => p,
            Err(_) => {
                let _ = child.kill();
                panic!("lede serve did not start:\n{}\n{}", stdout.lock().unwrap(), stderr.lock().unwrap());
            }
        };
        let server = Server { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), stdout, stderr };
        // It serves before its first build ends; until then every page says so.
        server.wait_for("/", "the first build", |r| r.status != 503);
        server
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the server has printed `text` (its report of a load comes after it starts serving).
    fn wait_stdout(&self, text: &str) {
        let started = Instant::now();
        while !self.stdout().contains(text) {
            assert!(started.elapsed() < DEADLINE, "{text:?} not printed in time; stdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn rebuilds(&self) -> usize {
        self.stdout().matches(": rebuilt").count() + self.stderr().matches("still serving the last good build").count()
    }

    fn raw(&self, request: &[u8]) -> Response {
        raw(self.addr, request)
    }

    fn request(&self, method: &str, path: &str) -> Response {
        request(self.addr, method, path)
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path)
    }

    /// Polls `path` until `check` holds, or fails after the deadline.
    fn wait_for(&self, path: &str, what: &str, check: impl Fn(&Response) -> bool) -> Response {
        let started = Instant::now();
        loop {
            let res = self.get(path);
            if check(&res) {
                return res;
            }
            if started.elapsed() > DEADLINE {
                panic!("{what}: {path} did not change in time; last: {} {}\nstdout:\n{}\nstderr:\n{}", res.status, res.body, self.stdout(), self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// An open `/_lede/events` stream, collected in the background.
    fn events(&self) -> Arc<Mutex<String>> {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream.write_all(b"GET /_lede/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
        let seen = Arc::new(Mutex::new(String::new()));
        let into = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                into.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        seen
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` as is to `addr` and reads the whole response.
fn raw(addr: SocketAddr, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(request).expect("send");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    // Read to the end, or to Content-Length when the peer keeps the connection open.
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let res = parse(&bytes[..end + 4]);
            let length = res.header("content-length").and_then(|l| l.parse::<usize>().ok());
            if length.is_some_and(|l| bytes.len() >= end + 4 + l) {
                break;
            }
        }
    }
    parse(&bytes)
}

fn request(addr: SocketAddr, method: &str, path: &str) -> Response {
    raw(addr, format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes())
}

fn parse(bytes: &[u8]) -> Response {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    Response { status, headers, body: body.to_string() }
}

/// Waits (boundedly) until `text()` contains `needle`.
fn eventually(what: &str, text: impl Fn() -> String, needle: &str) {
    let started = Instant::now();
    while !text().contains(needle) {
        assert!(started.elapsed() < DEADLINE, "{what}: never saw {needle:?} in:\n{}", text());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A site with a free article, a paywalled one and a site footer template.
fn fixture() -> Site {
    let site = Site::new();
    site.article(
        "alpha",
        "title = \"First Title\"\ndate = 2026-01-05\ntags = [\"Energy\"]\npaywall = false",
        "Alpha opening paragraph.\n\nAlpha second paragraph.\n",
    );
    site.article(
        "paid",
        "title = \"Paid Analysis\"\ndate = 2026-01-04\npaywall = 1",
        "Free opening of the paid piece.\n\nPAID-SENTENCE only subscribers read.\n",
    );
    site
}

fn alpha(title: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2026-01-05\ntags = [\"Energy\"]\npaywall = false\n+++\nAlpha opening paragraph.\n\nAlpha second paragraph.\n")
}

#[test]
fn an_edit_shows_up_and_no_listing_keeps_the_old_title() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    assert!(server.get("/articles/alpha/").body.contains("First Title"));
    for listing in ["/", "/tags/energy/", "/archive/2026/", "/_members/"] {
        assert!(server.get(listing).body.contains("First Title"), "{listing} lists the article");
    }

    site.write("content/articles/alpha.md", alpha("Second Title"));
    server.wait_for("/articles/alpha/", "edited article", |r| r.body.contains("Second Title"));
    for page in ["/", "/tags/energy/", "/archive/2026/", "/_members/", "/_members/articles/alpha/", "/atom.xml", "/sitemap.xml"] {
        let body = server.get(page).body;
        assert!(!body.contains("First Title"), "{page} still shows the old title:\n{body}");
    }
    assert!(server.get("/").body.contains("Second Title"));
    // Only what the edit touches is rebuilt, not the whole site.
    eventually("terminal", || server.stdout(), "content/articles/alpha.md: rebuilt, ");
    assert!(!site.path("dist").exists(), "serve must never write dist/");
}

#[test]
fn a_broken_edit_keeps_the_last_good_page_shows_the_error_and_recovers() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let events = server.events();
    eventually("event stream", || events.lock().unwrap().clone(), "event: hello");

    site.write("content/articles/alpha.md", "+++\ntitle = \"Broken Title\"\ndate = 2026-01-05\npaywal = 3\n+++\nBody.\n");
    let res = server.wait_for("/articles/alpha/", "error overlay", |r| r.body.contains("class=\"lede-box\""));
    assert_eq!(res.status, 200, "the last good page is still served");
    assert!(res.body.contains("First Title"), "last good version kept");
    assert!(!res.body.contains("Broken Title"));
    assert!(res.body.contains("content/articles/alpha.md:4"), "overlay names file and line:\n{}", res.body);
    assert!(res.body.contains("paywal"), "overlay names the problem");
    eventually("SSE problems event", || events.lock().unwrap().clone(), "event: problems");
    eventually("terminal error", || server.stderr(), "error: content/articles/alpha.md:4");
    assert!(server.get("/").body.contains("class=\"lede-box\""), "every page shows the overlay");

    site.write("content/articles/alpha.md", alpha("Fixed Title"));
    let res = server.wait_for("/articles/alpha/", "recovery", |r| r.body.contains("Fixed Title"));
    assert!(!res.body.contains("class=\"lede-box\""), "the overlay clears itself");
    eventually("SSE reload event", || events.lock().unwrap().clone(), "event: reload");
    assert!(!server.stderr().contains("panicked"));
}

#[test]
fn no_path_form_leaks_files_outside_the_built_site() {
    let site = fixture();
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.txt"), "OUTSIDE-SECRET").expect("write");
    site.write("static/ok.txt", "inside");
    let server = Server::start(&site, &[]);
    let config = std::fs::read_to_string(site.path("config.toml")).expect("config");
    for path in [
        "/../config.toml",
        "/%2e%2e/config.toml",
        "/..%2fconfig.toml",
        "/%2e%2e%2fconfig.toml",
        "/..\\config.toml",
        "/..%5cconfig.toml",
        "/static/%00",
        "/%00/../config.toml",
        "/_members/../config.toml",
        "/_members/%2e%2e/config.toml",
        "/articles/../../config.toml",
        "/content/articles/alpha.md",
        "/config.toml",
    ] {
        let res = server.get(path);
        assert!(matches!(res.status, 400 | 404), "{path}: status {}", res.status);
        assert!(!res.body.contains("base_url"), "{path} leaked config.toml");
        assert!(!res.body.contains(config.lines().nth(1).unwrap_or("x")), "{path} leaked config.toml");
    }
    assert_eq!(server.get("/ok.txt").body, "inside");

    // A link in static/ that points outside is refused by the build: the
    // last good site stays up and the linked file is never served.
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), site.path("static/leak.txt")).expect("symlink");
    eventually("refused link", || server.stderr(), "outside the site");
    for path in ["/leak.txt", "/_members/leak.txt", "/static/leak.txt"] {
        let res = server.get(path);
        assert_eq!(res.status, 404, "{path}");
        assert!(!res.body.contains("OUTSIDE-SECRET"), "{path} leaked the link's target");
    }
    assert_eq!(server.get("/ok.txt").body, "inside", "the last good build is still served");
}

#[test]
fn a_site_that_starts_with_an_outside_link_serves_nothing_of_it() {
    let site = fixture();
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.txt"), "OUTSIDE-SECRET").expect("write");
    std::fs::create_dir_all(site.path("static")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), site.path("static/leak.txt")).expect("symlink");
    let server = Server::start(&site, &[]);
    let res = server.get("/leak.txt");
    assert!(!res.body.contains("OUTSIDE-SECRET"));
    assert_eq!(res.status, 500, "no good build yet: the error page");
    assert!(res.body.contains("static/leak.txt"), "the error is shown:\n{}", res.body);
    std::fs::remove_file(site.path("static/leak.txt")).expect("unlink");
    server.wait_for("/articles/alpha/", "recovery", |r| r.status == 200);
    assert_eq!(server.get("/leak.txt").status, 404);
}

#[test]
fn not_found_head_redirects_methods_and_content_types() {
    let site = fixture();
    let server = Server::start(&site, &[]);

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "the theme's 404 page: {}", missing.body);
    assert!(missing.body.contains("lede-switch"));
    assert_eq!(server.get("/_members/nope/").status, 404);
    assert_eq!(server.get("/_lede/nope").status, 404);

    let get = server.get("/articles/alpha/");
    let head = server.request("HEAD", "/articles/alpha/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(head.header("content-length"), get.header("content-length"));
    assert_eq!(head.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(server.request("HEAD", "/nope/").status, 404);

    let redirect = server.get("/articles/alpha");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), Some("/articles/alpha/"));
    let redirect = server.get("/_members");
    assert_eq!(redirect.header("location"), Some("/_members/"));
    assert_eq!(server.get("/articles/alpha?x=1").header("location"), Some("/articles/alpha/?x=1"));

    let post = server.request("POST", "/articles/alpha/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));

    assert_eq!(server.get("/style.css").header("content-type"), Some("text/css; charset=utf-8"));
    assert!(server.get("/atom.xml").header("content-type").is_some_and(|t| t.contains("xml")));
    assert!(!server.get("/style.css").body.contains("lede-switch"), "only HTML gets the preview's markup");

    // Malformed requests get an error or a closed connection, never a crash.
    for junk in [&b"NOT HTTP AT ALL\r\n\r\n"[..], b"GET\r\n\r\n", b"GET /\0 HTTP/1.1\r\n\r\n", b"\xff\xfe\r\n\r\n", b"GET http://x HTTP/9.9\r\n\r\n"] {
        let res = server.raw(junk);
        assert!(res.status == 0 || res.status >= 400, "{junk:?}: {}", res.status);
    }
    assert_eq!(server.get("/articles/alpha/").status, 200, "still serving after junk");
}

#[test]
fn the_subscriber_view_lives_under_members_with_a_switch() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let port = server.addr.port();

    let public = server.get("/articles/paid/");
    assert!(public.body.contains("Free opening of the paid piece."));
    assert!(!public.body.contains("PAID-SENTENCE"), "the public view has no paid text");
    assert!(public.body.contains("<a href=\"/_members/articles/paid/\">Subscriber view</a>"));
    assert!(public.body.contains("aria-current=\"page\">Public view"));
    assert!(public.body.contains(&format!("http://127.0.0.1:{port}/")), "links point at the preview");

    let members = server.get("/_members/articles/paid/");
    assert_eq!(members.status, 200);
    assert!(members.body.contains("PAID-SENTENCE"), "the subscriber view has the full text");
    assert!(members.body.contains("<a href=\"/articles/paid/\">Public view</a>"));
    assert!(members.body.contains(&format!("http://127.0.0.1:{port}/_members/")), "members links stay in the members tree");
}

#[test]
fn a_deleted_article_is_gone_everywhere() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    assert!(server.get("/").body.contains("Paid Analysis"));
    std::fs::remove_file(site.path("content/articles/paid.md")).expect("delete");
    server.wait_for("/articles/paid/", "deleted article", |r| r.status == 404);
    assert_eq!(server.get("/_members/articles/paid/").status, 404);
    assert!(!server.get("/").body.contains("Paid Analysis"));
    assert!(!server.get("/_members/").body.contains("Paid Analysis"));
    assert!(!server.get("/sitemap.xml").body.contains("articles/paid/"));

    // A renamed slug: the old URL goes, the new one comes.
    site.write("content/articles/alpha.md", alpha("First Title").replace("paywall = false", "paywall = false\nslug = \"omega\""));
    server.wait_for("/articles/omega/", "new slug", |r| r.status == 200);
    assert_eq!(server.get("/articles/alpha/").status, 404);
}

#[test]
fn templates_and_static_files_are_rebuilt_and_deleted() {
    let site = fixture();
    site.write("static/extra.css", "a { color: red }");
    let server = Server::start(&site, &[]);
    let footer = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/partials/footer.html")).expect("footer");

    site.write("templates/partials/footer.html", format!("{footer}<p>FOOTER-EDIT</p>"));
    server.wait_for("/articles/alpha/", "template edit", |r| r.body.contains("FOOTER-EDIT"));
    assert!(server.get("/tags/energy/").body.contains("FOOTER-EDIT"));
    assert!(server.get("/_members/articles/paid/").body.contains("FOOTER-EDIT"));

    site.write("static/extra.css", "a { color: blue }");
    server.wait_for("/extra.css", "static edit", |r| r.body.contains("blue"));
    std::fs::remove_file(site.path("static/extra.css")).expect("delete");
    server.wait_for("/extra.css", "static delete", |r| r.status == 404);

    site.write("config.toml", common::CONFIG.replace("Fixture Weekly", "Renamed Weekly"));
    server.wait_for("/", "config edit", |r| r.body.contains("Renamed Weekly"));
}

/// The built-in article template, failing on articles whose title holds "Boom" when `boom`.
fn article_template(boom: bool) -> String {
    let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/article.html")).expect("article template");
    let bomb = if boom { "{% if \"Boom\" in page.title %}{{ page.no_such_field.at_all }}{% endif %}" } else { "" };
    template.replacen("{% block content %}", &format!("{{% block content %}}{bomb}"), 1)
}

#[test]
fn a_page_rendered_on_request_that_fails_shows_its_error_and_the_rest_serves() {
    let site = fixture();
    site.article("boom", "title = \"Boom Piece\"\ndate = 2025-06-01\npaywall = false", "Boom text.\n");
    site.write("templates/article.html", article_template(true));
    // The newest article and the paywalled one render: the site builds.
    let server = Server::start(&site, &[]);
    let alpha = server.get("/articles/alpha/");
    assert_eq!(alpha.status, 200, "{}\n{}", alpha.body, server.stderr());
    assert!(server.get("/").body.contains("Boom Piece"), "the listing shows it");
    for path in ["/articles/boom/", "/_members/articles/boom/"] {
        let res = server.get(path);
        assert_eq!(res.status, 500, "{path}: {}", res.body);
        assert!(res.body.contains("This page does not render") && res.body.contains("class=\"lede-box\""), "{path}: {}", res.body);
        assert!(res.body.contains("no_such_field"), "{path} names what failed: {}", res.body);
    }
    eventually("terminal error", || server.stderr(), "no_such_field");

    site.write("templates/article.html", article_template(false));
    let res = server.wait_for("/articles/boom/", "fixed template", |r| r.status == 200);
    assert!(res.body.contains("Boom text.") && !res.body.contains("class=\"lede-box\""), "{}", res.body);
}

#[test]
fn a_template_that_fails_on_every_article_is_reported_when_saved() {
    let site = fixture();
    // The folder is there already: the edit is applied to the loaded site, not loaded afresh.
    site.write("templates/article.html", article_template(false));
    let server = Server::start(&site, &[]);
    site.write("templates/article.html", article_template(false).replacen("{% block content %}", "{% block content %}{{ page.no_such_field.at_all }}", 1));
    // Saved, not opened: the terminal and every open page say so.
    eventually("terminal error", || server.stderr(), "no_such_field");
    server.wait_for("/tags/energy/", "overlay", |r| r.body.contains("class=\"lede-box\""));
    let alpha = server.get("/articles/alpha/");
    assert_eq!(alpha.status, 500, "{}\n{}", alpha.body, server.stderr());
    assert!(alpha.body.contains("no_such_field"), "{}", alpha.body);

    site.write("templates/article.html", article_template(false));
    server.wait_for("/articles/alpha/", "recovery", |r| r.status == 200 && !r.body.contains("class=\"lede-box\""));
}

#[test]
fn one_rebuild_per_batch_and_editor_temp_files_are_ignored() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let before = server.rebuilds();

    for i in 0..6 {
        site.article(&format!("batch-{i}"), &format!("title = \"Batch {i}\"\ndate = 2026-02-0{}\npaywall = false", i + 1), "Text.\n");
    }
    server.wait_for("/", "batch", |r| (0..6).all(|i| r.body.contains(&format!("Batch {i}"))));
    eventually("rebuild line", || server.stdout(), "batch-0.md");
    assert_eq!(server.rebuilds(), before + 1, "six files saved together, one rebuild:\n{}", server.stdout());

    // Swap, backup and lock files: no rebuild at all.
    for name in [".alpha.md.swp", "alpha.md~", "4913", ".#alpha.md", "#alpha.md#"] {
        site.write(&format!("content/articles/{name}"), "junk");
    }
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(server.rebuilds(), before + 1, "temp files rebuilt:\n{}", server.stdout());
    assert!(!server.get("/").body.contains("junk"));

    // An editor's atomic save: write a temp file, rename it over the article.
    site.write("content/articles/.alpha.md.tmp", alpha("Atomic Title"));
    std::fs::rename(site.path("content/articles/.alpha.md.tmp"), site.path("content/articles/alpha.md")).expect("rename");
    server.wait_for("/articles/alpha/", "atomic save", |r| r.body.contains("Atomic Title"));
}

#[test]
fn a_burst_of_saves_to_several_files_is_one_rebuild_with_every_change() {
    let site = fixture();
    site.write("static/extra.txt", "red");
    let server = Server::start(&site, &[]);
    let before = server.rebuilds();

    // As a checkout or a search-and-replace saves them: an edit, an atomic
    // save (temp file renamed over the article), a new article, a deleted
    // one and a static file, one after the other.
    site.write("content/articles/alpha.md", alpha("Burst Title"));
    site.write(
        "content/articles/.paid.md.tmp",
        "+++\ntitle = \"Paid Burst\"\ndate = 2026-01-04\npaywall = 1\n+++\nFree opening of the paid piece.\n\nPAID-SENTENCE only subscribers read.\n",
    );
    std::fs::rename(site.path("content/articles/.paid.md.tmp"), site.path("content/articles/paid.md")).expect("rename");
    site.article("gamma", "title = \"Gamma New\"\ndate = 2026-02-01\npaywall = false", "Gamma text.\n");
    site.article("delta", "title = \"Delta New\"\ndate = 2026-02-02\npaywall = false", "Delta text.\n");
    std::fs::remove_file(site.path("content/articles/delta.md")).expect("delete");
    site.write("static/extra.txt", "blue");

    server.wait_for("/", "burst", |r| ["Burst Title", "Paid Burst", "Gamma New"].iter().all(|t| r.body.contains(t)));
    // The five files, named in one line.
    eventually("rebuild line", || server.stdout(), "static/extra.txt, content/articles/alpha.md and 3 more: rebuilt, ");
    assert!(server.get("/articles/alpha/").body.contains("Burst Title"));
    assert!(server.get("/_members/articles/paid/").body.contains("Paid Burst"));
    assert_eq!(server.get("/articles/gamma/").status, 200);
    assert_eq!(server.get("/articles/delta/").status, 404);
    assert!(!server.get("/").body.contains("Delta New"));
    assert!(server.get("/extra.txt").body.contains("blue"));
    // Nothing more is on its way: any second rebuild would have shown by now.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(server.rebuilds(), before + 1, "one burst, one rebuild:\n{}", server.stdout());
}

#[test]
fn an_edited_stylesheet_is_linked_by_its_new_name() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let link = |body: &str| body.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default().to_string();
    let before = link(&server.get("/").body);
    assert!(before.contains("/style.") && before.ends_with(".css"), "{before}");
    site.write("static/style.css", "body { color: rebeccapurple }");
    server.wait_for("/", "a new stylesheet name", |r| !link(&r.body).is_empty() && link(&r.body) != before);
    let after = link(&server.get("/").body);
    let path = after.split_once("//").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string())).unwrap_or(after.clone());
    assert!(server.get(&path).body.contains("rebeccapurple"), "{path}");
}

#[test]
fn poll_mode_sees_edits() {
    let site = fixture();
    let server = Server::start(&site, &["--poll"]);
    site.write("content/articles/alpha.md", alpha("Polled Title"));
    server.wait_for("/articles/alpha/", "polled edit", |r| r.body.contains("Polled Title"));
    // A second save of the same size within the same second is still seen.
    site.write("content/articles/alpha.md", alpha("Polled Again"));
    server.wait_for("/articles/alpha/", "second polled edit", |r| r.body.contains("Polled Again"));
}

#[test]
fn a_taken_port_is_named() {
    let site = fixture();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_lede")).args(["serve", "--port", &port, "--root"]).arg(site.root()).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")), "{stderr}");
}

#[test]
fn the_preview_markup_never_reaches_dist() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    assert!(server.get("/").body.contains("/_lede/events"));
    drop(server);
    site.build_ok();
    for (path, bytes) in site.files_under("dist") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("_lede/events") && !text.contains("lede-switch"), "{} has preview markup", path.display());
    }
}

/// Headless Chromium, driven over the DevTools protocol on a loopback port.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    devtools: SocketAddr,
}

impl Browser {
    /// Chromium's path, or `None` (skip) unless CI requires it (`LEDE_REQUIRE_TOOLS=1`).
    fn find() -> Option<std::path::PathBuf> {
        let candidates = [std::env::var("LEDE_CHROMIUM").unwrap_or_default(), "/usr/bin/chromium".into(), "/usr/bin/chromium-browser".into()];
        let found = candidates.iter().filter(|c| !c.is_empty()).map(std::path::PathBuf::from).find(|p| p.is_file());
        if found.is_none() {
            assert!(
                std::env::var("LEDE_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "chromium is required (LEDE_REQUIRE_TOOLS=1) but not installed: apt-get install chromium"
            );
            eprintln!("note: skipping the browser test: chromium is not installed (apt-get install chromium)");
        }
        found
    }

    fn launch(exe: &std::path::Path, url: &str) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("DevTools listening on ws://127.0.0.1:").nth(1) {
                    let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    let _ = tx.send(port.parse::<u16>().unwrap_or(0));
                }
            }
        });
        let port = rx.recv_timeout(Duration::from_secs(30)).unwrap_or(0);
        if port == 0 {
            let _ = child.kill();
            panic!("chromium did not open its DevTools port");
        }
        Browser { child, _profile: profile, devtools: SocketAddr::from(([127, 0, 0, 1], port)) }
    }

    /// A DevTools connection to the first open tab.
    fn page(&self) -> Cdp {
        let started = Instant::now();
        let ws_url = loop {
            let list = request(self.devtools, "GET", "/json/list").body;
            let targets: serde_json::Value = serde_json::from_str(&list).unwrap_or_default();
            let page =
                targets.as_array().and_then(|a| a.iter().find(|t| t["type"] == "page")).and_then(|t| t["webSocketDebuggerUrl"].as_str()).map(str::to_string);
            if let Some(url) = page {
                break url;
            }
            assert!(started.elapsed() < DEADLINE, "no page target in chromium: {list}");
            std::thread::sleep(Duration::from_millis(50));
        };
        let stream = TcpStream::connect(self.devtools).expect("connect devtools");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let (socket, _) = tungstenite::client(ws_url.as_str(), stream).expect("devtools websocket");
        Cdp { socket, next_id: 0 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One DevTools websocket session.
struct Cdp {
    socket: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
}

impl Cdp {
    /// Evaluates `expression` in the page and returns its value.
    fn eval(&mut self, expression: &str) -> serde_json::Value {
        self.next_id += 1;
        let id = self.next_id;
        let msg = serde_json::json!({"id": id, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": true}});
        self.socket.send(tungstenite::Message::text(msg.to_string())).expect("send to devtools");
        loop {
            let reply = self.socket.read().expect("read from devtools");
            let Ok(text) = reply.to_text() else { continue };
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            if value["id"] == id {
                return value["result"]["result"]["value"].clone();
            }
        }
    }

    /// Evaluates `expression` until it returns `true`.
    fn wait_until(&mut self, what: &str, expression: &str) {
        let started = Instant::now();
        while self.eval(expression) != serde_json::Value::Bool(true) {
            let state = self.eval("document.title + ' | ' + (document.body ? document.body.innerText.slice(0, 300) : '')");
            assert!(started.elapsed() < DEADLINE, "{what}: never true: {expression}\npage: {state}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn an_open_tab_reloads_by_itself_and_shows_a_broken_edit() {
    let Some(chromium) = Browser::find() else { return };
    let site = fixture();
    let server = Server::start(&site, &[]);
    let browser = Browser::launch(&chromium, &format!("http://{}/articles/alpha/", server.addr));
    let mut page = browser.page();
    page.wait_until("first load", "document.readyState === 'complete' && document.querySelector('h1').textContent.includes('First Title')");
    assert_eq!(page.eval("document.getElementById('lede-switch').textContent"), "PreviewPublic viewSubscriber view");
    // A marker that only survives as long as the tab is not reloaded.
    page.eval("window.__notReloaded = true");

    site.write("content/articles/alpha.md", alpha("Reloaded Title"));
    page.wait_until(
        "reload after edit",
        "!window.__notReloaded && document.readyState === 'complete' && document.querySelector('h1').textContent.includes('Reloaded Title')",
    );

    // A broken edit: the page stays, the overlay appears without a reload.
    page.eval("window.__notReloaded = true");
    site.write("content/articles/alpha.md", "+++\ntitle = \"Broken\"\ndate = 2026-01-05\npaywal = 3\n+++\nBody.\n");
    page.wait_until(
        "overlay",
        "!document.getElementById('lede-overlay').hidden && document.getElementById('lede-overlay').textContent.includes('content/articles/alpha.md:4')",
    );
    assert_eq!(page.eval("window.__notReloaded === true && document.querySelector('h1').textContent.includes('Reloaded Title')"), true);

    // Fixed: the tab reloads and the overlay is gone.
    site.write("content/articles/alpha.md", alpha("Fixed Title"));
    page.wait_until(
        "recovery",
        "!window.__notReloaded && document.readyState === 'complete' && document.getElementById('lede-overlay').hidden && document.querySelector('h1').textContent.includes('Fixed Title')",
    );
}

#[test]
fn edits_in_one_batch_that_shift_each_other_are_all_rendered() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    // Processed in path order: alpha is re-read first, then beta, newer,
    // lands before it in the library and shifts its position.
    site.write("content/articles/alpha.md", alpha("Shifted Title"));
    site.article("beta", "title = \"Beta Newest\"\ndate = 2026-03-01\npaywall = false", "Beta text.\n");
    server.wait_for("/articles/beta/", "new article", |r| r.status == 200 && r.body.contains("Beta Newest"));
    server.wait_for("/articles/alpha/", "shifted article", |r| r.body.contains("Shifted Title"));
    assert!(server.get("/_members/articles/alpha/").body.contains("Shifted Title"));
    assert!(!server.get("/articles/beta/").body.contains("Shifted Title"));
}

/// A `GET` of `path` naming `host` in its `Host` header.
fn get_as(addr: SocketAddr, host: &str, path: &str) -> Response {
    raw(addr, format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes())
}

#[test]
fn a_host_that_does_not_name_the_preview_is_refused_on_every_path() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let port = server.addr.port();
    let url = format!("http://127.0.0.1:{port}/");
    // What a page on another site sees after pointing a name of its own at 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("10.0.0.1:{port}"),
    ] {
        for path in ["/", "/articles/paid/", "/_members/articles/paid/", "/_members/", "/_lede/events", "/nope", "/articles/alpha"] {
            let res = get_as(server.addr, &host, path);
            assert_eq!(res.status, 403, "{host} {path}");
            assert!(!res.body.contains("PAID-SENTENCE") && !res.body.contains("Paid Analysis"), "{host} {path} leaked: {}", res.body);
            assert!(!res.body.contains("event: hello"), "{host} {path} opened an event stream");
            assert!(res.body.contains("refused") && res.body.contains(&url), "{host} {path}: the refusal says where to go: {}", res.body);
        }
    }
    let foreign = get_as(server.addr, "evil.example", "/_members/articles/paid/");
    assert!(foreign.body.contains("\"evil.example\""), "the refused Host is named: {}", foreign.body);

    // No Host at all, two of them, or a good one with a target naming another host.
    for request in [
        "GET /_members/articles/paid/ HTTP/1.1\r\nConnection: close\r\n\r\n".to_string(),
        "GET /_members/articles/paid/ HTTP/1.0\r\n\r\n".to_string(),
        format!("GET /_members/articles/paid/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
        "GET http://evil.example/_members/articles/paid/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_string(),
    ] {
        let res = server.raw(request.as_bytes());
        assert!(matches!(res.status, 400 | 403), "{request:?}: {}", res.status);
        assert!(!res.body.contains("PAID-SENTENCE"), "{request:?} leaked");
    }

    // The loopback by name or number, with the port or without.
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "localhost".to_string(), format!("[::1]:{port}"), format!("site.localhost:{port}")] {
        let res = get_as(server.addr, &host, "/_members/articles/paid/");
        assert_eq!(res.status, 200, "{host}: {}", res.body);
        assert!(res.body.contains("PAID-SENTENCE"), "{host}");
    }
    let absolute =
        server.raw(format!("GET http://localhost:{port}/articles/alpha/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n").as_bytes());
    assert_eq!(absolute.status, 200);
}

#[test]
fn links_and_redirects_built_from_the_path_stay_on_the_site() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    for (path, public, members) in [
        ("/_members//evil.example/x", "/evil.example/x", "/_members/evil.example/x"),
        ("//evil.example/x", "/evil.example/x", "/_members/evil.example/x"),
        ("/_members///evil.example/x/", "/evil.example/x/", "/_members/evil.example/x/"),
        ("/_members//articles/alpha", "/articles/alpha", "/_members/articles/alpha"),
    ] {
        let res = server.get(path);
        assert_eq!(res.status, 404, "{path}");
        assert!(res.header("location").is_none(), "{path}");
        assert!(res.body.contains(&format!("<a href=\"{public}\"")), "{path}: public switch link:\n{}", res.body);
        assert!(res.body.contains(&format!("<a href=\"{members}\"")), "{path}: subscriber switch link:\n{}", res.body);
        for off_site in ["href=\"//", "href=\"/\\", "href=\"/%5C"] {
            assert!(!res.body.contains(off_site), "{path}: a link to another host ({off_site}):\n{}", res.body);
        }
    }
    for path in ["/\\evil.example/x", "/_members/\\evil.example", "/%2F%2Fevil.example/x", "/_members/%5Cevil.example"] {
        let res = server.get(path);
        assert!(res.status >= 400, "{path}: {}", res.status);
        assert!(!res.body.contains("href=\"//") && !res.body.contains("href=\"/\\"), "{path}:\n{}", res.body);
        assert!(res.header("location").is_none(), "{path}");
    }
}

/// An open `/_lede/events` stream that has said hello, or the status it was refused with.
fn open_events(addr: SocketAddr) -> Result<TcpStream, Response> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(b"GET /_lede/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).expect("read the event stream");
        assert!(n > 0, "closed before anything came: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen);
        if text.contains("event: hello") {
            return Ok(stream);
        }
        if let Some(end) = text.find("\r\n\r\n") {
            let head = parse(&seen[..end + 4]);
            if head.status != 200 {
                let length = head.header("content-length").and_then(|l| l.parse::<usize>().ok()).unwrap_or(0);
                if seen.len() >= end + 4 + length {
                    return Err(parse(&seen));
                }
            }
        }
    }
}

#[test]
fn event_streams_past_the_cap_get_503_and_a_closed_one_frees_its_slot() {
    let site = fixture();
    let server = Server::start(&site, &[]);
    let cap = lede::serve::conn::MAX_EVENT_STREAMS;
    let mut open: Vec<TcpStream> = (0..cap).map(|i| open_events(server.addr).unwrap_or_else(|r| panic!("stream {i}: {} {}", r.status, r.body))).collect();
    for _ in 0..3 {
        let refused = open_events(server.addr).expect_err("a stream past the cap");
        assert_eq!(refused.status, 503);
        assert!(refused.body.contains(&format!("{cap} are open")), "{}", refused.body);
    }
    eventually("terminal warning", || server.stderr(), "live-reload streams are open");
    // Pages still load while the streams are all taken.
    assert_eq!(server.get("/articles/alpha/").status, 200);

    drop(open.pop());
    let started = Instant::now();
    let reopened = loop {
        match open_events(server.addr) {
            Ok(stream) => break stream,
            Err(res) => assert!(started.elapsed() < DEADLINE, "the closed stream's slot never came back: {} {}", res.status, res.body),
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(open_events(server.addr).map(|_| ()).map_err(|r| r.status), Err(503), "one slot came back, not two");
    drop(reopened);
}

/// `lede serve` in this process under `limits`, on any free port of 127.0.0.1.
fn start_with(site: &Site, limits: lede::serve::Limits) -> lede::serve::Running {
    let opts = lede::serve::ServeOptions { root: site.root().to_path_buf(), port: Some(0), ..lede::serve::ServeOptions::default() };
    lede::serve::start_with(&opts, limits).expect("start lede serve")
}

/// Reads until the server closes `stream`; how long that took, and what came.
fn until_closed(stream: &mut TcpStream, limit: Duration) -> (Duration, String) {
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).expect("timeout");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("still open after {:?} ({e}); read: {}", started.elapsed(), String::from_utf8_lossy(&seen)),
        }
    }
    (started.elapsed(), String::from_utf8_lossy(&seen).into_owned())
}

#[test]
fn slow_headers_and_idle_connections_are_cut_off() {
    let site = fixture();
    let timeout = Duration::from_millis(300);
    let running = start_with(&site, lede::serve::Limits { header_timeout: timeout, ..lede::serve::Limits::default() });
    let addr = running.addr();
    let connect = || TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    // Far more than the timeout, far less than the default one.
    let bound = Duration::from_secs(5);

    // Half a header, then nothing.
    let mut half = connect();
    half.write_all(b"GET /_members/articles/paid/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ").expect("send");
    let (took, got) = until_closed(&mut half, bound);
    assert!(took >= timeout - Duration::from_millis(50), "cut after {took:?}");
    assert!(!got.contains("PAID-SENTENCE"), "{got}");

    // A header trickled one line at a time, each well within the timeout.
    let mut trickle = connect();
    let mut writer = trickle.try_clone().expect("clone");
    let trickling = std::thread::spawn(move || {
        let _ = writer.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for i in 0..80 {
            std::thread::sleep(Duration::from_millis(100));
            if writer.write_all(format!("X-{i}: a\r\n").as_bytes()).is_err() {
                return i;
            }
        }
        80
    });
    let (took, _) = until_closed(&mut trickle, bound);
    assert!(took < Duration::from_secs(4), "a trickled header held the connection {took:?}");
    assert!(trickling.join().expect("writer") < 80, "every line of the trickle was taken");

    // Nothing at all.
    let mut silent = connect();
    let (took, got) = until_closed(&mut silent, bound);
    assert!(took >= timeout - Duration::from_millis(50) && got.is_empty(), "{took:?} {got}");

    // A kept-alive connection with nothing more to ask.
    let mut idle = connect();
    idle.write_all(b"GET /articles/alpha/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    let (_, got) = until_closed(&mut idle, bound);
    assert!(got.starts_with("HTTP/1.1 200") && got.contains("First Title"), "{got}");

    // Prompt clients are served as ever.
    assert!(request(addr, "GET", "/articles/alpha/").body.contains("First Title"));
    running.stop();
}

#[test]
fn connections_past_the_cap_get_503_and_a_stalled_one_is_cut_off() {
    let site = fixture();
    // Bigger than what the kernel buffers between the two ends of a loopback connection.
    site.write("static/big.bin", "x".repeat(48 << 20));
    let stall = Duration::from_millis(500);
    let running = start_with(&site, lede::serve::Limits { max_connections: 1, stall_timeout: stall, ..lede::serve::Limits::default() });
    let addr = running.addr();

    // Asks for a large file and never reads it: the server's writes stop moving.
    let mut stalled = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stalled.write_all(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let refused = request(addr, "GET", "/articles/alpha/");
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(refused.body.contains("at most 1 at once"), "{}", refused.body);

    let served = loop {
        let res = request(addr, "GET", "/articles/alpha/");
        if res.status == 200 {
            break started.elapsed();
        }
        assert!(started.elapsed() < DEADLINE, "the stalled connection kept its slot: {} {}", res.status, res.body);
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(served >= stall / 2, "served again after {served:?}, before the stall timeout");
    drop(stalled);
    running.stop();
}

/// Sets every file of the site an hour back, as if written long before
/// (a build trusts only files that have not just changed).
fn settle(site: &Site) {
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for dir in ["config.toml", "content"] {
        for e in walkdir::WalkDir::new(site.path(dir)).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
            std::fs::File::options().write(true).open(e.path()).expect("open").set_modified(hour_ago).expect("set time");
        }
    }
}

/// With search on the preview starts from the build's cache too: the
/// index it builds then (a small site's, at start) reads each article's
/// words from its file, and is the build's own.
#[test]
fn a_preview_from_the_cache_builds_the_search_index_the_build_made() {
    let site = fixture();
    settle(&site);
    site.build_ok();
    let server = Server::start(&site, &[]);
    server.wait_stdout("took the site from the last build's cache in dist/");
    server.wait_stdout("Search: 2 articles");
    for (file, path) in [
        ("dist/public/pagefind/pagefind-entry.json", "/pagefind/pagefind-entry.json"),
        ("dist/members/pagefind/2026/pagefind-entry.json", "/_members/pagefind/2026/pagefind-entry.json"),
    ] {
        let built = site.read(file);
        assert!(built.contains("\"page_count\":2"), "{file}: {built}");
        assert_eq!(server.get(path).body, built, "{path} is the index the build made");
    }
    assert!(!server.stderr().contains("could not be built"), "{}", server.stderr());
}

/// `body` with the preview's address and its live-reload version (which differs between two previews) taken out.
fn comparable(body: &str, addr: SocketAddr) -> String {
    let body = body.replace(&addr.to_string(), "ADDR");
    match body.split_once("data-version=\"") {
        Some((head, rest)) => format!("{head}{}", rest.split_once('"').map_or("", |(_, tail)| tail)),
        None => body,
    }
}

/// A preview of a site built into dist/ starts from the cache the build
/// left there, reading each article only when a page needs it; what it
/// serves is what a preview that read every article serves, and an edit
/// made since the build, or while it runs, shows up.
#[test]
fn a_preview_starts_from_the_last_builds_cache_and_serves_the_same_pages() {
    let site = fixture();
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}\n[search]\nenabled = false\n"));
    for i in 0..6 {
        site.article(
            &format!("more-{i}"),
            &format!("title = \"More {i}\"\ndate = 2026-01-0{}\ntags = [\"Energy\"]\npaywall = 1", i + 1),
            &format!("Free {i}.\n\nMORE-PAID-{i} for subscribers.\n"),
        );
    }
    settle(&site);
    site.build_ok();
    // An article edited after the build: the preview shows the edit.
    site.write("content/articles/alpha.md", alpha("Edited After The Build"));
    let pages = [
        "/",
        "/articles/alpha/",
        "/articles/paid/",
        "/articles/more-3/",
        "/_members/articles/more-3/",
        "/tags/energy/",
        "/atom.xml",
        "/_members/atom.xml",
        "/sitemap.xml",
    ];
    let cached = Server::start(&site, &[]);
    cached.wait_stdout("took the site from the last build's cache in dist/");
    let from_cache: Vec<String> = pages.iter().map(|p| comparable(&cached.get(p).body, cached.addr)).collect();
    assert!(from_cache[1].contains("Edited After The Build"));
    assert!(from_cache[4].contains("MORE-PAID-3") && !from_cache[3].contains("MORE-PAID-3"), "the members page has the paid text, the public one not");
    // Edited while it runs.
    site.write("content/articles/alpha.md", alpha("Edited While Previewing"));
    cached.wait_for("/articles/alpha/", "the edit", |r| r.body.contains("Edited While Previewing"));
    site.write("content/articles/alpha.md", alpha("Edited After The Build"));
    cached.wait_for("/articles/alpha/", "the edit undone", |r| r.body.contains("Edited After The Build"));
    let after_edits: Vec<String> = pages.iter().map(|p| comparable(&cached.get(p).body, cached.addr)).collect();
    drop(cached);

    std::fs::remove_file(site.path("dist/.lede-library")).expect("remove the cache");
    let read_all = Server::start(&site, &[]);
    read_all.wait_stdout("built the site");
    for (i, page) in pages.iter().enumerate() {
        let body = comparable(&read_all.get(page).body, read_all.addr);
        assert_eq!(from_cache[i], body, "{page} differs between a preview from the cache and one that read every article");
        assert_eq!(after_edits[i], body, "{page} differs after edits in the preview from the cache");
    }
}
