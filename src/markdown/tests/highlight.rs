//! Fenced code highlighted at build time: classes for each language lede
//! promises, text escaped exactly as a plain block's, spans balanced, and
//! paid code on the paid side only.

use super::render;
use crate::markdown::highlight::{highlight, push_escaped, syntax_for};
use crate::paywall::Cut;

/// For each language: a sample, and a class with the text that starts it.
const SAMPLES: &[(&str, &str, &str)] = &[
    ("rust", "fn main() {\n    let n: u32 = 0x1F; // a comment\n    println!(\"{n} < 3\");\n}\n", "<span class=\"hl-keyword\">fn"),
    ("rs", "/* a block\ncomment */ struct S;\n", "<span class=\"hl-comment\">/* a block\ncomment */"),
    ("python", "def f(a, b=2):\n    \"\"\"Doc.\"\"\"\n    return a < b\n", "<span class=\"hl-function\">f</span>"),
    ("py", "x = 'quote' # note\n", "<span class=\"hl-string\">'quote'"),
    ("json", "{\"key\": [1, true, null]}\n", "<span class=\"hl-number\">1</span>"),
    ("toml", "[package]\nname = \"lede\"\n", "<span class=\"hl-string\">\"lede\""),
    ("yaml", "key: value # c\nlist:\n  - 1\n", "<span class=\"hl-tag\">key</span>"),
    ("yml", "a: 'b'\n", "<span class=\"hl-string\">'b'</span>"),
    ("bash", "if [ -f \"$HOME/x\" ]; then echo hi; fi\n", "<span class=\"hl-keyword\">if"),
    ("sh", "export FOO=bar # c\n", "<span class=\"hl-comment\"># c"),
    ("shell", "echo hi\n", "<span class=\"hl-function\">echo"),
    ("html", "<a href=\"x\">a &amp; b</a>\n", "<span class=\"hl-attribute\">href</span>"),
    ("css", ".a > p { color: #fff; margin: 0 1px; }\n", "<span class=\"hl-attribute\">color</span>"),
    ("js", "const f = (a) => a < 2 ? \"s\" : null;\n", "<span class=\"hl-keyword\">const"),
    ("javascript", "// c\nlet x = 1;\n", "<span class=\"hl-comment\">// c"),
    ("ts", "interface P { x: number }\n", "<span class=\"hl-type\">number</span>"),
    ("typescript", "function f<T>(a: T): T { return a; }\n", "<span class=\"hl-function\">f</span>"),
    ("sql", "SELECT a FROM t WHERE x = 'y' AND n < 3;\n", "<span class=\"hl-keyword\">SELECT</span>"),
    ("r", "f <- function(a) { mean(a, na.rm = TRUE) }\n", "<span class=\"hl-constant\">TRUE</span>"),
    ("go", "package main\nfunc main() { fmt.Println(\"hi\", 3) }\n", "<span class=\"hl-function\">Println</span>"),
    ("c", "#include <stdio.h>\nint main(void) { return 1 < 2; }\n", "<span class=\"hl-string\">&lt;stdio.h&gt;</span>"),
    ("cpp", "template <typename T> class V : public B {};\n", "<span class=\"hl-type\">V"),
    ("c++", "int x = 1;\n", "<span class=\"hl-number\">1</span>"),
    ("diff", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n", "<span class=\"hl-inserted\">+new</span>"),
    ("markdown", "# Title\n\nSome *em* and **strong** and `code`.\n", "<span class=\"hl-heading\"># Title"),
    ("md", "> quote\n", "<span class=\"hl-comment\">&gt; quote"),
];

/// The highlighted HTML with its spans taken out.
fn without_spans(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('>').expect("a tag closes") + at + 1;
        let tag = &rest[at..end];
        let class = tag.strip_prefix("<span class=\"hl-").and_then(|t| t.strip_suffix("\">"));
        assert!(tag == "</span>" || class.is_some_and(|c| c.bytes().all(|b| b.is_ascii_lowercase())), "{tag}");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn escaped(code: &str) -> String {
    let mut out = String::new();
    push_escaped(&mut out, code);
    out
}

#[test]
fn each_language_gets_its_classes() {
    for &(lang, code, expected) in SAMPLES {
        let syntax = syntax_for(lang).unwrap_or_else(|| panic!("no grammar for {lang}"));
        let html = highlight(syntax, code).unwrap_or_else(|| panic!("{lang} failed"));
        assert!(html.contains(expected), "{lang}: {expected} not in\n{html}");
    }
}

#[test]
fn highlighted_text_is_the_plain_text_escaped() {
    for &(lang, code, _) in SAMPLES {
        let html = highlight(syntax_for(lang).expect("grammar"), code).expect("highlighted");
        // Only spans are added: the text is what a plain block shows, byte for byte.
        assert_eq!(without_spans(&html), escaped(code), "{lang}");
        // No `<` of the code's survives as markup, nor `&` as a reference of its own.
        assert!(!without_spans(&html).contains('<'), "{lang}: {html}");
    }
}

#[test]
fn markup_in_code_stays_text() {
    let code = "let s = \"</code></pre><script>alert(1)</script>\"; // </span> & &amp;\n";
    let html = highlight(syntax_for("rust").expect("rust"), code).expect("highlighted");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("</code>") && !html.contains("</pre>"), "{html}");
    assert!(html.contains("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;"), "{html}");
    assert!(html.contains("&amp; &amp;amp;"), "{html}");
    // The `</span>` in the comment is text; the markup's spans balance.
    assert_eq!(html.matches("<span ").count(), html.matches("</span>").count(), "{html}");
    let c = crate::balance::closers(&html).expect("balanced");
    assert!(c.text.is_empty() && c.stray_end_tags.is_empty(), "{html}");
}

