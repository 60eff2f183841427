//! Scheduled publishing: an article or page dated later goes out at the
//! instant its date names (its offset, or else the clocks of the site's
//! `timezone`), not at the turn of a day in UTC. The dates are computed from
//! the current time, so no test waits for one to pass.

mod common;

use common::{CONFIG, Site};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// `instant` as a TOML date-time on clocks `minutes` from UTC, the offset written out (`Z` for UTC).
fn with_offset(instant: Timestamp, minutes: i32) -> String {
    let offset = Offset::from_seconds(minutes * 60).expect("offset");
    let civil = offset.to_datetime(instant).strftime("%Y-%m-%dT%H:%M:%S");
    let (sign, abs) = (if minutes < 0 { '-' } else { '+' }, minutes.abs());
    if minutes == 0 { format!("{civil}Z") } else { format!("{civil}{sign}{:02}:{:02}", abs / 60, abs % 60) }
}

/// `instant` as a TOML local date-time (no offset) on the clocks of `zone`.
fn local(instant: Timestamp, zone: &TimeZone) -> String {
    zone.to_datetime(instant).strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The site's config with a `timezone`.
fn config_in(zone: &str) -> String {
    CONFIG.replacen("[paywall]", &format!("timezone = \"{zone}\"\n\n[paywall]"), 1)
}

/// The public sitemap.
fn sitemap(site: &Site) -> String {
    site.read("dist/public/sitemap.xml")
}

#[test]
fn an_article_goes_out_at_the_hour_its_offset_names() {
    let site = Site::new();
    let now = Timestamp::now();
    let hour = SignedDuration::from_hours(1);
    let soon = with_offset(now + hour, -5 * 60);
    let just_out = with_offset(now - hour, 5 * 60 + 30);
    assert!(soon.ends_with("-05:00") && just_out.ends_with("+05:30"), "{soon} {just_out}");
    site.article("soon", &format!("title = \"Soon\"\ndate = {soon}\npaywall = false"), "Text.\n");
    site.article("just-out", &format!("title = \"Just Out\"\ndate = {just_out}\npaywall = false"), "Text.\n");
    // The same instants without offsets, read in the site's zone (UTC here).
    site.article("soon-local", &(format!("title = \"Soon Local\"\ndate = {}", local(now + hour, &TimeZone::UTC)) + "\npaywall = false"), "Text.\n");
    site.article("just-out-local", &(format!("title = \"Just Out Local\"\ndate = \"{}\"", local(now - hour, &TimeZone::UTC)) + "\npaywall = false"), "Text.\n");

    let summary = site.build_ok();
    assert!(summary.contains("2 held back"), "{summary}");
    for slug in ["just-out", "just-out-local"] {
        assert!(site.path(&format!("dist/public/articles/{slug}/index.html")).exists(), "{slug} is out: {summary}");
        assert!(sitemap(&site).contains(&format!("/articles/{slug}/")));
    }
    for slug in ["soon", "soon-local"] {
        assert!(!site.path(&format!("dist/public/articles/{slug}")).exists(), "{slug} is held back");
        assert!(!site.path(&format!("dist/members/articles/{slug}")).exists(), "{slug} is held back from members");
        assert!(!sitemap(&site).contains(&format!("/articles/{slug}/")));
        assert!(!site.read("dist/public/atom.xml").contains(&format!("/articles/{slug}/")));
    }

    let out = site.lede(&["build", "--future"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for slug in ["soon", "soon-local", "just-out"] {
        assert!(site.path(&format!("dist/public/articles/{slug}/index.html")).exists(), "{slug} with --future");
    }
}

#[test]
fn a_site_far_east_of_utc_publishes_what_is_already_today_there() {
    let site = Site::new();
    site.write("config.toml", config_in("Pacific/Kiritimati"));
    let kiritimati = TimeZone::get("Pacific/Kiritimati").expect("zone");
    let now = Timestamp::now();
    // Kiritimati is UTC+14: from 10:00 UTC on, its date is UTC's tomorrow.
    let there = kiritimati.to_datetime(now).date();
    let in_utc = TimeZone::UTC.to_datetime(now).date();
    assert!(there >= in_utc);
    site.article("their-today", &format!("title = \"Their Today\"\ndate = {there}\npaywall = false"), "Text.\n");
    // A minute ago on Kiritimati's clocks: fourteen hours from now in UTC, whatever the hour.
    let minute_ago = local(now - SignedDuration::from_mins(1), &kiritimati);
    site.article("minute-ago", &format!("title = \"A Minute Ago\"\ndate = {minute_ago}\npaywall = false"), "Text.\n");

    let summary = site.build_ok();
    assert!(!summary.contains("held back"), "{summary}");
    assert!(site.path("dist/public/articles/their-today/index.html").exists());
    assert!(site.path("dist/public/articles/minute-ago/index.html").exists());

    // The same articles on a site that keeps UTC's clocks. From 10:00 UTC
    // on, both are tomorrow's there: the build publishes none, which it
    // refuses over an output that had some unless told.
    site.write("config.toml", CONFIG);
    let out = site.lede(&["build", "--allow-empty"]);
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{summary}{}", String::from_utf8_lossy(&out.stderr));
    let tomorrow_in_utc = there > in_utc;
    assert_eq!(site.path("dist/public/articles/their-today").exists(), !tomorrow_in_utc, "{there} at {now}: {summary}");
    assert!(!site.path("dist/public/articles/minute-ago").exists(), "{minute_ago} is later in UTC: {summary}");
    let held = if tomorrow_in_utc { "2 held back" } else { "1 held back" };
    assert!(summary.contains(held), "{summary}");
}

#[test]
fn a_page_dated_later_is_held_back_until_then() {
    let site = Site::new();
    let now = Timestamp::now();
    let later = with_offset(now + SignedDuration::from_hours(1), 0);
    let earlier = with_offset(now - SignedDuration::from_hours(1), 60);
    site.write("content/launch.md", format!("+++\ntitle = \"Launch\"\ndate = {later}\n+++\nWe open zqlaunchwordq.\n"));
    site.write("content/about.md", format!("+++\ntitle = \"About\"\ndate = {earlier}\n+++\nAbout us.\n"));
    site.write("content/contact.md", "+++\ntitle = \"Contact\"\n+++\nWrite to us.\n");

    let summary = site.build_ok();
    assert!(summary.contains("1 held back"), "{summary}");
    assert!(!site.path("dist/public/launch").exists());
    assert!(!site.path("dist/members/launch").exists());
    assert!(site.path("dist/public/about/index.html").exists());
    assert!(site.path("dist/public/contact/index.html").exists());
    assert!(!sitemap(&site).contains("/launch/"), "{}", sitemap(&site));
    assert!(sitemap(&site).contains("https://fixture.example/about/"));
    for (path, bytes) in site.files_under("dist") {
        assert!(!String::from_utf8_lossy(&bytes).contains("zqlaunchwordq"), "the held-back page shows in {}", path.display());
    }

    let out = site.lede(&["build", "--future"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(site.read("dist/public/launch/index.html").contains("zqlaunchwordq"));
    assert!(site.path("dist/members/launch/index.html").exists());
    assert!(sitemap(&site).contains("https://fixture.example/launch/"));
}
