//! Front matter as Hugo and Jekyll write it: YAML between `---` lines,
//! TOML between `+++` lines, or a JSON object at the top of the file. It is
//! read into a small generic [`Value`] whose every node remembers its byte
//! offset in the whole file, so a reader can point at a bad date as surely
//! as the parsers point at bad syntax. Keys are matched without regard to
//! case, as Hugo matches them.

mod json;
mod yaml;

use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::{Diagnostic, toml_diagnostic};

/// The notation a block of data is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// `---` fences, or a `.yml`/`.yaml` file.
    Yaml,
    /// `+++` fences, or a `.toml` file.
    Toml,
    /// A JSON object at the top, or a `.json` file.
    Json,
}

impl Notation {
    /// The notation of a data file, from its extension.
    pub fn of_file(path: &Path) -> Option<Notation> {
        match path.extension()?.to_str()? {
            "yml" | "yaml" => Some(Notation::Yaml),
            "toml" => Some(Notation::Toml),
            "json" => Some(Notation::Json),
            _ => None,
        }
    }
}

/// A content file cut into its front matter and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<'a> {
    /// The front matter's notation; `None` when the file has none.
    pub notation: Option<Notation>,
    /// The keys (empty when the file has no front matter).
    pub front: Map,
    /// The text after the front matter.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// One value of front matter and where it starts in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What it holds.
    pub kind: Kind,
    /// Byte offset in the whole file.
    pub offset: usize,
}

/// What a [`Value`] holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Empty (`key:` in YAML, `null` in JSON).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// Text (YAML's unquoted dates arrive as text too).
    Text(String),
    /// A TOML date or date-time, as TOML writes it.
    Date(String),
    /// A sequence.
    List(Vec<Value>),
    /// A mapping.
    Map(Map),
}

/// A mapping whose keys are compared without regard to case; the last of two
/// keys that differ only in case wins, as in Hugo.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    entries: Vec<(String, Value)>,
}

impl Map {
    /// The value of `key`, whatever its case.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }

    /// Sets `key`, replacing a key that differs only in case.
    pub fn insert(&mut self, key: &str, value: Value) {
        self.entries.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        self.entries.push((key.to_ascii_lowercase(), value));
    }

    /// The keys (lowercase) and values, in the order written.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether it has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Value {
    /// Text, or a TOML date as text.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Text(s) | Kind::Date(s) => Some(s),
            _ => None,
        }
    }

    /// Any scalar written as text: `title: 1984` is a title.
    pub fn scalar(&self) -> Option<String> {
        match &self.kind {
            Kind::Text(s) | Kind::Date(s) => Some(s.clone()),
            Kind::Int(n) => Some(n.to_string()),
            Kind::Float(f) => Some(f.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean, also when written as the text `"true"` or `"false"`.
    pub fn boolean(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Text(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Kind::Text(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The items of a list.
    pub fn list(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(items) => Some(items),
            _ => None,
        }
    }

    /// The keys of a mapping.
    pub fn map(&self) -> Option<&Map> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Whether it is empty: `null`, `""` or `[]`.
    pub fn is_empty(&self) -> bool {
        match &self.kind {
            Kind::Null => true,
            Kind::Text(s) => s.trim().is_empty(),
            Kind::List(items) => items.is_empty(),
            _ => false,
        }
    }

    /// What it is, for messages ("a list").
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "empty",
            Kind::Bool(_) => "true or false",
            Kind::Int(_) | Kind::Float(_) => "a number",
            Kind::Text(_) => "text",
            Kind::Date(_) => "a date",
            Kind::List(_) => "a list",
            Kind::Map(_) => "a table",
        }
    }
}

/// Cuts `text`, the whole of `file`, into front matter and body and parses
/// the front matter. A file that opens no block has no front matter.
pub fn read<'a>(file: &Path, text: &'a str) -> Result<Document<'a>, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let rest = &text[start..];
    let first_line = rest.split('\n').next().unwrap_or("").trim_end();
    let fences: &[&str] = match first_line {
        "---" => &["---", "..."],
        "+++" => &["+++"],
        // `{{< figure >}}` opening a body is a shortcode, not a JSON object.
        _ if rest.strip_prefix('{').is_some_and(|r| r.trim_start().starts_with(['"', '}'])) => return json::read(file, text, start),
        _ => return Ok(Document { notation: None, front: Map::default(), body: rest, body_offset: start }),
    };
    let notation = if first_line == "+++" { Notation::Toml } else { Notation::Yaml };
    let front_offset = start + rest.find('\n').map_or(rest.len(), |i| i + 1);
    let mut pos = front_offset;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if fences.contains(&text[pos..end].trim_end()) {
            let front = parse_block(file, text, front_offset, &text[front_offset..pos], notation)?;
            return Ok(Document { notation: Some(notation), front, body: &text[end..], body_offset: end });
        }
        pos = end;
    }
    Err(Diagnostic::at_offset(file, text, start, format!("the front matter opened by `{first_line}` is never closed: add a `{}` line after it", fences[0])))
}

