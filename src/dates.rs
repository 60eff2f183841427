//! Publication dates: what front matter may say, and how pages print it
//! (AP style, "Tuesday, Dec. 22, 2009") and how feeds print it (RFC 3339).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};

use crate::text::push_decimal;

/// A date from front matter, with the time and UTC offset if it gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct PubDate {
    /// The civil date and time (midnight when only a date was given).
    pub datetime: DateTime,
    /// Offset from UTC in seconds, when the source named one.
    pub offset_seconds: Option<i32>,
}

impl PubDate {
    /// Midnight of a date, with no offset.
    pub fn from_date(date: Date) -> Self {
        PubDate { datetime: date.to_datetime(Time::midnight()), offset_seconds: None }
    }

    /// The calendar day.
    pub fn date(&self) -> Date {
        self.datetime.date()
    }

    /// The instant it goes out in a site whose clocks show `zone`.
    ///
    /// An offset in the source fixes the instant wherever the site is; a
    /// date or a date and time without one is read on the site's clocks (a
    /// date alone at midnight, the start of the day). A time those clocks
    /// skip, in the hour lost to daylight saving time, is read as the time
    /// after the gap, so a day that starts at 1:00 starts then; a time they
    /// show twice is the first of the two, so nothing goes out an hour late.
    pub fn published_at(&self, zone: &TimeZone) -> Timestamp {
        let instant = match self.offset_seconds {
            Some(seconds) => Offset::from_seconds(seconds).and_then(|offset| offset.to_timestamp(self.datetime)),
            None => zone.to_timestamp(self.datetime),
        };
        // Only the last hours of year 9999 lie beyond the latest timestamp
        // (TOML has no years before 0): as good as never.
        instant.unwrap_or(if self.datetime.year() > 0 { Timestamp::MAX } else { Timestamp::MIN })
    }

    /// "Tuesday, Dec. 22, 2009".
    pub fn long(&self) -> String {
        ap_long_date(self.date())
    }

    /// "2009-12-22".
    pub fn iso_date(&self) -> String {
        let mut out = String::with_capacity(10);
        push_date(&mut out, self.date());
        out
    }

    /// As a TOML value: a local date when it has no time and no offset,
    /// else a date-time with the offset it was given.
    pub fn to_toml(self) -> String {
        if self.offset_seconds.is_none() && self.datetime.time() == Time::midnight() {
            return self.iso_date();
        }
        let mut out = self.rfc3339();
        if self.offset_seconds.is_none() {
            out.pop();
        }
        out
    }

    /// RFC 3339 with an offset (UTC when the source gave none), for feeds and JSON-LD.
    pub fn rfc3339(&self) -> String {
        let t = &self.datetime;
        let mut out = String::with_capacity(25);
        push_date(&mut out, t.date());
        out.push('T');
        push_decimal(&mut out, u64::from(t.hour().unsigned_abs()), 2);
        out.push(':');
        push_decimal(&mut out, u64::from(t.minute().unsigned_abs()), 2);
        out.push(':');
        push_decimal(&mut out, u64::from(t.second().unsigned_abs()), 2);
        match self.offset_seconds.unwrap_or(0) {
            0 => out.push('Z'),
            offset => {
                out.push(if offset < 0 { '-' } else { '+' });
                let abs = offset.unsigned_abs();
                push_decimal(&mut out, u64::from(abs / 3600), 2);
                out.push(':');
                push_decimal(&mut out, u64::from((abs % 3600) / 60), 2);
            }
        }
        out
    }
}

/// "2009-12-22" onto `out`.
fn push_date(out: &mut String, d: Date) {
    match u64::try_from(d.year()) {
        Ok(year) => push_decimal(out, year, 4),
        // Years before the common era never come from front matter (TOML has none).
        Err(_) => out.push_str(&format!("{:05}", d.year())),
    }
    out.push('-');
    push_decimal(out, u64::from(d.month().unsigned_abs()), 2);
    out.push('-');
    push_decimal(out, u64::from(d.day().unsigned_abs()), 2);
}

