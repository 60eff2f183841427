//! The index of paid shingles ([`LeakIndex`]): fingerprints sorted into
//! buckets, without repeats and without the ones public text excuses, and
//! the lookup of a shingle's bucket.

use std::path::PathBuf;

use super::gather::PART_BITS;

/// A key's bucket (its top bits) and fingerprint (the 32 bits below them).
#[inline]
pub(super) fn split_key(key: u64, shift: u32) -> (usize, u32) {
    ((key >> shift) as usize, (key >> (shift - 32)) as u32)
}

/// Where each bucket starts, from the buckets' sizes (one more entry: the end).
pub(super) fn starts_of(counts: &[u32]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(counts.len() + 1);
    let mut sum = 0u32;
    for &c in counts {
        starts.push(sum);
        sum += c;
    }
    starts.push(sum);
    starts
}

/// Sorts one part's keys (all in `buckets`) into `region`, which holds
/// exactly as many: bucket by bucket, each sorted, without repeats and
/// without the fingerprints `excused` (its own starts and fingerprints)
/// has in the same bucket. The kept fingerprints are packed at the start
/// of `region`; returns each bucket's count. Every vector of keys is freed
/// once sorted in.
pub(super) fn sort_part(chunks: Vec<Vec<u64>>, region: &mut [u32], shift: u32, buckets: std::ops::Range<usize>, excused: Option<(&[u32], &[u32])>) -> Vec<u32> {
    let first = buckets.start;
    let mut counts = vec![0u32; buckets.len()];
    for chunk in &chunks {
        for &key in chunk {
            counts[split_key(key, shift).0 - first] += 1;
        }
    }
    let mut cursor = starts_of(&counts);
    let starts = cursor.clone();
    for chunk in chunks {
        for key in chunk {
            let (b, fp) = split_key(key, shift);
            let at = &mut cursor[b - first];
            region[*at as usize] = fp;
            *at += 1;
        }
    }
    let mut write = 0usize;
    for (b, count) in counts.iter_mut().enumerate() {
        let (from, to) = (starts[b] as usize, starts[b + 1] as usize);
        region[from..to].sort_unstable();
        let excused = excused.map_or(&[][..], |(s, fps)| &fps[s[b] as usize..s[b + 1] as usize]);
        let before = write;
        for read in from..to {
            let fp = region[read];
            let repeat = write > before && region[write - 1] == fp;
            if !repeat && excused.binary_search(&fp).is_err() {
                region[write] = fp;
                write += 1;
            }
        }
        *count = (write - before) as u32;
    }
    counts
}

/// The paid shingles of a site that no public text contains, ready to scan
/// public files with. Keeps 32 bits of each shingle's hash (about four
/// and a half bytes a shingle with the bucket offsets) and the articles'
/// paths; no text.
#[derive(Debug)]
pub struct LeakIndex {
    pub(super) shift: u32,
    /// One per part of the keys (their top bits).
    pub(super) parts: Vec<PartIndex>,
    pub(super) sources: Vec<PathBuf>,
}

/// The buckets of one part: bucket `b` holds `fps[starts[b]..starts[b + 1]]`,
/// sorted, without repeats.
#[derive(Debug)]
pub(super) struct PartIndex {
    pub(super) starts: Vec<u32>,
    pub(super) fps: Vec<u32>,
}

impl LeakIndex {
    /// Paid shingles indexed.
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.fps.len()).sum()
    }

    /// Whether nothing paid is left to look for.
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|p| p.fps.is_empty())
    }

    /// Bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.parts.iter().map(|p| (p.fps.capacity() + p.starts.capacity()) * 4).sum::<usize>()
            + self.sources.iter().map(|s| s.as_os_str().len() + std::mem::size_of::<PathBuf>()).sum::<usize>()
    }

    /// The fingerprints of `key`'s bucket, and its own.
    #[inline]
    pub(super) fn bucket(&self, key: u64) -> (&[u32], u32) {
        let (b, fp) = split_key(key, self.shift);
        let Some(part) = self.parts.get((key >> (u64::BITS - PART_BITS)) as usize) else { return (&[], fp) };
        let local = b & (part.starts.len().saturating_sub(2));
        let bucket = match (part.starts.get(local), part.starts.get(local + 1)) {
            (Some(&s), Some(&e)) => part.fps.get(s as usize..e as usize).unwrap_or_default(),
            _ => &[],
        };
        (bucket, fp)
    }
}
