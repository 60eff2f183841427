//! Problems found in a site's input. Each names a file and, where it has
//! them, a line and a column; a build collects them all before it stops.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem with a site's input, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the problem has one.
    pub column: Option<usize>,
    /// What is wrong, and where useful, what to do about it.
    pub message: String,
}

impl Diagnostic {
    /// A problem with a whole file (no line).
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic { file: file.into(), line: None, column: None, message: message.into() }
    }

    /// A problem at a line and column.
    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic { file: file.into(), line: Some(line), column: Some(column), message: message.into() }
    }

    /// A problem at a byte offset of `text`, the whole content of `file`.
    pub fn at_offset(file: impl Into<PathBuf>, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        Diagnostic::at(file, line, column, message)
    }

    /// A failed file-system operation on `path`.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Diagnostic::file(path, format!("could not {action}: {err}"))
    }

    /// `file:line:column` as editors and terminals link it.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// Control characters (a file name or a key holding a terminal's escape
    /// codes) are shown escaped, never sent to the terminal as they are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", printable(&self.location()), printable(&self.message))
    }
}

/// `text` with every control character but the line break written as `\u{…}`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Every problem of one run, in a stable order: the one error type of
/// anything that reads the site.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// A value, or every problem found while making it.
pub type Result<T, E = Diagnostics> = std::result::Result<T, E>;

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Sort by file, then position, so two runs print the same report.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message)));
        self.0.dedup();
        self
    }

    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds the problems of `other`.
    pub fn append(&mut self, mut other: Diagnostics) {
        self.0.append(&mut other.0);
    }

    /// `value` when nothing was found, else the problems.
    pub fn or<T>(self, value: T) -> Result<T> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];

    fn deref(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "error: {d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// 1-based line and character column of a byte offset (clamped to the text).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// A TOML error as a diagnostic, its span moved by `base` bytes within `file_text`.
pub fn toml_diagnostic(file: impl Into<PathBuf>, file_text: &str, base: usize, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_string();
    match err.span() {
        Some(span) => Diagnostic::at_offset(file, file_text, base + span.start, message),
        None => Diagnostic::file(file, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nçé x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'x' sits after two 2-byte characters and a space.
        assert_eq!(line_col(text, 8), (2, 4));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn control_characters_are_printed_escaped() {
        let d = Diagnostic::at("content/\u{1b}[31mred.md", 1, 1, "unknown key `\u{1b}]0;title\u{7}`");
        assert_eq!(d.to_string(), "content/\\u{1b}[31mred.md:1:1: unknown key `\\u{1b}]0;title\\u{7}`");
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic::at("content/a.md", 3, 7, "unknown key `paywal`");
        assert_eq!(d.to_string(), "content/a.md:3:7: unknown key `paywal`");
        assert_eq!(Diagnostic::file("x.md", "bad").to_string(), "x.md: bad");
    }
}
