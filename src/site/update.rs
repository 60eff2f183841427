//! What an edit touches, for the preview: the one place that decides
//! which pages a changed article, page, bio, template or static file
//! renders again and which output files it removes, updating the loaded
//! site in step. The preview server only renders that and patches what it
//! serves; the oracle tests compare the result with a full build.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::{Job, Site};
use crate::content::listings::{listing_keys, page_count};
use crate::content::{self, Article, ArticleMeta, Item, ListingKey, newest_first};
use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::layout::{CONTENT_DIR, ContentKind, STATIC_DIR, content_kind};
use crate::render::Renderer;
use crate::urls::{self, TermKind};

/// What changed in the site's folders since the last build.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    /// Markdown files created, changed or deleted (relative to the site root).
    pub content: &'a BTreeSet<PathBuf>,
    /// Whether a template changed.
    pub templates: bool,
    /// Paths below `static/` created, changed or deleted (`/`-separated).
    pub statics: &'a BTreeSet<String>,
}

/// What an edit changed: pages to render again, files to copy again and
/// output paths to delete.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Jobs to render in both targets.
    pub jobs: Vec<Job>,
    /// Output paths (relative, in both trees) that no longer exist.
    pub removed: Vec<String>,
    /// Output folders (or files) whose every file no longer exists: a static folder deleted.
    pub removed_under: Vec<String>,
    /// Static files to copy again into both trees, by output path.
    pub statics: Vec<(String, Vec<u8>)>,
}

impl Site {
    /// Brings the site up to date with `edit` and says what to render,
    /// copy and delete. On error the site may be partly updated: load it afresh.
    pub fn update(&mut self, edit: Edit<'_>) -> Result<Update> {
        let mut update = Update::default();
        let mut jobs = BTreeSet::new();
        // Worked out (across the whole library) only for an edit that may change which articles are related.
        let related_before = self.relatedness_may_change(edit.content).then(|| self.related_by_source());
        if edit.templates {
            self.set_renderer(Renderer::load(&self.setup.root).map_err(Diagnostics::sorted)?);
            // Bodies were rendered with the shortcode templates as they were:
            // those that may use one are read again.
            let library = &self.library;
            let sources: Vec<PathBuf> = library
                .articles
                .iter()
                .map(|a| &a.meta.source)
                .chain(library.pages.iter().map(|p| &p.source))
                .chain(library.bios.values().map(|b| &b.source))
                .filter(|rel| !edit.content.contains(*rel))
                .filter(|rel| std::fs::read_to_string(self.setup.root.join(rel)).is_ok_and(|t| crate::markdown::may_hold_shortcode(&t)))
                .cloned()
                .collect();
            for rel in sources {
                self.update_content_only(&rel)?;
            }
        }
        for rel in edit.content {
            let one = self.update_content_only(rel)?;
            jobs.extend(one.jobs);
            update.removed.extend(one.removed);
        }
        if !edit.content.is_empty() {
            let problems = content::alias_problems(&self.library);
            if !problems.is_empty() {
                return Err(problems.sorted());
            }
        }
        if !edit.content.is_empty() {
            jobs.extend(self.related_jobs(related_before.as_ref(), edit.content));
        }
        if edit.templates {
            // Any page may use the edited template (through extends or include).
            jobs = self.jobs().into_iter().collect();
        }
        if !edit.statics.is_empty() {
            let touched = |key: &str| edit.statics.iter().any(|s| touched_by(key, s));
            // A deleted file or folder: whatever it was in the trees goes
            // (a built-in file of the same name comes back with the rest).
            let static_dir = self.setup.root.join(STATIC_DIR);
            update.removed_under = edit.statics.iter().filter(|s| !static_dir.join(s.as_str()).exists()).cloned().collect();
            update.statics = self.static_files()?.into_iter().filter(|(path, _)| touched(path)).collect();
        }
        // One file's edit may ask for a listing page that another's took away.
        let per = self.setup.config.paginate_by;
        jobs.retain(|job| !matches!(job, Job::Listing(key, n) if *n > self.index.pages(key, per)));
        update.jobs = jobs.into_iter().collect();
        update.removed.sort();
        update.removed.dedup();
        Ok(update)
    }

