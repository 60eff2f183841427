//! Blocks that never meet their end and swallow the rest of the body.

use crate::markdown::Document;

fn unclosed(body: &str) -> Option<usize> {
    Document::parse(body).unclosed.map(|u| u.offset)
}

#[test]
fn unclosed_blocks_are_found() {
    assert_eq!(unclosed("One.\n\n```\ncode\n```\n\n~~~~\nx\n~~~\n\nstill code\n"), Some(20));
    assert_eq!(Document::parse("One.\n\n```\ncode\n```\n\n~~~~\nx\n~~~\n\nstill code\n").block_count(), 3);
    assert_eq!(unclosed("```\na\n```\n"), None);
    assert_eq!(unclosed("```rust\n"), Some(0));
    assert_eq!(unclosed("One.\n\n<!-- a note\n\nmore\n"), Some(6));
    assert_eq!(unclosed("<pre>\nx\n\ny\n"), Some(0));
    assert_eq!(unclosed("<!-- ok -->\n\n<pre>x</pre>\n\n<div>\nz\n"), None);
    // A fence "closed" by a line indented four spaces, or by a tab, is still open.
    assert_eq!(unclosed("One.\n\n```\ncode\n    ```\n\nTwo.\n"), Some(6));
    assert_eq!(unclosed("One.\n\n```\ncode\n\t```\n\nTwo.\n"), Some(6));
    // Every kind of HTML block that only an end string closes.
    for open in ["<?note for editors >", "<![CDATA[ x", "<!DOCTYPE html", "<script>", "<style>", "<textarea>", "<!-- x"] {
        let body = format!("One.\n\n{open}\n\nTwo.\n\nThree.\n");
        let u = Document::parse(&body).unclosed.unwrap_or_else(|| panic!("{open} not found unclosed"));
        assert_eq!(u.offset, 6, "{open}");
        assert!(u.what.contains("never meets its end"), "{}", u.what);
    }
    // Blocks that a blank line ends never swallow what follows.
    assert_eq!(unclosed("<div>\nopen div\n"), None);
    assert_eq!(unclosed("- a\n- b\n"), None);
    assert_eq!(unclosed("    indented code\n"), None);
    assert_eq!(unclosed("> quote\n"), None);
}

#[test]
fn a_forgotten_fence_leaves_the_last_one_open() {
    let body = "One.\n\n```\nforgotten\n\nTwo.\n\n```\nsample\n```\n\nThree.\n";
    let u = Document::parse(body).unclosed.expect("unclosed");
    assert!(u.what.contains("code fence (```)"), "{}", u.what);
}
