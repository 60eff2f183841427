//! The WordPress reader: a WordPress export (WXR, from Tools → Export) as
//! an [`Archive`]. Posts become articles, pages become pages nested as
//! they were, attachments give featured images and the files to copy from
//! an `uploads/` folder beside the export; every other kind of item is
//! counted as skipped. Bodies stay WordPress HTML for the writer to convert.
//!
//! The file is read as a stream of XML events, never as a tree, as exports
//! of old sites run to hundreds of megabytes.

mod assets;
mod fields;
mod names;
mod pages;
mod posts;
mod wxr;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::{Archive, Author, Options, Status, Topic};
use crate::diagnostics::{Diagnostic, Result};
use assets::Images;
use posts::Bylines;
use wxr::Export;

/// Reads the WordPress export at `source` (the file, or a folder holding exactly one `.xml` file).
pub fn read(source: &Path, options: &Options) -> Result<Archive> {
    read_at(source, options, Timestamp::now())
}

/// [`read`], with the moment that decides whether a published post's date is still to come.
pub fn read_at(source: &Path, options: &Options, now: Timestamp) -> Result<Archive> {
    let file = export_file(source)?;
    let input = File::open(&file).map_err(|e| Diagnostic::io(&file, "read the WordPress export", &e))?;
    let mut export = wxr::parse(BufReader::with_capacity(1 << 16, input)).map_err(|problem| problem.diagnostic(&file))?;
    fields::decode_names(&mut export);
    Ok(assemble(export, file.parent(), options, now))
}

/// The export file a source names.
fn export_file(source: &Path) -> Result<PathBuf> {
    if !source.is_dir() {
        return Ok(source.to_path_buf());
    }
    let entries = std::fs::read_dir(source).map_err(|e| Diagnostic::io(source, "list the folder", &e))?;
    let mut xml: Vec<PathBuf> =
        entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml"))).collect();
    xml.sort();
    match xml.len() {
        1 => Ok(xml.remove(0)),
        0 => Err(Diagnostic::file(source, "no .xml file in this folder: give the WordPress export file (Tools → Export in WordPress)").into()),
        _ => {
            let names: Vec<String> = xml.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
            Err(Diagnostic::file(source, format!("several .xml files in this folder ({}): give the WordPress export file itself", names.join(", "))).into())
        }
    }
}

/// Item types of membership plugins whose rules, not the posts, say what was paid.
const MEMBERSHIP_TYPES: &[(&str, &str)] = &[
    ("memberpressrule", "MemberPress rules"),
    ("memberpressproduct", "MemberPress memberships"),
    ("wc_membership_plan", "WooCommerce Memberships plans"),
    ("ihc_membership", "Ultimate Membership Pro levels"),
];

/// What every item's mapping may look up.
struct Context<'a> {
    options: &'a Options,
    now: Timestamp,
    export: &'a Export,
    bylines: Bylines,
    images: Images,
}

/// The archive an export becomes; `beside` is the export's folder, where uploads may be.
fn assemble(export: Export, beside: Option<&Path>, options: &Options, now: Timestamp) -> Archive {
    let mut archive =
        Archive { site_title: export.title.clone().filter(|t| !t.is_empty()), site_url: export.link.clone().filter(|l| !l.is_empty()), ..Archive::default() };
    let report = &mut archive.report;
    let (mut post_items, mut page_items, mut attachments) = (Vec::new(), Vec::new(), Vec::new());
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &export.items {
        match item.post_type.as_str() {
            // The oldest exports may leave the type out of plain posts.
            "post" | "" => post_items.push(item),
            "page" => page_items.push(item),
            "attachment" => attachments.push(item),
            other => *skipped.entry(other).or_default() += 1,
        }
    }
    for (kind, n) in skipped {
        report.count(&format!("skipped items ({kind})"), n);
        if let Some((_, what)) = MEMBERSHIP_TYPES.iter().find(|(t, _)| *t == kind) {
            report.note(
                "export",
                Topic::Paywall,
                format!("it holds {what}, which restricted posts by rules the export does not spell out: every post was decided from WordPress's own fields, so check which ones were paid"),
            );
        }
    }
    report.count("attachments", attachments.len());
    let cx = Context { options, now, export: &export, bylines: Bylines::new(&export), images: Images::new(attachments.iter().copied(), beside) };

    let mut links = Vec::new();
    for item in &post_items {
        if let Some(post) = posts::post(item, &cx, report) {
            archive.posts.push(post);
            links.push(item.link.as_str());
        }
    }
    posts::settle(&mut archive.posts, &links, report);
    archive.pages = pages::pages(&page_items, report);
    archive.assets = cx.images.assets(post_items.iter().chain(&page_items).map(|i| i.content.as_str()));

    for post in &archive.posts {
        for name in &post.authors {
            if !archive.authors.iter().any(|a| &a.name == name) {
                archive.authors.push(Author { name: name.clone(), bio: String::new() });
            }
        }
    }
    let count = |status| archive.posts.iter().filter(|p| p.status == status).count();
    let (published, scheduled, drafts) = (count(Status::Published), count(Status::Scheduled), count(Status::Draft));
    let report = &mut archive.report;
    report.count("published posts", published);
    report.count("scheduled posts", scheduled);
    report.count("drafts", drafts);
    report.count("pages", archive.pages.len());
    report.count("authors", archive.authors.len());
    report.count("local files", archive.assets.len());
    archive
}

#[cfg(test)]
mod tests;
