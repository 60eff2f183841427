//! The product's promise: no word past a cutoff reaches dist/public by any
//! road. Generated articles carry unique marker words in every kind of paid
//! block; every public file is scanned for them.

mod common;

use common::Site;

/// A marker word that no template, slug or summary could produce by chance.
fn paid(article: usize, block: usize) -> String {
    format!("zqpaid{article}x{block}q")
}

fn free(article: usize, block: usize) -> String {
    format!("zqfree{article}x{block}q")
}

/// Paid blocks of every kind, each holding its own marker word(s). With
/// `marker_in_code`, the code sample shows a `<!-- paywall -->` line (only
/// an article that states its cutoff elsewhere may: otherwise it reads as a
/// swallowed cutoff and is refused).
fn paid_blocks(a: usize, marker_in_code: bool) -> (String, Vec<String>) {
    let sample = if marker_in_code { "<!-- paywall -->" } else { "<!-- a comment -->" };
    let m: Vec<String> = (0..14).map(|b| paid(a, b)).collect();
    let body = format!(
        "Paid paragraph {m0} with a note[^late{a}] and *emphasis {m1}*.\n\n\
         ## Heading {m2}\n\n\
         - list item {m3}\n- another\n\n\
         1. ordered {m4}\n\n\
         > quoted {m5}\n\n\
         | Col {m6} | B |\n|---|---|\n| cell {m7} | 2 |\n\n\
         ```text\ncode {m8}\n{sample}\n```\n\n\
         <div class=\"aside\">html {m9}</div>\n\n\
         ---\n\n\
         ### Sub {m10}\n\n\
         Link [anchor {m11}](https://example.org/{m12}) and image ![alt {m13}](/x.png).\n\n\
         [^late{a}]: Footnote only the paid part cites: {note}.\n",
        m0 = m[0],
        m1 = m[1],
        m2 = m[2],
        m3 = m[3],
        m4 = m[4],
        m5 = m[5],
        m6 = m[6],
        m7 = m[7],
        m8 = m[8],
        m9 = m[9],
        m10 = m[10],
        m11 = m[11],
        m12 = m[12],
        m13 = m[13],
        note = paid(a, 99),
    );
    let mut all = m;
    all.push(paid(a, 99));
    (body, all)
}

/// How many blocks [`html_blocks`] writes.
const HTML_BLOCKS: usize = 10;

/// One closed HTML block of each CommonMark kind (1: `pre`, `script`,
/// `style`, `textarea`; 2: a comment; 3: a processing instruction; 4: a
/// declaration; 5: CDATA; 6: a known block tag; 7: any other tag alone on
/// its line), the words `word(0)` to `word(10)` inside them.
fn html_blocks(word: impl Fn(usize) -> String) -> String {
    let w: Vec<String> = (0..=10).map(word).collect();
    format!(
        "<pre>\npre {w0}\n</pre>\n\n\
         <script type=\"text/plain\">\nscript {w1}\n</script>\n\n\
         <style>\n.{w2} {{ color: inherit }}\n</style>\n\n\
         <textarea>\ntextarea {w3}\n</textarea>\n\n\
         <!--\ncomment {w4}\n-->\n\n\
         <?note instruction {w5} ?>\n\n\
         <!DOCTYPE {w6}>\n\n\
         <![CDATA[\ncdata {w7}\n]]>\n\n\
         <div class=\"aside\">\ndiv {w8}\n</div>\n\n\
         <aside-note data-word=\"{w9}\">\ncustom {w10}\n</aside-note>\n\n",
        w0 = w[0],
        w1 = w[1],
        w2 = w[2],
        w3 = w[3],
        w4 = w[4],
        w5 = w[5],
        w6 = w[6],
        w7 = w[7],
        w8 = w[8],
        w9 = w[9],
        w10 = w[10],
    )
}

