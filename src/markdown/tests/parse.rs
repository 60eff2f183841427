//! What reading a body finds: its blocks, the paywall markers, markers
//! out of place or in code, and attempts at the marker.

use crate::markdown::Document;
use crate::paywall::Marker;

#[test]
fn counts_top_level_blocks_of_every_kind() {
    let body = "Para one.\n\n## Heading\n\n- a\n- b\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n---\n\n<div>html</div>\n";
    assert_eq!(Document::parse(body).block_count(), 8);
}

#[test]
fn marker_is_a_top_level_html_block() {
    let d = Document::parse("One.\n\nTwo.\n\n<!-- paywall -->\n\nThree.\n");
    assert_eq!(d.markers, vec![Marker { blocks_before: 2, offset: 12 }]);
    assert_eq!(d.block_count(), 3);
    // It may interrupt a paragraph too, as CommonMark comments do.
    let d = Document::parse("One.\n<!--   PAYWALL -->\nTwo.\n");
    assert_eq!(d.markers.len(), 1);
    assert_eq!(d.markers[0].blocks_before, 1);
}

#[test]
fn marker_in_code_is_not_a_marker() {
    let d = Document::parse("One.\n\n```html\n<!-- paywall -->\n```\n\n    <!-- paywall -->\n\nTwo `<!-- paywall -->`.\n");
    assert!(d.markers.is_empty());
    assert!(d.misplaced_markers.is_empty());
    assert_eq!(d.block_count(), 4);
}

#[test]
fn markers_in_code_are_noted_apart() {
    let d = Document::parse("One.\n\n```\n<!-- paywall -->\n```\n\nTwo.\n");
    assert!(d.markers.is_empty() && d.misplaced_markers.is_empty());
    assert_eq!(d.markers_in_code, vec![10]);
    assert!(Document::parse("Two `<!-- paywall -->` inline.\n").markers_in_code.is_empty());
}

#[test]
fn attempts_at_the_marker_are_found_wherever_they_are() {
    let cases = [
        "One.\n\n<!-- paywal -->\n\nTwo.\n",
        "One.\n\n<!--- paywall --->\n\nTwo.\n",
        "One.\n\n<!-- pay wall -->\n\nTwo.\n",
        "One.\n\n<!-- paywall: subscribers -->\n\nTwo.\n",
        "One.\n\n<!-- pay\u{200b}wall -->\n\nTwo.\n",
        "One.\n\n<!-- paywall --!>\n\nTwo.\n",
        "One.\n\n<!--more-->\n\nTwo.\n",
        "One <!-- paywal --> inline.\n",
        "- item\n\n  <!-- paywal -->\n",
        "One.\n\n<-- paywall -->\n\nTwo.\n",
        "One.\n\n<?paywall?>\n\nTwo.\n",
        "One.\n\n`<!-- paywall -->`\n\nTwo.\n",
    ];
    for body in cases {
        assert!(!Document::parse(body).lookalikes.is_empty(), "{body:?}");
    }
    for fine in ["One.\n\n<!-- paywall -->\n\nTwo.\n", "The paywall debate.\n", "<!-- a note -->\n", "```\n<!-- paywal -->\n```\n", "Use `<!-- paywal -->`.\n"]
    {
        assert!(Document::parse(fine).lookalikes.is_empty(), "{fine:?}");
    }
}

#[test]
fn marker_inside_a_quote_or_a_line_is_misplaced() {
    let d = Document::parse("> One.\n>\n> <!-- paywall -->\n\nText <!-- paywall --> more.\n");
    assert!(d.markers.is_empty());
    assert_eq!(d.misplaced_markers.len(), 2, "{:?}", d.misplaced_markers);
}
