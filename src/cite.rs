//! "Cite this": an article as the Chicago, APA and MLA styles cite a web
//! article of a publication, and as BibTeX and RIS records, made from its
//! public fields only (title, authors, the site's title, the date, the
//! public address, the DOI, the teaser).

use std::fmt::Write;

use crate::config::Config;
use crate::content::ArticleMeta;
use crate::text::xml_escape;
use jiff::civil::Date;

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
/// MLA abbreviates months of more than four letters.
const MLA_MONTHS: [&str; 12] = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

/// An article's citations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Chicago (notes and bibliography), as HTML (the publication in `<i>`).
    pub chicago: String,
    /// APA, 7th edition, as HTML.
    pub apa: String,
    /// MLA, 9th edition, as HTML.
    pub mla: String,
    /// A BibTeX `@article` record.
    pub bibtex: String,
    /// A RIS record.
    pub ris: String,
    /// The name its files download as (`slug-2026`).
    pub file_name: String,
    /// `data:` addresses that download the BibTeX and RIS records, so no file is written per article.
    pub bibtex_href: String,
    /// See `bibtex_href`.
    pub ris_href: String,
    /// Highwire Press `citation_*` meta tags, which Google Scholar and Zotero read.
    pub highwire: Vec<MetaTag>,
}

/// One `<meta name content>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaTag {
    /// `citation_title`, …
    pub name: &'static str,
    /// Its value, unescaped (the template escapes it).
    pub content: String,
}

impl Citation {
    /// The "Cite this" section, as HTML: a page inserts it whole, as
    /// building it here costs a fraction of handing its parts to a template.
    pub fn section_html(&self) -> String {
        let mut out = String::with_capacity(1024 + self.bibtex_href.len() + self.ris_href.len());
        out.push_str("<section class=\"cite\" aria-labelledby=\"cite-heading\">\n<h2 id=\"cite-heading\">Cite this</h2>\n<dl class=\"cite-styles\">\n<dt>Chicago</dt><dd>");
        out.push_str(&self.chicago);
        out.push_str("</dd>\n<dt>APA</dt><dd>");
        out.push_str(&self.apa);
        out.push_str("</dd>\n<dt>MLA</dt><dd>");
        out.push_str(&self.mla);
        out.push_str("</dd>\n</dl>\n<p class=\"cite-downloads\">Download: <a href=\"");
        out.push_str(&xml_escape(&self.bibtex_href));
        let _ = write!(out, "\" download=\"{}.bib\" type=\"application/x-bibtex\">BibTeX</a> · <a href=\"", xml_escape(&self.file_name));
        out.push_str(&xml_escape(&self.ris_href));
        let _ = writeln!(out, "\" download=\"{}.ris\" type=\"application/x-research-info-systems\">RIS</a></p>", xml_escape(&self.file_name));
        out.push_str("</section>\n");
        out
    }

    /// The Highwire Press meta tags, as HTML for the `<head>`.
    pub fn meta_html(&self) -> String {
        let mut out = String::with_capacity(96 * self.highwire.len());
        for tag in &self.highwire {
            let _ = writeln!(out, "<meta name=\"{}\" content=\"{}\">", tag.name, xml_escape(&tag.content));
        }
        out
    }
}

/// The characters a `data:` address in an HTML attribute must have escaped:
/// a minimal set keeps the address close to the record's length.
const DATA_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'|');

/// A `data:` address holding `text` as `mime`.
fn data_href(mime: &str, text: &str) -> String {
    format!("data:{mime};charset=utf-8,{}", percent_encoding::utf8_percent_encode(text, DATA_ESCAPES))
}

/// A person's name as written ("Ana María Ruiz"): the last word is the family name.
struct Name<'a> {
    given: &'a str,
    family: &'a str,
}

fn name(full: &str) -> Name<'_> {
    let full = full.trim();
    match full.rsplit_once(' ') {
        Some((given, family)) => Name { given: given.trim(), family },
        None => Name { given: "", family: full },
    }
}

/// "Ruiz, Ana María" (or "Ruiz" for a single name).
fn inverted(n: &Name<'_>) -> String {
    if n.given.is_empty() { n.family.to_string() } else { format!("{}, {}", n.family, n.given) }
}

/// "A. M." from "Ana María".
fn initials(given: &str) -> String {
    given.split([' ', '-']).filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect::<Vec<_>>().join(" ")
}

/// `text` ending in one period (a title that ends in "?" keeps it).
fn closed(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '?', '!']) { t.to_string() } else { format!("{t}.") }
}

impl Citation {
    /// The citations of the article `meta` of the site `config`, at its public address `url`.
    pub fn new(config: &Config, meta: &ArticleMeta, url: &str) -> Citation {
        let date = meta.date.date();
        let names: Vec<Name<'_>> = meta.authors.iter().map(|a| name(a)).collect();
        let site = xml_escape(&config.title).into_owned();
        let title = xml_escape(&meta.title).into_owned();
        let link = match &meta.doi {
            Some(doi) => format!("https://doi.org/{doi}"),
            None => url.to_string(),
        };
        let link_html = xml_escape(&link).into_owned();
        let (year, month, day) = (date.year(), MONTHS[date.month() as usize - 1], date.day());

        // Chicago: Ruiz, Ana, and Jo Li. "Title." Publication, March 17, 2026. URL.
        let chicago_authors = match names.as_slice() {
            [] => String::new(),
            [one] => inverted(one),
            [first, rest @ ..] => {
                let mut s = inverted(first);
                for (i, n) in rest.iter().enumerate() {
                    s.push_str(if i + 1 == rest.len() { ", and " } else { ", " });
                    s.push_str(format!("{} {}", n.given, n.family).trim());
                }
                s
            }
        };
        let mut chicago = String::new();
        if !chicago_authors.is_empty() {
            let _ = write!(chicago, "{} ", xml_escape(&closed(&chicago_authors)));
        }
        let _ = write!(chicago, "“{}” <i>{site}</i>, {month} {day}, {year}. {link_html}.", closed(&title));

        // APA: Ruiz, A., & Li, J. (2026, March 17). Title. Publication. URL
        let apa_names: Vec<String> =
            names.iter().map(|n| if n.given.is_empty() { n.family.to_string() } else { format!("{}, {}", n.family, initials(n.given)) }).collect();
        let apa_authors = match apa_names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{}, & {last}", rest.join(", ")),
        };
        let apa = if apa_authors.is_empty() {
            format!("{} ({year}, {month} {day}). <i>{site}</i>. {link_html}", closed(&title))
        } else {
            format!("{} ({year}, {month} {day}). {} <i>{site}</i>. {link_html}", xml_escape(&closed(&apa_authors)), closed(&title))
        };

