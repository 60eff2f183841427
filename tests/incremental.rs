//! Rebuilds that write only what changed. After every step of a random
//! sequence of edits (articles added, edited, deleted and renamed, pages,
//! static files, templates and settings changed), the output of a rebuild
//! over the last one must be byte for byte that of a clean build of the
//! same site, and every file whose bytes did not change must keep its
//! modification time. (The new output is swapped in whole, from the spare
//! copy, so files are other inodes; only those that changed get a new time.)

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::Site;

/// A file of an output: its bytes, and what says whether it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    bytes: Vec<u8>,
    mtime: i64,
    mtime_ns: i64,
}

/// Every file of the output at `dir` (its own ledger and marker aside), by relative path.
fn output(dir: &Path) -> BTreeMap<String, Seen> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(dir).expect("below").to_string_lossy().into_owned();
        if entry.file_type().is_dir() || rel == ".lede-ledger" || rel == ".lede-output" || rel == "changed.txt" {
            continue;
        }
        let meta = std::fs::symlink_metadata(entry.path()).expect("stat");
        files.insert(rel, Seen { bytes: std::fs::read(entry.path()).expect("read"), mtime: meta.mtime(), mtime_ns: meta.mtime_nsec() });
    }
    files
}

/// A small deterministic generator (xorshift), so that a failing sequence can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TAGS: [&str; 5] = ["Trade", "Energy", "Housing", "Labour", "Tax"];
const COLUMNS: [&str; 3] = ["Dispatches", "Long Read", "Briefing"];
const AUTHORS: [&str; 3] = ["Ada Moss", "Ben Ruiz", "Cleo Park"];

/// An article's file, made from `n` (which words and settings it has).
fn article_text(rng: &mut Rng, n: usize) -> String {
    let mut tags: Vec<String> = (0..1 + rng.below(2)).map(|_| format!("\"{}\"", rng.pick(&TAGS))).collect();
    tags.dedup();
    let paywall = if rng.below(4) == 0 { "paywall = false".to_string() } else { "paywall = 2".to_string() };
    format!(
        "+++\ntitle = \"Analysis {n} of {}\"\ndate = 2025-{:02}-{:02}\ncolumn = \"{}\"\nauthors = [\"{}\"]\ntags = [{}]\n{paywall}\n+++\nOpening paragraph {n} on {}.\n\nSecond free paragraph {n}.\n\nPaid paragraph {n} with zanzibar{}.\n\n## Detail {n}\n\nMore paid text {n}.\n",
        rng.pick(&TAGS),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.pick(&COLUMNS),
        rng.pick(&AUTHORS),
        tags.join(", "),
        rng.pick(&TAGS),
        rng.next() % 1000
    )
}

/// The articles of the site, by file name.
fn articles(site: &Site) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(site.path("content/articles")).expect("list").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// Makes one random edit to `site`; returns what it did, for the failure message.
fn edit(site: &Site, rng: &mut Rng, counter: &mut usize) -> String {
    let names = articles(site);
    let any = |rng: &mut Rng| names[rng.below(names.len())].clone();
    *counter += 1;
    let n = *counter;
    match rng.below(12) {
        0 | 1 => {
            site.write(&format!("content/articles/new-{n}.md"), article_text(rng, n));
            format!("added new-{n}")
        }
        2 if names.len() > 3 => {
            let name = any(rng);
            std::fs::remove_file(site.path(&format!("content/articles/{name}"))).expect("delete");
            format!("deleted {name}")
        }
        3 if !names.is_empty() => {
            let name = any(rng);
            std::fs::rename(site.path(&format!("content/articles/{name}")), site.path(&format!("content/articles/renamed-{n}.md"))).expect("rename");
            format!("renamed {name} to renamed-{n}")
        }
        4 | 5 if !names.is_empty() => {
            // A new article text under an old name: every field may change.
            let name = any(rng);
            site.write(&format!("content/articles/{name}"), article_text(rng, n));
            format!("rewrote {name}")
        }
        6 if !names.is_empty() => {
            // Only the paid part.
            let name = any(rng);
            let path = format!("content/articles/{name}");
            let text = site.read(&path).replace("More paid text", &format!("Revised paid text {n}"));
            site.write(&path, text);
            format!("edited the paid part of {name}")
        }
        7 => {
            let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/base.html")).expect("theme");
            site.write("templates/base.html", format!("{base}<!-- revision {n} -->\n"));
            format!("changed the base template ({n})")
        }
        8 => {
            let config = common::CONFIG.replace("Fixture Weekly", &format!("Fixture Weekly {}", rng.below(3)));
            let paginate = if rng.below(2) == 0 { "paginate_by = 2\n" } else { "" };
            site.write("config.toml", format!("{paginate}{config}"));
            format!("changed the settings (paginate: {})", !paginate.is_empty())
        }
        9 => {
            if rng.below(2) == 0 || !site.path("static/files/notes.txt").exists() {
                site.write("static/files/notes.txt", format!("Notes {n}\n"));
                format!("wrote static/files/notes.txt ({n})")
            } else {
                std::fs::remove_file(site.path("static/files/notes.txt")).expect("delete");
                "deleted static/files/notes.txt".into()
            }
        }
        10 => {
            site.write("content/about.md", format!("+++\ntitle = \"About {}\"\n+++\nWho we are, revision {n}.\n", rng.below(2)));
            format!("wrote content/about.md ({n})")
        }
        _ => {
            // The same bytes again: a save without a change.
            if let Some(name) = names.first() {
                let path = format!("content/articles/{name}");
                let text = site.read(&path);
                site.write(&path, text);
            }
            "saved a file without changing it".into()
        }
    }
}

