//! The output's promises, on real folders: a failed build leaves the old
//! output, a spare is overwritten in place and never written through a
//! link, a killed build is repaired, two builds never interleave.

use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::staging::OUTPUT_MARKER;
use super::*;

/// A build of `files` (in the public tree, with their contents) into `out`.
fn build(out: &Path, files: &[(&str, &str)]) {
    write_public(Staging::new(out).unwrap(), files).commit().unwrap();
}

/// `staging`, with `files` written into its public tree.
fn write_public(staging: Staging, files: &[(&str, &str)]) -> Staging {
    for (path, text) in files {
        staging.sink().write(Target::Public, path, text.as_bytes()).unwrap();
    }
    staging
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn commit_replaces_old_output_and_drop_leaves_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let s = Staging::new(&out).unwrap();
    s.sink().write(Target::Public, "a/index.html", b"one").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read(out.join("public/a/index.html")).unwrap(), b"one");
    assert_eq!(names(tmp.path()), [".dist.lede-lock", "dist"], "no old output to keep yet");

    let s = Staging::new(&out).unwrap();
    s.sink().write(Target::Public, "a/index.html", b"two").unwrap();
    drop(s);
    assert_eq!(fs::read(out.join("public/a/index.html")).unwrap(), b"one");
    assert_eq!(names(tmp.path()), [".dist.lede-lock", ".dist.lede-spare", "dist"], "a failed build's folder is kept as the spare, nothing else");

    let s = Staging::new(&out).unwrap();
    s.sink().write(Target::Members, "b.html", b"three").unwrap();
    s.commit().unwrap();
    assert!(!out.join("public/a/index.html").exists(), "stale files must go");
    assert!(!out.join("public/a").exists(), "and the folders they leave empty");
    assert!(out.join("members/b.html").exists());
    assert!(out.join(OUTPUT_MARKER).is_file());
    assert_eq!(names(tmp.path()), [".dist.lede-lock", ".dist.lede-spare", "dist"]);
}

#[test]
fn a_build_overwrites_the_spare_in_place_and_clears_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    for (round, files) in [["x/index.html", "keep.txt"], ["y/index.html", "keep.txt"], ["x", "keep.txt/index.html"]].iter().enumerate() {
        let text = round.to_string();
        build(&out, &files.map(|f| (f, text.as_str())));
        let mut found: Vec<String> = walkdir::WalkDir::new(out.join("public"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(out.join("public")).unwrap().to_string_lossy().into_owned())
            .collect();
        found.sort();
        let mut expected: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        expected.sort();
        assert_eq!(found, expected, "round {round}");
        for f in files {
            assert_eq!(fs::read_to_string(out.join("public").join(f)).unwrap(), round.to_string());
        }
    }
    #[cfg(unix)]
    {
        // The file the second-to-last build wrote is overwritten, not replaced by a new one.
        use std::os::unix::fs::MetadataExt;
        let s = Staging::new(&out).unwrap();
        let spare_inode = fs::metadata(s.path().join("public/y/index.html")).unwrap().ino();
        s.sink().write(Target::Public, "y/index.html", b"again").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::metadata(out.join("public/y/index.html")).unwrap().ino(), spare_inode);
    }
}

#[cfg(unix)]
#[test]
fn files_linked_from_elsewhere_are_replaced_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let deployed = tmp.path().join("deployed.html");
    let elsewhere = tmp.path().join("elsewhere");
    fs::write(&elsewhere, "someone else's").unwrap();
    for round in 0..2 {
        build(&out, &[("index.html", &format!("build {round}")), ("link.html", "x")]);
    }
    // A deployment that hard-linked build 0's page, which is now the spare.
    fs::hard_link(tmp.path().join(".dist.lede-spare/public/index.html"), &deployed).unwrap();
    let spare_link = tmp.path().join(".dist.lede-spare/public/link.html");
    fs::remove_file(&spare_link).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &spare_link).unwrap();
    build(&out, &[("index.html", "build 2"), ("link.html", "y")]);
    assert_eq!(fs::read_to_string(out.join("public/index.html")).unwrap(), "build 2");
    assert_eq!(fs::read_to_string(&deployed).unwrap(), "build 0", "the hard-linked copy was written through");
    assert_eq!(fs::read_to_string(&elsewhere).unwrap(), "someone else's", "the link was followed");
    assert!(out.join("public/link.html").symlink_metadata().unwrap().is_file());
}

