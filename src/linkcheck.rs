//! The link check: every link, image and anchor of both built trees
//! followed inside the output, the way a reader's browser would follow it.
//! A link to a page or file that is not there, or to an anchor the page
//! does not have, is broken; an anchor that only the members copy of a page
//! has (a heading past the cut) is broken on the public page and said so.
//! Links to other hosts are collected for an optional check over the network.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use html5gum::{Token, Tokenizer};
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Result};
use crate::target::{PerTarget, Target};
use crate::urls::INDEX;

/// What a reference loads: a page to go to, or something the page embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `<a href>`, `<area href>`, `<link href>`.
    Link,
    /// `<img src>`, `<source src>`, `<video src>`, `<audio src>`, `<script src>`, `<iframe src>`.
    Embed,
}

/// The ids and references of one HTML file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// Every `id` (and `<a name>`), the targets of `#fragment` links.
    pub ids: HashSet<String>,
    /// Every reference, in order, as written.
    pub refs: Vec<(Kind, String)>,
}

/// Reads the ids and references of an HTML file.
pub fn scan(html: &str) -> Scanned {
    let mut out = Scanned::default();
    for token in Tokenizer::new(html) {
        let Ok(Token::StartTag(tag)) = token else { continue };
        let name = String::from_utf8_lossy(&tag.name);
        let attr = |key: &str| tag.attributes.get(key.as_bytes()).map(|v| String::from_utf8_lossy(&v.value).trim().to_string());
        if let Some(id) = attr("id") {
            out.ids.insert(id);
        }
        if name == "a"
            && let Some(n) = attr("name")
        {
            out.ids.insert(n);
        }
        let found = match name.as_ref() {
            "a" | "area" => attr("href").map(|h| (Kind::Link, h)),
            // Hints to the browser (preconnect, dns-prefetch) name hosts, not files.
            "link" if attr("rel").is_none_or(|r| !r.contains("preconnect") && !r.contains("dns-prefetch")) => attr("href").map(|h| (Kind::Link, h)),
            "img" | "source" | "video" | "audio" | "script" | "iframe" | "embed" | "track" => attr("src").map(|s| (Kind::Embed, s)),
            _ => None,
        };
        out.refs.extend(found);
    }
    out
}

/// Why a reference is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// No page or file at that address in that tree.
    Missing,
    /// The page is there, without that anchor.
    NoAnchor,
    /// The anchor is only on the members copy of the page (past the cut).
    PaidAnchor,
    /// A link to another host that did not answer well (`--external`).
    External(String),
}

/// A broken reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The tree of the page it is on.
    pub tree: Target,
    /// The page, relative to its tree (`articles/x/index.html`).
    pub page: String,
    /// Link or embed.
    pub kind: Kind,
    /// The reference as written.
    pub href: String,
    /// What is wrong.
    pub why: Why,
}

/// The two built trees: their folders and the root URLs they are deployed at.
pub struct Trees<'a> {
    /// The folder of each tree.
    pub dirs: PerTarget<&'a Path>,
    /// The root URL of each tree, without a trailing slash.
    pub roots: PerTarget<&'a str>,
}

/// Each address on another host, with the tree and page of one link to it.
pub type External = BTreeMap<String, (Target, String)>;

/// Every file of each tree (relative, `/`-separated) and the scan of each HTML file.
type Files = PerTarget<BTreeMap<String, Option<Scanned>>>;

