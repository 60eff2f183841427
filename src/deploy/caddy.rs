//! Caddy: a `Caddyfile` serving the site at its address (HTTPS by Caddy's
//! own certificates), or on `[deploy] listen` over plain HTTP.

use std::fmt::Write;

use super::{Plan, forms, quoted};

/// The `Caddyfile`.
pub(super) fn files(plan: &Plan, title: &str) -> Vec<(&'static str, String)> {
    vec![("Caddyfile", caddyfile(plan, title))]
}

fn caddyfile(plan: &Plan, title: &str) -> String {
    let root = &plan.root;
    let address = if plan.listen_given {
        let listen = &plan.listen;
        if listen.contains(':') { format!("http://{listen}") } else { format!("http://:{listen}") }
    } else {
        plan.base_url.clone()
    };
    let check = &plan.check_url;
    let upstream = format!("{}:{}", check.host_str().unwrap_or("localhost"), check.port_or_known_default().unwrap_or(80));
    let check_path = match check.query() {
        Some(q) => format!("{}?{q}", check.path()),
        None => check.path().to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "# {} — written by `lede build`; it is replaced on every build.", title.replace('\n', " "));
    out.push_str("# Serves public/, guards members/ with the check service, redirects old addresses.\n");
    out.push_str("# Run it with: caddy run --config Caddyfile --adapter caddyfile\n\n");
    let _ = writeln!(out, "{address} {{");
    out.push_str("\theader {\n\t\tX-Content-Type-Options nosniff\n\t\tReferrer-Policy strict-origin-when-cross-origin\n");
    let _ = writeln!(out, "\t\tContent-Security-Policy {}", quoted(&plan.csp));
    out.push_str("\t\t-Server\n\t}\n\n");
    for (from, to) in &plan.redirects {
        for form in forms(from) {
            let _ = writeln!(out, "\tredir {} {} 301", quoted(&form), quoted(to));
        }
    }
    out.push_str("\tredir /members /members/ 301\n\n");
    // The members tree: every request asks the check service first. A
    // refusal sends the reader to subscribe; any other answer than 2xx is
    // passed on as it is, never the page.
    out.push_str("\thandle /members/* {\n");
    let _ = writeln!(out, "\t\tforward_auth {} {{", quoted(&format!("{}://{upstream}", check.scheme())));
    let _ = writeln!(out, "\t\t\turi {}", quoted(&check_path));
    out.push_str("\t\t\theader_up X-Original-URI {uri}\n\t\t\theader_up X-Original-Method {method}\n");
    out.push_str("\t\t\t@refused status 401 403\n\t\t\thandle_response @refused {\n\t\t\t\tredir * /subscribe/?next={http.request.uri} 302\n\t\t\t}\n\t\t}\n");
    let _ = writeln!(out, "\t\troot * {}", quoted(root));
    out.push_str("\t\theader Cache-Control \"private, no-store\"\n\t\tfile_server\n\t}\n\n");
    out.push_str("\thandle {\n");
    let _ = writeln!(out, "\t\troot * {}", quoted(&format!("{root}/public")));
    out.push_str("\t\t@pages path / *.html */\n\t\theader @pages Cache-Control \"no-cache\"\n");
    // A stylesheet or script named by its hash never changes: a year.
    out.push_str("\t\t@immutable path_regexp \\.[0-9a-f]{10}\\.(css|js)$\n\t\theader @immutable Cache-Control \"public, max-age=31536000, immutable\"\n");
    out.push_str("\t\t@files {\n\t\t\tnot path / *.html */\n\t\t\tnot path_regexp \\.[0-9a-f]{10}\\.(css|js)$\n\t\t}\n\t\theader @files Cache-Control \"public, max-age=3600\"\n");
    out.push_str("\t\tfile_server\n\t}\n\n");
    // A missing file answers the tree's 404 page, with its status.
    out.push_str("\thandle_errors {\n\t\t@missing expression {err.status_code} == 404\n\t\thandle @missing {\n");
    let _ = writeln!(out, "\t\t\troot * {}", quoted(&format!("{root}/public")));
    out.push_str("\t\t\trewrite * /404.html\n\t\t\tfile_server {\n\t\t\t\tstatus 404\n\t\t\t}\n\t\t}\n\t}\n}\n");
    out
}
