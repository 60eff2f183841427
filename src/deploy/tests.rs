use super::*;

#[test]
fn quoting_escapes_what_would_end_the_string() {
    assert_eq!(quoted(r#"/a "b" \c"#), r#""/a \"b\" \\c""#);
}

#[test]
fn an_alias_answers_with_and_without_its_last_slash() {
    assert_eq!(forms("/2019/05/x/"), ["/2019/05/x", "/2019/05/x/"]);
    assert_eq!(forms("/p/x"), ["/p/x", "/p/x/"]);
    assert_eq!(forms("/old/page.html"), ["/old/page.html"]);
    assert_eq!(forms("/"), ["/"]);
}
