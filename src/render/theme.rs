//! The built-in theme: the example site's `templates/` and `static/`,
//! compiled into the binary so a site with only content builds.

/// Built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("page.html", include_str!("../../templates/page.html")),
    ("listing.html", include_str!("../../templates/listing.html")),
    ("terms.html", include_str!("../../templates/terms.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("subscribe.html", include_str!("../../templates/subscribe.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("partials/pagination.html", include_str!("../../templates/partials/pagination.html")),
    ("partials/header.html", include_str!("../../templates/partials/header.html")),
    ("partials/footer.html", include_str!("../../templates/partials/footer.html")),
    ("partials/card.html", include_str!("../../templates/partials/card.html")),
    ("partials/byline.html", include_str!("../../templates/partials/byline.html")),
    ("partials/body.html", include_str!("../../templates/partials/body.html")),
    ("partials/subscribe_box.html", include_str!("../../templates/partials/subscribe_box.html")),
    ("shortcodes/pullquote.html", include_str!("../../templates/shortcodes/pullquote.html")),
    ("shortcodes/callout.html", include_str!("../../templates/shortcodes/callout.html")),
    ("shortcodes/figure.html", include_str!("../../templates/shortcodes/figure.html")),
    ("shortcodes/embed.html", include_str!("../../templates/shortcodes/embed.html")),
    ("shortcodes/chart.html", include_str!("../../templates/shortcodes/chart.html")),
];

/// Built-in static files, by path under `static/`.
pub const STATIC: &[(&str, &[u8])] = &[("style.css", include_bytes!("../../static/style.css")), ("search.js", include_bytes!("../../static/search.js"))];
