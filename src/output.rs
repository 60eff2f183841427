//! Output: where rendered files go. A build writes into a staging folder
//! beside the old output and swaps it in only when everything succeeded,
//! so a failed build never leaves a half-written `dist/`. The output it
//! replaces is kept as the next build's staging folder.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::diagnostics::Diagnostic;
use crate::target::Target;

/// Somewhere rendered files can be put (disk for builds, memory for the preview).
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated) in `target`'s tree.
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// Writes into a folder holding `public/` and `members/`.
#[derive(Debug)]
pub struct DiskSink {
    root: PathBuf,
    /// Set when the folder holds an earlier build.
    reuse: Option<Reuse>,
}

/// What a sink writing over an earlier build keeps track of.
#[derive(Debug, Default)]
struct Reuse {
    /// Every file written, so that whatever else is there can be cleared away.
    written: Mutex<HashSet<PathBuf>>,
    /// Folders known to be real folders, not links (or files) left there.
    folders: Mutex<HashSet<PathBuf>>,
}

impl DiskSink {
    /// A sink writing below `root`, an empty folder.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DiskSink { root: root.into(), reuse: None }
    }

    /// A sink writing over the earlier build in `root`.
    pub fn reusing(root: impl Into<PathBuf>) -> Self {
        DiskSink { root: root.into(), reuse: Some(Reuse::default()) }
    }

    /// The files written so far, if they are noted.
    fn written(&self) -> Option<std::sync::MutexGuard<'_, HashSet<PathBuf>>> {
        self.reuse.as_ref().map(|r| r.written.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes `dir` and its parents below the root real folders: in an
    /// earlier build's folder, a link there would send files elsewhere (a
    /// deployment may have linked a folder out), and a file may stand where
    /// this build wants a folder. Each folder is looked at once.
    fn real_folders(&self, reuse: &Reuse, dir: &Path) -> std::io::Result<()> {
        let below_root: Vec<&Path> = dir.ancestors().take_while(|a| a.starts_with(&self.root) && *a != self.root).collect();
        for folder in below_root.into_iter().rev() {
            if reuse.folders.lock().unwrap_or_else(PoisonError::into_inner).contains(folder) {
                continue;
            }
            match fs::symlink_metadata(folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    fs::remove_file(folder)?;
                    create_folder(folder)?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_folder(folder)?,
                Err(e) => return Err(e),
            }
            reuse.folders.lock().unwrap_or_else(PoisonError::into_inner).insert(folder.to_path_buf());
        }
        Ok(())
    }
}

