//! Unit tests of the leak check, by topic, and the article, paid text and
//! helpers they share.

mod index;
mod leaks;
mod reading;
mod shortcuts;

use std::path::Path;

use super::gather::with_shingles;
use super::normalise::{Input, scan};
use super::shingle::{Sink, Stream, Words};
use super::{Leak, LeakCheck, LeakIndex};

const ARTICLE: &str = "content/articles/budget.md";

/// The paid text of the tests' article, as Markdown's events give it
/// (smart punctuation: `don’t`).
const PAID: &str = "The minister said the budget would not survive the winter, and the coalition’s partners \
                    don’t believe otherwise.\nEveryone in the ministry expects a reshuffle before the summer recess.";

/// What `index` finds in a public file `file` holding `bytes`, the paid
/// text of the one article being `paid`.
fn scan_file(index: &LeakIndex, paid: &str, file: &str, bytes: &[u8]) -> Vec<Leak> {
    let suspects = index.scan_bytes(file, bytes);
    let text = paid.to_string();
    index.confirm(suspects, &move |source: &Path| (source == Path::new(ARTICLE)).then(|| text.clone()))
}

fn index_of(paid: &str, public: &[&str]) -> LeakIndex {
    let mut check = LeakCheck::new();
    check.add_paid(Path::new(ARTICLE), paid);
    for text in public {
        check.add_public(text);
    }
    check.finish()
}

fn leaks_in(bytes: &[u8]) -> Vec<Leak> {
    scan_file(&index_of(PAID, &[]), PAID, "articles/budget/index.html", bytes)
}

/// The words of a text's prose, rebuilt from its shingles.
fn prose_words(bytes: &[u8], input: Input) -> Vec<String> {
    struct All(Vec<String>);
    impl Sink for All {
        const TEXT: bool = true;
        fn shingle(&mut self, stream: Stream, _: u64, _: u64, words: &Words) {
            if stream != Stream::Prose {
                return;
            }
            let joined = words.joined();
            let mut split = joined.split(' ').map(str::to_string);
            if self.0.is_empty() {
                self.0.extend(split);
            } else if let Some(last) = split.next_back() {
                self.0.push(last);
            }
        }
    }
    let mut all = All(Vec::new());
    scan(bytes, input, &mut all);
    all.0
}

/// The keys of a plain text's shingles, in order.
fn shingles(text: &str) -> Vec<u64> {
    with_shingles(text, <[u64]>::to_vec)
}