#[test]
fn no_paid_word_reaches_the_public_tree() {
    let site = Site::new();
    // The paid part embeds it: a missing image would be refused.
    site.write("static/x.png", b"not a picture");
    let mut paid_words = Vec::new();
    let mut free_words = Vec::new();
    let mut hidden_words = Vec::new();
    for a in 0..24 {
        let (paid_body, words) = paid_blocks(a, a % 4 != 2);
        paid_words.extend(words);
        // HTML blocks of every kind after the cut, and (where the cutoff allows more free blocks) before it.
        let paid_body = format!("{paid_body}\n{}", html_blocks(|i| paid(a, 20 + i)));
        paid_words.extend((20..=30).map(|i| paid(a, i)));
        let free_html = html_blocks(|i| free(a, 20 + i));
        if a % 4 != 2 {
            free_words.extend((20..=30).map(|i| free(a, i)));
        }
        let (f0, f1) = (free(a, 0), free(a, 1));
        free_words.push(f0.clone());
        free_words.push(f1.clone());
        // A definition written early but cited only after the cut must stay private.
        let early_note = format!("[^early{a}]: Early-defined note {}.\n\n", paid(a, 98));
        paid_words.push(paid(a, 98));
        let paid_body = paid_body.replacen("Paid paragraph", &format!("Paid paragraph[^early{a}]"), 1);
        let teaser = if a % 2 == 0 { format!("teaser = \"Public summary {a}.\"\n") } else { String::new() };
        let date = format!("date = 2025-{:02}-{:02}", 1 + a % 12, 1 + a % 27);
        let tags = format!("tags = [\"Topic{}\", \"Shared\"]\ncolumn = \"Col{}\"\nauthors = [\"Writer {}\"]", a % 3, a % 2, a % 4);
        let (front, body) = match a % 4 {
            // A number of free blocks, with a code sample that only looks like a marker.
            0 => (
                format!("title = \"Numbered {a}\"\n{date}\n{tags}\n{teaser}paywall = {}", 3 + HTML_BLOCKS),
                format!("{early_note}First {f0}.\n\n```\n<!-- paywall -->\n```\n\nSecond {f1}.\n\n{free_html}{paid_body}"),
            ),
            // A marker line.
            1 => (
                format!("title = \"Marked {a}\"\n{date}\n{tags}\n{teaser}"),
                format!("First {f0}.\n\n{early_note}{free_html}Second {f1}.\n\n<!-- paywall -->\n\n{paid_body}"),
            ),
            // The site default (two free blocks).
            2 => (format!("title = \"Default {a}\"\n{date}\n{tags}\n{teaser}"), format!("First {f0}.\n\nSecond {f1}.\n\n{early_note}{paid_body}")),
            // A heading among the free blocks; the derived teaser must come from the free side.
            _ => (
                format!("title = \"Headed {a}\"\n{date}\n{tags}\n{teaser}paywall = {}", 2 + HTML_BLOCKS),
                format!("## Opening {f0}\n\n{free_html}Second {f1}.\n\n{early_note}{paid_body}"),
            ),
        };
        site.article(&format!("article-{a}"), &front, &body);
    }
    // Drafts and scheduled articles appear nowhere, not even their free words.
    for (slug, extra) in [("draft-one", "draft = true\ndate = 2025-01-01"), ("future-one", "date = 2999-01-01")] {
        let word = format!("zqhidden{slug}q");
        hidden_words.push(word.clone());
        site.article(slug, &format!("title = \"Hidden {word}\"\n{extra}\npaywall = 1"), &format!("Free {word}.\n\nPaid {word}.\n"));
    }
    site.build_ok();

    let public = site.files_under("dist/public");
    assert!(public.len() > 24, "expected a page per article, got {}", public.len());
    let public_text: Vec<(String, String)> = public.iter().map(|(p, b)| (p.display().to_string(), String::from_utf8_lossy(b).to_lowercase())).collect();
    for word in paid_words.iter().chain(&hidden_words) {
        for (path, text) in &public_text {
            assert!(!text.contains(word.as_str()), "paid word {word} leaked into {path}");
        }
    }
    // The scan is not vacuous: free words are public, and every paid word is in the members tree.
    let all_public: String = public_text.iter().map(|(_, t)| t.as_str()).collect();
    for word in &free_words {
        assert!(all_public.contains(word.as_str()), "free word {word} missing from the public tree");
    }
    let members: String = site.files_under("dist/members").iter().map(|(_, b)| String::from_utf8_lossy(b).to_lowercase()).collect();
    for word in &paid_words {
        assert!(members.contains(word.as_str()), "paid word {word} missing from the members tree");
    }
    for word in &hidden_words {
        assert!(!members.contains(word.as_str()), "held-back word {word} published to members");
    }
}

