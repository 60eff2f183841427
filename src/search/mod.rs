//! Site search: a Pagefind index for each tree, made through Pagefind's
//! API from lede's own view of each article rather than by parsing the
//! written pages again. The public index holds only what the public page
//! shows (title, teaser, column, bylines, tags and the free part); the
//! members index, the whole text.

mod cache;
mod text;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::Article;
use crate::diagnostics::{Diagnostic, Result};
use crate::output::Sink;
use crate::target::{PerTarget, Target};
use crate::urls;

pub use text::push_text;

/// The folder of each tree that holds its index, and the search page's.
pub const BUNDLE_DIR: &str = "pagefind/";

/// The search page's folder.
pub const SEARCH_DIR: &str = "search/";

/// An index's files, by path under the tree, with their bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// What one article gives the search indexes: only what its cards and
/// pages show, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    slug: String,
    title: String,
    /// `2026-03-17`: the sort key and `<time datetime>`.
    date: String,
    /// As the theme writes it ("Tuesday, March 17, 2026").
    date_long: String,
    year: String,
    column: Option<String>,
    column_slug: Option<String>,
    teaser: String,
    paywalled: bool,
    /// Title, teaser, column, bylines, tags and the free part.
    public_text: String,
    /// The paid part's text, for the members index; empty for a free article.
    paid_text: String,
}

impl Record {
    /// The record of `article`, taken while its members text is still loaded.
    pub fn of(article: &Article) -> Record {
        let m = &article.meta;
        let mut public_text = String::with_capacity(article.public.html.len() / 2 + 256);
        for field in [m.title.as_str(), m.teaser.as_str(), m.column.as_deref().unwrap_or_default()]
            .into_iter()
            .chain(m.authors.iter().map(String::as_str))
            .chain(m.tags.iter().map(String::as_str))
        {
            public_text.push_str(field);
            public_text.push_str(". ");
        }
        push_text(&article.public.html, &mut public_text);
        push_text(&article.public.footnotes_html, &mut public_text);
        let mut paid_text = String::new();
        if let Some(full) = &article.members {
            // The free blocks are the public text's already: only what follows the cut.
            push_text(full.html.get(full.paid_from..).unwrap_or_default(), &mut paid_text);
            push_text(&full.footnotes_html, &mut paid_text);
        }
        Record {
            slug: m.slug.clone(),
            title: m.title.clone(),
            date: m.date.iso_date(),
            date_long: m.date.long(),
            year: m.date.date().year().to_string(),
            column: m.column.clone(),
            column_slug: m.column_slug.clone(),
            teaser: m.teaser.clone(),
            paywalled: m.paywalled,
            public_text,
            paid_text,
        }
    }

    /// The text `target`'s index holds.
    fn text(&self, target: Target) -> String {
        match target {
            Target::Public => self.public_text.clone(),
            Target::Members if self.paid_text.is_empty() => self.public_text.clone(),
            Target::Members => format!("{} {}", self.public_text, self.paid_text),
        }
    }

    /// What a result shows: Pagefind's `meta`.
    fn meta(&self, config: &Config, target: Target) -> BTreeMap<String, String> {
        let mut meta = BTreeMap::from([
            ("title".to_string(), self.title.clone()),
            ("date".to_string(), self.date_long.clone()),
            ("datetime".to_string(), self.date.clone()),
        ]);
        if !self.teaser.is_empty() {
            meta.insert("teaser".into(), self.teaser.clone());
        }
        if let (Some(column), Some(slug)) = (&self.column, &self.column_slug) {
            meta.insert("column".into(), column.clone());
            meta.insert("column_url".into(), urls::term_url(config.tree_url(target), urls::TermKind::Column, slug));
        }
        if self.paywalled {
            meta.insert("subscribers".into(), "yes".into());
        }
        meta
    }

    /// What a search can be narrowed by: column and year.
    fn filters(&self) -> BTreeMap<String, Vec<String>> {
        let mut filters = BTreeMap::from([("year".to_string(), vec![self.year.clone()])]);
        if let Some(column) = &self.column {
            filters.insert("column".into(), vec![column.clone()]);
        }
        filters
    }
}