impl Trees<'_> {
    /// Follows every reference of every HTML file of both trees: the broken
    /// ones, and the addresses on other hosts (each once, with a page that has it).
    pub fn check(&self) -> Result<(Vec<Broken>, External)> {
        let files: Files = PerTarget::try_from_fn(|t| read_tree(self.dirs[t]))?;
        let mut broken = Vec::new();
        let mut external = BTreeMap::new();
        for tree in Target::ALL {
            for (page, scanned) in &files[tree] {
                let Some(scanned) = scanned else { continue };
                for (kind, href) in &scanned.refs {
                    match self.follow(tree, page, href, &files) {
                        Followed::Fine => {}
                        Followed::Elsewhere(url) => {
                            external.entry(url).or_insert_with(|| (tree, page.clone()));
                        }
                        Followed::Broken(why) => broken.push(Broken { tree, page: page.clone(), kind: *kind, href: href.clone(), why }),
                    }
                }
            }
        }
        Ok((broken, external))
    }

    /// Where `href`, written on `page` of `tree`, leads.
    fn follow(&self, tree: Target, page: &str, href: &str, files: &Files) -> Followed {
        let href = href.trim();
        if href.is_empty() || href == "#" || href.starts_with("#:~:") {
            return Followed::Fine;
        }
        let lower = href.to_ascii_lowercase();
        if ["mailto:", "tel:", "javascript:", "data:", "sms:"].iter().any(|s| lower.starts_with(s)) {
            return Followed::Fine;
        }
        let dir = page.strip_suffix(INDEX).unwrap_or_else(|| page.rsplit_once('/').map_or("", |(d, _)| d));
        let base = format!("{}/{}", self.roots[tree], if dir.is_empty() || dir.ends_with('/') { dir.to_string() } else { format!("{dir}/") });
        let Some(absolute) = url::Url::parse(&base).ok().and_then(|b| b.join(href).ok()) else {
            return Followed::Broken(Why::Missing);
        };
        if !matches!(absolute.scheme(), "http" | "https") {
            return Followed::Fine;
        }
        let mut without_fragment = absolute.clone();
        without_fragment.set_fragment(None);
        without_fragment.set_query(None);
        let address = without_fragment.as_str();
        // The members tree may live below the public one (`/members`): the longer root first.
        let mut trees = Target::ALL;
        trees.sort_by_key(|t| std::cmp::Reverse(self.roots[*t].len()));
        let Some((to_tree, rest)) = trees.iter().find_map(|t| {
            let root = self.roots[*t];
            address.strip_prefix(root).filter(|r| r.is_empty() || r.starts_with('/')).map(|r| (*t, r))
        }) else {
            return Followed::Elsewhere(without_fragment.to_string());
        };
        let path = percent_encoding::percent_decode_str(rest.trim_start_matches('/')).decode_utf8_lossy().into_owned();
        let candidates = if path.is_empty() || path.ends_with('/') { vec![format!("{path}{INDEX}")] } else { vec![path.clone(), format!("{path}/{INDEX}")] };
        let Some(file) = candidates.into_iter().find(|c| files[to_tree].contains_key(c)) else {
            return Followed::Broken(Why::Missing);
        };
        let Some(fragment) = absolute.fragment().filter(|f| !f.is_empty()) else { return Followed::Fine };
        let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        match &files[to_tree][&file] {
            Some(target) if !target.ids.contains(fragment.as_ref()) && fragment != "top" => {
                let on_members =
                    to_tree == Target::Public && files[Target::Members].get(&file).and_then(Option::as_ref).is_some_and(|m| m.ids.contains(fragment.as_ref()));
                Followed::Broken(if on_members { Why::PaidAnchor } else { Why::NoAnchor })
            }
            _ => Followed::Fine,
        }
    }
}

/// Where a reference leads.
enum Followed {
    Fine,
    Elsewhere(String),
    Broken(Why),
}

/// Every file below `dir`, HTML files scanned (in parallel).
fn read_tree(dir: &Path) -> Result<BTreeMap<String, Option<Scanned>>> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|e| Diagnostic::file(e.path().unwrap_or(dir), format!("could not read this folder to check its links: {e}")))?;
        if entry.file_type().is_file() {
            paths.push(entry.into_path());
        }
    }
    paths
        .par_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/");
            let scanned = if rel.ends_with(".html") {
                let text = std::fs::read_to_string(p).map_err(|e| Diagnostic::io(p, "read this page to check its links", &e))?;
                Some(scan(&text))
            } else {
                None
            };
            Ok((rel, scanned))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_finds_ids_and_what_the_page_loads() {
        let s = scan(
            "<h2 id=\"methods\">M</h2><a name=\"old\"></a><a href=\"/x/\">x</a><img src=\"a.png\" alt=\"\"><link rel=\"preconnect\" href=\"https://cdn.example\"><link rel=\"stylesheet\" href=\"/style.css\">",
        );
        assert!(s.ids.contains("methods") && s.ids.contains("old"));
        assert_eq!(s.refs, vec![(Kind::Link, "/x/".into()), (Kind::Embed, "a.png".into()), (Kind::Link, "/style.css".into())]);
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn links_are_followed_within_and_across_the_trees() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (public, members) = (tmp.path().join("public"), tmp.path().join("members"));
        write(
            &public,
            "articles/a/index.html",
            "<a href=\"../b/\">b</a> <a href=\"/articles/b/#sec\">sec</a> <a href=\"#paid\">paid</a> <a href=\"#nowhere\">no</a> <a href=\"/gone/\">gone</a> <img src=\"chart.png\"> <a href=\"https://example.org/members/articles/a/#paid\">full</a> <a href=\"https://other.example/x\">x</a> <a href=\"mailto:a@b\">m</a> <a href=\"/articles/b\">no slash</a>",
        );
        write(&public, "articles/b/index.html", "<h2 id=\"sec\">S</h2>");
        write(&members, "articles/a/index.html", "<h2 id=\"paid\">P</h2>");
        let trees = Trees {
            dirs: PerTarget::from_fn(|t| if t == Target::Public { public.as_path() } else { members.as_path() }),
            roots: PerTarget::from_fn(|t| if t == Target::Public { "https://example.org" } else { "https://example.org/members" }),
        };
        let (broken, external) = trees.check().expect("check");
        let found: Vec<(&str, &Why)> = broken.iter().map(|b| (b.href.as_str(), &b.why)).collect();
        assert_eq!(found, vec![("#paid", &Why::PaidAnchor), ("#nowhere", &Why::NoAnchor), ("/gone/", &Why::Missing), ("chart.png", &Why::Missing)]);
        assert_eq!(external.keys().collect::<Vec<_>>(), ["https://other.example/x"]);
    }
}
