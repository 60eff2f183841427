//! Blocks that never meet their end: the last block swallowing the rest of
//! the body (as pulldown-cmark itself sees it, by a re-parse with a
//! sentinel after it), and HTML blocks that run on into a later one.

use pulldown_cmark::{Event, Parser, Tag};

use super::options;

/// The string that would close a block that swallowed the rest of the body.
pub(super) fn what_is_unclosed(first: &Event<'_>, source: &str) -> String {
    match first {
        Event::Start(Tag::CodeBlock(_)) => {
            let fence: String = source.trim_start().chars().take_while(|&c| c == '`' || c == '~').collect();
            format!(
                "this code fence ({fence}) is never closed, so it runs to the end of the article: close it with a line of {fence} (not indented by four spaces or a tab)"
            )
        }
        _ => {
            let lower = source.trim_start().to_ascii_lowercase();
            let end = if lower.starts_with("<!--") {
                "-->"
            } else if lower.starts_with("<![cdata[") {
                "]]>"
            } else if lower.starts_with("<?") {
                "?>"
            } else if lower.starts_with("<!") {
                ">"
            } else {
                ["pre", "script", "style", "textarea"].into_iter().find(|t| lower[1..].starts_with(t)).map_or("its end tag", |t| match t {
                    "pre" => "</pre>",
                    "script" => "</script>",
                    "style" => "</style>",
                    _ => "</textarea>",
                })
            };
            let opening: String = source.trim_start().chars().take_while(|&c| c != '\n').take(24).collect();
            format!("this HTML block ({opening}) never meets its end ({end}), so it runs to the end of the article: add {end} where it should end")
        }
    }
}

/// Whether an HTML block that only an end string closes (a comment, `<?`,
/// `<!X`, CDATA, `<pre>`, `<script>`, `<style>`, `<textarea>`) ran past
/// its own end: another opener of its kind comes before the end string
/// that closed it (a comment left open, closed by the next comment's `-->`),
/// or a declaration spans a blank line. What it is, for the message.
pub(super) fn runs_into_another(text: &str) -> Option<String> {
    let lower = text.trim_start().to_ascii_lowercase();
    let pairs: [(&str, &str); 8] = [
        ("<!--", "-->"),
        ("<![cdata[", "]]>"),
        ("<?", "?>"),
        ("<pre", "</pre>"),
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<textarea", "</textarea>"),
        ("<!", ">"),
    ];
    let (open, end) = pairs.into_iter().find(|(open, _)| lower.starts_with(open))?;
    let after = &lower[open.len()..];
    let first_end = after.find(end).unwrap_or(after.len());
    let again = if open == "<!" { after[..first_end].contains("\n\n") || after[..first_end].contains("\n \n") } else { after[..first_end].contains(open) };
    again.then(|| {
        let opening: String = text.trim_start().chars().take_while(|&c| c != '\n').take(24).collect();
        format!("this HTML block ({opening}) never meets its own end ({end}): CommonMark runs it on, past blank lines, to the end of a later one, and it would count as one block; add {end} where it should end")
    })
}

/// A paragraph that no open block can take in: it proves the blocks before it ended.
const SENTINEL: &str = "ledeendofbodysentinel";

/// Whether the top-level block that starts `source` and runs to its end
/// would also swallow a paragraph written after it: pulldown-cmark's own
/// view of where the block ends, rather than a second parser of ours.
pub(super) fn swallows_what_follows(source: &str) -> bool {
    let probe = format!("{source}\n\n{SENTINEL}\n");
    let mut depth = 0usize;
    let mut in_paragraph = false;
    for event in Parser::new_ext(&probe, options()) {
        match event {
            Event::Start(tag) => {
                in_paragraph = depth == 0 && matches!(tag, Tag::Paragraph);
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if in_paragraph && depth == 1 && t.as_ref() == SENTINEL => return false,
            _ => {}
        }
    }
    true
}
