//! Substack: the export Substack mails its writers (a folder, or the
//! `.zip` it comes in, perhaps with everything under one top folder):
//! `posts.csv`, one row a post, and `posts/<post_id>.html`, its body.
//!
//! Decisions a person may want to know about:
//! - The audience decides the paywall. Posts for paid subscribers
//!   (`only_paid`, `founding`) are cut at Substack's paywall element when
//!   the HTML has one, otherwise all of them is for members. Posts for free
//!   subscribers (`only_free`) were never public, and lede has one kind of
//!   subscriber, so they are treated the same way. An audience lede does not
//!   know is members only.
//! - A post whose HTML file is missing is imported as a draft with an empty
//!   body, so that its title, date and paywall survive and its text can be
//!   pasted in; the report names it.
//! - A podcast's audio is linked at the top of the body, unless the post is
//!   cut part-way: then the link goes at the end, behind the cut, since paid
//!   audio is paid content.
//! - The export names no authors and gives no site title.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Access, Archive, Body, Dialect, Options, Post, Status, Topic};
use crate::dates::parse_date_text;
use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::text::{slugify, xml_escape};
use crate::urls::is_segment;

/// The list of posts, at the top of the export.
const POSTS_CSV: &str = "posts.csv";

/// The largest file read out of a zip: far above any real post, far below what would exhaust memory.
const MAX_ZIP_FILE: u64 = 256 * 1024 * 1024;

/// Reads a Substack export (folder or zip) into an archive.
pub fn read(source: &Path, options: &Options) -> Result<Archive> {
    read_at(source, options, Timestamp::now())
}

/// [`read`], with "now" given: a published post dated after it is scheduled.
pub fn read_at(source: &Path, options: &Options, now: Timestamp) -> Result<Archive> {
    let mut export = Export::open(source)?;
    let csv_path = export.path(POSTS_CSV);
    let Some(bytes) = export.read(POSTS_CSV)? else {
        return Err(Diagnostic::file(&csv_path, "no posts.csv: a Substack export holds posts.csv and a posts folder").into());
    };
    let table = Table::parse(&csv_path, &bytes)?;
    let mut reader = Reader { options, now, archive: Archive::default(), slugs: HashSet::new(), aliases: HashSet::new(), errors: Diagnostics::new() };
    for kind in ["published posts", "scheduled posts", "draft posts", "skipped"] {
        reader.archive.report.count(kind, 0);
    }
    for row in &table.rows {
        reader.post(&mut export, &csv_path, &table, row);
    }
    if !reader.archive.posts.is_empty() {
        reader.archive.report.note(
            POSTS_CSV,
            Topic::Note,
            "Substack's export names no authors: add authors = [\"…\"] to the articles, or a default byline in the templates",
        );
    }
    let dropped: Vec<&str> = ["email_sent_at", "inbox_sent_at"].into_iter().filter(|c| table.column(c).is_some()).collect();
    if !dropped.is_empty() {
        reader.archive.report.note(POSTS_CSV, Topic::Dropped, format!("{}: when each post was emailed, which lede does not keep", dropped.join(", ")));
    }
    reader.errors.or(reader.archive)
}

/// An export folder, or a zip, and the folder in it that holds `posts.csv`.
struct Export {
    /// Where diagnostics say files are: the folder, or the zip's path and the folder inside it.
    shown: PathBuf,
    kind: Kind,
}

enum Kind {
    Folder(PathBuf),
    Zip(Box<zip::ZipArchive<File>>, String),
}

