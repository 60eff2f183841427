//! Request paths → what to serve. This is the one place a URL becomes a
//! key in the built tree; it refuses every form of escape (`..`, encoded
//! dots and slashes, backslashes, NUL bytes) before any lookup happens.

use percent_encoding::percent_decode_str;

use crate::target::Target;
use crate::urls;

/// The prefix under which the preview serves the members tree.
pub const MEMBERS_PREFIX: &str = "/_members";

/// The prefix reserved for the preview's own endpoints.
pub const INTERNAL_PREFIX: &str = "/_lede";

/// The live-reload event stream.
pub const EVENTS_PATH: &str = "/_lede/events";

/// What a request path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The live-reload event stream.
    Events,
    /// A file of one tree.
    File(Lookup),
    /// A path that can never name a file of the site (traversal, bad encoding).
    Bad,
    /// A well-formed path that names nothing.
    NotFound(Target),
}

/// A file to look up in one tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Which tree.
    pub target: Target,
    /// The key in the tree (`articles/x/index.html`).
    pub key: String,
    /// The key to try when `key` is missing and the URL lacks its trailing
    /// slash (`articles/x` → `articles/x/index.html`): then we redirect.
    pub folder_index: Option<String>,
}

/// Parses the path part of a request target (no query) into a route.
pub fn route(raw: &str) -> Route {
    let Some(rest) = raw.strip_prefix('/') else {
        return Route::Bad;
    };
    let Some(segments) = decode_segments(rest) else {
        return Route::Bad;
    };
    if raw == EVENTS_PATH {
        return Route::Events;
    }
    let (target, segments) = match segments.split_first() {
        Some((first, rest)) if first == "_members" => (Target::Members, rest),
        Some((first, _)) if first == "_lede" => return Route::NotFound(Target::Public),
        _ => (Target::Public, &segments[..]),
    };
    // An empty middle segment (`a//b`) names nothing we write.
    let (last, dirs) = match segments.split_last() {
        Some((last, dirs)) => (last.as_str(), dirs),
        None => ("", &[][..]),
    };
    if dirs.iter().any(String::is_empty) {
        return Route::NotFound(target);
    }
    let mut base = dirs.join("/");
    if !base.is_empty() {
        base.push('/');
    }
    if last.is_empty() {
        // `/`, `/_members/` or `/articles/x/`: the folder's index.
        // `/_members` without its slash has no segments at all: redirect it.
        let folder_index = (target == Target::Members && segments.is_empty()).then(|| urls::INDEX.to_string());
        if folder_index.is_some() {
            return Route::File(Lookup { target, key: String::new(), folder_index });
        }
        return Route::File(Lookup { target, key: urls::index_of(&base), folder_index: None });
    }
    let key = format!("{base}{last}");
    let folder_index = Some(format!("{key}/{}", urls::INDEX));
    Route::File(Lookup { target, key, folder_index })
}

/// Splits on `/` and percent-decodes each segment, refusing any segment
/// that could step outside the tree once decoded.
fn decode_segments(rest: &str) -> Option<Vec<String>> {
    rest.split('/')
        .map(|seg| {
            let decoded = percent_decode_str(seg).decode_utf8().ok()?;
            let bad = decoded == "." || decoded == ".." || decoded.chars().any(|c| c == '/' || c == '\\' || c.is_control());
            (!bad).then(|| decoded.into_owned())
        })
        .collect()
}

