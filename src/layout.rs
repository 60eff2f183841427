//! The site's input folders on disk, and the one way every part of lede
//! (the build, the preview, the watcher) reads them: which files count
//! (regular files; hidden names and editors' temporary files never), and
//! which links are followed (those whose target stays inside the site;
//! any other is refused with the link's path), and what kind of file a
//! path under `content/` is. Also where the output may go: never inside
//! a folder the build reads.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Result};
use crate::text::edit_distance;

/// The settings file at the site root.
pub const CONFIG_FILE: &str = "config.toml";

/// The folder holding the Markdown.
pub const CONTENT_DIR: &str = "content";

/// The folder of the site's own templates (over the built-in theme's).
pub const TEMPLATES_DIR: &str = "templates";

/// The folder of files copied verbatim into both trees.
pub const STATIC_DIR: &str = "static";

/// The site's folders that a build reads. An output inside one (or the
/// staging and spare folders beside it) would be read back as input: inside
/// `static/`, the members tree would be copied into the public one.
const INPUT_DIRS: [&str; 3] = [CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR];

/// The most a settings file or a template may hold: more is a mistake (or
/// a link to a device that never ends), not a site.
pub const MAX_SETTINGS_BYTES: u64 = 4 * 1024 * 1024;

/// Whether a file or folder name is hidden, or an editor's temporary,
/// backup or swap file: never read as input, never watched.
pub fn is_ignored_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let swap =
        lower.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && (ext == "swpx" || ext == "kate-swp" || (ext.len() == 3 && ext.starts_with("sw"))));
    name.starts_with('.')
        || name.ends_with('~')
        || name == "4913"
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || swap
}

/// What a file under `content/` is, decided from its path alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentKind {
    /// `content/articles/**/*.md`.
    Article,
    /// `content/authors/**/*.md`: an author's bio.
    Bio,
    /// Any other Markdown file: a plain page.
    Page,
    /// A Markdown file in a folder whose name is a misspelling of a known
    /// one (`content/article/`): refused, as its articles would otherwise
    /// be published whole as plain pages, never cut.
    MisspeltFolder {
        /// The folder as written.
        folder: String,
        /// The known folder it is a misspelling of.
        known: &'static str,
    },
    /// Not Markdown: never read as content, and refused by a build (see
    /// `not_markdown`) so that no file is skipped in silence.
    NotContent,
}

/// Why a file under `content/` that is not Markdown cannot be published,
/// and what to do with it instead.
pub fn not_markdown(under_content: &Path) -> String {
    let ext = under_content.extension().map(|x| x.to_string_lossy().to_lowercase()).unwrap_or_default();
    let what = match ext.as_str() {
        "html" | "htm" => {
            "an HTML file: lede publishes Markdown (.md or .markdown); convert it (`lede import hugo` converts a folder of them) or put a finished page in static/"
        }
        "" => "a file without an extension: articles and pages are Markdown (.md or .markdown); rename it, or move it to static/ if readers should download it",
        _ => {
            "not Markdown, and not beside an index.md, so nothing would publish it: make its article a folder (content/articles/<slug>/index.md with its files beside it), or put it in static/ (linked as /…); articles and pages are .md or .markdown"
        }
    };
    format!("{}/{} is {what}", CONTENT_DIR, under_content.display())
}

/// The folders under `content/` that lede gives a meaning to.
const KNOWN_FOLDERS: &[&str] = &["articles", "authors"];

/// What kind of file `under_content` (a path relative to `content/`) is.
pub fn content_kind(under_content: &Path) -> ContentKind {
    if under_content.extension().is_none_or(|x| x != "md" && x != "markdown") {
        return ContentKind::NotContent;
    }
    let first = under_content.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    let nested = under_content.components().count() > 1;
    match (first.as_str(), nested) {
        ("articles", true) => ContentKind::Article,
        ("authors", true) => ContentKind::Bio,
        (folder, true) if let Some(known) = misspelled_folder(folder) => ContentKind::MisspeltFolder { folder: folder.to_string(), known },
        _ => ContentKind::Page,
    }
}

/// The known folder that `name` is a misspelling of (`article`, `Articles`,
/// `author`), if it is one.
fn misspelled_folder(name: &str) -> Option<&'static str> {
    if KNOWN_FOLDERS.contains(&name) {
        return None;
    }
    let lower = name.to_lowercase();
    KNOWN_FOLDERS.iter().copied().find(|known| lower == *known || (lower.len() >= 5 && edit_distance(&lower, known) <= 2))
}

