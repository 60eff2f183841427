//! Front matter: finding the `+++` block at the top of a Markdown file and
//! turning its TOML into typed fields, reporting every problem with the
//! line and column it has in the whole file.

use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::dates::{self, PubDate};
use crate::diagnostics::{Diagnostic, Diagnostics, Result, toml_diagnostic};
pub use crate::paywall::PaywallSetting;
use crate::text::edit_distance;

/// A file cut into its front matter and its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the fences.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Cuts `text` at its `+++` fences; the error is a message and a byte offset.
pub fn split(text: &str) -> Result<Split<'_>, (usize, String)> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let Some((first_start, first)) = lines.next() else {
        return Err((start, "empty file: an article starts with a `+++` line, its front matter, and a closing `+++`".into()));
    };
    if first.trim_end() != "+++" {
        let hint = if first.trim_end() == "---" {
            "YAML front matter (`---`) is not supported: write TOML between `+++` lines (`lede import hugo` or `lede import jekyll` converts a folder of such files)"
        } else {
            "missing front matter: the file must start with a `+++` line, then TOML (title, date, …), then a closing `+++`"
        };
        return Err((first_start, hint.into()));
    }
    let front_offset = lines.pos;
    while let Some((line_start, line)) = lines.next() {
        if line.trim_end() == "+++" {
            return Ok(Split { front: &text[front_offset..line_start], front_offset, body: &text[lines.pos..], body_offset: lines.pos });
        }
    }
    Err((first_start, "unclosed front matter: the opening `+++` has no closing `+++` line".into()))
}

/// Lines with their start offsets, without their line endings.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// The typed front matter of an article or a page.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    /// Required.
    pub title: String,
    /// Required for articles; optional on pages.
    pub date: Option<PubDate>,
    /// A later revision date.
    pub updated: Option<PubDate>,
    /// The series the article belongs to.
    pub column: Option<String>,
    /// Bylines, in order.
    pub authors: Vec<String>,
    /// The public summary.
    pub teaser: Option<String>,
    /// The cutoff the front matter names.
    pub paywall: PaywallSetting,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// Overrides the file name in the URL.
    pub slug: Option<String>,
    /// Byte offset (in the file) of the `paywall` value, to point at it later.
    pub paywall_offset: Option<usize>,
    /// Old paths that redirect here, each with the byte offset of its entry.
    pub aliases: Vec<(String, usize)>,
    /// The address search engines should credit, when it is not this page's.
    pub canonical: Option<String>,
    /// The cover image: an absolute URL, a path on the site, or a path beside the page.
    pub image: Option<String>,
    /// The article's DOI (`10.1234/abcd`), for citations.
    pub doi: Option<String>,
}

/// What kind of file the front matter belongs to, which decides the keys it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `content/articles/**.md`.
    Article,
    /// Any other Markdown page (about, imprint, …).
    Page,
}

const ARTICLE_KEYS: &[&str] =
    &["title", "date", "updated", "column", "authors", "teaser", "paywall", "tags", "draft", "slug", "aliases", "canonical", "image", "doi"];
const PAGE_KEYS: &[&str] = &["title", "date", "updated", "teaser", "draft", "slug", "aliases", "canonical", "image"];

