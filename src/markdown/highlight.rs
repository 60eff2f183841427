//! Fenced code highlighted at build time: a block whose language is known
//! becomes flat `<span class="hl-…">` runs that the theme colours in light
//! and dark mode; no script, no inline style.
//!
//! Why syntect, with two-face's grammars, on fancy-regex (no onig):
//! - tree-sitter-highlight, arborium, inkjet, autumnus: finer parses, but a C
//!   parser compiled per language (minutes on two cores); inkjet pins
//!   tree-sitter 0.23, autumnus is deprecated for lumis.
//! - giallo (VS Code's grammars, zola's): C oniguruma, and EUPL-1.2.
//! - syntect: pure Rust, maintained since 2016 (bat uses it); ten small crates
//!   and 1 MB of bat's grammars (Sublime's plus TOML, TypeScript, …); its
//!   scope names map to a dozen classes below. The cost: 100 to 250 KB of
//!   code a second on one core, and about 35 ms to load the grammars once,
//!   on the first block that needs them: a site without code pays nothing.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

/// Blocks longer than this are left plain: highlighting runs at 100 to
/// 250 KB a second on one core (a minified line is the slowest), so this
/// bounds a block at about half a second, and a listing that long is data
/// rather than something to read.
const MAX_CODE: usize = 64 * 1024;

/// The grammars, read on first use.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// What a scope is shown as: a class, or plain text (and no scope further
/// out is asked).
#[derive(Debug, Clone, Copy)]
enum Rule {
    Class(&'static str),
    Plain,
}

/// Scope prefixes and their classes, the more specific first. The first
/// rule whose prefix matches the innermost scope decides; a scope no rule
/// names passes the question outwards (a string's quotes are string).
const RULES: &[(&str, Rule)] = &[
    ("comment", Rule::Class("hl-comment")),
    ("string", Rule::Class("hl-string")),
    ("markup.raw", Rule::Class("hl-string")),
    ("constant.numeric", Rule::Class("hl-number")),
    ("constant.character.escape", Rule::Class("hl-constant")),
    ("constant", Rule::Class("hl-constant")),
    ("support.constant", Rule::Class("hl-constant")),
    ("variable.other.constant", Rule::Class("hl-constant")),
    ("variable.language", Rule::Class("hl-keyword")),
    ("keyword.operator.word", Rule::Class("hl-keyword")),
    ("keyword.operator", Rule::Plain),
    ("keyword", Rule::Class("hl-keyword")),
    // Python's `f` of `f"…"`.
    ("storage.type.string", Rule::Class("hl-string")),
    // `fn`, `let`, `int`, `class`, `pub`: keywords, as most themes show them.
    ("storage", Rule::Class("hl-keyword")),
    ("entity.name.function", Rule::Class("hl-function")),
    ("variable.function", Rule::Class("hl-function")),
    ("support.function", Rule::Class("hl-function")),
    ("support.macro", Rule::Class("hl-function")),
    ("entity.name.tag", Rule::Class("hl-tag")),
    ("entity.name.section", Rule::Class("hl-heading")),
    ("markup.heading", Rule::Class("hl-heading")),
    ("entity.name", Rule::Class("hl-type")),
    ("entity.other.inherited-class", Rule::Class("hl-type")),
    ("entity.other.attribute-name", Rule::Class("hl-attribute")),
    ("support.type.property-name", Rule::Class("hl-attribute")),
    ("support.type", Rule::Class("hl-type")),
    ("support.class", Rule::Class("hl-type")),
    ("variable.parameter", Rule::Class("hl-variable")),
    ("markup.inserted", Rule::Class("hl-inserted")),
    ("markup.deleted", Rule::Class("hl-deleted")),
    ("meta.diff.range", Rule::Class("hl-meta")),
    ("meta.diff.header", Rule::Class("hl-meta")),
    ("markup.bold", Rule::Class("hl-strong")),
    ("markup.italic", Rule::Class("hl-emphasis")),
    ("markup.underline.link", Rule::Class("hl-string")),
    ("markup.quote", Rule::Class("hl-comment")),
];

/// Where an embedded language begins (`source.css.embedded.html`, a fenced
/// block inside Markdown): its tokens are never coloured by what holds it.
const BOUNDARIES: &[&str] = &["source", "text", "meta.embedded"];

/// [`RULES`] and [`BOUNDARIES`] as syntect's scopes, made once.
struct Rules {
    rules: Vec<(Scope, Rule)>,
    boundaries: Vec<Scope>,
}

fn rules() -> &'static Rules {
    static COMPILED: OnceLock<Rules> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let scope = |s: &str| Scope::new(s).expect("a valid scope");
        Rules { rules: RULES.iter().map(|&(s, r)| (scope(s), r)).collect(), boundaries: BOUNDARIES.iter().copied().map(scope).collect() }
    })
}

