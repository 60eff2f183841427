//! The deploy configurations, run for real: `lede build` writes an nginx
//! and a Caddy configuration for a site; each is checked by its server
//! (`nginx -t`, `caddy validate`), then started on 127.0.0.1 with a small
//! check service written here (it lets a request through when its cookie
//! says `session=ok`), and every file of both trees is asked for, with and
//! without a session. No paid word may come back without one.
//!
//! nginx and Caddy are Debian packages that `scripts/test` installs.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;

/// The paid words of the fixture, one per road a paid word could take.
const PAID: &[&str] = &["zqdeploypaidbodyq", "zqdeploypaidheadq", "zqdeploypaidnoteq", "zqdeploypaidcsvq"];

fn installed(cmd: &str) -> bool {
    Command::new(cmd).arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
        || Command::new(cmd).arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn tools_ready(needs: &[&str]) -> bool {
    let missing: Vec<&str> = needs.iter().copied().filter(|c| !installed(c)).collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!("deploy tests: missing {}; run scripts/test, which installs them", missing.join(", "));
    assert!(std::env::var("LEDE_REQUIRE_TOOLS").map_or(true, |v| v != "1"), "{msg} (LEDE_REQUIRE_TOOLS=1 makes a missing tool a failure)");
    eprintln!("note: skipping {msg}");
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// The check service: 200 for a request whose cookie holds `session=ok`, 401 otherwise.
fn check_service() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer_check(stream));
        }
    });
    port
}

fn answer_check(stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut allowed = false;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        if line == "\r\n" {
            break;
        }
        if line.to_ascii_lowercase().starts_with("cookie:") && line.contains("session=ok") {
            allowed = true;
        }
        line.clear();
    }
    let status = if allowed { "200 OK" } else { "401 Unauthorized" };
    let mut stream = stream;
    let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

fn site(port: u16, check: u16) -> Site {
    let site = Site::new();
    let base = format!("http://127.0.0.1:{port}");
    site.write(
        "config.toml",
        format!(
            "title = \"Deploy Weekly\"\nbase_url = \"{base}\"\nmembers_url = \"{base}/members\"\n\n[paywall]\nfree_blocks = 1\n\n[subscribe]\naction = \"{base}/subscribe/\"\n\n[[subscribe.plans]]\nid = \"m\"\nname = \"Monthly\"\n\n[deploy]\nhosts = [\"nginx\", \"caddy\"]\ncheck_url = \"http://127.0.0.1:{check}/check\"\nlisten = \"127.0.0.1:{port}\"\n"
        ),
    );
    site.write(
        "content/articles/harbours/index.md",
        "+++\ntitle = \"Harbours\"\ndate = 2025-02-01\naliases = [\"/2019/05/harbours/\", \"/p/harbours\"]\n+++\nThe free opening about harbours.\n\n<!-- paywall -->\n\nPaid text zqdeploypaidbodyq.[^n]\n\n## Heading zqdeploypaidheadq\n\nThe [data](paid.csv).\n\n[^n]: A note zqdeploypaidnoteq.\n",
    );
    site.write("content/articles/harbours/paid.csv", "year,value\n2024 zqdeploypaidcsvq,3\n");
    site.write("content/articles/open/index.md", "+++\ntitle = \"Open\"\ndate = 2025-01-01\npaywall = false\n+++\nAll of it is free.\n");
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nWho we are.\n");
    let out = site.build_ok();
    assert!(out.contains("Server configurations for nginx and caddy in "), "{out}");
    // Beside the trees, never in them.
    assert!(site.path("dist/deploy/nginx/site.conf").is_file() && site.path("dist/deploy/caddy/Caddyfile").is_file());
    for (path, bytes) in site.files_under("dist/deploy") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!PAID.iter().any(|w| text.contains(w)), "a paid word in {}", path.display());
    }
    site
}

/// A server that is stopped when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a server and waits until it answers on `port`.
fn start(mut cmd: Command, port: u16) -> Running {
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start the server");
    let until = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err);
            panic!("the server stopped ({status}): {err}");
        }
        assert!(Instant::now() < until, "the server did not start listening on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Running(child)
}

