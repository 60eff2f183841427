//! A build killed at any point (kill -9) leaves the last good output whole,
//! and the next build clears whatever the killed one left beside it.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;

/// Every file under `dir`, relative, sorted: the shape of one whole build.
fn tree(site: &Site, dir: &str) -> Vec<String> {
    site.files_under(dir).into_iter().map(|(p, _)| p.to_string_lossy().replacen(dir, "", 1)).collect()
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

    // Kill builds at spread-out moments of their run, the swap included.
    let kills = 12;
    for k in 0..kills {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lede"))
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lede");
        let at = took.mul_f64(f64::from(k) / f64::from(kills - 1) * 1.1);
        let deadline = Instant::now() + at;
        while Instant::now() < deadline {
            if child.try_wait().expect("poll").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(tree(&site, "dist"), whole, "after a kill {at:?} into the build, dist is not one whole build");
    }
    site.build_ok();
    assert_eq!(tree(&site, "dist"), whole);
    assert_eq!(beside(&site), [".dist.lede-lock", ".dist.lede-spare", ".lede-cache"], "folders a killed build left survived the next one");
}
