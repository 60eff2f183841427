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

    /// A few lines for the terminal: the counts and how many entries each topic has.
    pub fn summary(&self) -> String {
        let counts: Vec<String> = self.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let mut out = counts.join(", ");
        let mut per_topic: BTreeMap<Topic, usize> = BTreeMap::new();
        for e in &self.entries {
            *per_topic.entry(e.topic).or_default() += 1;
        }
        for (topic, n) in per_topic {
            let _ = write!(out, "\n  {}: {n}", topic.heading());
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
        assert_eq!(r.summary(), "2 published posts\n  Paywall decisions: 1\n  Notes: 1");
    }
}