    /// Re-reads one file below `content/` (created, changed or deleted; `rel`
    /// is relative to the site root) and says which pages must be rendered
    /// again and which output files no longer exist. On error the site is unchanged.
    pub fn update_content(&mut self, rel: &Path) -> Result<Update> {
        let before = self.related_by_source();
        let mut update = self.update_content_only(rel)?;
        update.jobs.extend(self.related_jobs(Some(&before), &BTreeSet::from([rel.to_path_buf()])));
        Ok(update)
    }

    /// [`Site::update_content`] but for the related sections of other
    /// articles, which [`Site::update`] works out once for all its files.
    fn update_content_only(&mut self, rel: &Path) -> Result<Update> {
        let setup = &self.setup;
        let abs = setup.root.join(rel);
        let item = if abs.is_file() {
            // The same links are followed as in a build's walk of content/.
            crate::layout::check_input_file(&setup.root, &abs)?;
            Some(content::load_file(&setup.root, &abs, &setup.config, setup.selection, Some(setup.shortcodes())).map_err(Diagnostics::sorted)?)
        } else {
            None
        };
        let under = rel.strip_prefix(CONTENT_DIR).unwrap_or(rel);
        match content_kind(under) {
            ContentKind::Article => {
                let article = match item {
                    Some(Item::Article(a)) => Some(a),
                    _ => None,
                };
                self.update_article(rel, article)
            }
            ContentKind::Bio => {
                let slug = content::file_slug(rel);
                match item {
                    Some(Item::Bio(b)) => {
                        self.library.bios.insert(slug.clone(), b);
                    }
                    _ => {
                        self.library.bios.remove(&slug);
                    }
                }
                let key = ListingKey::Term(TermKind::Author, slug);
                let pages = self.index.pages(&key, self.setup.config.paginate_by);
                Ok(Update { jobs: (1..=pages).map(|n| Job::Listing(key.clone(), n)).collect(), ..Update::default() })
            }
            ContentKind::Page | ContentKind::MisspeltFolder { .. } | ContentKind::NotContent => {
                let page = match item {
                    Some(Item::Page(p)) => Some(p),
                    _ => None,
                };
                self.update_page(rel, page)
            }
        }
    }

