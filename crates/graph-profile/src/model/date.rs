//! `Date`: an Edm.Date, a calendar day with no time and no time zone.
//!
//! A date typed in one time zone must reach the service unchanged (2025-04-28 typed in
//! UTC+10 is still `"2025-04-28"`), so this type never passes through a timestamp.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date, `YYYY-MM-DD` on the wire, from 0001-01-01 to 9999-12-31.
///
/// Ordering is chronological.  There is deliberately no conversion from a timestamp:
/// a caller who has one decides which day it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    // Field order matters: the derived ordering compares year, then month, then day.
    year: u16,
    month: u8,
    day: u8,
}

/// Text that is not a strict `YYYY-MM-DD` calendar date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a calendar date YYYY-MM-DD ({why})")]
pub struct DateParseError {
    /// The text refused, as given.
    pub text: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl Date {
    /// The date `year-month-day`, or `None` when no such day exists (2025-02-30).
    pub const fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year == 0 || year > 9999 || month == 0 || month > 12 {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The year, 1 to 9999.
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub const fn day(self) -> u8 {
        self.day
    }
}

const fn is_leap_year(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateParseError;

    /// Accepts exactly `YYYY-MM-DD`: four-digit year, two-digit month and day, and a
    /// day that exists.  No time, no offset, no surrounding space.
    fn from_str(text: &str) -> Result<Date, DateParseError> {
        let refuse = |why| DateParseError { text: text.to_owned(), why };

        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(refuse("expected the form YYYY-MM-DD"));
        }

        let digits = |range: std::ops::Range<usize>| -> Option<u16> {
            bytes[range].iter().try_fold(0u16, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u16::from(b - b'0'))
            })
        };
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err(refuse("expected the form YYYY-MM-DD"));
        };

        if year == 0 {
            return Err(refuse("the year must be 0001 or later"));
        }
        if !(1..=12).contains(&month) {
            return Err(refuse("no such month"));
        }
        // Both fit in u8: month is 1..=12 and day has two digits.
        Date::new(year, month as u8, day as u8).ok_or_else(|| refuse("no such day in that month"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    /// Writes the ten ASCII characters directly: `collect_str` goes through the
    /// formatting machinery, which made serializing many entries markedly slower.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = [b'-'; 10];
        let digits = |slot: &mut [u8], mut value: u16| {
            for place in slot.iter_mut().rev() {
                *place = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        digits(&mut text[0..4], self.year);
        digits(&mut text[5..7], u16::from(self.month));
        digits(&mut text[8..10], u16::from(self.day));
        serializer.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct DateVisitor;

        impl Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a calendar date \"YYYY-MM-DD\"")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
                text.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_reads_and_writes_as_yyyy_mm_dd() {
        let date: Date = "2025-04-28".parse().unwrap();
        assert_eq!((date.year(), date.month(), date.day()), (2025, 4, 28));
        assert_eq!(date.to_string(), "2025-04-28");
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"2025-04-28\"");
        assert_eq!(serde_json::from_str::<Date>("\"0001-01-01\"").unwrap().year(), 1);
    }

    #[test]
    fn leap_days_follow_the_gregorian_rules() {
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert!("2025-02-29".parse::<Date>().is_err());
        assert!("1900-02-29".parse::<Date>().is_err());
    }

    #[test]
    fn anything_but_a_strict_calendar_date_is_refused() {
        for text in [
            "2025-02-30",
            "2025-04-31",
            "2025-13-01",
            "2025-00-10",
            "2025-04-00",
            "0000-01-01",
            "2025-4-28",
            "25-04-28",
            "2025/04/28",
            "2025-04-28T00:00:00Z",
            " 2025-04-28",
            "2025-04-28 ",
            "+025-04-28",
            "2025-０4-28",
            "",
        ] {
            let err = text.parse::<Date>().unwrap_err();
            assert_eq!(err.text, text);
            assert!(serde_json::from_value::<Date>(serde_json::json!(text)).is_err(), "{text}");
        }
    }

    #[test]
    fn dates_order_chronologically() {
        let parse = |text: &str| text.parse::<Date>().unwrap();
        assert!(parse("2024-12-31") < parse("2025-01-01"));
        assert!(parse("2025-01-31") < parse("2025-02-01"));
    }
}
