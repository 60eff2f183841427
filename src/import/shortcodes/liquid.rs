//! Jekyll's Liquid in a body: `{% tag args %}` and `{{ output }}`, with
//! `{%- -%}` trimming. Jekyll renders Liquid before Markdown, so authors
//! wrap code that shows Liquid in `{% raw %}`: inside code, those wrappers
//! are all that is removed.

use std::borrow::Cow;

use super::{Context, Dialect, Notes, Reference, code_block, convert, push_block};
use crate::import::report::Topic;

/// Converts the Liquid of a Jekyll body; see the module comment of `shortcodes`.
pub fn liquid(body: &str, cx: &mut Context<'_>) -> String {
    let mut liquid = Liquid { cx, notes: Notes::default() };
    let out = convert(body, &mut liquid);
    let Liquid { cx, notes } = liquid;
    notes.flush(cx.origin, cx.report);
    out
}

struct Liquid<'c, 'a> {
    cx: &'c mut Context<'a>,
    notes: Notes,
}

/// One `{% … %}` tag.
#[derive(Debug, PartialEq)]
struct Tag<'t> {
    name: &'t str,
    args: &'t str,
    end: usize,
}

/// The `{% … %}` tag at `at`, if one is there.
fn tag_at(text: &str, at: usize) -> Option<Tag<'_>> {
    text[at..].strip_prefix("{%")?;
    let inner_start = at + 2;
    let inner_len = text[inner_start..].find("%}")?;
    let inner = trim_dashes(&text[inner_start..inner_start + inner_len]);
    let name_len = inner.find(char::is_whitespace).unwrap_or(inner.len());
    if name_len == 0 {
        return None;
    }
    Some(Tag { name: &inner[..name_len], args: inner[name_len..].trim(), end: inner_start + inner_len + 2 })
}

fn trim_dashes(inner: &str) -> &str {
    inner.trim().trim_start_matches('-').trim_end_matches('-').trim()
}

/// Where the tag `name` (an end tag) next starts and ends, from `from`.
fn next_tag(text: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let mut pos = from;
    while let Some(found) = text[pos..].find("{%").map(|n| pos + n) {
        match tag_at(text, found) {
            Some(tag) if tag.name == name => return Some((found, tag.end)),
            _ => pos = found + 2,
        }
    }
    None
}

impl Dialect for Liquid<'_, '_> {
    fn tag(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
        if text[at..].starts_with("{{") {
            return self.output(text, at, out);
        }
        let tag = tag_at(text, at)?;
        let written = &text[at..tag.end];
        match tag.name {
            "raw" => {
                let (inner_end, end) = next_tag(text, tag.end, "endraw")?;
                out.push_str(&text[tag.end..inner_end]);
                Some(end)
            }
            "comment" => next_tag(text, tag.end, "endcomment").map(|(_, end)| end),
            "highlight" => {
                let Some((inner_end, end)) = next_tag(text, tag.end, "endhighlight") else {
                    return Some(self.keep(written, tag.name, out, tag.end));
                };
                let lang = tag.args.split_whitespace().next().unwrap_or("");
                let code = strip_raw(&text[tag.end..inner_end]);
                let taken = push_block(out, &code_block(&code, lang, self.cx.html), &text[end..]);
                Some(end + taken)
            }
            "post_url" | "link" if !tag.args.is_empty() => {
                let target = tag.args.trim_matches(|c| c == '"' || c == '\'');
                let reference = if tag.name == "link" { Reference::Link(target) } else { Reference::PostUrl(target) };
                match (self.cx.resolve)(reference) {
                    Some(url) => out.push_str(&url),
                    None => {
                        self.notes.add(Topic::DeadLink, format!("`{written}`: no imported item is at this path; the tag is kept as written"));
                        out.push_str(written);
                    }
                }
                Some(tag.end)
            }
            _ => Some(self.keep(written, tag.name, out, tag.end)),
        }
    }

    fn code<'t>(&self, code: &'t str) -> Cow<'t, str> {
        strip_raw(code)
    }
}

impl Liquid<'_, '_> {
    fn keep(&mut self, written: &str, name: &str, out: &mut String, end: usize) -> usize {
        let why = match name {
            "include" | "include_relative" | "render" => "it pulled in a piece of the old theme",
            _ => "lede has no equivalent",
        };
        self.notes.add(Topic::Shortcode, format!("Liquid tag `{name}` kept as written: {why}; edit it by hand"));
        out.push_str(written);
        end
    }

    /// `{{ … }}`: the site's own address becomes nothing (links become
    /// root-relative), a quoted path through `relative_url` becomes the
    /// path; anything else is kept with a note.
    fn output(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
        let end = at + 2 + text[at + 2..].find("}}")? + 2;
        let inner = trim_dashes(&text[at + 2..end - 2]);
        let mut parts = inner.split('|').map(str::trim);
        let value = parts.next().unwrap_or("");
        let filters_are_addresses = parts.all(|f| {
            let f: String = f.split_whitespace().collect::<Vec<_>>().join(" ");
            matches!(f.as_str(), "relative_url" | "absolute_url" | "prepend: site.baseurl" | "prepend: site.url" | "prepend:site.baseurl" | "prepend:site.url")
        });
        let quoted = value.len() >= 2 && (value.starts_with('"') && value.ends_with('"') || value.starts_with('\'') && value.ends_with('\''));
        match value {
            "site.baseurl" | "site.url" | "site.github.url" if filters_are_addresses => {}
            _ if quoted && filters_are_addresses => out.push_str(&value[1..value.len() - 1]),
            _ => {
                self.notes.add(Topic::Shortcode, format!("Liquid output `{{{{ {inner} }}}}` kept as written: lede has no equivalent; edit it by hand"));
                out.push_str(&text[at..end]);
            }
        }
        Some(end)
    }
}