/// Builds `site` over its last output and checks it against a clean build.
fn rebuild_and_compare(site: &Site, clean_dir: &Path, what: &str) {
    let before = output(&site.path("dist"));
    let built = site.lede(&["build"]);
    let stdout = String::from_utf8_lossy(&built.stdout).into_owned();
    assert!(built.status.success(), "after {what}: {stdout}\n{}", String::from_utf8_lossy(&built.stderr));
    let after = output(&site.path("dist"));

    let _ = std::fs::remove_dir_all(clean_dir);
    let clean = site.lede(&["build", "--out", &clean_dir.to_string_lossy()]);
    assert!(clean.status.success(), "clean build after {what}: {}", String::from_utf8_lossy(&clean.stderr));
    let clean = output(clean_dir);

    let paths: Vec<&String> = after.keys().collect();
    let clean_paths: Vec<&String> = clean.keys().collect();
    assert_eq!(paths, clean_paths, "after {what}: the rebuilt output has other files than a clean build");
    for (path, seen) in &after {
        assert!(seen.bytes == clean[path].bytes, "after {what}: {path} differs from a clean build's");
    }
    let mut written = 0;
    for (path, seen) in &after {
        match before.get(path) {
            Some(old) if old.bytes == seen.bytes => {
                assert_eq!((old.mtime, old.mtime_ns), (seen.mtime, seen.mtime_ns), "after {what}: {path} has a new time though its bytes did not change")
            }
            _ => written += 1,
        }
    }
    let said = if stdout.starts_with("Nothing changed") {
        Some(0)
    } else {
        stdout.split(": ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse::<usize>().ok())
    };
    assert_eq!(said, Some(written), "after {what}: the summary should count the {written} files that changed: {stdout}");
}

/// Sets every input file's time an hour back, as if written long before.
fn age(site: &Site) {
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for dir in ["config.toml", "content", "templates", "static"] {
        for e in walkdir::WalkDir::new(site.path(dir)).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
            std::fs::File::options().write(true).open(e.path()).expect("open").set_modified(hour_ago).expect("set time");
        }
    }
}

/// A site of `articles` generated articles (`first-0.md`…), built once, and the generator that made them.
fn built_site(seed: u64, articles: usize) -> (Site, Rng) {
    let site = Site::new();
    let mut rng = Rng(seed);
    for i in 0..articles {
        site.write(&format!("content/articles/first-{i}.md"), article_text(&mut rng, 1000 + i));
    }
    site.build_ok();
    (site, rng)
}

fn run_sequence(seed: u64, steps: usize) {
    let (site, mut rng) = built_site(seed, 6);
    let mut counter = 0;
    let clean_dir = site.path("clean");
    for step in 0..steps {
        let mut done = vec![edit(&site, &mut rng, &mut counter)];
        // Sometimes two edits before one build.
        if rng.below(3) == 0 {
            done.push(edit(&site, &mut rng, &mut counter));
        }
        rebuild_and_compare(&site, &clean_dir, &format!("step {step} of seed {seed}: {}", done.join(", then ")));
    }
}

#[test]
fn rebuilds_over_random_edits_equal_clean_builds_and_give_only_changed_files_a_new_time() {
    for seed in [0x9e37_79b9_7f4a_7c15, 0x2545_f491_4f6c_dd1d, 0x1405_7b7e_f767_814f] {
        run_sequence(seed, 14);
    }
}