/// AP style: May, June and July spelled out with March and April; the
/// long months abbreviated with a period ("Sept." keeps four letters).
const AP_MONTHS: [&str; 12] = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The reference page's date line: weekday, AP month, day, year.
pub fn ap_long_date(date: Date) -> String {
    let weekday = WEEKDAYS[date.weekday().to_monday_zero_offset() as usize];
    let month = AP_MONTHS[(date.month() - 1) as usize];
    let mut out = String::with_capacity(32);
    out.push_str(weekday);
    out.push_str(", ");
    out.push_str(month);
    out.push(' ');
    push_decimal(&mut out, u64::from(date.day().unsigned_abs()), 1);
    out.push_str(", ");
    match u64::try_from(date.year()) {
        Ok(year) => push_decimal(&mut out, year, 1),
        Err(_) => out.push_str(&date.year().to_string()),
    }
    out
}

/// Parses a date written as text, in the forms real front matter and
/// exports use: "2026-03-17", RFC 3339 ("2026-03-17T09:30:00Z", with
/// fractional seconds), a space for the `T`, a time without seconds, and an
/// offset written "-0400", "-04", "-04:00" or "UTC", with or without a space
/// before it ("2017-12-07 09:00:00 -0400", as Jekyll and Hugo write them).
pub fn parse_date_text(text: &str) -> Option<PubDate> {
    let text = text.trim();
    if let Ok(dt) = text.parse::<toml::value::Datetime>() {
        return from_toml(&dt).ok();
    }
    from_toml(&normalise_date_text(text)?.parse::<toml::value::Datetime>().ok()?).ok()
}

/// `text` rewritten as a TOML date-time, when it is one in another common spelling.
fn normalise_date_text(text: &str) -> Option<String> {
    let (day, rest) = text.split_at_checked(10)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?.trim_start();
    // The time: digits and colons, then an optional fraction.
    let time_len = rest.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(rest.len());
    let (time, mut zone) = rest.split_at(time_len);
    let mut time = time.to_string();
    match time.matches(':').count() {
        1 => time.push_str(":00"),
        2 => {}
        _ => return None,
    }
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
        if digits == 0 {
            return None;
        }
        time.push('.');
        time.push_str(&fraction[..digits]);
        zone = &fraction[digits..];
    }
    let zone = zone.trim();
    let offset = match zone {
        "" => String::new(),
        "Z" | "z" | "UTC" | "GMT" | "+0000" | "+00:00" => "Z".into(),
        _ => {
            let (sign, digits) = zone.split_at_checked(1)?;
            if sign != "+" && sign != "-" {
                return None;
            }
            let digits: String = digits.chars().filter(|c| *c != ':').collect();
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            match digits.len() {
                2 => format!("{sign}{digits}:00"),
                4 => format!("{sign}{}:{}", &digits[..2], &digits[2..]),
                _ => return None,
            }
        }
    };
    Some(format!("{day}T{time}{offset}"))
}

