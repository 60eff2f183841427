//! Shortcodes rendered by templates: `templates/shortcodes/<name>.html`,
//! the site's own over the built-in one. The built-ins' arguments are
//! checked against a table here (so an override keeps them), and templates
//! are given what they cannot work out: a `src` image's size and widths,
//! `chart`'s drawing, `embed`'s player and the play link shown before it.

use tera::Context;

use super::Renderer;
use crate::images::{self, LocalImage};
use crate::markdown::{Arg, Failure, Invocation, Shortcodes};

/// What an argument must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Num,
}

/// One argument a built-in takes.
struct Param {
    key: &'static str,
    kind: Kind,
    required: bool,
    /// The values allowed (empty: any); the first is the default.
    choices: &'static [&'static str],
}

const fn req(key: &'static str) -> Param {
    Param { key, kind: Kind::Str, required: true, choices: &[] }
}

const fn opt(key: &'static str) -> Param {
    Param { key, kind: Kind::Str, required: false, choices: &[] }
}

/// A built-in shortcode: its arguments and whether it takes a body.
struct Builtin {
    name: &'static str,
    params: &'static [Param],
    body: bool,
}

const BUILTINS: &[Builtin] = &[
    Builtin { name: "pullquote", params: &[opt("cite")], body: true },
    Builtin {
        name: "callout",
        params: &[Param { key: "kind", kind: Kind::Str, required: false, choices: &["note", "warning", "finding"] }, opt("title")],
        body: true,
    },
    Builtin {
        name: "figure",
        params: &[
            req("src"),
            req("alt"),
            opt("caption"),
            opt("credit"),
            opt("source"),
            opt("data"),
            Param { key: "width", kind: Kind::Num, required: false, choices: &[] },
            Param { key: "height", kind: Kind::Num, required: false, choices: &[] },
        ],
        body: false,
    },
    Builtin {
        name: "embed",
        params: &[req("url"), req("title"), opt("player"), Param { key: "height", kind: Kind::Num, required: false, choices: &[] }],
        body: false,
    },
    Builtin {
        name: "chart",
        params: &[
            req("csv"),
            Param { key: "kind", kind: Kind::Str, required: false, choices: &["bar", "line"] },
            req("title"),
            req("x"),
            req("y"),
            Param { key: "height", kind: Kind::Num, required: false, choices: &[] },
        ],
        body: false,
    },
];

fn string_arg<'c>(call: &'c Invocation<'_>, key: &str) -> Option<(usize, &'c str)> {
    call.args.iter().enumerate().find(|(_, (k, _))| *k == key).and_then(|(i, (_, v))| match v {
        Arg::Str(s) => Some((i, s.as_str())),
        _ => None,
    })
}

/// Checks a built-in's arguments and body; fills in the optional ones left out.
fn check(builtin: &Builtin, call: &Invocation<'_>, context: &mut Context) -> Result<(), Failure> {
    let name = builtin.name;
    for (i, (key, value)) in call.args.iter().enumerate() {
        let Some(param) = builtin.params.iter().find(|p| p.key == *key) else {
            let known: Vec<&str> = builtin.params.iter().map(|p| p.key).collect();
            return Err(Failure { arg: Some(i), message: format!("the shortcode `{name}` takes no argument `{key}` (it takes {})", known.join(", ")) });
        };
        let fits = match (param.kind, value) {
            (Kind::Str, Arg::Str(s)) => param.choices.is_empty() || param.choices.contains(&s.as_str()),
            (Kind::Num, Arg::Int(_) | Arg::Float(_)) => true,
            _ => false,
        };
        if !fits {
            let wanted = match (param.kind, param.choices) {
                (Kind::Num, _) => "a number".to_string(),
                (Kind::Str, []) => "a string in quotes".to_string(),
                (Kind::Str, choices) => format!("one of {}", choices.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")),
            };
            let given = match value {
                Arg::Str(s) => format!("\"{s}\""),
                other => other.kind().to_string(),
            };
            return Err(Failure { arg: Some(i), message: format!("`{key}` of the shortcode `{name}` must be {wanted}, not {given}") });
        }
    }
    for param in builtin.params {
        if call.args.iter().any(|(k, _)| *k == param.key) {
            continue;
        }
        if param.required {
            return Err(Failure { arg: None, message: format!("the shortcode `{name}` needs the argument `{}`", param.key) });
        }
        match param.kind {
            Kind::Str => context.insert(param.key, param.choices.first().copied().unwrap_or("")),
            Kind::Num => context.insert(param.key, &false),
        }
    }
    match (builtin.body, call.body.is_some()) {
        (true, false) => {
            Err(Failure { arg: None, message: format!("the shortcode `{name}` needs a body: write `{{% {name}(...) %}}`, the text, then `{{% end %}}`") })
        }
        (false, true) => Err(Failure { arg: None, message: format!("the shortcode `{name}` takes no body: write it as `{{{{ {name}(...) }}}}`") }),
        _ => Ok(()),
    }
}

/// What a shortcode whose `src` is an image of the site is given: the
/// file's `width` and `height` where the call left them out (one given
/// keeps the other in proportion), its `srcset` (escaped) and `sizes`.
fn sized(call: &Invocation<'_>, image: &LocalImage, context: &mut Context) {
    let Some((w, h)) = image.size else { return };
    let given = |key: &str| {
        call.args.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v {
            Arg::Int(n) => Some(*n as f64),
            Arg::Float(f) => Some(*f),
            _ => None,
        })
    };
    let (width, height) = match (given("width"), given("height")) {
        (Some(_), Some(_)) => (None, None),
        (Some(gw), None) => (None, Some((gw * f64::from(h) / f64::from(w)).round() as i64)),
        (None, Some(gh)) => (Some((gh * f64::from(w) / f64::from(h)).round() as i64), None),
        (None, None) => (Some(i64::from(w)), Some(i64::from(h))),
    };
    if let Some(width) = width {
        context.insert("width", &width);
    }
    if let Some(height) = height {
        context.insert("height", &height);
    }
    if let Some(src) = string_arg(call, "src").map(|(_, s)| s)
        && let Some(set) = images::srcset(src, image)
    {
        context.insert("srcset", &set);
        context.insert("sizes", &images::sizes(w));
    }
}

