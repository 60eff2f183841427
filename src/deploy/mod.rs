//! Server configurations for the hosts a site names in `[deploy] hosts`,
//! written into `deploy/<host>/` beside the two trees: each serves the
//! public tree, guards the members tree with the site's check service
//! (a reader it refuses is sent to subscribe, and a check that fails
//! refuses), redirects every alias, answers the 404 page with status 404,
//! and sets cache and security headers. Paths are the only thing of the
//! members tree they name.

mod caddy;
mod netlify;
mod nginx;

pub use netlify::NETLIFY_MEMBERS;

use std::path::Path;

use crate::config::{Config, Host};
use crate::diagnostics::{Diagnostic, Result};
use crate::site::Site;
use crate::target::Target;

/// Where the deploy files go, beside `public/` and `members/`.
pub const DEPLOY_DIR: &str = "deploy";

/// What every host's configuration is made from.
struct Plan {
    /// `example.org`, from `base_url`.
    server_name: String,
    /// What the server listens on: `[deploy] listen`, else the port of `base_url` (80 by default).
    listen: String,
    /// Whether `listen` was given (Caddy then serves plain HTTP on it).
    listen_given: bool,
    /// `https://example.org`, for Caddy's site address.
    base_url: String,
    /// The folder holding `public/` and `members/` on the server.
    root: String,
    /// The check service.
    check_url: url::Url,
    /// Old addresses and where they moved, both trees.
    redirects: Vec<(String, String)>,
    /// The Content-Security-Policy the theme's pages keep to.
    csp: String,
}

/// Writes the configuration of every host `[deploy]` names into `sink`,
/// for an output that will live at `out` (absolute): the servers' into
/// `deploy/<host>/`, Netlify's and Cloudflare's `_headers` into the trees.
pub fn write(site: &Site, out: &Path, sink: &dyn crate::output::Output) -> Result<()> {
    let config = site.config();
    if config.deploy.hosts.is_empty() {
        return Ok(());
    }
    let csp = csp(config);
    // What both servers' files are made from, made once.
    let servers = config.deploy.hosts.iter().any(|h| matches!(h, Host::Nginx | Host::Caddy));
    let plan = if servers { Some(plan(site, config, out, &csp)?) } else { None };
    for host in &config.deploy.hosts {
        let files = match (host, &plan) {
            (Host::Nginx, Some(plan)) => nginx::files(plan, &config.title),
            (Host::Caddy, Some(plan)) => caddy::files(plan, &config.title),
            (Host::Netlify, _) => {
                sink.write(Target::Public, HEADERS, netlify::headers(*host, false, &csp, site.assets(), "/members").as_bytes())?;
                continue;
            }
            (Host::Cloudflare, _) => {
                sink.write(Target::Public, HEADERS, netlify::headers(*host, false, &csp, site.assets(), "").as_bytes())?;
                sink.write(Target::Members, HEADERS, netlify::headers(*host, true, &csp, site.assets(), "").as_bytes())?;
                continue;
            }
            (Host::Nginx | Host::Caddy, None) => continue,
        };
        for (name, text) in files {
            sink.write_beside(&format!("{DEPLOY_DIR}/{}/{name}", host.name()), text.as_bytes())?;
        }
    }
    Ok(())
}

/// The file Netlify and Cloudflare Pages read their headers from.
pub const HEADERS: &str = "_headers";

fn plan(site: &Site, config: &Config, out: &Path, csp: &str) -> Result<Plan> {
    let base = url::Url::parse(&config.base_url).map_err(|e| Diagnostic::file(crate::layout::CONFIG_FILE, format!("base_url: {e}")))?;
    let check_url = url::Url::parse(&config.deploy.check_url).map_err(|e| Diagnostic::file(crate::layout::CONFIG_FILE, format!("[deploy] check_url: {e}")))?;
    let root = match &config.deploy.root {
        Some(r) => r.trim_end_matches('/').to_string(),
        None => out.to_string_lossy().trim_end_matches('/').to_string(),
    };
    if root.contains(|c: char| c.is_control() || "\"';{}$\\".contains(c)) {
        return Err(Diagnostic::file(
            crate::layout::CONFIG_FILE,
            format!("the output folder {root:?} has a character a server configuration cannot hold: set [deploy] root to where the trees live on the server"),
        )
        .into());
    }
    let listen = config.deploy.listen.clone().unwrap_or_else(|| base.port().map_or_else(|| "80".to_string(), |p| p.to_string()));
    let mut redirects = site.redirect_pairs(Target::Public);
    redirects.extend(site.redirect_pairs(Target::Members));
    Ok(Plan {
        server_name: base.host_str().unwrap_or("localhost").to_string(),
        listen_given: config.deploy.listen.is_some(),
        listen,
        base_url: config.base_url.clone(),
        root,
        check_url,
        redirects,
        csp: csp.to_string(),
    })
}

/// The policy the built-in theme keeps to: its own stylesheet and images,
/// no script but the JSON-LD data block (which a policy does not run), the
/// subscribe form posting where the site says, and embeds framing only what
/// a reader asked to play. The embed's play link is styled inside the page
/// (its frame inherits this policy), so that style's hash is allowed.
fn csp(config: &Config) -> String {
    let form = url::Url::parse(&config.subscribe_action).ok().map(|u| u.origin().ascii_serialization()).filter(|o| o != "null");
    // The form posts to `action`, or sends the reader to a plan's checkout page.
    let checkouts = config.plans.iter().filter_map(|p| p.checkout.as_deref()).filter_map(|c| url::Url::parse(c).ok()).map(|u| u.origin().ascii_serialization());
    let mut origins: Vec<String> = form.into_iter().chain(checkouts).collect();
    origins.sort();
    origins.dedup();
    let mut form_action = String::from("'self'");
    for origin in origins {
        form_action.push(' ');
        form_action.push_str(&origin);
    }
    // The search page runs its script and Pagefind's, which compiles its
    // WebAssembly and fetches the index files, all from the site itself.
    let search = if config.search { " script-src 'self' 'wasm-unsafe-eval'; connect-src 'self';" } else { "" };
    format!(
        "default-src 'none'; style-src 'self' '{}';{search} img-src 'self' data: https:; frame-src https:; form-action {form_action}; base-uri 'self'; frame-ancestors 'self'",
        crate::render::embed_style_hash()
    )
}

/// The addresses that ask for an alias's page: written with or without
/// its last slash, a folder's address answers both ways (`/p/x` and `/p/x/`).
fn forms(from: &str) -> Vec<String> {
    match from.strip_suffix('/') {
        Some("") => vec![from.to_string()],
        Some(bare) => vec![bare.to_string(), from.to_string()],
        None if from.rsplit('/').next().is_some_and(|last| last.contains('.')) => vec![from.to_string()],
        None => vec![from.to_string(), format!("{from}/")],
    }
}

/// `text` quoted for a configuration file: in double quotes, with `"` and `\` escaped.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests;
