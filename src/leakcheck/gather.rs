//! Gathering a site's paid and public shingles ([`LeakCheck`]): keys kept
//! by part in blocks, on any number of threads, merged, then made into the
//! index.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::index::{LeakIndex, PartIndex, sort_part, starts_of};
use super::normalise::{Input, scan};
use super::shingle::{Sink, Stream, Words};

/// Collects the keys of every shingle.
pub(super) struct Keys(pub(super) Vec<u64>);

impl Sink for Keys {
    const TEXT: bool = false;
    #[inline]
    fn shingle(&mut self, _: Stream, _: u64, key: u64, _: &Words) {
        self.0.push(key);
    }
}

/// Calls `f` with the keys of a plain text's shingles, in order. The keys
/// go into a buffer each thread keeps: the vectors that are kept are made
/// at their exact size from it, and no vector per text is made and freed,
/// which over thousands of articles leaves the heap in pieces.
pub(super) fn with_shingles<R>(text: &str, f: impl FnOnce(&[u64]) -> R) -> R {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let mut keys = Keys(std::mem::take(&mut *buffer.borrow_mut()));
        keys.0.clear();
        scan(text.as_bytes(), Input::Plain, &mut keys);
        let result = f(&keys.0);
        // A text of megabytes should not pin its buffer for good.
        if keys.0.capacity() > 1 << 20 {
            keys.0 = Vec::new();
        }
        *buffer.borrow_mut() = keys.0;
        result
    })
}

/// Keys are kept in this many parts by their top bits from the start, so
/// that `finish` sorts the parts apart, in parallel, each in a region of
/// memory small enough to stay in cache, and frees each part's keys when
/// it is done with them.
pub(super) const PART_BITS: u32 = 4;
const PARTS: usize = 1 << PART_BITS;

/// Keys in a block: 512 KiB. Gathered keys are held in blocks this size
/// rather than a vector per article: the allocator gives big blocks back
/// when they are freed, so the index `finish` writes takes the place of
/// the keys it frees instead of adding to them.
pub(super) const BLOCK: usize = 1 << 16;

/// The keys of one part, in blocks.
#[derive(Debug, Default)]
pub(super) struct PartKeys(pub(super) Vec<Vec<u64>>);

impl PartKeys {
    pub(super) fn extend(&mut self, mut keys: &[u64]) {
        while !keys.is_empty() {
            match self.0.last_mut() {
                Some(last) if last.len() < BLOCK => {
                    let n = keys.len().min(BLOCK - last.len());
                    if last.capacity() - last.len() < n {
                        // Grow by doubling, never past a block.
                        let want = (last.len() + n).max(last.capacity() * 2).min(BLOCK);
                        last.reserve_exact(want - last.len());
                    }
                    last.extend_from_slice(&keys[..n]);
                    keys = &keys[n..];
                }
                // A piece's first block is its exact size (one article's keys).
                _ => self.0.push(Vec::with_capacity(keys.len().min(BLOCK))),
            }
        }
    }