/// Parses and validates front matter. `file_text` is the whole file, so
/// that positions are reported as lines of the file, not of the block.
pub fn parse(path: &Path, file_text: &str, split: &Split<'_>, kind: Kind) -> Result<FrontMatter> {
    let (table, errors) = DeTable::parse_recoverable(split.front);
    let mut problems: Diagnostics = errors.iter().map(|e| toml_diagnostic(path, file_text, split.front_offset, e)).collect();
    if !problems.is_empty() {
        // A broken table would only add noise ("missing title") after the real error.
        return Err(problems);
    }
    let base = split.front_offset;
    let at = |offset: usize, message: String| Diagnostic::at_offset(path, file_text, base + offset, message);
    let allowed = match kind {
        Kind::Article => ARTICLE_KEYS,
        Kind::Page => PAGE_KEYS,
    };

    let mut fm = FrontMatter {
        title: String::new(),
        date: None,
        updated: None,
        column: None,
        authors: Vec::new(),
        teaser: None,
        paywall: PaywallSetting::Unset,
        tags: Vec::new(),
        draft: false,
        slug: None,
        paywall_offset: None,
        aliases: Vec::new(),
        canonical: None,
        doi: None,
        image: None,
    };
    let mut has_title = false;
    let table = table.get_ref();
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let key_at = key.span().start;
        if !allowed.contains(&name) {
            let message = match (kind, name) {
                (Kind::Page, "paywall" | "column" | "authors" | "tags") => {
                    format!("`{name}` is for articles (content/articles/); a page cannot have it")
                }
                _ => match closest(name, allowed) {
                    Some(s) => format!("unknown front matter key `{name}` (did you mean `{s}`?)"),
                    None => format!("unknown front matter key `{name}`; allowed: {}", allowed.join(", ")),
                },
            };
            problems.push(at(key_at, message));
            continue;
        }
        let result = match name {
            "title" => text(value).map(|t| {
                has_title = true;
                fm.title = t;
            }),
            "date" => date(value).map(|d| fm.date = Some(d)),
            "updated" => date(value).map(|d| fm.updated = Some(d)),
            "column" => text(value).map(|t| fm.column = Some(t)),
            "teaser" => text(value).map(|t| fm.teaser = Some(t)),
            "authors" => list(value).map(|l| fm.authors = l),
            "tags" => list(value).map(|l| fm.tags = l),
            "draft" => boolean(value).map(|b| fm.draft = b),
            "slug" => slug(value).map(|s| fm.slug = Some(s)),
            "canonical" => canonical(value).map(|c| fm.canonical = Some(c)),
            "image" => image(value).map(|i| fm.image = Some(i)),
            "doi" => doi(value).map(|d| fm.doi = Some(d)),
            "aliases" => match aliases(value) {
                Ok(list) => {
                    fm.aliases = list.into_iter().map(|(a, at)| (a, base + at)).collect();
                    Ok(())
                }
                Err((message, offset)) => {
                    problems.push(at(offset, format!("`aliases`: {message}")));
                    Ok(())
                }
            },
            "paywall" => paywall(value).map(|p| {
                fm.paywall = p;
                fm.paywall_offset = Some(base + value.span().start);
            }),
            _ => Ok(()),
        };
        if let Err(message) = result {
            problems.push(at(value.span().start, format!("`{name}`: {message}")));
        }
    }
    let fence = Diagnostic::at_offset(path, file_text, split.front_offset.saturating_sub(1), "");
    let missing = |what: &str| Diagnostic { message: format!("missing `{what}` in the front matter"), ..fence.clone() };
    if !has_title && !problems.iter().any(|p| p.message.starts_with("`title`")) {
        problems.push(missing("title"));
    }
    if kind == Kind::Article && fm.date.is_none() && !table.iter().any(|(k, _)| k.get_ref().as_ref() == "date") {
        problems.push(missing("date = YYYY-MM-DD"));
    }
    if fm.paywall == PaywallSetting::Blocks(0)
        && fm.teaser.is_none()
        && let Some(offset) = fm.paywall_offset
    {
        problems.push(Diagnostic::at_offset(
            path,
            file_text,
            offset,
            "`paywall = 0` keeps the whole body for subscribers, so the public page needs a `teaser`: add `teaser = \"…\"` (one or two sentences anyone may read)",
        ));
    }
    if let (Some(d), Some(u)) = (fm.date, fm.updated)
        && u < d
    {
        let off = table.iter().find(|(k, _)| k.get_ref().as_ref() == "updated").map_or(0, |(_, v)| v.span().start);
        problems.push(at(off, "`updated` is earlier than `date`".into()));
    }
    problems.or(fm)
}

fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn text(v: &Spanned<DeValue<'_>>) -> Result<String, String> {
    match v.get_ref() {
        DeValue::String(s) if s.trim().is_empty() => Err("must not be empty".into()),
        DeValue::String(s) => Ok(s.trim().to_string()),
        other => Err(format!("expected a string, found {}", type_name(other))),
    }
}

fn boolean(v: &Spanned<DeValue<'_>>) -> Result<bool, String> {
    v.get_ref().as_bool().ok_or_else(|| format!("expected true or false, found {}", type_name(v.get_ref())))
}

fn list(v: &Spanned<DeValue<'_>>) -> Result<Vec<String>, String> {
    let DeValue::Array(items) = v.get_ref() else {
        return Err(format!("expected a list of strings such as [\"a\", \"b\"], found {}", type_name(v.get_ref())));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => {
                let s = s.trim().to_string();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            DeValue::String(_) => return Err("list entries must not be empty".into()),
            other => return Err(format!("expected a list of strings, found {} in it", type_name(other))),
        }
    }
    Ok(out)
}

