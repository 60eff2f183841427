//! The `<!--more-->` line (or Jekyll's `excerpt_separator`): Hugo and
//! Jekyll have no paywall, so it is dropped, or with `--more-is-paywall`
//! becomes lede's `<!-- paywall -->` standing alone at the top level; and
//! the access each post gets from it, with its reason.

use crate::import::shortcodes::Fence;
use crate::import::{Access, Options, Report, Topic};

/// Why a post without a `<!--more-->` cut gets the import's default.
pub(in crate::import) const DEFAULT_REASON: &str = "no paywall in the source: the import's --paywall default";

/// What became of a body's `<!--more-->`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::import) enum More {
    /// The body had none.
    Absent,
    /// Dropped (no `--more-is-paywall`).
    Dropped,
    /// Replaced by a `<!-- paywall -->` line standing alone.
    Cut(String),
    /// Asked for but impossible; why.
    Refused(String),
}

/// The body with its `<!--more-->` (or another of `separators`) dropped, or
/// with the first replaced by a `<!-- paywall -->` line when `cut`.
pub(in crate::import) fn more(body: &str, separators: &[&str], cut: bool, html: bool) -> (String, More) {
    let find = |s: &str| separators.iter().filter_map(|sep| s.find(sep).map(|i| (i, sep.len()))).min();
    let remove_all = |s: &str| separators.iter().fold(s.to_string(), |s, sep| s.replace(sep, ""));
    if html {
        let Some((at, len)) = find(body) else { return (body.to_string(), More::Absent) };
        let (before, after) = (&body[..at], remove_all(&body[at + len..]));
        let separator = body[at..at + len].to_string();
        return match (cut, after.trim().is_empty()) {
            (false, _) => (remove_all(body), More::Dropped),
            (true, true) => (remove_all(body), More::Refused(format!("`{separator}` ends the body: nothing after it to keep for subscribers"))),
            (true, false) => (format!("{before}<!-- paywall -->{after}"), More::Cut(separator)),
        };
    }
    let mut out = String::with_capacity(body.len() + 16);
    let mut outcome = More::Absent;
    let mut fence: Option<Fence> = None;
    let mut offset = 0;
    // After a line taken out, the blank lines that followed it would add to those before it.
    let mut skip_blank = false;
    for line in body.split_inclusive('\n') {
        offset += line.len();
        if skip_blank && line.trim().is_empty() {
            continue;
        }
        skip_blank = false;
        if let Some(open) = fence {
            fence = (!open.closed_by(line)).then_some(open);
            out.push_str(line);
            continue;
        }
        if let Some(open) = Fence::opened_by(line) {
            fence = Some(open);
            out.push_str(line);
            continue;
        }
        let Some((at, len)) = find(line) else {
            out.push_str(line);
            continue;
        };
        let separator = line[at..at + len].to_string();
        let rest = remove_all(line);
        let dropped = |out: &mut String| {
            if !rest.trim().is_empty() {
                out.push_str(&rest);
                false
            } else {
                out.is_empty() || out.ends_with("\n\n")
            }
        };
        if !cut || outcome != More::Absent {
            skip_blank = dropped(&mut out);
            if outcome == More::Absent {
                outcome = More::Dropped;
            }
            continue;
        }
        let after = remove_all(&line[at + len..]);
        if in_container(line) {
            outcome = More::Refused(format!("`{separator}` is inside a quote, a list or indented code, where lede cannot cut"));
            skip_blank = dropped(&mut out);
        } else if after.trim().is_empty() && remove_all(&body[offset..]).trim().is_empty() {
            outcome = More::Refused(format!("`{separator}` ends the body: nothing after it to keep for subscribers"));
            skip_blank = dropped(&mut out);
        } else {
            let before = line[..at].trim_end();
            if !before.is_empty() {
                out.push_str(before);
                out.push('\n');
            }
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            out.push_str("<!-- paywall -->\n\n");
            let after = after.trim_start_matches([' ', '\t']);
            if after.trim().is_empty() {
                skip_blank = true;
            } else {
                out.push_str(after);
            }
            outcome = More::Cut(separator);
        }
    }
    (out, outcome)
}

/// Whether a line belongs to a block quote, a list item or an indented code block.
fn in_container(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    if indent >= 4 || line.starts_with('\t') {
        return true;
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    trimmed.starts_with('>')
        || ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m))
        || (digits > 0 && (trimmed[digits..].starts_with(". ") || trimmed[digits..].starts_with(") ")))
}

