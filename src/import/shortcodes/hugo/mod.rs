//! Hugo's shortcodes: `{{< name args >}}` and `{{% name args %}}`, with
//! named (`src="x"`) or positional arguments, closing tags (`{{< /name >}}`)
//! and the escaped form `{{</* name */>}}` that shows one as text.

mod figure;
mod parse;

use std::borrow::Cow;

use self::figure::figure;
use self::parse::{Shortcode, closing_tag, parse};
use super::{Context, Dialect, Notes, Reference, code_block, convert, link, push_block};
use crate::import::report::Topic;
use crate::text::xml_escape;

/// Converts the shortcodes of a Hugo body; see the module comment of `shortcodes`.
pub fn hugo(body: &str, cx: &mut Context<'_>) -> String {
    let mut hugo = Hugo { cx, notes: Notes::default() };
    let out = convert(body, &mut hugo);
    let Hugo { cx, notes } = hugo;
    notes.flush(cx.origin, cx.report);
    out
}

struct Hugo<'c, 'a> {
    cx: &'c mut Context<'a>,
    notes: Notes,
}

impl Dialect for Hugo<'_, '_> {
    fn tag(&mut self, text: &str, at: usize, out: &mut String) -> Option<usize> {
        if let Some(end) = escaped(text, at, out) {
            return Some(end);
        }
        let tag = parse(text, at)?;
        let html = self.cx.html;
        if tag.closing {
            out.push_str(&tag.as_written());
            return Some(tag.end);
        }
        match tag.name {
            "figure" if tag.get("src").is_some() => {
                let taken = push_block(out, &figure(&tag), &text[tag.end..]);
                Some(tag.end + taken)
            }
            "youtube" | "vimeo" | "instagram" if tag.arg("id", 0).is_some() => {
                let id = tag.arg("id", 0).unwrap_or_default();
                let (site, url) = match tag.name {
                    "youtube" => ("YouTube", format!("https://www.youtube.com/watch?v={id}")),
                    "vimeo" => ("Vimeo", format!("https://vimeo.com/{id}")),
                    _ => ("Instagram", format!("https://www.instagram.com/p/{id}/")),
                };
                let label = tag.get("title").map_or_else(|| format!("Watch on {site}"), |t| format!("{t} ({site})"));
                out.push_str(&link(&label, &url, html));
                self.embed(&tag, &format!("{site} {id}"));
                Some(tag.end)
            }
            "tweet" | "x" | "twitter" if tag.arg("id", usize::from(tag.positional.len() > 1)).is_some() => {
                let two = tag.positional.len() > 1;
                let id = tag.arg("id", usize::from(two)).unwrap_or_default();
                let user = tag.get("user").or(if two { tag.positional.first().map(String::as_str) } else { None });
                let (label, url) = match user {
                    Some(user) => (format!("Post by @{user} on X"), format!("https://x.com/{user}/status/{id}")),
                    None => ("Post on X".to_string(), format!("https://x.com/i/status/{id}")),
                };
                out.push_str(&link(&label, &url, html));
                self.embed(&tag, &format!("post {id} on X"));
                Some(tag.end)
            }
            "gist" if tag.positional.len() >= 2 => {
                let (user, id) = (&tag.positional[0], &tag.positional[1]);
                let (label, url) = match tag.positional.get(2) {
                    Some(file) => (format!("{file} (gist by {user})"), format!("https://gist.github.com/{user}/{id}#file-{}", file.replace('.', "-"))),
                    None => (format!("Gist by {user}"), format!("https://gist.github.com/{user}/{id}")),
                };
                out.push_str(&link(&label, &url, html));
                self.embed(&tag, &format!("gist {user}/{id}"));
                Some(tag.end)
            }
            "ref" | "relref" if tag.arg("path", 0).is_some() => {
                let target = tag.arg("path", 0).unwrap_or_default();
                out.push_str(&self.reference(target, tag.name));
                Some(tag.end)
            }
            "highlight" => {
                let Some((inner_end, end)) = closing_tag(text, tag.end, "highlight") else {
                    return Some(self.keep(&tag, out));
                };
                let lang = tag.positional.first().map_or("", String::as_str);
                let taken = push_block(out, &code_block(&text[tag.end..inner_end], lang, html), &text[end..]);
                Some(end + taken)
            }
            "details" if !tag.self_closing => {
                let Some((inner_end, end)) = closing_tag(text, tag.end, "details") else {
                    return Some(self.keep(&tag, out));
                };
                let summary = xml_escape(tag.get("summary").unwrap_or("Details")).into_owned();
                let open = if tag.get("open").is_some_and(|o| o == "true") { " open" } else { "" };
                let inner = convert(text[tag.end..inner_end].trim_matches('\n'), self);
                let block = format!("<details{open}>\n<summary>{summary}</summary>\n\n{inner}\n\n</details>");
                let taken = push_block(out, &block, &text[end..]);
                Some(end + taken)
            }
            "param" => {
                self.notes.add(
                    Topic::Shortcode,
                    format!("`{}` kept as written: it showed a value from the site's configuration; write the value in", tag.as_written()),
                );
                out.push_str(&tag.as_written());
                Some(tag.end)
            }
            _ => Some(self.keep(&tag, out)),
        }
    }