/// `path` relative to `root`, for messages.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

/// The site root as the file system resolves it, to compare link targets with.
fn real_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Checks that `path` (below `root`), once every link on the way is
/// followed, is still inside the site and is a regular file.
pub fn check_input_file(root: &Path, path: &Path) -> Result<()> {
    let rel = relative(root, path);
    let real = path.canonicalize().map_err(|e| Diagnostic::io(&rel, "read the file", &e))?;
    if !real.starts_with(real_root(root)) {
        return Err(
            Diagnostic::file(rel, format!("links to {} outside the site; lede reads only files inside it (copy the file in instead)", real.display())).into()
        );
    }
    if !real.is_file() {
        return Err(Diagnostic::file(rel, "is not a regular file").into());
    }
    Ok(())
}

/// Every input file below `root/dir` (absolute paths, sorted by their
/// bytes so that every run sees one order), with the problems met on the
/// way: links leading out of the site, folders that cannot be read. Hidden
/// and temporary names are skipped, with everything below them.
pub fn walk(root: &Path, dir: &str) -> (Vec<PathBuf>, Diagnostics) {
    let top = root.join(dir);
    let mut files = Vec::new();
    let mut problems = Diagnostics::new();
    if !top.exists() {
        return (files, problems);
    }
    let site = real_root(root);
    let mut outside = Vec::new();
    let walker = walkdir::WalkDir::new(&top).follow_links(true).into_iter().filter_entry(|e| {
        if e.depth() > 0 && is_ignored_name(&e.file_name().to_string_lossy()) {
            return false;
        }
        if e.path_is_symlink() {
            let inside = e.path().canonicalize().is_ok_and(|t| t.starts_with(&site));
            if !inside {
                outside.push(e.path().to_path_buf());
                return false;
            }
        }
        true
    });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(|p| relative(root, p)).unwrap_or_else(|| PathBuf::from(dir));
                let why = if e.loop_ancestor().is_some() { "a link that leads back into a folder above it".to_string() } else { e.to_string() };
                problems.push(Diagnostic::file(path, format!("could not read: {why}")));
            }
        }
    }
    outside.sort();
    for link in outside {
        let rel = relative(root, &link);
        let message = match link.canonicalize() {
            Ok(target) => format!("links to {} outside the site; lede follows only links that stay inside it (copy the files in instead)", target.display()),
            Err(e) => format!("is a link lede cannot follow: {e}"),
        };
        problems.push(Diagnostic::file(rel, message));
    }
    // Sorting each folder as it is walked compared paths component by
    // component, on one core while the other waited: 2% of the work of a
    // 10,000-article build.
    files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    (files, problems)
}

/// Reads a settings file or a template: a regular file of at most
/// [`MAX_SETTINGS_BYTES`], never a device or a pipe.
pub fn read_small(path: &Path, shown: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::io(shown, "read the file", &e))?;
    if !meta.is_file() {
        return Err(Diagnostic::file(shown, "is not a regular file").into());
    }
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_SETTINGS_BYTES) as usize);
    let file = std::fs::File::open(path).map_err(|e| Diagnostic::io(shown, "read the file", &e))?;
    // The size may change between the look and the read: read one byte past the limit to know.
    file.take(MAX_SETTINGS_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Diagnostic::io(shown, "read the file", &e))?;
    if bytes.len() as u64 > MAX_SETTINGS_BYTES {
        return Err(Diagnostic::file(shown, format!("is larger than {} MiB; is it the right file?", MAX_SETTINGS_BYTES / 1024 / 1024)).into());
    }
    Ok(bytes)
}