        // MLA: Ruiz, Ana, and Jo Li. "Title." Publication, 17 Mar. 2026, URL.
        let mla_authors = match names.as_slice() {
            [] => String::new(),
            [one] => inverted(one),
            [first, second] => format!("{}, and {} {}", inverted(first), second.given, second.family),
            [first, ..] => format!("{}, et al", inverted(first)),
        };
        let mut mla = String::new();
        if !mla_authors.is_empty() {
            let _ = write!(mla, "{} ", xml_escape(&closed(&mla_authors)));
        }
        let mla_link = link_html.trim_start_matches("https://").trim_start_matches("http://");
        let _ = write!(mla, "“{}” <i>{site}</i>, {day} {} {year}, {mla_link}.", closed(&title), MLA_MONTHS[date.month() as usize - 1]);

        let file_name = format!("{}-{year}", meta.slug);
        let bibtex = bibtex(config, meta, url, date, &file_name);
        let ris = ris(config, meta, url, date);
        let mut highwire = vec![MetaTag { name: "citation_title", content: meta.title.clone() }];
        highwire.extend(meta.authors.iter().map(|a| MetaTag { name: "citation_author", content: a.clone() }));
        highwire.push(MetaTag { name: "citation_publication_date", content: format!("{:04}/{:02}/{:02}", year, date.month(), day) });
        highwire.push(MetaTag { name: "citation_journal_title", content: config.title.clone() });
        highwire.push(MetaTag { name: "citation_publisher", content: config.title.clone() });
        highwire.push(MetaTag { name: "citation_abstract_html_url", content: url.to_string() });
        highwire.push(MetaTag { name: "citation_public_url", content: url.to_string() });
        if let Some(doi) = &meta.doi {
            highwire.push(MetaTag { name: "citation_doi", content: doi.clone() });
        }
        highwire.push(MetaTag { name: "citation_language", content: config.language.clone() });
        Citation {
            chicago,
            apa,
            mla,
            bibtex_href: data_href("application/x-bibtex", &bibtex),
            ris_href: data_href("application/x-research-info-systems", &ris),
            bibtex,
            ris,
            file_name,
            highwire,
        }
    }
}

/// `text` with BibTeX's special characters escaped.
fn bib_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn bibtex(config: &Config, meta: &ArticleMeta, url: &str, date: Date, key: &str) -> String {
    let mut out = format!("@article{{{key},\n");
    if !meta.authors.is_empty() {
        let authors: Vec<String> = meta.authors.iter().map(|a| bib_escape(&inverted(&name(a)))).collect();
        let _ = writeln!(out, "  author = {{{}}},", authors.join(" and "));
    }
    // Braces keep the title's capitals as written.
    let _ = writeln!(out, "  title = {{{{{}}}}},", bib_escape(&meta.title));
    let _ = writeln!(out, "  journal = {{{}}},", bib_escape(&config.title));
    let _ = writeln!(out, "  year = {{{}}},", date.year());
    let _ = writeln!(out, "  month = {{{}}},", date.month());
    let _ = writeln!(out, "  date = {{{}}},", meta.date.iso_date());
    let _ = writeln!(out, "  url = {{{}}},", url.replace(['{', '}'], ""));
    if let Some(doi) = &meta.doi {
        let _ = writeln!(out, "  doi = {{{}}},", bib_escape(doi));
    }
    out.push_str("}\n");
    out
}

/// One RIS line: the tag, two spaces, a hyphen, a space and the value on one line.
fn ris_line(out: &mut String, tag: &str, value: &str) {
    let value: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let _ = writeln!(out, "{tag}  - {}", value.trim());
}

fn ris(config: &Config, meta: &ArticleMeta, url: &str, date: Date) -> String {
    let mut out = String::new();
    ris_line(&mut out, "TY", "JOUR");
    ris_line(&mut out, "TI", &meta.title);
    for author in &meta.authors {
        ris_line(&mut out, "AU", &inverted(&name(author)));
    }
    ris_line(&mut out, "T2", &config.title);
    ris_line(&mut out, "PY", &date.year().to_string());
    ris_line(&mut out, "DA", &format!("{:04}/{:02}/{:02}", date.year(), date.month(), date.day()));
    ris_line(&mut out, "UR", url);
    if let Some(doi) = &meta.doi {
        ris_line(&mut out, "DO", doi);
    }
    if !meta.teaser.is_empty() {
        ris_line(&mut out, "AB", &meta.teaser);
    }
    ris_line(&mut out, "LA", &config.language);
    out.push_str("ER  - \n");
    out
}

#[cfg(test)]
mod tests;