/// A video or page to show in a frame: who serves it and where its player is.
#[derive(Debug, PartialEq, Eq)]
struct Embedded {
    /// The page's host, without `www.`.
    host: String,
    /// YouTube, Vimeo, or empty for another host.
    provider: &'static str,
    /// What the frame loads when the reader presses play.
    player: String,
}

/// Reads an embed's `url` (and `player`, which wins): YouTube and Vimeo
/// pages become their players (YouTube's without cookies), autoplaying, as
/// the reader has already pressed play; another host's page is framed as it is.
fn embedded(url: &str, player: Option<&str>) -> Result<Embedded, String> {
    let parsed = http_url(url).ok_or_else(|| format!("`url` of the shortcode `embed` must be an http or https address, not \"{url}\""))?;
    let host = parsed.host_str().unwrap_or_default().trim_start_matches("www.").to_string();
    let provider = match host.as_str() {
        "youtube.com" | "youtu.be" | "m.youtube.com" | "youtube-nocookie.com" => "YouTube",
        "vimeo.com" | "player.vimeo.com" => "Vimeo",
        _ => "",
    };
    let player = match player {
        Some(p) => {
            http_url(p).ok_or_else(|| format!("`player` of the shortcode `embed` must be an http or https address, not \"{p}\""))?;
            p.to_string()
        }
        None => match provider {
            "YouTube" => youtube_player(&parsed).ok_or_else(|| {
                format!("cannot tell which YouTube video \"{url}\" is: give the video's address (…/watch?v=ID or youtu.be/ID), or its player as `player`")
            })?,
            "Vimeo" => vimeo_player(&parsed)
                .ok_or_else(|| format!("cannot tell which Vimeo video \"{url}\" is: give the video's address (vimeo.com/NUMBER), or its player as `player`"))?,
            _ => url.to_string(),
        },
    };
    Ok(Embedded { host, provider, player })
}

fn http_url(s: &str) -> Option<url::Url> {
    url::Url::parse(s).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// A YouTube page's player: `watch?v=ID`, `youtu.be/ID`, `/embed/ID`,
/// `/shorts/ID` or `/live/ID`, with its start time (`t=90`, `t=1m30s`).
fn youtube_player(url: &url::Url) -> Option<String> {
    let query = |key: &str| url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let mut segments = url.path_segments()?.filter(|s| !s.is_empty());
    let id = if url.host_str()?.ends_with("youtu.be") {
        segments.next()?.to_string()
    } else {
        match segments.next()? {
            "watch" => query("v")?,
            "embed" | "shorts" | "live" | "v" => segments.next()?.to_string(),
            _ => return None,
        }
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let mut player = format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1");
    if let Some(start) = query("t").or_else(|| query("start")).and_then(|t| seconds(&t)) {
        player.push_str(&format!("&start={start}"));
    }
    Some(player)
}

/// `90`, `90s`, `1m30s`, `1h2m3s` in seconds.
fn seconds(t: &str) -> Option<u64> {
    if let Ok(n) = t.parse() {
        return Some(n);
    }
    let (mut total, mut number) = (0u64, String::new());
    for c in t.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' => {
                let n: u64 = number.parse().ok()?;
                total += n * match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                number.clear();
            }
            _ => return None,
        }
    }
    number.is_empty().then_some(total)
}

