//! The static files both trees get: the built-in theme's, then the site's
//! own `static/` over them, copied verbatim.

use std::collections::BTreeMap;
use std::path::Path;

use super::Site;
use crate::diagnostics::{Diagnostic, Result};
use crate::layout::STATIC_DIR;
use crate::output::Sink;
use crate::render::theme;

impl Site {
    /// The built-in static files, then the site's `static/` over them.
    pub fn static_files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let root = &self.setup.root;
        let mut files: BTreeMap<String, Vec<u8>> = theme::STATIC.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
        let dir = root.join(STATIC_DIR);
        // A link may point anywhere; only files inside the site are published.
        let (paths, problems) = crate::layout::walk(root, STATIC_DIR);
        if let Some(first) = problems.into_iter().next() {
            return Err(first.into());
        }
        for path in paths {
            let rel = path.strip_prefix(&dir).unwrap_or(&path);
            let shown = Path::new(STATIC_DIR).join(rel);
            let bytes = std::fs::read(&path).map_err(|e| Diagnostic::io(&shown, "read the file", &e))?;
            let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            files.insert(key, bytes);
        }
        Ok(files.into_iter().collect())
    }

    /// Copies the static files into both trees; returns the number of files written.
    pub(super) fn write_statics(&self, sink: &dyn Sink) -> Result<usize> {
        let files = self.static_files()?;
        for (path, bytes) in &files {
            sink.write_both(path, bytes)?;
        }
        Ok(files.len() * 2)
    }
}
