//! A build in progress: a staging folder beside the output, swapped in
//! only when everything succeeded, so a failed build never leaves a
//! half-written `dist/`; the output it replaces is kept as the next
//! build's spare. Also the lock that keeps two builds of one output apart
//! and the repair of what an interrupted build left.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Changes, DiskSink};
use crate::diagnostics::{Diagnostic, Result};

/// The file that marks a folder as lede's output, so we never replace anyone else's.
pub(super) const OUTPUT_MARKER: &str = ".lede-output";

/// What the marker says to whoever opens it.
const MARKER_TEXT: &str = "This folder is written by `lede build`; it is replaced on every build.\n";

/// How many articles the output at `out` publishes, as its build noted (None when it noted nothing).
pub fn articles_in(out: &Path) -> Option<usize> {
    let text = fs::read_to_string(out.join(OUTPUT_MARKER)).ok()?;
    text.lines().find_map(|l| l.strip_prefix("articles = ")).and_then(|n| n.trim().parse().ok())
}

/// The right to build an output, held until the build ends: its lock,
/// taken once the output is known to be lede's, after which what an
/// interrupted build left beside it has been repaired.
#[derive(Debug)]
pub struct Held {
    out: PathBuf,
    parent: PathBuf,
    /// The start of the names of this output's staging and old folders (`.dist.lede-`).
    prefix: String,
    /// Names this build's folders apart from any other's.
    unique: String,
    /// One build of an output at a time.
    _lock: fs::File,
    /// Folders an interrupted build had left, which this one took or removed.
    recovered: Vec<PathBuf>,
}

impl Held {
    /// Takes the lock of `out`, refusing an `out` that is not ours, waiting
    /// while another build of the same output runs, then clears what an
    /// interrupted build left beside it.
    pub fn take(out: &Path) -> Result<Held> {
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
        Ok(Held { out: out.to_path_buf(), parent, prefix, unique, _lock: lock, recovered })
    }

    /// The output.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// This build's folder of the given kind beside the output (`.dist.lede-staging-<unique>`).
    fn beside(&self, kind: &str) -> PathBuf {
        self.parent.join(format!("{}{kind}-{}", self.prefix, self.unique))
    }

    /// Where the output a whole build replaces is kept.
    fn spare(&self) -> PathBuf {
        self.parent.join(format!("{}spare", self.prefix))
    }

    /// Folders that an interrupted build had left beside the output, which this build took as its spare or removed.
    pub fn recovered(&self) -> &[PathBuf] {
        &self.recovered
    }
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
    sink: DiskSink,
    done: bool,
    held: Held,
}

impl Staging {
    /// Prepares a staging folder for `out`, refusing an `out` that is not
    /// ours. Waits while another build of the same output runs, then
    /// clears what an interrupted build left beside it.
    pub fn new(out: &Path) -> Result<Staging> {
        Staging::within(Held::take(out)?, None)
    }

    /// Prepares a staging folder for the output `held`.
    pub fn within(held: Held, live: Option<super::Ledger>) -> Result<Staging> {
        let spare = held.spare();
        let dir = held.beside("staging");
        let reused = is_ours(&spare) && fs::rename(&spare, &dir).is_ok();
        if !reused {
            fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create a staging folder", &e))?;
        }
        // The spare's ledger says which of its files hold which bytes, as far as they are still as noted.
        let base = if reused { super::Ledger::read(&dir).filter(|_| live.is_some()) } else { None };
        let base = base.map(|mut b| {
            b.keep_as_noted(&dir);
            b.files
        });
        let _ = fs::remove_file(dir.join(super::ledger::LEDGER_FILE));
        let marker = dir.join(OUTPUT_MARKER);
        if let Err(e) = fs::write(&marker, MARKER_TEXT) {
            let _ = remove_tree(&dir);
            return Err(Diagnostic::io(&marker, "write the file", &e).into());
        }
        let sink = if reused { DiskSink::reusing(&dir) } else { DiskSink::new(&dir) };
        let sink = sink.knowing(base, live.map(|l| l.files));
        Ok(Staging { dir, sink, done: false, held })
    }