fn date(v: &Spanned<DeValue<'_>>) -> Result<PubDate, String> {
    match v.get_ref() {
        DeValue::Datetime(dt) => dates::from_toml(dt),
        DeValue::String(s) => dates::parse_date_text(s).ok_or_else(|| {
            format!("{s:?} is not a date: write YYYY-MM-DD (for example 2026-03-17), with a time and offset if you like (2026-03-17T09:30:00-05:00)")
        }),
        other => Err(format!("expected a date such as 2026-03-17, found {}", type_name(other))),
    }
}

fn paywall(v: &Spanned<DeValue<'_>>) -> Result<PaywallSetting, String> {
    const HINT: &str = "write a number of free blocks (0 for none) or false";
    match v.get_ref() {
        DeValue::Boolean(false) => Ok(PaywallSetting::Free),
        DeValue::Boolean(true) => Err(format!("`true` does not say where to cut: {HINT}")),
        // A TOML integer in any notation (0b10, 0o10, 0x1f, 1_000): its
        // digits alone read as decimal would cut somewhere else.
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) if n >= 0 => usize::try_from(n).map(PaywallSetting::Blocks).map_err(|_| format!("{n} is too large: {HINT}")),
            Ok(n) => Err(format!("{n} is not a number of blocks: {HINT}")),
            Err(_) => Err(format!("{} is not a number of blocks: {HINT}", i.as_str())),
        },
        other => Err(format!("expected a number or false, found {}: {HINT}", type_name(other))),
    }
}

fn slug(v: &Spanned<DeValue<'_>>) -> Result<String, String> {
    let s = text(v)?;
    if crate::urls::is_segment(&s) {
        Ok(s)
    } else {
        Err(format!("{s:?} is not a URL slug: use letters, digits and `-`, `_`, `.` or `~`, starting with a letter or a digit"))
    }
}

fn canonical(v: &Spanned<DeValue<'_>>) -> Result<String, String> {
    let s = text(v)?;
    match url::Url::parse(&s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(s),
        _ => Err(format!("{s:?} is not an absolute http(s) URL: write the whole address, such as \"https://example.org/2019/05/title/\"")),
    }
}

/// A DOI as written (`10.1234/abcd`), or as its address (`https://doi.org/10.1234/abcd`).
fn doi(v: &Spanned<DeValue<'_>>) -> Result<String, String> {
    let s = text(v)?;
    let bare = s.trim().trim_start_matches("https://doi.org/").trim_start_matches("http://doi.org/").trim_start_matches("doi:");
    let valid = bare.starts_with("10.")
        && bare.split_once('/').is_some_and(|(prefix, suffix)| prefix.len() > 3 && !suffix.is_empty())
        && !bare.contains(char::is_whitespace);
    if valid { Ok(bare.to_string()) } else { Err(format!("{s:?} is not a DOI: write it as 10.1234/abcd")) }
}

fn image(v: &Spanned<DeValue<'_>>) -> Result<String, String> {
    let s = text(v)?;
    if s.contains("://") {
        return match url::Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(s),
            _ => Err(format!("{s:?} is not an http(s) URL")),
        };
    }
    if s.chars().any(|c| c.is_whitespace() || c == '?' || c == '#') || s.split('/').any(|seg| seg == "..") {
        return Err(format!("{s:?} is not a path: write /images/cover.jpg (in static/), cover.jpg (beside the article) or an https:// URL"));
    }
    Ok(s)
}

/// The old paths in `aliases`, each checked and with its offset in the front matter.
fn aliases(v: &Spanned<DeValue<'_>>) -> Result<Vec<(String, usize)>, (String, usize)> {
    let DeValue::Array(items) = v.get_ref() else {
        return Err((format!("expected a list of old paths such as [\"/2019/05/title/\"], found {}", type_name(v.get_ref())), v.span().start));
    };
    let mut out: Vec<(String, usize)> = Vec::with_capacity(items.len());
    for item in items.iter() {
        let at = item.span().start;
        let DeValue::String(s) = item.get_ref() else {
            return Err((format!("expected a list of paths, found {} in it", type_name(item.get_ref())), at));
        };
        let path = crate::urls::alias_path(s.trim()).map_err(|m| (m, at))?;
        if !out.iter().any(|(p, _)| *p == path) {
            out.push((path, at));
        }
    }
    Ok(out)
}