/// Creates a folder another thread may be creating too.
fn create_folder(dir: &Path) -> std::io::Result<()> {
    match fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

impl Sink for DiskSink {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let full = self.root.join(target.dir()).join(path);
        let parent = full.parent().unwrap_or(&self.root);
        let Some(reuse) = &self.reuse else {
            fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
            return fs::write(&full, bytes).map_err(|e| Diagnostic::io(&full, "write the file", &e));
        };
        self.real_folders(reuse, parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
        overwrite(&full, bytes).map_err(|e| Diagnostic::io(&full, "write the file", &e))?;
        reuse.written.lock().unwrap_or_else(PoisonError::into_inner).insert(full);
        Ok(())
    }
}

/// Writes `bytes` over the file at `path`, in place when it exists: the
/// blocks it has are written again rather than freed and allocated anew
/// (which a truncating write does, at a cost on disks that discard freed
/// blocks), and only a tail it no longer needs is cut off. A file with other
/// names (a deployment hard-linked from an earlier output) or a link is
/// replaced instead, never written through.
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && has_one_name(&meta) => {
            let mut file = fs::OpenOptions::new().write(true).truncate(false).open(path)?;
            file.write_all(bytes)?;
            file.set_len(bytes.len() as u64)
        }
        Ok(meta) => {
            if meta.is_dir() {
                fs::remove_dir_all(path)?;
            } else {
                fs::remove_file(path)?;
            }
            fs::write(path, bytes)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs::write(path, bytes),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn has_one_name(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() == 1
}

/// Where links cannot be counted, files are replaced, never overwritten.
#[cfg(not(unix))]
fn has_one_name(_: &fs::Metadata) -> bool {
    false
}

/// The file that marks a folder as lede's output, so we never replace anyone else's.
pub const OUTPUT_MARKER: &str = ".lede-output";

/// What the marker says to whoever opens it.
const MARKER_TEXT: &str = "This folder is written by `lede build`; it is replaced on every build.\n";

/// How many articles the output at `out` publishes, as its build noted (None when it noted nothing).
pub fn articles_in(out: &Path) -> Option<usize> {
    let text = fs::read_to_string(out.join(OUTPUT_MARKER)).ok()?;
    text.lines().find_map(|l| l.strip_prefix("articles = ")).and_then(|n| n.trim().parse().ok())
}

/// A build in progress, in a hidden folder beside the output.
///
/// The output a build replaces is not deleted but kept beside it as the
/// spare (`.dist.lede-spare` for `dist`), and the next build writes into
/// that spare, overwriting its files in place, then clears what it did not
/// write and swaps it in. Deleting tens of thousands of files and creating
/// as many new ones costs as much as rendering them, and on an ext4 without
/// a journal every file created in the minutes after a deletion costs
/// ~0.5 ms more (the allocator steps over recently freed inodes): three
/// builds in a row into one `dist/` took 2.0, 3.0 and 5.3 s that way.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    spare: PathBuf,
    /// The start of the names of this output's staging and old folders (`.dist.lede-`).
    prefix: String,
    /// Names this build's folders apart from any other's.
    unique: String,
    sink: DiskSink,
    done: bool,
    /// Held until the build ends: one build of an output at a time.
    _lock: fs::File,
    /// Folders an interrupted build had left, which this one took or removed.
    recovered: Vec<PathBuf>,
}

impl Staging {
    /// Prepares a staging folder for `out`, refusing an `out` that is not
    /// ours. Waits while another build of the same output runs, then
    /// clears what an interrupted build left beside it.
    pub fn new(out: &Path) -> Result<Staging, Diagnostic> {
        check_replaceable(out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Diagnostic::io(&parent, "create the folder", &e))?;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dist".into());
        let prefix = format!(".{name}.lede-");
        let lock = take_lock(&parent.join(format!("{prefix}lock")))?;
        let spare = parent.join(format!("{prefix}spare"));
        let recovered = recover(&parent, &prefix, out, &spare);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let unique = format!("{}-{nanos}", std::process::id());
        let dir = parent.join(format!("{prefix}staging-{unique}"));
        let reused = is_ours(&spare) && fs::rename(&spare, &dir).is_ok();
        if !reused {
            fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create a staging folder", &e))?;
        }
        let marker = dir.join(OUTPUT_MARKER);
        if let Err(e) = fs::write(&marker, MARKER_TEXT) {
            let _ = remove_tree(&dir);
            return Err(Diagnostic::io(&marker, "write the file", &e));
        }
        let sink = if reused { DiskSink::reusing(&dir) } else { DiskSink::new(&dir) };
        Ok(Staging { dir, out: out.to_path_buf(), spare, prefix, unique, sink, done: false, _lock: lock, recovered })
    }

    /// Notes in the output how many articles it publishes, for the next build to compare with.
    pub fn record_articles(&self, articles: usize) -> Result<(), Diagnostic> {
        let marker = self.dir.join(OUTPUT_MARKER);
        fs::write(&marker, format!("{MARKER_TEXT}articles = {articles}\n")).map_err(|e| Diagnostic::io(&marker, "write the file", &e))
    }

    /// Folders that an interrupted build had left beside the output, which this build took as its spare or removed.
    pub fn recovered(&self) -> &[PathBuf] {
        &self.recovered
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where the build writes.
    pub fn sink(&self) -> &DiskSink {
        &self.sink
    }

    /// Clears what the build did not write, then swaps it in place of the
    /// old output, which becomes the spare. Where the system can exchange
    /// two folders in one step (Linux's `renameat2` with `RENAME_EXCHANGE`),
    /// the output never stops existing: a reader sees the old build or the
    /// new one, whole. Elsewhere the old output is moved aside first, and
    /// a build killed in between is repaired by the next one.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        self.clear_unwritten();
        let out = self.out.clone();
        let old = match fs::symlink_metadata(&out) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            _ => match exchange(&self.dir, &out) {
                Ok(()) => {
                    // The new build is live; its folder now holds the old one.
                    self.done = true;
                    Some(self.dir.clone())
                }
                Err(e) if exchange_unsupported(&e) => {
                    let old = out.with_file_name(format!("{}old-{}", self.prefix, self.unique));
                    fs::rename(&out, &old).map_err(|e| Diagnostic::io(&out, "move the old output aside", &e))?;
                    Some(old)
                }
                Err(e) => return Err(Diagnostic::io(&out, "swap the new output in", &e)),
            },
        };
        if !self.done {
            if let Err(e) = fs::rename(&self.dir, &out) {
                if let Some(old) = &old {
                    let _ = fs::rename(old, &out);
                }
                return Err(Diagnostic::io(&out, "move the new output into place", &e));
            }
            self.done = true;
        }
        if let Some(old) = old {
            // The old output is the next build's spare.
            keep_as_spare(&old, &self.spare);
        }
        Ok(())
    }

    /// Removes the files of a reused spare that this build did not write, and
    /// folders left empty (nothing to do in a folder the build started empty).
    fn clear_unwritten(&self) {
        let Some(written) = self.sink.written() else { return };
        let marker = self.dir.join(OUTPUT_MARKER);
        for entry in walkdir::WalkDir::new(&self.dir).min_depth(1).contents_first(true).into_iter().filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_type().is_dir() {
                // Fails, as it should, while the folder still holds something.
                let _ = fs::remove_dir(path);
            } else if path != marker && !written.contains(path) {
                let _ = fs::remove_file(path);
            }
        }
    }
}