struct Served {
    status: u16,
    location: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn get(agent: &ureq::Agent, url: &str, session: bool) -> Served {
    let mut request = agent.get(url);
    if session {
        request = request.header("Cookie", "session=ok");
    }
    let response = request.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> =
        response.headers().iter().map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.to_str().unwrap_or_default().to_string())).collect();
    let location = headers.iter().find(|(k, _)| k == "location").map(|(_, v)| v.clone()).unwrap_or_default();
    let body = response.into_body().read_to_string().unwrap_or_default();
    Served { status, location, headers, body }
}

fn header<'s>(served: &'s Served, name: &str) -> &'s str {
    served.headers.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Every file of a tree as the path a browser asks for.
fn urls_of(site: &Site, tree: &str, prefix: &str) -> Vec<String> {
    site.files_under(&format!("dist/{tree}"))
        .into_iter()
        .map(|(p, _)| {
            let rel = p.strip_prefix(format!("dist/{tree}")).expect("inside the tree").to_string_lossy().replace('\\', "/");
            let rel = rel.strip_suffix("index.html").unwrap_or(&rel).to_string();
            format!("{prefix}/{rel}")
        })
        .collect()
}

/// What both servers must do, asked of the one listening on `port`.
fn the_gate_holds(site: &Site, port: u16, server: &str) {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).timeout_global(Some(Duration::from_secs(10))).build().into();
    let base = format!("http://127.0.0.1:{port}");
    let public = urls_of(site, "public", "");
    let members = urls_of(site, "members", "/members");
    assert!(public.len() > 10 && members.len() > 10, "{public:?} {members:?}");
    // An alias's own page is there for hosts that cannot redirect; these do.
    let moved = |path: &str| path.starts_with("/2019/") || path.starts_with("/p/");
    for path in &public {
        let served = get(&agent, &format!("{base}{path}"), false);
        assert_eq!(served.status, if moved(path) { 301 } else { 200 }, "{server}: {path}");
        for word in PAID {
            assert!(!served.body.contains(word), "{server}: {word} in {path}");
        }
    }
    let mut refused = 0;
    for path in members.iter().filter(|p| !moved(p.trim_start_matches("/members"))) {
        let served = get(&agent, &format!("{base}{path}"), false);
        assert_eq!(served.status, 302, "{server}: {path} without a session");
        assert_eq!(served.location.trim_start_matches(&base), format!("/subscribe/?next={path}"), "{server}: {path}");
        for word in PAID {
            assert!(!served.body.contains(word), "{server}: {word} in {path} without a session");
        }
        refused += 1;
        let with = get(&agent, &format!("{base}{path}"), true);
        assert_eq!(with.status, 200, "{server}: {path} with a session");
        assert!(header(&with, "cache-control").contains("no-store"), "{server}: {path} may be cached: {:?}", with.headers);
    }
    assert!(refused > 10);
    let article = get(&agent, &format!("{base}/members/articles/harbours/"), true);
    assert!(PAID[..3].iter().all(|w| article.body.contains(w)), "{server}: the members page is not whole");
    // The aliases, with and without their last slash.
    for alias in ["/2019/05/harbours/", "/2019/05/harbours", "/p/harbours"] {
        let served = get(&agent, &format!("{base}{alias}"), false);
        assert_eq!((served.status, served.location.trim_start_matches(&base)), (301, "/articles/harbours/"), "{server}: {alias}");
    }
    // The site's 404 page, with its status.
    let missing = get(&agent, &format!("{base}/no/such/page/"), false);
    assert_eq!(missing.status, 404, "{server}");
    assert_eq!(missing.body, site.read("dist/public/404.html"), "{server}: not the site's 404 page");
    // The headers the configuration promises.
    let home = get(&agent, &format!("{base}/"), false);
    assert_eq!(header(&home, "x-content-type-options"), "nosniff", "{server}");
    assert_eq!(header(&home, "referrer-policy"), "strict-origin-when-cross-origin", "{server}");
    assert!(header(&home, "content-security-policy").starts_with("default-src 'none'; style-src 'self' 'sha256-"), "{server}: {:?}", home.headers);
    assert_eq!(header(&home, "cache-control"), "no-cache", "{server}");
    let css = get(&agent, &format!("{base}/style.css"), false);
    assert!(header(&css, "content-type").starts_with("text/css"), "{server}: {:?}", css.headers);
    assert_eq!(header(&css, "cache-control"), "public, max-age=3600", "{server}: {:?}", css.headers);
    // The copy every page links, named by its hash, is kept for a year.
    let linked = home.body.split("rel=\"stylesheet\" href=\"").nth(1).and_then(|r| r.split('"').next()).expect("a stylesheet link").to_string();
    assert!(linked.starts_with(&format!("{base}/style.")), "{server}: {linked}");
    let fingerprinted = get(&agent, &linked, false);
    assert_eq!(fingerprinted.status, 200, "{server}: {linked}");
    assert!(header(&fingerprinted, "content-type").starts_with("text/css"), "{server}: {:?}", fingerprinted.headers);
    assert_eq!(header(&fingerprinted, "cache-control"), "public, max-age=31536000, immutable", "{server}: {:?}", fingerprinted.headers);
    // Every page links it.
    for (path, bytes) in site.files_under("dist/public").into_iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "html")) {
        let page = String::from_utf8_lossy(&bytes);
        assert!(page.contains(&linked) || page.contains("http-equiv=\"refresh\""), "{} does not link {linked}", path.display());
    }
}

