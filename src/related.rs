//! "Related analysis": for each article, up to three others that share its
//! tags, authors or column, chosen at build time from public fields only.
//!
//! A shared tag counts 3, a shared author 2, the same column 1; ties go to
//! the newer article, then to the slug (the library's own order), so the
//! choice is the same on every build of the same content. Articles that
//! share nothing are never offered. Scores are summed from an index of who
//! has each tag and author, over the articles nearest in date on each list
//! ([`NEAR`] each side); articles that share only the column cannot outrank
//! any that share more, so they are taken from the column's list, newest
//! first, only to fill what is left. The cost grows with the archive, not
//! with its square.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::content::ArticleMeta;

/// Each article's related articles, by position in the library, best first.
pub type Related = Vec<Vec<usize>>;

/// How many related articles a page shows.
pub const SHOWN: usize = 3;

const TAG: u32 = 3;
const AUTHOR: u32 = 2;
const COLUMN: u32 = 1;

/// For each of `articles` (newest first, as the library orders them), the
/// positions of its related articles, best first.
pub fn related(articles: &[&ArticleMeta]) -> Related {
    let mut tags: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut authors: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut columns: HashMap<&str, Vec<usize>> = HashMap::new();
    // Each article's column as a number: compared for every candidate, where
    // reaching into each candidate's metadata cost most of the time.
    let mut column_ids: HashMap<&str, u32> = HashMap::new();
    let column_of: Vec<u32> = articles
        .iter()
        .map(|a| {
            a.column_slug.as_deref().map_or(0, |c| {
                let next = column_ids.len() as u32 + 1;
                *column_ids.entry(c).or_insert(next)
            })
        })
        .collect();
    for (i, a) in articles.iter().enumerate() {
        for t in unique(&a.tag_slugs) {
            tags.entry(t).or_default().push(i);
        }
        for s in unique(&a.author_slugs) {
            authors.entry(s).or_default().push(i);
        }
        if let Some(c) = &a.column_slug {
            columns.entry(c).or_default().push(i);
        }
    }
    (0..articles.len())
        .into_par_iter()
        .map_init(
            || Scores { score: vec![0; articles.len()], touched: Vec::new() },
            |scores, i| {
                let a = articles[i];
                for t in unique(&a.tag_slugs) {
                    scores.add(near(&tags[t], i), TAG);
                }
                for s in unique(&a.author_slugs) {
                    scores.add(near(&authors[s], i), AUTHOR);
                }
                let column = a.column_slug.as_deref().map(|c| columns[c].as_slice()).unwrap_or_default();
                if column_of[i] != 0 {
                    for &j in &scores.touched {
                        if column_of[j] == column_of[i] {
                            scores.score[j] += COLUMN;
                        }
                    }
                }
                // The best three in one pass: sorting every candidate cost
                // 10,000 articles a second.
                let mut best: Vec<(u32, usize)> = Vec::with_capacity(SHOWN + 1);
                for &j in scores.touched.iter().filter(|&&j| j != i) {
                    let candidate = (scores.score[j], j);
                    let better = |x: &(u32, usize)| x.0 > candidate.0 || (x.0 == candidate.0 && x.1 < candidate.1);
                    if best.len() == SHOWN && best.last().is_some_and(better) {
                        continue;
                    }
                    let at = best.iter().position(|x| !better(x)).unwrap_or(best.len());
                    best.insert(at, candidate);
                    best.truncate(SHOWN);
                }
                let mut chosen: Vec<usize> = best.into_iter().map(|(_, j)| j).collect();
                // Only the column in common: the newest, after every article that shares more.
                for &j in column {
                    if chosen.len() == SHOWN {
                        break;
                    }
                    if j != i && scores.score[j] == 0 {
                        chosen.push(j);
                    }
                }
                scores.clear();
                chosen
            },
        )
        .collect()
}

/// How many articles on each side of an article, in date order, a tag's or
/// an author's list offers it. Without a bound, a tag on 900 of 10,000
/// articles made every one of them weigh the other 899, and the cost grows
/// with the square of the archive; with it, an article is related to those
/// of its time, and an edit changes the choice of its neighbours only.
const NEAR: usize = 128;

/// The part of `list` (positions, ascending) within [`NEAR`] places of `i`, which it holds.
fn near(list: &[usize], i: usize) -> &[usize] {
    let at = list.binary_search(&i).unwrap_or_else(|at| at);
    &list[at.saturating_sub(NEAR)..(at + NEAR + 1).min(list.len())]
}

/// `items` without repeats (front matter may list a tag twice).
fn unique(items: &[String]) -> impl Iterator<Item = &str> {
    items.iter().enumerate().filter(move |(k, s)| !items[..*k].contains(s)).map(|(_, s)| s.as_str())
}