#[cfg(unix)]
#[test]
fn a_folder_linked_out_of_the_spare_is_not_written_into() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let media = tmp.path().join("media");
    fs::create_dir(&media).unwrap();
    fs::write(media.join("logo.png"), "the real logo").unwrap();
    for _ in 0..2 {
        build(&out, &[("media/logo.png", "built")]);
    }
    // A deployment replaced the folder with a link to assets kept elsewhere.
    let linked = tmp.path().join(".dist.lede-spare/public/media");
    fs::remove_dir_all(&linked).unwrap();
    std::os::unix::fs::symlink(&media, &linked).unwrap();
    build(&out, &[("media/logo.png", "built again")]);
    assert_eq!(fs::read_to_string(media.join("logo.png")).unwrap(), "the real logo");
    assert_eq!(fs::read_to_string(out.join("public/media/logo.png")).unwrap(), "built again");
    assert!(out.join("public/media").symlink_metadata().unwrap().is_dir());
}

#[test]
fn a_spare_that_is_not_ours_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let stranger = tmp.path().join(".dist.lede-spare");
    fs::create_dir(&stranger).unwrap();
    fs::write(stranger.join("precious.txt"), "keep").unwrap();
    for _ in 0..2 {
        build(&out, &[("index.html", "x")]);
    }
    assert_eq!(fs::read_to_string(stranger.join("precious.txt")).unwrap(), "keep");
    assert_eq!(names(&stranger), ["precious.txt"]);
    assert_eq!(names(tmp.path()), [".dist.lede-lock", ".dist.lede-spare", "dist"]);
}

#[test]
fn remove_tree_removes_nested_folders_but_not_what_links_point_to() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("keep");
    fs::create_dir(&keep).unwrap();
    fs::write(keep.join("precious.txt"), "keep").unwrap();
    let old = tmp.path().join("old");
    for i in 0..20 {
        let d = old.join(format!("articles/a{i}/deeper"));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("index.html"), "x").unwrap();
    }
    fs::write(old.join("top.txt"), "x").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&keep, old.join("link")).unwrap();
    remove_tree(&old).unwrap();
    assert!(!old.exists());
    assert!(keep.join("precious.txt").exists());
}

#[test]
fn a_reader_never_finds_the_output_missing_while_builds_swap_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&out, &[("index.html", "first")]);
    let page = out.join("public/index.html");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let misses = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut misses = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if fs::read(&page).is_err() {
                    misses += 1;
                }
            }
            misses
        });
        for round in 0..200 {
            build(&out, &[("index.html", &format!("round {round}"))]);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        reader.join().unwrap()
    });
    assert_eq!(misses, 0, "the page was missing {misses} times");
    assert_eq!(fs::read_to_string(&page).unwrap(), "round 199");
}

#[test]
fn a_build_holds_the_lock_until_it_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let s = Staging::new(&out).unwrap();
    let lock = fs::OpenOptions::new().write(true).open(tmp.path().join(".dist.lede-lock")).unwrap();
    assert!(matches!(lock.try_lock(), Err(fs::TryLockError::WouldBlock)));
    s.commit().unwrap();
    assert!(lock.try_lock().is_ok(), "the lock is released when the build ends");
}

/// A folder as an interrupted build leaves it: marked as lede's, with a page.
fn left_behind(dir: &Path, text: &str) {
    fs::create_dir_all(dir.join("public")).unwrap();
    fs::write(dir.join(OUTPUT_MARKER), "").unwrap();
    fs::write(dir.join("public/index.html"), text).unwrap();
}

#[test]
fn what_a_killed_build_left_is_taken_as_the_spare_or_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build(&out, &[("index.html", "live")]);
    fs::remove_dir_all(tmp.path().join(".dist.lede-spare")).ok();
    for n in 0..3 {
        left_behind(&tmp.path().join(format!(".dist.lede-staging-{n}")), "partial");
    }
    // Another output's leftovers and folders not marked as lede's are not ours to touch.
    left_behind(&tmp.path().join(".site.lede-staging-9"), "other output");
    fs::create_dir(tmp.path().join(".dist.lede-staging-stranger")).unwrap();
    let s = Staging::new(&out).unwrap();
    assert_eq!(s.recovered().len(), 3);
    s.commit().unwrap();
    assert_eq!(names(tmp.path()), [".dist.lede-lock", ".dist.lede-spare", ".dist.lede-staging-stranger", ".site.lede-staging-9", "dist"]);
}

