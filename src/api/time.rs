//! The one timestamp format of the API and of storage: UTC, RFC 3339, milliseconds, `Z`.
//!
//! Fixed width (`2026-03-01T10:00:00.000Z`), so two stored values compare correctly as text.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, always UTC, serialised as `2026-03-01T10:00:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// A timestamp string that is neither RFC 3339 nor SQLite's `YYYY-MM-DD HH:MM:SS`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp '{value}': expected UTC RFC 3339 such as 2026-03-01T10:00:00.000Z")]
pub struct InvalidTimestamp {
    pub value: String,
}

impl Timestamp {
    /// Truncates to whole milliseconds, the precision that the text form keeps, so a value
    /// survives a round trip through storage or JSON unchanged.
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        let millis = at.timestamp_millis();
        Self(Utc.timestamp_millis_opt(millis).single().unwrap_or(at))
    }

    pub fn from_millis(millis: i64) -> Option<Self> {
        Utc.timestamp_millis_opt(millis).single().map(Self)
    }

    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    pub fn millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// Parses RFC 3339 with any offset, and also SQLite's `YYYY-MM-DD HH:MM:SS` (read as UTC),
    /// which the existing Worker deployment still sends in some fields.
    pub fn parse(text: &str) -> Result<Self, InvalidTimestamp> {
        let trimmed = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(trimmed) {
            return Ok(Self::from_datetime(at.with_timezone(&Utc)));
        }
        for pattern in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(trimmed, pattern) {
                return Ok(Self::from_datetime(naive.and_utc()));
            }
        }
        Err(InvalidTimestamp {
            value: text.to_owned(),
        })
    }

    /// Adds a signed duration; `None` if the result leaves chrono's range.
    pub fn checked_add(&self, duration: chrono::Duration) -> Option<Self> {
        self.0.checked_add_signed(duration).map(Self::from_datetime)
    }

    /// Time from `self` until `later`; negative when `later` is earlier.
    pub fn until(&self, later: Timestamp) -> chrono::Duration {
        later.0 - self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self::from_datetime(at)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_millis_and_z() {
        let at = Timestamp::parse("2026-03-01T10:00:00Z").unwrap();
        assert_eq!(at.to_string(), "2026-03-01T10:00:00.000Z");
    }

    #[test]
    fn parse_accepts_offsets_and_sqlite_form() {
        let expected = Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap();
        assert_eq!(
            Timestamp::parse("2026-03-01T12:00:00+02:00").unwrap(),
            expected
        );
        assert_eq!(Timestamp::parse("2026-03-01 10:00:00").unwrap(), expected);
    }

    #[test]
    fn parse_rejects_garbage_naming_value() {
        let error = Timestamp::parse("yesterday").unwrap_err();
        assert!(error.to_string().contains("'yesterday'"));
    }

    #[test]
    fn text_order_matches_time_order() {
        let earlier = Timestamp::parse("2026-03-01T09:59:59.999Z").unwrap();
        let later = Timestamp::parse("2026-03-01T10:00:00.000Z").unwrap();
        assert!(earlier < later);
        assert!(earlier.to_string() < later.to_string());
    }

    #[test]
    fn sub_millisecond_precision_is_dropped() {
        let at = Timestamp::parse("2026-03-01T10:00:00.123456Z").unwrap();
        assert_eq!(at.to_string(), "2026-03-01T10:00:00.123Z");
        assert_eq!(Timestamp::parse(&at.to_string()).unwrap(), at);
    }
}
