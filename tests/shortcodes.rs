//! Shortcodes in bodies, on whole sites: the built-ins, a site's own and
//! overridden templates, each a single block for the cut, and the paid
//! side's shortcodes (their bodies, their charts' data) kept out of the
//! public tree.

mod common;

use common::Site;

const CSV: &str = "quarter,rate\nQ1 PAIDLABELQUARTER,2.5\nQ2,3.25\nQ3,-1\n";

fn site_with_everything() -> Site {
    let site = Site::new();
    site.write(
        "content/articles/rates/index.md",
        concat!(
            "+++\ntitle = \"Rates\"\ndate = 2025-03-01\npaywall = 3\n+++\n",
            "Free opening with `{{ figure(src=\"x\") }}` shown as code.\n\n",
            "{% callout(kind=\"finding\", title=\"Free finding\") %}\nFree callout text.\n\nA second free paragraph inside.\n{% end %}\n\n",
            "{{ figure(src=\"free.png\", alt=\"A free map\", caption=\"Where it happened\", credit=\"Jo Li\", source=\"Survey\", data=\"free.csv\") }}\n\n",
            "Paid paragraph PAIDPARAWORD.\n\n",
            "{% pullquote(cite=\"PAIDCITEWORD\") %}\nPAIDQUOTEWORD said it.\n{% end %}\n\n",
            "{% callout(kind=\"warning\") %}\nPAIDCALLOUTWORD **here**.\n{% end %}\n\n",
            "{{ chart(csv=\"paid.csv\", kind=\"bar\", title=\"PAIDCHARTTITLE\", x=\"quarter\", y=\"rate\") }}\n\n",
            "{{ embed(url=\"https://www.youtube.com/watch?v=abc\", title=\"PAIDVIDEOWORD\") }}\n",
        ),
    );
    site.write("content/articles/rates/paid.csv", CSV);
    site.write("content/articles/rates/free.csv", "a,b\n1,2\n");
    site.write("content/articles/rates/free.png", b"PNG");
    site.build_ok();
    site
}

#[test]
fn paid_shortcodes_never_reach_the_public_tree() {
    let site = site_with_everything();
    let words = ["PAIDPARAWORD", "PAIDCITEWORD", "PAIDQUOTEWORD", "PAIDCALLOUTWORD", "PAIDCHARTTITLE", "PAIDLABELQUARTER", "PAIDVIDEOWORD"];
    for (path, bytes) in site.files_under("dist/public") {
        let text = String::from_utf8_lossy(&bytes);
        for w in words {
            assert!(!text.contains(w), "{w} in {}", path.display());
        }
    }
    assert!(!site.root().join("dist/public/articles/rates/paid.csv").exists(), "the paid chart's data is public");
    let members = site.read("dist/members/articles/rates/index.html");
    for w in words {
        assert!(members.contains(w), "{w} missing for members");
    }
}

#[test]
fn a_block_shortcode_is_one_block_for_the_cut() {
    let site = site_with_everything();
    let public = site.read("dist/public/articles/rates/index.html");
    // paywall = 3: the paragraph, the callout (two paragraphs inside) and the figure.
    assert!(public.contains("A second free paragraph inside."), "{public}");
    assert!(public.contains("<figure class=\"figure\"><img src=\"free.png\" alt=\"A free map\""), "{public}");
    assert!(public.contains("{{ figure(src=&quot;x&quot;) }}"), "a shortcode in code is shown as written: {public}");
    assert!(!public.contains("<p><div") && !public.contains("<p><figure"), "{public}");
    assert!(site.root().join("dist/public/articles/rates/free.csv").is_file(), "the free figure's data link makes its file public");
}

