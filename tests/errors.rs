//! Bad input: every kind gets a clear message naming the file (and line
//! and column where there is one), a non-zero exit, no panic, and the last
//! good dist/ left exactly as it was.

mod common;

use common::Site;

const GOOD: &str = "title = \"Good\"\ndate = 2025-05-05\npaywall = 1";

/// A site that built once, so there is a last good dist/ to protect.
fn built_site() -> Site {
    let site = Site::new();
    site.article("good", GOOD, "Free.\n\nPaid.\n");
    site.build_ok();
    site
}

/// Breaks a built site with `file`/`text`, checks the failure, and returns stderr.
fn fails_with(file: &str, text: &[u8], expect: &[&str]) -> String {
    let site = built_site();
    let before = site.files_under("dist");
    site.write(file, text);
    let stderr = site.build_err();
    for e in expect {
        assert!(stderr.contains(e), "expected {e:?} in:\n{stderr}");
    }
    assert_eq!(site.files_under("dist"), before, "dist/ changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .expect("read")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".lede") || n.starts_with(".dist"))
        .collect();
    // What the failed build wrote stays only as the next build's spare.
    // (The cache holds the last good build's search index.)
    assert!(leftovers.iter().all(|n| n == ".dist.lede-spare" || n == ".dist.lede-lock" || n == ".lede-cache"), "staging folders left behind: {leftovers:?}");
    stderr
}

fn article(front: &str, body: &str) -> Vec<u8> {
    format!("+++\n{front}\n+++\n{body}").into_bytes()
}

const BAD: &str = "content/articles/bad.md";

#[test]
fn broken_toml_names_the_line_in_the_file() {
    let e = fails_with(BAD, &article("title = \"T\"\ndate = 2025-01-01\ncolumn = \"open", "x\n"), &["content/articles/bad.md:4:"]);
    assert!(e.contains("1 problem"), "{e}");
}

#[test]
fn unclosed_front_matter() {
    fails_with(BAD, b"+++\ntitle = \"T\"\ndate = 2025-01-01\n\nBody\n", &["content/articles/bad.md:1:1", "unclosed front matter"]);
}

#[test]
fn missing_front_matter() {
    fails_with(BAD, b"Just a body.\n", &["content/articles/bad.md:1:1", "missing front matter"]);
}

#[test]
fn missing_title() {
    fails_with(BAD, &article("date = 2025-01-01", "x\n"), &["content/articles/bad.md:1:", "missing `title`"]);
}

#[test]
fn missing_date() {
    fails_with(BAD, &article("title = \"T\"", "x\n"), &["content/articles/bad.md:1:", "missing `date"]);
}

#[test]
fn invalid_date() {
    fails_with(BAD, &article("title = \"T\"\ndate = 2025-02-30", "x\n"), &["content/articles/bad.md:3:"]);
    fails_with(BAD, &article("title = \"T\"\ndate = \"next week\"", "x\n"), &["content/articles/bad.md:3:8", "not a date"]);
}

#[test]
fn unknown_key_is_named_with_its_line() {
    fails_with(BAD, &article("title = \"T\"\ndate = 2025-01-01\npaywal = 3", "x\n"), &["content/articles/bad.md:4:1", "`paywal`", "did you mean `paywall`"]);
}

#[test]
fn wrong_type() {
    fails_with(BAD, &article("title = \"T\"\ndate = 2025-01-01\npaywall = \"three\"", "x\n"), &["content/articles/bad.md:4:11", "`paywall`"]);
    fails_with(BAD, &article("title = \"T\"\ndate = 2025-01-01\ntags = \"NATO\"", "x\n"), &["content/articles/bad.md:4:8", "`tags`"]);
}

#[test]
fn paywall_zero_without_a_teaser() {
    fails_with(BAD, &article("title = \"T\"\ndate = 2025-01-01\npaywall = 0", "x\n"), &["content/articles/bad.md:4:11", "needs a `teaser`"]);
}

#[test]
fn number_and_marker_together() {
    fails_with(
        BAD,
        &article("title = \"T\"\ndate = 2025-01-01\npaywall = 1", "One.\n\n<!-- paywall -->\n\nTwo.\n"),
        &["content/articles/bad.md:8:1", "keep one"],
    );
}

#[test]
fn marker_inside_a_quote_is_refused() {
    fails_with(BAD, &article("title = \"T\"\ndate = 2025-01-01", "> One.\n>\n> <!-- paywall -->\n\nTwo.\n"), &["content/articles/bad.md:7:3", "stand alone"]);
}

#[test]
fn not_utf8() {
    let mut bytes = article("title = \"T\"\ndate = 2025-01-01", "Caf");
    bytes.extend([0xe9, b'\n']);
    fails_with(BAD, &bytes, &["content/articles/bad.md:5:4", "UTF-8"]);
}

#[test]
fn duplicate_slugs_name_both_files() {
    fails_with(
        "content/articles/other.md",
        &article("title = \"T\"\ndate = 2025-01-01\nslug = \"good\"\npaywall = false", "x\n"),
        &["content/articles/good.md", "content/articles/other.md", "slug \"good\""],
    );
}

#[test]
fn slugs_differing_only_in_case_are_one_folder_on_some_disks() {
    fails_with(
        "content/articles/other.md",
        &article("title = \"T\"\ndate = 2025-01-01\nslug = \"Good\"\npaywall = false", "x\n"),
        &["content/articles/other.md", "slug \"Good\""],
    );
}

#[test]
fn a_file_under_content_that_is_not_markdown_is_refused_not_skipped() {
    fails_with("content/articles/old-post.html", b"<p>An old post</p>\n", &["content/articles/old-post.html", "HTML", "convert it"]);
    fails_with("content/articles/chart.png", b"\x89PNG", &["content/articles/chart.png", "static/"]);
}

#[test]
fn a_slug_that_is_no_url_segment_names_what_is_allowed() {
    fails_with(
        "content/articles/other.md",
        &article("title = \"T\"\ndate = 2025-01-01\nslug = \"a b\"\npaywall = false", "x\n"),
        &["content/articles/other.md:4:", "not a URL slug", "letters, digits"],
    );
}

#[test]
fn template_error_names_template_and_line() {
    fails_with("templates/article.html", b"<h1>{{ page.title }}</h1>\n{% if page.title %}\nunclosed\n", &["templates/article.html:"]);
    fails_with("templates/article.html", b"<h1>{{ page.title }}</h1>\n<p>{{ page.nonexistent.deeper }}</p>\n", &["templates/article.html:2:"]);
}

#[test]
fn config_errors() {
    fails_with("config.toml", b"title = \"x\"\nbase_url = \"https://x.example\"\nbase_ur = 1\n", &["config.toml:3:1", "base_ur"]);
}

#[test]
fn every_problem_of_a_run_is_reported() {
    let site = built_site();
    site.write("content/articles/one.md", article("title = \"T\"\ndate = 2025-01-01\npaywal = 3", "x\n"));
    site.write("content/articles/two.md", article("title = \"T\"\ndate = 2025-13-01", "x\n"));
    site.write("content/articles/three.md", b"no front matter\n");
    let stderr = site.build_err();
    for f in ["content/articles/one.md:4:1", "content/articles/two.md:3:", "content/articles/three.md:1:1", "3 problems"] {
        assert!(stderr.contains(f), "expected {f} in:\n{stderr}");
    }
}

#[test]
fn missing_config_is_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lede")).arg("build").current_dir(dir.path()).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("config.toml") && stderr.contains("--root"), "{stderr}");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let site = Site::new();
    site.article("a", GOOD, "Free.\n\nPaid.\n");
    site.write("elsewhere/keep.txt", "precious");
    let out = site.lede(&["build", "--out", "elsewhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing"));
    assert_eq!(site.read("elsewhere/keep.txt"), "precious");
}

#[test]
fn unclosed_code_fence_cannot_defeat_the_cut() {
    // Without the check, the fence would swallow the paid text into one "free" block.
    fails_with(
        BAD,
        &article("title = \"T\"\ndate = 2025-01-01\npaywall = 3", "One.\n\n```\ncode\n\nSECRET paid text.\n"),
        &["content/articles/bad.md:8:1", "code fence (```) is never closed", "content/articles/bad.md:4:11", "leaves nothing for subscribers"],
    );
}

#[test]
fn unclosed_html_comment_cannot_defeat_the_cut() {
    // An unclosed comment would carry the paid text, verbatim, into the public page source.
    fails_with(
        BAD,
        &article("title = \"T\"\ndate = 2025-01-01\npaywall = 2", "One.\n\n<!-- editor's note\n\nSECRET paid text.\n"),
        &["content/articles/bad.md:8:1", "never meets its end (-->)", "leaves nothing for subscribers"],
    );
}
