//! The search indexes as a build's extra step: each article's record is
//! taken as it loads (while its members text is still in memory), without
//! its text, and both trees' indexes are found in the cache or built once
//! every page is written, from the articles read again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Done, Extra};
use crate::content::Article;
use crate::diagnostics::{Diagnostic, Result};
use crate::output::Staging;
use crate::search::{self, Record};
use crate::site::Site;

/// The records, collecting as the articles load.
#[derive(Default)]
pub(super) struct SearchIndex {
    records: Mutex<Vec<Arc<Record>>>,
}

impl Extra for SearchIndex {
    fn article(&self, article: &Article) {
        let record = Arc::new(Record::without_text(article));
        self.records.lock().unwrap_or_else(PoisonError::into_inner).push(record);
    }

    fn finish(self: Box<Self>, site: &Site, staging: &Staging) -> Result<Done> {
        let records = self.records.into_inner().unwrap_or_else(PoisonError::into_inner);
        let report = search::write(records, site.config(), site.root(), staging.sink(), &|records| with_text(site, records))?;
        Ok(Done { files: report.files, line: Some(report.to_string()) })
    }

    fn step(&self) -> &'static str {
        "build the search indexes"
    }
}

/// `records` with their text, from their articles read again, which must
/// give the records taken as the build loaded them: a file saved during the
/// build is refused rather than indexed with words its pages do not have.
fn with_text(site: &Site, records: &[Arc<Record>]) -> Result<Vec<Arc<Record>>> {
    use rayon::prelude::*;
    let articles = &site.library().articles;
    let by_slug: HashMap<&str, usize> = articles.iter().enumerate().map(|(i, a)| (a.meta.slug.as_str(), i)).collect();
    records
        .par_iter()
        .map(|record| {
            let Some(&i) = by_slug.get(record.slug()) else {
                return Err(Diagnostic::file("content", format!("the article {} went missing while the search index was built", record.slug())).into());
            };
            let full = Record::of(&site.article_again(i)?);
            if !full.same_as(record) {
                let source = &articles[i].meta.source;
                return Err(Diagnostic::file(source, "changed while lede built the site: build again").into());
            }
            Ok(Arc::new(full))
        })
        .collect()
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
        let bare = Arc::new(Record::without_text(&site.library().articles[0]));
        let filled = with_text(&site, std::slice::from_ref(&bare)).expect("filled");
        assert!(filled[0].has_text() && filled[0].same_as(&bare));
        assert_eq!(*filled[0], Record::of(&site.library().articles[0]));
    }

    #[test]
    fn an_article_saved_while_the_site_builds_is_refused_rather_than_indexed() {
        let dir = tempfile::tempdir().expect("dir");
        let site = site(dir.path());
        let bare = Arc::new(Record::without_text(&site.library().articles[0]));
        // The paid part only: the metadata the build holds is the same, the words are not.
        std::fs::write(dir.path().join("content/articles/ports.md"), ARTICLE.replace("zqfirst", "zqsecond")).expect("edit");
        let err = with_text(&site, &[bare]).expect_err("refused").to_string();
        assert!(err.contains("content/articles/ports.md") && err.contains("changed while lede built the site"), "{err}");
    }
}
