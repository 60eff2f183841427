//! Snapshots of a teaser page and a members page, rendered through a
//! fixture template that prints every field a theme receives, so a change
//! in what pages carry shows up as a reviewed diff.

mod common;

use common::Site;

const TEMPLATE: &str = r#"<!-- {{ site.target }} {{ site.url }} -->
<p class="kicker">{{ page.column.name }} ({{ page.column.url }})</p>
<h1>{{ page.title }}</h1>
<p>{% for a in page.authors %}{{ a.name }} <{{ a.url }}>; {% endfor %}{{ page.date.long }} / {{ page.date.iso }} / {{ page.date.rfc3339 }}</p>
<p>teaser: {{ page.teaser }}</p>
<p>locked: {{ page.locked }} paywalled: {{ page.paywalled }} minutes: {{ page.reading_minutes }}</p>
<p>urls: {{ page.url }} | {{ page.public_url }} | {{ page.members_url }}</p>
<nav>{% for h in page.toc %}[{{ h.level }} #{{ h.id }} {{ h.title }}]{% endfor %}</nav>
<div class="body">
{{ page.body | safe }}</div>
<ol class="notes">
{{ page.footnotes | safe }}</ol>
{% if page.locked %}<form action="{{ site.subscribe.action }}">{% for p in site.subscribe.plans %}[{{ p.id }} {{ p.name }} {{ p.price }}]{% endfor %} {{ site.subscribe.pitch }}</form>{% endif %}
"#;

const BODY: &str = "Opening paragraph with a note[^a] and \"quotes\".\n\n\
## Where it stands\n\n\
Second free paragraph.\n\n\
<!-- paywall -->\n\n\
Paid paragraph citing a private note[^b] and the first again[^a].\n\n\
| Year | Share |\n|---|---:|\n| 2025 | 12% |\n\n\
## What comes next\n\n\
> A quoted official.\n\n\
[^a]: The public note.\n\
[^b]: The private note.\n";

fn site() -> Site {
    let site = Site::new();
    site.write("templates/article.html", TEMPLATE);
    site.article(
        "a-partnership-deferred",
        "title = \"A Partnership Deferred\"\ndate = 2009-12-22\ncolumn = \"Global Insights\"\nauthors = [\"Ann Analyst\", \"Bo Writer\"]\ntags = [\"NATO\"]",
        BODY,
    );
    site.build_ok();
    site
}

#[test]
fn teaser_page() {
    let site = site();
    insta::assert_snapshot!(site.read("dist/public/articles/a-partnership-deferred/index.html"));
}

#[test]
fn members_page() {
    let site = site();
    insta::assert_snapshot!(site.read("dist/members/articles/a-partnership-deferred/index.html"));
}
