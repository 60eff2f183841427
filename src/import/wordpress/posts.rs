//! A WordPress post as a lede article: its status, who may read it and
//! why, its bylines, column and tags, and the old address that redirects.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::fields::{self, Slug};
use super::wxr::{Export, Item, ItemTerm};
use super::{Context, Images};
use crate::dates::PubDate;
use crate::import::{Access, Body, Dialect, Options, Post, Report, Status, Topic};

/// Who a login or a Co-Authors Plus term is, by name.
#[derive(Debug, Default)]
pub struct Bylines {
    names: HashMap<String, String>,
}

impl Bylines {
    /// The channel's `wp:author` entries, and Co-Authors Plus guest authors
    /// (items of type `guest-author`, whose names are postmeta).
    pub fn new(export: &Export) -> Self {
        let mut names = HashMap::new();
        for a in &export.authors {
            if !a.login.is_empty() {
                let name = if a.display_name.is_empty() { &a.login } else { &a.display_name };
                names.insert(a.login.clone(), name.clone());
            }
        }
        for item in export.items.iter().filter(|i| i.post_type == "guest-author") {
            if let (Some(login), Some(name)) = (item.meta("cap-user_login"), item.meta("cap-display_name"))
                && !login.trim().is_empty()
                && !name.trim().is_empty()
            {
                names.entry(login.trim().to_string()).or_insert_with(|| fields::plain_text(name));
            }
        }
        Bylines { names }
    }

    /// The byline of a `dc:creator` login (the login itself when the export does not name it).
    fn of_login(&self, login: &str) -> String {
        self.names.get(login).cloned().unwrap_or_else(|| login.to_string())
    }

    /// The byline of a Co-Authors Plus term: its name is a login (slug
    /// `cap-<login>`) for users and guest authors, or already a name.
    fn of_coauthor(&self, term: &ItemTerm) -> String {
        let login = term.nicename.strip_prefix("cap-").unwrap_or(&term.nicename);
        self.names.get(&term.name).or_else(|| self.names.get(login)).cloned().unwrap_or_else(|| term.name.clone())
    }
}

/// The post an item becomes, or `None` when it is not imported (trashed).
pub fn post(item: &Item, cx: &Context, report: &mut Report) -> Option<Post> {
    let origin = fields::origin("post", item);
    if item.status == "trash" {
        report.note(&origin, Topic::Note, format!("\u{201c}{}\u{201d} was in WordPress's trash: not imported", fields::plain_text(&item.title)));
        report.count("skipped items (trashed post)", 1);
        return None;
    }
    let mut title = fields::plain_text(&item.title);
    if title.is_empty() {
        title = "Untitled".into();
        report.note(&origin, Topic::Note, "no title in WordPress: written as \u{201c}Untitled\u{201d}");
    }
    let date = fields::date(item);
    let status = status(item, date, cx, &origin, report);
    let Slug { value: slug, changed } = fields::slug(item, "post");
    if let Some(why) = changed {
        report.note(&origin, Topic::Slug, format!("{why}: written as `{slug}`"));
    }
    let (column, tags) = taxonomy(item, &cx.export.terms, &origin, report);
    let mut teaser = fields::teaser(&item.excerpt);
    // WordPress shows no reader the excerpt of a post with a password
    // ("There is no excerpt because this is a protected post."): it may
    // say what only the password gave, so it is not made public here.
    if !item.password.is_empty() && teaser.take().is_some() {
        report.note(
            &origin,
            Topic::Dropped,
            "excerpt dropped: WordPress showed it to no reader while the post had a password, so it is not made the public teaser; copy it into `teaser` if it may be public",
        );
    }
    let (access, access_reason) = access(item, cx.options, &origin, report);
    report.note(&origin, Topic::Paywall, format!("{}: {access_reason}", access.describe()));
    dropped(item, &origin, report);
    let image = featured_image(item, &cx.images, &origin, report);
    Some(Post {
        origin,
        title,
        slug,
        date,
        updated: fields::updated(item, date),
        status,
        authors: authors(item, &cx.bylines),
        column,
        tags,
        teaser,
        image,
        canonical: item.meta("_yoast_wpseo_canonical").map(str::trim).filter(|c| !c.is_empty()).map(String::from),
        // Set once slugs are unique: the old address is compared with the new one.
        aliases: Vec::new(),
        access,
        access_reason,
        body: Body::Html { html: item.content.clone(), dialect: Dialect::WordPress },
    })
}