/// A TOML date or date-time as a publication date; the error says what is wrong.
pub fn from_toml(dt: &toml::value::Datetime) -> Result<PubDate, String> {
    let Some(d) = dt.date else {
        return Err("a time alone is not a date: write YYYY-MM-DD".into());
    };
    let day = Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|_| format!("{dt} is not a real calendar date"))?;
    let time = match dt.time {
        Some(t) => Time::new(t.hour as i8, t.minute as i8, t.second.unwrap_or(0) as i8, 0).map_err(|_| format!("{dt} has an impossible time"))?,
        None => Time::midnight(),
    };
    let offset_seconds = dt.offset.map(|o| match o {
        toml::value::Offset::Custom { minutes } => i32::from(minutes) * 60,
        _ => 0,
    });
    Ok(PubDate { datetime: day.to_datetime(time), offset_seconds })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn long_date_matches_the_reference_style() {
        assert_eq!(ap_long_date(date(2009, 12, 22)), "Tuesday, Dec. 22, 2009");
        assert_eq!(ap_long_date(date(2026, 9, 1)), "Tuesday, Sept. 1, 2026");
        assert_eq!(ap_long_date(date(2026, 3, 17)), "Tuesday, March 17, 2026");
        assert_eq!(ap_long_date(date(2026, 6, 7)), "Sunday, June 7, 2026");
        assert_eq!(ap_long_date(date(2026, 2, 28)), "Saturday, Feb. 28, 2026");
        assert_eq!(ap_long_date(date(2026, 8, 3)), "Monday, Aug. 3, 2026");
        assert_eq!(ap_long_date(date(2026, 11, 6)), "Friday, Nov. 6, 2026");
        assert_eq!(ap_long_date(date(2026, 1, 1)), "Thursday, Jan. 1, 2026");
        assert_eq!(ap_long_date(date(2026, 10, 10)), "Saturday, Oct. 10, 2026");
        assert_eq!(ap_long_date(date(2026, 4, 4)), "Saturday, April 4, 2026");
        assert_eq!(ap_long_date(date(2026, 5, 5)), "Tuesday, May 5, 2026");
        assert_eq!(ap_long_date(date(2026, 7, 14)), "Tuesday, July 14, 2026");
    }

    #[test]
    fn rfc3339_keeps_offsets_and_defaults_to_utc() {
        let d = PubDate::from_date(date(2026, 3, 17));
        assert_eq!(d.rfc3339(), "2026-03-17T00:00:00Z");
        let t = parse_date_text("2026-04-02T09:30:00-05:00").unwrap();
        assert_eq!(t.rfc3339(), "2026-04-02T09:30:00-05:00");
        assert_eq!(t.iso_date(), "2026-04-02");
        let t = parse_date_text("0987-10-05T23:05:09+05:30").unwrap();
        assert_eq!(t.rfc3339(), "0987-10-05T23:05:09+05:30");
        assert_eq!(t.long(), "Friday, Oct. 5, 987");
        assert_eq!(PubDate::from_date(date(9999, 12, 31)).rfc3339(), "9999-12-31T00:00:00Z");
    }

    /// The instant `text` goes out in `zone`, in UTC.
    fn instant(text: &str, zone: &TimeZone) -> String {
        parse_date_text(text).unwrap().published_at(zone).to_string()
    }

    #[test]
    fn dates_go_out_at_the_start_of_their_day_on_the_sites_clocks() {
        let utc = TimeZone::UTC;
        let brussels = TimeZone::get("Europe/Brussels").unwrap();
        assert_eq!(instant("2026-03-17", &utc), "2026-03-17T00:00:00Z");
        assert_eq!(instant("2026-03-17", &brussels), "2026-03-16T23:00:00Z");
        assert_eq!(instant("2026-07-01", &brussels), "2026-06-30T22:00:00Z");
        let kiritimati = TimeZone::get("Pacific/Kiritimati").unwrap();
        assert_eq!(instant("2026-03-17", &kiritimati), "2026-03-16T10:00:00Z");
    }

    #[test]
    fn local_date_times_are_read_in_the_sites_zone() {
        let brussels = TimeZone::get("Europe/Brussels").unwrap();
        assert_eq!(instant("2026-03-17T09:30:00", &TimeZone::UTC), "2026-03-17T09:30:00Z");
        assert_eq!(instant("2026-03-17T09:30:00", &brussels), "2026-03-17T08:30:00Z");
        assert_eq!(instant("2026-07-01T09:30:00", &brussels), "2026-07-01T07:30:00Z");
    }

    #[test]
    fn an_offset_fixes_the_instant_whatever_the_sites_zone() {
        let brussels = TimeZone::get("Europe/Brussels").unwrap();
        for zone in [&TimeZone::UTC, &brussels] {
            assert_eq!(instant("2026-03-17T09:30:00-05:00", zone), "2026-03-17T14:30:00Z");
            assert_eq!(instant("2026-11-29T18:00:00Z", zone), "2026-11-29T18:00:00Z");
            assert_eq!(instant("2026-03-17T00:15:00+05:30", zone), "2026-03-16T18:45:00Z");
        }
    }

    #[test]
    fn daylight_saving_changes_move_the_instant_with_the_clocks() {
        // Brussels went from 2:00 CET to 3:00 CEST on 29 March 2026, and back from 3:00 to 2:00 on 25 October.
        let brussels = TimeZone::get("Europe/Brussels").unwrap();
        assert_eq!(instant("2026-03-29", &brussels), "2026-03-28T23:00:00Z");
        assert_eq!(instant("2026-03-29T01:30:00", &brussels), "2026-03-29T00:30:00Z");
        // 2:30 never shows on the clocks that day: read as 3:30, after the gap.
        assert_eq!(instant("2026-03-29T02:30:00", &brussels), "2026-03-29T01:30:00Z");
        assert_eq!(instant("2026-03-29T03:30:00", &brussels), "2026-03-29T01:30:00Z");
        assert_eq!(instant("2026-03-30", &brussels), "2026-03-29T22:00:00Z");
        // 2:30 shows twice on 25 October: the first, still in summer time.
        assert_eq!(instant("2026-10-25T02:30:00", &brussels), "2026-10-25T00:30:00Z");
        assert_eq!(instant("2026-10-26", &brussels), "2026-10-25T23:00:00Z");
        // Santiago's clocks went from midnight to 1:00 on 8 September 2024: that day started at 1:00.
        let santiago = TimeZone::get("America/Santiago").unwrap();
        assert_eq!(instant("2024-09-08", &santiago), "2024-09-08T04:00:00Z");
        assert_eq!(instant("2024-09-07", &santiago), "2024-09-07T04:00:00Z");
    }

    #[test]
    fn dates_past_the_last_timestamp_are_never() {
        let last = PubDate::from_date(date(9999, 12, 31));
        assert_eq!(last.published_at(&TimeZone::UTC), Timestamp::MAX);
        assert!(PubDate::from_date(date(0, 1, 1)).published_at(&TimeZone::UTC) < Timestamp::UNIX_EPOCH);
    }

    #[test]
    fn date_text_takes_the_forms_real_front_matter_uses() {
        for (text, toml) in [
            ("2017-12-07 09:00:00 -0400", "2017-12-07T09:00:00-04:00"),
            ("2017-12-07 09:00:00-0400", "2017-12-07T09:00:00-04:00"),
            ("2017-12-07T09:00:00.000Z", "2017-12-07T09:00:00Z"),
            ("2017-12-07 09:00 +05:30", "2017-12-07T09:00:00+05:30"),
            ("2017-12-07 09:00", "2017-12-07T09:00:00"),
            ("2017-12-07 09:00:00 UTC", "2017-12-07T09:00:00Z"),
            ("2017-12-07T09:00:00+02", "2017-12-07T09:00:00+02:00"),
            ("2017-12-07", "2017-12-07"),
        ] {
            assert_eq!(parse_date_text(text).map(|d| d.to_toml()).as_deref(), Some(toml), "{text}");
        }
        for bad in ["2017-12-07 9", "2017-12-07 09:00:00 EST", "2017-12-07 25:00", "2017-12-07 09:00:00 +4", "2017-12-07 09:00:00.Z", "07.12.2017"] {
            assert!(parse_date_text(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn date_text_rejects_impossible_days() {
        assert!(parse_date_text("2026-02-30").is_none());
        assert!(parse_date_text("yesterday").is_none());
        assert_eq!(parse_date_text("2026-02-28").unwrap().iso_date(), "2026-02-28");
    }
}
