//! The import report: what each source item became, what was dropped and
//! what needs a person's eye, printed and saved in the site.

use std::collections::BTreeMap;
use std::fmt::Write;

/// What a report entry is about; the report groups its entries by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// Who may read a post, and why.
    Paywall,
    /// A slug normalised, with its old URL kept as an alias.
    Slug,
    /// A source field with no place in lede.
    Dropped,
    /// A shortcode or embed converted, or kept for a person to look at.
    Shortcode,
    /// An image still served by another host.
    RemoteImage,
    /// A link to the old site that no imported item answers.
    DeadLink,
    /// A file that exists and was kept (no `--force`), or was written over.
    File,
    /// Anything else worth knowing.
    Note,
    /// Where each source item was written.
    Mapped,
}

impl Topic {
    fn heading(self) -> &'static str {
        match self {
            Topic::Paywall => "Paywall decisions",
            Topic::Slug => "Slugs changed (old URLs redirect)",
            Topic::Dropped => "Fields dropped",
            Topic::Shortcode => "Shortcodes and embeds",
            Topic::RemoteImage => "Images left on other hosts",
            Topic::DeadLink => "Dead internal links",
            Topic::File => "Files",
            Topic::Note => "Notes",
            Topic::Mapped => "What went where",
        }
    }
}

/// One thing the report says about one source item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The source item ("post 42", "content/posts/x.md").
    pub origin: String,
    /// What it is about.
    pub topic: Topic,
    /// What happened.
    pub text: String,
}

/// Counts and entries of one import.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// How many of each kind were found or written ("published posts", "pages", …).
    pub counts: BTreeMap<String, usize>,
    /// The entries, in the order they were made.
    pub entries: Vec<Entry>,
}

impl Report {
    /// Adds `n` to the count of `kind`.
    pub fn count(&mut self, kind: &str, n: usize) {
        *self.counts.entry(kind.to_string()).or_default() += n;
    }

    /// Adds an entry.
    pub fn note(&mut self, origin: impl Into<String>, topic: Topic, text: impl Into<String>) {
        self.entries.push(Entry { origin: origin.into(), topic, text: text.into() });
    }

    /// The entries about `topic`.
    pub fn about(&self, topic: Topic) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.topic == topic)
    }

    /// The report as Markdown: counts, then the entries grouped by topic.
    pub fn to_markdown(&self, title: &str) -> String {
        let mut out = format!("# {title}\n\n");
        for (kind, n) in &self.counts {
            let _ = writeln!(out, "- {kind}: {n}");
        }
        let mut topics: Vec<Topic> = self.entries.iter().map(|e| e.topic).collect();
        topics.sort();
        topics.dedup();
        for topic in topics {
            let _ = write!(out, "\n## {}\n\n", topic.heading());
            for e in self.about(topic) {
                let _ = writeln!(out, "- {}: {}", e.origin, e.text);
            }
        }
        out
    }

    /// Lines for the terminal: what the source held, what was written,
    /// and how many entries each topic of the report has.
    pub fn summary(&self) -> String {
        let (written, found): (Vec<_>, Vec<_>) = self.counts.iter().partition(|(k, _)| k.starts_with("written: ") || k.starts_with("files "));
        let line =
            |counts: Vec<(&String, &usize)>| counts.iter().map(|(k, n)| format!("{n} {}", k.trim_start_matches("written: "))).collect::<Vec<_>>().join(", ");
        let mut out = format!("  found: {}\n  written: {}", line(found), line(written));
        let mut per_topic: BTreeMap<Topic, usize> = BTreeMap::new();
        for e in &self.entries {
            *per_topic.entry(e.topic).or_default() += 1;
        }
        let topics: Vec<String> = per_topic.iter().map(|(topic, n)| format!("{} {n}", topic.heading().to_lowercase())).collect();
        if !topics.is_empty() {
            let _ = write!(out, "\n  in the report: {}", topics.join(", "));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_groups_entries_by_topic_after_the_counts() {
        let mut r = Report::default();
        r.count("published posts", 2);
        r.note("post 1", Topic::Note, "b");
        r.note("post 2", Topic::Paywall, "members only: visibility = paid");
        let md = r.to_markdown("Import from ghost");
        assert_eq!(
            md,
            "# Import from ghost\n\n- published posts: 2\n\n## Paywall decisions\n\n- post 2: members only: visibility = paid\n\n## Notes\n\n- post 1: b\n"
        );
        r.count("written: drafts", 1);
        assert_eq!(r.summary(), "  found: 2 published posts\n  written: 1 drafts\n  in the report: paywall decisions 1, notes 1");
    }
}