    fn code<'t>(&self, code: &'t str) -> Cow<'t, str> {
        if !code.contains("/*") {
            return Cow::Borrowed(code);
        }
        Cow::Owned(code.replace("{{</*", "{{<").replace("*/>}}", ">}}").replace("{{%/*", "{{%").replace("*/%}}", "%}}"))
    }
}

impl Hugo<'_, '_> {
    /// Keeps a shortcode lede cannot show, visibly, with a note naming it.
    fn keep(&mut self, tag: &Shortcode<'_>, out: &mut String) -> usize {
        self.notes.add(Topic::Shortcode, format!("shortcode `{}` kept as written: lede has no equivalent; edit it by hand", tag.name));
        out.push_str(&tag.as_written());
        tag.end
    }

    fn embed(&mut self, tag: &Shortcode<'_>, what: &str) {
        self.notes.add(Topic::Shortcode, format!("`{}` ({what}) is now a link to its page: lede's pages load nothing from other hosts", tag.name));
    }

    /// The new URL of a `ref`/`relref` target, or the path as written when the import has no such item.
    fn reference(&mut self, target: &str, shortcode: &str) -> String {
        let (path, anchor) = match target.find('#') {
            Some(i) => (&target[..i], &target[i..]),
            None => (target, ""),
        };
        if path.is_empty() {
            return anchor.to_string();
        }
        match (self.cx.resolve)(Reference::Hugo(path)) {
            Some(url) => format!("{url}{anchor}"),
            None => {
                self.notes.add(Topic::DeadLink, format!("`{shortcode} \"{target}\"`: no imported item is at this path; the link keeps it as written"));
                target.to_string()
            }
        }
    }
}

