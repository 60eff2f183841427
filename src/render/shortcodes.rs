//! Shortcodes rendered by templates: `templates/shortcodes/<name>.html`,
//! the site's own over the built-in one. The built-ins' arguments are
//! checked against a table here (so an override keeps them), and `chart`
//! and `embed` are given what a template cannot work out (the drawing, the
//! video's host).

use tera::Context;

use super::Renderer;
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
    Builtin { name: "embed", params: &[req("url"), req("title")], body: false },
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

/// The host of an embedded video and who it is, for the link's wording.
fn provider(url: &str) -> Option<(String, &'static str)> {
    let parsed = url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let host = parsed.host_str()?.trim_start_matches("www.").to_string();
    let who = match host.as_str() {
        "youtube.com" | "youtu.be" | "m.youtube.com" | "youtube-nocookie.com" => "YouTube",
        "vimeo.com" | "player.vimeo.com" => "Vimeo",
        _ => "",
    };
    Some((host, who))
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
        match call.name {
            "chart" => super::chart::prepare(&self.root, call, &mut context)?,
            "embed" => {
                let Some((i, url)) = string_arg(call, "url") else { return Ok(String::new()) };
                let Some((host, who)) = provider(url) else {
                    return Err(Failure { arg: Some(i), message: format!("`url` of the shortcode `embed` must be an http or https address, not \"{url}\"") });
                };
                context.insert("host", &host);
                context.insert("provider", who);
            }
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
        let call = Invocation { name, args: args.iter().map(|(k, v)| (*k, v)).collect(), body, source: Path::new("content/articles/a/index.md") };
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
        let e = run("embed", &[("url", s("https://www.youtube.com/watch?v=x")), ("title", s("Talk"))], None).unwrap();
        assert!(e.contains("href=\"https://www.youtube.com/watch?v=x\"") && e.contains("YouTube") && !e.contains("iframe"), "{e}");
    }
}
