//! A build that updates its output in place, file by file. The build
//! renders as always, but a file whose bytes are those the ledger notes is
//! not written at all; the others go into a folder beside the output, and
//! only when the whole build succeeded are they moved in (each replacing
//! its old version in one step) and the files no longer made removed. So
//! the files' times and an upload of what changed follow real changes, and
//! an unchanged site writes nothing.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use rayon::prelude::*;

use super::ledger::{self, Ledger, Stamp};
use super::staging::{Held, MARKER_TEXT, OUTPUT_MARKER};
use super::{Difference, Sink, disk};
use crate::diagnostics::{Diagnostic, Result};
use crate::target::Target;

/// An output being updated in place.
#[derive(Debug)]
pub struct Update {
    held: Held,
    /// What the last build left, as found on disk.
    ledger: Ledger,
    /// Files on disk the ledger does not vouch for: removed unless this build writes them.
    strays: Vec<String>,
    /// Whether the ledger was checked against the disk: until then no file is taken as unchanged.
    verified: bool,
    /// Where changed files wait until the build succeeded (made on the first).
    dir: PathBuf,
    made: OnceLock<std::result::Result<(), String>>,
    /// Every file of this build, with its stamp.
    next: Mutex<HashMap<String, Stamp>>,
    /// The files written into `dir`.
    staged: Mutex<Vec<String>>,
}

/// What an update changed, by path below the output.
#[derive(Debug, Default)]
pub struct Changes {
    /// Files that were not there before.
    pub added: Vec<String>,
    /// Files whose bytes changed.
    pub changed: Vec<String>,
    /// Files removed.
    pub removed: Vec<String>,
}

impl Changes {
    /// How many files were written.
    pub fn written(&self) -> usize {
        self.added.len() + self.changed.len()
    }

    /// The files of the two trees that differ, by tree and path within it, in the order of [`super::differences`].
    pub fn list(&self) -> Vec<(Target, String, Difference)> {
        let marked = [(&self.added, Difference::Added), (&self.changed, Difference::Changed), (&self.removed, Difference::Removed)];
        let mut found: Vec<(Target, String, Difference)> = marked
            .iter()
            .flat_map(|(keys, d)| keys.iter().map(move |k| (k, *d)))
            .filter_map(|(key, d)| {
                let (dir, path) = key.split_once('/')?;
                let target = Target::ALL.into_iter().find(|t| t.dir() == dir)?;
                Some((target, path.to_string(), d))
            })
            .collect();
        found.sort_by(|a, b| (a.0.dir(), &a.1).cmp(&(b.0.dir(), &b.1)));
        found
    }
}

impl Update {
    /// Prepares to update the output `held` described by `ledger` (checked against the disk by [`Update::verify`]).
    pub fn new(held: Held, ledger: Ledger) -> Update {
        let dir = held.beside("changes");
        Update { held, ledger, strays: Vec::new(), verified: false, dir, made: OnceLock::new(), next: Mutex::default(), staged: Mutex::default() }
    }

    /// Whether every file the ledger notes is still there with the length
    /// and time it notes. Files someone else added are not looked for: the
    /// next build that renders removes them.
    pub fn as_noted(&self) -> bool {
        self.ledger.as_noted(self.held.out())
    }

    /// Reads the whole output, keeping in the ledger only the files still
    /// as noted and listing the others for removal; before the first write.
    pub fn verify(&mut self) {
        self.strays = self.ledger.verify(self.held.out());
        self.verified = true;
    }

    /// The fingerprint of the inputs the last build recorded.
    pub fn inputs(&self) -> Option<&str> {
        self.ledger.inputs.as_deref()
    }

    /// Folders an interrupted build had left beside the output, which this build removed.
    pub fn recovered(&self) -> &[PathBuf] {
        self.held.recovered()
    }

    /// The folder of changed files, made (with the marker that makes it ours) on first use.
    fn changes_folder(&self) -> Result<()> {
        let made =
            self.made.get_or_init(|| fs::create_dir(&self.dir).and_then(|()| fs::write(self.dir.join(OUTPUT_MARKER), MARKER_TEXT)).map_err(|e| e.to_string()));
        made.clone().map_err(|e| Diagnostic::file(&self.dir, format!("could not create the folder for changed files: {e}")).into())
    }