/// One thread's running scores, and which it has set, to clear only those.
struct Scores {
    score: Vec<u32>,
    touched: Vec<usize>,
}

impl Scores {
    fn add(&mut self, list: &[usize], points: u32) {
        for &j in list {
            if self.score[j] == 0 {
                self.touched.push(j);
            }
            self.score[j] += points;
        }
    }

    fn clear(&mut self) {
        for &j in &self.touched {
            self.score[j] = 0;
        }
        self.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(slug: &str, column: Option<&str>, tags: &[&str], authors: &[&str]) -> ArticleMeta {
        let text = format!("+++\ntitle = \"{slug}\"\ndate = 2025-01-01\npaywall = false\n+++\nBody.\n");
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("content/articles")).expect("mkdir");
        std::fs::write(dir.path().join(format!("content/articles/{slug}.md")), text).expect("write");
        let config = crate::config::Config::parse("title = \"T\"\nbase_url = \"https://example.org\"\n").expect("config");
        let selection = crate::content::Selection { drafts: false, future: true, now: jiff::Timestamp::now() };
        let mut m = crate::content::Library::load(dir.path(), &config, selection, None).expect("load").articles.remove(0).meta;
        m.column_slug = column.map(str::to_string);
        m.tag_slugs = tags.iter().map(|s| s.to_string()).collect();
        m.author_slugs = authors.iter().map(|s| s.to_string()).collect();
        m
    }

    /// The related slugs of each article, by slug.
    fn run(metas: &[ArticleMeta]) -> Vec<Vec<&str>> {
        let refs: Vec<&ArticleMeta> = metas.iter().collect();
        related(&refs).into_iter().map(|r| r.into_iter().map(|j| metas[j].slug.as_str()).collect()).collect()
    }

    #[test]
    fn more_in_common_ranks_first_and_ties_go_to_the_newer() {
        let metas = [
            meta("a", Some("trade"), &["tariffs", "ports"], &["ana"]),
            meta("b", Some("energy"), &["tariffs"], &[]),              // 3
            meta("c", Some("trade"), &["tariffs", "ports"], &["ana"]), // 3+3+2+1
            meta("d", Some("trade"), &[], &[]),                        // 1
            meta("e", Some("energy"), &["ports"], &[]),                // 3, older than b
            meta("f", None, &[], &["bo"]),                             // nothing
        ];
        let r = run(&metas);
        assert_eq!(r[0], ["c", "b", "e"]);
        // Fewer than three share a tag or author: the column fills in.
        assert_eq!(r[3], ["a", "c"]);
        assert!(r[5].is_empty(), "sharing nothing, nothing is offered");
    }

    #[test]
    fn the_column_fills_only_what_is_left_newest_first() {
        let metas = [
            meta("a", Some("trade"), &["x"], &[]),
            meta("b", Some("trade"), &[], &[]),
            meta("c", Some("trade"), &[], &[]),
            meta("d", Some("trade"), &["x"], &[]),
            meta("e", Some("trade"), &[], &[]),
        ];
        assert_eq!(run(&metas)[0], ["d", "b", "c"]);
    }

    #[test]
    fn a_tag_written_twice_counts_once() {
        // b: author and column, 3; c: the tag, 3 (6 if counted twice); the tie goes to the newer, b.
        let metas = [meta("a", Some("k"), &["x", "x"], &["p"]), meta("b", Some("k"), &[], &["p"]), meta("c", None, &["x"], &[])];
        assert_eq!(run(&metas)[0], ["b", "c"]);
    }

    #[test]
    fn the_same_content_gives_the_same_choice() {
        let metas: Vec<ArticleMeta> =
            (0..40).map(|i| meta(&format!("s{i:02}"), Some(["a", "b"][i % 2]), &[["t1", "t2", "t3"][i % 3]], &[["p", "q"][i % 2]])).collect();
        let first = run(&metas);
        for _ in 0..5 {
            assert_eq!(run(&metas), first);
        }
        assert!(first.iter().all(|r| r.len() == SHOWN));
    }

    #[test]
    fn a_tag_on_many_articles_relates_those_nearest_in_date() {
        // 400 articles share one tag; the oldest is related to its nearest, not to the newest.
        let metas: Vec<ArticleMeta> = (0..400).map(|i| meta(&format!("s{i:03}"), None, &["x"], &[])).collect();
        let r = related(&metas.iter().collect::<Vec<_>>());
        assert_eq!(r[399], [399 - NEAR, 399 - NEAR + 1, 399 - NEAR + 2], "the newest within reach, newest first");
        assert_eq!(r[0], [1, 2, 3]);
        assert_eq!(r[200], [200 - NEAR, 200 - NEAR + 1, 200 - NEAR + 2]);
    }
}