/// The class of a token whose scopes are `stack` (outermost first).
fn class_of(stack: &[Scope]) -> Option<&'static str> {
    let rules = rules();
    for &scope in stack.iter().rev() {
        if let Some((_, rule)) = rules.rules.iter().find(|(prefix, _)| prefix.is_prefix_of(scope)) {
            return match rule {
                Rule::Class(c) => Some(c),
                Rule::Plain => None,
            };
        }
        if rules.boundaries.iter().any(|b| b.is_prefix_of(scope)) {
            return None;
        }
    }
    None
}

/// The grammar for a fenced block's language (`rust`, `py`, `sh`, …), when
/// one is known; plain text has none.
pub(super) fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    if lang.is_empty() || lang.len() > 32 {
        return None;
    }
    let lang = match lang.to_ascii_lowercase().as_str() {
        "shell" | "zsh" | "shell-script" => "sh".to_string(),
        "c++" => "cpp".to_string(),
        "golang" => "go".to_string(),
        "patch" => "diff".to_string(),
        "text" | "txt" | "plain" | "plaintext" | "none" => return None,
        other => other.to_string(),
    };
    let syntax = syntaxes().find_syntax_by_token(&lang)?;
    (syntax.scope.build_string() != "text.plain").then_some(syntax)
}

/// Appends `text` to `out`, escaped as pulldown-cmark escapes the text of a
/// code block (`&`, `<`, `>`), so that a highlighted block reads as the
/// plain one with spans around its words.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Flat runs of one class: a run goes on over whitespace between two
/// tokens of its class, and never starts or ends with whitespace (a
/// comment's span ends before its line break).
struct Runs<'o> {
    out: &'o mut String,
    /// The class of the open span, if one is open.
    open: Option<&'static str>,
    /// Whitespace met while a span was open, not yet written.
    space: String,
}

/// Whitespace that may sit between runs.
const SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

impl Runs<'_> {
    fn push(&mut self, class: Option<&'static str>, text: &str) {
        let body = text.trim_end_matches(SPACE);
        let tail = &text[body.len()..];
        if !body.is_empty() {
            if class == self.open {
                self.out.push_str(&self.space);
                self.space.clear();
                push_escaped(self.out, body);
            } else {
                self.close();
                let word = body.trim_start_matches(SPACE);
                self.out.push_str(&body[..body.len() - word.len()]);
                if let Some(c) = class {
                    self.out.push_str("<span class=\"");
                    self.out.push_str(c);
                    self.out.push_str("\">");
                    self.open = class;
                }
                push_escaped(self.out, word);
            }
        }
        if self.open.is_some() {
            // Held back until the next token tells whether the run goes on over it.
            self.space.push_str(tail);
        } else {
            self.out.push_str(tail);
        }
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.out.push_str("</span>");
        }
        self.out.push_str(&self.space);
        self.space.clear();
    }
}

/// `code` as escaped HTML with its tokens in `<span class="hl-…">`, or
/// `None` when the grammar fails on it (the block is then shown plain).
pub(super) fn highlight(syntax: &SyntaxReference, code: &str) -> Option<String> {
    if code.len() > MAX_CODE {
        return None;
    }
    let set = syntaxes();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = String::with_capacity(code.len() * 2 + 64);
    let mut runs = Runs { out: &mut out, open: None, space: String::new() };
    for line in code.split_inclusive('\n') {
        let ops = state.parse_line(line, set).ok()?;
        let mut at = 0;
        let mut class = class_of(stack.as_slice());
        for (pos, op) in ops {
            // A grammar may report a position inside a character (it counts bytes): never cut one.
            let pos = pos.min(line.len());
            if pos > at && line.is_char_boundary(pos) {
                runs.push(class, &line[at..pos]);
                at = pos;
            }
            stack.apply(&op).ok()?;
            class = class_of(stack.as_slice());
        }
        runs.push(class, &line[at..]);
    }
    runs.close();
    Some(out)
}
