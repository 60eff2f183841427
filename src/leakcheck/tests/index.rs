//! Gathering keys and the index made from them: merged pieces give the
//! same index, every paid key is kept once unless public text excuses it,
//! and gathered keys fill whole blocks.

use std::collections::HashSet;

use rayon::prelude::*;

use super::*;
use crate::leakcheck::gather::{BLOCK, PartKeys};
use crate::leakcheck::index::split_key;
use crate::leakcheck::shingle::{K0, K1};

#[test]
fn pieces_gathered_apart_and_merged_give_the_same_index() {
    let texts = ["one two three four five six seven eight nine ten", PAID, "a b c d e f g h i j k l m n o p"];
    let mut whole = LeakCheck::new();
    for (i, t) in texts.iter().enumerate() {
        whole.add_paid(Path::new(&format!("{i}.md")), t);
    }
    whole.add_public(PAID);
    let pieces: Vec<LeakCheck> = texts
        .par_iter()
        .enumerate()
        .map(|(i, t)| {
            let mut piece = LeakCheck::new();
            piece.add_paid(Path::new(&format!("{i}.md")), t);
            piece
        })
        .collect();
    let mut merged = LeakCheck::new();
    merged.add_public(PAID);
    for p in pieces {
        merged.merge(p);
    }
    let (whole, merged) = (whole.finish(), merged.finish());
    let contents = |index: &LeakIndex| index.parts.iter().map(|p| (p.starts.clone(), p.fps.clone())).collect::<Vec<_>>();
    assert_eq!(contents(&whole), contents(&merged));
    // PAID is public here: only the other two texts are left (3 + 9 runs).
    assert_eq!(whole.len(), 12);
}

#[test]
fn the_index_holds_every_paid_key_once_except_the_public_ones() {
    let mut x = 0x1234_5678_9ABC_DEF0u64;
    let mut next = || {
        x = x.wrapping_add(K0);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(K1);
        z ^ (z >> 31)
    };
    let mut check = LeakCheck::new();
    let mut all = Vec::new();
    for _ in 0..40 {
        let keys: Vec<u64> = (0..1000).map(|_| next()).collect();
        all.extend_from_slice(&keys);
        // Every article repeats its first hundred keys.
        let mut with_repeats = keys.clone();
        with_repeats.extend_from_slice(&keys[..100]);
        check.paid.add(&with_repeats);
    }
    let public: Vec<u64> = all.iter().step_by(7).copied().chain((0..500).map(|_| next())).collect();
    check.public.add(&public);
    let index = check.finish();
    let split = |k: u64| split_key(k, index.shift);
    let excused: HashSet<(usize, u32)> = public.iter().map(|&k| split(k)).collect();
    let mut expected: Vec<(usize, u32)> = all.iter().map(|&k| split(k)).filter(|p| !excused.contains(p)).collect();
    expected.sort_unstable();
    expected.dedup();
    let mut got = Vec::new();
    let per_part = index.parts[0].starts.len() - 1;
    for (p, part) in index.parts.iter().enumerate() {
        for (b, bounds) in part.starts.windows(2).enumerate() {
            let bucket = &part.fps[bounds[0] as usize..bounds[1] as usize];
            assert!(bucket.windows(2).all(|w| w[0] < w[1]), "bucket {b} of part {p} sorted, no repeats");
            got.extend(bucket.iter().map(|&fp| (p * per_part + b, fp)));
        }
    }
    assert_eq!(got, expected);
    // What a lookup sees.
    assert!(all.iter().filter(|&&k| !excused.contains(&split(k))).all(|&k| index.bucket(k).0.contains(&index.bucket(k).1)));
    assert_eq!(index.len(), 40_000 - 40_000_usize.div_ceil(7));
}

#[test]
fn keys_gathered_in_pieces_fill_whole_blocks() {
    let mut all = PartKeys::default();
    let mut expected = 0;
    for i in 0..300u64 {
        let mut piece = PartKeys::default();
        let keys: Vec<u64> = (0..(i % 7) * 100 + 1).map(|k| k * 1000 + i).collect();
        piece.extend(&keys);
        expected += keys.len();
        all.absorb(piece);
    }
    let mut big = PartKeys::default();
    big.extend(&vec![7; BLOCK]);
    all.absorb(big);
    assert_eq!(all.len(), expected + BLOCK);
    // Every block but the one being filled is whole.
    let (filling, whole) = all.0.split_last().map_or((0, &[][..]), |(l, w)| (l.len(), w));
    assert!(whole.iter().all(|b| b.len() == BLOCK), "{:?}", whole.iter().map(Vec::len).collect::<Vec<_>>());
    assert!(filling <= BLOCK);
    assert!(all.0.iter().all(|b| b.capacity() <= BLOCK));
}