/// Parses a whole data file (a site's configuration).
pub fn read_data(file: &Path, text: &str, notation: Notation) -> Result<Map, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    if text[start..].trim().is_empty() {
        return Ok(Map::default());
    }
    parse_block(file, text, start, &text[start..], notation)
}

/// Parses `block`, which starts at byte `base` of `text`, the whole of `file`.
fn parse_block(file: &Path, text: &str, base: usize, block: &str, notation: Notation) -> Result<Map, Diagnostic> {
    let value = match notation {
        Notation::Yaml => yaml::parse(file, text, base, block)?,
        Notation::Toml => parse_toml(file, text, base, block)?,
        Notation::Json => json::parse(file, text, base, block)?,
    };
    match value.kind {
        Kind::Map(map) => Ok(map),
        Kind::Null => Ok(Map::default()),
        _ => Err(Diagnostic::at_offset(file, text, value.offset, format!("front matter must be a table of keys and values, not {}", value.describe()))),
    }
}

/// TOML front matter, with the spans toml's own parser keeps.
fn parse_toml(file: &Path, text: &str, base: usize, block: &str) -> Result<Value, Diagnostic> {
    let table = DeTable::parse(block).map_err(|e| toml_diagnostic(file, text, base, &e))?;
    Ok(Value { kind: Kind::Map(from_toml_table(table.get_ref(), base)), offset: base + table.span().start })
}

fn from_toml_table(table: &DeTable<'_>, base: usize) -> Map {
    let mut map = Map::default();
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in entries {
        map.insert(key.get_ref(), from_toml(value, base));
    }
    map
}

