//! Templates: the Tera instance (built-in theme, then the site's own
//! `templates/` over it), compiled once per build, and the functions that
//! turn views into HTML with template errors located in their files.

mod chart;
pub mod feeds;
mod shortcodes;
pub use shortcodes::embed_style_hash;
pub mod theme;
pub mod views;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::layout::TEMPLATES_DIR;

/// Compiled templates and where each came from.
pub struct Renderer {
    tera: Tera,
    /// Template name to the file it was read from (site templates only).
    sources: BTreeMap<String, PathBuf>,
    /// The site folder: shortcodes read the files beside an article.
    root: PathBuf,
    /// The site's language, given to shortcode templates as `lang`.
    language: String,
}

impl Renderer {
    /// Loads the built-in theme and, over it, every `.html`/`.xml`/`.txt` under `root/templates`.
    pub fn load(root: &Path) -> Result<Renderer> {
        let mut sources = BTreeMap::new();
        let mut texts: BTreeMap<String, String> = theme::TEMPLATES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        let dir = root.join(TEMPLATES_DIR);
        let (files, mut problems) = crate::layout::walk(root, TEMPLATES_DIR);
        for path in files {
            if !path.extension().is_some_and(|x| x == "html" || x == "xml" || x == "txt") {
                continue;
            }
            let rel = path.strip_prefix(&dir).unwrap_or(&path);
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let file = Path::new(TEMPLATES_DIR).join(rel);
            match crate::layout::read_small(&path, &file).and_then(|bytes| {
                String::from_utf8(bytes).map_err(|e| Diagnostic::file(&file, format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())).into())
            }) {
                Ok(text) => {
                    texts.insert(name.clone(), text);
                    sources.insert(name, file);
                }
                Err(d) => problems.append(d),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut renderer = Renderer { tera: Tera::new(), sources, root: root.to_path_buf(), language: "en".into() };
        renderer.tera.autoescape_on([".html", ".xml"]);
        if let Err(e) = renderer.tera.add_raw_templates(texts.iter()) {
            // Tera stops at the first error; check each template alone to name them all.
            let mut problems = Diagnostics::from(renderer.diagnostic(&e));
            for (name, text) in &texts {
                let mut single = Tera::new();
                if let Err(e) = single.add_raw_template(name, text)
                    && matches!(e.kind(), ErrorKind::SyntaxError(_))
                {
                    problems.push(renderer.diagnostic(&e));
                }
            }
            problems.0.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            problems.0.dedup();
            return Err(problems);
        }
        Ok(renderer)
    }

    /// Sets the language shortcode templates are given (config's `language`).
    pub fn set_language(&mut self, language: &str) {
        language.clone_into(&mut self.language);
    }

    /// Whether a template of that name exists (built in or the site's).
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &str, context: &Context) -> Result<String> {
        Ok(self.tera.render(template, context).map_err(|e| self.diagnostic(&e))?)
    }

    /// Renders a page to bytes for a file, in a buffer of `capacity` to
    /// start with: the page goes to disk as it is, so it is neither grown
    /// step by step nor checked again as UTF-8 (Tera writes only `str`s).
    pub fn render_page(&self, template: &str, context: &Context, capacity: usize) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(capacity);
        self.tera.render_to(template, context, &mut out).map_err(|e| self.diagnostic(&e))?;
        Ok(out)
    }

    /// Where a template lives, as a user would look for it.
    fn file_of(&self, name: &str) -> PathBuf {
        match self.sources.get(name) {
            Some(p) => p.clone(),
            None if name.is_empty() => PathBuf::from(TEMPLATES_DIR),
            None => PathBuf::from(format!("(built-in theme) templates/{name}")),
        }
    }

    /// A Tera error as a diagnostic naming the template file, line and column.
    fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        let mut message = match e.kind() {
            ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
                let span = r.span();
                let mut d = Diagnostic::at(self.file_of(r.filename()), span.start_line, span.start_col + 1, r.message());
                if let Some(source) = std::error::Error::source(e) {
                    d.message = format!("{}: {source}", d.message);
                }
                return d;
            }
            ErrorKind::MissingParent { current, parent } => {
                return Diagnostic::file(self.file_of(current), format!("extends {parent:?}, which does not exist"));
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain } => {
                return Diagnostic::file(self.file_of(tpl), format!("circular extends: {}", inheritance_chain.join(" -> ")));
            }
            ErrorKind::TemplateNotFound(name) => format!("template {name:?} not found"),
            other => other.to_string(),
        };
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        Diagnostic::file(TEMPLATES_DIR, message)
    }
}
