//! An article's HTML held compressed between loading and writing. A build
//! keeps every article loaded until each knows its related articles, and
//! the rendered HTML is much of that memory: with it compressed past the
//! budget, a build of the 100,000-article benchmark corpus peaked at 2.8 GB
//! instead of 4.2 GB, in the same time (tmpfs, medians of 4).

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::Article;
use crate::diagnostics::{Diagnostic, Result};
use crate::markdown::Part;

/// The HTML of both sides of an article, LZ4-compressed in one block.
#[derive(Debug, Clone)]
pub struct Packed {
    bytes: Vec<u8>,
    /// Lengths of the public HTML, its footnotes, the members HTML and its footnotes.
    lens: [usize; 4],
}

impl Article {
    /// Moves the HTML of both sides into a compressed copy, leaving them empty.
    pub fn pack(&mut self) {
        if self.packed.is_some() {
            return;
        }
        let empty = String::new();
        let members = self.members.as_ref();
        let pieces = [&self.public.html, &self.public.footnotes_html, members.map_or(&empty, |m| &m.html), members.map_or(&empty, |m| &m.footnotes_html)];
        let lens = pieces.map(String::len);
        let mut raw = Vec::with_capacity(lens.iter().sum());
        for piece in pieces {
            raw.extend_from_slice(piece.as_bytes());
        }
        self.packed = Some(Packed { bytes: lz4_flex::block::compress(&raw), lens });
        for part in self.sides_mut() {
            part.html = String::new();
            part.footnotes_html = String::new();
        }
    }

    /// This article with its HTML in place: itself, or a copy unpacked
    /// (which holds no compressed copy, and is dropped once written).
    pub fn unpacked(&self) -> Result<Cow<'_, Article>> {
        let Some(packed) = &self.packed else { return Ok(Cow::Borrowed(self)) };
        let [public, public_notes, members, members_notes] = packed.texts().map_err(|why| Diagnostic::file(&self.meta.source, why))?;
        // Every field but the compressed bytes, which the copy does not need:
        // the preview makes one for each article page it renders.
        let mut copy = Article {
            meta: self.meta.clone(),
            public: self.public.clone(),
            members: self.members.clone(),
            assets: self.assets.clone(),
            images: self.images.clone(),
            notes: self.notes.clone(),
            packed: None,
        };
        copy.public.html = public;
        copy.public.footnotes_html = public_notes;
        if let Some(m) = &mut copy.members {
            m.html = members;
            m.footnotes_html = members_notes;
        }
        Ok(Cow::Owned(copy))
    }

    /// Drops what only loading needed and, once the HTML held across the
    /// build passes `budget`, compresses it: a site of ordinary size keeps
    /// its HTML as text and pays nothing.
    pub fn hold(&mut self, budget: &HoldBudget) {
        let mut size = 0;
        for part in self.sides_mut() {
            // The teaser was taken from it when the article loaded.
            part.first_paragraph = String::new();
            size += part.html.len() + part.footnotes_html.len();
        }
        if budget.held.fetch_add(size, Ordering::Relaxed) + size > budget.bytes {
            self.pack();
        } else {
            for part in self.sides_mut() {
                part.html.shrink_to_fit();
                part.footnotes_html.shrink_to_fit();
            }
        }
    }

    /// The public side, and the members side when there is one.
    fn sides_mut(&mut self) -> impl Iterator<Item = &mut Part> {
        std::iter::once(&mut self.public).chain(self.members.as_mut())
    }
}

/// What a packed copy that does not decompress is reported as (a fault of lede's, not of the article).
const UNREADABLE: &str = "lede could not read back this article's HTML held in memory";

impl Packed {
    /// The four texts, in the order of `lens`.
    fn texts(&self) -> std::result::Result<[String; 4], String> {
        let total = self.lens.iter().sum();
        let raw = lz4_flex::block::decompress(&self.bytes, total).map_err(|e| format!("{UNREADABLE}: {e}"))?;
        let mut rest = String::from_utf8(raw).map_err(|e| format!("{UNREADABLE}: {e}"))?;
        let mut texts: [String; 4] = Default::default();
        // Split from the end, so that each split copies only its own piece.
        for (i, &len) in self.lens.iter().enumerate().rev() {
            let at = rest.len().checked_sub(len).filter(|&at| rest.is_char_boundary(at)).ok_or(UNREADABLE)?;
            texts[i] = rest.split_off(at);
        }
        Ok(texts)
    }
}

/// How much HTML a build holds as text before it compresses the rest.
#[derive(Debug)]
pub struct HoldBudget {
    bytes: usize,
    held: AtomicUsize,
}