    fn update_article(&mut self, rel: &Path, new: Option<Article>) -> Result<Update> {
        let articles = &self.library.articles;
        if let Some(a) = &new
            && let Some(other) = articles.iter().find(|b| b.meta.slug.eq_ignore_ascii_case(&a.meta.slug) && b.meta.source != rel)
        {
            return Err(
                Diagnostic::file(rel, format!("two articles have the slug {:?}: {} and {}", a.meta.slug, other.meta.source.display(), rel.display())).into()
            );
        }
        let old_index = self.position(rel);
        let old = old_index.map(|i| &articles[i].meta);
        let keys: BTreeSet<ListingKey> =
            std::iter::once(ListingKey::Home).chain(old.into_iter().chain(new.as_ref().map(|a| &a.meta)).flat_map(listing_keys)).collect();
        // Where the article stood in each listing, and how long each was.
        let before: Vec<(ListingKey, Option<usize>, usize)> = keys
            .into_iter()
            .map(|key| {
                let list = self.index.listings.get(&key).map_or(&[][..], |l| l.articles.as_slice());
                let at = old_index.and_then(|i| list.binary_search(&i).ok());
                (key, at, list.len())
            })
            .collect();
        let old_slug = old.map(|m| m.slug.clone());
        let old_aliases: Vec<String> = old.map(|m| m.aliases.iter().map(|a| a.path.clone()).collect()).unwrap_or_default();
        let new_aliases: Vec<String> = new.as_ref().map(|a| a.meta.aliases.iter().map(|a| a.path.clone()).collect()).unwrap_or_default();
        let slug_changed = old_slug.as_deref() != new.as_ref().map(|a| a.meta.slug.as_str());
        let new_slug = new.as_ref().map(|a| a.meta.slug.clone());
        // The sitemap lists each article's URL and date and each listing's
        // newest date: an edit that keeps those (most edits) leaves it as it
        // was, and it is the largest file to render again (a line per article).
        let sitemap_facts = |m: &ArticleMeta| (m.slug.clone(), m.date, m.updated, listing_keys(m));
        let sitemap_changed = old.map(sitemap_facts) != new.as_ref().map(|a| sitemap_facts(&a.meta));
        // The related articles, and the library's order they are kept in,
        // follow from these alone: an edit that keeps them (most edits) keeps
        // every article's choice, which is not worked out again.
        if old.is_none() || old.map(relatedness) != new.as_ref().map(|a| relatedness(&a.meta)) {
            self.related.take();
        }

        self.positions.take();
        if let Some(i) = old_index {
            self.library.articles.remove(i);
            self.index.remove_article(i);
            self.cards.remove(i);
        }
        let mut jobs = Vec::new();
        let mut new_index = None;
        if let Some(a) = new {
            let pos = self.library.articles.binary_search_by(|b| newest_first(&b.meta, &a.meta)).unwrap_or_else(|e| e);
            self.library.articles.insert(pos, a);
            self.index.insert_article(pos, &self.library.articles);
            self.cards.insert(pos, Default::default());
            jobs.push(Job::Article(rel.to_path_buf()));
            new_index = Some(pos);
        }
        self.index.name_listings(before.iter().map(|(k, _, _)| k), &self.library.articles);

        let mut removed = Vec::new();
        if let Some(old) = &old_slug
            && new_slug.as_ref() != Some(old)
        {
            removed.push(urls::article_path(old));
        }
        let per = self.setup.config.paginate_by;
        // A feed carries the newest articles of its listing only.
        let in_feed = |at: Option<usize>| at.is_some_and(|at| at < self.setup.config.feed_limit);
        let mut home_feed = false;
        for (key, old_at, old_len) in before {
            let list = self.index.listings.get(&key).map_or(&[][..], |l| l.articles.as_slice());
            let new_at = new_index.and_then(|i| list.binary_search(&i).ok());
            let pages_before = page_count(&key, old_len, per);
            let pages_after = self.index.pages(&key, per);
            // Counts show on every page; otherwise only the pages from where
            // the article was to where it is now change (the cards between shift).
            let changed = match (old_at, new_at) {
                (Some(o), Some(n)) if old_len == list.len() => o.min(n) / per + 1..=o.max(n) / per + 1,
                _ => 1..=pages_after,
            };
            jobs.extend(changed.filter(|&n| n <= pages_after).map(|n| Job::Listing(key.clone(), n)));
            removed.extend((pages_after + 1..=pages_before).map(|n| key.path(n)));
            let feed_changed = in_feed(old_at) || in_feed(new_at);
            match &key {
                ListingKey::Term(TermKind::Column, slug) if pages_after == 0 => removed.push(urls::column_feed_path(slug)),
                ListingKey::Term(TermKind::Column, slug) if feed_changed => jobs.push(Job::Feed(Some(slug.clone()))),
                ListingKey::Home => home_feed = feed_changed,
                _ => {}
            }
        }
        jobs.extend(TermKind::ALL.map(Job::Terms));
        // Its filters list the columns and years.
        if self.setup.config.search {
            jobs.push(Job::Search);
        }
        if home_feed {
            jobs.push(Job::Feed(None));
        }
        if sitemap_changed {
            jobs.push(Job::Sitemap);
        }
        self.alias_jobs(&old_aliases, &new_aliases, slug_changed, &mut jobs, &mut removed);
        Ok(Update { jobs, removed, ..Update::default() })
    }

    /// Whether an edit of the files `edited` may change which articles are
    /// related to which: it adds, removes or re-dates an article, or
    /// changes one's slug, column, tags or authors. Each edited article is
    /// read for it, which costs far less at 100,000 articles than
    /// comparing every article's choice before and after (340 ms an edit).
    fn relatedness_may_change(&self, edited: &BTreeSet<PathBuf>) -> bool {
        let setup = &self.setup;
        edited.iter().any(|rel| {
            if !matches!(content_kind(rel.strip_prefix(CONTENT_DIR).unwrap_or(rel)), ContentKind::Article) {
                return false;
            }
            let old = self.position(rel).map(|i| relatedness(&self.library.articles[i].meta));
            let abs = setup.root.join(rel);
            let new = if abs.is_file() {
                match content::load_file(&setup.root, &abs, &setup.config, setup.selection, Some(setup.shortcodes())) {
                    Ok(Item::Article(a)) => Some(relatedness(&a.meta)),
                    Ok(_) => None,
                    // The update reports it.
                    Err(_) => return true,
                }
            } else {
                None
            };
            old != new
        })
    }

    /// Each article's related articles, by slug, keyed by its Markdown file.
    fn related_by_source(&self) -> HashMap<PathBuf, Vec<String>> {
        let articles = &self.library.articles;
        self.related().iter().zip(articles).map(|(r, a)| (a.meta.source.clone(), r.iter().map(|&j| articles[j].meta.slug.clone()).collect())).collect()
    }

