//! Words in a body, counted as its events arrive, and the plain text of a
//! run of events (headings' titles, the first paragraph).

use pulldown_cmark::{Event, TagEnd};

/// Counts the words of a body as its events arrive. Inline markup and
/// smart quotes split a word into several text events ("wo*rd*", "don’t"),
/// so whether the last text ended inside a word carries over; anything
/// else (a block boundary, a line break) separates words.
#[derive(Debug, Clone, Copy)]
pub(super) struct WordCounter {
    pub(super) words: usize,
    after_gap: bool,
}

impl WordCounter {
    pub(super) fn new() -> Self {
        WordCounter { words: 0, after_gap: true }
    }

    /// Counts the words starting in `event`'s text.
    pub(super) fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Text(t) | Event::Code(t) => self.text(t),
            Event::Start(tag) if is_inline(&tag.to_end()) => {}
            Event::End(tag) if is_inline(tag) => {}
            _ => self.after_gap = true,
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_ascii() {
            self.ascii(text.as_bytes());
            return;
        }
        for c in text.chars() {
            let gap = c.is_whitespace();
            self.words += usize::from(!gap && self.after_gap);
            self.after_gap = gap;
        }
    }

    /// ASCII text eight bytes at a time: a word starts at a byte above
    /// space that follows a byte at or below it. Bodies run to megabytes
    /// but arrive in short runs between markup, so this works on words of
    /// the machine rather than on blocks long enough to vectorize.
    fn ascii(&mut self, bytes: &[u8]) {
        const LANE_HIGH: u64 = 0x8080_8080_8080_8080;
        // Adding 0x5F carries a byte into its high bit exactly when it is
        // above b' ' (0x20); ASCII bytes never carry into the next lane.
        const ABOVE_SPACE: u64 = 0x5F5F_5F5F_5F5F_5F5F;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut lane = [0u8; 8];
            lane.copy_from_slice(chunk);
            let x = u64::from_le_bytes(lane);
            let word = x.wrapping_add(ABOVE_SPACE) & LANE_HIGH;
            let gap = !word & LANE_HIGH;
            let gap_before = (gap << 8) | (u64::from(self.after_gap) << 7);
            self.words += (word & gap_before).count_ones() as usize;
            self.after_gap = gap >> 63 == 1;
        }
        for &b in chunks.remainder() {
            let gap = b <= b' ';
            self.words += usize::from(!gap && self.after_gap);
            self.after_gap = gap;
        }
    }
}

/// Tags that sit inside a line of text, so do not end a word.
fn is_inline(tag: &TagEnd) -> bool {
    matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Superscript | TagEnd::Subscript)
}

/// Words in a text on its own: runs of characters between whitespace.
#[cfg(test)]
pub(super) fn count_words(text: &str) -> usize {
    let mut counter = WordCounter::new();
    counter.text(text);
    counter.words
}

/// The text of events up to (not including) the first for which `stop`
/// holds, each run of whitespace (line breaks included) made one space.
pub(super) fn plain_text(events: &[Event<'_>], stop: impl Fn(&Event<'_>) -> bool) -> String {
    let mut out = String::new();
    let mut space = false;
    let mut push = |text: &str, out: &mut String| {
        for c in text.chars() {
            if c.is_whitespace() {
                space = true;
            } else {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    };
    for e in events {
        if stop(e) {
            break;
        }
        match e {
            Event::Text(t) | Event::Code(t) => push(t, &mut out),
            Event::SoftBreak | Event::HardBreak => push(" ", &mut out),
            _ => {}
        }
    }
    out
}