#[test]
fn an_output_moved_aside_by_a_killed_build_is_put_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    left_behind(&tmp.path().join(".dist.lede-old-1"), "last good");
    left_behind(&tmp.path().join(".dist.lede-staging-2"), "half written");
    let s = Staging::new(&out).unwrap();
    assert_eq!(fs::read_to_string(out.join("public/index.html")).unwrap(), "last good");
    drop(s);
    assert_eq!(fs::read_to_string(out.join("public/index.html")).unwrap(), "last good");
    assert_eq!(names(tmp.path()), [".dist.lede-lock", ".dist.lede-spare", "dist"]);
}

#[cfg(unix)]
#[test]
fn a_spare_that_is_a_link_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let elsewhere = tmp.path().join("elsewhere");
    left_behind(&elsewhere, "someone else's");
    fs::write(elsewhere.join("public/keep.txt"), "keep").unwrap();
    std::os::unix::fs::symlink(&elsewhere, tmp.path().join(".dist.lede-spare")).unwrap();
    for round in 0..3 {
        build(&out, &[("index.html", &format!("round {round}"))]);
    }
    assert_eq!(fs::read_to_string(elsewhere.join("public/index.html")).unwrap(), "someone else's");
    assert_eq!(fs::read_to_string(elsewhere.join("public/keep.txt")).unwrap(), "keep");
    assert!(fs::symlink_metadata(&out).unwrap().is_dir(), "the output became the link");
    assert_eq!(fs::read_to_string(out.join("public/index.html")).unwrap(), "round 2");
}

#[test]
fn refuses_a_folder_that_is_not_ours() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
    let err = Staging::new(tmp.path()).unwrap_err();
    assert!(err[0].message.contains("refusing"), "{err}");
    assert!(tmp.path().join("precious.txt").exists());
}

#[test]
fn a_ledger_notes_every_file_and_sees_what_others_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let s = write_public(Staging::new(&out).unwrap(), &[("a/index.html", "one")]);
    s.sink().write(Target::Members, "a/index.html", b"one, whole").unwrap();
    s.sink().write_beside("deploy/nginx/site.conf", b"server {}").unwrap();
    s.commit_noting(Some("abc -")).unwrap();
    let ledger = Ledger::read(&out).expect("a ledger");
    assert_eq!(ledger.inputs.as_deref(), Some("abc -"));
    let mut paths: Vec<&String> = ledger.files.keys().collect();
    paths.sort();
    assert_eq!(paths, ["deploy/nginx/site.conf", "members/a/index.html", "public/a/index.html"]);
    assert_eq!(ledger.files["public/a/index.html"].len, 3);
    assert!(ledger.as_noted(&out));
    let (go, stop) = (AtomicBool::new(false), AtomicBool::new(true));
    assert!(ledger.as_noted_unless(&out, &go));
    assert!(!ledger.as_noted_unless(&out, &stop), "a check told to stop vouches for nothing");

    // Changed by someone else: the same length, a later time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(out.join("public/a/index.html"), b"two").unwrap();
    assert!(!ledger.as_noted(&out));
    assert!(!ledger.as_noted_unless(&out, &go));
    let mut kept = ledger.clone();
    kept.keep_as_noted(&out);
    assert!(!kept.files.contains_key("public/a/index.html"), "a file changed by someone else is no longer vouched for");
    assert!(kept.files.contains_key("members/a/index.html"));

    // A torn or foreign ledger is not read.
    fs::write(out.join(LEDGER_FILE), "lede-ledger 0 0.0.1\ninputs -\n").unwrap();
    assert!(Ledger::read(&out).is_none());
}

