//! Output: where rendered files go. A build writes into a staging folder
//! beside the old output and swaps it in only when everything succeeded,
//! so a failed build never leaves a half-written `dist/`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The two trees every build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// `dist/public`: safe to upload anywhere.
    Public,
    /// `dist/members`: the full text, deployed behind a login.
    Members,
}

impl Target {
    /// Both targets, public first.
    pub const ALL: [Target; 2] = [Target::Public, Target::Members];

    /// Position in `ALL`, for per-target arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The folder name under the output directory.
    pub fn dir(self) -> &'static str {
        match self {
            Target::Public => "public",
            Target::Members => "members",
        }
    }
}

/// Somewhere rendered files can be put (disk for builds, memory for the preview).
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated) in `target`'s tree.
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// Writes into a folder holding `public/` and `members/`.
#[derive(Debug, Clone)]
pub struct DiskSink {
    root: PathBuf,
}

impl DiskSink {
    /// A sink writing below `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DiskSink { root: root.into() }
    }
}

impl Sink for DiskSink {
    fn write(&self, target: Target, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let full = self.root.join(target.dir()).join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
        }
        fs::write(&full, bytes).map_err(|e| Diagnostic::io(&full, "write the file", &e))
    }
}

/// The file that marks a folder as lede's output, so we never replace anyone else's.
pub const OUTPUT_MARKER: &str = ".lede-output";

/// A build in progress: a hidden folder beside the output, removed if dropped.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
}

impl Staging {
    /// Prepares a staging folder for `out`, refusing an `out` that is not ours.
    pub fn new(out: &Path) -> Result<Staging, Diagnostic> {
        check_replaceable(out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Diagnostic::io(&parent, "create the folder", &e))?;
        let dir = tempfile::Builder::new()
            .prefix(".lede-staging-")
            .tempdir_in(&parent)
            .map_err(|e| Diagnostic::io(&parent, "create a staging folder", &e))?;
        let marker = dir.path().join(OUTPUT_MARKER);
        fs::write(&marker, "This folder is written by `lede build`; it is replaced on every build.\n")
            .map_err(|e| Diagnostic::io(&marker, "write the file", &e))?;
        Ok(Staging { dir, out: out.to_path_buf() })
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Swaps the finished build in place of the old output.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let staged = self.dir.keep();
        let out = &self.out;
        let old = if out.exists() {
            let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "dist".into());
            let old = out.with_file_name(format!(".{name}.old-{}", std::process::id()));
            if old.exists() {
                let _ = fs::remove_dir_all(&old);
            }
            fs::rename(out, &old).map_err(|e| {
                let _ = fs::remove_dir_all(&staged);
                Diagnostic::io(out, "move the old output aside", &e)
            })?;
            Some(old)
        } else {
            None
        };
        if let Err(e) = fs::rename(&staged, out) {
            if let Some(old) = &old {
                let _ = fs::rename(old, out);
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(Diagnostic::io(out, "move the new output into place", &e));
        }
        if let Some(old) = old {
            // The new site is live; a leftover old copy is only clutter.
            let _ = remove_tree(&old);
        }
        Ok(())
    }
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
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(Diagnostic::file(out, "the output path is a file, not a folder"))
        }
        Err(e) => Err(Diagnostic::io(out, "read the output folder", &e)),
        Ok(mut entries) => {
            if entries.next().is_none() || out.join(OUTPUT_MARKER).is_file() {
                Ok(())
            } else {
                Err(Diagnostic::file(
                    out,
                    format!("refusing to replace this folder: it is not empty and was not written by lede (no {OUTPUT_MARKER} file); choose another --out or empty it yourself"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_old_output_and_drop_leaves_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        let s = Staging::new(&out).unwrap();
        DiskSink::new(s.path()).write(Target::Public, "a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("public/a/index.html")).unwrap(), b"one");

        let s = Staging::new(&out).unwrap();
        DiskSink::new(s.path()).write(Target::Public, "a/index.html", b"two").unwrap();
        drop(s);
        assert_eq!(fs::read(out.join("public/a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder must be cleaned up");

        let s = Staging::new(&out).unwrap();
        DiskSink::new(s.path()).write(Target::Members, "b.html", b"three").unwrap();
        s.commit().unwrap();
        assert!(!out.join("public/a/index.html").exists(), "stale files must go");
        assert!(out.join("members/b.html").exists());
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
    fn refuses_a_folder_that_is_not_ours() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        let err = Staging::new(tmp.path()).unwrap_err();
        assert!(err.message.contains("refusing"), "{err}");
        assert!(tmp.path().join("precious.txt").exists());
    }
}