/// Searches the public tree served at `origin` in headless Chromium, under
/// the server's headers (its Content-Security-Policy among them), for
/// `query`, which must find `title` (tests/browser/search.mjs). Skipped
/// where the browser tools are missing, except under CI.
fn search_finds(origin: &str, query: &str, title: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var_os("LEDE_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !(installed("node") && dir.join("node_modules/playwright-core").is_dir() && chromium.is_file()) {
        assert!(std::env::var_os("CI").is_none(), "the browser tools are missing: run scripts/test");
        eprintln!("skipped the search in a browser: node, playwright-core or chromium missing");
        return;
    }
    let mut child = Command::new("node")
        .arg(dir.join("search.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start node");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines().map_while(Result::ok);
    assert!(lines.by_ref().any(|l| l.starts_with("PORT ")), "the search script did not start");
    let plan = serde_json::json!({ "root": dir, "searches": [{ "origin": origin, "path": "/search/", "query": query, "expect": [title] }] });
    writeln!(child.stdin.take().expect("stdin"), "{plan}").expect("plan");
    let report = lines.find_map(|l| l.strip_prefix("REPORT ").map(str::to_string)).expect("a report");
    assert!(child.wait().expect("wait").success(), "search behind the server failed: {report}");
}

#[test]
fn nginx_and_caddy_serve_the_public_tree_and_guard_the_members_tree() {
    if !tools_ready(&["nginx", "caddy"]) {
        return;
    }
    let check = check_service();
    let port = free_port();
    let site = site(port, check);
    let nginx_dir = site.path("dist/deploy/nginx");
    let caddy_dir = site.path("dist/deploy/caddy");

    let test = Command::new("nginx").args(["-t", "-p", ".", "-c", "nginx.conf"]).current_dir(&nginx_dir).output().expect("nginx -t");
    assert!(test.status.success(), "nginx -t: {}", String::from_utf8_lossy(&test.stderr));
    let mut cmd = Command::new("nginx");
    cmd.args(["-p", ".", "-c", "nginx.conf"]).current_dir(&nginx_dir);
    let nginx = start(cmd, port);
    the_gate_holds(&site, port, "nginx");
    search_finds(&format!("http://127.0.0.1:{port}"), "harbours", "Harbours");
    drop(nginx);

    let valid =
        Command::new("caddy").args(["validate", "--config", "Caddyfile", "--adapter", "caddyfile"]).current_dir(&caddy_dir).output().expect("caddy validate");
    assert!(valid.status.success(), "caddy validate: {}", String::from_utf8_lossy(&valid.stderr));
    let mut cmd = Command::new("caddy");
    cmd.args(["run", "--config", "Caddyfile", "--adapter", "caddyfile"])
        .current_dir(&caddy_dir)
        .env("HOME", site.root())
        .env("XDG_DATA_HOME", site.root())
        .env("XDG_CONFIG_HOME", site.root());
    let caddy = start(cmd, port);
    the_gate_holds(&site, port, "caddy");
    search_finds(&format!("http://127.0.0.1:{port}"), "harbours", "Harbours");
    drop(caddy);
}

#[test]
fn a_check_service_that_cannot_be_reached_lets_nothing_through() {
    if !tools_ready(&["nginx"]) {
        return;
    }
    // Nothing listens on the check port.
    let check = free_port();
    let port = free_port();
    let site = site(port, check);
    let mut cmd = Command::new("nginx");
    cmd.args(["-p", ".", "-c", "nginx.conf"]).current_dir(site.path("dist/deploy/nginx"));
    let _nginx = start(cmd, port);
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let served = get(&agent, &format!("http://127.0.0.1:{port}/members/articles/harbours/"), true);
    assert!(served.status >= 500, "answered {}", served.status);
    assert!(!PAID.iter().any(|w| served.body.contains(w)));
}

#[test]
fn no_deploy_files_unless_asked_and_a_gate_without_a_check_is_refused() {
    let site = Site::new();
    site.build_ok();
    assert!(!site.path("dist/deploy").exists());
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}\n[deploy]\nhosts = [\"nginx\"]\n"));
    let err = site.build_err();
    assert!(err.contains("[deploy] check_url is missing"), "{err}");
    site.write("config.toml", format!("{config}\n[deploy]\nhosts = [\"apache\"]\ncheck_url = \"http://127.0.0.1:1/c\"\n"));
    let err = site.build_err();
    assert!(err.contains("not \"apache\""), "{err}");
}

