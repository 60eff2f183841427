//! nginx: `site.conf`, a `server` block (with the redirect `map` before it)
//! for an existing nginx's `http` block, and `nginx.conf`, a whole
//! configuration around it for running it alone (`nginx -p DIR -c nginx.conf`).

use std::fmt::Write;

use super::{Plan, forms, quoted};

/// The headers every answer carries. nginx drops a server's `add_header`
/// lines in a location that has its own, so each location repeats them.
fn security_headers(plan: &Plan, out: &mut String, indent: &str) {
    let _ = writeln!(out, "{indent}add_header X-Content-Type-Options \"nosniff\" always;");
    let _ = writeln!(out, "{indent}add_header Referrer-Policy \"strict-origin-when-cross-origin\" always;");
    let _ = writeln!(out, "{indent}add_header Content-Security-Policy {} always;", quoted(&plan.csp));
}

/// `site.conf` and `nginx.conf`.
pub(super) fn files(plan: &Plan, title: &str) -> Vec<(&'static str, String)> {
    vec![("site.conf", site(plan, title)), ("nginx.conf", whole())]
}

fn site(plan: &Plan, title: &str) -> String {
    let root = &plan.root;
    let mut out = String::new();
    let _ = writeln!(out, "# {} — written by `lede build`; it is replaced on every build.", title.replace('\n', " "));
    out.push_str("# Serves public/, guards members/ with the check service, redirects old addresses.\n");
    out.push_str("# Include it in nginx's http block, or run nginx.conf beside it.\n\n");
    out.push_str("map $uri $lede_redirect {\n    default \"\";\n");
    for (from, to) in &plan.redirects {
        for form in forms(from) {
            let _ = writeln!(out, "    {} {};", quoted(&form), quoted(to));
        }
    }
    out.push_str("}\n\nserver {\n");
    let _ = writeln!(out, "    listen {};", plan.listen);
    let _ = writeln!(out, "    server_name {};", plan.server_name);
    out.push_str("    # For HTTPS, add `listen 443 ssl;` and your certificate here, or end TLS in front of nginx.\n");
    let _ = writeln!(out, "    root {};", quoted(&format!("{root}/public")));
    out.push_str("    index index.html;\n    charset utf-8;\n    server_tokens off;\n    error_page 404 /404.html;\n\n");
    out.push_str("    if ($lede_redirect) {\n        return 301 $lede_redirect;\n    }\n\n");
    // Pages change with every build; the other files are cached for an hour.
    out.push_str("    location / {\n        try_files $uri $uri/ =404;\n");
    security_headers(plan, &mut out, "        ");
    out.push_str("        add_header Cache-Control \"no-cache\" always;\n    }\n");
    // A stylesheet or script named by its hash never changes: a year.
    out.push_str("    location ~ \"\\.[0-9a-f]{10}\\.(?:css|js)$\" {\n        try_files $uri =404;\n");
    security_headers(plan, &mut out, "        ");
    out.push_str("        add_header Cache-Control \"public, max-age=31536000, immutable\" always;\n    }\n");
    out.push_str("    location ~* \\.(?:css|png|jpe?g|gif|webp|svg|ico|csv|pdf|xml|txt)$ {\n        try_files $uri =404;\n");
    security_headers(plan, &mut out, "        ");
    out.push_str("        add_header Cache-Control \"public, max-age=3600\" always;\n    }\n\n");
    // The members tree: every request asks the check service first. A
    // refusal sends the reader to subscribe; a check that fails is an error, never a page.
    out.push_str("    location = /members {\n        return 301 /members/;\n    }\n");
    out.push_str("    location ^~ /members/ {\n        auth_request /_lede_check;\n        error_page 401 403 = @lede_subscribe;\n");
    let _ = writeln!(out, "        root {};", quoted(root));
    out.push_str("        try_files $uri $uri/ =404;\n        error_page 404 /members/404.html;\n");
    security_headers(plan, &mut out, "        ");
    out.push_str("        add_header Cache-Control \"private, no-store\" always;\n    }\n");
    out.push_str("    location = /_lede_check {\n        internal;\n");
    let _ = writeln!(out, "        proxy_pass {};", plan.check_url);
    out.push_str("        proxy_pass_request_body off;\n        proxy_set_header Content-Length \"\";\n");
    out.push_str("        proxy_set_header X-Original-URI $request_uri;\n        proxy_set_header X-Original-Method $request_method;\n    }\n");
    out.push_str("    location @lede_subscribe {\n        return 302 /subscribe/?next=$request_uri;\n    }\n}\n");
    out
}

/// A whole configuration around `site.conf`, for running it alone: in the
/// foreground, as the user who starts it, with its files beside it.
fn whole() -> String {
    "# To run site.conf alone (trying a build, a test): nginx -p . -c nginx.conf, from this folder.\n\
     # A real server includes site.conf in its own configuration instead.\n\
     daemon off;\n\
     master_process off;\n\
     pid nginx.pid;\n\
     error_log stderr warn;\n\
     events {\n    worker_connections 256;\n}\n\
     http {\n\
     \x20   types {\n\
     \x20       text/html html;\n        text/css css;\n        text/javascript js;\n        text/plain txt;\n        text/csv csv;\n\
     \x20       application/json json;\n\
     \x20       application/xml xml;\n        application/atom+xml atom;\n        application/pdf pdf;\n\
     \x20       image/png png;\n        image/jpeg jpg jpeg;\n        image/gif gif;\n        image/webp webp;\n\
     \x20       image/svg+xml svg;\n        image/x-icon ico;\n\
     \x20   }\n\
     \x20   default_type application/octet-stream;\n\
     \x20   access_log off;\n\
     \x20   client_body_temp_path temp-body;\n    proxy_temp_path temp-proxy;\n\
     \x20   fastcgi_temp_path temp-fastcgi;\n    uwsgi_temp_path temp-uwsgi;\n    scgi_temp_path temp-scgi;\n\
     \x20   include site.conf;\n\
     }\n"
    .to_string()
}
