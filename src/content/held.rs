//! An article's HTML held out of the way between loading and writing. A
//! build keeps every article loaded until each knows its related articles,
//! and the rendered HTML is much of that memory. Past a budget it is
//! written to a temporary file where one can be made, else compressed in
//! memory. The 100,000-article benchmark corpus peaked at 4.2 GB with every
//! article held as text, 2.8 GB compressed in memory (in the same time;
//! tmpfs, medians of 4), and 2.2 GB with the copies in a file (cards were
//! most of the rest; see `site::Cards`).

use std::borrow::Cow;
use std::fs::File;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::{Article, Library};
use crate::diagnostics::{Diagnostic, Result};
use crate::markdown::Part;

/// The HTML of both sides of an article in one block: in a file as it is,
/// or in memory LZ4-compressed.
#[derive(Debug, Clone)]
pub struct Packed {
    place: Place,
    /// Lengths of the public HTML, its footnotes, the members HTML and its footnotes.
    lens: [usize; 4],
}

/// Where the copy is.
#[derive(Debug, Clone)]
enum Place {
    /// Compressed.
    Memory(Vec<u8>),
    /// `len` bytes at `at` in the file.
    Spilled { spill: Arc<Spill>, at: u64, len: usize },
    /// Not read: a build that starts from the last one's library reads
    /// the bodies of only the articles whose pages it writes (see
    /// `build::cache`). Rendering one unread fails rather than writing an
    /// empty page.
    Unread,
}

/// A temporary file that HTML is written to, so that a large
/// site's memory holds little more than its articles' metadata. It has no
/// name, and goes when the last article held in it does (or the process).
#[derive(Debug)]
pub struct Spill {
    file: File,
    /// Where the next copy goes: each writer takes its own stretch.
    end: AtomicU64,
}

impl Spill {
    /// A new temporary file (in `TMPDIR`, else the system's), or `None`
    /// where none can be made: the copies are then kept in memory.
    pub fn create() -> Option<Arc<Spill>> {
        if cfg!(not(unix)) {
            return None;
        }
        tempfile::tempfile().ok().map(Spill::of)
    }

    /// A spill into `file`.
    fn of(file: File) -> Arc<Spill> {
        Arc::new(Spill { file, end: AtomicU64::new(0) })
    }