/// A path made absolute and free of `.` and `..`, with links resolved as far
/// as it exists (the output and its parent may not exist yet).
fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()) };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => out.push(other.as_os_str()),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Refuses an output folder that holds the site, or that lies (with the
/// staging and spare folders made beside it) inside a folder the build
/// reads. Problems name the output as `shown` (as the user wrote it).
pub fn check_output_place(root: &Path, out: &Path, shown: &Path) -> Result<()> {
    let root = resolved(root);
    let out = resolved(out);
    if root.starts_with(&out) {
        return Err(Diagnostic::file(shown, "the output folder contains the site itself; choose another --out").into());
    }
    // Staging and spare folders sit beside the output, so its parent counts too.
    let beside = out.parent().unwrap_or(&out);
    for dir in INPUT_DIRS {
        let input = root.join(dir);
        if out.starts_with(&input) || beside.starts_with(&input) {
            return Err(Diagnostic::file(
                shown,
                format!(
                    "the output folder (or the staging folder beside it) would be inside the site's {dir}/, which the build reads: the members tree could be published with it; choose an --out outside {dir}/"
                ),
            )
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_content_folders_are_recognised_and_others_are_not() {
        for (name, known) in [
            ("article", "articles"),
            ("Articles", "articles"),
            ("artciles", "articles"),
            ("author", "authors"),
            ("Authors", "authors"),
            ("ARTICLE", "articles"),
        ] {
            assert_eq!(misspelled_folder(name), Some(known), "{name}");
        }
        for name in ["articles", "authors", "legal", "about", "arts", "authority", "news"] {
            assert_eq!(misspelled_folder(name), None, "{name}");
        }
    }

    #[test]
    fn content_files_are_told_apart_by_their_folder() {
        assert_eq!(content_kind(Path::new("articles/x.md")), ContentKind::Article);
        assert_eq!(content_kind(Path::new("articles/2025/x.md")), ContentKind::Article);
        assert_eq!(content_kind(Path::new("authors/ada.md")), ContentKind::Bio);
        assert_eq!(content_kind(Path::new("about.md")), ContentKind::Page);
        assert_eq!(content_kind(Path::new("articles.md")), ContentKind::Page);
        assert_eq!(content_kind(Path::new("legal/terms.md")), ContentKind::Page);
        assert_eq!(content_kind(Path::new("Article/x.md")), ContentKind::MisspeltFolder { folder: "Article".into(), known: "articles" });
        assert_eq!(content_kind(Path::new("articles/photo.png")), ContentKind::NotContent);
        assert_eq!(content_kind(Path::new("articles/old.markdown")), ContentKind::Article);
        assert_eq!(content_kind(Path::new("articles/old.html")), ContentKind::NotContent);
        assert!(not_markdown(Path::new("articles/old.html")).contains("convert it"));
    }

    #[test]
    fn hidden_and_temporary_names_are_ignored() {
        for name in [
            ".a.md.swp",
            "a.md.swp",
            "a.md.swx",
            "a.swo",
            "a.md~",
            "4913",
            ".#a.md",
            "#a.md#",
            ".hidden.md",
            ".hidden",
            "a.md___jb_tmp___",
            "x.kate-swp",
            ".goutputstream-ABC",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "swap.md", "#tag.md", "index.html", "sw.css", "style.css", "4914", "a.sw", "photo.swf-not", "#hashtag.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_site_are_followed_and_others_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("content/articles")).unwrap();
        std::fs::create_dir_all(root.join("drafts-kept-elsewhere")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("drafts-kept-elsewhere/in.md"), "x").unwrap();
        std::fs::write(outside.join("out.md"), "x").unwrap();
        std::fs::write(root.join("content/articles/.hidden.md"), "x").unwrap();
        std::fs::write(root.join("content/articles/plain.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("drafts-kept-elsewhere"), root.join("content/articles/linked")).unwrap();
        std::os::unix::fs::symlink(outside.join("out.md"), root.join("content/articles/escape.md")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("content/zero.md")).unwrap();
        let (files, problems) = walk(&root, "content");
        let rel: Vec<PathBuf> = files.iter().map(|f| relative(&root, f)).collect();
        assert_eq!(rel, [PathBuf::from("content/articles/linked/in.md"), PathBuf::from("content/articles/plain.md")]);
        let named: Vec<String> = problems.iter().map(|p| p.file.display().to_string()).collect();
        assert_eq!(named, ["content/articles/escape.md", "content/zero.md"], "{problems:?}");
        assert!(check_input_file(&root, &root.join("content/articles/escape.md")).is_err());
        assert!(check_input_file(&root, &root.join("content/articles/linked/in.md")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn settings_are_read_from_regular_files_of_a_sane_size() {
        let tmp = tempfile::tempdir().unwrap();
        let shown = Path::new("config.toml");
        assert!(read_small(Path::new("/dev/zero"), shown).unwrap_err()[0].message.contains("not a regular file"));
        let big = tmp.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; MAX_SETTINGS_BYTES as usize + 1]).unwrap();
        assert!(read_small(&big, shown).unwrap_err()[0].message.contains("larger than"));
        let ok = tmp.path().join("ok.toml");
        std::fs::write(&ok, "title = \"x\"").unwrap();
        assert_eq!(read_small(&ok, shown).unwrap(), b"title = \"x\"");
    }
}
