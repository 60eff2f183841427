//! A Hugo site's configuration, as far as an import needs it: the site's
//! name and address, where content lives, and the permalink patterns that
//! made the old URLs (which become aliases).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::tz::TimeZone;

use crate::dates::PubDate;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::frontmatter::{self, Map, Notation, Value};
use crate::import::sitegen::read_text;
use crate::text::slugify;

/// What the import reads from `hugo.toml` (or its YAML, JSON and `config/` forms).
#[derive(Debug, Clone)]
pub(super) struct Config {
    /// `title`.
    pub title: Option<String>,
    /// `baseURL`.
    pub base_url: Option<String>,
    /// The path of `baseURL` without its last slash (`/blog`, or empty):
    /// Hugo's URLs, permalinks and aliases lie below it.
    pub base_path: String,
    /// `[permalinks]`: section → pattern.
    pub permalinks: BTreeMap<String, String>,
    /// `uglyURLs`: `/posts/x.html` rather than `/posts/x/`.
    pub ugly_urls: bool,
    /// Hugo lowercases the URLs it makes unless `disablePathToLower`.
    pub lower: bool,
    /// `timeZone`, for dates without an offset.
    pub zone: TimeZone,
    /// `contentDir`.
    pub content_dir: String,
    /// The configuration file read, if any (relative to the site).
    pub file: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: None,
            base_url: None,
            base_path: String::new(),
            permalinks: BTreeMap::new(),
            ugly_urls: false,
            lower: true,
            zone: TimeZone::UTC,
            content_dir: "content".into(),
            file: None,
        }
    }
}

const NAMES: [&str; 2] = ["hugo", "config"];
const EXTENSIONS: [&str; 4] = ["toml", "yaml", "yml", "json"];

/// Whether `dir` holds a Hugo configuration file.
pub(super) fn exists(dir: &Path) -> bool {
    NAMES.iter().any(|n| EXTENSIONS.iter().any(|e| dir.join(format!("{n}.{e}")).is_file())) || dir.join("config/_default").is_dir()
}

/// Reads the configuration of the site at `root`: `config/_default/`
/// first, then the file at the root over it.
pub(super) fn load(root: &Path, problems: &mut Diagnostics) -> Config {
    let mut merged = Map::default();
    let mut file = None;
    let dir = root.join("config/_default");
    if dir.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        for path in entries {
            let Some(map) = read(&path, problems) else { continue };
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if NAMES.contains(&stem) {
                overlay(&mut merged, map);
            } else if let Some(first) = map.iter().next() {
                // `permalinks.toml` holds what `[permalinks]` would.
                merged.insert(stem, Value { kind: frontmatter::Kind::Map(map.clone()), offset: first.1.offset });
            }
            file.get_or_insert_with(|| "config/_default".to_string());
        }
    }
    if let Some(name) = NAMES.iter().flat_map(|n| EXTENSIONS.iter().map(move |e| format!("{n}.{e}"))).find(|f| root.join(f).is_file()) {
        if let Some(map) = read(&root.join(&name), problems) {
            overlay(&mut merged, map);
        }
        file = Some(name);
    }
    let mut config = Config { file, ..Config::default() };
    let text = |key: &str| merged.get(key).and_then(Value::scalar).filter(|s| !s.trim().is_empty());
    config.title = text("title");
    config.base_url = text("baseurl");
    config.base_path = config.base_url.as_deref().and_then(|u| url::Url::parse(u).ok()).map(|u| u.path().trim_end_matches('/').to_string()).unwrap_or_default();
    config.ugly_urls = merged.get("uglyurls").and_then(Value::boolean).unwrap_or(false);
    config.lower = !merged.get("disablepathtolower").and_then(Value::boolean).unwrap_or(false);
    if let Some(dir) = text("contentdir") {
        config.content_dir = dir;
    }
    if let Some(zone) = text("timezone") {
        match TimeZone::get(&zone) {
            Ok(z) => config.zone = z,
            Err(_) => {
                let path = root.join(config.file.as_deref().unwrap_or("hugo.toml"));
                problems.push(Diagnostic::file(path, format!("`timeZone`: `{zone}` is not a time zone lede knows (write one such as `Europe/Berlin`)")));
            }
        }
    }
    if let Some(map) = merged.get("permalinks").and_then(Value::map) {
        // Hugo 0.120 split them into `page` and `section`; the older form is `page`'s.
        let pages = map.get("page").and_then(Value::map).unwrap_or(map);
        for (section, pattern) in pages.iter() {
            if let Some(p) = pattern.text() {
                config.permalinks.insert(section.to_string(), p.to_string());
            }
        }
    }
    config
}

