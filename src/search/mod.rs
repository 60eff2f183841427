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
use crate::content::{Article, ArticleMeta};
use crate::diagnostics::{Diagnostic, Result};
use crate::output::Sink;
use crate::target::{PerTarget, Target};
use crate::urls;

pub use text::push_text;

/// The folder of each tree that holds its index, and the search page's.
pub const BUNDLE_DIR: &str = "pagefind/";

/// The search page's folder.
pub const SEARCH_DIR: &str = "search/";

/// The root the index's links start from: they are paths within the tree
/// (`/articles/<slug>/`), which the search page puts under the tree's own
/// address as it finds it (Pagefind's `baseUrl`), so the same index works
/// wherever the tree is served (its address, the preview's, a copy on a
/// laptop) and is the same in the preview and the build.
const FROM_SEARCH_PAGE: &str = "";

/// An index's files, by path under the tree, with their bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// What one article gives the search indexes: only what its cards and
/// pages show, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The article's Markdown file, relative to the site root: where its text is read again.
    source: std::path::PathBuf,
    slug: String,
    title: String,
    /// `2026-03-17`: the index's order and `<time datetime>`.
    date: String,
    /// As the theme writes it ("Tuesday, March 17, 2026").
    date_long: String,
    year: String,
    column: Option<String>,
    column_slug: Option<String>,
    teaser: String,
    paywalled: bool,
    /// The article's [`crate::content::text_hash`]: the index cache's key,
    /// so a record taken without its text finds the index one taken with it made.
    text_hash: [u128; 2],
    /// The text, where it was taken: a build takes it only for the indexes
    /// it must make again, as pulling the words out of every article's HTML
    /// costs a tenth of a build whose indexes all come from the cache.
    text: Option<Text>,
}

/// An article's words, as its indexes hold them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Text {
    /// Title, teaser, column, bylines, tags and the free part.
    public: String,
    /// The paid part's text, for the members index; empty for a free article.
    paid: String,
}

impl Record {
    /// The record of `article` with its text, taken while its members text is still loaded.
    pub fn of(article: &Article) -> Record {
        let mut public = String::with_capacity(article.public.html.len() / 2 + 256);
        for field in crate::content::shown_fields(&article.meta) {
            public.push_str(field);
            public.push_str(". ");
        }
        push_text(&article.public.html, &mut public);
        push_text(&article.public.footnotes_html, &mut public);
        let mut paid = String::new();
        if let Some(full) = &article.members {
            // The free blocks are the public text's already: only what follows the cut.
            push_text(full.html.get(full.paid_from..).unwrap_or_default(), &mut paid);
            push_text(&full.footnotes_html, &mut paid);
        }
        Record { text: Some(Text { public, paid }), ..Self::bare(&article.meta) }
    }

    /// The record of the article `m` describes, without its text: what the
    /// index cache needs to find its indexes.
    pub fn bare(m: &ArticleMeta) -> Record {
        Record {
            source: m.source.clone(),
            slug: m.slug.clone(),
            title: m.title.clone(),
            date: m.date.iso_date(),
            date_long: m.date.long(),
            year: m.date.date().year().to_string(),
            column: m.column.clone(),
            column_slug: m.column_slug.clone(),
            teaser: m.teaser.clone(),
            paywalled: m.paywalled,
            text_hash: m.text_hash,
            text: None,
        }
    }

    /// The article's Markdown file, by which a build finds it to take its text.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// Whether it holds its text.
    pub fn has_text(&self) -> bool {
        self.text.is_some()
    }

    /// Whether `other` was taken from the same article as it was (the same fields and text hash).
    pub fn same_as(&self, other: &Record) -> bool {
        // Every field but the text.
        let Record { source, slug, title, date, date_long, year, column, column_slug, teaser, paywalled, text_hash, text: _ } = self;
        (slug, title, date, date_long, year, column, column_slug, teaser)
            == (&other.slug, &other.title, &other.date, &other.date_long, &other.year, &other.column, &other.column_slug, &other.teaser)
            && (*paywalled, *text_hash) == (other.paywalled, other.text_hash)
            && *source == other.source
    }

    /// The text `target`'s index holds (none for a record taken without it).
    fn text(&self, target: Target) -> Option<String> {
        let text = self.text.as_ref()?;
        Some(match target {
            Target::Public => text.public.clone(),
            Target::Members if text.paid.is_empty() => text.public.clone(),
            Target::Members => format!("{} {}", text.public, text.paid),
        })
    }

