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
        if entry.file_type().is_dir() || rel == ".lede-ledger" || rel == ".lede-output" || rel == ".lede-library" || rel == "changed.txt" {
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

/// Checks that the output equals, file for file and byte for byte, a clean build of the same site.
fn equals_clean(site: &Site, clean_dir: &Path, what: &str) {
    let after = output(&site.path("dist"));
    let _ = std::fs::remove_dir_all(clean_dir);
    let clean = site.lede(&["build", "--out", &clean_dir.to_string_lossy()]);
    assert!(clean.status.success(), "clean build after {what}: {}", String::from_utf8_lossy(&clean.stderr));
    let clean = output(clean_dir);

    let paths: Vec<&String> = after.keys().collect();
    let clean_paths: Vec<&String> = clean.keys().collect();
    let extra: Vec<&&String> = paths.iter().filter(|p| !clean.contains_key(**p)).collect();
    let missing: Vec<&&String> = clean_paths.iter().filter(|p| !after.contains_key(**p)).collect();
    assert_eq!(paths, clean_paths, "after {what}: the rebuilt output has other files than a clean build: {extra:?} more, {missing:?} missing");
    for (path, seen) in &after {
        assert!(seen.bytes == clean[path].bytes, "after {what}: {path} differs from a clean build's");
    }
}

/// Builds `site` over its last output and checks it against a clean
/// build; returns what the rebuild printed.
fn rebuild_and_compare(site: &Site, clean_dir: &Path, what: &str) -> String {
    let before = output(&site.path("dist"));
    let built = site.lede(&["build"]);
    let stdout = String::from_utf8_lossy(&built.stdout).into_owned();
    assert!(built.status.success(), "after {what}: {stdout}\n{}", String::from_utf8_lossy(&built.stderr));
    let after = output(&site.path("dist"));

    equals_clean(site, clean_dir, what);
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
    stdout
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

/// Sets the time of every input file changed in the last seconds an hour
/// back, leaving the others as they are: files a build looks at in the
/// seconds after they were written are read again by the next build, as
/// their time cannot yet be trusted.
fn settle(site: &Site) {
    let now = SystemTime::now();
    for dir in ["config.toml", "content", "templates", "static"] {
        for e in walkdir::WalkDir::new(site.path(dir)).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
            let recent = e.metadata().ok().and_then(|m| m.modified().ok()).is_some_and(|t| t + Duration::from_secs(5) > now);
            if recent {
                std::fs::File::options().write(true).open(e.path()).expect("open").set_modified(now - Duration::from_secs(3600)).expect("set time");
            }
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

/// What a build that starts from the last build's cache says.
const FROM_CACHE: &str = "From the last build's cache";

/// Settings that let a rebuild after an edit of articles start from the
/// cache (no search index, which is made from every article's text), with
/// everything an article edit reaches: short listing pages, a members feed
/// that carries the whole text, a short feed, and deploy files that list
/// every redirect.
const CACHED_CONFIG: &str = "paginate_by = 2\nfeed_limit = 3\nmembers_feed = true\n";

/// One random edit of the articles alone (or, once in a while, of the
/// templates or settings); returns what it did and whether only articles changed.
fn article_edit(site: &Site, rng: &mut Rng, counter: &mut usize) -> (String, bool) {
    let names = articles(site);
    let any = |rng: &mut Rng| names[rng.below(names.len())].clone();
    *counter += 1;
    let n = *counter;
    let file = |name: &str| if name.ends_with(".md") { format!("content/articles/{name}") } else { format!("content/articles/{name}/index.md") };
    let done = match rng.below(14) {
        0 | 1 => {
            site.write(&format!("content/articles/new-{n}.md"), article_text(rng, n));
            format!("added new-{n}")
        }
        2 if names.len() > 4 => {
            let name = any(rng);
            let path = site.path(&format!("content/articles/{name}"));
            if path.is_dir() {
                std::fs::remove_dir_all(path).expect("delete")
            } else {
                std::fs::remove_file(path).expect("delete")
            }
            format!("deleted {name}")
        }
        3 => {
            let name = any(rng);
            let to = if name.ends_with(".md") { format!("renamed-{n}.md") } else { format!("renamed-{n}") };
            std::fs::rename(site.path(&format!("content/articles/{name}")), site.path(&format!("content/articles/{to}"))).expect("rename");
            format!("renamed {name} to {to}")
        }
        4 | 5 => {
            let name = any(rng);
            site.write(&file(&name), article_text(rng, n));
            format!("rewrote {name}")
        }
        6 => {
            let name = any(rng);
            let text = site.read(&file(&name)).replace("More paid text", &format!("Revised paid text {n}"));
            site.write(&file(&name), text);
            format!("edited the paid part of {name}")
        }
        7 => {
            // Held back, or published again.
            let name = any(rng);
            let text = site.read(&file(&name));
            let text =
                if text.contains("draft = true") { text.replace("draft = true\n", "") } else { text.replacen("+++\ntitle", "+++\ndraft = true\ntitle", 1) };
            site.write(&file(&name), text);
            format!("made {name} a draft, or published it")
        }
        8 => {
            // Scheduled for a later year: held back until then.
            let name = any(rng);
            let text = site.read(&file(&name)).replacen("date = 2025-", "date = 2091-", 1);
            site.write(&file(&name), text);
            format!("scheduled {name}")
        }
        9 => {
            // An old address that redirects to it.
            let name = any(rng);
            let text = site.read(&file(&name)).replacen("+++\ntitle", &format!("+++\naliases = [\"/old/{n}/\"]\ntitle"), 1);
            site.write(&file(&name), text);
            format!("gave {name} the alias /old/{n}/")
        }
        10 => {
            // A bundle: a folder with its figure beside the Markdown.
            let text = article_text(rng, n).replace("Second free paragraph", "![A figure](figure.svg)\n\nSecond free paragraph");
            site.write(&format!("content/articles/bundle-{n}/index.md"), text);
            site.write(
                &format!("content/articles/bundle-{n}/figure.svg"),
                format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{n}\" height=\"2\"></svg>"),
            );
            format!("added the bundle bundle-{n}")
        }
        11 => {
            // The same bytes again.
            let name = any(rng);
            let text = site.read(&file(&name));
            site.write(&file(&name), text);
            format!("saved {name} unchanged")
        }
        12 => {
            let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/base.html")).expect("theme");
            site.write("templates/base.html", format!("{base}<!-- revision {n} -->\n"));
            return (format!("changed the base template ({n})"), false);
        }
        _ => {
            let config = site.read("config.toml");
            let config = if config.contains("paginate_by = 2") {
                config.replace("paginate_by = 2", "paginate_by = 3")
            } else {
                config.replace("paginate_by = 3", "paginate_by = 2")
            };
            site.write("config.toml", config);
            return ("changed the settings (paginate_by)".to_string(), false);
        }
    };
    (done, true)
}

/// A rebuild after an edit of a few articles starts from the cache the
/// last build left in its output and renders only what the edit touches;
/// over random edits (articles added, rewritten, deleted, renamed, made
/// drafts, scheduled, given old addresses, bundles with figures), its
/// output must be byte for byte a clean build's, and each file whose bytes
/// did not change must keep its time. Template and settings changes in
/// between take a whole build, and the cache after them must serve again.
#[test]
fn cached_rebuilds_over_random_article_edits_equal_clean_builds() {
    for seed in [0x6a09_e667_f3bc_c908_u64, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1] {
        random_cached_rebuilds(seed, false, 16);
    }
}

/// The same with search on: each index whose articles an edit changed is
/// made again (its articles read again) and the others left as they are,
/// and the output is still a clean build's, its search files too.
#[test]
fn cached_rebuilds_with_search_equal_clean_builds() {
    for seed in [0x510e_527f_ade6_82d1_u64, 0x9b05_688c_2b3e_6c1f] {
        random_cached_rebuilds(seed, true, 10);
    }
}

fn random_cached_rebuilds(seed: u64, search: bool, steps: usize) {
    let site = Site::new();
    let config = common::CONFIG.replace("https://members.fixture.example", "https://fixture.example/members");
    let config = format!(
        "{CACHED_CONFIG}{config}\n[search]\nenabled = {search}\n\n[deploy]\nhosts = [\"nginx\", \"netlify\"]\ncheck_url = \"http://127.0.0.1:9/check\"\nroot = \"/srv/fixture\"\n"
    );
    site.write("config.toml", config);
    let mut rng = Rng(seed);
    for i in 0..8 {
        site.write(&format!("content/articles/first-{i}.md"), article_text(&mut rng, 1000 + i));
    }
    site.write("content/about.md", "+++\ntitle = \"About\"\n+++\nWho we are.\n");
    settle(&site);
    site.build_ok();
    let mut counter = 0;
    let mut cached = 0;
    for step in 0..steps {
        let (mut done, mut articles_only) = article_edit(&site, &mut rng, &mut counter);
        if rng.below(3) == 0 {
            let (more, only) = article_edit(&site, &mut rng, &mut counter);
            done = format!("{done}, then {more}");
            articles_only &= only;
        }
        let what = format!("step {step} of seed {seed:#x}: {done}");
        settle(&site);
        let said = rebuild_and_compare(&site, &site.path("clean"), &what);
        // A rebuild right after a whole one (the cache then holds every file) starts from it.
        assert_eq!(said.contains(FROM_CACHE), articles_only, "after {what}: {said}");
        if search && articles_only {
            assert!(said.contains("Search: "), "after {what}: {said}");
        }
        cached += usize::from(articles_only);
    }
    assert!(cached >= steps / 2, "seed {seed:#x}: only {cached} of {steps} rebuilds started from the cache");
}

/// A site whose rebuilds after an edit of articles start from the cache, built once with its files settled.
fn cached_site(articles: usize) -> Site {
    let site = Site::new();
    site.write("config.toml", format!("{CACHED_CONFIG}{}\n[search]\nenabled = false\n", common::CONFIG));
    let mut rng = Rng(0x1f83_d9ab_fb41_bd6b);
    for i in 0..articles {
        site.write(&format!("content/articles/first-{i}.md"), article_text(&mut rng, 1000 + i));
    }
    settle(&site);
    site.build_ok();
    site
}

/// What a failed or refused build must leave: every file of the output, its ledger and its cache.
fn whole_output(site: &Site) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    site.files_under("dist")
}

#[test]
fn a_cached_rebuild_refuses_a_broken_edit_and_mends_an_output_changed_by_hand_or_a_spoilt_cache() {
    let site = cached_site(6);
    // A broken article: the problem, located, and the output as it was.
    let before = whole_output(&site);
    site.write("content/articles/first-2.md", "+++\ntitle = \"Broken\"\ndate = 2025-13-40\n+++\nText.\n");
    settle(&site);
    let failed = site.build_err();
    assert!(failed.contains("content/articles/first-2.md:3:8"), "{failed}");
    assert_eq!(whole_output(&site), before, "a refused build leaves the output, its ledger and its cache");

    // Mended, it starts from the cache again.
    let mut rng = Rng(5);
    site.write("content/articles/first-2.md", article_text(&mut rng, 2));
    settle(&site);
    let said = rebuild_and_compare(&site, &site.path("clean"), "mending first-2");
    assert!(said.contains(FROM_CACHE), "{said}");

    // A page of the output changed by hand: the output can no longer be
    // vouched for, and the next build is whole, which puts it right.
    std::fs::write(site.path("dist/public/index.html"), "defaced").expect("write");
    site.write("content/articles/first-3.md", article_text(&mut rng, 3));
    settle(&site);
    let said = site.build_ok();
    equals_clean(&site, &site.path("clean"), "an edit after the output was changed by hand");
    assert!(!said.contains(FROM_CACHE), "{said}");

    // A spoilt cache is not read: the build is whole, and writes a good one.
    std::fs::write(site.path("dist/.lede-library"), b"\x00\x01not a cache").expect("write");
    site.write("content/articles/first-4.md", article_text(&mut rng, 4));
    settle(&site);
    let said = rebuild_and_compare(&site, &site.path("clean"), "an edit after the cache was spoilt");
    assert!(!said.contains(FROM_CACHE), "{said}");
    site.write("content/articles/first-5.md", article_text(&mut rng, 5));
    settle(&site);
    let said = rebuild_and_compare(&site, &site.path("clean"), "an edit after a whole build wrote the cache again");
    assert!(said.contains(FROM_CACHE), "{said}");

    // Deleting every article is refused without --allow-empty, as in a whole build.
    for i in 0..6 {
        std::fs::remove_file(site.path(&format!("content/articles/first-{i}.md"))).expect("delete");
    }
    settle(&site);
    let before = whole_output(&site);
    let refused = site.build_err();
    assert!(refused.contains("publishes no articles"), "{refused}");
    assert_eq!(whole_output(&site), before);
}

#[test]
fn an_edit_undone_takes_its_search_index_from_the_cache() {
    let site = Site::new();
    site.write("config.toml", format!("{CACHED_CONFIG}{}\n[search]\nenabled = true\n", common::CONFIG));
    let mut rng = Rng(0x2b99_f2e1_0c6a_1d35);
    for i in 0..4 {
        site.write(&format!("content/articles/first-{i}.md"), article_text(&mut rng, 1000 + i));
    }
    settle(&site);
    site.build_ok();
    let trees = || [site.files_under("dist/public"), site.files_under("dist/members")];
    let clean = trees();
    let path = "content/articles/first-2.md";
    let before = site.read(path);
    // An edit to the end of the paid part, then the edit undone.
    site.write(path, format!("{before}\nA closing paragraph the editor cut again.\n"));
    settle(&site);
    let edited = site.build_ok();
    assert!(edited.contains(FROM_CACHE) && edited.contains("made again"), "{edited}");
    site.write(path, &before);
    settle(&site);
    let undone = site.build_ok();
    assert!(undone.contains(FROM_CACHE), "{undone}");
    assert!(undone.contains("indexes as they were, 1 from the cache"), "the index of before the edit is kept: {undone}");
    assert!(!undone.contains("made again"), "{undone}");
    // Both trees as the first build wrote them (the ledger and the cache note other times).
    assert!(trees() == clean, "the trees are as the first build wrote them");
}