impl Drop for Staging {
    /// A build that failed leaves the output alone; what it wrote is kept as the spare.
    fn drop(&mut self) {
        if !self.done {
            keep_as_spare(&self.dir, &self.spare);
        }
    }
}

/// Takes the lock beside an output, waiting while another build holds it.
/// The lock is the file's, not its name's: a build killed while holding it
/// releases it with its process.
fn take_lock(path: &Path) -> Result<fs::File, Diagnostic> {
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(|e| Diagnostic::io(path, "create the lock file", &e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another build of the same output to finish ({})", path.display());
            file.lock().map_err(|e| Diagnostic::io(path, "lock the output", &e))?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(Diagnostic::io(path, "lock the output", &e)),
    }
    Ok(file)
}

/// Makes `dir`, a whole folder of lede's, the spare when there is none
/// (anything at the spare's name, a link included, is never replaced), and
/// removes it otherwise. Whether it is gone from where it was.
fn keep_as_spare(dir: &Path, spare: &Path) -> bool {
    let taken = fs::symlink_metadata(spare).is_err() && fs::rename(dir, spare).is_ok();
    taken || remove_tree(dir).is_ok()
}

/// Whether `dir` is a real folder (not a link to one) that lede wrote.
fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) && dir.join(OUTPUT_MARKER).is_file()
}

/// Repairs what a build killed part-way left beside `out` (holding the
/// lock, so no build of `out` is running): the old output put back if the
/// output is missing, a staging folder taken as the spare if there is none,
/// the rest removed. Only folders named for this output and marked as
/// lede's are touched. Returns the folders it dealt with.
fn recover(parent: &Path, prefix: &str, out: &Path, spare: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(parent) else { return Vec::new() };
    let mut left: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with("staging-") || rest.starts_with("old-"))
        })
        .map(|e| e.path())
        .filter(|p| is_ours(p))
        .collect();
    left.sort();
    let mut recovered = Vec::new();
    if fs::symlink_metadata(out).is_err()
        && let Some(i) = left.iter().position(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{prefix}old-"))))
    {
        let old = left.remove(i);
        if fs::rename(&old, out).is_ok() {
            recovered.push(old);
        }
    }
    for dir in left {
        if keep_as_spare(&dir, spare) {
            recovered.push(dir);
        }
    }
    recovered
}

/// Exchanges two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Without an exchange call, the caller moves the old output aside first.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether an exchange failed because the system or file system cannot do one (rather than for a reason a plain rename would share).
#[cfg(target_os = "linux")]
fn exchange_unsupported(e: &std::io::Error) -> bool {
    use rustix::io::Errno;
    let unsupported = [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP].map(|n| n.raw_os_error());
    e.raw_os_error().is_some_and(|code| unsupported.contains(&code))
}

#[cfg(not(target_os = "linux"))]
fn exchange_unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
}

/// Removes a folder and everything in it, subfolders in parallel: an old
/// output holds tens of thousands of files, and deleting them one by one
/// would take as long as writing them.
pub fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        // `file_type` does not follow links: a link to a folder is removed, not its target.
        if entry.file_type()?.is_dir() { remove_tree(&entry.path()) } else { fs::remove_file(entry.path()) }
    })?;
    fs::remove_dir(dir)
}

/// `out` may be replaced only if it is missing, empty, or was written by lede.
fn check_replaceable(out: &Path) -> Result<(), Diagnostic> {
    match fs::read_dir(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Diagnostic::file(out, "the output path is a file, not a folder")),
        Err(e) => Err(Diagnostic::io(out, "read the output folder", &e)),
        Ok(mut entries) => {
            if entries.next().is_none() || out.join(OUTPUT_MARKER).is_file() {
                Ok(())
            } else {
                Err(Diagnostic::file(
                    out,
                    format!(
                        "refusing to replace this folder: it is not empty and was not written by lede (no {OUTPUT_MARKER} file); choose another --out or empty it yourself"
                    ),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build of `files` (in the public tree, with their contents) into `out`.
    fn build(out: &Path, files: &[(&str, &str)]) {
        let s = Staging::new(out).unwrap();
        for (path, text) in files {
            s.sink().write(Target::Public, path, text.as_bytes()).unwrap();
        }
        s.commit().unwrap();
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
        assert!(err.message.contains("refusing"), "{err}");
        assert!(tmp.path().join("precious.txt").exists());
    }
}
