//! The search indexes kept between builds, in `.lede-cache/search/`: an
//! index takes far longer to build than the pages it is made from, and a
//! build whose articles' search records did not change gets the same files.
//! Each index is one file named by a hash of everything it is made
//! from (lede's version, the language and every record); safe to delete.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use super::{Files, Record};
use crate::config::Config;
use crate::content::hash_field;
use crate::target::Target;

/// Changed with how a record's text is made from its article's HTML
/// (`text.rs`), which the key does not otherwise see.
const TEXT_FORMAT: &str = "text-1";

/// Where the indexes are kept, under the site's folder.
pub const CACHE_DIR: &str = ".lede-cache/search";

/// The hash naming `target`'s index of `records` (sorted). xxh3-128, not
/// SHA-256: nobody forges a cache entry in their own site folder, and at
/// 10,000 articles a build's search step from the cache took 0.37 s with
/// it against 0.44 s (medians of 5 interleaved builds).
pub fn key(records: &[std::sync::Arc<Record>], config: &Config, target: Target) -> String {
    let mut hash = Xxh3::new();
    // The version stands for how lede takes an article's words out of its HTML.
    for text in [env!("CARGO_PKG_VERSION"), TEXT_FORMAT, target.dir(), &config.language] {
        hash_field(&mut hash, text);
    }
    for r in records {
        for text in [&r.slug, &r.title, &r.date, &r.date_long, &r.year, &r.teaser] {
            hash_field(&mut hash, text);
        }
        hash_field(&mut hash, r.column.as_deref().unwrap_or("\u{0}"));
        hash_field(&mut hash, r.column_slug.as_deref().unwrap_or("\u{0}"));
        hash_field(&mut hash, if r.paywalled { "paid" } else { "free" });
        // What the text is made from, not the text, which a build takes only for an index it makes.
        hash.update(&r.text_hash[0].to_le_bytes());
        if target == Target::Members {
            hash.update(&r.text_hash[1].to_le_bytes());
        }
    }
    format!("{:032x}", hash.digest128())
}

fn path(root: &Path, key: &str) -> PathBuf {
    root.join(CACHE_DIR).join(key)
}

/// The files kept under `key`, if there are.
pub fn load(root: &Path, key: &str) -> Option<Files> {
    let bytes = std::fs::read(path(root, key)).ok()?;
    decode(&bytes)
}

/// Keeps `files` under `key`. A cache that cannot be written costs the
/// next build time, not correctness.
pub fn store(root: &Path, key: &str, files: &[(String, Vec<u8>)]) {
    let dir = root.join(CACHE_DIR);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    // Written aside and renamed, so a build that stops half-way leaves no torn file.
    let Ok(mut file) = tempfile::NamedTempFile::new_in(&dir) else { return };
    if file.write_all(&encode(files)).is_ok() {
        let _ = file.persist(path(root, key));
    }
}

/// Removes every kept index but those of `keys` and, for each of them, the
/// newest other version of the same index (its folder): an edit undone, or
/// a preview flipping between two versions of an article, then finds its
/// index kept rather than making it again (the paid part of an article at
/// 100,000 articles: 13-15 s). Also removes what a build killed while
/// writing left, and indexes of folders the site no longer has.
pub fn retain(root: &Path, keys: &[String]) {
    let Ok(entries) = std::fs::read_dir(root.join(CACHE_DIR)) else { return };
    let mut older: Vec<(String, std::time::SystemTime, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if keys.contains(&name) {
            continue;
        }
        let kept = index_of(&name).filter(|index| keys.iter().any(|k| index_of(k) == Some(index)));
        let when = entry.metadata().and_then(|m| m.modified()).ok();
        match (kept, when) {
            (Some(index), Some(when)) => older.push((index.to_string(), when, entry.path())),
            _ => {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    // Newest first within each index: the first of each is kept.
    older.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    for (i, (index, _, path)) in older.iter().enumerate() {
        if i > 0 && older[i - 1].0 == *index {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The index a cache key is of (`members-2025-2` of
/// `members-2025-2-<hash>`): the key less its hash.
fn index_of(key: &str) -> Option<&str> {
    key.rsplit_once('-').filter(|(_, hash)| hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit())).map(|(index, _)| index)
}

/// Each file as its path's length, path, length and bytes.
fn encode(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(files.iter().map(|(p, b)| p.len() + b.len() + 16).sum());
    for (path, bytes) in files {
        out.extend((path.len() as u64).to_le_bytes());
        out.extend(path.as_bytes());
        out.extend((bytes.len() as u64).to_le_bytes());
        out.extend(bytes);
    }
    out
}

fn decode(mut bytes: &[u8]) -> Option<Files> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (bytes.get(..n)?, bytes.get(n..)?);
        *bytes = rest;
        Some(head)
    }
    fn length(bytes: &mut &[u8]) -> Option<usize> {
        let mut n = [0u8; 8];
        take(bytes, 8)?.read_exact(&mut n).ok()?;
        usize::try_from(u64::from_le_bytes(n)).ok()
    }
    let mut files = Vec::new();
    while !bytes.is_empty() {
        let n = length(&mut bytes)?;
        let path = String::from_utf8(take(&mut bytes, n)?.to_vec()).ok()?;
        let n = length(&mut bytes)?;
        files.push((path, take(&mut bytes, n)?.to_vec()));
    }
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::{CACHE_DIR, decode, encode, index_of, retain};
    use std::time::{Duration, SystemTime};

    fn key(index: &str, n: u8) -> String {
        format!("{index}-{}", format!("{n:x}").repeat(32))
    }

    #[test]
    fn an_index_keeps_its_newest_earlier_version_and_nothing_else() {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join(CACHE_DIR);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let now = SystemTime::now();
        // Three versions of members-2025 (1 oldest), two of public-, one of a year gone, and a torn write.
        for (name, age) in [
            (key("members-2025", 1), 30),
            (key("members-2025", 2), 20),
            (key("members-2025", 3), 10),
            (key("public-", 4), 40),
            (key("public-", 5), 5),
            (key("members-2019", 6), 1),
            (".tmpAbc123".to_string(), 0),
        ] {
            let file = std::fs::File::create(dir.join(&name)).expect("write");
            file.set_modified(now - Duration::from_secs(age)).expect("time");
        }
        // The build used version 1 of members-2025 (an edit undone) and version 5 of the public index.
        retain(root.path(), &[key("members-2025", 1), key("public-", 5)]);
        let mut left: Vec<String> = std::fs::read_dir(&dir).expect("read").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, [key("members-2025", 1), key("members-2025", 3), key("public-", 4), key("public-", 5)]);
    }

    #[test]
    fn a_key_names_its_index() {
        assert_eq!(index_of(&key("members-2025-2", 10)), Some("members-2025-2"));
        assert_eq!(index_of(&key("public-", 11)), Some("public-"));
        assert_eq!(index_of("members-2025-nothex"), None);
        assert_eq!(index_of(".tmpAbc123"), None);
    }

    #[test]
    fn files_come_back_as_they_went_in() {
        let files = vec![("pagefind/pagefind.js".to_string(), b"js".to_vec()), ("pagefind/fragment/en_1.pf_fragment".to_string(), vec![0x1f, 0x8b, 0])];
        assert_eq!(decode(&encode(&files)), Some(files));
    }

    #[test]
    fn a_torn_file_is_no_index() {
        let bytes = encode(&[("a".to_string(), vec![1, 2, 3])]);
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
    }
}