#[test]
fn the_built_ins_render_as_documented() {
    let site = site_with_everything();
    let members = site.read("dist/members/articles/rates/index.html");
    assert!(members.contains("<aside class=\"pull-quote\"><p>PAIDQUOTEWORD said it.</p>"), "{members}");
    assert!(members.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"), "{members}");
    assert!(members.contains("<svg class=\"chart-svg\" role=\"img\"") && members.contains("<title>PAIDCHARTTITLE</title>"), "{members}");
    assert!(members.contains("<div class=\"chart-data\"><table>") && members.contains("<td>3.25</td>"), "{members}");
    // The embed's frame holds a play link written into the page; the player's address is only in it.
    assert!(members.contains("<figure class=\"embed\"><iframe srcdoc=\""), "{members}");
    assert!(members.contains("&lt;a href=&quot;https://www.youtube-nocookie.com/embed/abc?autoplay=1&quot;&gt;"), "{members}");
    assert!(members.contains("<a href=\"https://www.youtube.com/watch?v=abc\">"), "{members}");
    assert!(!members.contains(" src=\"https://www.youtube"), "{members}");
}

#[test]
fn a_site_overrides_a_built_in_and_adds_its_own() {
    let site = Site::new();
    site.write("templates/shortcodes/pullquote.html", "<aside class=\"mine\">{{ body | safe }}</aside>");
    site.write("templates/shortcodes/stat.html", "<strong class=\"stat\">{{ n }} {{ unit }}</strong>");
    site.article(
        "a",
        "title = \"A\"\ndate = 2025-01-01\npaywall = false",
        "Growth was {{ stat(n=3.5, unit=\"percent\") }} last year.\n\n{% pullquote() %}\nQuoted.\n{% end %}\n",
    );
    site.build_ok();
    let page = site.read("dist/public/articles/a/index.html");
    assert!(page.contains("Growth was <strong class=\"stat\">3.5 percent</strong> last year."), "{page}");
    assert!(page.contains("<aside class=\"mine\"><p>Quoted.</p>"), "{page}");
}

#[test]
fn mistakes_are_errors_at_their_line_and_column() {
    let site = Site::new();
    site.article(
        "a",
        "title = \"A\"\ndate = 2025-01-01\npaywall = false",
        "Intro.\n\n{{ pulquote(cite=\"x\") }}\n\n{{ figure(src=\"a.png\", alt=\"A\", size=3) }}\n\n{{ figure(src=3, alt=\"A\") }}\n",
    );
    site.article("b", "title = \"B\"\ndate = 2025-01-01\npaywall = false", "Intro.\n\n{% callout() %}\nNever closed.\n");
    site.write(
        "content/articles/c/index.md",
        "+++\ntitle = \"C\"\ndate = 2025-01-01\npaywall = false\n+++\n{{ chart(csv=\"d.csv\", title=\"T\", x=\"year\", y=\"value\") }}\n",
    );
    site.write("content/articles/c/d.csv", "year,rate\n2020,1\n");
    site.write(
        "content/articles/d/index.md",
        "+++\ntitle = \"D\"\ndate = 2025-01-01\npaywall = false\n+++\n{{ chart(csv=\"gone.csv\", title=\"T\", x=\"year\", y=\"value\") }}\n",
    );
    let err = site.build_err();
    assert!(err.contains("content/articles/a.md:8:1: there is no shortcode `pulquote`"), "{err}");
    assert!(err.contains("callout, chart, embed, figure, pullquote"), "{err}");
    assert!(err.contains("content/articles/a.md:10:33: the shortcode `figure` takes no argument `size`"), "{err}");
    assert!(err.contains("content/articles/a.md:12:11: `src` of the shortcode `figure` must be a string"), "{err}");
    assert!(err.contains("content/articles/b.md:8:1: the shortcode `callout` is never closed"), "{err}");
    assert!(err.contains("content/articles/c/index.md:6:44: content/articles/c/d.csv has no column \"value\""), "{err}");
    assert!(err.contains("content/articles/d/index.md:6:10: cannot read content/articles/d/gone.csv"), "{err}");
}

#[test]
fn a_marker_inside_a_shortcode_is_refused() {
    let site = Site::new();
    site.article("a", "title = \"A\"\ndate = 2025-01-01\npaywall = 1", "Intro.\n\n{% callout() %}\nFree.\n\n<!-- paywall -->\n\nPaid.\n{% end %}\n");
    let err = site.build_err();
    assert!(err.contains("cannot cut inside the shortcode `callout`"), "{err}");
}
