//! The link check as a build's extra step: both written trees followed
//! link by link (see `linkcheck`), each broken one reported at the line of
//! the Markdown file that wrote it, or at the page when a template did.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use super::Extra;
use crate::content::{self, Article};
use crate::diagnostics::{Diagnostic, Diagnostics, Result, line_col};
use crate::linkcheck::{Broken, External, Kind, Trees, Why};
use crate::output::Staging;
use crate::site::Site;
use crate::target::{PerTarget, Target};
use crate::urls;

/// The link check; with `external`, links to other hosts are requested too.
pub(super) struct LinkScan {
    pub external: bool,
}

impl Extra for LinkScan {
    fn article(&self, _article: &Article) {}

    fn finish(self: Box<Self>, site: &Site, staging: &Staging) -> Result<super::Done> {
        let config = site.config();
        let whole = staging.path();
        let dirs = PerTarget::from_fn(|t| whole.join(t.dir()));
        let trees = Trees { dirs: PerTarget::from_fn(|t| dirs[t].as_path()), roots: PerTarget::from_fn(|t| config.tree_url(t)) };
        let (mut broken, external) = trees.check()?;
        if self.external {
            broken.extend(check_external(external));
        }
        let problems = report(site, broken);
        problems.or(super::Done::default())
    }

    fn step(&self) -> &'static str {
        "follow every link of both trees"
    }
}

/// Requests each address on another host once (a few at a time, with a
/// time limit): those that fail or answer with an error status.
fn check_external(external: External) -> Vec<Broken> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(15))).http_status_as_error(false).user_agent("lede link check").build().into();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(8).build();
    let run = || {
        external
            .par_iter()
            .filter_map(|(url, (tree, page))| {
                let why = match agent.head(url).call() {
                    // Some servers refuse HEAD: ask again with GET before calling the link broken.
                    Ok(r) if r.status().as_u16() == 405 || r.status().as_u16() == 501 => match agent.get(url).call() {
                        Ok(r) if r.status().as_u16() < 400 => return None,
                        Ok(r) => format!("answered {}", r.status()),
                        Err(e) => e.to_string(),
                    },
                    Ok(r) if r.status().as_u16() < 400 => return None,
                    Ok(r) => format!("answered {}", r.status()),
                    Err(e) => e.to_string(),
                };
                Some(Broken { tree: *tree, page: page.clone(), kind: Kind::Link, href: url.clone(), why: Why::External(why) })
            })
            .collect()
    };
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

/// The Markdown file behind each output page that has one (articles, plain pages, redirects).
fn sources(site: &Site) -> HashMap<String, &Path> {
    let library = site.library();
    let mut map: HashMap<String, &Path> = HashMap::new();
    for a in &library.articles {
        map.insert(urls::article_path(&a.meta.slug), &a.meta.source);
    }
    for p in &library.pages {
        map.insert(urls::page_path(&p.path), &p.source);
    }
    for (alias, source, _, _) in content::aliases(library) {
        map.insert(urls::alias_file(&alias.path), source);
    }
    map
}

/// One diagnostic per broken reference, at the line of the Markdown file
/// that wrote it where one did; a reference broken the same way in both
/// trees (a free paragraph is in both) is reported once.
fn report(site: &Site, broken: Vec<Broken>) -> Diagnostics {
    let sources = sources(site);
    let mut texts: HashMap<PathBuf, Option<String>> = HashMap::new();
    let mut seen: BTreeMap<(String, String, String), ()> = BTreeMap::new();
    let mut problems = Diagnostics::new();
    for b in broken {
        let what = match b.kind {
            Kind::Link => "a link to",
            Kind::Embed => "the file",
        };
        let tree = match b.tree {
            Target::Public => "public",
            Target::Members => "members",
        };
        let message = match &b.why {
            Why::Missing if b.kind == Kind::Embed => format!("{what} {} is missing from the {tree} tree (put it in static/, or fix the path)", b.href),
            Why::Missing => format!("{what} {} leads nowhere in the {tree} tree: no such page or file", b.href),
            Why::NoAnchor => format!("{what} {} leads to an anchor the page does not have", b.href),
            Why::PaidAnchor => format!(
                "{what} {} leads to a heading past the paywall: it is only on the members page, so on the public page it leads nowhere (move the heading above the cut, or link elsewhere)",
                b.href
            ),
            Why::External(why) => format!("{what} {}: {why}", b.href),
        };
        let source = sources.get(&b.page).copied();
        let key = (source.map_or_else(|| format!("{tree}/{}", b.page), |s| s.display().to_string()), b.href.clone(), format!("{:?}", b.why));
        if seen.insert(key, ()).is_some() {
            continue;
        }
        let d = match source {
            Some(source) => {
                let text = texts.entry(source.to_path_buf()).or_insert_with(|| std::fs::read_to_string(site.root().join(source)).ok());
                match text.as_deref().and_then(|t| t.find(b.href.as_str()).map(|o| (t, o))) {
                    Some((t, o)) => {
                        let (line, column) = line_col(t, o);
                        Diagnostic::at(source, line, column, message)
                    }
                    None => Diagnostic::file(source, format!("{message} (on its {tree} page, written by a template)")),
                }
            }
            None => Diagnostic::file(format!("{tree}/{}", b.page), format!("{message} (written by a template)")),
        };
        problems.push(d);
    }
    problems.sorted()
}
