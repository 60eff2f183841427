//! A Jekyll site's `_config.yml`, as far as an import needs it, and the
//! permalink styles and templates that made the old URLs.

use std::path::Path;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::dates::PubDate;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::frontmatter::{self, Kind, Map, Notation, Value};
use crate::import::sitegen::{clean_path, read_text};
use crate::text::slugify;

/// What the import reads from `_config.yml`.
#[derive(Debug, Clone)]
pub(super) struct Config {
    /// `title`.
    pub title: Option<String>,
    /// `url` and `baseurl` together.
    pub site_url: Option<String>,
    /// `baseurl` as a path without its last slash (`/blog`, or empty):
    /// the old site's URLs lie below it.
    pub base_path: String,
    /// The permalink template of posts (a style name already expanded).
    pub permalink: String,
    /// `excerpt_separator`, when it is set and is not a blank line.
    pub excerpt_separator: Option<String>,
    /// `timezone`, for dates without an offset.
    pub zone: TimeZone,
    /// `collections`: name and whether Jekyll writes its documents.
    pub collections: Vec<(String, bool)>,
    /// `exclude`: paths Jekyll leaves out.
    pub exclude: Vec<String>,
    /// Front matter `defaults` for posts (only keys lede uses).
    pub post_defaults: Map,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: None,
            site_url: None,
            base_path: String::new(),
            permalink: style("date").unwrap_or_default().to_string(),
            excerpt_separator: None,
            zone: TimeZone::UTC,
            collections: Vec::new(),
            exclude: Vec::new(),
            post_defaults: Map::default(),
        }
    }
}

/// The configuration files Jekyll reads, in its order.
pub(super) const FILES: [&str; 3] = ["_config.yml", "_config.yaml", "_config.toml"];

/// Keys that `defaults` may give posts: those lede has a place for.
const DEFAULT_KEYS: [&str; 5] = ["author", "authors", "categories", "tags", "image"];

/// A named permalink style's template.
fn style(name: &str) -> Option<&'static str> {
    Some(match name {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        _ => return None,
    })
}

/// Reads `_config.yml` (or its `.yaml`/`.toml` forms) at `root`.
pub(super) fn load(root: &Path, problems: &mut Diagnostics) -> Config {
    let mut config = Config::default();
    let Some(path) = FILES.iter().map(|f| root.join(f)).find(|p| p.is_file()) else { return config };
    let Some(notation) = Notation::of_file(&path) else { return config };
    let text = match read_text(&path) {
        Ok(t) => t,
        Err(d) => {
            problems.push(d);
            return config;
        }
    };
    let map = match frontmatter::read_data(&path, &text, notation) {
        Ok(m) => m,
        Err(d) => {
            problems.push(d);
            return config;
        }
    };
    let get = |key: &str| map.get(key).and_then(Value::scalar).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    config.title = get("title");
    let base = get("baseurl").unwrap_or_default();
    config.base_path = if base.trim_matches('/').is_empty() { String::new() } else { format!("/{}", base.trim_matches('/')) };
    config.site_url = get("url").map(|url| format!("{}/{}", url.trim_end_matches('/'), base.trim_matches('/')).trim_end_matches('/').to_string());
    if let Some(p) = get("permalink") {
        config.permalink = style(&p).map_or(p, str::to_string);
    }
    config.excerpt_separator = map.get("excerpt_separator").and_then(Value::text).filter(|s| !s.trim().is_empty()).map(str::to_string);
    if let Some(zone) = map.get("timezone").filter(|v| !v.is_empty()) {
        match zone.text().map(TimeZone::get) {
            Some(Ok(z)) => config.zone = z,
            _ => problems.push(Diagnostic::at_offset(
                &path,
                &text,
                zone.offset,
                "`timezone` is not a time zone lede knows (write one such as `America/New_York`)",
            )),
        }
    }
    config.collections = collections(map.get("collections"));
    config.exclude = map.get("exclude").and_then(Value::list).unwrap_or_default().iter().filter_map(Value::scalar).collect();
    for default in map.get("defaults").and_then(Value::list).unwrap_or_default() {
        let Some(d) = default.map() else { continue };
        let scope = d.get("scope").and_then(Value::map);
        let kind = scope.and_then(|s| s.get("type")).and_then(Value::text);
        let scope_path = scope.and_then(|s| s.get("path")).and_then(Value::text).unwrap_or("");
        if !(kind.is_none_or(|k| k == "posts") && (scope_path.is_empty() || scope_path.trim_matches('/') == "_posts")) {
            continue;
        }
        for (key, value) in d.get("values").and_then(Value::map).map(|m| m.iter().collect::<Vec<_>>()).unwrap_or_default() {
            if DEFAULT_KEYS.contains(&key) {
                if plain(value) {
                    config.post_defaults.insert(key, value.clone());
                } else {
                    problems.push(Diagnostic::at_offset(
                        &path,
                        &text,
                        value.offset,
                        format!("`defaults` for posts: `{key}` should be text or a list of texts"),
                    ));
                }
            }
        }
    }
    config
}

