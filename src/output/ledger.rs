//! The ledger: what a build left in its output (every file's path, length,
//! modification time and a hash of its bytes, and a fingerprint of what it
//! was built from), kept beside the trees so that the next build can write
//! only the files whose bytes change, remove those no longer made, and
//! skip its work entirely when nothing it reads has changed.
//!
//! It is a cache: deleting it costs one build that writes every file again.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use rayon::prelude::*;

/// The ledger's file, beside the trees in the output folder.
pub const LEDGER_FILE: &str = ".lede-ledger";

/// The first line of a ledger; a ledger of another lede is not read.
fn header() -> String {
    format!("lede-ledger 1 {}", env!("CARGO_PKG_VERSION"))
}

/// What the ledger knows of one file: enough to tell, from its metadata
/// alone, that nobody touched it since, and from a hash, whether new bytes
/// are the same as its.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// 128-bit xxh3 of the bytes.
    pub hash: u128,
    /// Length in bytes.
    pub len: u64,
    /// Modification time, in nanoseconds since the epoch.
    pub mtime: i128,
}

impl Stamp {
    /// Whether the file at `rel` below `dir` is a file of the length and time noted.
    fn on_disk(&self, dir: &Below, rel: &str) -> bool {
        dir.file(rel).is_some_and(|(len, mtime)| len == self.len && mtime == self.mtime)
    }
}

/// A folder whose files are looked at by their paths below it. On Linux
/// the folder is opened once and each file looked at relative to it: the
/// kernel then walks four names of a path instead of seven or more, which
/// was most of the 0.5 s that looking at a 100,000-article output's
/// 330,000 files took.
struct Below {
    root: std::path::PathBuf,
    #[cfg(target_os = "linux")]
    fd: Option<std::os::fd::OwnedFd>,
}

impl Below {
    fn open(root: &Path) -> Below {
        #[cfg(target_os = "linux")]
        let fd = {
            use rustix::fs::{CWD, Mode, OFlags, openat};
            openat(CWD, root, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()).ok()
        };
        Below {
            root: root.to_path_buf(),
            #[cfg(target_os = "linux")]
            fd,
        }
    }

    /// The length and time of the file (not a link, not a folder) at `rel`, if there is one.
    fn file(&self, rel: &str) -> Option<(u64, i128)> {
        #[cfg(target_os = "linux")]
        if let Some(fd) = &self.fd {
            use rustix::fs::{AtFlags, FileType, statat};
            let st = statat(fd, rel, AtFlags::SYMLINK_NOFOLLOW).ok()?;
            let is_file = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile;
            let mtime = i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec);
            // As `mtime_of` has it: 0 before the epoch.
            return is_file.then_some((st.st_size as u64, mtime.max(0)));
        }
        let meta = fs::symlink_metadata(self.root.join(rel)).ok()?;
        meta.is_file().then(|| (meta.len(), mtime_of(&meta)))
    }
}

/// The hash a ledger keeps of a file's bytes: xxh3 reads several gigabytes
/// a second, where SHA-256 took 15 s over the 5.8 GB of a
/// 100,000-article output.
pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A file's modification time in nanoseconds since the epoch (0 where the system keeps none).
pub fn mtime_of(meta: &fs::Metadata) -> i128 {
    meta.modified().map_or(0, nanos)
}

/// A time in nanoseconds since the epoch, as ledgers and fingerprints note times (0 before it).
pub fn nanos(t: std::time::SystemTime) -> i128 {
    t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128)
}

/// The files of an output as its last build left them, by path relative to
/// the output (`public/articles/x/index.html`, `deploy/nginx/site.conf`).
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    /// Every file, by `/`-separated path below the output.
    pub files: HashMap<String, Stamp>,
    /// The fingerprint of the inputs the build read, as the build recorded it.
    pub inputs: Option<String>,
}

impl Ledger {
    /// The ledger of the output at `out`, if it has one this lede wrote.
    pub fn read(out: &Path) -> Option<Ledger> {
        let text = fs::read_to_string(out.join(LEDGER_FILE)).ok()?;
        let mut lines = text.lines();
        if lines.next()? != header() {
            return None;
        }
        let inputs = lines.next()?.strip_prefix("inputs ")?;
        let inputs = (inputs != "-").then(|| inputs.to_string());
        let lines: Vec<&str> = lines.collect();
        let files = lines
            .par_iter()
            .map(|line| {
                let mut fields = line.splitn(4, ' ');
                let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
                let len = fields.next()?.parse().ok()?;
                let mtime = fields.next()?.parse().ok()?;
                Some((fields.next()?.to_string(), Stamp { hash, len, mtime }))
            })
            .collect::<Option<HashMap<String, Stamp>>>()?;
        Some(Ledger { files, inputs })
    }

    /// Writes the ledger of `files` into the output folder `dir` (aside, then renamed: a torn ledger is never read).
    pub fn write(dir: &Path, files: &HashMap<String, Stamp>, inputs: Option<&str>) -> std::io::Result<()> {
        // A name with a line break cannot be written down; with no ledger the next build writes everything.
        if files.par_iter().any(|(path, _)| path.contains(['\n', '\r'])) {
            return Ok(());
        }
        let mut paths: Vec<(&String, &Stamp)> = files.iter().collect();
        // Sorted and written out on every core: 0.4 s on one for the
        // 330,000 files of a 100,000-article output, which a rebuild after
        // an edit of one article pays in full.
        paths.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let lines: Vec<String> = paths
            .par_chunks(4096)
            .map(|chunk| {
                use std::fmt::Write;
                let mut text = String::with_capacity(chunk.len() * 96);
                for (path, s) in chunk {
                    let _ = writeln!(text, "{:032x} {} {} {path}", s.hash, s.len, s.mtime);
                }
                text
            })
            .collect();
        let mut text = String::with_capacity(lines.iter().map(String::len).sum::<usize>() + 128);
        text.push_str(&header());
        text.push_str("\ninputs ");
        text.push_str(inputs.unwrap_or("-"));
        text.push('\n');
        lines.iter().for_each(|l| text.push_str(l));
        let aside = dir.join(format!("{LEDGER_FILE}.new"));
        fs::write(&aside, text)?;
        fs::rename(&aside, dir.join(LEDGER_FILE))
    }

    /// Whether every file the ledger notes is below `out` with the length
    /// and time noted: one look at each by its path, in parallel, without
    /// reading the folders (0.5 s for the 330,000 files of a
    /// 100,000-article output, where reading every folder took 2 s).
    pub fn as_noted(&self, out: &Path) -> bool {
        self.as_noted_unless(out, &std::sync::atomic::AtomicBool::new(false))
    }

    /// [`Ledger::as_noted`], giving up (false) once `stop` is set: for a
    /// check that runs beside other work, which may find it is not needed.
    pub fn as_noted_unless(&self, out: &Path, stop: &std::sync::atomic::AtomicBool) -> bool {
        let out = Below::open(out);
        self.files.par_iter().all(|(path, s)| !stop.load(std::sync::atomic::Ordering::Relaxed) && s.on_disk(&out, path))
    }

    /// Keeps only the files still below `dir` with the length and time noted.
    pub fn keep_as_noted(&mut self, dir: &Path) {
        let dir = Below::open(dir);
        let gone: Vec<String> = self.files.par_iter().filter(|(path, s)| !s.on_disk(&dir, path)).map(|(path, _)| path.clone()).collect();
        for path in gone {
            self.files.remove(&path);
        }
    }
}