fn from_toml(value: &Spanned<DeValue<'_>>, base: usize) -> Value {
    let kind = match value.get_ref() {
        DeValue::String(s) => Kind::Text(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Kind::Int(n),
            Err(_) => Kind::Text(i.as_str().to_string()),
        },
        DeValue::Float(f) => Kind::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(d) => Kind::Date(d.to_string()),
        DeValue::Array(items) => Kind::List(items.iter().map(|v| from_toml(v, base)).collect()),
        DeValue::Table(t) => Kind::Map(from_toml_table(t, base)),
    };
    Value { kind, offset: base + value.span().start }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::line_col;

    fn doc(text: &str) -> Document<'_> {
        match read(Path::new("x.md"), text) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    fn err(text: &str) -> Diagnostic {
        match read(Path::new("x.md"), text) {
            Ok(d) => panic!("expected an error, got {d:?}"),
            Err(e) => e,
        }
    }

    fn at(text: &str, value: &Value) -> (usize, usize) {
        line_col(text, value.offset)
    }

    #[test]
    fn yaml_front_matter_keeps_kinds_positions_and_the_body() {
        let text =
            "---\nTitle: \"Quoted: yes\"\ndate: 2017-12-07 09:00:00 -0400\ndraft: true\nweight: 3\ntags:\n  - a\n  - b\ncover:\n  image: c.jpg\n---\nBody\n";
        let d = doc(text);
        assert_eq!(d.notation, Some(Notation::Yaml));
        assert_eq!(d.body, "Body\n");
        assert_eq!(&text[d.body_offset..], "Body\n");
        let title = d.front.get("title").unwrap();
        assert_eq!(title.kind, Kind::Text("Quoted: yes".into()));
        assert_eq!(at(text, title), (2, 8));
        let date = d.front.get("DATE").unwrap();
        assert_eq!(date.text(), Some("2017-12-07 09:00:00 -0400"));
        assert_eq!(at(text, date), (3, 7));
        assert_eq!(d.front.get("draft").unwrap().boolean(), Some(true));
        assert_eq!(d.front.get("weight").unwrap().kind, Kind::Int(3));
        let tags: Vec<_> = d.front.get("tags").unwrap().list().unwrap().iter().map(|v| (v.scalar().unwrap(), at(text, v))).collect();
        assert_eq!(tags, [("a".to_string(), (7, 5)), ("b".to_string(), (8, 5))]);
        let cover = d.front.get("cover").unwrap().map().unwrap();
        assert_eq!(cover.get("image").unwrap().text(), Some("c.jpg"));
        let keys: Vec<&str> = d.front.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["title", "date", "draft", "weight", "tags", "cover"]);
    }

    #[test]
    fn yaml_may_close_with_dots_and_use_anchors() {
        let d = doc("---\na: &x [1, 2]\nb: *x\n...\nrest");
        assert_eq!(d.body, "rest");
        assert_eq!(d.front.get("b").unwrap().list().unwrap().len(), 2);
    }

    #[test]
    fn toml_front_matter_with_dates_and_positions() {
        let text = "+++\ntitle = 'T'\ndate = 2024-02-02T04:14:54-08:00\n[params]\nAuthor = 'J'\n+++\n\nBody";
        let d = doc(text);
        assert_eq!(d.notation, Some(Notation::Toml));
        assert_eq!(d.body, "\nBody");
        let date = d.front.get("date").unwrap();
        assert_eq!(date.kind, Kind::Date("2024-02-02T04:14:54-08:00".into()));
        assert_eq!(at(text, date), (3, 8));
        assert_eq!(d.front.get("params").unwrap().map().unwrap().get("author").unwrap().text(), Some("J"));
    }

    #[test]
    fn json_front_matter_ends_with_its_object() {
        let text = "{\n  \"title\": \"J\",\n  \"Date\": \"2020-01-02\",\n  \"tags\": [\"x\"]\n}\nBody {not json}\n";
        let d = doc(text);
        assert_eq!(d.notation, Some(Notation::Json));
        assert_eq!(d.body, "Body {not json}\n");
        let date = d.front.get("date").unwrap();
        assert_eq!(at(text, date), (3, 11));
        assert_eq!(d.front.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["title", "date", "tags"]);
    }

    #[test]
    fn a_file_without_a_block_is_all_body() {
        let d = doc("# Just text\n---\n");
        assert_eq!(d.notation, None);
        assert!(d.front.is_empty());
        assert_eq!(d.body, "# Just text\n---\n");
        let d = doc("{{< figure src=\"a.png\" >}}\nText");
        assert_eq!((d.notation, d.body), (None, "{{< figure src=\"a.png\" >}}\nText"));
    }

    #[test]
    fn errors_point_into_the_whole_file() {
        let e = err("---\ntitle: ok\ntags: [a, b\ndate: x\n---\n");
        assert_eq!((e.line, e.column), (Some(4), Some(5)), "{e}");
        assert!(e.message.starts_with("YAML front matter:"), "{e}");

        let e = err("---\ntitle: ok\n  bad: indent\n---\n");
        assert_eq!((e.line, e.column), (Some(3), Some(6)), "{e}");

        let e = err("+++\ntitle = 'ok'\ndate = \n+++\n");
        assert_eq!(e.line, Some(3), "{e}");

        let e = err("{\n  \"title\": \"J\"\n  \"x\": 1\n}\n");
        assert_eq!((e.line, e.column), (Some(3), Some(3)), "{e}");
        assert!(!e.message.contains("at line"), "{e}");

        let e = err("---\ntitle: never closed\n");
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("never closed"), "{e}");

        let e = err("---\n- a\n- b\n---\n");
        assert!(e.message.contains("not a list"), "{e}");
    }

    #[test]
    fn data_files_parse_whole() {
        let m = read_data(Path::new("c.yml"), "title: Site\npermalinks:\n  posts: /:year/:slug/\n", Notation::Yaml).unwrap();
        assert_eq!(m.get("permalinks").unwrap().map().unwrap().get("posts").unwrap().text(), Some("/:year/:slug/"));
        assert!(read_data(Path::new("c.json"), "  \n", Notation::Json).unwrap().is_empty());
        assert_eq!(Notation::of_file(Path::new("hugo.toml")), Some(Notation::Toml));
    }
}