/// The access of a post whose body went through [`more`], and why, with
/// the decision noted for the post (so the writer need not say it again).
pub(in crate::import) fn access(outcome: &More, origin: &str, options: &Options, report: &mut Report) -> (Access, String) {
    let default = (options.default_access.clone(), DEFAULT_REASON.to_string());
    let text = match outcome {
        More::Cut(separator) => {
            report.note(origin, Topic::Paywall, format!("cut where `{separator}` was: the body above it is free (--more-is-paywall)"));
            return (Access::Marker, format!("`{separator}` in the body, with --more-is-paywall"));
        }
        More::Refused(why) => format!("{why}; {}: {DEFAULT_REASON}", options.default_access.describe()),
        More::Absent | More::Dropped => format!("{}: {DEFAULT_REASON}", options.default_access.describe()),
    };
    report.note(origin, Topic::Paywall, text);
    default
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_is_dropped_or_becomes_a_lone_paywall_line() {
        let seps = ["<!--more-->"];
        assert_eq!(more("A\n\n<!--more-->\n\nB\n", &seps, false, false), ("A\n\nB\n".into(), More::Dropped));
        assert_eq!(more("A\n\n<!--more-->\n\nB\n", &seps, true, false), ("A\n\n<!-- paywall -->\n\nB\n".into(), More::Cut("<!--more-->".into())));
        assert_eq!(more("A\n<!--more-->\nB\n", &seps, true, false), ("A\n\n<!-- paywall -->\n\nB\n".into(), More::Cut("<!--more-->".into())));
        assert_eq!(
            more("Intro <!--more--> rest\nmore\n", &seps, true, false),
            ("Intro\n\n<!-- paywall -->\n\nrest\nmore\n".into(), More::Cut("<!--more-->".into()))
        );
        assert_eq!(more("```\n<!--more-->\n```\nA\n", &seps, true, false), ("```\n<!--more-->\n```\nA\n".into(), More::Absent));
        let (body, outcome) = more("> q <!--more-->\n\nB", &seps, true, false);
        assert_eq!(body, "> q \n\nB");
        assert!(matches!(outcome, More::Refused(why) if why.contains("inside a quote")));
        let (body, outcome) = more("A\n\n<!--more-->\n", &seps, true, false);
        assert_eq!(body, "A\n\n");
        assert!(matches!(outcome, More::Refused(why) if why.contains("nothing after it")));
        assert_eq!(more("A\n<!--more-->\nB\n<!--more-->\nC", &seps, true, false).0, "A\n\n<!-- paywall -->\n\nB\nC");
        assert_eq!(more("<p>A</p><!--more--><p>B</p>", &seps, true, true), ("<p>A</p><!-- paywall --><p>B</p>".into(), More::Cut("<!--more-->".into())));
        assert_eq!(more("<p>A</p><!--more--><p>B</p>", &seps, false, true).0, "<p>A</p><p>B</p>");
        assert_eq!(more("A\n<!--cut-->\nB", &["<!--more-->", "<!--cut-->"], true, false).1, More::Cut("<!--cut-->".into()));
    }

    #[test]
    fn access_follows_the_cut_and_notes_it() {
        let options = Options { more_is_paywall: true, default_access: Access::Blocks(3), ..Options::default() };
        let mut r = Report::default();
        assert_eq!(
            access(&More::Cut("<!--more-->".into()), "a.md", &options, &mut r),
            (Access::Marker, "`<!--more-->` in the body, with --more-is-paywall".into())
        );
        assert_eq!(access(&More::Absent, "b.md", &options, &mut r), (Access::Blocks(3), DEFAULT_REASON.into()));
        assert_eq!(access(&More::Refused("`<!--more-->` ends the body".into()), "c.md", &options, &mut r), (Access::Blocks(3), DEFAULT_REASON.into()));
        let texts: Vec<String> = r.entries.iter().map(|e| format!("{}: {}", e.origin, e.text)).collect();
        assert_eq!(
            texts,
            [
                "a.md: cut where `<!--more-->` was: the body above it is free (--more-is-paywall)",
                "b.md: the first 3 blocks free (paywall = 3): no paywall in the source: the import's --paywall default",
                "c.md: `<!--more-->` ends the body; the first 3 blocks free (paywall = 3): no paywall in the source: the import's --paywall default",
            ]
        );
    }
}
