//! WordPress pages as lede pages, nested as WordPress nested them: a
//! page's path is its ancestors' slugs and its own.

use std::collections::{HashMap, HashSet};

use super::fields::{self, Slug};
use super::posts;
use super::wxr::Item;
use crate::import::{Body, Dialect, Page, Report, Topic};

/// A page before its path is known.
struct Draft<'a> {
    item: &'a Item,
    origin: String,
    slug: String,
}

/// The pages the items become, in file order.
pub fn pages(items: &[&Item], report: &mut Report) -> Vec<Page> {
    let mut drafts = Vec::new();
    for item in items {
        let origin = fields::origin("page", item);
        if item.status == "trash" {
            report.note(&origin, Topic::Note, format!("\u{201c}{}\u{201d} was in WordPress's trash: not imported", fields::plain_text(&item.title)));
            report.count("skipped items (trashed page)", 1);
            continue;
        }
        let Slug { value: slug, changed } = fields::slug(item, "page");
        if let Some(why) = changed {
            report.note(&origin, Topic::Slug, format!("{why}: written as `{slug}`"));
        }
        drafts.push(Draft { item, origin, slug });
    }
    let by_id: HashMap<&str, usize> = drafts.iter().enumerate().filter(|(_, d)| !d.item.id.is_empty()).map(|(i, d)| (d.item.id.as_str(), i)).collect();
    let mut paths: Vec<Option<Vec<String>>> = vec![None; drafts.len()];
    let mut taken = HashSet::new();
    for i in 0..drafts.len() {
        resolve(i, &drafts, &by_id, &mut paths, &mut taken, report);
    }
    drafts.iter().zip(paths).map(|(d, path)| page(d, path.unwrap_or_else(|| vec![d.slug.clone()]), report)).collect()
}

/// Gives page `i` and each of its ancestors without one their final path,
/// outermost first, so that a child's path always extends its parent's as
/// written (numbered when taken). A parent missing from the export (or
/// trashed) puts the page at the top, and so does a loop of parents, cut at
/// the page whose parent closes it.
fn resolve(i: usize, drafts: &[Draft], by_id: &HashMap<&str, usize>, paths: &mut [Option<Vec<String>>], taken: &mut HashSet<String>, report: &mut Report) {
    if paths[i].is_some() {
        return;
    }
    let mut chain = vec![i];
    let mut base = Vec::new();
    let mut current = i;
    loop {
        let parent = drafts[current].item.parent.trim();
        if parent.is_empty() || parent == "0" {
            break;
        }
        let Some(&p) = by_id.get(parent) else {
            report.note(
                &drafts[current].origin,
                Topic::Note,
                format!("its parent page {parent} is not in the export (or was trashed): written at the top level"),
            );
            break;
        };
        if let Some(path) = &paths[p] {
            base = path.clone();
            break;
        }
        if chain.contains(&p) {
            report.note(&drafts[current].origin, Topic::Note, "its parent pages lead back to it: written at the top level, which cuts the loop");
            break;
        }
        chain.push(p);
        current = p;
    }
    for &j in chain.iter().rev() {
        let mut path = base;
        path.push(drafts[j].slug.clone());
        unique(&mut path, taken, &drafts[j].origin, report);
        paths[j] = Some(path.clone());
        base = path;
    }
}

/// Makes a path unique among pages by numbering its last segment.
fn unique(path: &mut [String], taken: &mut HashSet<String>, origin: &str, report: &mut Report) {
    let Some(last) = path.len().checked_sub(1) else { return };
    let base = path[last].clone();
    let mut n = 1;
    while !taken.insert(path.join("/").to_lowercase()) {
        n += 1;
        path[last] = format!("{base}-{n}");
    }
    if n > 1 {
        report.note(origin, Topic::Slug, format!("path /{}/ is taken by an earlier page: written as /{}/", base, path.join("/")));
    }
}

/// The page itself. Pages have no paywall in lede, so one that WordPress
/// kept from the public is written as a draft for a person to decide on.
fn page(d: &Draft, path: Vec<String>, report: &mut Report) -> Page {
    let item = d.item;
    let origin = d.origin.clone();
    let mut draft = match item.status.as_str() {
        "publish" => false,
        "draft" | "pending" | "auto-draft" => true,
        "future" => {
            report.note(&origin, Topic::Note, "scheduled in WordPress: written as a draft, as lede pages have no schedule");
            true
        }
        "private" => {
            report.note(&origin, Topic::Note, "private in WordPress (only its editors could read it): written as a draft");
            true
        }
        other => {
            report.note(&origin, Topic::Note, format!("WordPress status `{other}` is not one lede knows: written as a draft"));
            true
        }
    };
    let restricted = if item.password.is_empty() { posts::restriction(item) } else { Some("password-protected in WordPress".into()) };
    if let Some(reason) = restricted {
        report.note(
            &origin,
            Topic::Paywall,
            format!("{reason}, and lede pages have no paywall: written as a draft so that it stays unpublished until a person decides"),
        );
        draft = true;
    }
    posts::dropped(item, &origin, report);
    let mut title = fields::plain_text(&item.title);
    if title.is_empty() {
        title = "Untitled".into();
        report.note(&origin, Topic::Note, "no title in WordPress: written as \u{201c}Untitled\u{201d}");
    }
    let aliases = fields::old_path(&item.link).filter(|old| *old != format!("/{}/", path.join("/"))).into_iter().collect();
    Page {
        origin,
        path,
        title,
        date: fields::date(item),
        draft,
        teaser: fields::teaser(&item.excerpt),
        aliases,
        body: Body::Html { html: item.content.clone(), dialect: Dialect::WordPress },
    }
}
