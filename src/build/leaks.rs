//! The leak check as a build's extra step: it keeps each article's paid
//! text and the text anyone may read, then looks for the paid text in every
//! file of the public tree the build wrote, whatever made it (templates,
//! static files), and refuses the build on a find.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use super::Extra;
use crate::content::Article;
use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::leakcheck::LeakCheck;
use crate::output::Staging;
use crate::site::Site;
use crate::target::Target;

/// The leak check, collecting as the articles load.
#[derive(Default)]
pub(super) struct LeakScan {
    texts: Mutex<Vec<ArticleTexts>>,
}

impl Extra for LeakScan {
    fn article(&self, article: &Article) {
        self.texts.lock().unwrap_or_else(PoisonError::into_inner).push(ArticleTexts::of(article));
    }

    fn finish(self: Box<Self>, site: &Site, staging: &Staging) -> Result<super::Done> {
        let texts = self.texts.into_inner().unwrap_or_else(PoisonError::into_inner);
        check_leaks(site, texts, &staging.path().join(Target::Public.dir()))?;
        Ok(super::Done::default())
    }

    fn step(&self) -> &'static str {
        "look for paid text in every public file"
    }
}

/// What the leak check needs of an article: its paid text, and the text
/// anyone may read that the paid text may repeat without leaking.
struct ArticleTexts {
    source: PathBuf,
    paid: String,
    public: String,
}

impl ArticleTexts {
    fn of(article: &Article) -> ArticleTexts {
        let m = &article.meta;
        let mut public = String::new();
        for text in [m.title.as_str(), m.teaser.as_str(), m.column.as_deref().unwrap_or_default(), &article.public.html, &article.public.footnotes_html] {
            public.push_str(text);
            public.push('\n');
        }
        for term in m.tags.iter().chain(&m.authors) {
            public.push_str(term);
            public.push('\n');
        }
        let paid = match &article.members {
            Some(full) => format!("{}\n{}", full.html.get(full.paid_from..).unwrap_or_default(), full.footnotes_html),
            None => String::new(),
        };
        ArticleTexts { source: m.source.clone(), paid, public }
    }
}

/// Looks for the paid text of `texts` in every file of `public_dir`, the
/// public text of the articles, pages and bios excusing what it repeats.
fn check_leaks(site: &Site, texts: Vec<ArticleTexts>, public_dir: &Path) -> Result<()> {
    let mut check = texts
        .par_iter()
        .fold(LeakCheck::new, |mut check, t| {
            check.add_public(&t.public);
            if !t.paid.is_empty() {
                check.add_paid(&t.source, &t.paid);
            }
            check
        })
        .reduce(LeakCheck::new, |mut a, b| {
            a.merge(b);
            a
        });
    for page in &site.library().pages {
        check.add_public(&format!("{}\n{}\n{}\n{}", page.title, page.teaser, page.body.html, page.body.footnotes_html));
    }
    for bio in site.library().bios.values() {
        check.add_public(&bio.html);
    }
    let index = check.finish();
    let paid: HashMap<&Path, &str> = texts.iter().map(|t| (t.source.as_path(), t.paid.as_str())).collect();
    let lookup = |source: &Path| paid.get(source).map(|t| t.to_string());
    let leaks = index.scan_tree(public_dir, &lookup)?;
    if leaks.is_empty() {
        return Ok(());
    }
    Err(leaks.into_iter().map(Diagnostic::from).collect::<Diagnostics>().sorted())
}