/// A Vimeo page's player: `vimeo.com/NUMBER` (and `/NUMBER/HASH` of an unlisted video).
fn vimeo_player(url: &url::Url) -> Option<String> {
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let (id, hash) = match segments.as_slice() {
        ["video", id, ..] => (*id, url.query_pairs().find(|(k, _)| k == "h").map(|(_, v)| v.into_owned())),
        [.., id, hash] if id.chars().all(|c| c.is_ascii_digit()) => (*id, Some(hash.to_string())),
        [.., id] => (*id, None),
        [] => return None,
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut player = format!("https://player.vimeo.com/video/{id}?autoplay=1");
    if let Some(hash) = hash.filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric())) {
        player.push_str(&format!("&h={hash}"));
    }
    Some(player)
}

/// The play link's style, inside the frame. A Content-Security-Policy
/// allows it by its hash ([`embed_style_hash`]), as the frame inherits the page's policy.
const FACADE_STYLE: &str = "html,body{height:100%;margin:0}\
     a{box-sizing:border-box;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:.4em;height:100%;padding:1em;\
     background:#1f2a36;color:#fff;font:600 1.05rem/1.35 system-ui,sans-serif;text-align:center;text-decoration:none}\
     a:hover span,a:focus-visible span{background:#c4302b}\
     a:focus-visible{outline:4px solid #ffd166;outline-offset:-8px}\
     span{display:grid;place-items:center;width:3.2em;height:3.2em;border-radius:50%;background:rgba(255,255,255,.18);font-size:1.4em}";

/// The CSP source that allows the play link's style: `sha256-…`.
pub fn embed_style_hash() -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(FACADE_STYLE.as_bytes())))
}

/// The document a frame shows until the reader presses play: one link, to
/// the player, filling the frame. It is written into the page (`srcdoc`),
/// so that nothing is requested from the video's host before the click.
fn facade(title: &str, player: &str, lang: &str) -> String {
    let mut html = String::with_capacity(900 + title.len() + player.len());
    html.push_str("<!DOCTYPE html><html lang=\"");
    html.push_str(&crate::text::xml_escape(lang));
    html.push_str("\"><meta charset=\"utf-8\"><title>");
    html.push_str(&crate::text::xml_escape(title));
    html.push_str("</title><style>");
    html.push_str(FACADE_STYLE);
    html.push_str("</style><a href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut html, player);
    html.push_str("\"><span aria-hidden=\"true\">▶</span>Play: ");
    html.push_str(&crate::text::xml_escape(title));
    html.push_str("</a>");
    html
}

/// The embed's frame: where it plays from, and what it shows until then.
fn embed(call: &Invocation<'_>, lang: &str, context: &mut Context) -> Result<(), Failure> {
    let (Some((i, url)), Some((_, title))) = (string_arg(call, "url"), string_arg(call, "title")) else { return Ok(()) };
    let player = string_arg(call, "player");
    let found = embedded(url, player.map(|(_, p)| p)).map_err(|message| {
        let arg = if message.starts_with("`player`") { player.map(|(j, _)| j) } else { Some(i) };
        Failure { arg, message }
    })?;
    let player_host = http_url(&found.player).and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_string())).unwrap_or_default();
    context.insert("facade", &facade(title, &found.player, lang));
    context.insert("host", &found.host);
    context.insert("provider", found.provider);
    context.insert("player", &found.player);
    context.insert("player_host", &player_host);
    Ok(())
}