#[test]
fn drafts_and_future_articles_are_built_only_when_asked() {
    let site = Site::new();
    site.article("draft", "title = \"Draft\"\ndate = 2025-01-01\ndraft = true\npaywall = false", "Text.\n");
    site.article("later", "title = \"Later\"\ndate = 2999-01-01\npaywall = false", "Text.\n");
    site.build_ok();
    assert!(!site.path("dist/public/articles/draft").exists());
    assert!(!site.path("dist/members/articles/later").exists());
    let out = site.lede(&["build", "--drafts", "--future"]);
    assert!(out.status.success());
    assert!(site.path("dist/public/articles/draft/index.html").exists());
    assert!(site.path("dist/members/articles/later/index.html").exists());
}

#[test]
fn highlighted_code_stays_on_its_side_of_the_cut() {
    let site = Site::new();
    let body = "Free prose zqfreeproseq.\n\n\
                ```rust\nfn zqfreefnq() -> bool { 1 < 2 } // zqfreecommentq\n```\n\n\
                <!-- paywall -->\n\n\
                ```python\ndef zqpaidfnq(minister, coalition):\n    \"\"\"zqpaiddocq: expected before the summer recess.\"\"\"\n    \
                return minister.budget < coalition.partners(\"zqpaidstrq\")  # zqpaidcommentq survives the winter\n```\n\n\
                ```sh\nexport ZQPAIDVARQ=1 && echo \"zqpaidshq\"\n```\n\n\
                ```diff\n-zqpaidoldq\n+zqpaidnewq\n```\n";
    site.article("coded", "title = \"Coded\"\ndate = 2025-01-01", body);
    site.build_ok();
    let paid_words = ["zqpaidfnq", "zqpaiddocq", "zqpaidstrq", "zqpaidcommentq", "zqpaidvarq", "zqpaidshq", "zqpaidoldq", "zqpaidnewq"];
    for (path, bytes) in site.files_under("dist/public") {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for word in paid_words {
            assert!(!text.contains(word), "paid code {word} leaked into {}", path.display());
        }
    }
    // The free code is highlighted on the public page, the paid code on the members page only.
    let public = site.read("dist/public/articles/coded/index.html");
    assert!(public.contains("<span class=\"hl-function\">zqfreefnq</span>"), "{public}");
    assert!(public.contains("<span class=\"hl-comment\">// zqfreecommentq</span>"), "{public}");
    let members = site.read("dist/members/articles/coded/index.html");
    let paid = &members[members.find("subscriber-content").expect("paid part")..];
    for expected in [
        "<span class=\"hl-function\">zqpaidfnq</span>",
        "<span class=\"hl-string\">\"zqpaidstrq\"</span>",
        "<span class=\"hl-comment\"># zqpaidcommentq survives the winter",
        "<span class=\"hl-inserted\">+zqpaidnewq",
    ] {
        assert!(paid.contains(expected), "{expected} missing from the paid part:\n{paid}");
    }
    // The leak check passes the site as built, and finds the paid code once
    // its highlighted HTML is copied into a public file.
    let out = site.lede(&["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let block = &paid[paid.find("<pre").expect("a code block")..];
    let block = &block[..block.find("</pre>").expect("closed") + 6];
    site.write("static/snippet.html", format!("<!doctype html><title>Snippet</title>{block}"));
    let out = site.lede(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/articles/coded.md") && stderr.contains("snippet.html"), "{stderr}");
}

#[test]
fn paid_figures_images_charts_and_embeds_and_their_files_never_reach_the_public_tree() {
    let site = Site::new();
    let body = "Free opening zqfreeopenq.\n\n\
        {{ figure(src=\"free-map.png\", alt=\"The free map zqfreealtq\", caption=\"Free caption zqfreecapq\", credit=\"Free credit\") }}\n\n\
        <!-- paywall -->\n\n\
        Paid text zqpaidtextq.[^n]\n\n\
        {{ figure(src=\"paid-photo.jpg\", alt=\"Paid alt zqpaidaltq\", caption=\"Paid caption zqpaidcapq\", credit=\"Photo: zqpaidcreditq\", data=\"paid-data.csv\") }}\n\n\
        ![Titled alt zqpaidtitledaltq](paid-titled.png \"Titled caption zqpaidtitledq\")\n\n\
        {% callout(kind=\"finding\", title=\"Finding zqpaidfindingq\") %}\nInside ![Inset zqpaidinsetq](paid-inset.png).\n{% end %}\n\n\
        {{ chart(csv=\"paid-series.csv\", title=\"Chart zqpaidchartq\", x=\"year\", y=\"value\") }}\n\n\
        {{ embed(url=\"https://vimeo.com/4242424242\", title=\"Video zqpaidvideoq\") }}\n\n\
        [^n]: A note with its own image ![Note zqpaidnoteq](paid-note.png).\n";
    site.write("content/articles/evidence/index.md", format!("+++\ntitle = \"Evidence\"\ndate = 2025-04-01\n+++\n{body}"));
    let dir = "content/articles/evidence";
    site.write(&format!("{dir}/free-map.png"), common::picture(1200, 600, "free-map.png", 1));
    for (i, name) in ["paid-photo.jpg", "paid-titled.png", "paid-inset.png", "paid-note.png"].into_iter().enumerate() {
        site.write(&format!("{dir}/{name}"), common::picture(1000 + 10 * i as u32, 500, name, 10 + i as u8));
    }
    site.write(&format!("{dir}/paid-series.csv"), "year,value\n2021 zqpaidlabelq,3\n2022,5\n");
    site.write(&format!("{dir}/paid-data.csv"), "a,b\nzqpaidcellq,1\n");
    site.build_ok();

    let public = site.files_under("dist/public");
    let members = site.files_under("dist/members");
    let paid_words = [
        "zqpaidtextq",
        "zqpaidaltq",
        "zqpaidcapq",
        "zqpaidcreditq",
        "zqpaidtitledaltq",
        "zqpaidtitledq",
        "zqpaidfindingq",
        "zqpaidinsetq",
        "zqpaidchartq",
        "zqpaidlabelq",
        "zqpaidvideoq",
        "4242424242",
        "zqpaidnoteq",
        "zqpaidcellq",
    ];
    for (path, bytes) in &public {
        let text = String::from_utf8_lossy(bytes);
        for w in paid_words {
            assert!(!text.contains(w), "{w} in {}", path.display());
        }
    }
    // No paid file or any of its WebP widths, by name or by content.
    let paid_files: Vec<&(std::path::PathBuf, Vec<u8>)> = members.iter().filter(|(p, _)| p.to_string_lossy().contains("/paid-")).collect();
    let names: Vec<String> = paid_files.iter().map(|(p, _)| p.file_name().unwrap_or_default().to_string_lossy().into_owned()).collect();
    for expected in [
        "paid-photo.jpg",
        "paid-photo-480.webp",
        "paid-photo-960.webp",
        "paid-titled-960.webp",
        "paid-inset-480.webp",
        "paid-note-480.webp",
        "paid-series.csv",
        "paid-data.csv",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from the members tree: {names:?}");
    }
    for (path, bytes) in &public {
        assert!(!path.to_string_lossy().contains("/paid-"), "{} is public", path.display());
        assert!(!paid_files.iter().any(|(_, b)| b == bytes), "{} holds a paid file's bytes", path.display());
    }
    // Not vacuous: the free side and its files are public.
    let page = site.read("dist/public/articles/evidence/index.html");
    assert!(page.contains("zqfreecapq") && page.contains("zqfreealtq"), "{page}");
    for name in ["free-map.png", "free-map-480.webp", "free-map-960.webp"] {
        assert!(site.path(&format!("dist/public/articles/evidence/{name}")).is_file(), "{name} missing from the public tree");
    }
    let members_text: String = members.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    for w in paid_words {
        assert!(members_text.contains(w), "{w} missing for members");
    }
    let check = site.lede(&["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}