#[test]
fn a_rebuild_writes_into_the_spare_only_what_differs_and_keeps_the_times_of_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let time = |rel: &str| fs::metadata(out.join(rel)).unwrap().modified().unwrap();
    let files = [("same.html", "same"), ("edit.html", "old"), ("gone/index.html", "bye")];
    let build = |files: &[(&str, &str)]| write_public(Opening::take(&out).unwrap().begin().unwrap(), files).commit_noting(None).unwrap();
    build(&files);
    let first = time("public/same.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The first rebuild has no spare: every file is written, the unchanged ones with their old time.
    build(&files);
    assert_eq!(time("public/same.html"), first);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let staging = write_public(Opening::take(&out).unwrap().begin().unwrap(), &[("same.html", "same"), ("edit.html", "new"), ("new/index.html", "hello")]);
    assert_eq!(fs::read(out.join("public/edit.html")).unwrap(), b"old", "the output is replaced only at the commit");
    let changes = staging.commit_noting(None).unwrap();
    assert_eq!(
        (changes.added, changes.changed, changes.removed),
        (vec!["public/new/index.html".to_string()], vec!["public/edit.html".to_string()], vec!["public/gone/index.html".to_string()])
    );
    assert_eq!(changes.kept, 1);
    assert_eq!(fs::read(out.join("public/edit.html")).unwrap(), b"new");
    assert_eq!(time("public/same.html"), first, "an unchanged file keeps its time");
    assert!(time("public/edit.html") > first);
    assert!(!out.join("public/gone").exists(), "an emptied folder is removed");
    assert_eq!(names(tmp.path()), [".dist.lede-lock", ".dist.lede-spare", "dist"]);
}

/// An output built with a ledger, opened again for a patch.
fn patch_of(out: &Path, files: &[(&str, &str)]) -> Patch {
    let staging = write_public(Opening::take(out).unwrap().begin().unwrap(), files);
    staging.commit_noting(Some("inputs")).unwrap();
    Opening::take(out).unwrap().patch().expect("a ledger to patch")
}

#[test]
fn a_patch_writes_only_changed_bytes_removes_what_is_gone_and_keeps_the_ledger_true() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let patch = patch_of(&out, &[("same.html", "same"), ("edited.html", "old"), ("articles/gone/index.html", "x"), ("articles/gone/figure.svg", "y")]);
    let same_time = fs::metadata(out.join("public/same.html")).unwrap().modified().unwrap();
    patch.write(Target::Public, "same.html", b"same").unwrap();
    patch.write(Target::Public, "edited.html", b"new").unwrap();
    patch.write(Target::Members, "articles/new/index.html", b"added").unwrap();
    patch.remove_under(&["articles/gone/".to_string()], &Default::default());
    let (changes, written) = patch.commit(Some("next"), 3, &[("cache", Some(b"kept".as_slice()))]).unwrap();
    assert_eq!(written, 2);
    assert_eq!(changes.added, ["members/articles/new/index.html"]);
    assert_eq!(changes.changed, ["public/edited.html"]);
    assert_eq!(changes.removed, ["public/articles/gone/figure.svg", "public/articles/gone/index.html"]);
    assert_eq!(changes.kept, 1);
    assert_eq!(fs::read_to_string(out.join("public/edited.html")).unwrap(), "new");
    assert_eq!(fs::metadata(out.join("public/same.html")).unwrap().modified().unwrap(), same_time, "the same bytes keep their time");
    assert!(!out.join("public/articles").exists(), "a folder left empty goes");
    assert_eq!(fs::read_to_string(out.join("cache")).unwrap(), "kept");
    assert!(articles_in(&out) == Some(3));
    // The ledger notes exactly what is there, with the inputs recorded.
    let ledger = Ledger::read(&out).expect("a ledger");
    assert_eq!(ledger.inputs.as_deref(), Some("next"));
    assert!(ledger.as_noted(&out));
    let mut noted: Vec<&String> = ledger.files.keys().collect();
    noted.sort();
    assert_eq!(noted, ["members/articles/new/index.html", "public/edited.html", "public/same.html"]);
    // No file was left half-written beside its name.
    let strays: Vec<_> =
        walkdir::WalkDir::new(&out).into_iter().filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().contains("lede-new")).collect();
    assert!(strays.is_empty(), "{strays:?}");
}

#[test]
fn a_patch_that_fails_part_way_leaves_no_ledger_for_the_next_build_to_trust() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let patch = patch_of(&out, &[("a.html", "a")]);
    fs::write(out.join("cache"), "old cache").unwrap();
    patch.write(Target::Public, "a.html", b"A").unwrap();
    // A name no file system takes (over 255 bytes): its write fails.
    patch.write(Target::Public, &format!("{}.html", "x".repeat(300)), b"B").unwrap();
    let failed = patch.commit(Some("next"), 1, &[("cache", Some(b"new cache".as_slice()))]);
    assert!(failed.is_err());
    assert!(Ledger::read(&out).is_none(), "the ledger goes before any file is touched");
    assert!(!out.join("cache").exists(), "and the cache with it");
}
