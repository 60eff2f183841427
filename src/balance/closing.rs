//! The closing text: first whatever the tokenizer stands inside at the end of the input (a tag, attribute
//! value, comment, doctype or CDATA section), then the elements left open, the formatting elements that would
//! come back and the form element pointer.

use html5gum::Error;

use super::formatting::Entry;
use super::modes::Mode;
use super::scan::{Current, Scan};
use super::tree::Tree;
use super::{Closers, Unclosable};

impl Scan<'_> {
    /// Closes what the end of the input falls inside, then everything the tree left open.
    pub(super) fn finish(mut self) -> Result<Closers, Unclosable> {
        if let Some(fail) = self.tree.fail.take() {
            return Err(fail);
        }
        let mut text = String::new();
        let mut first_open: Option<usize> = None;
        let len = self.input.len();
        let mut dangling_lt = false;
        match self.eof_error {
            Some(Error::EofBeforeTagName) if self.input.ends_with(b"</") => {
                // `</` followed by anything but a letter would turn the next `>` into a bogus comment; `</>` is ignored.
                text.push('>');
                note(&mut first_open, len - 2);
            }
            Some(Error::EofBeforeTagName) => {
                // A lone `<` is text, but the tokenizer still waits to see if a tag name follows.
                dangling_lt = true;
                note(&mut first_open, len.saturating_sub(1));
            }
            Some(Error::EofInComment) => {
                // `-->` ends a comment from every comment state, dashes and `--!` included.
                text.push_str("-->");
                note(&mut first_open, self.token_start);
            }
            Some(Error::EofInDoctype) => {
                // In every doctype state, quoted identifiers included, `>` emits the doctype.
                text.push('>');
                note(&mut first_open, self.token_start);
            }
            Some(Error::EofInCdata) => {
                text.push_str("]]>");
                note(&mut first_open, self.token_start);
            }
            Some(Error::EofInTag) if matches!(self.current, Current::StartTag | Current::EndTag) => {
                let quote = self.in_value();
                let self_closing = quote.is_none() && self.input.ends_with(b"/");
                match quote {
                    Some(b'"') => text.push_str("\">"),
                    Some(b'\'') => text.push_str("'>"),
                    _ => text.push('>'),
                }
                note(&mut first_open, self.token_start);
                if self_closing {
                    self.self_closing = true;
                }
                let _ = self.emit_tag();
                if let Some(fail) = self.tree.fail.take() {
                    return Err(fail);
                }
            }
            _ => {
                if let Some(start) = self.trailing_comment
                    && !self.input.ends_with(b">")
                {
                    // A bogus comment (`<?`, `<!x`, `<![CDATA[` outside SVG and MathML) or bogus doctype ends at
                    // the first `>`.
                    text.push('>');
                    note(&mut first_open, start);
                }
            }
        }
        let script_escaped = self.eof_error == Some(Error::EofInScriptHtmlCommentLikeText);
        let before = text.len();
        if let Some(at) = self.tree.close_all(&mut text, script_escaped)? {
            note(&mut first_open, at);
        }
        if dangling_lt && text.len() == before {
            // Nothing else follows to show the tokenizer that the `<` was text: an empty comment does, unseen.
            text.push_str("<!---->");
        }
        Ok(Closers { text, first_open, stray_end_tags: self.stray })
    }
}

impl Tree {
    /// Appends the end tags that close everything the fragment left open and returns the earliest offset closed.
    fn close_all(&mut self, out: &mut String, script_escaped: bool) -> Result<Option<usize>, Unclosable> {
        let mut first: Option<usize> = None;
        if self.mode == Mode::Text
            && let Some(node) = self.current()
        {
            if script_escaped {
                // `-->` leaves the script's escaped and double-escaped states, where `</script>` may not end it.
                out.push_str("-->");
            }
            let name = node.name.clone();
            note(&mut first, node.offset);
            push_end_tag(out, &name);
            self.end_tag(&name);
        }
        while let Some(node) = self.current() {
            if node.page {
                break;
            }
            let (name, id, offset, form) = (node.name.clone(), node.id, node.offset, node.is("form"));
            note(&mut first, offset);
            loop {
                push_end_tag(out, &name);
                let listed = self.active.len();
                self.end_tag(&name);
                // An end tag of a formatting element first takes the last entry of that name off the list: when
                // that entry's element was closed earlier, it takes another end tag to close this one.
                if !self.is_open(id) || self.active.len() >= listed {
                    break;
                }
            }
            if self.is_open(id) {
                let what = if form {
                    "a <form> whose </form> came while it was out of scope (in a <select>, a table or a button): \
                     the browser keeps it open and ignores any later </form>"
                        .to_owned()
                } else {
                    format!("a <{name}> that its own end tag no longer closes")
                };
                return Err(Unclosable { offset, what });
            }
        }
        // Formatting elements closed by another element's end tag would be reopened around the next text
        // (the paywall ellipsis): their end tags take them off the list.
        while let Some(i) = self.active.iter().rposition(|e| matches!(e, Entry::Element { .. })) {
            if self.active[i..].iter().any(|e| matches!(e, Entry::Marker)) {
                break;
            }
            let Some(Entry::Element { name, offset, .. }) = self.active.get(i) else { break };
            let (name, offset) = (name.clone(), *offset);
            note(&mut first, offset);
            push_end_tag(out, &name);
            let before = self.active.len();
            self.end_tag(&name);
            if self.active.len() >= before {
                self.active.remove(i);
            }
        }
        // A form pointer left set would make the browser ignore the subscribe form.
        if let Some((_, offset)) = self.form {
            note(&mut first, offset);
            push_end_tag(out, "form");
            self.end_tag("form");
            self.form = None;
        }
        Ok(first)
    }
}

/// Widens `first` to take in `at`.
fn note(first: &mut Option<usize>, at: usize) {
    *first = Some(first.map_or(at, |f| f.min(at)));
}

fn push_end_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}