    /// The articles whose related section an edit of the files `edited`
    /// changed: those that show an edited article's card and, when the
    /// choices may have changed, those whose choice is not what it was
    /// (`before`).
    fn related_jobs(&self, before: Option<&HashMap<PathBuf, Vec<String>>>, edited: &BTreeSet<PathBuf>) -> Vec<Job> {
        let articles = &self.library.articles;
        let related = self.related();
        let edited_at: Vec<usize> = edited.iter().filter_map(|rel| self.position(rel)).collect();
        articles
            .iter()
            .zip(related)
            .filter(|(a, r)| {
                r.iter().any(|j| edited_at.contains(j))
                    || before.is_some_and(|before| {
                        before.get(&a.meta.source).is_none_or(|was| !was.iter().map(String::as_str).eq(r.iter().map(|&j| articles[j].meta.slug.as_str())))
                    })
            })
            .map(|(a, _)| Job::Article(a.meta.source.clone()))
            .collect()
    }

    /// The redirect pages and lists an article's or page's edit changes:
    /// its aliases' pages (their titles may have changed), the old ones
    /// removed, and the lists when an alias or the address they lead to moved.
    fn alias_jobs(&self, old: &[String], new: &[String], moved: bool, jobs: &mut Vec<Job>, removed: &mut Vec<String>) {
        jobs.extend(new.iter().map(|a| Job::Alias(a.clone())));
        removed.extend(old.iter().filter(|a| !new.contains(a)).map(|a| urls::alias_file(a)));
        if old != new || (moved && !new.is_empty()) {
            if content::aliases(&self.library).next().is_some() {
                jobs.extend([Job::Redirects, Job::RedirectMap]);
            } else {
                // Removed first, then written again where a host still has its
                // list without any alias (Netlify's, in the public tree).
                removed.extend([urls::REDIRECTS.to_string(), urls::REDIRECTS_MAP.to_string()]);
                jobs.push(Job::Redirects);
            }
        }
    }

    fn update_page(&mut self, rel: &Path, new: Option<content::Page>) -> Result<Update> {
        if let Some(p) = &new
            && let Some(other) = self.library.pages.iter().find(|q| q.path == p.path && q.source != rel)
        {
            return Err(Diagnostic::file(rel, format!("two pages would be written to /{}/: {} and {}", p.path, other.source.display(), rel.display())).into());
        }
        let mut removed = Vec::new();
        let mut old_aliases = Vec::new();
        let mut moved = new.is_none();
        if let Some(i) = source_position(self.library.pages.iter().map(|p| p.source.as_path()), rel) {
            let old = self.library.pages.remove(i);
            if new.as_ref().is_none_or(|p| p.path != old.path) {
                removed.push(urls::page_path(&old.path));
                moved = true;
            }
            old_aliases = old.aliases.iter().map(|a| a.path.clone()).collect();
        }
        let new_aliases: Vec<String> = new.as_ref().map(|p| p.aliases.iter().map(|a| a.path.clone()).collect()).unwrap_or_default();
        let mut jobs = vec![Job::Sitemap];
        if let Some(p) = new {
            let pos = self.library.pages.binary_search_by(|q| q.path.cmp(&p.path)).unwrap_or_else(|e| e);
            self.library.pages.insert(pos, p);
            jobs.push(Job::Page(rel.to_path_buf()));
        }
        self.alias_jobs(&old_aliases, &new_aliases, moved, &mut jobs, &mut removed);
        Ok(Update { jobs, removed, ..Update::default() })
    }
}

/// What an article's related articles, and its place among the others, follow from.
fn relatedness(m: &ArticleMeta) -> (String, crate::dates::PubDate, Option<String>, Vec<String>, Vec<String>) {
    (m.slug.clone(), m.date, m.column_slug.clone(), m.tag_slugs.clone(), m.author_slugs.clone())
}

/// Whether `key` is `prefix` itself or lies below it.
pub fn touched_by(key: &str, prefix: &str) -> bool {
    key == prefix || key.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// Where the file `rel` stands among `sources`.
fn source_position<'a>(sources: impl Iterator<Item = &'a Path>, rel: &Path) -> Option<usize> {
    content::positions(sources, &BTreeSet::from([rel.to_path_buf()])).first().copied()
}