#[test]
fn a_site_left_alone_is_not_built_again_and_an_edit_is_never_missed() {
    let (site, _) = built_site(7, 5);
    age(&site);
    // Records the fingerprint of inputs that are settled.
    site.build_ok();
    let before = output(&site.path("dist"));
    let said = site.build_ok();
    assert!(said.starts_with("Nothing changed since the last build (5 articles): no file written"), "{said}");
    assert_eq!(output(&site.path("dist")), before);
    // Asked for the list of changes, it lists none.
    let listed = site.lede(&["build", "--changed"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("0 URLs changed since the last build"), "{}", String::from_utf8_lossy(&listed.stdout));
    assert_eq!(site.read("dist/changed.txt"), "");
    assert_eq!(output(&site.path("dist")), before);

    // An edit of the same length, its time set back as an archive tool might: seen all the same.
    let path = site.path("content/articles/first-2.md");
    let text = std::fs::read_to_string(&path).expect("read").replace("Opening paragraph", "Opening Paragraph");
    std::fs::write(&path, text).expect("write");
    std::fs::File::options().write(true).open(&path).expect("open").set_modified(SystemTime::now() - Duration::from_secs(3000)).expect("time");
    rebuild_and_compare(&site, &site.path("clean"), "an edit of the same length");

    // The output touched by hand: a page changed, one removed, a file added. The next build puts it right.
    age(&site);
    site.build_ok();
    let page = site.path("dist/public/index.html");
    std::fs::write(&page, "defaced").expect("write");
    std::fs::remove_file(site.path("dist/members/index.html")).expect("remove");
    std::fs::write(site.path("dist/public/stray.txt"), "not ours").expect("write");
    let said = site.build_ok();
    assert!(!said.starts_with("Nothing changed"), "{said}");
    let _ = std::fs::remove_dir_all(site.path("clean"));
    let clean = site.lede(&["build", "--out", "clean"]);
    assert!(clean.status.success());
    let (rebuilt, clean) = (output(&site.path("dist")), output(&site.path("clean")));
    assert_eq!(rebuilt.keys().collect::<Vec<_>>(), clean.keys().collect::<Vec<_>>());
    assert!(rebuilt.iter().all(|(p, s)| s.bytes == clean[p].bytes));
}

#[test]
fn a_failed_rebuild_leaves_the_output_and_its_ledger_as_they_were() {
    let (site, _) = built_site(11, 3);
    let before = output(&site.path("dist"));
    let ledger = site.read("dist/.lede-ledger");
    site.write("content/articles/first-1.md", "+++\ntitle = \"Broken\"\n+++\nNo date.\n");
    site.build_err();
    assert_eq!(output(&site.path("dist")), before);
    assert_eq!(site.read("dist/.lede-ledger"), ledger);
    let beside: Vec<String> =
        std::fs::read_dir(site.root()).expect("list").filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!beside.iter().any(|n| n.contains("staging")), "a failed rebuild left its staging folder: {beside:?}");
}

/// A large build holds its articles' HTML aside between loading and
/// writing (in a temporary file, or compressed in memory where none can be
/// made) and keeps its cards lean; `LEDE_HOLD_MB` sets how much it holds
/// in the quickest form, and 0 holds every article aside. The output must
/// be the same, feeds included.
#[test]
fn a_build_that_holds_every_article_aside_writes_the_same_bytes() {
    let (site, _) = built_site(0x5851_f42d_4c95_7f2d, 30);
    let config = std::fs::read_to_string(site.path("config.toml")).expect("config");
    // The members feed carries the whole text of the newest articles.
    site.write("config.toml", config.replacen("description =", "members_feed = true\ndescription =", 1));
    site.build_ok();
    let plain = output(&site.path("dist"));
    // In the system's temporary folder, then in memory: no temporary file can be made in a folder that is not there.
    for (name, tmp) in [("spilled", std::env::temp_dir()), ("compressed", site.path("no-such-folder"))] {
        let dir = site.path(name);
        let held = std::process::Command::new(env!("CARGO_BIN_EXE_lede"))
            .args(["build", "--out", &dir.to_string_lossy()])
            .env("LEDE_HOLD_MB", "0")
            .env("TMPDIR", &tmp)
            .current_dir(site.root())
            .output()
            .expect("run lede");
        assert!(held.status.success(), "{}", String::from_utf8_lossy(&held.stderr));
        let held = output(&dir);
        assert_eq!(plain.keys().collect::<Vec<_>>(), held.keys().collect::<Vec<_>>());
        for (path, seen) in &plain {
            assert!(seen.bytes == held[path].bytes, "{path} differs when the articles are held aside ({name})");
        }
        let feed = String::from_utf8_lossy(&held["members/atom.xml"].bytes).into_owned();
        assert!(feed.contains("Paid paragraph"), "the members feed carries the paid text: {feed}");
    }
}