/// The allowed key nearest to a misspelt one, if it is close enough to be a typo.
fn closest<'k>(name: &str, allowed: &[&'k str]) -> Option<&'k str> {
    allowed.iter().map(|k| (edit_distance(name, k), *k)).filter(|(d, k)| *d <= 2 && *d < k.len()).min().map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<FrontMatter> {
        let s = split(text).map_err(|(o, m)| Diagnostic::at_offset("a.md", text, o, m))?;
        parse(Path::new("a.md"), text, &s, Kind::Article)
    }

    #[test]
    fn split_finds_front_and_body() {
        let s = split("+++\ntitle = \"x\"\n+++\nBody\n").unwrap();
        assert_eq!(s.front, "title = \"x\"\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 20);
    }

    #[test]
    fn split_handles_crlf_and_bom() {
        let s = split("\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nBody").unwrap();
        assert_eq!(s.front, "title = \"x\"\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn split_reports_missing_and_unclosed() {
        assert!(split("title = 1\n").unwrap_err().1.contains("missing front matter"));
        assert!(split("+++\ntitle = 1\n").unwrap_err().1.contains("unclosed"));
        assert!(split("---\ntitle: x\n---\n").unwrap_err().1.contains("YAML"));
        assert!(split("").unwrap_err().1.contains("empty"));
    }

    #[test]
    fn full_front_matter_parses() {
        let fm =
            parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\ncolumn = \"Global Insights\"\nauthors = [\"A\", \"B\"]\npaywall = 4\ntags = [\"NATO\"]\n+++\n")
                .unwrap();
        assert_eq!(fm.title, "T");
        assert_eq!(fm.date.unwrap().iso_date(), "2026-03-17");
        assert_eq!(fm.paywall, PaywallSetting::Blocks(4));
        assert_eq!(fm.authors, ["A", "B"]);
    }

    #[test]
    fn unknown_key_names_its_line_in_the_file() {
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywal = 3\n+++\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].column), (Some(4), Some(1)));
        assert!(errs[0].message.contains("`paywal`") && errs[0].message.contains("did you mean `paywall`"));
    }

    #[test]
    fn toml_errors_carry_the_file_line() {
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\ncolumn = \"unclosed\n+++\n").unwrap_err();
        assert_eq!(errs[0].line, Some(4), "{errs:?}");
    }

    #[test]
    fn wrong_types_and_zero_are_errors() {
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywall = \"three\"\n+++\n").unwrap_err();
        assert!(errs[0].message.contains("expected a number or false"), "{errs:?}");
        assert_eq!(errs[0].line, Some(4));
        let fm = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywall = 0\nteaser = \"All for members.\"\n+++\n").unwrap();
        assert_eq!(fm.paywall, PaywallSetting::Blocks(0));
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywall = 0\n+++\n").unwrap_err();
        assert!(errs[0].message.contains("needs a `teaser`"), "{errs:?}");
        assert_eq!(errs[0].line, Some(4), "{errs:?}");
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywall = -1\n+++\n").unwrap_err();
        assert!(errs[0].message.contains("not a number of blocks"), "{errs:?}");
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywall = false\n+++\n").unwrap();
        assert_eq!(errs.paywall, PaywallSetting::Free);
    }

    #[test]
    fn paywall_integers_are_read_in_their_toml_notation() {
        for (written, blocks) in [("0b10", 2), ("0o10", 8), ("0x0a", 10), ("1_0", 10), ("+3", 3)] {
            let fm = parse_str(&format!("+++\ntitle = \"T\"\ndate = 2026-03-17\npaywall = {written}\n+++\n")).unwrap();
            assert_eq!(fm.paywall, PaywallSetting::Blocks(blocks), "{written}");
        }
    }

    #[test]
    fn missing_title_and_date_are_both_reported() {
        let errs = parse_str("+++\ncolumn = \"c\"\n+++\n").unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].message.contains("title"));
        assert!(errs[1].message.contains("date"));
    }

    #[test]
    fn invalid_dates_are_errors() {
        let errs = parse_str("+++\ntitle = \"T\"\ndate = 2026-02-30\n+++\n").unwrap_err();
        assert_eq!(errs[0].line, Some(3), "{errs:?}");
        let errs = parse_str("+++\ntitle = \"T\"\ndate = \"March 3\"\n+++\n").unwrap_err();
        assert!(errs[0].message.contains("not a date"), "{errs:?}");
        let ok = parse_str("+++\ntitle = \"T\"\ndate = \"2026-03-03\"\n+++\n").unwrap();
        assert_eq!(ok.date.unwrap().iso_date(), "2026-03-03");
    }

    #[test]
    fn pages_reject_article_keys() {
        let text = "+++\ntitle = \"About\"\npaywall = 2\n+++\n";
        let s = split(text).unwrap();
        let errs = parse(Path::new("about.md"), text, &s, Kind::Page).unwrap_err();
        assert!(errs[0].message.contains("for articles"), "{errs:?}");
    }
}
