//! What a scan reports: the suspects its hashes find, the leaks confirmed
//! from them, and how a leak reads as a diagnostic.

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

/// Eight words of a public file whose hash is that of a paid shingle: a
/// leak until [`LeakIndex::confirm`](super::LeakIndex::confirm) finds whose
/// words they are (or that the hashes only collided).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    /// The public file, as the scan named it.
    pub file: PathBuf,
    /// The eight words, normalised, separated by spaces.
    pub words: String,
    pub(super) key: u64,
}

/// Paid text found in a public file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// The article whose paid text it is.
    pub source: PathBuf,
    /// The public file, relative to the scanned folder.
    pub file: PathBuf,
    /// The first eight words found, normalised (lowercase, single spaces).
    pub words: String,
    /// How many eight-word runs of this article's paid text the file holds.
    pub runs: usize,
}

impl From<&Leak> for Diagnostic {
    fn from(leak: &Leak) -> Diagnostic {
        let more = match leak.runs {
            0 | 1 => String::new(),
            n => format!(" ({n} runs of eight words)"),
        };
        Diagnostic::file(&leak.source, format!("paid text appears in the public file {}: \"{} …\"{more}", leak.file.display(), leak.words))
    }
}

impl From<Leak> for Diagnostic {
    fn from(leak: Leak) -> Diagnostic {
        Diagnostic::from(&leak)
    }
}