impl Export {
    fn open(source: &Path) -> Result<Export> {
        let meta = std::fs::metadata(source).map_err(|e| Diagnostic::io(source, "read the Substack export", &e))?;
        if meta.is_dir() {
            return Ok(Export { shown: source.to_path_buf(), kind: Kind::Folder(Self::folder(source)?) });
        }
        if source.file_name().is_some_and(|n| n == POSTS_CSV) {
            let dir = source.parent().unwrap_or(Path::new(".")).to_path_buf();
            return Ok(Export { shown: dir.clone(), kind: Kind::Folder(dir) });
        }
        let file = File::open(source).map_err(|e| Diagnostic::io(source, "open the Substack export", &e))?;
        let zip = zip::ZipArchive::new(file)
            .map_err(|e| Diagnostic::file(source, format!("not a folder nor a zip file Substack wrote ({e}): give the export folder or its .zip")))?;
        let names: Vec<String> = zip.file_names().filter_map(|n| n.ok()).map(|n| n.into_owned()).collect();
        let prefix = if names.iter().any(|n| n == POSTS_CSV) {
            String::new()
        } else {
            let tops: Vec<&str> =
                names.iter().filter_map(|n| n.strip_suffix(POSTS_CSV)).filter(|top| top.ends_with('/') && top.matches('/').count() == 1).collect();
            match tops.as_slice() {
                [top] => top.to_string(),
                [] => return Err(Diagnostic::file(source, "no posts.csv in the zip, at its top or in one folder: is this a Substack export?").into()),
                _ => {
                    return Err(Diagnostic::file(
                        source,
                        format!("several folders in the zip hold a posts.csv ({}): unzip it and import one", tops.join(", ")),
                    )
                    .into());
                }
            }
        };
        Ok(Export { shown: source.join(&prefix), kind: Kind::Zip(Box::new(zip), prefix) })
    }

    /// The folder holding `posts.csv`: `dir` itself, or its only subfolder that has one.
    fn folder(dir: &Path) -> Result<PathBuf> {
        if dir.join(POSTS_CSV).is_file() {
            return Ok(dir.to_path_buf());
        }
        let entries = std::fs::read_dir(dir).map_err(|e| Diagnostic::io(dir, "list the Substack export", &e))?;
        let mut found: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join(POSTS_CSV).is_file()).collect();
        found.sort();
        match found.len() {
            1 => Ok(found.remove(0)),
            // Reported as a missing posts.csv by the caller.
            0 => Ok(dir.to_path_buf()),
            _ => Err(Diagnostic::file(dir, "several folders here hold a posts.csv: import one of them").into()),
        }
    }

    /// Where `rel` is, for a diagnostic.
    fn path(&self, rel: &str) -> PathBuf {
        match &self.kind {
            Kind::Folder(dir) => dir.join(rel),
            Kind::Zip(..) => self.shown.join(rel),
        }
    }

    /// The bytes of `rel` (a `/`-separated path with no `..`), or None when the export has no such file.
    fn read(&mut self, rel: &str) -> Result<Option<Vec<u8>>> {
        let shown = self.path(rel);
        match &mut self.kind {
            Kind::Folder(dir) => match std::fs::read(dir.join(rel)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Diagnostic::io(&shown, "read", &e).into()),
            },
            Kind::Zip(zip, prefix) => {
                let mut entry = match zip.by_name(&format!("{prefix}{rel}")) {
                    Ok(entry) => entry,
                    Err(zip::result::ZipError::FileNotFound) => return Ok(None),
                    Err(e) => return Err(Diagnostic::file(&shown, format!("could not read from the zip: {e}")).into()),
                };
                let mut bytes = Vec::new();
                (&mut entry).take(MAX_ZIP_FILE + 1).read_to_end(&mut bytes).map_err(|e| Diagnostic::io(&shown, "read from the zip", &e))?;
                if bytes.len() as u64 > MAX_ZIP_FILE {
                    return Err(Diagnostic::file(&shown, format!("larger than {} MiB unzipped: not a file Substack wrote", MAX_ZIP_FILE >> 20)).into());
                }
                Ok(Some(bytes))
            }
        }
    }
}

/// `posts.csv`: its header and its rows, each with its line.
struct Table {
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn parse(file: &Path, bytes: &[u8]) -> Result<Table> {
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let header = reader.headers().map_err(|e| csv_error(file, &e))?;
        let header: Vec<String> = header.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, &e))?;
            let line = record.position().map_or(0, csv::Position::line);
            rows.push((line, record));
        }
        let table = Table { header, rows };
        if table.column("post_id").is_none() {
            return Err(Diagnostic::at(file, 1, 1, "no post_id column: a Substack posts.csv starts post_id,post_date,is_published,…").into());
        }
        Ok(table)
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A row's cell in column `name`, trimmed; None when there is no such column.
    fn cell<'r>(&self, row: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.column(name).map(|i| row.get(i).unwrap_or_default().trim())
    }
}

