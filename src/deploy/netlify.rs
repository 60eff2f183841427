//! Netlify and Cloudflare Pages read two files from a site's root:
//! `_redirects` (lede writes the aliases there, and for Netlify the rule
//! that serves `/members/` to the `subscriber` role only) and `_headers`.
//! Both name paths only: nothing of the paid text.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::config::Host;

/// The `_redirects` lines that keep Netlify's members tree to subscribers:
/// the role's readers get the page, everyone else the subscribe page, with
/// the page they asked for kept. After the aliases: the first rule that
/// matches wins.
pub const NETLIFY_MEMBERS: &str = "# The members tree: for the subscriber role (Netlify Identity or a JWT with app_metadata.roles), else the subscribe page.\n\
/members/*  /members/:splat  200!  Role=subscriber\n\
/members/*  /subscribe/?next=/members/:splat  302!\n";

/// `_headers` for the tree deployed as a site of its own: the security
/// headers on every path, a year for the files named by their hash, and for
/// the members tree (under `/members/` on Netlify, the whole project on
/// Cloudflare) no caching anywhere.
pub(super) fn headers(host: Host, members_project: bool, csp: &str, assets: &BTreeMap<String, String>, members_prefix: &str) -> String {
    let mut out = String::from("# Written by `lede build` for ");
    out.push_str(host.name());
    out.push_str("; it is replaced on every build.\n/*\n");
    out.push_str("  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n");
    let _ = writeln!(out, "  Content-Security-Policy: {csp}");
    if members_project {
        out.push_str("  Cache-Control: private, no-store\n");
        return out;
    }
    for name in assets.values() {
        let _ = writeln!(out, "/{name}\n  Cache-Control: public, max-age=31536000, immutable");
    }
    if !members_prefix.is_empty() {
        let _ = writeln!(out, "{members_prefix}/*\n  Cache-Control: private, no-store");
    }
    out
}