impl Shortcodes for Renderer {
    fn render(&self, call: &Invocation<'_>) -> Result<String, Failure> {
        let template = format!("shortcodes/{}.html", call.name);
        if !self.has(&template) {
            let mut known: Vec<&str> = self.tera.get_template_names().filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html")).collect();
            known.sort_unstable();
            return Err(Failure {
                arg: None,
                message: format!(
                    "there is no shortcode `{}` (no templates/shortcodes/{}.html); the shortcodes are: {}",
                    call.name,
                    call.name,
                    known.join(", ")
                ),
            });
        }
        let mut context = Context::new();
        for (key, value) in &call.args {
            match value {
                Arg::Str(s) => context.insert(key.to_string(), s),
                Arg::Int(n) => context.insert(key.to_string(), n),
                Arg::Float(f) => context.insert(key.to_string(), f),
                Arg::Bool(b) => context.insert(key.to_string(), b),
            }
        }
        if let Some(builtin) = BUILTINS.iter().find(|b| b.name == call.name) {
            check(builtin, call, &mut context)?;
        }
        if let Some(body) = call.body {
            context.insert("body", body);
        }
        context.insert("lang", &self.language);
        if let Some(image) = call.image {
            sized(call, image, &mut context);
        }
        match call.name {
            "chart" => super::chart::prepare(&self.root, call, &mut context)?,
            "embed" => embed(call, &self.language, &mut context)?,
            _ => {}
        }
        self.render(&template, &context).map_err(|d| Failure { arg: None, message: format!("the shortcode `{}` could not be rendered: {d}", call.name) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run(name: &str, args: &[(&str, Arg)], body: Option<&str>) -> Result<String, Failure> {
        let renderer = Renderer::load(Path::new("/nonexistent-site-root")).expect("built-in templates");
        let call = Invocation { name, args: args.iter().map(|(k, v)| (*k, v)).collect(), body, source: Path::new("content/articles/a/index.md"), image: None };
        Shortcodes::render(&renderer, &call)
    }

    fn s(v: &str) -> Arg {
        Arg::Str(v.into())
    }

    #[test]
    fn an_unknown_shortcode_names_the_known_ones() {
        let e = run("pulquote", &[], None).unwrap_err();
        assert!(e.message.contains("callout, chart, embed, figure, pullquote"), "{}", e.message);
    }

    #[test]
    fn arguments_are_checked() {
        assert_eq!(run("figure", &[("src", s("a.png")), ("alt", s("A")), ("colour", s("red"))], None).unwrap_err().arg, Some(2));
        assert!(run("figure", &[("src", s("a.png"))], None).unwrap_err().message.contains("needs the argument `alt`"));
        assert!(run("figure", &[("src", Arg::Int(3)), ("alt", s(""))], None).unwrap_err().message.contains("must be a string"));
        assert!(run("callout", &[("kind", s("tip"))], Some("<p>x</p>")).unwrap_err().message.contains("\"note\", \"warning\", \"finding\""));
        assert!(run("pullquote", &[], None).unwrap_err().message.contains("needs a body"));
    }

    #[test]
    fn built_ins_render() {
        let q = run("pullquote", &[("cite", s("A <b>"))], Some("<p>Said.</p>")).unwrap();
        assert!(q.contains("<aside class=\"pull-quote\">") && q.contains("<p>Said.</p>") && q.contains("A &lt;b&gt;"), "{q}");
        let c = run("callout", &[("title", s("Mind"))], Some("<p>x</p>")).unwrap();
        assert!(c.contains("callout-note") && c.contains("Mind"), "{c}");
        let f = run("figure", &[("src", s("a.png")), ("alt", s("A map")), ("caption", s("Cap")), ("data", s("a.csv"))], None).unwrap();
        assert!(f.contains("<img src=\"a.png\" alt=\"A map\"") && f.contains("<figcaption>") && f.contains("href=\"a.csv\""), "{f}");
    }

    /// The attribute's value, unescaped as a browser reads it.
    fn attribute(html: &str, name: &str) -> String {
        let start = html.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3).expect("attribute");
        let value = &html[start..start + html[start..].find('"').expect("closing quote")];
        value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'").replace("&#x2F;", "/").replace("&amp;", "&")
    }

    #[test]
    fn an_embed_frames_a_play_link_written_into_the_page_and_loads_the_player_only_from_it() {
        let e = run("embed", &[("url", s("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s")), ("title", s("Talk <live>"))], None).unwrap();
        // The frame has no src: nothing is fetched until the link inside it is followed.
        assert!(e.contains("<iframe srcdoc=") && !e.contains(" src="), "{e}");
        assert!(e.contains("title=\"Talk &lt;live&gt;\""), "{e}");
        let doc = attribute(&e, "srcdoc");
        assert!(doc.starts_with("<!DOCTYPE html><html lang=\"en\">"), "{doc}");
        assert!(doc.contains("<a href=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;start=90\">"), "{doc}");
        assert!(doc.contains("Play: Talk &lt;live&gt;</a>"), "the title is escaped inside the frame too: {doc}");
        assert!(!doc.contains("<script") && !doc.contains("src="), "{doc}");
        // The caption links the page itself, for print and for readers who prefer it.
        assert!(e.contains("<a href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=1m30s\">"), "{e}");
        assert!(e.contains("YouTube, on youtube.com; pressing play loads it from youtube-nocookie.com"), "{e}");
    }

    #[test]
    fn players_are_found_for_each_way_of_writing_a_video_address() {
        let player = |u: &str| embedded(u, None).map(|e| e.player);
        assert_eq!(player("https://youtu.be/abc_DEF-12?t=42").unwrap(), "https://www.youtube-nocookie.com/embed/abc_DEF-12?autoplay=1&start=42");
        assert_eq!(player("https://www.youtube.com/shorts/XYZ").unwrap(), "https://www.youtube-nocookie.com/embed/XYZ?autoplay=1");
        assert_eq!(player("https://m.youtube.com/embed/XYZ").unwrap(), "https://www.youtube-nocookie.com/embed/XYZ?autoplay=1");
        assert_eq!(player("https://vimeo.com/76979871").unwrap(), "https://player.vimeo.com/video/76979871?autoplay=1");
        assert_eq!(player("https://vimeo.com/76979871/8a2b3c").unwrap(), "https://player.vimeo.com/video/76979871?autoplay=1&h=8a2b3c");
        assert_eq!(player("https://player.vimeo.com/video/123?h=ab").unwrap(), "https://player.vimeo.com/video/123?autoplay=1&h=ab");
        // Another host's page is framed as it is, unless a player is named.
        assert_eq!(player("https://datawrapper.dwcdn.net/a1B2c/3/").unwrap(), "https://datawrapper.dwcdn.net/a1B2c/3/");
        assert_eq!(embedded("https://example.org/map", Some("https://maps.example.org/embed/1")).unwrap().player, "https://maps.example.org/embed/1");
        // What cannot be read is refused, never framed as something else.
        assert!(player("https://www.youtube.com/@channel").unwrap_err().contains("which YouTube video"));
        assert!(player("https://www.youtube.com/watch?v=<x>").is_err());
        assert!(player("https://vimeo.com/channels/staffpicks").unwrap_err().contains("which Vimeo video"));
        assert!(player("javascript:alert(1)").unwrap_err().contains("http or https"));
        assert!(embedded("https://example.org/", Some("ftp://x/")).unwrap_err().starts_with("`player`"));
        assert_eq!(seconds("1h2m3s"), Some(3723));
        assert_eq!(seconds("2x"), None);
    }

    #[test]
    fn an_embed_with_a_height_frames_a_page_at_that_height() {
        let e = run("embed", &[("url", s("https://datawrapper.dwcdn.net/a1B2c/3/")), ("title", s("Map")), ("height", Arg::Int(420))], None).unwrap();
        assert!(e.contains(" height=\"420\""), "{e}");
        assert!(attribute(&e, "srcdoc").contains("href=\"https://datawrapper.dwcdn.net/a1B2c/3/\""), "{e}");
        let bad = run("embed", &[("url", s("https://youtube.com/feed")), ("title", s("T"))], None).unwrap_err();
        assert_eq!(bad.arg, Some(0), "{}", bad.message);
    }

    #[test]
    fn a_figure_of_a_site_image_gets_its_size_and_widths() {
        let renderer = Renderer::load(Path::new("/nonexistent-site-root")).expect("built-in templates");
        let image = LocalImage { file: "content/articles/a/map one.png".into(), size: Some((1600, 900)), widths: vec![480, 960, 1440] };
        let render = |args: &[(&str, Arg)]| {
            let call = Invocation {
                name: "figure",
                args: args.iter().map(|(k, v)| (*k, v)).collect(),
                body: None,
                source: Path::new("content/articles/a/index.md"),
                image: Some(&image),
            };
            Shortcodes::render(&renderer, &call).unwrap()
        };
        let f = render(&[("src", s("map one.png")), ("alt", s("A map"))]);
        assert!(f.contains("width=\"1600\" height=\"900\""), "{f}");
        assert!(f.contains("srcset=\"map%20one-480.webp 480w, map%20one-960.webp 960w, map%20one-1440.webp 1440w, map%20one.png 1600w\""), "{f}");
        assert!(f.contains("sizes=\"(max-width: 640px) 100vw, 640px\""), "{f}");
        // A width given keeps the height in proportion; both given are kept.
        let f = render(&[("src", s("map one.png")), ("alt", s("A map")), ("width", Arg::Int(800))]);
        assert!(f.contains("width=\"800\" height=\"450\""), "{f}");
        let f = render(&[("src", s("map one.png")), ("alt", s("A map")), ("width", Arg::Int(10)), ("height", Arg::Int(20))]);
        assert!(f.contains("width=\"10\" height=\"20\""), "{f}");
    }
}
