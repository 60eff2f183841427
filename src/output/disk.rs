//! A folder on disk holding `public/` and `members/`, written fresh or
//! over an earlier build in place.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::Sink;
use super::ledger::{self, Stamp};
use crate::diagnostics::{Diagnostic, Result};
use crate::target::Target;

/// Writes into a folder holding `public/` and `members/`.
#[derive(Debug)]
pub struct DiskSink {
    root: PathBuf,
    /// Set when the folder holds an earlier build.
    reuse: Option<Reuse>,
    /// What was written, for the output's ledger.
    stamps: Mutex<HashMap<String, Stamp>>,
    /// The files already in the folder (a reused spare), as its ledger notes them: not written again when their bytes are the same.
    base: Option<HashMap<String, Stamp>>,
    /// The files of the output being replaced: a file written with the bytes it has there gets its time, so times follow real changes.
    live: Option<HashMap<String, Stamp>>,
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
        DiskSink { root: root.into(), reuse: None, stamps: Mutex::default(), base: None, live: None }
    }

    /// A sink writing over the earlier build in `root`.
    pub fn reusing(root: impl Into<PathBuf>) -> Self {
        DiskSink { root: root.into(), reuse: Some(Reuse::default()), stamps: Mutex::default(), base: None, live: None }
    }

    /// The sink, knowing the files already in its folder (`base`, only for a
    /// reused folder) and those of the output it will replace (`live`).
    pub(super) fn knowing(self, base: Option<HashMap<String, Stamp>>, live: Option<HashMap<String, Stamp>>) -> Self {
        DiskSink { base: base.filter(|_| self.reuse.is_some()), live, ..self }
    }

    /// The files of the output this folder will replace, as its ledger notes them.
    pub(super) fn live(&self) -> Option<&HashMap<String, Stamp>> {
        self.live.as_ref()
    }

    /// Every file written, by path below the root, as the output's ledger notes them.
    pub(super) fn take_stamps(&self) -> HashMap<String, Stamp> {
        std::mem::take(&mut *self.stamps.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The files written so far, if they are noted.
    pub(super) fn written(&self) -> Option<std::sync::MutexGuard<'_, HashSet<PathBuf>>> {
        self.reuse.as_ref().map(|r| r.written.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Makes `dir` and its parents below `root` real folders: in an earlier
/// build's folder, a link there would send files elsewhere (a deployment
/// may have linked a folder out), and a file may stand where this build
/// wants a folder. Each folder is looked at once (`known` holds those seen).
pub(super) fn real_folders(root: &Path, known: &Mutex<HashSet<PathBuf>>, dir: &Path) -> std::io::Result<()> {
    let below_root: Vec<&Path> = dir.ancestors().take_while(|a| a.starts_with(root) && *a != root).collect();
    for folder in below_root.into_iter().rev() {
        if known.lock().unwrap_or_else(PoisonError::into_inner).contains(folder) {
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
        known.lock().unwrap_or_else(PoisonError::into_inner).insert(folder.to_path_buf());
    }
    Ok(())
}

/// Creates a folder another thread may be creating too.
fn create_folder(dir: &Path) -> std::io::Result<()> {
    match fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

impl super::Output for DiskSink {
    fn write_beside(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.write_file(path.to_string(), bytes)
    }
}

impl DiskSink {
    /// Writes `bytes` at `key`, a `/`-separated path below the root.
    fn write_file(&self, key: String, bytes: &[u8]) -> Result<()> {
        let full = self.root.join(&key);
        let parent = full.parent().unwrap_or(&self.root);
        let hash = ledger::hash(bytes);
        let same = |known: &Option<HashMap<String, Stamp>>| {
            known.as_ref().and_then(|k| k.get(&key)).filter(|s| s.hash == hash && s.len == bytes.len() as u64).copied()
        };
        if let (Some(reuse), Some(mut stamp)) = (&self.reuse, same(&self.base)) {
            // Already there, byte for byte. The live output may have the same
            // bytes since a later time (changed in place, then changed back).
            if let Some(before) = same(&self.live).filter(|s| s.mtime > 0 && s.mtime != stamp.mtime) {
                stamp.mtime = set_time(&full, before.mtime)?;
            }
            reuse.written.lock().unwrap_or_else(PoisonError::into_inner).insert(full);
            self.stamps.lock().unwrap_or_else(PoisonError::into_inner).insert(key, stamp);
            return Ok(());
        }
        let meta = match &self.reuse {
            None => {
                fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
                write_new(&full, bytes)
            }
            Some(reuse) => {
                real_folders(&self.root, &reuse.folders, parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
                let meta = overwrite(&full, bytes);
                reuse.written.lock().unwrap_or_else(PoisonError::into_inner).insert(full.clone());
                meta
            }
        }
        .map_err(|e| Diagnostic::io(&full, "write the file", &e))?;
        let mut mtime = ledger::mtime_of(&meta);
        if let Some(before) = same(&self.live).filter(|s| s.mtime > 0) {
            // Unchanged since the output this replaces: its time says when it last changed.
            mtime = set_time(&full, before.mtime)?;
        }
        let stamp = Stamp { hash, len: meta.len(), mtime };
        self.stamps.lock().unwrap_or_else(PoisonError::into_inner).insert(key, stamp);
        Ok(())
    }
}

/// Sets the time of the file at `path` to `mtime` (nanoseconds since the
/// epoch); returns the time as the file system keeps it (some keep coarser times).
fn set_time(path: &Path, mtime: i128) -> Result<i128> {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(mtime as u64);
    fs::File::options().write(true).open(path).and_then(|f| f.set_modified(time)).map_err(|e| Diagnostic::io(path, "set the time of the file", &e))?;
    Ok(fs::symlink_metadata(path).map(|m| ledger::mtime_of(&m)).unwrap_or(mtime))
}

/// Creates the file at `path` holding `bytes`, and returns its metadata as written.
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<fs::Metadata> {
    use std::io::Write;
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata()
}

impl Sink for DiskSink {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<()> {
        self.write_file(format!("{}/{path}", target.dir()), bytes)
    }
}

/// Writes `bytes` over the file at `path`, in place when it exists: the
/// blocks it has are written again rather than freed and allocated anew
/// (which a truncating write does, at a cost on disks that discard freed
/// blocks), and only a tail it no longer needs is cut off. A file with other
/// names (a deployment hard-linked from an earlier output) or a link is
/// replaced instead, never written through.
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<fs::Metadata> {
    use std::io::Write;
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && has_one_name(&meta) => {
            let mut file = fs::OpenOptions::new().write(true).truncate(false).open(path)?;
            file.write_all(bytes)?;
            file.set_len(bytes.len() as u64)?;
            file.metadata()
        }
        Ok(meta) => {
            if meta.is_dir() {
                fs::remove_dir_all(path)?;
            } else {
                fs::remove_file(path)?;
            }
            write_new(path, bytes)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_new(path, bytes),
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