/// Whether a default can stand in a post's front matter without pointing
/// a later problem at the wrong file: text, or a list of texts.
fn plain(value: &Value) -> bool {
    match &value.kind {
        Kind::List(items) => items.iter().all(|i| i.scalar().is_some()),
        Kind::Map(m) => m.get("path").and_then(Value::scalar).is_some(),
        _ => value.scalar().is_some(),
    }
}

/// `collections`: a list of names, or a table of names with their settings.
fn collections(value: Option<&Value>) -> Vec<(String, bool)> {
    match value.map(|v| &v.kind) {
        Some(Kind::List(items)) => items.iter().filter_map(Value::scalar).map(|n| (n, false)).collect(),
        Some(Kind::Map(m)) => m
            .iter()
            .map(|(name, settings)| {
                let output = settings.map().and_then(|s| s.get("output")).and_then(Value::boolean).unwrap_or(false);
                (name.to_string(), output)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a permalink template may ask about a post.
pub(super) struct Parts<'a> {
    /// Its date.
    pub date: &'a PubDate,
    /// The title part of its file name, or its `slug`.
    pub title: &'a str,
    /// Its categories.
    pub categories: &'a [String],
    /// `.html` for `.md` and `.html` posts alike.
    pub output_ext: &'a str,
}

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

impl Config {
    /// The old URL of a post, from `template` (the site's, or the post's own `permalink`).
    pub fn post_url(&self, template: &str, parts: &Parts<'_>) -> String {
        let template = style(template).unwrap_or(template);
        // Jekyll places a post on its date as the site's clocks show it.
        let at: DateTime = match parts.date.offset_seconds {
            Some(_) => parts.date.published_at(&self.zone).to_zoned_datetime(self.zone.clone()).datetime(),
            None => parts.date.datetime,
        };
        let date = at.date();
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(colon) = rest.find(':') {
            out.push_str(&rest[..colon]);
            let after = &rest[colon + 1..];
            let len = after.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'_').count();
            let token = &after[..len];
            let categories = || parts.categories.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>();
            let value = match token {
                "year" => format!("{:04}", date.year()),
                "short_year" => format!("{:02}", date.year() % 100),
                "month" => format!("{:02}", date.month()),
                "i_month" => date.month().to_string(),
                "short_month" => MONTHS[(date.month() - 1) as usize][..3].to_string(),
                "long_month" => MONTHS[(date.month() - 1) as usize].to_string(),
                "day" => format!("{:02}", date.day()),
                "i_day" => date.day().to_string(),
                "y_day" => format!("{:03}", date.day_of_year()),
                "week" => format!("{:02}", date.iso_week_date().week()),
                "short_day" => DAYS[date.weekday().to_monday_zero_offset() as usize][..3].to_string(),
                "long_day" => DAYS[date.weekday().to_monday_zero_offset() as usize].to_string(),
                "hour" => format!("{:02}", at.hour()),
                "minute" => format!("{:02}", at.minute()),
                "second" => format!("{:02}", at.second()),
                "title" => parts.title.to_string(),
                "slug" => slugify(parts.title),
                "categories" => categories().join("/"),
                "slugified_categories" => parts.categories.iter().map(|c| slugify(c)).collect::<Vec<_>>().join("/"),
                "output_ext" => parts.output_ext.to_string(),
                _ => format!(":{token}"),
            };
            out.push_str(&value);
            rest = &after[len..];
        }
        out.push_str(rest);
        // Decoded, as aliases are: `/global insights/…`, not `/global%20insights/…`.
        clean_path(&out)
    }

    /// The old URL of a page at `path` (without its extension): `/about/`
    /// when posts' URLs end in a slash, else `/about.html`.
    pub fn page_url(&self, path: &str) -> String {
        let path = path.trim_matches('/');
        if self.permalink.ends_with('/') { format!("/{path}/") } else { format!("/{path}.html") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date_text;

    #[test]
    fn styles_and_templates_make_old_urls() {
        let mut config = Config::default();
        let date = parse_date_text("2017-12-07 21:00:00 -0400").unwrap();
        let categories = ["Global Insights".to_string(), "Europe".to_string()];
        let parts = Parts { date: &date, title: "Deferred", categories: &categories, output_ext: ".html" };
        assert_eq!(config.post_url(&config.permalink, &parts), "/global insights/europe/2017/12/08/Deferred.html");
        config.zone = TimeZone::get("America/New_York").unwrap();
        assert_eq!(config.post_url("pretty", &parts), "/global insights/europe/2017/12/07/Deferred/");
        assert_eq!(config.post_url("ordinal", &parts), "/global insights/europe/2017/341/Deferred.html");
        assert_eq!(config.post_url("weekdate", &parts), "/global insights/europe/2017/W49/Thu/Deferred.html");
        assert_eq!(config.post_url("none", &Parts { categories: &[], ..parts }), "/Deferred.html");
        assert_eq!(
            config.post_url("/:slugified_categories/:short_year/:i_month/:i_day/:hour:minute/:slug", &parts),
            "/global-insights/europe/17/12/7/2000/deferred"
        );
        assert_eq!(config.page_url("about"), "/about.html");
        config.permalink = "/:title/".into();
        assert_eq!(config.page_url("/team/about"), "/team/about/");
    }

    #[test]
    fn the_configuration_file() {
        let dir = tempfile::tempdir().unwrap();
        let yml = "title: Old Site\nurl: https://old.test/\nbaseurl: /blog\npermalink: pretty\nexcerpt_separator: <!--cut-->\ntimezone: Europe/Berlin\ncollections:\n  recipes:\n    output: true\n  notes: {}\nexclude: [drafts-old]\ndefaults:\n  - scope: {path: \"\", type: posts}\n    values: {layout: post, author: Site Author}\n  - scope: {type: pages}\n    values: {author: Nobody}\n";
        std::fs::write(dir.path().join("_config.yml"), yml).unwrap();
        let mut problems = Diagnostics::new();
        let config = load(dir.path(), &mut problems);
        assert!(problems.is_empty(), "{problems}");
        assert_eq!(config.title.as_deref(), Some("Old Site"));
        assert_eq!(config.site_url.as_deref(), Some("https://old.test/blog"));
        assert_eq!(config.base_path, "/blog");
        assert_eq!(config.permalink, "/:categories/:year/:month/:day/:title/");
        assert_eq!(config.excerpt_separator.as_deref(), Some("<!--cut-->"));
        assert_eq!(config.zone.iana_name(), Some("Europe/Berlin"));
        assert_eq!(config.collections, [("recipes".to_string(), true), ("notes".to_string(), false)]);
        assert_eq!(config.exclude, ["drafts-old"]);
        assert_eq!(config.post_defaults.iter().map(|(k, v)| (k, v.scalar().unwrap())).collect::<Vec<_>>(), [("author", "Site Author".to_string())]);

        std::fs::write(dir.path().join("_config.yml"), "title: x\ntimezone: Mars/Olympus\n").unwrap();
        let mut problems = Diagnostics::new();
        load(dir.path(), &mut problems);
        assert_eq!((problems[0].line, problems[0].column), (Some(2), Some(11)), "{problems}");
    }
}
