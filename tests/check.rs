//! `lede check`: the site built into a temporary folder, every public file
//! scanned for paid text and every link of both trees followed, each
//! problem at the line of the Markdown that wrote it.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;

use common::Site;

fn check(site: &Site, args: &[&str]) -> (bool, String) {
    let mut all = vec!["check"];
    all.extend(args);
    let out = site.lede(&all);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn broken_links_images_and_anchors_are_reported_at_their_lines() {
    let site = Site::new();
    // A Markdown image whose file is missing stops the build itself (tests/images.rs); one in raw HTML is the link check's.
    site.article("target", "title = \"Target\"\ndate = 2025-01-01\npaywall = false", "## Findings\n\nText.\n");
    site.article(
        "links",
        "title = \"Links\"\ndate = 2025-01-02\npaywall = 2",
        "See [the methods](#methods) and [findings](../target/#findings).\n\nA [dead link](/articles/nowhere/) and <img src=\"chart.png\" alt=\"a chart\"> and [a bad anchor](../target/#nope).\n\n## Methods\n\nPaid text.\n",
    );
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nOur [old archive](/archive/1999/).\n");
    let (ok, text) = check(&site, &[]);
    assert!(!ok, "{text}");
    for expected in [
        "content/articles/links.md:6:19: a link to #methods leads to a heading past the paywall",
        "content/articles/links.md:8:15: a link to /articles/nowhere/ leads nowhere in the public tree",
        "content/articles/links.md:8:49: the file chart.png is missing from the public tree",
        "content/articles/links.md:8:94: a link to ../target/#nope leads to an anchor the page does not have",
        "content/about.md:4:19: a link to /archive/1999/ leads nowhere",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(!text.contains("#findings"), "a working anchor was reported:\n{text}");
    assert!(!site.root().join("dist").exists(), "lede check wrote dist/");
}

#[test]
fn a_clean_site_passes_and_the_example_site_too() {
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = 1\naliases = [\"/2025/01/a/\"]", "Free, see [b](../b/).\n\nPaid.\n");
    site.article("b", "title = \"B\"\ndate = 2025-01-02\npaywall = false", "Back to [a](/articles/a/) and [out](https://example.invalid/x).\n");
    let (ok, text) = check(&site, &[]);
    assert!(ok, "{text}");
    assert!(text.contains("every link within the site leads somewhere"), "{text}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lede")).args(["check", "--root", env!("CARGO_MANIFEST_DIR")]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A server on 127.0.0.1 that answers `/ok` with 200 and everything else with 404.
fn serve_once_per_request() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 2048];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let status = if request.starts_with("HEAD /ok ") || request.starts_with("GET /ok ") { "200 OK" } else { "404 Not Found" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    format!("http://{addr}")
}

#[test]
fn links_to_other_hosts_are_requested_only_when_asked() {
    let host = serve_once_per_request();
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = false", &format!("[fine]({host}/ok) and [gone]({host}/gone).\n"));
    let (ok, text) = check(&site, &[]);
    assert!(ok, "without --external no request is made:\n{text}");
    let (ok, text) = check(&site, &["--external"]);
    assert!(!ok, "{text}");
    assert!(text.contains("content/articles/a.md:6:") && text.contains(&format!("{host}/gone: answered 404")), "{text}");
    assert!(!text.contains(&format!("{host}/ok:")), "{text}");
}

/// A note that both parts refer to is public; a paid note after it is not,
/// and a run of words from the end of the one into the start of the other
/// is nobody's text. The public page ends the public note where the
/// subscribe box's heading begins ("To read more, subscribe"): when the
/// paid note began "To", the check once took that run for a leak.
#[test]
fn a_public_note_before_a_paid_note_is_no_leak_and_a_paid_note_shown_is() {
    let site = Site::new();
    site.article(
        "notes",
        "title = \"Notes\"\ndate = 2025-01-02\npaywall = 1",
        "Free claim.[^a]\n\nPaid claim.[^a] Another.[^b]\n\n[^a]: Seven public words end this shared note here.\n[^b]: To zqpaidnote the subscribers alone read in this longer note.\n",
    );
    let (ok, text) = check(&site, &[]);
    assert!(ok, "{text}");
    // The paid note on the public page is still found.
    site.write("static/leak.txt", "To zqpaidnote the subscribers alone read in this longer note.\n");
    let (ok, text) = check(&site, &[]);
    assert!(!ok && text.contains("content/articles/notes.md") && text.contains("leak.txt"), "{text}");
}