    /// Writes `bytes` at `key` (a `/`-separated path below the output) if they are not what is there.
    pub fn write_file(&self, key: String, bytes: &[u8]) -> Result<()> {
        let hash = ledger::hash(bytes);
        let known = self.ledger.files.get(&key).filter(|s| self.verified && s.hash == hash && s.len == bytes.len() as u64).copied();
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        // A second write of one file in a build is staged whatever it holds: its first may have been.
        if let Some(stamp) = known.filter(|_| !next.contains_key(&key)) {
            next.insert(key, stamp);
            return Ok(());
        }
        next.insert(key.clone(), Stamp { hash, len: bytes.len() as u64, mtime: 0 });
        drop(next);
        self.changes_folder()?;
        let full = self.dir.join(&key);
        let parent = full.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
        let meta = disk::write_new(&full, bytes).map_err(|e| Diagnostic::io(&full, "write the file", &e))?;
        // Moving the file in keeps its time.
        if let Some(s) = self.next.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&key) {
            s.mtime = ledger::mtime_of(&meta);
        }
        self.staged.lock().unwrap_or_else(PoisonError::into_inner).push(key);
        Ok(())
    }

    /// Moves the changed files in, deepest first (an article's page before
    /// the listings that link to it), removes those this build did not
    /// make, notes `articles` in the marker and writes the new ledger with
    /// `inputs`. The old ledger goes first: a build killed part-way leaves
    /// an output the next build, finding no ledger, replaces whole.
    pub fn commit(mut self, articles: usize, inputs: Option<&str>) -> Result<Changes> {
        let out = self.held.out().to_path_buf();
        let failed = |path: &Path, what: &str, e: std::io::Error| Diagnostic::io(path, what, &e);
        Ledger::forget(&out).map_err(|e| failed(&out.join(ledger::LEDGER_FILE), "remove the file", e))?;
        let next = std::mem::take(self.next.get_mut().unwrap_or_else(PoisonError::into_inner));
        let mut staged = std::mem::take(self.staged.get_mut().unwrap_or_else(PoisonError::into_inner));
        staged.sort_unstable_by(|a, b| b.matches('/').count().cmp(&a.matches('/').count()).then_with(|| a.cmp(b)));
        staged.dedup();
        let folders = Mutex::new(HashSet::new());
        // Level by level, each in parallel.
        for level in staged.chunk_by(|a, b| a.matches('/').count() == b.matches('/').count()) {
            level.par_iter().try_for_each(|key| {
                let (from, to) = (self.dir.join(key), out.join(key));
                let parent = to.parent().unwrap_or(&out);
                disk::real_folders(&out, &folders, parent).map_err(|e| failed(parent, "create the folder", e))?;
                if fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
                    fs::remove_dir_all(&to).map_err(|e| failed(&to, "remove the folder", e))?;
                }
                fs::rename(&from, &to).map_err(|e| failed(&to, "move the new file in", e))
            })?;
        }
        let mut changes = Changes::default();
        for key in staged {
            if self.ledger.files.contains_key(&key) { changes.changed.push(key) } else { changes.added.push(key) }
        }
        let mut gone: Vec<String> = self.ledger.files.keys().chain(&self.strays).filter(|k| !next.contains_key(*k)).cloned().collect();
        gone.sort_unstable();
        gone.dedup();
        let mut emptied = HashSet::new();
        for key in &gone {
            let path = out.join(key);
            match fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
                Ok(_) => fs::remove_file(&path),
                Err(_) => Ok(()),
            }
            .map_err(|e| failed(&path, "remove the file", e))?;
            emptied.extend(Path::new(key).ancestors().skip(1).filter(|a| !a.as_os_str().is_empty()).map(Path::to_path_buf));
        }
        let mut emptied: Vec<PathBuf> = emptied.into_iter().collect();
        emptied.sort_unstable_by_key(|p| std::cmp::Reverse(p.components().count()));
        for folder in emptied {
            // Fails, as it should, while the folder still holds something.
            let _ = fs::remove_dir(out.join(folder));
        }
        changes.removed = gone;
        let marker = out.join(OUTPUT_MARKER);
        let text = super::staging::marker_text(articles);
        if fs::read_to_string(&marker).ok().as_deref() != Some(text.as_str()) {
            fs::write(&marker, text).map_err(|e| failed(&marker, "write the file", e))?;
        }
        Ledger::write(&out, &next, inputs).map_err(|e| failed(&out.join(ledger::LEDGER_FILE), "write the file", e))?;
        Ok(changes)
    }
}

impl Drop for Update {
    /// Whatever happened, the folder of changed files goes (a committed update has moved them all out).
    fn drop(&mut self) {
        if self.made.get().is_some_and(|m| m.is_ok()) {
            let _ = super::remove_tree(&self.dir);
        }
    }
}

impl Sink for Update {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<()> {
        self.write_file(format!("{}/{path}", target.dir()), bytes)
    }
}
