//! A build that changes a few files of the live output in place: what a
//! rebuild after an edit of a few articles writes, where copying a whole
//! 330,000-file output to swap it in would cost more than the edit.
//!
//! Every page is rendered before anything is written, so a build that
//! fails leaves the output as it was. Each file is then replaced whole
//! (written beside, then renamed over), so a reader sees the old file or
//! the new one, never half of one. The ledger goes first and comes back
//! last: a build killed part-way leaves an output without a ledger, which
//! the next build rebuilds whole.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use super::ledger::{self, LEDGER_FILE, Ledger, Stamp};
use super::staging::{Held, OUTPUT_MARKER, marker_text};
use super::{Changes, Output, Sink};
use crate::diagnostics::{Diagnostic, Result};
use crate::target::Target;

/// Changes to the live output, gathered in memory until [`Patch::commit`].
#[derive(Debug)]
pub struct Patch {
    held: Held,
    live: Ledger,
    /// Files to write, by `/`-separated path below the output.
    files: Mutex<HashMap<String, Vec<u8>>>,
    /// Files to remove, and folders whose files are removed unless written again.
    removed: Mutex<BTreeSet<String>>,
}

impl Patch {
    /// A patch of the output `held`, whose files are as `live` notes them.
    pub(super) fn new(held: Held, live: Ledger) -> Patch {
        Patch { held, live, files: Mutex::default(), removed: Mutex::default() }
    }

    /// Removes the file at `path` in both trees, unless this build writes it.
    pub fn remove(&self, path: &str) {
        let mut removed = self.removed.lock().unwrap_or_else(PoisonError::into_inner);
        for target in Target::ALL {
            removed.insert(format!("{}/{path}", target.dir()));
        }
    }

    /// Removes every file below the folders `dirs` (`articles/old/`) in
    /// both trees, but those this build writes and those `keep` names (by
    /// path below the output): one look at each file of the output.
    pub fn remove_under(&self, dirs: &[String], keep: &BTreeSet<String>) {
        if dirs.is_empty() {
            return;
        }
        let prefixes: Vec<String> = dirs.iter().flat_map(|d| Target::ALL.map(|t| format!("{}/{d}", t.dir()))).collect();
        self.remove_live(|k| prefixes.iter().any(|p| k.starts_with(p.as_str())) && !keep.contains(k));
    }

    /// Removes every file of the output below the folders `dirs` (by path
    /// below the output: `members/pagefind/2025/`), but those this build
    /// writes and those below the folders `except` (`public/pagefind/` holds
    /// `public/pagefind/2025/` where the public index is one a year).
    pub fn remove_below(&self, dirs: &[String], except: &[String]) {
        if dirs.is_empty() {
            return;
        }
        self.remove_live(|k| dirs.iter().any(|d| k.starts_with(d.as_str())) && !except.iter().any(|e| k.starts_with(e.as_str())));
    }

    /// Removes every file of the live output whose path below it `doomed` picks, but those this build writes.
    fn remove_live(&self, doomed: impl Fn(&str) -> bool) {
        let mut removed = self.removed.lock().unwrap_or_else(PoisonError::into_inner);
        removed.extend(self.live.files.keys().filter(|k| doomed(k)).cloned());
    }

    /// Writes what was gathered into the output, records `inputs` in its
    /// ledger and `articles` in its marker, and says what changed and how
    /// many files it wrote. Files whose bytes are the ones the output has
    /// are not touched. The files `beside` the trees that the ledger does
    /// not note (the build cache) are removed first, and written last where given.
    pub fn commit(self, inputs: Option<&str>, articles: usize, beside: &[(&str, Option<&[u8]>)]) -> Result<(Changes, usize)> {
        let out = self.held.out().to_path_buf();
        let ledger_at = out.join(LEDGER_FILE);
        // Without a ledger the next build writes everything: what a build
        // stopped here needs. The files beside go too: written again below,
        // or not at all when they cannot be.
        for path in std::iter::once(ledger_at.clone()).chain(beside.iter().map(|(name, _)| out.join(name))) {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Diagnostic::io(&path, "remove the file", &e).into()),
                _ => {}
            }
        }
        let files = std::mem::take(&mut *self.files.lock().unwrap_or_else(PoisonError::into_inner));
        let removed = std::mem::take(&mut *self.removed.lock().unwrap_or_else(PoisonError::into_inner));
        let total = self.live.files.len();
        // The live ledger becomes the new one: a copy of 330,000 entries took 0.1 s.
        let mut stamps = self.live.files;
        let mut changes = Changes { compared: true, ..Changes::default() };
        for (key, bytes) in &files {
            let hash = ledger::hash(bytes);
            let before = stamps.get(key);
            if before.is_some_and(|s| s.hash == hash && s.len == bytes.len() as u64) {
                continue;
            }
            if before.is_some() { &mut changes.changed } else { &mut changes.added }.push(key.clone());
            let path = out.join(key);
            let meta = replace(&out, &path, bytes).map_err(|e| Diagnostic::io(&path, "write the file", &e))?;
            stamps.insert(key.clone(), Stamp { hash, len: meta.len(), mtime: ledger::mtime_of(&meta) });
        }
        for key in removed.iter().filter(|k| !files.contains_key(*k)) {
            if stamps.remove(key).is_some() {
                changes.removed.push(key.clone());
                let path = out.join(key);
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Diagnostic::io(&path, "remove the file", &e).into()),
                    _ => {}
                }
                // Folders left empty go, as a whole build would not make them.
                for dir in path.ancestors().skip(1).take_while(|d| d.starts_with(&out) && *d != out) {
                    if fs::remove_dir(dir).is_err() {
                        break;
                    }
                }
            }
        }
        for list in [&mut changes.added, &mut changes.changed, &mut changes.removed] {
            list.sort_unstable();
        }
        changes.kept = total - changes.changed.len() - changes.removed.len();
        let written = changes.written();
        for (name, bytes) in beside.iter().filter_map(|(name, bytes)| Some((name, (*bytes)?))) {
            let path = out.join(name);
            fs::write(&path, bytes).map_err(|e| Diagnostic::io(&path, "write the file", &e))?;
        }
        let marker = out.join(OUTPUT_MARKER);
        fs::write(&marker, marker_text(articles)).map_err(|e| Diagnostic::io(&marker, "write the file", &e))?;
        Ledger::write(&out, &stamps, inputs).map_err(|e| Diagnostic::io(&ledger_at, "write the file", &e))?;
        // Freeing 330,000 entries is nothing anyone waits for: `lede build` exits right after.
        std::thread::spawn(move || drop(stamps));
        Ok((changes, written))
    }
}

/// Writes `bytes` beside `path` and renames the copy over it, making the
/// folders it needs below `root`; returns the new file's metadata.
fn replace(root: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<fs::Metadata> {
    let parent = path.parent().unwrap_or(root);
    super::disk::real_folders(root, &Mutex::default(), parent)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let aside = parent.join(format!(".{name}.lede-new"));
    let meta = super::disk::write_new(&aside, bytes)?;
    if let Ok(old) = fs::symlink_metadata(path)
        && old.is_dir()
    {
        fs::remove_dir_all(path)?;
    }
    fs::rename(&aside, path)?;
    Ok(meta)
}

impl Sink for Patch {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<()> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner).insert(format!("{}/{path}", target.dir()), bytes.to_vec());
        Ok(())
    }
}

impl Output for Patch {
    fn write_beside(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner).insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}