fn read(path: &Path, problems: &mut Diagnostics) -> Option<Map> {
    let notation = Notation::of_file(path)?;
    let text = read_text(path).map_err(|d| problems.push(d)).ok()?;
    frontmatter::read_data(path, &text, notation).map_err(|d| problems.push(d)).ok()
}

fn overlay(base: &mut Map, over: Map) {
    for (key, value) in over.iter() {
        base.insert(key, value.clone());
    }
}

/// What a permalink pattern may ask about a post.
pub(super) struct Parts<'a> {
    /// Its date.
    pub date: Option<&'a PubDate>,
    /// Its title.
    pub title: &'a str,
    /// The slug its front matter gives.
    pub slug: Option<&'a str>,
    /// The file name without its extension, or the bundle's folder name.
    pub name: &'a str,
    /// The folders from `content/` down (`["posts", "2019"]`).
    pub sections: &'a [String],
}

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

impl Config {
    /// The old URL of a regular page: its section's pattern, or Hugo's
    /// default `/<sections>/<slug or name>/`; `None` when the pattern needs a
    /// date the post lacks.
    pub fn permalink(&self, parts: &Parts<'_>) -> Option<String> {
        let last = parts.slug.unwrap_or(parts.name);
        let path = match parts.sections.first().and_then(|s| self.permalinks.get(&s.to_ascii_lowercase())) {
            Some(pattern) => expand(pattern, parts)?,
            None if self.ugly_urls => format!("/{}/{last}.html", parts.sections.join("/")),
            None => format!("/{}/{last}/", parts.sections.join("/")),
        };
        let path = sanitize(&crate::import::sitegen::clean_path(&path));
        Some(if self.lower { path.to_lowercase() } else { path })
    }
}

/// A path as Hugo writes it: spaces become hyphens, and characters other
/// than letters, digits and `. / _ # + ~ - @ %xx` are left out.
fn sanitize(path: &str) -> String {
    let chars: Vec<char> = path.chars().collect();
    let mut out = String::with_capacity(path.len());
    let (mut hyphen_due, mut was_hyphen) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        let escape = c == '%' && chars.get(i + 1..i + 3).is_some_and(|h| h.iter().all(char::is_ascii_hexdigit));
        if c.is_alphanumeric() || matches!(c, '.' | '/' | '_' | '#' | '+' | '~' | '-' | '@') || escape {
            if hyphen_due {
                out.push('-');
                hyphen_due = false;
            }
            out.push(c);
            was_hyphen = c == '-';
        } else if c.is_whitespace() && !was_hyphen {
            hyphen_due = !out.is_empty();
        }
    }
    out
}

