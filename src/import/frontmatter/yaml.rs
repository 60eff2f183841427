//! YAML front matter, built from the parser's events, which carry the
//! positions that yaml-rust2's own tree drops.

use std::collections::HashMap;
use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{Kind, Map, Value};
use crate::diagnostics::Diagnostic;

/// The YAML `block`, which starts at byte `base` of `text` (the whole of `file`).
pub(super) fn parse(file: &Path, text: &str, base: usize, block: &str) -> Result<Value, Diagnostic> {
    let (base_line, _) = crate::diagnostics::line_col(text, base);
    let mut builder = YamlBuilder { block, base, stack: Vec::new(), anchors: HashMap::new(), root: None };
    let mut parser = Parser::new_from_str(block);
    if let Err(e) = parser.load(&mut builder, false) {
        let mark = e.marker();
        let line = base_line + mark.line().saturating_sub(1);
        let block_line = block.split('\n').nth(mark.line().saturating_sub(1)).unwrap_or("");
        // The scanner may point just past the end of the line that is wrong.
        let column = (mark.col() + 1).min(block_line.trim_end().chars().count() + 1);
        return Err(Diagnostic::at(file, line, column, format!("YAML front matter: {}", e.info())));
    }
    Ok(builder.root.unwrap_or(Value { kind: Kind::Null, offset: base }))
}

/// Builds [`Value`]s from the YAML parser's events, which carry positions
/// that yaml-rust2's own tree drops.
struct YamlBuilder<'a> {
    block: &'a str,
    base: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
}

enum Frame {
    List { items: Vec<Value>, offset: usize, anchor: usize },
    Map { map: Map, key: Option<String>, offset: usize, anchor: usize },
}

impl YamlBuilder<'_> {
    /// The byte offset in the file of a marker's line and (character) column.
    fn offset(&self, mark: &Marker) -> usize {
        let mut line_start = 0;
        for _ in 1..mark.line() {
            match self.block[line_start..].find('\n') {
                Some(i) => line_start += i + 1,
                None => break,
            }
        }
        let line = &self.block[line_start..];
        let within = line.char_indices().nth(mark.col()).map_or(line.len(), |(i, _)| i);
        self.base + line_start + within
    }

    fn add(&mut self, value: Value, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::List { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                Some(k) => map.insert(&k, value),
                // A key that is a list or a table has no name a reader could ask for.
                None => *key = Some(value.scalar().unwrap_or_default()),
            },
        }
    }
}

impl MarkedEventReceiver for YamlBuilder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let offset = self.offset(&mark);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == TScalarStyle::Plain && tag.as_ref().is_none_or(|t| t.suffix != "str");
                let kind = if plain { yaml_scalar(text) } else { Kind::Text(text) };
                self.add(Value { kind, offset }, anchor);
            }
            Event::Alias(id) => {
                let value = self.anchors.get(&id).cloned().map_or(Value { kind: Kind::Null, offset }, |v| Value { offset, ..v });
                self.add(value, 0);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::List { items: Vec::new(), offset, anchor }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map { map: Map::default(), key: None, offset, anchor }),
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::List { items, offset, anchor }) => self.add(Value { kind: Kind::List(items), offset }, anchor),
                Some(Frame::Map { map, offset, anchor, .. }) => self.add(Value { kind: Kind::Map(map), offset }, anchor),
                None => {}
            },
            _ => {}
        }
    }
}

/// An unquoted YAML scalar as YAML 1.2's core schema reads it.
fn yaml_scalar(text: String) -> Kind {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        t => {
            if let Ok(n) = t.parse::<i64>() {
                Kind::Int(n)
            } else if t.bytes().any(|b| b.is_ascii_digit())
                && t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
                && let Ok(f) = t.parse::<f64>()
            {
                Kind::Float(f)
            } else {
                Kind::Text(text)
            }
        }
    }
}
