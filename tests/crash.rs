//! A build killed at any point (kill -9) leaves the last good output whole,
//! and the next build clears whatever the killed one left beside it.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;

/// Every file under `dir`, relative, sorted (the ledger and the build cache aside): the shape of one whole build.
fn tree(site: &Site, dir: &str) -> Vec<String> {
    // Both are caches, removed while an update moves its files in; the
    // build cache is not written by a build whose inputs had just changed.
    site.files_under(dir).into_iter().map(|(p, _)| p.to_string_lossy().replacen(dir, "", 1)).filter(|p| p != "/.lede-ledger" && p != "/.lede-library").collect()
}

/// Names beside the output in the site folder (hidden ones: spares, staging, locks).
fn beside(site: &Site) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root())
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// Starts `lede build` in `site` and kills it (`kill -9`) `at` later, unless it ended before.
fn kill_build_after(site: &Site, at: Duration) {
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_lede")).arg("build").current_dir(site.root()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start lede");
    let deadline = Instant::now() + at;
    while Instant::now() < deadline {
        if child.try_wait().expect("poll").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Checks that `dist/` holds exactly the files `ledger` lists, each with the length and time it notes.
fn assert_matches_ledger(site: &Site, ledger: &str, at: Duration) {
    let listed: Vec<(String, u64, i128)> = ledger
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, ' ').collect();
            (format!("/{}", f[3]), f[1].parse().expect("length"), f[2].parse().expect("time"))
        })
        .collect();
    let mut on_disk: Vec<String> = tree(site, "dist");
    on_disk.retain(|p| p != "/.lede-output");
    on_disk.sort();
    let mut names: Vec<String> = listed.iter().map(|(p, ..)| p.clone()).collect();
    names.sort();
    assert_eq!(on_disk, names, "killed {at:?} in: dist holds other files than its ledger lists");
    for (path, len, mtime) in listed {
        let meta = std::fs::symlink_metadata(site.path(&format!("dist{path}"))).expect("stat");
        let time = meta.modified().expect("time").duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_nanos() as i128;
        assert_eq!((meta.len(), time), (len, mtime), "killed {at:?} in: {path} is not as the ledger notes it");
    }
}

#[test]
fn a_build_killed_at_any_point_leaves_the_last_good_output_whole() {
    let site = Site::new();
    for i in 0..1200 {
        let body = format!(
            "Opening {i} of the analysis.\n\nSecond free paragraph {i}.\n\nPaid paragraph {i} with more words.\n\n## Heading {i}\n\nMore paid text {i}.\n"
        );
        site.article(&format!("a{i:04}"), &format!("title = \"Article {i}\"\ndate = 2025-{:02}-{:02}\ntags = [\"T{}\"]", i % 12 + 1, i % 28 + 1, i % 7), &body);
    }
    let started = Instant::now();
    site.build_ok();
    let took = started.elapsed();
    let whole = tree(&site, "dist");
    assert!(whole.len() > 2400, "{}", whole.len());

    // Whole builds (the ledger removed first), killed at spread-out moments of their run, the swap included.
    let kills = 12;
    for k in 0..kills {
        let _ = std::fs::remove_file(site.path("dist/.lede-ledger"));
        let at = took.mul_f64(f64::from(k) / f64::from(kills - 1) * 1.1);
        kill_build_after(&site, at);
        assert_eq!(tree(&site, "dist"), whole, "after a kill {at:?} into the build, dist is not one whole build");
    }
    site.build_ok();
    assert_eq!(tree(&site, "dist"), whole);

    // Updates after an edit, killed the same way: the output stays the one
    // its ledger describes, unless the kill fell while files were moved in
    // (the ledger goes first), and then the next build replaces it whole.
    for k in 0..kills {
        let before = site.files_under("dist");
        let ledger = std::fs::read_to_string(site.path("dist/.lede-ledger")).ok();
        let body =
            format!("Opening {k} of the analysis.\n\nSecond free paragraph {k}.\n\nRevised paid paragraph {k}.\n\n## Heading {k}\n\nMore paid text {k}.\n");
        site.article(&format!("a{k:04}"), &format!("title = \"Article {k}\"\ndate = 2025-{:02}-{:02}\ntags = [\"T{}\"]", k % 12 + 1, k % 28 + 1, k % 7), &body);
        let at = took.mul_f64(f64::from(k) / f64::from(kills - 1) * 1.1);
        kill_build_after(&site, at);
        match std::fs::read_to_string(site.path("dist/.lede-ledger")).ok() {
            Some(now) if Some(&now) == ledger.as_ref() => {
                assert!(site.files_under("dist") == before, "killed {at:?} in, an update that had not begun to move files changed dist")
            }
            Some(now) => assert_matches_ledger(&site, &now, at),
            None => {}
        }
    }
    site.build_ok();
    let left = beside(&site);
    assert!(
        left.iter().all(|n| [".dist.lede-lock", ".dist.lede-spare", ".lede-cache"].contains(&n.as_str())),
        "folders a killed build left survived the next one: {left:?}"
    );
    // And what the last build left is what a clean build makes.
    let clean = site.lede(&["build", "--out", "clean"]);
    assert!(clean.status.success());
    let files = |dir: &str| -> Vec<(String, Vec<u8>)> {
        site.files_under(dir).into_iter().map(|(p, b)| (p.to_string_lossy().replacen(dir, "", 1), b)).filter(|(p, _)| !p.starts_with("/.lede-")).collect()
    };
    assert!(files("dist") == files("clean"), "after the kills, dist is not what a clean build makes");
}
