//! Where an article's free part ends: the front matter's number, a
//! `<!-- paywall -->` marker in the body, or the site default, and the
//! contradictions between them that must stop a build.

use crate::content::frontmatter::PaywallSetting;

/// The decision for one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Everything is public.
    Free,
    /// The first N top-level blocks are public, the rest is for subscribers.
    After(usize),
}

/// A `<!-- paywall -->` line found at the top level of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    /// How many content blocks precede it.
    pub blocks_before: usize,
    /// Byte offset in the body.
    pub offset: usize,
}

/// A contradiction, with the body offset of the marker it concerns (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutError {
    /// Byte offset in the body, when a marker is at fault.
    pub marker_offset: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// Decides the cut. `blocks` is the number of top-level content blocks.
pub fn decide(setting: PaywallSetting, markers: &[Marker], default: Option<usize>, blocks: usize) -> Result<Cut, CutError> {
    if let Some(second) = markers.get(1) {
        return Err(CutError {
            marker_offset: Some(second.offset),
            message: "a second <!-- paywall --> marker: an article has one cutoff".into(),
        });
    }
    let marker = markers.first();
    let cut = match (setting, marker) {
        (PaywallSetting::Blocks(_), Some(m)) => {
            return Err(CutError {
                marker_offset: Some(m.offset),
                message: "the front matter sets `paywall = N` and the body has a <!-- paywall --> marker: keep one of them".into(),
            });
        }
        (PaywallSetting::Free, Some(m)) => {
            return Err(CutError {
                marker_offset: Some(m.offset),
                message: "the front matter says `paywall = false` but the body has a <!-- paywall --> marker: remove one of them".into(),
            });
        }
        (PaywallSetting::Unset, Some(m)) if m.blocks_before == 0 => {
            return Err(CutError {
                marker_offset: Some(m.offset),
                message: "the <!-- paywall --> marker comes before any content: at least one block must be free".into(),
            });
        }
        (PaywallSetting::Unset, Some(m)) => Cut::After(m.blocks_before),
        (PaywallSetting::Blocks(n), None) => Cut::After(n),
        (PaywallSetting::Free, None) => Cut::Free,
        (PaywallSetting::Unset, None) => default.map_or(Cut::Free, Cut::After),
    };
    // A cutoff at or past the last block leaves nothing to sell.
    Ok(match cut {
        Cut::After(n) if n >= blocks => Cut::Free,
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaywallSetting::*;

    fn m(blocks_before: usize) -> Marker {
        Marker { blocks_before, offset: 10 * blocks_before }
    }

    #[test]
    fn number_wins_over_default() {
        assert_eq!(decide(Blocks(2), &[], Some(4), 10), Ok(Cut::After(2)));
    }

    #[test]
    fn marker_cuts_where_it_stands() {
        assert_eq!(decide(Unset, &[m(3)], Some(4), 10), Ok(Cut::After(3)));
    }

    #[test]
    fn default_applies_only_when_nothing_is_said() {
        assert_eq!(decide(Unset, &[], Some(4), 10), Ok(Cut::After(4)));
        assert_eq!(decide(Unset, &[], None, 10), Ok(Cut::Free));
        assert_eq!(decide(Free, &[], Some(4), 10), Ok(Cut::Free));
    }

    #[test]
    fn cut_past_the_end_is_free() {
        assert_eq!(decide(Blocks(5), &[], None, 5), Ok(Cut::Free));
        assert_eq!(decide(Blocks(4), &[], None, 5), Ok(Cut::After(4)));
    }

    #[test]
    fn contradictions_are_errors() {
        assert!(decide(Blocks(2), &[m(3)], None, 10).unwrap_err().message.contains("keep one"));
        assert!(decide(Free, &[m(3)], None, 10).is_err());
        assert_eq!(decide(Unset, &[m(2), m(5)], None, 10).unwrap_err().marker_offset, Some(50));
        assert!(decide(Unset, &[m(0)], None, 10).unwrap_err().message.contains("before any content"));
    }
}
