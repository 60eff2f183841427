//! What rendering a body is given, and where it notes what it meets: the
//! file the body came from (its folder holds the article's own files), the
//! address of the page it is shown on, and a place to collect the links and
//! embedded files of each side of the cut. Whatever needs the site while a
//! body becomes HTML (a link report, co-located images, shortcodes, an
//! email edition) reads it from here, not from global state.

use std::collections::HashMap;
use std::path::Path;

use pulldown_cmark::{Event, Tag};

use super::Shortcodes;
use crate::images::LocalImage;
use crate::target::Target;

/// The page a body is rendered for.
pub struct RenderContext<'a> {
    /// The body's file, relative to the site root.
    pub source: &'a Path,
    /// The public address of the page the body is shown on; relative links resolve against it.
    pub page_url: &'a str,
    /// Where the links and images met are noted, when a caller needs them (`None` skips the work).
    pub references: Option<&'a mut Vec<Reference>>,
    /// The site's own images the body embeds, by address as written: their
    /// `<img>` gets its size and `srcset` (`None`: a body without local images).
    pub images: Option<&'a HashMap<String, LocalImage>>,
    /// What renders shortcodes (`None`: they render as nothing, for callers that only read the text).
    pub shortcodes: Option<&'a dyn Shortcodes>,
}

impl std::fmt::Debug for RenderContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderContext")
            .field("source", &self.source)
            .field("page_url", &self.page_url)
            .field("references", &self.references)
            .field("images", &self.images)
            .field("shortcodes", &self.shortcodes.is_some())
            .finish()
    }
}

impl<'a> RenderContext<'a> {
    /// A context that notes nothing.
    pub fn new(source: &'a Path, page_url: &'a str) -> Self {
        RenderContext { source, page_url, references: None, images: None, shortcodes: None }
    }

    /// The same context, rendering shortcodes with `shortcodes`.
    pub fn with_shortcodes(mut self, shortcodes: Option<&'a dyn Shortcodes>) -> Self {
        self.shortcodes = shortcodes;
        self
    }
}

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// A link (`[text](url)`, `<url>`).
    Link,
    /// An embedded image (`![alt](url)`).
    Image,
}

/// A link or an image met in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Link or image.
    pub kind: ReferenceKind,
    /// The destination as the author wrote it.
    pub written: String,
    /// The destination resolved against the page's address (`None` when it cannot be).
    pub absolute: Option<String>,
    /// The tree that shows it: the public one for the free part (which
    /// members see too), the members one for the paid part.
    pub target: Target,
}

impl RenderContext<'_> {
    /// Notes the links and images among `events`, shown in `target`'s tree.
    pub(super) fn note<'e>(&mut self, events: impl Iterator<Item = &'e Event<'e>>, target: Target) {
        let Some(references) = self.references.as_deref_mut() else { return };
        let base = url::Url::parse(self.page_url).ok();
        for event in events {
            let (kind, dest) = match event {
                Event::Start(Tag::Link { dest_url, .. }) => (ReferenceKind::Link, dest_url),
                Event::Start(Tag::Image { dest_url, .. }) => (ReferenceKind::Image, dest_url),
                _ => continue,
            };
            let absolute = base.as_ref().and_then(|b| b.join(dest).ok()).map(String::from);
            references.push(Reference { kind, written: dest.to_string(), absolute, target });
        }
    }

    /// Whether anyone wants the references.
    pub(super) fn notes_references(&self) -> bool {
        self.references.is_some()
    }
}
