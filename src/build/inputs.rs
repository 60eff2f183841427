//! The fingerprint of what a build reads: every input file's path, length
//! and modification time, the options that choose what is published, and
//! the lede that builds it. A build whose fingerprint is the one its output
//! recorded, before any scheduled article fell due, would write the same
//! bytes: it writes nothing. Reading the files' metadata costs a fraction
//! of a second where reading and rendering them costs minutes.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::BuildOptions;
use crate::layout::{CONFIG_FILE, CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR};
use crate::output::nanos;

/// A file changed this close to the build's start may change again within
/// the same tick of the file system's clock, unseen: such a build records
/// no fingerprint, and the next one reads everything.
const SETTLED: Duration = Duration::from_secs(2);

/// What a build's inputs were, as it found them before reading any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(u128);

/// Every input file's length and time, as a build found them before reading any.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Each file below `content/`, relative to the site root, with its
    /// length and time; the time is 0 for a file changed too recently to
    /// trust (see [`SETTLED`]), which matches no later look at it.
    pub content: Vec<(PathBuf, u64, i128)>,
    /// A hash of everything else a build reads: lede itself, the options,
    /// `config.toml`, the templates and the static files (their paths,
    /// lengths and times); none when one of them had just changed.
    pub fixed: Option<u128>,
    /// The fingerprint of all of it, when every file had settled.
    fingerprint: Option<Fingerprint>,
}

impl Inputs {
    /// The inputs of the build `opts` describes, or none when a file or
    /// folder could not be read (the build will report it).
    pub fn take(opts: &BuildOptions, started: SystemTime) -> Option<Inputs> {
        let root = &opts.root;
        let mut files = vec![root.join(CONFIG_FILE)];
        let mut content_from = 0;
        for dir in [TEMPLATES_DIR, STATIC_DIR, CONTENT_DIR] {
            if dir == CONTENT_DIR {
                content_from = files.len();
            }
            let (found, problems) = crate::layout::walk(root, dir);
            if !problems.is_empty() {
                return None;
            }
            files.extend(found);
        }
        let settled = started.checked_sub(SETTLED).map_or(0, nanos);
        let stamps: Option<Vec<(u64, i128)>> = files
            .par_iter()
            .map(|f| {
                let meta = std::fs::metadata(f).ok()?;
                let mtime = meta.modified().ok().map(nanos)?;
                Some((meta.len(), mtime))
            })
            .collect();
        let stamps = stamps?;
        let all_settled = stamps.iter().all(|(_, mtime)| *mtime < settled);
        let exe = std::env::current_exe().and_then(std::fs::metadata).ok();
        let about = format!(
            "lede {} {:?} {:?}\nroot {}\ndrafts {} future {}\n",
            env!("CARGO_PKG_VERSION"),
            exe.as_ref().map(std::fs::Metadata::len),
            exe.as_ref().and_then(|m| m.modified().ok()).map(nanos),
            std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()).display(),
            opts.drafts,
            opts.future
        );
        let hash_of = |range: std::ops::Range<usize>| {
            let mut hash = Xxh3::new();
            hash.update(about.as_bytes());
            for (file, (len, mtime)) in files[range.clone()].iter().zip(&stamps[range]) {
                let rel = file.strip_prefix(root).unwrap_or(file);
                hash.update(rel.as_os_str().as_encoded_bytes());
                hash.update(&[0]);
                hash.update(&len.to_le_bytes());
                hash.update(&mtime.to_le_bytes());
            }
            hash.digest128()
        };
        let fingerprint = all_settled.then(|| Fingerprint(hash_of(0..files.len())));
        let fixed = stamps[..content_from].iter().all(|(_, mtime)| *mtime < settled).then(|| hash_of(0..content_from));
        let content = files[content_from..]
            .iter()
            .zip(&stamps[content_from..])
            .map(|(file, &(len, mtime))| (file.strip_prefix(root).unwrap_or(file).to_path_buf(), len, if mtime < settled { mtime } else { 0 }))
            .collect();
        Some(Inputs { content, fixed, fingerprint })
    }

    /// The fingerprint of the inputs, or none when one cannot be trusted (a file just changed).
    pub fn fingerprint(&self) -> Option<&Fingerprint> {
        self.fingerprint.as_ref()
    }
}

impl Fingerprint {
    /// What the output's ledger records: the fingerprint, and when the first
    /// held-back article is due (a build after that publishes it).
    pub fn record(&self, next_due: Option<jiff::Timestamp>) -> String {
        match next_due {
            Some(due) => format!("{:032x} {}", self.0, due.as_second()),
            None => format!("{:032x} -", self.0),
        }
    }

    /// Whether `recorded` is this fingerprint's record, with nothing due by `now`.
    pub fn matches(&self, recorded: &str, now: jiff::Timestamp) -> bool {
        let Some((hash, due)) = recorded.split_once(' ') else { return false };
        let due_passed = match due {
            "-" => false,
            secs => secs.parse::<i64>().map_or(true, |s| now.as_second() >= s),
        };
        hash == format!("{:032x}", self.0) && !due_passed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
        std::fs::write(dir.path().join("config.toml"), "title = \"T\"\n").unwrap();
        std::fs::write(dir.path().join("content/articles/a.md"), "+++\ntitle = \"A\"\n+++\nText.\n").unwrap();
        dir
    }

    fn fingerprint(opts: &BuildOptions, now: SystemTime) -> Option<Fingerprint> {
        Inputs::take(opts, now).and_then(|i| i.fingerprint().cloned())
    }

    /// Sets every file's time an hour back, as if written long before the build.
    fn age(dir: &Path) {
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        for e in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
            std::fs::File::options().write(true).open(e.path()).unwrap().set_modified(hour_ago).unwrap();
        }
    }

    #[test]
    fn a_fingerprint_changes_with_any_input_and_option_and_not_otherwise() {
        let dir = site();
        age(dir.path());
        let opts = BuildOptions { root: dir.path().to_path_buf(), ..BuildOptions::default() };
        let now = SystemTime::now();
        let first = fingerprint(&opts, now).expect("settled files");
        assert_eq!(fingerprint(&opts, now), Some(first.clone()), "the same files, the same fingerprint");
        assert_ne!(fingerprint(&BuildOptions { drafts: true, ..opts.clone() }, now), Some(first.clone()));
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/base.html"), "x").unwrap();
        age(dir.path());
        let with_template = fingerprint(&opts, now).expect("settled");
        assert_ne!(with_template, first, "a new template");
        std::fs::write(dir.path().join("content/articles/a.md"), "+++\ntitle = \"B\"\n+++\nText.\n").unwrap();
        assert_eq!(fingerprint(&opts, now), None, "a file changed just now is not trusted");
        age(dir.path());
        assert_ne!(fingerprint(&opts, now), Some(with_template), "an edit of the same length");
    }

    #[test]
    fn a_record_stops_matching_once_a_scheduled_article_is_due() {
        let f = Fingerprint(7);
        let due: jiff::Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let record = f.record(Some(due));
        assert!(f.matches(&record, "2029-12-31T23:59:59Z".parse().unwrap()));
        assert!(!f.matches(&record, due));
        assert!(f.matches(&f.record(None), due));
        assert!(!Fingerprint(8).matches(&record, "2029-01-01T00:00:00Z".parse().unwrap()));
    }
}