#[test]
fn spans_are_balanced_in_every_sample() {
    for &(lang, code, _) in SAMPLES {
        let html = highlight(syntax_for(lang).expect("grammar"), code).expect("highlighted");
        let c = crate::balance::closers(&html).expect("balanced");
        assert!(c.text.is_empty() && c.stray_end_tags.is_empty(), "{lang}: {html}");
        assert_eq!(html.matches("<span ").count(), html.matches("</span>").count(), "{lang}");
    }
}

#[test]
fn a_block_in_the_body_is_highlighted_and_focusable() {
    let r = render("Text.\n\n```rust,ignore\nfn f() -> bool { 1 < 2 }\n```\n", Cut::Free);
    let html = &r.public.html;
    assert!(html.contains("<pre tabindex=\"0\"><code class=\"language-rust,ignore\"><span class=\"hl-keyword\">fn</span> "), "{html}");
    assert!(html.contains("<span class=\"hl-number\">1</span> &lt; <span class=\"hl-number\">2</span> }"), "{html}");
    assert!(html.ends_with("}\n</code></pre>\n"), "{html}");
}

#[test]
fn unknown_or_no_language_stays_plain() {
    for (body, open) in [
        ("```mermaid\n<b>x</b> & y\n```\n", "<pre tabindex=\"0\"><code class=\"language-mermaid\">"),
        ("```text\n<b>x</b> & y\n```\n", "<pre tabindex=\"0\"><code class=\"language-text\">"),
        ("```\n<b>x</b> & y\n```\n", "<pre tabindex=\"0\"><code>"),
        ("    <b>x</b> & y\n", "<pre tabindex=\"0\"><code>"),
    ] {
        let html = render(body, Cut::Free).public.html;
        assert_eq!(html, format!("{open}&lt;b&gt;x&lt;/b&gt; &amp; y\n</code></pre>\n"), "{body}");
    }
}

#[test]
fn words_do_not_count_spans() {
    let code = "fn main() { let x = vec![1, 2]; println!(\"{x:?}\"); }\n";
    let highlighted = render(&format!("One two.\n\n```rust\n{code}```\n"), Cut::Free);
    let plain = render(&format!("One two.\n\n```text\n{code}```\n"), Cut::Free);
    assert!(highlighted.public.html.contains("hl-keyword"));
    assert_eq!(highlighted.words, plain.words);
    assert_eq!(highlighted.words, 2 + code.split_whitespace().count());
}

#[test]
fn paid_code_is_highlighted_on_the_paid_side_only() {
    let body = "Free.\n\n```python\nfree_name = 1\n```\n\n```python\nsecret_name = \"paid\"\n```\n";
    let r = render(body, Cut::After(2));
    assert!(r.public.html.contains("free_name") && r.public.html.contains("hl-number"), "{}", r.public.html);
    assert!(!r.public.html.contains("secret_name"), "{}", r.public.html);
    let m = r.members.expect("members");
    let paid = &m.html[m.paid_from..];
    assert!(paid.contains("secret_name") && paid.contains("<span class=\"hl-string\">\"paid\"</span>"), "{paid}");
    assert!(!m.html[..m.paid_from].contains("secret_name"));
    assert!(m.html.starts_with(&r.public.html));
}

#[test]
fn code_beside_unclosed_raw_html_is_closed_around() {
    // The author's raw HTML left open: the balancer reads the spans and closes only the div.
    let r = render("<div class=\"box\">\n\nIntro.\n\n```js\nif (a < b) { x = \"</div>\"; }\n```\n", Cut::Free);
    let html = &r.public.html;
    assert!(html.contains("<span class=\"hl-string\">\"&lt;/div&gt;\"</span>"), "{html}");
    assert!(html.ends_with("</div>"), "{html}");
    let c = crate::balance::closers(html).expect("balanced");
    assert!(c.text.is_empty(), "{html}");
}

#[test]
fn a_code_block_in_a_footnote_is_highlighted_too() {
    let r = render("See[^a].\n\n[^a]: A note.\n\n    ```rust\n    let x = 1;\n    ```\n", Cut::Free);
    assert!(r.public.footnotes_html.contains("<span class=\"hl-keyword\">let"), "{}", r.public.footnotes_html);
}

#[test]
fn a_very_long_block_is_left_plain() {
    let code = "let x = 1;\n".repeat(30_000);
    assert!(highlight(syntax_for("rust").expect("rust"), &code).is_none());
    let html = render(&format!("```rust\n{code}```\n"), Cut::Free).public.html;
    assert!(!html.contains("<span") && html.starts_with("<pre tabindex=\"0\"><code class=\"language-rust\">let x = 1;\n"));
}
