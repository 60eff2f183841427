//! The build's progress line: on a terminal once a build has run for a
//! second, never in a pipe. The terminal is a real pseudo-terminal, made
//! by util-linux's `script`.

mod common;

use std::process::Command;

use common::Site;

fn site() -> Site {
    let site = Site::new();
    for i in 0..3 {
        site.article(&format!("a{i}"), &format!("title = \"A{i}\"\ndate = 2025-01-0{}\npaywall = 1", i + 1), "Free.\n\nPaid.\n");
    }
    site
}

/// `lede build` on a terminal, with the progress line shown after `after_ms`; everything the terminal got.
fn on_a_terminal(site: &Site, after_ms: Option<u64>) -> Option<String> {
    let out = run_on_a_terminal(site, &format!("{} build", env!("CARGO_BIN_EXE_lede")), after_ms)?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `command` run by the shell on a terminal made by `script`; `None` where there is no `script`.
fn run_on_a_terminal(site: &Site, command: &str, after_ms: Option<u64>) -> Option<std::process::Output> {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "util-linux's script is missing");
        eprintln!("skipped: no `script` to make a terminal");
        return None;
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qec", command, "/dev/null"]).current_dir(site.root());
    if let Some(ms) = after_ms {
        cmd.env("LEDE_PROGRESS_AFTER_MS", ms.to_string());
    }
    Some(cmd.output().expect("run script"))
}

#[test]
fn the_preview_shows_its_first_load_on_a_terminal_after_its_address() {
    let site = site();
    // `timeout` ends the preview, which otherwise serves until stopped.
    let command = format!("timeout 3 {} serve --port 0", env!("CARGO_BIN_EXE_lede"));
    let Some(out) = run_on_a_terminal(&site, &command, Some(0)) else { return };
    let seen = String::from_utf8_lossy(&out.stdout).into_owned();
    let address = seen.find("Serving at http://127.0.0.1:").unwrap_or_else(|| panic!("the address: {seen:?}"));
    let loading = seen.find("load the content [").unwrap_or_else(|| panic!("the step: {seen:?}"));
    let built = seen.find("site: built the site").unwrap_or_else(|| panic!("the build's line: {seen:?}"));
    assert!(address < loading && loading < built, "the address first, then the progress, then the build: {seen:?}");
    // The line is cleared before the build's line (`[HH:MM:SS] site: …`) prints.
    let line = built - "[00:00:00] ".len();
    assert!(seen[loading..line].contains("/3") && seen[..line].ends_with("\u{1b}[2K"), "{seen:?}");
}

#[test]
fn a_long_build_on_a_terminal_shows_each_step_and_clears_the_line() {
    let site = site();
    let Some(seen) = on_a_terminal(&site, Some(0)) else { return };
    for step in ["load the content [", "write the articles' pages [", "/3"] {
        assert!(seen.contains(step), "{step:?} not shown in {seen:?}");
    }
    // The line is cleared before the summary prints.
    let summary = seen.find("Built 3 articles").expect("the summary");
    assert!(seen[..summary].ends_with("\u{1b}[2K"), "{seen:?}");
}

#[test]
fn a_quick_build_or_a_pipe_shows_no_progress() {
    let site = site();
    if let Some(seen) = on_a_terminal(&site, None) {
        assert!(!seen.contains("load the content"), "a build of a moment shows nothing: {seen:?}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_lede")).arg("build").env("LEDE_PROGRESS_AFTER_MS", "0").current_dir(site.root()).output().expect("lede");
    assert!(out.status.success());
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("load the content") && !all.contains('\u{1b}'), "not a terminal: {all:?}");
}
