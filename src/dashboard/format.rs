//! Text forms of durations and times used across the dashboard. Every time is UTC, because the
//! server and its operators may sit in different zones.

use chrono::Duration;

use crate::api::Timestamp;

/// Formats a non-negative duration as `h:mm:ss`, with hours past 24 kept as hours
/// (`36:00:00`). A part second counts as a whole one, so a countdown reads `0:00:00` only
/// once no time is left. Negative input formats as `0:00:00`.
pub fn countdown(duration: Duration) -> String {
    let millis = duration.num_milliseconds().max(0);
    let seconds = (millis + 999) / 1000;
    let hours = seconds / 3600;
    let minutes = seconds % 3600 / 60;
    let rest = seconds % 60;
    format!("{hours}:{minutes:02}:{rest:02}")
}

/// Formats the age of an event in its largest whole unit: `4s ago`, `3m ago`, `2h ago`,
/// `5d ago`. Future times (a clock ahead of ours) read `just now`.
pub fn ago(elapsed: Duration) -> String {
    let seconds = elapsed.num_seconds();
    match seconds {
        ..=0 => "just now".to_owned(),
        1..=59 => format!("{seconds}s ago"),
        60..=3599 => format!("{}m ago", seconds / 60),
        3600..=86_399 => format!("{}h ago", seconds / 3600),
        _ => format!("{}d ago", seconds / 86_400),
    }
}

/// Formats a time as `2026-03-01 10:00:00Z`.
pub fn utc_time(at: Timestamp) -> String {
    at.as_datetime().format("%Y-%m-%d %H:%M:%SZ").to_string()
}

/// Formats a time compactly for table cells: `10:00:05Z` on the same UTC day as `today`,
/// `03-01 10:00Z` otherwise.
pub fn short_time(at: Timestamp, today: Timestamp) -> String {
    let at = at.as_datetime();
    if at.date_naive() == today.as_datetime().date_naive() {
        at.format("%H:%M:%SZ").to_string()
    } else {
        at.format("%m-%d %H:%MZ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn countdown_pads_minutes_and_seconds() {
        assert_eq!(countdown(Duration::seconds(0)), "0:00:00");
        assert_eq!(countdown(Duration::seconds(61)), "0:01:01");
        assert_eq!(countdown(Duration::seconds(86_399)), "23:59:59");
        assert_eq!(countdown(Duration::hours(36)), "36:00:00");
    }

    #[test]
    fn countdown_rounds_part_seconds_up() {
        assert_eq!(countdown(Duration::milliseconds(1)), "0:00:01");
        assert_eq!(countdown(Duration::milliseconds(999)), "0:00:01");
        assert_eq!(countdown(Duration::milliseconds(1_001)), "0:00:02");
    }

    #[test]
    fn countdown_never_goes_negative() {
        assert_eq!(countdown(Duration::seconds(-5)), "0:00:00");
    }

    #[test]
    fn ago_uses_largest_unit() {
        assert_eq!(ago(Duration::seconds(-3)), "just now");
        assert_eq!(ago(Duration::seconds(4)), "4s ago");
        assert_eq!(ago(Duration::seconds(150)), "2m ago");
        assert_eq!(ago(Duration::hours(5)), "5h ago");
        assert_eq!(ago(Duration::days(3)), "3d ago");
    }

    #[test]
    fn short_time_drops_date_on_same_day() {
        let today = at("2026-03-01T23:00:00Z");
        assert_eq!(short_time(at("2026-03-01T10:00:05Z"), today), "10:00:05Z");
        assert_eq!(
            short_time(at("2026-02-28T10:00:05Z"), today),
            "02-28 10:00Z"
        );
    }

    #[test]
    fn utc_time_has_date_and_zone() {
        assert_eq!(
            utc_time(at("2026-03-01T10:00:05.123Z")),
            "2026-03-01 10:00:05Z"
        );
    }
}
