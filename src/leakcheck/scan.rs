//! Scanning public files and trees against the index, and confirming what
//! the hashes suspect against the paid texts given again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Result};

use super::index::LeakIndex;
use super::normalise::{Input, scan};
use super::report::{Leak, Suspect};
use super::shingle::{Sink, Stream, Words};

/// Gives an article's paid text again, exactly as it was given to
/// [`LeakCheck::add_paid`](super::LeakCheck::add_paid), to confirm a
/// suspected leak. `None` when the article has none any more. Any
/// `Fn(&Path) -> Option<String> + Sync` is one.
pub trait PaidText: Sync {
    /// The paid text of the article read from `source`.
    fn paid_text(&self, source: &Path) -> Option<String>;
}

impl<F: Fn(&Path) -> Option<String> + Sync> PaidText for F {
    fn paid_text(&self, source: &Path) -> Option<String> {
        self(source)
    }
}

/// Lookups held back to be made together.
const BATCH: usize = 32;

/// Looks up every shingle of a public file. A lookup is two reads of
/// memory far apart (the bucket's bounds, then its fingerprints): made one
/// at a time between the scanner's work they wait for memory in turn;
/// made in batches, with the bounds of all read first, they wait together.
struct Probe<'i> {
    index: &'i LeakIndex,
    keys: [u64; BATCH],
    at: [(Stream, u64); BATCH],
    len: usize,
    hits: Vec<(Stream, u64)>,
}

impl<'i> Probe<'i> {
    fn new(index: &'i LeakIndex) -> Self {
        Probe { index, keys: [0; BATCH], at: [(Stream::Prose, 0); BATCH], len: 0, hits: Vec::new() }
    }

    fn flush(&mut self) {
        let index = self.index;
        let mut found = [(&[][..], 0u32); BATCH];
        for (slot, &key) in found.iter_mut().zip(&self.keys[..self.len]) {
            *slot = index.bucket(key);
        }
        // Touch each bucket's first fingerprint with nothing depending on
        // it: the loads overlap here, where the comparisons below, whose
        // branches mispredict, would throw them away.
        let mut touched = 0u32;
        for (bucket, _) in &found[..self.len] {
            touched ^= bucket.first().copied().unwrap_or(0);
        }
        std::hint::black_box(touched);
        for ((bucket, fp), &at) in found[..self.len].iter().zip(&self.at) {
            if bucket.contains(fp) {
                self.hits.push(at);
            }
        }
        self.len = 0;
    }
}

impl Sink for Probe<'_> {
    const TEXT: bool = false;
    #[inline]
    fn shingle(&mut self, stream: Stream, at: u64, key: u64, _: &Words) {
        self.keys[self.len] = key;
        self.at[self.len] = (stream, at);
        self.len += 1;
        if self.len == BATCH {
            self.flush();
        }
    }

    fn end(&mut self) {
        self.flush();
    }
}

/// Collects the words of chosen shingles (to confirm hits).
pub(super) struct Collect<'w> {
    pub(super) wanted: &'w HashSet<(Stream, u64)>,
    pub(super) found: Vec<(u64, String)>,
}

impl Sink for Collect<'_> {
    const TEXT: bool = true;
    fn shingle(&mut self, stream: Stream, at: u64, key: u64, words: &Words) {
        if self.wanted.contains(&(stream, at)) {
            self.found.push((key, words.joined()));
        }
    }
}

/// Finds the shingles whose keys are wanted (confirming, paid side).
struct Matching<'k> {
    keys: &'k HashSet<u64>,
    at: HashSet<(Stream, u64)>,
}

impl Sink for Matching<'_> {
    const TEXT: bool = false;
    fn shingle(&mut self, stream: Stream, at: u64, key: u64, _: &Words) {
        if self.keys.contains(&key) {
            self.at.insert((stream, at));
        }
    }
}

/// The most a gzip file is read out to: far above any index file, and a
/// bound on what a hostile one could make the check allocate.
const GUNZIP_LIMIT: u64 = 256 << 20;

/// `bytes` decompressed (as far as they go), when they are a gzip stream.
fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let mut out = Vec::new();
    // A stream cut short is read as far as it goes: what it holds is still checked.
    let _ = flate2::read::GzDecoder::new(bytes).take(GUNZIP_LIMIT).read_to_end(&mut out);
    Some(out)
}

