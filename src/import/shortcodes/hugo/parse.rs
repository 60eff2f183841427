//! A Hugo shortcode tag: its name, named or positional arguments (bare,
//! `"quoted"` or `` `raw` ``), and whether it opens, closes or closes itself.

/// One shortcode tag as written.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shortcode<'t> {
    /// `figure`, `youtube`, …
    pub name: &'t str,
    /// Arguments without a name, in order.
    pub positional: Vec<String>,
    /// `name=value` arguments, in order.
    pub named: Vec<(&'t str, String)>,
    /// `{{< /name >}}`.
    pub closing: bool,
    /// `{{< name />}}`.
    pub self_closing: bool,
    /// `%` rather than `<`: the inner text is Markdown.
    pub percent: bool,
    /// The text between the delimiters.
    pub inner: &'t str,
    /// The byte after the closing delimiter.
    pub end: usize,
}

impl Shortcode<'_> {
    /// A named argument, unless empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.named.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// A named argument, or else the positional one at `index`.
    pub fn arg(&self, name: &str, index: usize) -> Option<&str> {
        self.get(name).or_else(|| self.positional.get(index).map(String::as_str).filter(|v| !v.is_empty()))
    }

    /// The tag as written, with one space inside each delimiter, so that
    /// `{{<x>}}` cannot be read as an HTML tag `<x>` and vanish.
    pub fn as_written(&self) -> String {
        let (open, close) = if self.percent { ("{{%", "%}}") } else { ("{{<", ">}}") };
        format!("{open} {} {close}", self.inner.trim())
    }
}

/// The shortcode whose tag starts at `at`, if one does.
pub(super) fn parse(text: &str, at: usize) -> Option<Shortcode<'_>> {
    let rest = &text[at..];
    let percent = rest.starts_with("{{%");
    if !percent && !rest.starts_with("{{<") {
        return None;
    }
    let close = if percent { "%}}" } else { ">}}" };
    let start = at + 3;
    let bytes = text.as_bytes();
    let mut i = start;
    let end = loop {
        match bytes.get(i)? {
            b'"' => {
                i += 1;
                while *bytes.get(i)? != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'`' => i += text[i + 1..].find('`')? + 1,
            _ if bytes[i..].starts_with(close.as_bytes()) => break i,
            _ => {}
        }
        i += 1;
    };
    let inner = &text[start..end];
    let mut body = inner.trim();
    let closing = body.starts_with('/');
    body = body.trim_start_matches('/').trim_start();
    let self_closing = !closing && body.ends_with('/');
    body = body.trim_end_matches('/').trim_end();
    let args = tokens(body)?;
    let mut args = args.into_iter();
    let (name, None) = args.next()? else { return None };
    let name = name.as_bare()?;
    let mut positional = Vec::new();
    let mut named = Vec::new();
    for (token, value) in args {
        match (token, value) {
            (Token::Bare(key), Some(value)) => named.push((key, value.into_text())),
            (token, _) => positional.push(token.into_text()),
        }
    }
    Some(Shortcode { name, positional, named, closing, self_closing, percent, inner, end: end + close.len() })
}

#[derive(Debug)]
enum Token<'t> {
    Bare(&'t str),
    Quoted(String),
}

impl<'t> Token<'t> {
    fn as_bare(&self) -> Option<&'t str> {
        match self {
            Token::Bare(s) => Some(s),
            Token::Quoted(_) => None,
        }
    }

    fn into_text(self) -> String {
        match self {
            Token::Bare(s) => s.to_string(),
            Token::Quoted(s) => s,
        }
    }
}

/// The arguments: each a token and, for `key=value`, its value.
fn tokens(s: &str) -> Option<Vec<(Token<'_>, Option<Token<'_>>)>> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let (token, after) = token(rest)?;
        rest = after;
        if let (Token::Bare(_), Some(after_eq)) = (&token, rest.strip_prefix('=')) {
            let (value, after) = token_or_empty(after_eq)?;
            out.push((token, Some(value)));
            rest = after;
        } else {
            out.push((token, None));
        }
        rest = rest.trim_start();
    }
    Some(out)
}

fn token_or_empty(s: &str) -> Option<(Token<'_>, &str)> {
    if s.is_empty() || s.starts_with(char::is_whitespace) { Some((Token::Bare(""), s)) } else { token(s) }
}

fn token(s: &str) -> Option<(Token<'_>, &str)> {
    if let Some(quoted) = s.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Some((Token::Quoted(value), &quoted[i + 1..])),
                '\\' => value.push(chars.next()?.1),
                c => value.push(c),
            }
        }
        return None;
    }
    if let Some(raw) = s.strip_prefix('`') {
        let end = raw.find('`')?;
        return Some((Token::Quoted(raw[..end].to_string()), &raw[end + 1..]));
    }
    let end = s.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(s.len());
    (end > 0).then(|| (Token::Bare(&s[..end]), &s[end..]))
}

/// The closing tag of the shortcode `name` opened before `from`: where it starts and ends.
pub(super) fn closing_tag(text: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut pos = from;
    while let Some(found) = text[pos..].find("{{").map(|n| pos + n) {
        match parse(text, found) {
            Some(tag) if tag.name == name && tag.closing => {
                if depth == 0 {
                    return Some((found, tag.end));
                }
                depth -= 1;
                pos = tag.end;
            }
            Some(tag) => {
                depth += usize::from(tag.name == name && !tag.self_closing);
                pos = tag.end;
            }
            None => pos = found + 2,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_named_positional_quoted_and_raw() {
        let tag = parse(r#"{{< x a "b c" d="e \"f\"" g=`h "i"` j=k />}}"#, 0).unwrap();
        assert_eq!(tag.name, "x");
        assert_eq!(tag.positional, ["a", "b c"]);
        assert_eq!(tag.named, [("d", "e \"f\"".to_string()), ("g", "h \"i\"".to_string()), ("j", "k".to_string())]);
        assert!(tag.self_closing && !tag.closing && !tag.percent);
        let tag = parse("{{% /x %}}", 0).unwrap();
        assert!(tag.closing && tag.percent);
        assert_eq!(parse("{{< x \"unclosed >}}", 0), None);
        assert_eq!(parse("{{ x }}", 0), None);
        assert_eq!(parse(r#"{{< figure caption="a >}} b" >}}"#, 0).unwrap().get("caption"), Some("a >}} b"));
    }
}
