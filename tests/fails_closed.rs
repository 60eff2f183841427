//! The paywall fails closed: whenever lede cannot be sure where an author
//! meant to cut, it refuses to build (exit code 1, the file and line named,
//! the last good dist/ left as it was) rather than guess; and whatever it
//! does build keeps every word past the cut out of dist/public.
//!
//! Paid text carries words starting `zqpaid`, free text words starting
//! `zqfree`: a build must have none of the first in any public file, all of
//! them in the members page, and the second in the public tree.

mod common;

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::Duration;

use common::checks::{
    assert_absent_under, assert_present_under, assert_subscribe_form_stands_alone, build_ok, config_without_default, element_with_id, lede_within,
    members_page, public_page, repeated_ids, site_with_config, subscribe_form_problem, words_with,
};
use common::{CONFIG, Site};

const BAD: &str = "content/articles/bad.md";

/// An article file: a title and a date, then `front` (lines), then `body`.
fn article(front: &str, body: &str) -> String {
    let front = if front.is_empty() || front.ends_with('\n') { front.to_string() } else { format!("{front}\n") };
    format!("+++\ntitle = \"Bad\"\ndate = 2025-01-01\n{front}+++\n{body}")
}

/// `file:line:column` of the first `needle` in the body of `article(front, body)`.
fn loc(front: &str, body: &str, needle: &str) -> String {
    loc_at(front, body, body.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the body")))
}

/// `file:line:column` of byte `offset` of the body of `article(front, body)`.
fn loc_at(front: &str, body: &str, offset: usize) -> String {
    let text = article(front, body);
    let at = text.len() - body.len() + offset;
    let line = text[..at].matches('\n').count() + 1;
    let column = text[text[..at].rfind('\n').map_or(0, |n| n + 1)..at].chars().count() + 1;
    format!("{BAD}:{line}:{column}")
}

/// `file:line:` of the first `needle` in the body (for places whose column depends on nesting).
fn loc_line(front: &str, body: &str, needle: &str) -> String {
    let full = loc(front, body, needle);
    format!("{}:", full.rsplit_once(':').expect("column").0)
}

/// One site built once, that bad files are added to one at a time: each
/// must be refused and leave the last good dist/ exactly as it was.
struct Refusals {
    site: Site,
    before: RefCell<Vec<(PathBuf, Vec<u8>)>>,
}

impl Refusals {
    /// With the fixture config (`free_blocks = 2`).
    fn new() -> Refusals {
        Refusals::with_config(CONFIG)
    }

    /// With a config that has no default cutoff: an article that names no
    /// cutoff is free, so a marker lede does not recognise publishes it whole.
    fn without_default() -> Refusals {
        Refusals::with_config(&config_without_default())
    }

    fn with_config(config: &str) -> Refusals {
        let site = site_with_config(config);
        site.article("good", "title = \"Good\"\ndate = 2025-05-05\npaywall = 1", "Free zqfreegoodq.\n\nPaid zqpaidgoodq.\n");
        build_ok(&site);
        let before = RefCell::new(site.files_under("dist"));
        Refusals { site, before }
    }

    /// Writes `file`, builds, removes it again; Ok(stderr) when the build
    /// was refused as it should be, with every fragment of `expect` in its
    /// report and dist/ untouched, Err(why not) otherwise.
    fn refused(&self, file: &str, text: &str, expect: &[&str]) -> Result<String, String> {
        self.site.write(file, text);
        let out = lede_within(&self.site, &["build"], common::checks::LIMIT);
        std::fs::remove_file(self.site.path(file)).expect("remove the bad file");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let show = || format!("--- {file}:\n{text}\n--- stderr:\n{stderr}");
        if out.status.success() {
            // Put the last good output back for the next case.
            build_ok(&self.site);
            *self.before.borrow_mut() = self.site.files_under("dist");
            return Err(format!("built instead of refusing\n{}", show()));
        }
        if out.status.code() != Some(1) || stderr.contains("panicked") {
            return Err(format!("exit code {:?} or a panic\n{}", out.status.code(), show()));
        }
        if let Some(missing) = expect.iter().find(|e| !stderr.contains(*e)) {
            return Err(format!("refused, but without {missing:?}\n{}", show()));
        }
        if self.site.files_under("dist") != *self.before.borrow() {
            return Err(format!("dist/ changed after a refused build\n{}", show()));
        }
        let leftovers: Vec<String> = std::fs::read_dir(self.site.root())
            .expect("list the site")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| (n.starts_with(".lede") || n.starts_with(".dist")) && ![".dist.lede-spare", ".dist.lede-lock", ".lede-cache"].contains(&n.as_str()))
            .collect();
        if !leftovers.is_empty() {
            return Err(format!("staging folders left behind: {leftovers:?}\n{}", show()));
        }
        Ok(stderr)
    }

    /// [`Refusals::refused`] for `content/articles/bad.md`, panicking on failure.
    fn refuses(&self, front: &str, body: &str, expect: &[&str]) -> String {
        self.refused(BAD, &article(front, body), expect).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Panics listing every failed case at once.
fn all_pass(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} case(s) failed:\n\n{}", failures.len(), failures.join("\n\n"));
}

/// Builds a site of `config` with the article `closed` (`front`, `body`):
/// no `zqpaid` word of the body in any public file, each of them in the
/// members page, each `zqfree` word somewhere public.
fn builds_closed(config: &str, front: &str, body: &str) -> Result<Site, String> {
    let site = site_with_config(config);
    let text = article(front, body).replace("title = \"Bad\"", "title = \"Closed\"");
    site.write("content/articles/closed.md", &text);
    let out = lede_within(&site, &["build"], common::checks::LIMIT);
    if !out.status.success() {
        return Err(format!("--- the article:\n{text}\n--- was refused:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    let paid = words_with("zqpaid", body);
    let free = words_with("zqfree", body);
    let checks = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_absent_under(&site, "dist/public", &paid);
        let members = members_page(&site, "closed").to_lowercase();
        for word in &paid {
            assert!(members.contains(word.as_str()), "{word} is missing from the members page");
        }
        assert_present_under(&site, "dist/public", &free);
    }));
    match checks {
        Ok(()) => Ok(site),
        Err(e) => {
            let why = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            Err(format!("--- the article:\n{text}\n--- {why}"))
        }
    }
}

// ---------------------------------------------------------------------
// A cutoff that leaves nothing for subscribers

#[test]
fn a_number_of_free_blocks_at_or_past_the_last_block_is_refused() {
    let r = Refusals::new();
    let body = "One zqfree1.\n\nTwo zqfree2.\n\nThree zqfree3.\n";
    for n in [3, 4, 100] {
        let front = format!("paywall = {n}\n");
        r.refuses(&front, body, &[&format!("{BAD}:4:11"), "leaves nothing for subscribers", "only 3 blocks"]);
    }
}

#[test]
fn the_site_default_that_leaves_nothing_is_refused() {
    let r = Refusals::new();
    r.refuses("", "One zqfree1.\n\nTwo zqfree2.\n", &[&format!("{BAD}: the site's default cutoff"), "leaves nothing for subscribers"]);
    r.refuses("", "One zqfree1.\n", &["leaves nothing for subscribers"]);
}

#[test]
fn a_marker_after_the_last_block_is_refused_whatever_follows_it() {
    let r = Refusals::without_default();
    for tail in ["", "\n\n\n", "[^n]: zqpaid1 a note nobody cites.\n", "[ref]: https://zqpaid1.example \"zqpaid2\"\n"] {
        let body = format!("One zqfree1.\n\nTwo zqfree2.\n\n<!-- paywall -->\n\n{tail}");
        r.refuses("", &body, &[&loc("", &body, "<!-- paywall -->"), "comes after the last block", "leaves nothing for subscribers"]);
    }
}

#[test]
fn a_cutoff_on_an_empty_body_is_refused() {
    let r = Refusals::new();
    r.refuses("paywall = 1\n", "", &[&format!("{BAD}:4:11"), "the body is empty"]);
    r.refuses("paywall = 1\n", "\n\n   \n", &["the body is empty"]);
    r.refuses("paywall = 0\nteaser = \"Something.\"\n", "[^n]: zqpaid1 only a note.\n", &["the body is empty"]);
}

#[test]
fn footnote_definitions_do_not_count_as_paid_blocks() {
    let r = Refusals::new();
    let body = "Free zqfree1[^a].\n\n[^a]: zqfree2 cited.\n\n[^b]: zqpaid1 never cited.\n";
    r.refuses("paywall = 1\n", body, &["leaves nothing for subscribers", "only 1 block"]);
}

// ---------------------------------------------------------------------
// A last block that never closes

/// The openings of the HTML blocks that only an end string closes (CommonMark kinds 1 to 5).
const SWALLOWING_OPENINGS: &[&str] = &[
    "<pre>",
    "<pre class=\"wide\">",
    "<script>",
    "<SCRIPT type=\"text/plain\">",
    "<style>",
    "<textarea>",
    "<!-- an editor's note",
    "<?php echo 'x';",
    "<!DOCTYPE html",
    "<!ELEMENT note",
    "<![CDATA[ raw",
];

fn swallowed_body(opening: &str) -> String {
    format!("Free one zqfree1.\n\n{opening}\nfree zqfree2\n\nzqpaid1 paragraph.\n\nzqpaid2 paragraph.\n")
}

#[test]
fn html_blocks_of_kinds_one_to_five_left_open_before_a_numbered_cut_are_refused() {
    let r = Refusals::new();
    let front = "paywall = 2\n";
    all_pass(
        SWALLOWING_OPENINGS
            .iter()
            .filter_map(|opening| {
                let body = swallowed_body(opening);
                r.refused(BAD, &article(front, &body), &[&loc(front, &body, opening), "never meets its end", "leaves nothing for subscribers"]).err()
            })
            .collect(),
    );
}

#[test]
fn html_blocks_of_kinds_one_to_five_left_open_before_the_site_default_are_refused() {
    let r = Refusals::new();
    all_pass(
        SWALLOWING_OPENINGS
            .iter()
            .filter_map(|opening| {
                let body = swallowed_body(opening);
                r.refused(BAD, &article("", &body), &[&loc("", &body, opening), "never meets its end"]).err()
            })
            .collect(),
    );
}

#[test]
fn html_blocks_of_kinds_six_and_seven_left_open_end_at_a_blank_line_and_keep_the_paid_text_private() {
    let mut failures = Vec::new();
    for opening in ["<div class=\"box\">", "<table><tr><td>", "<details><summary>s</summary>", "<section>", "<my-note>", "<span class=\"x\">"] {
        for front in ["paywall = 2\n", ""] {
            if let Err(e) = builds_closed(CONFIG, front, &swallowed_body(opening)) {
                failures.push(e);
            }
        }
    }
    all_pass(failures);
}

/// Refused, naming the file and the line of one of `places` in the body.
fn refused_at_one_of(r: &Refusals, front: &str, body: &str, places: &[&str]) -> Result<String, String> {
    let stderr = r.refused(BAD, &article(front, body), &[])?;
    if places.iter().any(|p| stderr.contains(&loc_line(front, body, p))) {
        Ok(stderr)
    } else {
        Err(format!("refused, but not at the line of any of {places:?}:\n{stderr}"))
    }
}

#[test]
fn an_html_block_left_open_until_a_later_block_closes_it_is_refused() {
    // CommonMark ends these blocks at the first later line holding their end
    // string, blank lines or not: a forgotten end takes in the paragraphs up
    // to the next comment, `</pre>` or `>`, and lede would count them all as
    // one free block, publishing paid paragraphs in the page's source (or,
    // in a `<pre>`, on the page itself).
    let r = Refusals::new();
    let cases = [
        ("<!-- editor's note", "Free one zqfree1.\n\n<!-- editor's note\n\nzqpaid1 paragraph.\n\n<!-- a later note -->\n\nzqpaid2 paragraph.\n"),
        ("<pre>", "Free one zqfree1.\n\n<pre>\nfree code\n\nzqpaid1 paragraph.\n\n<pre>sample</pre>\n\nzqpaid2 paragraph.\n"),
        ("<?php", "Free one zqfree1.\n\n<?php echo 'a';\n\nzqpaid1 paragraph.\n\n<?php echo 'b'; ?>\n\nzqpaid2 paragraph.\n"),
        ("<!ELEMENT", "Free one zqfree1.\n\n<!ELEMENT draft\n\nzqpaid1 paragraph.\n\n> A quote zqpaid2.\n\nzqpaid3 paragraph.\n"),
    ];
    let mut failures = Vec::new();
    for (opening, body) in cases {
        for front in ["paywall = 2\n", ""] {
            if let Err(e) = refused_at_one_of(&r, front, body, &[opening]) {
                failures.push(e);
            }
        }
    }
    all_pass(failures);
}

#[test]
fn a_marker_that_ends_a_comment_left_open_is_refused() {
    // The comment runs to the marker's own `-->`: the marker is taken into
    // it and no longer cuts, and in a site without a default cutoff the
    // article was published whole.
    let body = "Free zqfree1.\n\n<!-- editor's note\n\n<!-- paywall -->\n\nzqpaid1 paragraph.\n\nzqpaid2 paragraph.\n";
    for r in [Refusals::without_default(), Refusals::new()] {
        refused_at_one_of(&r, "", body, &["<!-- editor's note", "<!-- paywall -->"]).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn an_unclosed_block_after_the_cut_is_refused_too() {
    let r = Refusals::new();
    for opening in ["```", "<!-- paid note", "<pre>"] {
        let body = format!("One zqfree1.\n\nTwo zqfree2.\n\n{opening}\nzqpaid1\n\nzqpaid2.\n");
        r.refuses("paywall = 2\n", &body, &[&loc("paywall = 2\n", &body, opening)]);
    }
}

#[test]
fn an_unclosed_block_in_a_free_article_builds() {
    let site = Site::new();
    site.article("free", "title = \"Free\"\ndate = 2025-01-01\npaywall = false", "One zqfree1.\n\n```\nzqfree2\n\nzqfree3\n");
    build_ok(&site);
    assert!(public_page(&site, "free").contains("zqfree3"));
}

#[test]
fn a_code_fence_closed_by_an_indented_or_unlike_fence_is_still_open() {
    let r = Refusals::new();
    let mut failures = Vec::new();
    for (open, close) in [("```", "    ```"), ("```", "\t```"), ("~~~", "```"), ("````", "```"), ("```", "``` end"), ("~~~~", "~~~")] {
        let body = format!("Free zqfree1.\n\n{open}\ncode zqfree2\n{close}\n\nzqpaid1 paragraph.\n\nzqpaid2.\n");
        for front in ["paywall = 2\n", ""] {
            let expected = [loc(front, &body, open), "is never closed".to_string()];
            if let Err(e) = r.refused(BAD, &article(front, &body), &expected.iter().map(String::as_str).collect::<Vec<_>>()) {
                failures.push(e);
            }
        }
    }
    all_pass(failures);
}

#[test]
fn a_code_fence_closed_by_a_fence_indented_three_spaces_is_closed() {
    let body = "Free zqfree1.\n\n```\ncode zqfree2\n   ```\n\nzqpaid1 paragraph.\n";
    builds_closed(CONFIG, "paywall = 2\n", body).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_forgotten_fence_that_pairs_the_later_fences_off_is_refused() {
    let r = Refusals::new();
    let body = "Free zqfree1.\n\n```\nforgotten\n\nTwo zqfree2.\n\n```\nsample zqpaid1\n```\n\nzqpaid2 paragraph.\n";
    // The third fence is the one left open: it opens where the author meant the sample to end.
    let third = &body[body.match_indices("```").nth(2).expect("three fences").0..];
    let line_of_third = body[..body.len() - third.len()].matches('\n').count() + 1;
    for front in ["paywall = 2\n", ""] {
        let expected = format!("{BAD}:{}:1", 4 + front.lines().count() + line_of_third);
        r.refuses(front, body, &[&expected, "code fence (```) is never closed"]);
    }
    // With a marker among the swallowed lines, the marker is reported as inside code.
    let body = "Free zqfree1.\n\n```\nforgotten\n\n<!-- paywall -->\n\n```\nsample\n```\n\nzqpaid1.\n";
    r.refuses("", body, &[&loc("", body, "<!-- paywall -->"), "inside a code block", "is never closed"]);
}

// ---------------------------------------------------------------------
// Attempts at the marker

/// What lede takes for an attempt at `<!-- paywall -->`, each on its own line between paragraphs.
const ATTEMPTS: &[&str] = &[
    "<!-- paywal -->",
    "<!-- PAYWAL -->",
    "<!--- paywall --->",
    "<!-- pay wall -->",
    "<!-- pay-wall -->",
    "<!-- pay_wall -->",
    "<!-- payawll -->",
    "<!-- paywalll -->",
    "<!-- paywall: subscribers -->",
    "<!-- paywall below -->",
    "<!-- pay\u{200b}wall -->",
    "<!-- pay\u{200d}wall -->",
    "<!-- pay\u{ad}wall -->",
    "<!-- \u{feff}paywall -->",
    "<!--\u{a0}paywall\u{a0}-->",
    "<!-- paywall --!>",
    "<!-- paywall ->",
    "<!- paywall -->",
    "<!-- paywall",
    "<!--more-->",
    "<!-- more -->",
    "<!-- read more -->",
    "<!-- members-only -->",
    "<-- paywall -->",
    "<!–– paywall ––>",
    "<!—paywall—>",
    "&lt;!-- paywall --&gt;",
    "\\<!-- paywall -->",
    "<?paywall?>",
    "<!paywall>",
    "<paywall>",
    "<paywall/>",
    "Free text <!-- paywal --> in a line.",
    "> <!-- paywal -->",
    "- <!-- paywal -->",
];

fn attempt_body(attempt: &str) -> String {
    format!("Free zqfree1.\n\n{attempt}\n\nzqpaid1 paragraph.\n\nzqpaid2 paragraph.\n")
}

/// Each of `attempts` refused as an attempt at the marker, on its line, in a site with no default cutoff.
fn attempts_are_refused(attempts: &[&str]) {
    let r = Refusals::without_default();
    all_pass(
        attempts
            .iter()
            .filter_map(|attempt| {
                let body = attempt_body(attempt);
                // An attempt over several lines may be reported on any of them.
                let place = if attempt.contains('\n') { format!("{BAD}:") } else { loc_line("", &body, attempt) };
                r.refused(BAD, &article("", &body), &[&place, "looks like an attempt at the paywall marker"]).err()
            })
            .collect(),
    );
}

#[test]
fn every_attempt_at_the_marker_is_refused() {
    attempts_are_refused(ATTEMPTS);
}

#[test]
fn attempts_at_the_marker_are_refused_even_with_a_cutoff_in_the_front_matter() {
    let r = Refusals::new();
    for attempt in ["<!-- paywal -->", "<!--more-->", "<-- paywall -->"] {
        let body = attempt_body(attempt);
        r.refuses("paywall = 1\n", &body, &[&loc("paywall = 1\n", &body, attempt), "looks like an attempt"]);
    }
}

#[test]
fn attempts_at_the_marker_written_over_several_lines_are_refused() {
    // A comment's later lines are as much an attempt as its first.
    attempts_are_refused(&["<!--\npaywall\n-->", "<!--\n  paywall -->", "<!--\npaywal\n-->", "<!--\nmore\n-->", "<div>\n<!--\npaywall\n-->\n</div>"]);
}

#[test]
fn attempts_at_the_marker_in_lookalike_characters_are_refused() {
    // Full-width brackets (typed with an East Asian input method) and a
    // Cyrillic "ра" (typed with the other keyboard layout) look the same.
    attempts_are_refused(&["＜!-- paywall --＞", "<!-- раywall -->"]);
}

#[test]
fn cutoff_markers_in_other_tools_syntax_are_refused() {
    // A line that names only the paywall, in the shortcode or tag syntax of another tool.
    attempts_are_refused(&["{{< paywall >}}", "{{% paywall %}}", "{% paywall %}", "[paywall]", "!-- paywall --", "-- paywall --", "paywall", "PAYWALL"]);
}

#[test]
fn prose_about_the_paywall_and_harmless_comments_still_build() {
    let mut failures = Vec::new();
    for (front, free_part) in [
        ("", "The paywall debate zqfree2 goes on."),
        ("", "<!-- a note for editors zqfree2 -->"),
        ("", "<!-- payroll figures zqfree2 -->"),
        ("", "Write `<!-- paywal -->` zqfree2 to see the error."),
        ("", "```html\n<!-- paywal --> zqfree2\n```"),
        ("", "We <em>pay</em> <strong>wall</strong> builders zqfree2."),
    ] {
        let body = format!("Free zqfree1.\n\n{free_part}\n\n<!-- paywall -->\n\nzqpaid1 paragraph.\n");
        if let Err(e) = builds_closed(&config_without_default(), front, &body) {
            failures.push(e);
        }
    }
    all_pass(failures);
}

// ---------------------------------------------------------------------
// The exact marker where it cannot cut

#[test]
fn a_marker_where_it_cannot_cut_is_refused_with_its_place() {
    let r = Refusals::without_default();
    let m = "<!-- paywall -->";
    let cases: Vec<(String, &str)> = vec![
        (format!("- item zqfree2\n\n  {m}\n\n  zqpaid1\n"), m),
        (format!("- a\n  - b zqfree2\n\n    {m}\n"), m),
        (format!("1. item zqfree2\n   {m}\n"), m),
        (format!("> One zqfree2.\n>\n> {m}\n>\n> zqpaid1.\n"), m),
        (format!("Text zqfree2 {m} zqpaid1 more.\n"), m),
        (format!("## Heading zqfree2 {m}\n"), m),
        (format!("| a | b |\n|---|---|\n| {m} | zqpaid1 |\n"), m),
        (format!("[{m} zqpaid1](https://example.org/)\n"), m),
        (format!("Cited[^n].\n\n[^n]: Note {m} zqpaid1.\n"), m),
        (format!("Cited[^n].\n\n[^n]: Note.\n\n    {m}\n\n    zqpaid1\n"), m),
        (format!("<div>\n{m}\n</div>\n"), "<div>"),
        (format!("<details>\n<summary>More</summary>\n{m}\n</details>\n"), "<details>"),
        (format!("{m} zqpaid1 on the same line\n"), m),
        (format!("{m}<!-- and a note -->\n"), m),
        (format!("<!-- a note -->{m}\n"), "<!-- a note"),
    ];
    all_pass(
        cases
            .iter()
            .filter_map(|(part, needle)| {
                let body = format!("Free zqfree1.\n\n{part}\nzqpaid9 after.\n");
                r.refused(BAD, &article("", &body), &[&loc_line("", &body, needle), "cannot cut here"]).err()
            })
            .collect(),
    );
}

#[test]
fn a_marker_in_a_code_block_is_refused_when_nothing_else_says_where_to_cut() {
    let r = Refusals::without_default();
    let m = "<!-- paywall -->";
    let cases = [
        format!("```html\n{m}\n```"),
        format!("~~~\n{m}\n~~~"),
        format!("    {m}"),
        format!("\t{m}"),
        format!("- a\n\n  ```\n  {m}\n  ```"),
        format!("> ```\n> {m}\n> ```"),
    ];
    all_pass(
        cases
            .iter()
            .filter_map(|code| {
                let body = format!("Free zqfree1.\n\n{code}\n\nzqpaid1 paragraph.\n\nzqpaid2.\n");
                r.refused(BAD, &article("", &body), &[&loc_line("", &body, m), "inside a code block"]).err()
            })
            .collect(),
    );
    // The site default does not say where this article is cut either.
    let body = format!("Free zqfree1.\n\n```\n{m}\n```\n\nzqpaid1.\n");
    Refusals::new().refuses("", &body, &[&loc("", &body, m), "inside a code block"]);
}

#[test]
fn a_marker_in_a_code_block_is_code_when_the_article_says_where_to_cut() {
    let m = "<!-- paywall -->";
    let numbered = format!("Free zqfree1.\n\n```html\n{m} zqfree2\n```\n\nzqpaid1 paragraph.\n");
    let site = builds_closed(CONFIG, "paywall = 2\n", &numbered).unwrap_or_else(|e| panic!("{e}"));
    assert!(public_page(&site, "closed").contains("&lt;!-- paywall --&gt;"), "the sample is shown as code");
    let marked = format!("Free zqfree1.\n\n    {m}\n\n{m}\n\nzqpaid1 paragraph.\n");
    builds_closed(&config_without_default(), "", &marked).unwrap_or_else(|e| panic!("{e}"));
    let free = format!("Free zqfree1.\n\n```\n{m}\n```\n\nzqfree2 paragraph.\n");
    builds_closed(CONFIG, "paywall = false\n", &free).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_marker_cuts_in_every_spelling_it_allows() {
    let mut failures = Vec::new();
    for body in [
        "Free zqfree1.\n\n   <!-- paywall -->\n\nzqpaid1.\n",
        "Free zqfree1.\n\n<!--PAYWALL-->\n\nzqpaid1.\n",
        "Free zqfree1.\n\n<!--\tPaywall  -->\n\nzqpaid1.\n",
        "Free zqfree1.\r\n\r\n<!-- paywall -->\r\n\r\nzqpaid1.\r\n",
        // A comment may interrupt a paragraph, so the marker cuts there too.
        "Free zqfree1.\n<!-- paywall -->\nzqpaid1.\n\nzqpaid2.\n",
        "- item zqfree1\n<!-- paywall -->\nzqpaid1.\n",
        "> quote zqfree1\n<!-- paywall -->\nzqpaid1.\n",
        "Free zqfree1.\n\n<!-- paywall -->\n<p>zqpaid1</p>\n",
    ] {
        if let Err(e) = builds_closed(&config_without_default(), "", body) {
            failures.push(e);
        }
    }
    all_pass(failures);
}

#[test]
fn contradictory_cutoffs_are_refused() {
    let r = Refusals::new();
    let m = "<!-- paywall -->";
    let two = format!("One zqfree1.\n\n{m}\n\nTwo zqpaid1.\n\n{m}\n\nThree zqpaid2.\n");
    let second = &two[two.rfind(m).expect("second")..];
    let line = two[..two.len() - second.len()].matches('\n').count() + 5;
    r.refuses("", &two, &[&format!("{BAD}:{line}:1"), "a second <!-- paywall --> marker"]);
    let body = format!("One zqfree1.\n\n{m}\n\nTwo zqpaid1.\n");
    r.refuses("paywall = 1\n", &body, &[&loc("paywall = 1\n", &body, m), "keep one of them"]);
    r.refuses("paywall = false\n", &body, &[&loc("paywall = false\n", &body, m), "paywall = false"]);
    let first = format!("{m}\n\nOne zqpaid1.\n\nTwo zqpaid2.\n");
    r.refuses("", &first, &[&loc("", &first, m), "before any content"]);
}

// ---------------------------------------------------------------------
// The number of free blocks

fn paragraphs(free: usize, paid: usize) -> String {
    let mut body = String::new();
    for i in 1..=free {
        body.push_str(&format!("Free paragraph zqfree{i}.\n\n"));
    }
    for i in 1..=paid {
        body.push_str(&format!("Paid paragraph zqpaid{i}.\n\n"));
    }
    body
}

#[test]
fn paywall_in_binary_octal_or_hexadecimal_counts_the_blocks_it_says() {
    let mut failures = Vec::new();
    for (value, free) in [("0b10", 2), ("0o10", 8), ("0x3", 3), ("+2", 2), ("0b1", 1)] {
        let front = format!("paywall = {value}\n");
        if let Err(e) = builds_closed(CONFIG, &front, &paragraphs(free, 2)) {
            failures.push(format!("paywall = {value}: {e}"));
        }
    }
    all_pass(failures);
}

#[test]
fn paywall_values_that_are_not_a_count_of_blocks_are_refused() {
    let r = Refusals::new();
    let body = paragraphs(2, 2);
    for value in ["-1", "1.5", "2e0", "true", "\"2\"", "\"two\"", "[2]", "{ n = 2 }", "2025-01-01", "99999999999999999999", "nan", "inf"] {
        let front = format!("paywall = {value}\n");
        r.refuses(&front, &body, &[&format!("{BAD}:4:11"), "`paywall"]);
    }
    // 1_0 is ten, which leaves nothing of four blocks.
    r.refuses("paywall = 1_0\n", &body, &[&format!("{BAD}:4:11"), "`paywall = 10` leaves nothing"]);
}

#[test]
fn a_summary_is_never_taken_from_the_paid_part() {
    // No free paragraph to summarise: the listing, the feed and the meta tags must not reach past the cut for one.
    let mut failures = Vec::new();
    for (front, body) in [
        ("paywall = 1\n", "## Heading zqfree1\n\nFirst paragraph zqpaid1 of the article.\n\nzqpaid2 more.\n"),
        ("paywall = 2\n", "| a |\n|---|\n| zqfree1 |\n\n- list zqfree2\n\nFirst paragraph zqpaid1.\n"),
        ("", "```\nzqfree1\n```\n\n<div>zqfree2</div>\n\nFirst paragraph zqpaid1.\n"),
    ] {
        if let Err(e) = builds_closed(CONFIG, front, body) {
            failures.push(e);
        }
    }
    all_pass(failures);
}

// ---------------------------------------------------------------------
// Members-only articles

#[test]
fn paywall_zero_with_a_teaser_publishes_the_teaser_and_the_form_only() {
    let body = "Opening zqpaid1 paragraph.\n\n## zqpaid2 heading\n\nClosing zqpaid3[^n] paragraph.\n\n[^n]: zqpaid4 note.\n";
    let front = "paywall = 0\nteaser = \"A public summary zqteaserq.\"\n";
    let site = builds_closed(CONFIG, front, body).unwrap_or_else(|e| panic!("{e}"));
    let page = public_page(&site, "closed");
    assert!(page.contains("<h1 class=\"article-title\">Closed</h1>"), "no title on the public page");
    assert_subscribe_form_stands_alone("public page", &page);
    let doc = scraper::Html::parse_document(&page);
    let body_sel = scraper::Selector::parse("div.article-body").expect("selector");
    let article_body = doc.select(&body_sel).next().expect("an article body");
    let children: Vec<String> =
        article_body.child_elements().map(|e| format!("{}.{}", e.value().name(), e.value().classes().collect::<Vec<_>>().join("."))).collect();
    assert_eq!(children, ["p.article-teaser", "p.paywall-ellipsis"], "the public article body holds more than the teaser");
    let text: String = article_body.text().collect();
    assert!(text.contains("A public summary zqteaserq."), "{text}");
    let all_public: String = site.files_under("dist/public").iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(all_public.contains("zqteaserq"));
    let members = members_page(&site, "closed");
    assert!(members.contains("zqpaid1") && members.contains("zqpaid4"), "the members page lacks the body");
}

#[test]
fn paywall_zero_without_a_teaser_is_refused() {
    let r = Refusals::new();
    let body = "zqpaid1 opening.\n\nzqpaid2 more.\n";
    r.refuses("paywall = 0\n", body, &[&format!("{BAD}:4:11"), "needs a `teaser`"]);
    r.refuses("paywall = 0\nteaser = \"\"\n", body, &["needs a `teaser`"]);
    r.refuses("paywall = 0b0\n", body, &["needs a `teaser`"]);
}

// ---------------------------------------------------------------------
// Footnotes

#[test]
fn a_footnote_label_defined_twice_is_refused_with_both_lines() {
    let r = Refusals::new();
    for (first, again) in [("[^a]:", "[^a]:"), ("[^a]:", "[^A]:"), ("[^big idea]:", "[^Big   Idea]:"), ("[^Note]:", "[^NOTE]:")] {
        let cite = first.trim_end_matches(':');
        let body = format!("Free zqfree1{cite}.\n\n{first} zqfree2 first.\n\nzqpaid1{cite}.\n\n{again} zqpaid2 second.\n");
        let first_line = loc("paywall = 1\n", &body, first).split(':').nth(1).expect("line").to_string();
        let again_at = body.rfind(again).expect("the second definition");
        r.refuses("paywall = 1\n", &body, &[&loc_at("paywall = 1\n", &body, again_at), &format!("defined twice (first on line {first_line}")]);
    }
}

#[test]
fn footnote_labels_match_whatever_their_case() {
    let body = "Free zqfree1[^Note].\n\nzqpaid1[^Paid].\n\n[^note]: zqfree2 free note.\n\n[^PAID]: zqpaid2 paid note.\n";
    let site = builds_closed(CONFIG, "paywall = 1\n", body).unwrap_or_else(|e| panic!("{e}"));
    let page = public_page(&site, "closed");
    assert!(!page.contains("[^Note]"), "the free reference was left as text");
    assert!(page.contains("href=\"#fn-1\""), "the free reference is not a link");
}

// ---------------------------------------------------------------------
// Files that are never cut

#[test]
fn a_bio_or_a_page_with_a_marker_is_refused() {
    let r = Refusals::new();
    let body = "Free zqfree1.\n\n<!-- paywall -->\n\nzqpaid1.\n";
    let cases = [
        ("content/authors/writer.md", "author bios are not paywalled"),
        ("content/about.md", "pages are not paywalled"),
        ("content/legal/terms.md", "pages are not paywalled"),
    ];
    let mut failures = Vec::new();
    for (file, message) in cases {
        let text = format!("+++\ntitle = \"Not an article\"\n+++\n{body}");
        if let Err(e) = r.refused(file, &text, &[&format!("{file}:6:1"), message]) {
            failures.push(e);
        }
        // A marker in code, or one that cannot cut, is still a marker in the wrong file.
        let text = "+++\ntitle = \"Not an article\"\n+++\nFree.\n\n> <!-- paywall -->\n\n```\n<!-- paywall -->\n```\n";
        if let Err(e) = r.refused(file, text, &[&format!("{file}:6:3"), &format!("{file}:9:1"), message]) {
            failures.push(e);
        }
        let text = "+++\ntitle = \"Not an article\"\n+++\nFree.\n\n<!-- paywal -->\n\nMore.\n";
        if let Err(e) = r.refused(file, text, &[&format!("{file}:6:1"), "looks like an attempt"]) {
            failures.push(e);
        }
    }
    all_pass(failures);
}

#[test]
fn a_misspelt_content_folder_is_refused() {
    let r = Refusals::new();
    let text = article("", "Free zqfree1.\n\n<!-- paywall -->\n\nzqpaid1.\n");
    let mut failures = Vec::new();
    for (folder, meant) in
        [("article", "articles"), ("Articles", "articles"), ("ARTICLES", "articles"), ("artciles", "articles"), ("author", "authors"), ("Authors", "authors")]
    {
        let file = format!("content/{folder}/bad.md");
        let expected = [format!("content/{folder}"), format!("did you mean content/{meant}/?")];
        if let Err(e) = r.refused(&file, &text, &expected.iter().map(String::as_str).collect::<Vec<_>>()) {
            failures.push(e);
        }
        std::fs::remove_dir(r.site.path(&format!("content/{folder}"))).expect("remove the folder");
    }
    all_pass(failures);
}

// ---------------------------------------------------------------------
// Where the output goes

#[test]
fn an_output_inside_the_sites_own_folders_is_refused_and_nothing_is_written_there() {
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = 1", "Free zqfree1.\n\nPaid zqpaid1.\n");
    site.write("static/logo.svg", "<svg/>");
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}{{ page.body | safe }}{% endblock content %}");
    std::os::unix::fs::symlink(site.path("static"), site.path("assets")).expect("symlink");
    // Every path under the site's own folders, folders included, with the bytes of each file.
    let snapshot = || -> Vec<(PathBuf, Vec<u8>)> {
        ["static", "content", "templates"]
            .iter()
            .flat_map(|dir| walkdir::WalkDir::new(site.path(dir)).sort_by_file_name())
            .map(|e| {
                let e = e.expect("walk");
                let bytes = if e.file_type().is_file() { std::fs::read(e.path()).expect("read") } else { Vec::new() };
                (e.path().to_path_buf(), bytes)
            })
            .collect()
    };
    let before = snapshot();
    let mut failures = Vec::new();
    for (out, folder) in [
        ("static/site", "static"),
        ("static", "static"),
        ("./static/../static/site", "static"),
        ("assets/site", "static"),
        ("content/site", "content"),
        ("content/articles/site", "content"),
        ("templates/out", "templates"),
    ] {
        let run = lede_within(&site, &["build", "--out", out], common::checks::LIMIT);
        let stderr = String::from_utf8_lossy(&run.stderr);
        if run.status.code() != Some(1) || !stderr.contains(&format!("would be inside the site's {folder}/")) || !stderr.contains(out) {
            failures.push(format!("--out {out}: exit {:?}\n{stderr}", run.status.code()));
        }
        if snapshot() != before {
            failures.push(format!("--out {out} wrote into the site's folders"));
        }
    }
    let run = lede_within(&site, &["build", "--out", "."], common::checks::LIMIT);
    if run.status.code() != Some(1) || !String::from_utf8_lossy(&run.stderr).contains("contains the site itself") {
        failures.push(format!("--out .: {}", String::from_utf8_lossy(&run.stderr)));
    }
    assert!(!site.path("dist").exists(), "a refused build wrote dist/");
    all_pass(failures);
}

// ---------------------------------------------------------------------
// Heading ids

#[test]
fn heading_ids_never_repeat_the_themes_or_the_notes() {
    let site = Site::new();
    let body = "## Main\n\nFree zqfree1[^n] and again[^n].\n\n## Subscribe\n\n## Fn 1\n\n## Top\n\n## Subscribe heading\n\n## Subscribe email\n\n\
                ## Notes heading {#notes-heading}\n\n## Subscriber content\n\n## Fnref 1 2\n\n## Own {#main}\n\n## Note {#fn-1}\n\n\
                Paid zqpaid1[^n][^m].\n\n## Paid heading {#subscriber-content}\n\n[^n]: A note.\n[^m]: Another.\n";
    site.article("ids", "title = \"Ids\"\ndate = 2025-01-01\npaywall = 12", body);
    build_ok(&site);
    for (tree, page) in [("public", public_page(&site, "ids")), ("members", members_page(&site, "ids"))] {
        assert_eq!(repeated_ids(&page), Vec::<String>::new(), "repeated ids on the {tree} page");
        assert_eq!(element_with_id(&page, "main").as_deref(), Some("main"), "#main is not the main element on the {tree} page");
        assert!(page.contains("id=\"fn-1\""), "no note 1 on the {tree} page");
    }
    let public = public_page(&site, "ids");
    assert_eq!(element_with_id(&public, "subscribe").as_deref(), Some("section.subscribe-box"));
    assert!(!public.contains("zqpaid1"));
}

#[test]
fn a_heading_named_like_a_notes_back_link_gets_an_id_and_the_build_ends() {
    let site = Site::new();
    site.article("ids", "title = \"Ids\"\ndate = 2025-01-01\npaywall = 1", "## Fnref 1\n\nPaid zqpaid1[^n].\n\n## Own {#fnref-2}\n\n[^n]: A note.\n");
    let out = lede_within(&site, &["build"], Duration::from_secs(20));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(repeated_ids(&members_page(&site, "ids")), Vec::<String>::new());
}

// ---------------------------------------------------------------------
// Raw HTML the free part leaves open

/// Free parts whose raw HTML is left open where the free part ends.
const LEFT_OPEN: &[&str] = &[
    "<table><tr><td>\nfree cell zqfree2",
    "<p>x <a href=\"https://example.org/\">open link zqfree2",
    "Text <a href=\"https://example.org/\">open link zqfree2 in a paragraph.",
    "<details><summary>s</summary>\nzqfree2 inside",
    "<div>\n<!-- open zqfree2",
    "<div class=\"box\">\nzqfree2 inside",
    "<section>\nzqfree2 inside",
    "<blockquote>\nzqfree2 inside",
    "<ul><li>\nzqfree2 inside",
    "<my-box>\nzqfree2 inside",
    "Text <span class=\"x\">zqfree2 open span.",
    "Text <em>zqfree2 open emphasis.",
    "<form action=\"https://elsewhere.example/\">\nzqfree2 inside",
];

/// Raw HTML whose contents a browser does not parse as elements, left open.
const LEFT_OPEN_INERT: &[&str] = &[
    "<template>\nzqfree2 inside",
    "<noscript>\nzqfree2 inside",
    "<xmp>\nzqfree2 inside",
    "<iframe>\nzqfree2 inside",
    "<noembed>\nzqfree2 inside",
    "<noframes>\nzqfree2 inside",
    "<select>\nzqfree2 inside",
];

/// Each free part built before a cut (`paywall = 2` and the site default):
/// no paid word in public, and the subscribe form outside everything the author opened.
fn form_stands_alone_after(free_parts: &[&str]) {
    let mut failures = Vec::new();
    for part in free_parts {
        for front in ["paywall = 2\n", ""] {
            let body = format!("Free zqfree1.\n\n{part}\n\nzqpaid1 paragraph.\n\nzqpaid2 paragraph.\n");
            match builds_closed(CONFIG, front, &body) {
                Err(e) => failures.push(e),
                Ok(site) => {
                    if let Some(why) = subscribe_form_problem("public page", &public_page(&site, "closed")) {
                        failures.push(format!("--- front {front:?}, free part:\n{part}\n--- {why}"));
                    }
                }
            }
        }
    }
    all_pass(failures);
}

#[test]
fn raw_html_closed_in_the_free_part_leaves_the_form_alone() {
    form_stands_alone_after(&[
        "<table><tr><td>\nfree cell zqfree2\n</td></tr></table>",
        "<p>x <a href=\"https://example.org/\">closed link zqfree2</a></p>",
        "<details><summary>s</summary>\nzqfree2 inside\n</details>",
        "<div>\n<!-- closed zqfree2 -->\n</div>",
        "Text <span class=\"x\">zqfree2 closed span</span>.",
    ]);
}

#[test]
fn raw_html_left_open_in_the_free_part_is_closed_before_the_subscribe_form() {
    form_stands_alone_after(LEFT_OPEN);
}

#[test]
fn raw_html_left_open_that_hides_what_follows_is_closed_before_the_subscribe_form() {
    form_stands_alone_after(LEFT_OPEN_INERT);
}

#[test]
fn raw_html_closing_the_themes_elements_in_the_free_part_cannot_move_the_subscribe_form() {
    // The reverse of an element left open: an end tag with no start in the
    // free part closes the theme's own element early (CommonMark example 151).
    form_stands_alone_after(&["</div>\n*zqfree2*", "</article>\nzqfree2 after", "</main>\nzqfree2 after", "Text zqfree2 </div> in a line."]);
}

// ---------------------------------------------------------------------
// Scheduling

/// An RFC 3339 UTC time `minutes` from now, as front matter writes it.
fn minutes_from_now(minutes: i64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(minutes);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[test]
fn an_article_timed_later_today_waits_for_its_time() {
    let site = Site::new();
    // Ten minutes: long enough for the build, short enough that it is
    // still today (except in the last ten minutes of a day, when the later
    // article is held back as tomorrow's anyway).
    site.write(
        "content/articles/later.md",
        format!("+++\ntitle = \"Later zqlaterq\"\ndate = {}\npaywall = 1\n+++\nFree zqlaterq.\n\nPaid zqlaterq.\n", minutes_from_now(10)),
    );
    site.write(
        "content/articles/earlier.md",
        format!("+++\ntitle = \"Earlier zqearlierq\"\ndate = {}\npaywall = 1\n+++\nFree zqearlierq.\n\nPaid.\n", minutes_from_now(-10)),
    );
    build_ok(&site);
    let word = ["zqlaterq".to_string()];
    assert_absent_under(&site, "dist/public", &word);
    assert_absent_under(&site, "dist/members", &word);
    assert_present_under(&site, "dist/public", &["zqearlierq".to_string()]);
    let out = lede_within(&site, &["build", "--future"], common::checks::LIMIT);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_present_under(&site, "dist/members", &word);
}

/// Today's date where the UTC offset is `hours`.
fn today_at_offset(hours: i8) -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(hours))).date()
}

#[test]
fn the_sites_timezone_decides_which_day_it_is() {
    // Honolulu keeps UTC-10 and Kiritimati UTC+14 all year: between them,
    // at any moment, today is two different dates.
    for (zone, hours) in [("Pacific/Honolulu", -10), ("Pacific/Kiritimati", 14)] {
        let site = site_with_config(&format!("timezone = \"{zone}\"\n{CONFIG}"));
        let today = today_at_offset(hours);
        let tomorrow = today.tomorrow().expect("tomorrow");
        site.article("today", &format!("title = \"Today\"\ndate = {today}\npaywall = 1"), "Free zqtodayq.\n\nPaid.\n");
        site.article("tomorrow", &format!("title = \"Tomorrow\"\ndate = {tomorrow}\npaywall = 1"), "Free zqtomorrowq.\n\nPaid.\n");
        build_ok(&site);
        assert_present_under(&site, "dist/public", &["zqtodayq".to_string()]);
        assert_absent_under(&site, "dist/public", &["zqtomorrowq".to_string()]);
        assert_absent_under(&site, "dist/members", &["zqtomorrowq".to_string()]);
    }
}

// ---------------------------------------------------------------------
// The check after writing

#[test]
fn a_paid_paragraph_copied_into_a_static_file_is_refused() {
    let site = Site::new();
    let paid = "Subscribers alone may read this zqpaidcopyq paragraph, which goes on for long enough that no public text could share it by chance.";
    site.article("copied", "title = \"Copied\"\ndate = 2025-01-01\npaywall = 1", &format!("Free zqfree1.\n\n{paid}\n"));
    build_ok(&site);
    let before = site.files_under("dist");
    site.write("static/drafts/copied.txt", format!("A draft kept with the theme:\n\n{paid}\n"));
    // The check after writing costs most of a build again, so it is asked for.
    let out = lede_within(&site, &["build", "--check-leaks"], common::checks::LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/articles/copied.md") && stderr.contains("drafts/copied.txt"), "{stderr}");
    assert_eq!(site.files_under("dist"), before, "dist/ changed after a refused build");
    // `lede check` finds it too, without touching dist/.
    let out = lede_within(&site, &["check"], common::checks::LIMIT);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("drafts/copied.txt"));
    assert_eq!(site.files_under("dist"), before);
    // And a site without the copy checks clean.
    std::fs::remove_file(site.path("static/drafts/copied.txt")).expect("rm");
    let out = lede_within(&site, &["check"], common::checks::LIMIT);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
