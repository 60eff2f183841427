//! The search indexes as a build's extra step: once every page is
//! written, each article's record is taken from its metadata (which holds
//! a hash of its words), and both trees' indexes are found in the cache or
//! built from the articles read again.

use std::sync::Arc;

use super::{Done, Extra};
use crate::content::Article;
use crate::diagnostics::Result;
use crate::output::Staging;
use crate::search::{self, Record};
use crate::site::Site;

/// The search indexes' step.
pub(super) struct SearchIndex;

impl Extra for SearchIndex {
    // The metadata has all a record needs.
    fn article(&self, _: &Article) {}

    fn finish(self: Box<Self>, site: &Site, staging: &Staging) -> Result<Done> {
        let records = site.library().articles.iter().map(|a| Arc::new(Record::bare(&a.meta))).collect();
        let report = search::write(records, site.config(), site.root(), staging.sink(), &|records| with_text(site, records), &|_, _| false)?;
        let indexes = report.made.iter().map(|(dir, key, _)| (dir.clone(), key.clone())).collect();
        Ok(Done { files: report.files, line: Some(report.to_string()), indexes })
    }

    fn step(&self) -> &'static str {
        "build the search indexes"
    }
}

/// `records` with their text, from their articles read again, which must
/// give the records taken as the build loaded them: a file saved during the
/// build is refused rather than indexed with words its pages do not have.
pub(super) fn with_text(site: &Site, records: &[Arc<Record>]) -> Result<Vec<Arc<Record>>> {
    // The build has let go of the members text it wrote: the file is read again.
    let read = |source: &std::path::Path| site.position(source).map(|i| site.article_again(i).map(|a| Record::of(&a))).transpose();
    search::with_text(records, read, "changed while lede built the site: build again")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Selection;

    const ARTICLE: &str = "+++\ntitle = \"Ports\"\ndate = 2025-04-02\npaywall = 1\n+++\nFree part.\n\nPaid zqfirst part.\n";

    fn site(root: &std::path::Path) -> Site {
        std::fs::write(root.join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\n").expect("config");
        std::fs::create_dir_all(root.join("content/articles")).expect("content");
        std::fs::write(root.join("content/articles/ports.md"), ARTICLE).expect("article");
        Site::load(root, Selection { drafts: false, future: false, now: jiff::Timestamp::now() }).expect("load")
    }

    #[test]
    fn the_text_is_taken_from_the_article_read_again() {
        let dir = tempfile::tempdir().expect("dir");
        let site = site(dir.path());
        let bare = Arc::new(Record::bare(&site.library().articles[0].meta));
        let filled = with_text(&site, std::slice::from_ref(&bare)).expect("filled");
        assert!(filled[0].has_text() && filled[0].same_as(&bare));
        assert_eq!(*filled[0], Record::of(&site.library().articles[0]));
    }

    #[test]
    fn an_article_saved_while_the_site_builds_is_refused_rather_than_indexed() {
        let dir = tempfile::tempdir().expect("dir");
        let site = site(dir.path());
        let bare = Arc::new(Record::bare(&site.library().articles[0].meta));
        // The paid part only: the metadata the build holds is the same, the words are not.
        std::fs::write(dir.path().join("content/articles/ports.md"), ARTICLE.replace("zqfirst", "zqsecond")).expect("edit");
        let err = with_text(&site, &[bare]).expect_err("refused").to_string();
        assert!(err.contains("content/articles/ports.md: changed while lede"), "{err}");
    }
}
