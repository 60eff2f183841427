//! What the preview adds to served HTML, and only there (never to `dist/`):
//! the public/subscriber view switch, the error overlay and the small
//! live-reload script that listens on `/_lede/events`.

use crate::diagnostics::Diagnostic;
use crate::target::Target;
use crate::text::xml_escape;

use super::route::EVENTS_PATH;

/// What to put on one served page.
#[derive(Debug, Clone, Copy)]
pub struct Chrome<'a> {
    /// The tree the page comes from.
    pub target: Target,
    /// This page in the public tree.
    pub public_href: &'a str,
    /// This page in the members tree.
    pub members_href: &'a str,
    /// The site version the page was served from; the script reloads when it changes.
    pub version: &'a str,
    /// The problems of the latest rebuild (shown at once when not empty).
    pub problems: &'a [Diagnostic],
}

/// Inserts the preview's markup just before the last `</body>` (or at the end).
pub fn inject(html: &[u8], chrome: &Chrome<'_>) -> Vec<u8> {
    let extra = markup(chrome);
    let at = find_body_end(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The byte offset of the last `</body` tag, compared without regard to case.
fn find_body_end(html: &[u8]) -> Option<usize> {
    const TAG: &[u8] = b"</body";
    html.windows(TAG.len()).rposition(|w| w.eq_ignore_ascii_case(TAG))
}

/// The overlay's inner HTML for `problems`, on one line (it also travels as one SSE data field).
pub fn overlay_html(problems: &[Diagnostic]) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let n = problems.len();
    let mut out = format!(
        "<div class=\"lede-box\" role=\"alert\"><p class=\"lede-head\">{n} problem{} in the last edit: still showing the last good build. Fix and save; this clears itself.</p><ol>",
        if n == 1 { "" } else { "s" }
    );
    for d in problems {
        out.push_str("<li><code>");
        out.push_str(&escape(&d.location()));
        out.push_str("</code> ");
        out.push_str(&escape(&d.message));
        out.push_str("</li>");
    }
    out.push_str("</ol><button type=\"button\" class=\"lede-dismiss\">Dismiss</button></div>");
    out
}

/// Escapes text for HTML content and attributes; line breaks become `<br>` so the result stays on one line.
pub fn escape(text: &str) -> String {
    // The feeds' XML escaping is valid HTML too; only the line breaks differ.
    xml_escape(&text.replace('\r', "")).replace('\n', "<br>")
}

const STYLE: &str = "<style>\
#lede-switch{position:fixed;right:12px;bottom:12px;z-index:2147483646;display:flex;gap:2px;align-items:center;\
padding:3px;border-radius:8px;background:#1d1d1f;color:#fff;font:13px/1.2 system-ui,sans-serif;box-shadow:0 2px 10px rgba(0,0,0,.3)}\
#lede-switch span{padding:0 6px;opacity:.7}\
#lede-switch a{color:#fff;text-decoration:none;padding:5px 9px;border-radius:6px}\
#lede-switch a[aria-current]{background:#fff;color:#1d1d1f}\
#lede-overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:8vh 16px;background:rgba(20,0,0,.72);font:15px/1.5 system-ui,sans-serif}\
#lede-overlay[hidden]{display:none}\
#lede-overlay .lede-box{max-width:52rem;margin:0 auto;padding:18px 22px;border-radius:10px;background:#fff;color:#1d1d1f;border-top:6px solid #c00}\
#lede-overlay .lede-head{margin:0 0 10px;font-weight:600}\
#lede-overlay ol{margin:0 0 12px;padding-left:1.4em}\
#lede-overlay li{margin:.4em 0;white-space:pre-wrap}\
#lede-overlay code{font:13px/1.4 ui-monospace,monospace;background:#f3e8e8;padding:1px 4px;border-radius:3px}\
</style>";

/// The live-reload script. The server sends `hello` with its current
/// version on connecting (a page served just before a rebuild reloads at
/// once), `reload` after a good rebuild, and `problems` after a bad one.
const SCRIPT: &str = "<script>(function(){\
var me=document.currentScript,version=me&&me.getAttribute('data-version');\
var box=document.getElementById('lede-overlay');\
function wire(){var b=box&&box.querySelector('.lede-dismiss');if(b)b.onclick=function(){box.hidden=true;};}\
wire();\
if(!window.EventSource)return;\
var es=new EventSource('EVENTS');\
es.addEventListener('hello',function(e){if(e.data!==version){es.close();location.reload();}});\
es.addEventListener('reload',function(){es.close();location.reload();});\
es.addEventListener('problems',function(e){if(!box)return;box.innerHTML=e.data;box.hidden=false;wire();});\
})();</script>";

fn markup(c: &Chrome<'_>) -> String {
    let (public_current, members_current) = match c.target {
        Target::Public => (" aria-current=\"page\"", ""),
        Target::Members => ("", " aria-current=\"page\""),
    };
    let overlay = overlay_html(c.problems);
    let hidden = if overlay.is_empty() { " hidden" } else { "" };
    let script = SCRIPT.replacen("<script>", &format!("<script data-version=\"{}\">", escape(c.version)), 1).replacen("EVENTS", EVENTS_PATH, 1);
    format!(
        "\n<!-- lede serve: preview only, never in dist/ -->{STYLE}\
<nav id=\"lede-switch\" aria-label=\"Preview view\"><span>Preview</span>\
<a href=\"{}\"{public_current}>Public view</a><a href=\"{}\"{members_current}>Subscriber view</a></nav>\
<div id=\"lede-overlay\"{hidden}>{overlay}</div>{script}\n",
        escape(c.public_href),
        escape(c.members_href),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome<'a>(problems: &'a [Diagnostic]) -> Chrome<'a> {
        Chrome { target: Target::Members, public_href: "/a/", members_href: "/_members/a/", version: "7-3", problems }
    }

    #[test]
    fn goes_before_the_last_closing_body_tag() {
        let html = b"<html><body><p>x</p><!-- </body> in a comment --></BODY></html>";
        let out = String::from_utf8(inject(html, &chrome(&[]))).unwrap();
        let at = out.find("lede-switch").unwrap();
        assert!(at > out.find("in a comment").unwrap());
        assert!(out.ends_with("</BODY></html>"));
        assert!(out.contains("data-version=\"7-3\""));
        assert!(out.contains("new EventSource('/_lede/events')"));
        assert!(out.contains("<a href=\"/_members/a/\" aria-current=\"page\">Subscriber view</a>"));
        assert!(out.contains("<div id=\"lede-overlay\" hidden></div>"));
    }

    #[test]
    fn appends_when_there_is_no_body_tag() {
        let out = inject(b"<p>fragment</p>", &chrome(&[]));
        assert!(out.starts_with(b"<p>fragment</p>\n<!-- lede serve"));
    }

    #[test]
    fn overlay_escapes_messages_and_stays_on_one_line() {
        let problems = [Diagnostic::at("content/<a>.md", 3, 7, "unknown key `x`\r\n<script>alert(1)</script>")];
        let html = overlay_html(&problems);
        assert!(!html.contains('\n') && !html.contains('\r'));
        assert!(html.contains("<code>content/&lt;a&gt;.md:3:7</code>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        let out = String::from_utf8(inject(b"<body></body>", &chrome(&problems))).unwrap();
        assert!(out.contains("<div id=\"lede-overlay\"><div class=\"lede-box\""));
    }

    #[test]
    fn hrefs_are_escaped() {
        let c = Chrome { public_href: "/a\"onmouseover=\"x/", ..chrome(&[]) };
        let out = String::from_utf8(inject(b"", &c)).unwrap();
        assert!(out.contains("href=\"/a&quot;onmouseover=&quot;x/\""));
    }
}