/// Published, scheduled or draft, from `wp:status` and the date.
fn status(item: &Item, date: Option<PubDate>, cx: &Context, origin: &str, report: &mut Report) -> Status {
    let in_future = date.is_some_and(|d| fields::instant(&d) > cx.now);
    let status = match item.status.as_str() {
        "publish" if in_future => Status::Scheduled,
        "publish" => Status::Published,
        "future" => {
            if !in_future && date.is_some() {
                report.note(
                    origin,
                    Topic::Note,
                    "scheduled in WordPress for a date now past (a missed schedule): lede publishes it on that date, so at the next build",
                );
            }
            Status::Scheduled
        }
        "draft" | "pending" | "auto-draft" => Status::Draft,
        "private" => {
            report.note(origin, Topic::Note, "private in WordPress (only its editors could read it): written as a draft");
            Status::Draft
        }
        other => {
            report.note(origin, Topic::Note, format!("WordPress status `{other}` is not one lede knows: written as a draft"));
            Status::Draft
        }
    };
    if date.is_none() && status != Status::Draft {
        report.note(origin, Topic::Note, "no date in WordPress: written as a draft");
        return Status::Draft;
    }
    status
}

/// Who may read the post and why. A password or a membership plugin's
/// restriction makes it members-only: nothing in the export says which
/// part was free, and guessing wrong would publish paid text.
fn access(item: &Item, options: &Options, origin: &str, report: &mut Report) -> (Access, String) {
    let reason = if !item.password.is_empty() { Some("password-protected in WordPress".to_string()) } else { restriction(item) };
    if let Some(reason) = reason {
        if item.content.contains("<!-- wp:jetpack/paywall") {
            report.note(
                origin,
                Topic::Paywall,
                "its Jetpack paywall block marks where the free part ended; the import does not cut there, so all of it is for members: put a `<!-- paywall -->` line there by hand to free the part before it",
            );
        }
        return (Access::MembersOnly, reason);
    }
    if options.more_is_paywall && has_more(&item.content) {
        return (Access::Marker, "<!--more--> with --more-is-paywall".into());
    }
    // A private post was never public, but nothing kept it from readers but its status.
    let what = if item.status == "private" { "private post without a password or paywall" } else { "public post" };
    match &options.default_access {
        Access::SiteDefault | Access::Free => (Access::Free, what.into()),
        Access::Blocks(n) => (Access::Blocks(*n), format!("{what}; --paywall {n} chose its first {n} blocks free")),
        // Neither names a place the post has: the stricter of the two.
        Access::MembersOnly | Access::Marker => (Access::MembersOnly, format!("{what}; --paywall chose members only")),
    }
}

/// A membership plugin's restriction on the post, in words.
pub fn restriction(item: &Item) -> Option<String> {
    let meta = |key: &str| item.meta(key).map(str::trim).filter(|v| !v.is_empty());
    let truthy = |key: &str| meta(key).is_some_and(|v| matches!(v, "1" | "true" | "on" | "yes"));
    if let Some(level) = meta("_jetpack_newsletter_access").filter(|v| *v != "everybody") {
        return Some(format!("Jetpack newsletter access `{level}`"));
    }
    if truthy("_jetpack_memberships_contains_paid_content") || item.content.contains("<!-- wp:premium-content/") {
        return Some("holds Jetpack premium content (blocks only subscribers could read)".into());
    }
    // Jetpack's paywall block hides what follows it, whatever the post's access setting says (or lacks).
    if item.content.contains("<!-- wp:jetpack/paywall") {
        return Some("holds Jetpack's paywall block (what follows it was for subscribers)".into());
    }
    if let Some(role) = meta("_members_access_role") {
        return Some(format!("the Members plugin restricted it to the role `{role}`"));
    }
    if meta("rcp_subscription_level").is_some_and(|v| v != "all")
        || truthy("_is_paid")
        || meta("rcp_user_level").is_some_and(|v| !v.eq_ignore_ascii_case("all"))
    {
        return Some("Restrict Content Pro restricted it to members".into());
    }
    None
}

/// Whether the body holds WordPress's `<!--more-->` (or `<!--more Read on-->`).
fn has_more(html: &str) -> bool {
    html.match_indices("<!--more").any(|(i, m)| html[i + m.len()..].starts_with(|c: char| c == '-' || c.is_whitespace()))
}

