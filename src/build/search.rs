//! The search indexes as a build's extra step: each article's record is
//! taken as it loads (while its members text is still in memory), and both
//! trees' indexes are built once every page is written.

use std::sync::{Arc, Mutex, PoisonError};

use super::{Done, Extra};
use crate::content::Article;
use crate::diagnostics::Result;
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
        let record = Arc::new(Record::of(article));
        self.records.lock().unwrap_or_else(PoisonError::into_inner).push(record);
    }

    fn finish(self: Box<Self>, site: &Site, staging: &Staging) -> Result<Done> {
        let records = self.records.into_inner().unwrap_or_else(PoisonError::into_inner);
        let report = search::write(records, site.config(), site.root(), staging.sink())?;
        Ok(Done { files: report.files, line: Some(report.to_string()) })
    }

    fn step(&self) -> &'static str {
        "build the search indexes"
    }
}