    /// Notes in the output how many articles it publishes, for the next build to compare with.
    pub fn record_articles(&self, articles: usize) -> Result<()> {
        let marker = self.dir.join(OUTPUT_MARKER);
        Ok(fs::write(&marker, marker_text(articles)).map_err(|e| Diagnostic::io(&marker, "write the file", &e))?)
    }

    /// Folders that an interrupted build had left beside the output, which this build took as its spare or removed.
    pub fn recovered(&self) -> &[PathBuf] {
        self.held.recovered()
    }

    /// Writes a file beside the trees that the ledger does not note (the build cache).
    pub fn write_cache(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(name);
        fs::write(&path, bytes).map_err(|e| Diagnostic::io(&path, "write the file", &e))?;
        // Kept when the rest of the spare is cleared.
        if let Some(mut written) = self.sink.written() {
            written.insert(path);
        }
        Ok(())
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
    pub fn commit(self) -> Result<()> {
        self.commit_noting(None).map(drop)
    }

    /// Commits, with a ledger that records `inputs` (the fingerprint of
    /// what the build read) for the next build to compare with; returns
    /// how the new output differs from the one it replaced.
    pub fn commit_noting(mut self, inputs: Option<&str>) -> Result<Changes> {
        self.clear_unwritten();
        let stamps = self.sink.take_stamps();
        let ledger_at = self.dir.join(super::ledger::LEDGER_FILE);
        super::Ledger::write(&self.dir, &stamps, inputs).map_err(|e| Diagnostic::io(&ledger_at, "write the file", &e))?;
        let changes = Changes::between(&stamps, self.sink.live());
        drop(stamps);
        let out = self.held.out.clone();
        let old = match fs::symlink_metadata(&out) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            _ => match exchange(&self.dir, &out) {
                Ok(()) => {
                    // The new build is live; its folder now holds the old one.
                    self.done = true;
                    Some(self.dir.clone())
                }
                Err(e) if exchange_unsupported(&e) => {
                    let old = self.held.beside("old");
                    fs::rename(&out, &old).map_err(|e| Diagnostic::io(&out, "move the old output aside", &e))?;
                    Some(old)
                }
                Err(e) => return Err(Diagnostic::io(&out, "swap the new output in", &e).into()),
            },
        };
        if !self.done {
            if let Err(e) = fs::rename(&self.dir, &out) {
                if let Some(old) = &old {
                    let _ = fs::rename(old, &out);
                }
                return Err(Diagnostic::io(&out, "move the new output into place", &e).into());
            }
            self.done = true;
        }
        if let Some(old) = old {
            // The old output is the next build's spare.
            keep_as_spare(&old, &self.held.spare());
        }
        Ok(changes)
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
            keep_as_spare(&self.dir, &self.held.spare());
        }
    }
}

/// What the marker says of an output that publishes `articles` articles.
pub(super) fn marker_text(articles: usize) -> String {
    format!("{MARKER_TEXT}articles = {articles}\n")
}

/// Takes the lock beside an output, waiting while another build holds it.
/// The lock is the file's, not its name's: a build killed while holding it
/// releases it with its process.
fn take_lock(path: &Path) -> Result<fs::File> {
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(|e| Diagnostic::io(path, "create the lock file", &e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another build of the same output to finish ({})", path.display());
            file.lock().map_err(|e| Diagnostic::io(path, "lock the output", &e))?;
        }
        Err(fs::TryLockError::Error(e)) => return Err(Diagnostic::io(path, "lock the output", &e).into()),
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
fn check_replaceable(out: &Path) -> Result<()> {
    match fs::read_dir(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Diagnostic::file(out, "the output path is a file, not a folder").into()),
        Err(e) => Err(Diagnostic::io(out, "read the output folder", &e).into()),
        Ok(mut entries) => {
            if entries.next().is_none() || out.join(OUTPUT_MARKER).is_file() {
                Ok(())
            } else {
                Err(Diagnostic::file(
                    out,
                    format!(
                        "refusing to replace this folder: it is not empty and was not written by lede (no {OUTPUT_MARKER} file); choose another --out or empty it yourself"
                    ),
                )
                .into())
            }
        }
    }
}