/// A pattern with its `:tokens` filled in.
fn expand(pattern: &str, parts: &Parts<'_>) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let token = &after[..len];
        let date = || parts.date.map(PubDate::date);
        let slug_or = |fallback: &str| parts.slug.map_or_else(|| fallback.to_string(), str::to_string);
        let value = match token {
            "year" => format!("{:04}", date()?.year()),
            "month" => format!("{:02}", date()?.month()),
            "monthname" => MONTHS[(date()?.month() - 1) as usize].to_string(),
            "day" => format!("{:02}", date()?.day()),
            "weekday" => date()?.weekday().to_sunday_zero_offset().to_string(),
            "weekdayname" => WEEKDAYS[date()?.weekday().to_sunday_zero_offset() as usize].to_string(),
            "yearday" => date()?.day_of_year().to_string(),
            "section" => parts.sections.first().cloned().unwrap_or_default(),
            "sections" => parts.sections.join("/"),
            "title" => slugify(parts.title),
            "slug" => slug_or(&slugify(parts.title)),
            "filename" | "contentbasename" => parts.name.to_string(),
            "slugorfilename" | "slugorcontentbasename" => slug_or(parts.name),
            _ => format!(":{token}"),
        };
        out.push_str(&value);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date_text;

    #[test]
    fn permalinks_fill_tokens_and_default_to_the_path() {
        let mut config = Config::default();
        config.permalinks.insert("posts".into(), "/:year/:month/:monthname/:day/:slug/".into());
        config.permalinks.insert("notes".into(), "/:sections/:slugorfilename.html".into());
        config.permalinks.insert("bits".into(), "/:yearday-:weekdayname/:title/:filename/".into());
        let date = parse_date_text("2017-12-07 09:00:00 -0400").unwrap();
        let sections = ["posts".to_string(), "2017".to_string()];
        let parts = Parts { date: Some(&date), title: "A Title!", slug: Some("My-Slug"), name: "a-title", sections: &sections };
        assert_eq!(config.permalink(&parts).as_deref(), Some("/2017/12/december/07/my-slug/"));
        let parts = Parts { slug: None, ..parts };
        assert_eq!(config.permalink(&parts).as_deref(), Some("/2017/12/december/07/a-title/"));
        let notes = ["notes".to_string(), "sub".to_string()];
        assert_eq!(config.permalink(&Parts { sections: &notes, ..parts }).as_deref(), Some("/notes/sub/a-title.html"));
        let bits = ["bits".to_string()];
        assert_eq!(config.permalink(&Parts { sections: &bits, ..parts }).as_deref(), Some("/341-thursday/a-title/a-title/"));
        let other = ["Other".to_string()];
        assert_eq!(config.permalink(&Parts { sections: &other, ..parts }).as_deref(), Some("/other/a-title/"));
        assert_eq!(config.permalink(&Parts { date: None, ..parts }), None);
        let parts = Parts { slug: Some("Partnership Deferred!"), sections: &sections, ..parts };
        assert_eq!(config.permalink(&parts).as_deref(), Some("/2017/12/december/07/partnership-deferred/"));
        config.lower = false;
        config.ugly_urls = true;
        assert_eq!(config.permalink(&Parts { sections: &other, slug: Some("X"), ..parts }).as_deref(), Some("/Other/X.html"));
    }

    #[test]
    fn configuration_from_the_root_file_over_the_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config/_default")).unwrap();
        std::fs::write(dir.path().join("config/_default/hugo.yaml"), "title: Folder\nbaseURL: https://a.test/blog/\n").unwrap();
        std::fs::write(dir.path().join("config/_default/permalinks.toml"), "[page]\nposts = '/:year/:slug/'\n").unwrap();
        std::fs::write(dir.path().join("hugo.toml"), "title = 'Root'\ntimeZone = 'America/New_York'\ndisablePathToLower = true\n").unwrap();
        let mut problems = Diagnostics::new();
        let config = load(dir.path(), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.title.as_deref(), Some("Root"));
        assert_eq!(config.base_url.as_deref(), Some("https://a.test/blog/"));
        assert_eq!(config.base_path, "/blog");
        assert_eq!(config.permalinks.get("posts").map(String::as_str), Some("/:year/:slug/"));
        assert_eq!(config.zone.iana_name(), Some("America/New_York"));
        assert!(!config.lower);
        assert!(exists(dir.path()));

        std::fs::write(dir.path().join("hugo.toml"), "title = 'Root\ntimeZone = 'Nowhere/Else'\n").unwrap();
        let mut problems = Diagnostics::new();
        load(dir.path(), &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(1), "{problems}");
    }
}