impl LeakIndex {
    /// Scans one public file's bytes (for trees held in memory), named
    /// `file` in what it reports. Hits still to be confirmed.
    pub fn scan_bytes(&self, file: impl Into<PathBuf>, bytes: &[u8]) -> Vec<Suspect> {
        if self.is_empty() {
            return Vec::new();
        }
        // A gzip file (the search index's) is read as the browser will read it.
        let unzipped = gunzip(bytes);
        let bytes = unzipped.as_deref().unwrap_or(bytes);
        let mut probe = Probe::new(self);
        scan(bytes, Input::Markup, &mut probe);
        if probe.hits.is_empty() {
            return Vec::new();
        }
        // Rare: read the file again, keeping the words this time.
        let wanted: HashSet<(Stream, u64)> = probe.hits.into_iter().collect();
        let mut collect = Collect { wanted: &wanted, found: Vec::new() };
        scan(bytes, Input::Markup, &mut collect);
        let file = file.into();
        collect.found.into_iter().map(|(key, words)| Suspect { file: file.clone(), words, key }).collect()
    }

    /// Scans every regular file below `public_dir` (in parallel) and
    /// confirms what it finds against the paid texts `paid` gives again.
    /// Files are named relative to `public_dir`. An unreadable file or
    /// folder is an error: the tree could not be checked.
    pub fn scan_tree(&self, public_dir: &Path, paid: &dyn PaidText) -> Result<Vec<Leak>> {
        if self.is_empty() {
            return Ok(Vec::new());
        }
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(public_dir) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(public_dir).to_path_buf();
                Diagnostic::file(path, format!("could not read this folder to check it for paid text: {e}"))
            })?;
            // A link is published as what it points to.
            let is_file = entry.file_type().is_file() || (entry.path_is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
            if is_file {
                files.push(entry.into_path());
            }
        }
        let suspects: Vec<Vec<Suspect>> = files
            .par_iter()
            .map(|path| {
                let bytes = std::fs::read(path).map_err(|e| Diagnostic::io(path, "read this file to check it for paid text", &e))?;
                let name = path.strip_prefix(public_dir).unwrap_or(path);
                Ok(self.scan_bytes(name, &bytes))
            })
            .collect::<Result<_>>()?;
        Ok(self.confirm(suspects.into_iter().flatten().collect(), paid))
    }

    /// Finds whose paid text each suspect's words are: every article's
    /// paid text is read again and its shingles with the suspects' hashes
    /// compared word for word. Suspects no article's words match were hash
    /// collisions and are dropped. One leak per article and file, in order.
    pub fn confirm(&self, suspects: Vec<Suspect>, paid: &dyn PaidText) -> Vec<Leak> {
        if suspects.is_empty() {
            return Vec::new();
        }
        let keys: HashSet<u64> = suspects.iter().map(|s| s.key).collect();
        // (key, words) → the articles whose paid text has them.
        let owners: Vec<(u64, String, usize)> = self
            .sources
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, source)| {
                let found = paid.paid_text(source).map(|text| {
                    let mut matching = Matching { keys: &keys, at: HashSet::new() };
                    scan(text.as_bytes(), Input::Plain, &mut matching);
                    if matching.at.is_empty() {
                        return Vec::new();
                    }
                    let mut collect = Collect { wanted: &matching.at, found: Vec::new() };
                    scan(text.as_bytes(), Input::Plain, &mut collect);
                    collect.found
                });
                found.unwrap_or_default().into_iter().map(move |(key, words)| (key, words, i))
            })
            .collect();
        let mut by_words: HashMap<(u64, &str), Vec<usize>> = HashMap::new();
        for (key, words, i) in &owners {
            let list = by_words.entry((*key, words.as_str())).or_default();
            if !list.contains(i) {
                list.push(*i);
            }
        }
        let mut leaks: HashMap<(usize, &Path), Leak> = HashMap::new();
        for s in &suspects {
            let Some(articles) = by_words.get(&(s.key, s.words.as_str())) else { continue };
            for &i in articles {
                leaks.entry((i, s.file.as_path())).and_modify(|l| l.runs += 1).or_insert_with(|| Leak {
                    source: self.sources[i].clone(),
                    file: s.file.clone(),
                    words: s.words.clone(),
                    runs: 1,
                });
            }
        }
        let mut leaks: Vec<Leak> = leaks.into_values().collect();
        leaks.sort_by(|a, b| (&a.source, &a.file).cmp(&(&b.source, &b.file)));
        leaks
    }
}
