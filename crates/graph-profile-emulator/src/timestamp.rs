//! Timestamps as the service writes them: `2025-04-28T10:11:12.123Z`.

use time::OffsetDateTime;

/// Now, in UTC, to the millisecond.
pub fn now() -> String {
    format_utc(OffsetDateTime::now_utc())
}

/// `2025-04-28T10:11:12.123Z`: fixed width, so the text sorts as the time does.
pub fn format_utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// Parses an RFC 3339 date and time (any offset, any fraction).
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Whether `text` is an Edm.Date, `YYYY-MM-DD`, naming a real day.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let Ok(month) = time::Month::try_from(month as u8) else {
        return false;
    };
    time::Date::from_calendar_date(year as i32, month, day as u8).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_name_real_days() {
        assert!(is_date("2025-04-28"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2025-02-29"));
        assert!(!is_date("2025-13-01"));
        assert!(!is_date("2025-4-28"));
        assert!(!is_date("2025-04-28T00:00:00Z"));
    }

    #[test]
    fn timestamps_have_milliseconds_and_sort_as_text() {
        let at = parse("2025-04-28T10:11:12.5+02:00").unwrap();
        assert_eq!(format_utc(at), "2025-04-28T08:11:12.500Z");
    }
}
