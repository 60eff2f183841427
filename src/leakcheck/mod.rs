//! The independent leak check: after a build, every run of eight words of
//! every paid part that no public source contains is looked for in every
//! file of the public tree, whatever wrote that file (pages, feeds, the
//! sitemap, a user's template or static file). It owns the word normaliser
//! both sides share, the hashing of eight-word runs ("shingles"), the index
//! of paid shingles, and the scan of a public tree. It does not know how
//! pages are made: that is the point of it.
//!
//! Both sides go through one normaliser so that the same prose gives the
//! same words whether it arrives as plain text taken from Markdown events or
//! as bytes of HTML, Atom (escaped HTML inside XML), JSON-LD, a sitemap or
//! anything else: words are runs of alphanumeric characters, lowercased;
//! character references, JSON escapes and percent escapes are decoded
//! (repeatedly, for the double escaping of feeds); tags are skipped without
//! breaking a run of prose, and attribute values are read as runs of their
//! own.
//!
//! The index keeps 32 bits of each paid shingle's hash, in buckets chosen by
//! the hash's top bits, and no text: a hit is confirmed afterwards by asking
//! for the paid text of every article again ([`PaidText`]) and comparing the
//! words, so a hash collision costs time, never a false report.

mod bytes;
mod decode;
mod gather;
mod index;
mod normalise;
mod report;
mod scan;
mod shingle;
mod tags;
#[cfg(test)]
mod tests;

pub use gather::LeakCheck;
pub use index::LeakIndex;
pub use report::{Leak, Suspect};
pub use scan::PaidText;

/// Words in a shingle: runs shorter than this are never reported.
pub const SHINGLE_WORDS: usize = 8;