/// A csv error at the line of the record it is in.
fn csv_error(file: &Path, err: &csv::Error) -> Diagnostics {
    let (line, message) = match err.kind() {
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => (
            pos.as_ref().map(csv::Position::line),
            format!("this row has {len} fields where the header has {expected_len}: a quote that never closes runs on over the rows after it"),
        ),
        csv::ErrorKind::Utf8 { pos, .. } => (pos.as_ref().map(csv::Position::line), "not UTF-8 text".to_string()),
        csv::ErrorKind::Io(e) => (None, format!("could not read: {e}")),
        _ => (err.position().map(csv::Position::line), err.to_string()),
    };
    let line = line.and_then(|l| usize::try_from(l).ok()).filter(|l| *l > 0);
    Diagnostic { file: file.to_path_buf(), line, column: None, message }.into()
}

/// The text of a file, or where it stops being UTF-8.
fn utf8(file: &Path, bytes: Vec<u8>) -> std::result::Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        Diagnostic::at_offset(file, &text, valid, "not UTF-8 text")
    })
}

/// Whether Substack's paywall element (class `paywall-jump`, or the
/// `PaywallToDOM` component) is in `html`, inside a tag, not merely in the text.
fn has_paywall_element(html: &str) -> bool {
    let in_tag = |at: usize| {
        let before = &html[..at];
        let in_comment = before.rfind("<!--").is_some_and(|open| !before[open..].contains("-->"));
        let in_tag = before.rfind('<').is_some_and(|lt| before.rfind('>').is_none_or(|gt| gt < lt));
        in_tag && !in_comment
    };
    let token = |at: usize, len: usize| {
        let quote_or_space = |c: char| c == '"' || c == '\'' || c.is_whitespace();
        html[..at].ends_with(quote_or_space) && html[at + len..].starts_with(quote_or_space)
    };
    ["paywall-jump", "PaywallToDOM"].iter().any(|needle| html.match_indices(needle).any(|(at, _)| in_tag(at) && token(at, needle.len())))
}

/// Who may read a post, and why, from its audience and HTML; None when the export has no audience column.
fn access_of(audience: Option<&str>, html: &str, default: &Access) -> (Access, String) {
    let Some(audience) = audience else {
        return (default.clone(), "posts.csv has no audience column: the import's default paywall applies".into());
    };
    let named = match audience {
        "everyone" => return (Access::Free, "audience = everyone".into()),
        "only_paid" | "founding" => format!("audience = {audience}"),
        "only_free" => format!("audience = {audience} (free subscribers only, never public; lede has one kind of subscriber, so treated as members)"),
        _ => return (Access::MembersOnly, format!("audience = {audience:?}, which lede does not know: members only, to be safe")),
    };
    if has_paywall_element(html) {
        (Access::Marker, format!("{named}; free up to Substack's paywall element"))
    } else {
        (Access::MembersOnly, format!("{named} and no paywall element: all of it is for members"))
    }
}

/// `html` with a link to a podcast's audio: at the top when the post is
/// wholly free or wholly paid, else at the end, behind any cut.
fn with_audio_link(html: &str, url: &str, access: &Access) -> String {
    let link = format!("<p><a href=\"{}\">Listen to the episode</a></p>\n", xml_escape(url));
    match access {
        Access::Free | Access::MembersOnly => format!("{link}{html}"),
        _ => format!("{html}\n{link}"),
    }
}

struct Reader<'a> {
    options: &'a Options,
    now: Timestamp,
    archive: Archive,
    slugs: HashSet<String>,
    aliases: HashSet<String>,
    errors: Diagnostics,
}