/// What building the indexes took, for the build's summary.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Articles indexed (in each tree).
    pub articles: usize,
    /// Bytes of each tree's index files.
    pub bytes: PerTarget<u64>,
    /// Files of both trees.
    pub files: usize,
    /// Whether both indexes came from the cache (nothing the index holds changed).
    pub cached: bool,
    /// Wall time.
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Search: {} article{} {} in {:.2} s ({} public, {} for members)",
            self.articles,
            if self.articles == 1 { "" } else { "s" },
            if self.cached { "unchanged, index from the cache" } else { "indexed" },
            self.elapsed.as_secs_f64(),
            size(self.bytes[Target::Public]),
            size(self.bytes[Target::Members])
        )
    }
}

/// `1.4 MB`, `820 KB`.
fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 { format!("{:.1} MB", bytes as f64 / 1e6) } else { format!("{} KB", bytes.div_ceil(1000)) }
}

/// The index files every search needs besides the word index itself; the
/// Pagefind UI bundles are left out, as the theme has its own page.
fn wanted(name: &str) -> bool {
    matches!(name, "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json")
        || name.starts_with("wasm.")
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"].iter().any(|dir| name.starts_with(dir))
}

/// Builds `target`'s index of `records` (sorted by slug, so the files
/// are the same for the same site): its files, by path under the tree.
pub fn index(records: &[Arc<Record>], config: &Config, target: Target) -> Result<Files> {
    let failed = |e: &dyn std::fmt::Display| Diagnostic::file("content", format!("building the {} search index failed: {e}", target.dir()));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| failed(&e))?;
    let options = pagefind::options::PagefindServiceConfig::builder().force_language(config.language.clone()).build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| failed(&e))?;
    let root = config.tree_url(target);
    let files = runtime.block_on(async {
        for record in records {
            index
                .add_custom_record(
                    urls::article_url(root, &record.slug),
                    record.text(target),
                    config.language.clone(),
                    Some(record.meta(config, target)),
                    Some(record.filters()),
                    Some(BTreeMap::from([("date".to_string(), record.date.clone())])),
                )
                .await?;
        }
        index.get_files().await
    });
    let files = files.map_err(|e| failed(&e))?;
    let mut files: Files = files
        .into_iter()
        .filter_map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            wanted(&name).then(|| (format!("{BUNDLE_DIR}{name}"), f.contents))
        })
        .collect();
    // Pagefind lists them in no set order.
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// `target`'s index of `records`: from the site's cache when they are
/// what it was last built from, else built and kept there. Says which.
fn cached_index(records: &[Arc<Record>], config: &Config, target: Target, root: &Path) -> Result<(Files, bool)> {
    let key = cache::key(records, config, target);
    if let Some(files) = cache::load(root, target, &key) {
        return Ok((files, true));
    }
    let files = index(records, config, target)?;
    cache::store(root, target, &key, &files);
    Ok((files, false))
}

/// Builds both trees' indexes of `records` at once (or takes them from the
/// cache under the site folder `root`) and writes them into `sink`.
pub fn write(mut records: Vec<Arc<Record>>, config: &Config, root: &Path, sink: &dyn Sink) -> Result<Report> {
    let started = Instant::now();
    records.sort_by(|a, b| a.slug.cmp(&b.slug));
    let (public, members) = rayon::join(|| cached_index(&records, config, Target::Public, root), || cached_index(&records, config, Target::Members, root));
    let (public, members) = (public?, members?);
    let mut report = Report { articles: records.len(), cached: public.1 && members.1, ..Report::default() };
    for (target, files) in [(Target::Public, public.0), (Target::Members, members.0)] {
        for (path, bytes) in files {
            report.bytes[target] += bytes.len() as u64;
            report.files += 1;
            sink.write(target, &path, &bytes)?;
        }
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests;