/// The request path as it may be echoed in a link, a `Location` or a page:
/// one `/` at the start and between segments, and `\\`, `?`, `#` and
/// anything but visible ASCII percent-encoded. Browsers read a path that
/// starts with `//` or `/\\` as the name of another host, so a path sent
/// as `/_members//evil.example/x` must never come back as is.
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 1);
    out.push('/');
    for c in raw.chars() {
        match c {
            '/' if out.ends_with('/') => {}
            '/' => out.push('/'),
            '!'..='~' if !matches!(c, '\\' | '?' | '#') => out.push(c),
            _ => {
                let mut utf8 = [0u8; 4];
                for byte in c.encode_utf8(&mut utf8).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    out
}

/// The URL of the same page in each tree (for the view switch), built
/// from the [`normalize`]d path so that neither can leave the site.
pub fn counterpart(raw: &str, target: Target) -> (String, String) {
    let path = normalize(raw);
    match target {
        Target::Public => {
            let members = format!("{MEMBERS_PREFIX}{path}");
            (path, members)
        }
        Target::Members => {
            let public = path.strip_prefix(MEMBERS_PREFIX).filter(|p| p.starts_with('/')).unwrap_or("/").to_string();
            (public, path)
        }
    }
}

/// The `Content-Type` for a file, by its extension.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        // Feeds are shown in the browser, not downloaded, while previewing.
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(target: Target, key: &str, folder: Option<&str>) -> Route {
        Route::File(Lookup { target, key: key.into(), folder_index: folder.map(Into::into) })
    }

    #[test]
    fn pretty_urls_map_to_index_files() {
        assert_eq!(route("/"), file(Target::Public, "index.html", None));
        assert_eq!(route("/articles/x/"), file(Target::Public, "articles/x/index.html", None));
        assert_eq!(route("/articles/x"), file(Target::Public, "articles/x", Some("articles/x/index.html")));
        assert_eq!(route("/style.css"), file(Target::Public, "style.css", Some("style.css/index.html")));
        assert_eq!(route("/a%20b.png"), file(Target::Public, "a b.png", Some("a b.png/index.html")));
    }

    #[test]
    fn members_tree_sits_under_its_prefix() {
        assert_eq!(route("/_members/"), file(Target::Members, "index.html", None));
        assert_eq!(route("/_members"), file(Target::Members, "", Some("index.html")));
        assert_eq!(route("/_members/articles/x/"), file(Target::Members, "articles/x/index.html", None));
        assert_eq!(route(EVENTS_PATH), Route::Events);
        assert_eq!(route("/_lede/other"), Route::NotFound(Target::Public));
    }

    #[test]
    fn every_traversal_form_is_refused() {
        for raw in [
            "/../config.toml",
            "/%2e%2e/config.toml",
            "/%2E%2E/config.toml",
            "/..%2fconfig.toml",
            "/%2e%2e%2fconfig.toml",
            "/..\\config.toml",
            "/..%5cconfig.toml",
            "/static/%00",
            "/a/%2e/b",
            "/_members/../config.toml",
            "/_members/%2e%2e/%2e%2e/etc/passwd",
            "/x%2f..%2f..%2fetc%2fpasswd",
            "/%ff",
            "relative",
            "",
        ] {
            assert_eq!(route(raw), Route::Bad, "{raw}");
        }
    }

    #[test]
    fn empty_middle_segments_name_nothing() {
        assert_eq!(route("/a//b"), Route::NotFound(Target::Public));
        assert_eq!(route("//"), Route::NotFound(Target::Public));
    }

    #[test]
    fn counterpart_switches_trees() {
        assert_eq!(counterpart("/articles/x/", Target::Public), ("/articles/x/".into(), "/_members/articles/x/".into()));
        assert_eq!(counterpart("/_members/articles/x/", Target::Members), ("/articles/x/".into(), "/_members/articles/x/".into()));
        assert_eq!(counterpart("/_members/", Target::Members).0, "/");
    }

    /// Whether a link to `href` stays on this site: a path that starts
    /// with `//` or `/\\` is read by browsers as another host.
    fn stays_on_site(href: &str) -> bool {
        href.starts_with('/') && !href[1..].starts_with(['/', '\\'])
    }

    #[test]
    fn switch_links_from_unnormalised_paths_stay_on_the_site() {
        use Target::{Members, Public};
        for (raw, target, public, members) in [
            ("//x", Public, "/x", "/_members/x"),
            ("//evil.example/x", Public, "/evil.example/x", "/_members/evil.example/x"),
            ("///evil.example//x//", Public, "/evil.example/x/", "/_members/evil.example/x/"),
            ("/_members//x", Members, "/x", "/_members/x"),
            ("/_members//evil.example/x", Members, "/evil.example/x", "/_members/evil.example/x"),
            ("/_members///x/", Members, "/x/", "/_members/x/"),
            ("/_members//", Members, "/", "/_members/"),
            ("/_members", Members, "/", "/_members"),
            ("/%2F%2Fx", Public, "/%2F%2Fx", "/_members/%2F%2Fx"),
            ("/_members/%2F%2Fx", Members, "/%2F%2Fx", "/_members/%2F%2Fx"),
            ("/\\x", Public, "/%5Cx", "/_members/%5Cx"),
            ("/\\\\evil.example/x", Public, "/%5C%5Cevil.example/x", "/_members/%5C%5Cevil.example/x"),
            ("//\\evil.example", Public, "/%5Cevil.example", "/_members/%5Cevil.example"),
            ("/_members/\\evil.example", Members, "/%5Cevil.example", "/_members/%5Cevil.example"),
            ("/_members//\\evil.example", Members, "/%5Cevil.example", "/_members/%5Cevil.example"),
            ("/a b\t\u{e9}", Public, "/a%20b%09%C3%A9", "/_members/a%20b%09%C3%A9"),
            ("///", Public, "/", "/_members/"),
            ("", Public, "/", "/_members/"),
            ("x", Public, "/x", "/_members/x"),
        ] {
            assert_eq!(counterpart(raw, target), (public.to_string(), members.to_string()), "{raw:?}");
        }
    }

    #[test]
    fn no_path_makes_a_link_or_location_to_another_host() {
        // Every path of up to four of these pieces, in both trees.
        let pieces = ["/", "\\", "//", "_members", "evil.example", "%2F", "%5C", ".", " ", "?"];
        let mut paths = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = paths.iter().flat_map(|p| pieces.iter().map(move |x| format!("{p}{x}"))).collect();
            paths.extend(longer);
        }
        for raw in &paths {
            let normal = normalize(raw);
            assert!(stays_on_site(&normal), "{raw:?} → {normal:?}");
            assert!(stays_on_site(&format!("{normal}/")) || normal == "/", "{raw:?} → {normal:?}/");
            for target in [Target::Public, Target::Members] {
                let (public, members) = counterpart(raw, target);
                assert!(stays_on_site(&public) && stays_on_site(&members), "{raw:?} in {target:?} → {public:?}, {members:?}");
            }
        }
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("articles/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("feeds/atom.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("fonts/a.woff2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