/// One rule of a `_redirects` file, read as Netlify documents it:
/// `from to [status][!] [Key=Value …]`.
struct Rule {
    from: String,
    to: String,
    status: u16,
    conditions: Vec<(String, String)>,
}

fn redirect_rules(text: &str) -> Vec<Rule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert!(parts.len() >= 2, "a rule needs from and to: {l}");
            let status = parts.get(2).map_or(301, |s| s.trim_end_matches('!').parse().unwrap_or_else(|_| panic!("status in {l}")));
            let conditions = parts[3.min(parts.len())..]
                .iter()
                .map(|c| c.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())).unwrap_or_else(|| panic!("condition {c} in {l}")))
                .collect();
            Rule { from: parts[0].into(), to: parts[1].into(), status, conditions }
        })
        .collect()
}

/// What Netlify does with `path` for a reader of `roles`: the first rule
/// that matches (`*` at the end of `from` takes the rest, `:splat` gives it
/// back), or `None` to serve the file.
fn netlify(rules: &[Rule], path: &str, roles: &[&str]) -> Option<(u16, String)> {
    rules.iter().find_map(|r| {
        let splat = match r.from.strip_suffix('*') {
            Some(prefix) => path.strip_prefix(prefix)?,
            None if r.from == path => "",
            None => return None,
        };
        let allowed = r.conditions.iter().all(|(k, v)| k != "Role" || v.split(',').any(|role| roles.contains(&role)));
        allowed.then(|| (r.status, r.to.replace(":splat", splat)))
    })
}

/// A `_headers` file as the hosts document it: a path, then indented `Name: value` lines.
fn header_rules(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut rules: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
        if line.starts_with(char::is_whitespace) {
            let (name, value) = line.trim().split_once(": ").unwrap_or_else(|| panic!("a header line: {line}"));
            rules.last_mut().expect("a path before its headers").1.push((name.to_string(), value.to_string()));
        } else {
            rules.push((line.trim().to_string(), Vec::new()));
        }
    }
    rules
}

fn headers_for<'r>(rules: &'r [(String, Vec<(String, String)>)], path: &str) -> Vec<&'r (String, String)> {
    rules
        .iter()
        .filter(|(pattern, _)| match pattern.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => pattern == path,
        })
        .flat_map(|(_, h)| h.iter())
        .collect()
}

