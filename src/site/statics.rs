//! The static files both trees get: the built-in theme's, then the site's
//! own `static/` over them, copied verbatim. Each stylesheet and script is
//! also written under a name holding a hash of its bytes
//! (`style.3f9a0c21d4.css`), which the templates link, so that a server may
//! let browsers keep it for a year: an edited file is a new name.

use std::collections::BTreeMap;
use std::path::Path;

use super::Site;
use crate::diagnostics::{Diagnostic, Result};
use crate::layout::STATIC_DIR;
use crate::output::Sink;
use crate::render::theme;

/// Whether a static file gets a fingerprinted copy.
fn fingerprinted(path: &str) -> bool {
    path.ends_with(".css") || path.ends_with(".js")
}

/// `path` with the first ten hex digits of the SHA-256 of `bytes` before its extension.
fn fingerprint_name(path: &str, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(bytes)[..5].iter().map(|b| format!("{b:02x}")).collect();
    match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') => format!("{}.{hash}{}", &path[..dot], &path[dot..]),
        _ => format!("{path}.{hash}"),
    }
}

/// Each stylesheet and script of the static files (the theme's, then the
/// site's over them), by name, to its fingerprinted name. A file that cannot
/// be read is left out here; writing the static files reports it.
pub(super) fn fingerprints(root: &Path) -> BTreeMap<String, String> {
    static_files(root, fingerprinted, false)
        .unwrap_or_default()
        .into_iter()
        .map(|(path, bytes)| {
            let name = fingerprint_name(&path, &bytes);
            (path, name)
        })
        .collect()
}

/// The built-in static files, then the site's `static/` over them: those
/// whose output path `keep` accepts.
/// With `strict`, a file that cannot be published is an error; without, it is passed over.
fn static_files(root: &Path, keep: impl Fn(&str) -> bool, strict: bool) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files: BTreeMap<String, Vec<u8>> = theme::STATIC.iter().filter(|(p, _)| keep(p)).map(|(p, b)| (p.to_string(), b.to_vec())).collect();
    let dir = root.join(STATIC_DIR);
    // A link may point anywhere; only files inside the site are published.
    let (paths, problems) = crate::layout::walk(root, STATIC_DIR);
    if let Some(first) = problems.into_iter().next().filter(|_| strict) {
        return Err(first.into());
    }
    for path in paths {
        let rel = path.strip_prefix(&dir).unwrap_or(&path);
        let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if !keep(&key) {
            continue;
        }
        let shown = Path::new(STATIC_DIR).join(rel);
        match std::fs::read(&path) {
            Ok(bytes) => {
                files.insert(key, bytes);
            }
            Err(e) if strict => return Err(Diagnostic::io(&shown, "read the file", &e).into()),
            Err(_) => {}
        }
    }
    Ok(files.into_iter().collect())
}

impl Site {
    /// The built-in static files, then the site's `static/` over them, and
    /// the fingerprinted copy of each stylesheet and script.
    pub fn static_files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut files = static_files(&self.setup.root, |_| true, true)?;
        // Named as the templates link them (`fingerprints`, read as the site was set up).
        let copies: Vec<(String, Vec<u8>)> = files
            .iter()
            .filter(|(p, _)| fingerprinted(p))
            .map(|(p, b)| (self.setup.assets.get(p).cloned().unwrap_or_else(|| fingerprint_name(p, b)), b.clone()))
            .collect();
        files.extend(copies);
        Ok(files)
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
