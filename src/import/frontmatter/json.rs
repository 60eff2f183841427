//! A JSON object at the top of a content file: where it ends, and its
//! values with the offsets serde_json does not keep.

use std::collections::HashMap;
use std::path::Path;

use super::{Document, Kind, Map, Notation, Value, parse_block};
use crate::diagnostics::Diagnostic;

/// A JSON object at the top of a file, and the body after it.
pub(super) fn read<'a>(file: &Path, text: &'a str, start: usize) -> Result<Document<'a>, Diagnostic> {
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(_)) => {
            let end = start + stream.byte_offset();
            let front = parse_block(file, text, start, &text[start..end], Notation::Json)?;
            // The line that closes the object is not part of the body.
            let after = &text[end..];
            let skip = after.find('\n').filter(|&i| after[..i].trim().is_empty()).map_or(0, |i| i + 1);
            Ok(Document { notation: Some(Notation::Json), front, body: &text[end + skip..], body_offset: end + skip })
        }
        Some(Err(e)) => Err(json_error(file, text, start, &e)),
        None => Ok(Document { notation: None, front: Map::default(), body: &text[start..], body_offset: start }),
    }
}

fn json_error(file: &Path, text: &str, base: usize, e: &serde_json::Error) -> Diagnostic {
    let (base_line, base_col) = crate::diagnostics::line_col(text, base);
    let line = base_line + e.line().saturating_sub(1);
    let column = if e.line() <= 1 { base_col + e.column().saturating_sub(1) } else { e.column().max(1) };
    let message = e.to_string();
    // serde_json ends its message with "at line L column C", which the location already says.
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    Diagnostic::at(file, line, column, format!("JSON front matter: {message}"))
}

/// The JSON object `block`, which starts at byte `base` of `text` (the whole of `file`).
pub(super) fn parse(file: &Path, text: &str, base: usize, block: &str) -> Result<Value, Diagnostic> {
    let json: serde_json::Value = serde_json::from_str(block).map_err(|e| json_error(file, text, base, &e))?;
    let offsets = json_key_offsets(block);
    Ok(from_json(&json, base, &|key| offsets.get(key).map(|&o| base + o)))
}

/// Byte offsets of the values of a JSON object's top-level keys, by key:
/// serde_json keeps no positions, and a reader wants to point at a bad date.
fn json_key_offsets(block: &str) -> HashMap<String, usize> {
    let bytes = block.as_bytes();
    let mut offsets = HashMap::new();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut last_string: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                last_string = Some((start, i.min(bytes.len())));
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b':' if depth == 1 => {
                if let Some((s, e)) = last_string.take()
                    && let Ok(key) = serde_json::from_str::<String>(&block[s..=e.min(block.len() - 1)])
                {
                    let value_at = i + 1 + block[i + 1..].len() - block[i + 1..].trim_start().len();
                    offsets.entry(key.to_ascii_lowercase()).or_insert(value_at);
                }
            }
            _ => {}
        }
        i += 1;
    }
    offsets
}

fn from_json(json: &serde_json::Value, offset: usize, key_offset: &dyn Fn(&str) -> Option<usize>) -> Value {
    let kind = match json {
        serde_json::Value::Null => Kind::Null,
        serde_json::Value::Bool(b) => Kind::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Kind::Int(i),
            None => Kind::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Kind::Text(s.clone()),
        serde_json::Value::Array(items) => Kind::List(items.iter().map(|v| from_json(v, offset, &|_| None)).collect()),
        serde_json::Value::Object(object) => {
            let mut map = Map::default();
            let mut entries: Vec<(&String, &serde_json::Value, usize)> =
                object.iter().map(|(k, v)| (k, v, key_offset(&k.to_ascii_lowercase()).unwrap_or(offset))).collect();
            entries.sort_by_key(|e| e.2);
            for (k, v, at) in entries {
                map.insert(k, from_json(v, at, &|_| None));
            }
            Kind::Map(map)
        }
    };
    Value { kind, offset }
}