#[test]
fn netlify_keeps_the_members_tree_to_subscribers_and_both_hosts_get_their_headers() {
    let site = Site::new();
    let config = site.read("config.toml").replace("members_url = \"https://members.fixture.example\"", "members_url = \"https://fixture.example/members\"");
    site.write("config.toml", format!("{config}\n[deploy]\nhosts = [\"netlify\"]\n"));
    site.write(
        "content/articles/harbours/index.md",
        "+++\ntitle = \"Harbours\"\ndate = 2025-02-01\naliases = [\"/2019/05/harbours/\"]\n+++\nFree.\n\n<!-- paywall -->\n\nPaid zqdeploypaidbodyq.\n",
    );
    site.build_ok();
    let redirects = site.read("dist/public/_redirects");
    let rules = redirect_rules(&redirects);
    assert_eq!(netlify(&rules, "/members/articles/harbours/", &[]), Some((302, "/subscribe/?next=/members/articles/harbours/".into())));
    assert_eq!(netlify(&rules, "/members/articles/harbours/", &["subscriber"]), Some((200, "/members/articles/harbours/".into())));
    assert_eq!(netlify(&rules, "/members/", &["editor"]), Some((302, "/subscribe/?next=/members/".into())));
    assert_eq!(netlify(&rules, "/2019/05/harbours/", &[]), Some((301, "/articles/harbours/".into())));
    assert_eq!(netlify(&rules, "/articles/harbours/", &[]), None);
    let headers = header_rules(&site.read("dist/public/_headers"));
    let home = headers_for(&headers, "/");
    assert!(home.iter().any(|(k, v)| k == "Content-Security-Policy" && v.starts_with("default-src 'none'")), "{home:?}");
    assert!(home.iter().any(|(k, v)| k == "X-Content-Type-Options" && v == "nosniff"), "{home:?}");
    assert!(!home.iter().any(|(k, _)| k == "Cache-Control"), "pages keep the host's own revalidation: {home:?}");
    let members = headers_for(&headers, "/members/articles/harbours/");
    assert!(members.iter().any(|(k, v)| k == "Cache-Control" && v == "private, no-store"), "{members:?}");
    let page = site.read("dist/public/index.html");
    let css = page.split("rel=\"stylesheet\" href=\"https://fixture.example").nth(1).and_then(|r| r.split('"').next()).expect("a stylesheet");
    let cached: Vec<_> = headers_for(&headers, css).into_iter().filter(|(k, _)| k == "Cache-Control").collect();
    assert_eq!(cached.len(), 1, "one Cache-Control, or the host joins them: {cached:?}");
    assert_eq!(cached[0].1, "public, max-age=31536000, immutable");
    for file in ["dist/public/_redirects", "dist/public/_headers"] {
        assert!(!site.read(file).contains("zqdeploypaidbodyq"), "{file}");
    }

    // Cloudflare Pages: the members tree is a project of its own, whose every answer is private.
    site.write(
        "config.toml",
        format!(
            "{}\n[deploy]\nhosts = [\"cloudflare\"]\n",
            site.read("config.toml")
                .split("\n[deploy]")
                .next()
                .unwrap_or_default()
                .replace("members_url = \"https://fixture.example/members\"", "members_url = \"https://members.fixture.example\"")
        ),
    );
    site.build_ok();
    let members = header_rules(&site.read("dist/members/_headers"));
    assert!(headers_for(&members, "/articles/harbours/").iter().any(|(k, v)| k == "Cache-Control" && v == "private, no-store"));
    let public = header_rules(&site.read("dist/public/_headers"));
    assert!(headers_for(&public, "/").iter().any(|(k, _)| k == "Content-Security-Policy"));
    assert!(!site.read("dist/public/_redirects").contains("Role="), "Cloudflare has no roles: its members tree is guarded by Access");
    // Under the site's address, Cloudflare could not guard it: refused.
    site.write(
        "config.toml",
        site.read("config.toml").replace("members_url = \"https://members.fixture.example\"", "members_url = \"https://fixture.example/members\""),
    );
    assert!(site.build_err().contains("a project of its own behind Cloudflare Access"));
}