    /// Writes `bytes` in a stretch of its own; returns where.
    fn put(&self, bytes: &[u8]) -> std::io::Result<u64> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, at)?;
        Ok(at)
    }

    /// The `len` bytes at `at`.
    fn get(&self, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut bytes = vec![0; len];
        read_at(&self.file, &mut bytes, at)?;
        Ok(bytes)
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

// Elsewhere no spill is made (see `Spill::create`).
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

impl Library {
    /// Holds every article's HTML aside unless the loaded library, with
    /// `cards` articles' cards kept whole, fits `budget`; returns whether
    /// it fits (and so whether cards may be kept whole). Past the budget
    /// all of it goes aside: memory then stays near what the metadata
    /// takes, where holding the budget's worth in the quickest form cost
    /// 300 MB at 100,000 articles and saved 4%.
    pub fn fit_budget(&mut self, budget: &HoldBudget, cards: usize) -> bool {
        let fits = budget.fits(cards);
        if !fits {
            self.articles.par_iter_mut().for_each(|a| a.set_aside(budget));
        }
        fits
    }
}

impl Article {
    /// An article known by its metadata and warnings alone, as the last
    /// build left them; its body is read again only where a page needs it.
    pub fn unread(meta: super::ArticleMeta, notes: Vec<Diagnostic>) -> Article {
        let members = meta.paywalled.then(Part::default);
        Article {
            meta,
            public: Part::default(),
            members,
            assets: Vec::new(),
            images: Vec::new(),
            notes,
            packed: Some(Packed { place: Place::Unread, lens: [0; 4] }),
        }
    }

    /// Whether its body is at hand (as text or held aside), rather than left unread.
    pub fn is_read(&self) -> bool {
        !matches!(self.packed, Some(Packed { place: Place::Unread, .. }))
    }

    /// Moves the HTML of both sides into a compressed copy in memory, leaving them empty.
    #[cfg(test)]
    fn pack(&mut self) {
        self.pack_into(None);
    }

    /// Moves the HTML of both sides where the budget holds it aside (see [`HoldBudget::fits`]).
    fn set_aside(&mut self, budget: &HoldBudget) {
        self.pack_into(budget.spill());
    }

    /// Moves the HTML of both sides into `spill` when given, else (or if
    /// writing fails) into a compressed copy in memory, leaving them empty.
    fn pack_into(&mut self, spill: Option<&Arc<Spill>>) {
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
        // Written as it is: compressing took 11% of a build's time for a
        // ratio of 1.6 on the benchmark's HTML, and the file is not memory.
        let place = match spill.map(|s| (s, s.put(&raw))) {
            Some((spill, Ok(at))) => Place::Spilled { spill: Arc::clone(spill), at, len: raw.len() },
            // A full disk costs memory, not the build.
            _ => Place::Memory(lz4_flex::block::compress(&raw)),
        };
        self.packed = Some(Packed { place, lens });
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
    /// build passes `budget`, moves it out of the way: a site of ordinary
    /// size keeps its HTML as text and pays nothing.
    pub fn hold(&mut self, budget: &HoldBudget) {
        let mut size = 0;
        for part in self.sides_mut() {
            // The teaser was taken from it when the article loaded.
            part.first_paragraph = String::new();
            size += part.html.len() + part.footnotes_html.len();
        }
        if budget.held.fetch_add(size, Ordering::Relaxed) + size > budget.bytes {
            self.pack_into(budget.spill());
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
const UNREADABLE: &str = "lede could not read back this article's HTML, held aside while building";

impl Packed {
    /// The four texts, in the order of `lens`.
    fn texts(&self) -> std::result::Result<[String; 4], String> {
        let total = self.lens.iter().sum();
        let raw = match &self.place {
            Place::Memory(bytes) => lz4_flex::block::decompress(bytes, total).map_err(|e| e.to_string()),
            Place::Spilled { spill, at, len } => spill.get(*at, *len).map_err(|e| e.to_string()),
            Place::Unread => Err("it was not read again from its file".to_string()),
        }
        .map_err(|e| format!("{UNREADABLE}: {e}"))?;
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

/// How much a build holds in its quickest form: the articles' HTML as
/// text and their cards whole. A site that passes it holds every article's
/// HTML in a temporary file and keeps every card lean (see `site::Cards`),
/// so that its memory stays near what its metadata takes.
#[derive(Debug)]
pub struct HoldBudget {
    bytes: usize,
    held: AtomicUsize,
    /// Made when the first article passes the budget.
    spill: OnceLock<Option<Arc<Spill>>>,
}

/// The default budget: about 17,000 articles of the benchmark's length
/// (15 KB of HTML and 8 KB of cards each). Holding every article aside and
/// every card lean cost a 10,000-article build 25% more time; within the
/// budget a site of that size pays nothing. At 100,000 articles it cost
/// about 4% (30.7 s against 29.5 s, medians of 3) and saved 300 MB (0.88
/// GB against 1.19 GB with the budget's worth held in the quickest form).
const HOLD_BYTES: usize = 384 << 20;

/// What an article's two whole cards take, roughly (7.6 KB measured at 100,000 articles).
const CARD_BYTES: usize = 8 << 10;

impl HoldBudget {
    /// A budget of `bytes`.
    pub fn new(bytes: usize) -> HoldBudget {
        HoldBudget { bytes, held: AtomicUsize::new(0), spill: OnceLock::new() }
    }

    /// A budget of `bytes` whose HTML past it goes into `spill`, or stays in memory.
    #[cfg(test)]
    fn with_spill(bytes: usize, spill: Option<Arc<Spill>>) -> HoldBudget {
        HoldBudget { bytes, held: AtomicUsize::new(0), spill: OnceLock::from(spill) }
    }

    /// Whether the site loaded with this budget keeps its HTML as text and,
    /// with `cards` articles' cards kept whole, stays within it. When not,
    /// every article is to be set aside ([`Library::fit_budget`]) and every card kept lean.
    pub fn fits(&self, cards: usize) -> bool {
        self.held.load(Ordering::Relaxed).saturating_add(cards.saturating_mul(CARD_BYTES)) <= self.bytes
    }

    /// Where copies past the budget go: a temporary file if one can be made.
    fn spill(&self) -> Option<&Arc<Spill>> {
        self.spill.get_or_init(Spill::create).as_ref()
    }

    /// The build's budget: `LEDE_HOLD_MB` when set (the tests set 0 to hold every article aside and every card lean), else the default.
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

    const MEMBERS: &str = "<p>Free.</p><div class=\"paid-content\"><p>Paid — ünïcode, paid words.</p></div>";

    #[test]
    fn html_written_to_the_spill_comes_back_the_same() {
        let budget = HoldBudget::with_spill(0, Spill::create());
        let mut first = article("<p>Free.</p>", "<li>note</li>", Some((MEMBERS, "<li>note</li><li>paid</li>")));
        let mut second = article("<p>Second.</p>", "", None);
        first.hold(&budget);
        second.hold(&budget);
        for (a, at) in [(&first, 0), (&second, 1)] {
            assert!(matches!(&a.packed, Some(Packed { place: Place::Spilled { at: offset, .. }, .. }) if (*offset > 0) == (at > 0)), "{:?}", a.packed);
            assert!(a.public.html.is_empty(), "nothing is held as text");
        }
        let copy = first.unpacked().expect("unpacks");
        assert_eq!((copy.public.html.as_str(), copy.public.footnotes_html.as_str()), ("<p>Free.</p>", "<li>note</li>"));
        assert_eq!(copy.members.as_ref().map(|m| (m.html.as_str(), m.footnotes_html.as_str())), Some((MEMBERS, "<li>note</li><li>paid</li>")));
        assert_eq!(second.unpacked().expect("unpacks").public.html, "<p>Second.</p>");
    }

    #[test]
    fn a_spill_that_cannot_be_written_keeps_the_copy_in_memory() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("spill");
        std::fs::write(&path, "").expect("file");
        let read_only = File::open(&path).expect("opens");
        let budget = HoldBudget::with_spill(0, Some(Spill::of(read_only)));
        let mut a = article("<p>Free.</p>", "", Some((MEMBERS, "")));
        a.hold(&budget);
        assert!(matches!(&a.packed, Some(Packed { place: Place::Memory(_), .. })), "{:?}", a.packed);
        assert_eq!(a.unpacked().expect("unpacks").members.as_ref().map(|m| m.html.as_str()), Some(MEMBERS));
    }

    #[test]
    fn a_spill_cut_short_is_an_error_not_a_panic() {
        let spill = Spill::create().expect("a temporary file");
        let budget = HoldBudget::with_spill(0, Some(Arc::clone(&spill)));
        let mut a = article("<p>Free.</p>", "", Some((MEMBERS, "")));
        a.hold(&budget);
        spill.file.set_len(3).expect("cut");
        let problem = a.unpacked().expect_err("cannot read back");
        assert!(problem.to_string().contains(UNREADABLE), "{problem}");
    }

    #[test]
    fn a_site_fits_the_budget_with_its_html_and_its_cards() {
        let budget = HoldBudget::new(2 * CARD_BYTES + 24);
        let mut a = article("<p>Twenty-one bytes.</p>", "", None);
        a.hold(&budget);
        assert!(a.packed.is_none(), "within the budget: kept as text");
        assert!(budget.fits(2) && !budget.fits(3), "24 bytes of HTML and two articles' cards fit, three do not");
        a.set_aside(&budget);
        assert!(a.packed.is_some() && a.public.html.is_empty(), "set aside");
        assert_eq!(a.unpacked().expect("unpacks").public.html, "<p>Twenty-one bytes.</p>");
        assert!(!HoldBudget::new(0).fits(1) && HoldBudget::new(0).fits(0), "a budget of none holds nothing in the quickest form");
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