/// Co-Authors Plus bylines in order when there are any, else `dc:creator`.
fn authors(item: &Item, bylines: &Bylines) -> Vec<String> {
    let mut names: Vec<String> = item.terms.iter().filter(|t| t.domain == "author").map(|t| bylines.of_coauthor(t)).filter(|n| !n.is_empty()).collect();
    if names.is_empty() && !item.creator.is_empty() {
        names.push(bylines.of_login(&item.creator));
    }
    let mut seen = HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// WordPress's placeholder category, which says nothing about a post.
fn is_uncategorized(term: &ItemTerm) -> bool {
    term.nicename == "uncategorized" || term.name.eq_ignore_ascii_case("uncategorized")
}

/// The column (Yoast's primary category, else the first real category) and
/// the tags (the other categories, then the post tags).
fn taxonomy(item: &Item, terms: &BTreeMap<String, String>, origin: &str, report: &mut Report) -> (Option<String>, Vec<String>) {
    let categories: Vec<&ItemTerm> = item.terms.iter().filter(|t| t.domain == "category" && !is_uncategorized(t) && !t.name.is_empty()).collect();
    let primary = item.meta("_yoast_wpseo_primary_category").map(str::trim).filter(|id| !id.is_empty()).and_then(|id| {
        let name = terms.get(id).filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("uncategorized"));
        if name.is_none() {
            report.note(
                origin,
                Topic::Note,
                format!("Yoast's primary category (term {id}) is not among the export's categories: the first category is the column"),
            );
        }
        name.cloned()
    });
    let column = primary.or_else(|| categories.first().map(|t| t.name.clone()));
    let mut seen: HashSet<String> = column.iter().map(|c| c.to_lowercase()).collect();
    let mut tags = Vec::new();
    for term in categories.iter().copied().chain(item.terms.iter().filter(|t| t.domain == "post_tag")) {
        if !term.name.is_empty() && seen.insert(term.name.to_lowercase()) {
            tags.push(term.name.clone());
        }
    }
    let mut others: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for term in &item.terms {
        if !matches!(term.domain.as_str(), "category" | "post_tag" | "author" | "post_format") {
            others.entry(&term.domain).or_default().push(&term.name);
        }
    }
    for (taxonomy, names) in others {
        report.note(origin, Topic::Dropped, format!("taxonomy `{taxonomy}` dropped: {}", names.join(", ")));
    }
    (column, tags)
}

/// The cover image: the `_thumbnail_id` attachment, on this site when its file was found.
fn featured_image(item: &Item, images: &Images, origin: &str, report: &mut Report) -> Option<String> {
    let id = item.meta("_thumbnail_id").map(str::trim).filter(|id| !id.is_empty() && *id != "0")?;
    let image = images.featured(id);
    if image.is_none() {
        report.note(origin, Topic::Dropped, format!("featured image (attachment {id}) is not in the export"));
    }
    image
}

/// Notes on what has no place in lede and a person may miss.
pub fn dropped(item: &Item, origin: &str, report: &mut Report) {
    if item.comments > 0 {
        let n = item.comments;
        report.note(origin, Topic::Dropped, format!("{n} comment{} dropped", if n == 1 { "" } else { "s" }));
    }
    if item.sticky == "1" {
        report.note(origin, Topic::Dropped, "sticky (kept at the top of the home page) dropped");
    }
    for (key, value) in &item.meta {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let what = match key.as_str() {
            "_yoast_wpseo_metadesc" => format!("Yoast meta description dropped (a `teaser` could say it): \u{201c}{value}\u{201d}"),
            "_yoast_wpseo_title" => format!("Yoast SEO title dropped: \u{201c}{value}\u{201d}"),
            "_wp_old_slug" => format!("old slug `{value}` dropped (WordPress redirected it): add it to `aliases` if links to it matter"),
            "enclosure" => format!("enclosure (a podcast or media file) dropped: {}", value.lines().next().unwrap_or_default()),
            "_wp_page_template" if value != "default" => format!("page template `{value}` dropped"),
            _ => continue,
        };
        report.note(origin, Topic::Dropped, what);
    }
}

/// Makes slugs unique (`-2`, `-3`, … in file order, ignoring case, as
/// folders differing only in case are one folder on macOS and Windows),
/// then keeps each old permalink that is not the new address as an alias.
pub fn settle(posts: &mut [Post], links: &[&str], report: &mut Report) {
    let mut taken = HashSet::new();
    for (post, link) in posts.iter_mut().zip(links) {
        let base = post.slug.clone();
        let mut n = 1;
        while !taken.insert(post.slug.to_lowercase()) {
            n += 1;
            post.slug = format!("{base}-{n}");
        }
        if n > 1 {
            report.note(&post.origin, Topic::Slug, format!("slug `{base}` is taken by an earlier post: written as `{}`", post.slug));
        }
        if let Some(path) = fields::old_path(link)
            && path != format!("/articles/{}/", post.slug)
        {
            post.aliases.push(path);
        }
    }
}