/// `{{</* name */>}}` at `at`: shown as the shortcode it escapes.
fn escaped(text: &str, at: usize, out: &mut String) -> Option<usize> {
    let rest = &text[at..];
    let (open, close) = if rest.starts_with("{{<") {
        ("{{<", ">}}")
    } else if rest.starts_with("{{%") {
        ("{{%", "%}}")
    } else {
        return None;
    };
    let inner_start = rest[3..].trim_start().strip_prefix("/*")?;
    let inner_end = inner_start.find("*/")?;
    let after = inner_start[inner_end + 2..].trim_start().strip_prefix(close)?;
    out.push_str(open);
    out.push_str(&inner_start[..inner_end]);
    out.push_str(close);
    Some(text.len() - after.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::report::Report;

    fn run(body: &str, html: bool) -> (String, Report) {
        let mut report = Report::default();
        let resolve = |r: Reference<'_>| match r {
            Reference::Hugo("other.md" | "/posts/other") => Some("/articles/other/".to_string()),
            _ => None,
        };
        let out = hugo(body, &mut Context { origin: "content/posts/a.md", html, resolve: &resolve, report: &mut report });
        (out, report)
    }

    fn notes(report: &Report) -> Vec<(Topic, &str)> {
        report.entries.iter().map(|e| (e.topic, e.text.as_str())).collect()
    }

    #[test]
    fn figure_becomes_an_html_block() {
        let (out, report) = run(
            "Before\n{{< figure src=\"cat.jpg\" alt=\"A cat\" caption=\"The *cat* & me\" title=\"Cat\" link=\"/big.jpg\" attr=\"Photo: J\" attrlink=\"https://j.test\" >}}\nAfter\n",
            false,
        );
        assert_eq!(
            out,
            "Before\n\n<figure><a href=\"/big.jpg\"><img src=\"cat.jpg\" alt=\"A cat\"></a><figcaption><h4>Cat</h4><p>The <em>cat</em> &amp; me<a href=\"https://j.test\">Photo: J</a></p></figcaption></figure>\n\nAfter\n"
        );
        assert!(report.entries.is_empty());
        let (out, _) = run("{{< figure src=\"a.png\" caption=\"**Bold** <x>\" >}}", false);
        assert_eq!(out, "<figure><img src=\"a.png\" alt=\"Bold \"><figcaption><p><strong>Bold</strong> <x></p></figcaption></figure>\n");
    }

    #[test]
    fn embeds_become_links_with_a_note() {
        let (out, report) = run(
            "{{< youtube w7Ft2ymGmfc >}}\n{{< youtube id=\"abc\" title=\"Talk\" >}}\n{{< vimeo 146022717 >}}\n{{< tweet user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}\n{{< x 42 >}}\n{{< gist spf13 7896402 img.html >}}\n",
            false,
        );
        assert_eq!(
            out,
            "[Watch on YouTube](https://www.youtube.com/watch?v=w7Ft2ymGmfc)\n[Talk (YouTube)](https://www.youtube.com/watch?v=abc)\n[Watch on Vimeo](https://vimeo.com/146022717)\n[Post by @SanDiegoZoo on X](https://x.com/SanDiegoZoo/status/1453110110599868418)\n[Post on X](https://x.com/i/status/42)\n[img.html (gist by spf13)](https://gist.github.com/spf13/7896402#file-img-html)\n"
        );
        assert_eq!(report.entries.len(), 6);
        assert!(
            notes(&report)
                .contains(&(Topic::Shortcode, "`youtube` (YouTube w7Ft2ymGmfc) is now a link to its page: lede's pages load nothing from other hosts"))
        );
        let (out, _) = run("{{< youtube id=\"v\" >}}", true);
        assert_eq!(out, "<a href=\"https://www.youtube.com/watch?v=v\">Watch on YouTube</a>");
    }

    #[test]
    fn references_resolve_to_new_urls_or_stay_with_a_dead_link_note() {
        let (out, report) =
            run("[a]({{< ref \"other.md#part\" >}}) [b]({{< relref path=\"/posts/other\" >}}) [c]({{< ref \"#top\" >}}) [d]({{< ref \"gone.md\" >}})", false);
        assert_eq!(out, "[a](/articles/other/#part) [b](/articles/other/) [c](#top) [d](gone.md)");
        assert_eq!(notes(&report), [(Topic::DeadLink, "`ref \"gone.md\"`: no imported item is at this path; the link keeps it as written")]);
    }

    #[test]
    fn highlight_becomes_a_fenced_block() {
        let (out, _) = run("Code:\n{{< highlight go \"linenos=table\" >}}\nfunc main() {}\n{{< /highlight >}}\nDone", false);
        assert_eq!(out, "Code:\n\n```go\nfunc main() {}\n```\n\nDone");
        let (out, _) = run("{{< highlight html >}}\n<p>x</p>\n{{< /highlight >}}", true);
        assert_eq!(out, "<pre><code class=\"language-html\">&lt;p&gt;x&lt;/p&gt;</code></pre>\n");
    }

    #[test]
    fn details_keep_their_converted_inside() {
        let (out, _) = run("{{< details summary=\"More\" >}}\nSee {{< ref \"other.md\" >}}.\n{{< /details >}}\n", false);
        assert_eq!(out, "<details>\n<summary>More</summary>\n\nSee /articles/other/.\n\n</details>\n");
    }

    #[test]
    fn unknown_shortcodes_and_params_stay_visible_with_notes() {
        let (out, report) = run("{{<notice warning>}}\nCareful {{% param \"author\" %}}\n{{< /notice >}}\n{{< notice >}}x{{< /notice >}}", false);
        assert_eq!(out, "{{< notice warning >}}\nCareful {{% param \"author\" %}}\n{{< /notice >}}\n{{< notice >}}x{{< /notice >}}");
        assert_eq!(
            notes(&report),
            [
                (Topic::Shortcode, "`{{% param \"author\" %}}` kept as written: it showed a value from the site's configuration; write the value in"),
                (Topic::Shortcode, "shortcode `notice` kept as written: lede has no equivalent; edit it by hand (2 times)"),
            ]
        );
    }

    #[test]
    fn code_is_left_alone_and_escapes_are_shown_as_written() {
        let body = "```\n{{< youtube x >}}\n{{</* figure src=\"a\" */>}}\n```\n`{{< ref \"gone\" >}}` and {{</* youtube id */>}}\n";
        let (out, report) = run(body, false);
        assert_eq!(out, "```\n{{< youtube x >}}\n{{< figure src=\"a\" >}}\n```\n`{{< ref \"gone\" >}}` and {{< youtube id >}}\n");
        assert!(report.entries.is_empty());
    }
}