impl Reader<'_> {
    fn post(&mut self, export: &mut Export, csv_path: &Path, table: &Table, (line, row): &(u64, csv::StringRecord)) {
        let cell = |name: &str| table.cell(row, name).unwrap_or_default();
        let post_id = cell("post_id");
        let origin = format!("post {post_id}");
        let report = &mut self.archive.report;
        if post_id.is_empty() || post_id.contains(['/', '\\', '\0']) {
            report.note(format!("{POSTS_CSV} line {line}"), Topic::Note, format!("skipped: post_id {post_id:?} is not <number>.<slug>"));
            report.count("skipped", 1);
            return;
        }
        let original = post_id.split_once('.').map_or("", |(_, slug)| slug);

        let title = match cell("title") {
            "" => {
                report.note(&origin, Topic::Note, "no title: written as \"Untitled\"");
                "Untitled".to_string()
            }
            t => t.to_string(),
        };
        let date = match cell("post_date") {
            "" => None,
            text => match parse_date_text(text) {
                Some(d) => Some(d),
                None => {
                    let line = usize::try_from(*line).ok().filter(|l| *l > 0);
                    self.errors.push(Diagnostic {
                        file: csv_path.to_path_buf(),
                        line,
                        column: None,
                        message: format!("post_date {text:?} of {post_id} is not a date such as 2021-03-04T15:00:00.000Z"),
                    });
                    return;
                }
            },
        };
        let mut status = match cell("is_published") {
            "true" => Status::Published,
            "false" => Status::Draft,
            other => {
                report.note(&origin, Topic::Note, format!("is_published is {other:?}, not true or false: imported as a draft"));
                Status::Draft
            }
        };
        if status == Status::Published && date.is_some_and(|d| d.published_at(&TimeZone::UTC) > self.now) {
            status = Status::Scheduled;
        }

        let html_name = format!("posts/{post_id}.html");
        let html = match export.read(&html_name) {
            Ok(Some(bytes)) => match utf8(&export.path(&html_name), bytes) {
                Ok(html) => html,
                Err(d) => {
                    self.errors.push(d);
                    return;
                }
            },
            Ok(None) => {
                report.note(&origin, Topic::Note, format!("no {html_name} in the export: imported as a draft with an empty body"));
                status = Status::Draft;
                String::new()
            }
            Err(e) => {
                self.errors.append(e);
                return;
            }
        };

        let (access, reason) = access_of(table.cell(row, "audience"), &html, &self.options.default_access);
        report.note(&origin, Topic::Paywall, format!("{}: {reason}", access.describe()));
        let html = match cell("type") {
            "" | "newsletter" => html,
            "podcast" => match cell("podcast_url") {
                "" => {
                    report.note(&origin, Topic::Note, "a podcast with no podcast_url: its audio is not linked");
                    html
                }
                url => {
                    let place = if matches!(access, Access::Free | Access::MembersOnly) { "at the top" } else { "at the end, behind the cut" };
                    report.note(&origin, Topic::Note, format!("a podcast: its audio ({url}) is linked {place}; the file stays on Substack's servers"));
                    with_audio_link(&html, url, &access)
                }
            },
            other => {
                report.note(&origin, Topic::Note, format!("a Substack {other} post, imported as an article: check that it reads well"));
                html
            }
        };

        let slug = self.slug(&origin, original, &title);
        let aliases = if original.is_empty() { Vec::new() } else { self.alias(&origin, original) };
        self.archive.report.count(status.counted_as(), 1);
        self.archive.posts.push(Post {
            origin,
            title,
            slug,
            date,
            updated: None,
            status,
            authors: Vec::new(),
            column: None,
            tags: Vec::new(),
            teaser: Some(cell("subtitle")).filter(|s| !s.is_empty()).map(str::to_string),
            image: None,
            canonical: None,
            aliases,
            access,
            access_reason: reason,
            body: Body::Html { html, dialect: Dialect::Substack },
        });
    }

    /// The slug of the post's URL when it is a URL segment, else normalised (a draft has none: made from the title); unique.
    fn slug(&mut self, origin: &str, original: &str, title: &str) -> String {
        let report = &mut self.archive.report;
        let base = if is_segment(original) {
            original.to_string()
        } else if original.is_empty() {
            let slug = slugify(title);
            report.note(origin, Topic::Slug, format!("no slug (Substack gives none to a post never published): made {slug:?} from the title"));
            slug
        } else {
            let slug = slugify(original);
            report.note(origin, Topic::Slug, format!("slug {original:?} is not a URL segment: written as {slug:?}, the old URL redirecting"));
            slug
        };
        let mut slug = base.clone();
        let mut n = 2;
        while !self.slugs.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        if slug != base {
            report.note(origin, Topic::Slug, format!("slug {base:?} is taken by another post: written as {slug:?}"));
        }
        slug
    }

    /// Substack's URL of the post, `/p/<slug>`, unless another post claimed it.
    fn alias(&mut self, origin: &str, slug: &str) -> Vec<String> {
        let alias = format!("/p/{slug}");
        if self.aliases.insert(alias.clone()) {
            vec![alias]
        } else {
            self.archive.report.note(origin, Topic::Slug, format!("the old URL {alias} already redirects to another post: not kept for this one"));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::PubDate;
    use std::io::Write;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/substack").join(name)
    }

    fn now() -> Timestamp {
        "2025-01-01T00:00:00Z".parse().unwrap()
    }

    fn date(text: &str) -> Option<PubDate> {
        Some(parse_date_text(text).unwrap())
    }

    fn read_fixture() -> Archive {
        read_at(&fixture("export"), &Options::default(), now()).unwrap()
    }

    fn post<'a>(archive: &'a Archive, origin: &str) -> &'a Post {
        archive.posts.iter().find(|p| p.origin == origin).unwrap_or_else(|| panic!("no {origin}"))
    }

    fn html(body: &Body) -> &str {
        match body {
            Body::Html { html, dialect: Dialect::Substack } => html,
            other => panic!("not Substack HTML: {other:?}"),
        }
    }

    fn notes(archive: &Archive, origin: &str, topic: Topic) -> Vec<String> {
        archive.report.about(topic).filter(|e| e.origin == origin).map(|e| e.text.clone()).collect()
    }

    /// A zip of the folder `dir`, its files under `top` (`""` for none), as Substack packs it.
    fn zip_of(dir: &Path, top: &str, into: &Path) -> PathBuf {
        let path = into.join("export.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir).into_iter().map(|e| e.unwrap().into_path()).filter(|p| p.is_file()).collect();
        files.sort();
        for file in files {
            let rel = file.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            zip.start_file(format!("{top}{rel}"), options).unwrap();
            zip.write_all(&std::fs::read(&file).unwrap()).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    #[test]
    fn a_public_post_is_free_with_its_subtitle_as_teaser_and_its_old_url() {
        let a = read_fixture();
        assert_eq!(
            post(&a, "post 101.a-public-post"),
            &Post {
                origin: "post 101.a-public-post".into(),
                title: "A Public Post".into(),
                slug: "a-public-post".into(),
                date: date("2021-03-04T15:00:00Z"),
                updated: None,
                status: Status::Published,
                authors: vec![],
                column: None,
                tags: vec![],
                teaser: Some("Everyone may read this".into()),
                image: None,
                canonical: None,
                aliases: vec!["/p/a-public-post".into()],
                access: Access::Free,
                access_reason: "audience = everyone".into(),
                body: Body::Html { html: "<p>Everyone may read every word.</p>\n<p>Second paragraph.</p>\n".into(), dialect: Dialect::Substack },
            }
        );
        assert_eq!(notes(&a, "post 101.a-public-post", Topic::Paywall), ["free (paywall = false): audience = everyone"]);
    }

    #[test]
    fn paid_posts_are_cut_at_the_paywall_element_or_else_members_only() {
        let a = read_fixture();
        let p = post(&a, "post 102.paid-with-a-cut");
        assert_eq!((p.title.as_str(), p.slug.as_str(), p.teaser.as_deref()), ("Paid, With a Cut", "paid-with-a-cut", Some("Where the free part ends")));
        assert_eq!((&p.access, p.access_reason.as_str()), (&Access::Marker, "audience = only_paid; free up to Substack's paywall element"));
        assert!(html(&p.body).contains("<div class=\"paywall-jump\" data-component-name=\"PaywallToDOM\"></div>"));
        assert_eq!((p.status, p.date), (Status::Published, date("2021-04-01T09:00:00Z")));

        let p = post(&a, "post 103.founders-only");
        assert_eq!((&p.access, p.access_reason.as_str()), (&Access::MembersOnly, "audience = founding and no paywall element: all of it is for members"));
        assert_eq!(p.teaser, None);
        assert_eq!(
            notes(&a, "post 103.founders-only", Topic::Paywall),
            ["members only (paywall = 0, the teaser alone is public): audience = founding and no paywall element: all of it is for members"]
        );
    }

    #[test]
    fn posts_for_free_subscribers_and_unknown_audiences_are_never_public() {
        let a = read_fixture();
        let p = post(&a, "post 104.for-free-subscribers");
        assert_eq!(p.access, Access::Marker);
        assert_eq!(
            p.access_reason,
            "audience = only_free (free subscribers only, never public; lede has one kind of subscriber, so treated as members); free up to Substack's paywall element"
        );
        assert_eq!(p.teaser.as_deref(), Some("Sign up to read"));
        // The paywall element of an unknown audience does not make any of it free.
        let p = post(&a, "post 110.for-patrons");
        assert_eq!((&p.access, p.access_reason.as_str()), (&Access::MembersOnly, "audience = \"patrons\", which lede does not know: members only, to be safe"));
    }

    #[test]
    fn drafts_scheduled_posts_and_posts_without_a_body() {
        let a = read_fixture();
        let p = post(&a, "post 105.");
        assert_eq!((p.status, p.date, p.slug.as_str(), p.title.as_str()), (Status::Draft, None, "half-an-idea", "Half an Idea"));
        assert!(p.aliases.is_empty());
        assert_eq!(html(&p.body), "<p>Notes toward a post.</p>\n");
        assert_eq!(notes(&a, "post 105.", Topic::Slug), ["no slug (Substack gives none to a post never published): made \"half-an-idea\" from the title"]);

        let p = post(&a, "post 107.next-week");
        assert_eq!((p.status, p.date), (Status::Scheduled, date("2099-01-01T09:00:00Z")));

        let p = post(&a, "post 108.lost-body");
        assert_eq!((p.status, html(&p.body), p.aliases.as_slice()), (Status::Draft, "", ["/p/lost-body".to_string()].as_slice()));
        assert_eq!(notes(&a, "post 108.lost-body", Topic::Note), ["no posts/108.lost-body.html in the export: imported as a draft with an empty body"]);
    }

    #[test]
    fn a_post_dated_after_now_is_scheduled_and_before_it_published() {
        let before = read_at(&fixture("export"), &Options::default(), "2021-03-04T14:59:59Z".parse().unwrap()).unwrap();
        assert_eq!(post(&before, "post 101.a-public-post").status, Status::Scheduled);
        let after = read_at(&fixture("export"), &Options::default(), "2021-03-04T15:00:01Z".parse().unwrap()).unwrap();
        assert_eq!(post(&after, "post 101.a-public-post").status, Status::Published);
    }

    #[test]
    fn podcasts_link_their_audio_and_paid_audio_stays_behind_the_cut() {
        let a = read_fixture();
        let p = post(&a, "post 106.episode-one");
        assert_eq!(html(&p.body), "<p><a href=\"https://cdn.example/ep1.mp3\">Listen to the episode</a></p>\n<p>Show notes.</p>\n");
        assert_eq!(
            notes(&a, "post 106.episode-one", Topic::Note),
            ["a podcast: its audio (https://cdn.example/ep1.mp3) is linked at the top; the file stays on Substack's servers"]
        );

        let p = post(&a, "post 111.paid-episode");
        assert_eq!(p.access, Access::Marker);
        assert_eq!(
            html(&p.body),
            "<p>Free show notes.</p>\n<div class=\"paywall-jump\" data-component-name=\"PaywallToDOM\"></div>\n<p>Paid show notes.</p>\n\n\
             <p><a href=\"https://cdn.example/ep2.mp3?token=a&amp;b=1\">Listen to the episode</a></p>\n"
        );
        assert_eq!(with_audio_link("<p>x</p>", "u", &Access::MembersOnly), "<p><a href=\"u\">Listen to the episode</a></p>\n<p>x</p>");
        assert_eq!(with_audio_link("<p>x</p>", "u", &Access::SiteDefault), "<p>x</p>\n<p><a href=\"u\">Listen to the episode</a></p>\n");
    }

    #[test]
    fn other_post_types_are_imported_with_a_note() {
        let a = read_fixture();
        let p = post(&a, "post 109.open-thread");
        assert_eq!((p.status, &p.access), (Status::Published, &Access::Free));
        assert_eq!(notes(&a, "post 109.open-thread", Topic::Note), ["a Substack thread post, imported as an article: check that it reads well"]);
    }

    #[test]
    fn the_import_counts_its_posts_and_notes_missing_authors_and_email_times_once() {
        let a = read_fixture();
        let counts: Vec<(&str, usize)> = a.report.counts.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        assert_eq!(counts, [("draft posts", 2), ("published posts", 8), ("scheduled posts", 1), ("skipped", 0)]);
        assert_eq!(a.posts.len(), 11);
        assert!(a.authors.is_empty() && a.pages.is_empty() && a.assets.is_empty());
        assert_eq!((a.site_title.as_deref(), a.site_url.as_deref()), (None, None));
        assert_eq!(notes(&a, "posts.csv", Topic::Dropped), ["email_sent_at, inbox_sent_at: when each post was emailed, which lede does not keep"]);
        assert_eq!(a.report.about(Topic::Dropped).count(), 1);
        let authors = notes(&a, "posts.csv", Topic::Note);
        assert_eq!(authors.len(), 1);
        assert!(authors[0].starts_with("Substack's export names no authors"));
        // Every post's paywall decision is in the report.
        assert_eq!(a.report.about(Topic::Paywall).count(), 11);
    }

    #[test]
    fn the_zip_gives_the_same_archive_as_the_folder_with_or_without_a_top_folder() {
        let folder = read_fixture();
        let tmp = tempfile::tempdir().unwrap();
        for top in ["substack-export-2021/", ""] {
            let zip = zip_of(&fixture("export"), top, tmp.path());
            let zipped = read_at(&zip, &Options::default(), now()).unwrap();
            assert_eq!(zipped.posts, folder.posts, "top {top:?}");
            assert_eq!(zipped.report.entries, folder.report.entries, "top {top:?}");
            assert_eq!(zipped.report.counts, folder.report.counts, "top {top:?}");
        }
    }

    #[test]
    fn a_folder_holding_the_export_folder_or_posts_csv_itself_is_read_too() {
        let folder = read_fixture();
        let parent = read_at(&fixture(""), &Options::default(), now());
        // The fixture folder holds two exports (export/ and malformed/): refused, not guessed.
        assert!(parent.unwrap_err()[0].message.contains("several folders"));
        let csv = read_at(&fixture("export/posts.csv"), &Options::default(), now()).unwrap();
        assert_eq!(csv.posts, folder.posts);
    }

    #[test]
    fn a_broken_quote_is_an_error_at_its_line() {
        let err = read_at(&fixture("malformed"), &Options::default(), now()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((err[0].file.clone(), err[0].line, err[0].column), (fixture("malformed/posts.csv"), Some(3), None));
        assert!(err[0].message.starts_with("this row has 6 fields where the header has 7"), "{err}");
        assert_eq!(err[0].to_string(), format!("{}:3: {}", fixture("malformed/posts.csv").display(), err[0].message));
    }

    #[test]
    fn a_missing_posts_csv_and_a_bad_date_are_clear_errors() {
        let tmp = tempfile::tempdir().unwrap();
        let err = read_at(tmp.path(), &Options::default(), now()).unwrap_err();
        assert_eq!(err[0].file, tmp.path().join("posts.csv"));
        assert!(err[0].message.starts_with("no posts.csv"), "{err}");

        let zip = zip_of(&fixture("export/posts"), "", tmp.path());
        let err = read_at(&zip, &Options::default(), now()).unwrap_err();
        assert!(err[0].message.starts_with("no posts.csv in the zip"), "{err}");

        std::fs::write(tmp.path().join("posts.csv"), "post_id,post_date,is_published\n1.a,2021-01-01T00:00:00Z,true\n2.b,yesterday,true\n3.c,tomorrow,true\n")
            .unwrap();
        let err = read_at(tmp.path(), &Options::default(), now()).unwrap_err();
        let lines: Vec<Option<usize>> = err.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(3), Some(4)]);
        assert_eq!(err[0].message, "post_date \"yesterday\" of 2.b is not a date such as 2021-03-04T15:00:00.000Z");

        std::fs::write(tmp.path().join("posts.csv"), "id,title\n1,x\n").unwrap();
        let err = read_at(tmp.path(), &Options::default(), now()).unwrap_err();
        assert_eq!((err[0].line, err[0].column), (Some(1), Some(1)));
        assert!(err[0].message.starts_with("no post_id column"), "{err}");

        std::fs::write(tmp.path().join("not-a-zip.zip"), "hello").unwrap();
        let err = read_at(&tmp.path().join("not-a-zip.zip"), &Options::default(), now()).unwrap_err();
        assert!(err[0].message.starts_with("not a folder nor a zip file"), "{err}");
    }

    #[test]
    fn missing_optional_columns_fall_back_and_a_missing_audience_takes_the_default() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("posts.csv"), "\u{feff}post_id,is_published,title,extra\n7.hello,true,Hello,whatever\n").unwrap();
        std::fs::create_dir(tmp.path().join("posts")).unwrap();
        std::fs::write(tmp.path().join("posts/7.hello.html"), "<p>Hi</p>").unwrap();
        let options = Options { default_access: Access::Blocks(2), ..Options::default() };
        let a = read_at(tmp.path(), &options, now()).unwrap();
        let p = &a.posts[0];
        assert_eq!((p.title.as_str(), p.slug.as_str(), p.date, p.status), ("Hello", "hello", None, Status::Published));
        assert_eq!((&p.access, p.access_reason.as_str()), (&Access::Blocks(2), "posts.csv has no audience column: the import's default paywall applies"));
        // No email columns: nothing dropped to report.
        assert_eq!(a.report.about(Topic::Dropped).count(), 0);
    }

    #[test]
    fn a_post_id_that_is_not_a_file_name_is_skipped_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("secret.html"), "<p>not a post</p>").unwrap();
        std::fs::create_dir(tmp.path().join("posts")).unwrap();
        std::fs::write(
            tmp.path().join("posts.csv"),
            "post_id,is_published,audience,title
../secret,true,everyone,X
,true,everyone,Y
",
        )
        .unwrap();
        let a = read_at(tmp.path(), &Options::default(), now()).unwrap();
        assert!(a.posts.is_empty());
        assert_eq!(a.report.counts["skipped"], 2);
        assert_eq!(notes(&a, "posts.csv line 2", Topic::Note), ["skipped: post_id \"../secret\" is not <number>.<slug>"]);
    }

    #[test]
    fn the_paywall_element_is_found_in_tags_only() {
        assert!(has_paywall_element("<p>a</p><div class=\"paywall-jump\"></div>"));
        assert!(has_paywall_element("<div class='x paywall-jump y'></div>"));
        assert!(has_paywall_element("<div data-component-name=\"PaywallToDOM\"></div>"));
        assert!(!has_paywall_element("<p>Our paywall-jump trick</p>"));
        assert!(!has_paywall_element("<p>the \"paywall-jump\" class</p>"));
        assert!(!has_paywall_element("<!-- <div class=\"paywall-jump\"> --><p>x</p>"));
        assert!(!has_paywall_element("<div class=\"no-paywall-jumps\"></div>"));
        assert!(!has_paywall_element(""));
    }
}