/// `code` without its `{% raw %}` and `{% endraw %}` wrappers.
fn strip_raw(code: &str) -> Cow<'_, str> {
    if !code.contains("{%") {
        return Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len());
    let mut pos = 0;
    while let Some(found) = code[pos..].find("{%").map(|n| pos + n) {
        match tag_at(code, found) {
            Some(tag) if tag.name == "raw" || tag.name == "endraw" => {
                out.push_str(&code[pos..found]);
                pos = tag.end;
            }
            _ => {
                out.push_str(&code[pos..found + 2]);
                pos = found + 2;
            }
        }
    }
    out.push_str(&code[pos..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::report::Report;

    fn run(body: &str) -> (String, Report) {
        let mut report = Report::default();
        let resolve = |r: Reference<'_>| match r {
            Reference::PostUrl("2010-07-21-name") | Reference::Link("_posts/2010-07-21-name.md") => Some("/articles/name/".to_string()),
            _ => None,
        };
        let out = liquid(body, &mut Context { origin: "_posts/x.md", html: false, resolve: &resolve, report: &mut report });
        (out, report)
    }

    fn notes(report: &Report) -> Vec<(Topic, &str)> {
        report.entries.iter().map(|e| (e.topic, e.text.as_str())).collect()
    }

    #[test]
    fn tags_parse_with_trimming_dashes() {
        assert_eq!(tag_at("{%- highlight ruby linenos -%}", 0), Some(Tag { name: "highlight", args: "ruby linenos", end: 30 }));
        assert_eq!(tag_at("{% %}", 0), None);
        assert_eq!(tag_at("{% never closed", 0), None);
    }

    #[test]
    fn highlight_becomes_a_fenced_block() {
        let (out, report) = run("Ruby:\n{% highlight ruby linenos %}\ndef foo\n  puts '{{ x }}'\nend\n{% endhighlight %}\nDone\n");
        assert_eq!(out, "Ruby:\n\n```ruby\ndef foo\n  puts '{{ x }}'\nend\n```\n\nDone\n");
        assert!(report.entries.is_empty());
    }

    #[test]
    fn post_url_and_link_become_new_urls() {
        let (out, report) = run("[a]({% post_url 2010-07-21-name %}) [b]({{ site.baseurl }}{% link _posts/2010-07-21-name.md %}) [c]({% post_url gone %})");
        assert_eq!(out, "[a](/articles/name/) [b](/articles/name/) [c]({% post_url gone %})");
        assert_eq!(notes(&report), [(Topic::DeadLink, "`{% post_url gone %}`: no imported item is at this path; the tag is kept as written")]);
    }

    #[test]
    fn site_addresses_vanish_and_literal_paths_stay() {
        let (out, report) =
            run("![x]({{ site.url }}{{ site.baseurl }}/img/a.png) ![y]({{ \"/img/b.png\" | relative_url }}) ![z]({{ '/c.png' | prepend: site.baseurl }})");
        assert_eq!(out, "![x](/img/a.png) ![y](/img/b.png) ![z](/c.png)");
        assert!(report.entries.is_empty());
    }

    #[test]
    fn raw_is_unwrapped_and_comments_dropped() {
        let (out, _) = run("{% raw %}{{ page.title }} {% if x %}{% endraw %} {% comment %}secret{% endcomment %}end");
        assert_eq!(out, "{{ page.title }} {% if x %} end");
        let (out, _) = run("```liquid\n{% raw %}{{ x }}{% endraw %}\n{% include y %}\n```\n`{% raw %}{{ z }}{% endraw %}`");
        assert_eq!(out, "```liquid\n{{ x }}\n{% include y %}\n```\n`{{ z }}`");
    }

    #[test]
    fn other_tags_and_outputs_stay_visible_with_notes() {
        let (out, report) = run("{% include note.html text=\"hi\" %}\n{{ page.title }}\n{% assign a = 1 %}{% include x.html %}");
        assert_eq!(out, "{% include note.html text=\"hi\" %}\n{{ page.title }}\n{% assign a = 1 %}{% include x.html %}");
        assert_eq!(
            notes(&report),
            [
                (Topic::Shortcode, "Liquid output `{{ page.title }}` kept as written: lede has no equivalent; edit it by hand"),
                (Topic::Shortcode, "Liquid tag `assign` kept as written: lede has no equivalent; edit it by hand"),
                (Topic::Shortcode, "Liquid tag `include` kept as written: it pulled in a piece of the old theme; edit it by hand (2 times)"),
            ]
        );
    }
}