    /// Takes in another part's keys: big blocks as they are, small ones
    /// (one article's) copied into the block being filled.
    pub(super) fn absorb(&mut self, other: PartKeys) {
        for block in other.0 {
            if block.len() >= BLOCK / 2 {
                let at = self.0.len().saturating_sub(1);
                self.0.insert(at, block);
            } else {
                self.extend(&block);
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.0.iter().map(Vec::len).sum()
    }
}

/// Keys by part: `parts[p]` holds the keys whose top bits are `p`.
#[derive(Debug)]
pub(super) struct Parts([PartKeys; PARTS]);

impl Default for Parts {
    fn default() -> Self {
        Parts(std::array::from_fn(|_| PartKeys::default()))
    }
}

impl Parts {
    /// Adds `keys`, split by part.
    pub(super) fn add(&mut self, keys: &[u64]) {
        let mut counts = [0usize; PARTS];
        for &k in keys {
            counts[(k >> (u64::BITS - PART_BITS)) as usize] += 1;
        }
        let mut split: [Vec<u64>; PARTS] = std::array::from_fn(|p| Vec::with_capacity(counts[p]));
        for &k in keys {
            split[(k >> (u64::BITS - PART_BITS)) as usize].push(k);
        }
        for (part, keys) in self.0.iter_mut().zip(split) {
            if part.0.is_empty() && !keys.is_empty() {
                part.0.push(keys);
            } else {
                part.extend(&keys);
            }
        }
    }

    fn merge(&mut self, other: Parts) {
        for (part, more) in self.0.iter_mut().zip(other.0) {
            part.absorb(more);
        }
    }

    fn len(&self) -> usize {
        self.0.iter().map(PartKeys::len).sum()
    }
}

/// Paid shingles of a site and the public shingles that excuse them, as
/// they are gathered. Each article can be read into a `LeakCheck` of its
/// own on a worker thread and the pieces merged; [`LeakCheck::finish`]
/// turns the whole into the index scans use.
///
/// Plain texts are given as Markdown's events give them (Text and Code,
/// smart punctuation included), with whitespace between blocks.
#[derive(Debug, Default)]
pub struct LeakCheck {
    /// Keys of paid shingles, eight bytes each until `finish`.
    pub(super) paid: Parts,
    /// Keys of public shingles.
    pub(super) public: Parts,
    /// Articles with at least one paid shingle, for confirming hits.
    sources: Vec<PathBuf>,
}

impl LeakCheck {
    /// Nothing paid, nothing public.
    pub fn new() -> Self {
        LeakCheck::default()
    }

    /// Text anyone may read (free part, teaser, title, publicly cited
    /// notes, plain page): its eight-word runs never count as leaks.
    pub fn add_public(&mut self, text: &str) {
        with_shingles(text, |keys| self.public.add(keys));
    }

    /// The paid part of an article (plain text), identified by its source file.
    pub fn add_paid(&mut self, source: &Path, text: &str) {
        with_shingles(text, |keys| {
            if !keys.is_empty() {
                self.paid.add(keys);
                self.sources.push(source.to_path_buf());
            }
        });
    }

    /// Takes in what another `LeakCheck` gathered (one made on another
    /// thread). Keys from a small piece (an article's) are copied into the
    /// block being filled, big blocks are moved: gathering many articles
    /// into one `LeakCheck` per worker (rayon's `fold`, then `reduce`)
    /// copies each key once.
    pub fn merge(&mut self, other: LeakCheck) {
        self.paid.merge(other.paid);
        self.public.merge(other.public);
        self.sources.extend(other.sources);
    }

    /// Paid shingles gathered so far, repeats and excused ones included.
    pub fn paid_shingles(&self) -> usize {
        self.paid.len()
    }

    /// The index of every paid shingle that no public text contains.
    pub fn finish(self) -> LeakIndex {
        let total = self.paid_shingles();
        // About eight shingles a bucket: a bucket's fingerprints are one
        // cache line, and the offsets cost half a byte a shingle.
        let bits = (usize::BITS - (total / 8).max(1).leading_zeros()).clamp(PART_BITS, 30);
        let shift = u64::BITS - bits;
        let per_part = 1usize << (bits - PART_BITS);
        let parts = Vec::from(self.paid.0)
            .into_par_iter()
            .zip(Vec::from(self.public.0))
            .enumerate()
            .map(|(p, (paid, public))| {
                let buckets = p * per_part..(p + 1) * per_part;
                let mut excused = vec![0u32; public.len()];
                let counts = sort_part(public.0, &mut excused, shift, buckets.clone(), None);
                let excused_starts = starts_of(&counts);
                let mut fps = vec![0u32; paid.len()];
                let counts = sort_part(paid.0, &mut fps, shift, buckets, Some((&excused_starts, &excused)));
                let starts = starts_of(&counts);
                fps.truncate(starts.last().map_or(0, |&n| n as usize));
                fps.shrink_to_fit();
                PartIndex { starts, fps }
            })
            .collect();
        LeakIndex { shift, parts, sources: self.sources }
    }
}