    /// What a result shows: Pagefind's `meta`.
    fn meta(&self) -> BTreeMap<String, String> {
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
            meta.insert("column_url".into(), urls::term_url(FROM_SEARCH_PAGE, urls::TermKind::Column, slug));
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
    /// Each index, as `public/pagefind/` or `members/pagefind/2025/`, with
    /// its cache key and whether it was written (not left as the output had it).
    pub made: Vec<(String, String, bool)>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let left = self.made.iter().filter(|(_, _, written)| !written).count();
        if left > 0 {
            let again = self.made.len() - left;
            return write!(
                f,
                "Search: {} article{}; {left} of {} indexes as they were, {again} {} in {:.2} s",
                self.articles,
                if self.articles == 1 { "" } else { "s" },
                self.made.len(),
                if self.cached { "from the cache" } else { "made again" },
                self.elapsed.as_secs_f64()
            );
        }
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
/// Pagefind UI bundles are left out, as the theme has its own page, and so
/// is its web worker: the page searches on its own thread, which saves a
/// first search 43 KB.
fn wanted(name: &str) -> bool {
    matches!(name, "pagefind.js" | "pagefind-entry.json")
        || name.starts_with("wasm.")
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"].iter().any(|dir| name.starts_with(dir))
}

/// Builds `target`'s index of `records` (newest first, so the files are
/// the same for the same site and a search by filters alone lists the
/// newest first without a sort key, which would add to every first
/// search's download): its files, by path under the tree.
pub fn index(records: &[Arc<Record>], config: &Config, target: Target) -> Result<Files> {
    let failed = |e: &dyn std::fmt::Display| Diagnostic::file("content", format!("building the {} search index failed: {e}", target.dir()));
    if let Some(bare) = records.iter().find(|r| !r.has_text()) {
        return Err(failed(&format_args!("the record of {} was taken without its text", bare.slug)).into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| failed(&e))?;
    let options = pagefind::options::PagefindServiceConfig::builder().force_language(config.language.clone()).build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| failed(&e))?;
    let files = runtime.block_on(async {
        for record in records {
            index
                .add_custom_record(
                    urls::article_url(FROM_SEARCH_PAGE, &record.slug),
                    record.text(target).unwrap_or_default(),
                    config.language.clone(),
                    Some(record.meta()),
                    Some(record.filters()),
                    None,
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

/// How many articles an index holds at most, so that building one stays
/// within a laptop's memory: Pagefind holds every word of what it indexes
/// until the index is written (at 10,000 articles of the benchmark's 1,770
/// words, one at a time: 2.66 GB at the peak, the public index of all of
/// them; a members index takes about 0.7 MB an article).
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    /// The public index is one while the site has at most this many
    /// articles (a first search downloads one index); above, it is one a
    /// year, a year of more in parts of this many.
    pub public: usize,
    /// The members index is one a year, a year of more in parts of this many.
    pub members: usize,
}

/// The parts every site's indexes are split in.
pub const PARTS: Parts = Parts { public: 10_000, members: 2_000 };

impl Parts {
    /// The folders of `target`'s indexes, with a trailing slash, newest
    /// first, for a site whose years (newest first) hold `years`' counts
    /// of articles: the search page asks the first and merges the others
    /// in. A year's first part is `pagefind/2025/`, its next ones
    /// `pagefind/2025-2/` and on, its newest articles first.
    ///
    /// The public index is one while it can be: a first search must stay
    /// small, and it holds only the free parts. The members index is one a
    /// year, so an edit rebuilds its year's (or its year's parts) only.
    pub fn dirs<'a>(self, target: Target, years: impl IntoIterator<Item = (&'a str, usize)>) -> Vec<String> {
        let years: Vec<(&str, usize)> = years.into_iter().filter(|(_, n)| *n > 0).collect();
        if years.is_empty() {
            return Vec::new();
        }
        if target == Target::Public && years.iter().map(|(_, n)| n).sum::<usize>() <= self.public {
            return vec![BUNDLE_DIR.to_string()];
        }
        let most = self.most(target);
        years
            .into_iter()
            .flat_map(|(year, n)| {
                (1..=n.div_ceil(most).max(1)).map(move |k| if k == 1 { format!("{BUNDLE_DIR}{year}/") } else { format!("{BUNDLE_DIR}{year}-{k}/") })
            })
            .collect()
    }

    /// The most articles one of `target`'s indexes holds once they are split (never 0).
    fn most(self, target: Target) -> usize {
        match target {
            Target::Public => self.public,
            Target::Members => self.members,
        }
        .max(1)
    }

    /// `records` (newest first) in `target`'s indexes, as [`Parts::dirs`] names them.
    fn shards(self, records: &[Arc<Record>], target: Target) -> Vec<Shard> {
        let mut years: Vec<(&str, usize)> = Vec::new();
        for record in records {
            match years.last_mut() {
                // Records are newest first, so a year's are together.
                Some((year, n)) if *year == record.year => *n += 1,
                _ => years.push((&record.year, 1)),
            }
        }
        let dirs = self.dirs(target, years.iter().copied());
        if dirs.len() == 1 {
            return vec![Shard { dir: dirs.into_iter().next().unwrap_or_default(), records: records.to_vec(), target }];
        }
        let most = self.most(target);
        let mut dirs = dirs.into_iter();
        let mut rest = records;
        let mut shards = Vec::new();
        for (_, n) in years {
            let (year, after) = rest.split_at(n);
            rest = after;
            for part in year.chunks(most) {
                shards.push(Shard { dir: dirs.next().unwrap_or_default(), records: part.to_vec(), target });
            }
        }
        shards
    }
}

/// One index of a tree: its folder under the tree and its records.
struct Shard {
    /// `pagefind/`, `pagefind/2025/` for a year, `pagefind/2025-2/` for a year's second part.
    dir: String,
    records: Vec<Arc<Record>>,
    target: Target,
}

/// A shard's index: from the site's cache when its records are what it was
/// last built from, else built and kept there; none where `as_it_was`
/// says the output already holds the index of that key. Says which, and the key.
fn cached_index(shard: &Shard, config: &Config, root: &Path, fill: &Fill, as_it_was: &AsItWas) -> Result<(Option<Files>, bool, String)> {
    let name = format!("{}-{}", shard.target.dir(), shard.dir.trim_start_matches(BUNDLE_DIR).trim_end_matches('/'));
    let key = format!("{name}-{}", cache::key(&shard.records, config, shard.target));
    if as_it_was(&format!("{}/{}", shard.target.dir(), shard.dir), &key) {
        return Ok((None, true, key));
    }
    if let Some(files) = cache::load(root, &key) {
        return Ok((Some(files), true, key));
    }
    let filled;
    let records = if shard.records.iter().all(|r| r.has_text()) {
        &shard.records
    } else {
        filled = fill(&shard.records)?;
        &filled
    };
    let files = index(records, config, shard.target)?
        .into_iter()
        .map(|(path, bytes)| (format!("{}{}", shard.dir, path.trim_start_matches(BUNDLE_DIR)), bytes))
        .collect::<Files>();
    cache::store(root, &key, &files);
    Ok((Some(files), false, key))
}

/// `records` with their text, each made by `read` from its article (found
/// by its Markdown file) as the caller holds it, which must give the same
/// record: where it does not, or the article is gone, the article changed
/// since the record was taken, and the error at its file says `changed`.
pub fn with_text(records: &[Arc<Record>], read: impl Fn(&Path) -> Result<Option<Record>> + Sync, changed: &str) -> Result<Vec<Arc<Record>>> {
    use rayon::prelude::*;
    records
        .par_iter()
        .map(|record| match read(record.source())? {
            Some(full) if full.same_as(record) => Ok(Arc::new(full)),
            _ => Err(Diagnostic::file(record.source(), changed).into()),
        })
        .collect()
}

/// Gives records taken without their text again with it (in the same
/// order), for an index that must be made again.
pub type Fill<'a> = dyn Fn(&[Arc<Record>]) -> Result<Vec<Arc<Record>>> + Sync + 'a;

/// What became of one index.
struct Wrote {
    /// Whether it came from the cache (or was left as the output had it).
    cached: bool,
    key: String,
    /// Whether its files were written (not left as the output had them).
    written: bool,
    bytes: u64,
    count: usize,
}

/// Each index by folder (`members/pagefind/2025/`), with its cache key.
pub type Indexes = Vec<(String, String)>;

/// Whether the output already holds the index at a folder
/// (`members/pagefind/2025/`) made with a cache key: it is left as it is.
pub type AsItWas<'a> = dyn Fn(&str, &str) -> bool + Sync + 'a;

/// Builds both trees' indexes of `records` (or takes them from the cache
/// under the site folder `root`) and writes them into `sink`, but those
/// `as_it_was` says the output holds; `fill` gives the text of the records
/// taken without it where an index is made again.
pub fn write(mut records: Vec<Arc<Record>>, config: &Config, root: &Path, sink: &dyn Sink, fill: &Fill, as_it_was: &AsItWas) -> Result<Report> {
    use rayon::prelude::*;
    let started = Instant::now();
    records.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    let mut all = PARTS.shards(&records, Target::Public);
    all.extend(PARTS.shards(&records, Target::Members));
    // One per core at a time: each holds its words in memory while it
    // builds, and its files until they are written.
    let done: Vec<Result<Wrote>> = all
        .par_iter()
        .map(|shard| {
            let (files, cached, key) = cached_index(shard, config, root, fill, as_it_was)?;
            let (mut bytes, mut count) = (0, 0);
            for (path, contents) in files.iter().flatten() {
                bytes += contents.len() as u64;
                count += 1;
                sink.write(shard.target, path, contents)?;
            }
            Ok(Wrote { cached, key, written: files.is_some(), bytes, count })
        })
        .collect();
    let mut report = Report { articles: records.len(), cached: true, ..Report::default() };
    let mut keys = Vec::new();
    for (shard, result) in all.iter().zip(done) {
        let Wrote { cached, key, written, bytes, count } = result?;
        report.cached &= cached;
        report.bytes[shard.target] += bytes;
        report.files += count;
        report.made.push((format!("{}/{}", shard.target.dir(), shard.dir), key.clone(), written));
        keys.push(key);
    }
    cache::retain(root, &keys);
    report.elapsed = started.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests;