/// The default budget: about 25,000 articles of the benchmark's length.
/// Compressing every article cost a 10,000-article build 25% more time
/// (3.05 s against 2.45 s, medians of 5) for 20% less memory; within the
/// budget a site of that size pays nothing.
const HOLD_BYTES: usize = 384 << 20;

impl HoldBudget {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> HoldBudget {
        HoldBudget { bytes, held: AtomicUsize::new(0) }
    }

    /// The build's budget: `LEDE_HOLD_MB` when set (the tests set 0 to compress every article), else the default.
    pub fn from_env() -> HoldBudget {
        let bytes = std::env::var("LEDE_HOLD_MB").ok().and_then(|v| v.parse::<usize>().ok()).map_or(HOLD_BYTES, |mb| mb << 20);
        HoldBudget::new(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(public: &str, notes: &str, members: Option<(&str, &str)>) -> Article {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("content/articles")).expect("mkdir");
        std::fs::write(dir.path().join("content/articles/held.md"), "+++\ntitle = \"Held\"\ndate = 2026-03-17\n+++\nText.\n").expect("article");
        let config = crate::config::Config::parse("title = \"T\"\nbase_url = \"https://example.org\"\n").expect("config");
        let selection = crate::content::Selection { drafts: true, future: true, now: jiff::Timestamp::now() };
        let library = crate::content::Library::load(dir.path(), &config, selection, None).expect("loads");
        let mut a = library.articles.into_iter().next().expect("the article");
        a.public.html = public.to_string();
        a.public.footnotes_html = notes.to_string();
        a.public.first_paragraph = "First.".to_string();
        a.members = members.map(|(html, notes)| crate::markdown::Part { html: html.to_string(), footnotes_html: notes.to_string(), ..Default::default() });
        a
    }

    #[test]
    fn packed_html_comes_back_the_same() {
        let members = "<p>Free — ünïcode.</p><div class=\"paid-content\"><p>Paid words, paid words, paid words.</p></div>";
        let mut a = article("<p>Free — ünïcode.</p>", "<li>note</li>", Some((members, "<li>note</li><li>paid note</li>")));
        a.pack();
        assert!(a.public.html.is_empty() && a.members.as_ref().is_some_and(|m| m.html.is_empty() && m.footnotes_html.is_empty()));
        let copy = a.unpacked().expect("unpacks");
        assert_eq!(copy.public.html, "<p>Free — ünïcode.</p>");
        assert_eq!(copy.public.footnotes_html, "<li>note</li>");
        assert_eq!(copy.members.as_ref().map(|m| (m.html.as_str(), m.footnotes_html.as_str())), Some((members, "<li>note</li><li>paid note</li>")));
        assert!(copy.packed.is_none(), "the copy is plain text");
        assert!(a.public.html.is_empty() && a.packed.is_some(), "the article itself stays compressed");
        assert_eq!(a.unpacked().expect("again").members.as_ref().map(|m| m.html.as_str()), Some(members));
        let plain = article("<p>Plain.</p>", "", None);
        assert!(matches!(plain.unpacked(), Ok(Cow::Borrowed(_))), "an article held as text is not copied");
    }

    #[test]
    fn a_free_article_and_empty_pieces_pack_too() {
        let mut a = article("", "", None);
        a.pack();
        let copy = a.unpacked().expect("unpacks");
        assert_eq!((copy.public.html.as_str(), copy.members.is_none()), ("", true));
        let mut b = article("<p>Only free.</p>", "", None);
        b.pack();
        assert_eq!(b.unpacked().expect("unpacks").public.html, "<p>Only free.</p>");
    }

    #[test]
    fn the_budget_compresses_only_what_passes_it() {
        let budget = HoldBudget::new(30);
        let mut first = article("<p>Twenty-one bytes.</p>", "", None);
        let mut second = article("<p>Twenty-one bytes.</p>", "", None);
        first.hold(&budget);
        second.hold(&budget);
        assert!(first.packed.is_none() && first.public.html == "<p>Twenty-one bytes.</p>", "within the budget: kept as text");
        assert!(second.packed.is_some() && second.public.html.is_empty(), "past it: compressed");
        assert!(first.public.first_paragraph.is_empty() && second.public.first_paragraph.is_empty(), "the teaser's source is dropped either way");
    }

    #[test]
    fn a_corrupt_copy_is_an_error_not_a_panic() {
        let mut a = article("<p>Text.</p>", "", None);
        a.pack();
        if let Some(p) = &mut a.packed {
            p.lens[0] += 5;
        }
        assert!(a.unpacked().is_err());
    }
}
