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
    /// The paid blocks, and each note only the members page shows, apart:
    /// a run of words across two of them is nobody's text (a note the
    /// public page shows too, ending where a paid note begins, once made a
    /// run of seven free words and the paid note's first, which the public
    /// page had as well).
    paid: Vec<String>,
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
            Some(full) => std::iter::once(full.html.get(full.paid_from..).unwrap_or_default().to_string())
                .chain(members_only_notes(&full.footnotes_html, &article.public.footnotes_html))
                .collect(),
            None => Vec::new(),
        };
        ArticleTexts { source: m.source.clone(), paid, public }
    }
}

/// The notes of `members` (the members page's notes, as lede renders them:
/// `<li id="fn-…">` items) that `public` (the public page's) does not have,
/// each on its own; all of `members` where it holds no such item.
fn members_only_notes(members: &str, public: &str) -> Vec<String> {
    const ITEM: &str = "<li id=\"";
    if !members.contains(ITEM) {
        return if members.trim().is_empty() { Vec::new() } else { vec![members.to_string()] };
    }
    members
        .split(ITEM)
        .skip(1)
        .filter(|item| {
            let id = item.split('"').next().unwrap_or_default();
            !public.contains(&format!("{ITEM}{id}\""))
        })
        .map(|item| format!("{ITEM}{item}"))
        .collect()
}

/// Looks for the paid text of `texts` in every file of `public_dir`, the
/// public text of the articles, pages and bios excusing what it repeats.
fn check_leaks(site: &Site, texts: Vec<ArticleTexts>, public_dir: &Path) -> Result<()> {
    let mut check = texts
        .par_iter()
        .fold(LeakCheck::new, |mut check, t| {
            check.add_public(&t.public);
            for part in t.paid.iter().filter(|p| !p.is_empty()) {
                check.add_paid(&t.source, part);
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
    let paid: HashMap<&Path, &[String]> = texts.iter().map(|t| (t.source.as_path(), t.paid.as_slice())).collect();
    let lookup = |source: &Path| paid.get(source).map(|parts| parts.join("\n"));
    let leaks = index.scan_tree(public_dir, &lookup)?;
    if leaks.is_empty() {
        return Ok(());
    }
    Err(leaks.into_iter().map(Diagnostic::from).collect::<Diagnostics>().sorted())
}
