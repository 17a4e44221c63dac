//! Command-line parsing helpers shared by `serve` and the dashboard.

use std::time::Duration;

use crate::server::MIN_GRACE_PERIOD;

/// Parses a duration such as `90s`, `15m`, `24h`, `7d` or `500ms`: a whole number and a unit,
/// which is required.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let invalid = || {
        format!(
            "invalid duration '{text}': use a whole number with a unit: 500ms, 90s, 15m, 24h or 7d"
        )
    };
    let amount: u64 = digits.parse().map_err(|_| invalid())?;
    let millis_per_unit: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(invalid()),
    };
    let millis = amount
        .checked_mul(millis_per_unit)
        .filter(|millis| *millis <= MAX_DURATION_MILLIS)
        .ok_or_else(|| format!("duration '{text}' is too long: the maximum is 3650d"))?;
    Ok(Duration::from_millis(millis))
}

/// Parses a grace period as [`parse_duration`] does, and rejects one shorter than
/// [`MIN_GRACE_PERIOD`], which would turn a soft delete into a purge before anyone could
/// restore it.
pub fn parse_grace_period(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration < MIN_GRACE_PERIOD {
        return Err(format!(
            "grace period '{text}' is too short: the minimum is {}s, so that a soft-deleted \
             webhook can be restored before its purge",
            MIN_GRACE_PERIOD.as_secs()
        ));
    }
    Ok(duration)
}

/// Ten years: any longer grace period or interval is a typo, and would overflow date arithmetic
/// sooner or later.
const MAX_DURATION_MILLIS: u64 = 3650 * 86_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
    }

    #[test]
    fn rejects_bad_values_naming_them() {
        for bad in ["", "h", "1.5h", "-1s", "10y", "10 h", "5", "0"] {
            let message = parse_duration(bad).unwrap_err();
            assert!(message.contains(&format!("'{bad}'")), "{message}");
        }
    }

    #[test]
    fn bare_number_message_asks_for_unit() {
        let message = parse_duration("5").unwrap_err();
        assert!(message.contains("with a unit"), "{message}");
    }

    #[test]
    fn grace_period_has_a_minimum() {
        for short in ["0s", "500ms", "59s", "59999ms", "0d"] {
            let message = parse_grace_period(short).unwrap_err();
            assert!(message.contains(&format!("'{short}'")), "{message}");
            assert!(message.contains("minimum is 60s"), "{message}");
        }
        assert_eq!(parse_grace_period("60s").unwrap(), MIN_GRACE_PERIOD);
        assert_eq!(parse_grace_period("1m").unwrap(), MIN_GRACE_PERIOD);
        assert_eq!(
            parse_grace_period("24h").unwrap(),
            Duration::from_secs(86_400)
        );
        assert!(parse_grace_period("0").unwrap_err().contains("unit"));
    }

    #[test]
    fn rejects_overflowing_durations() {
        assert!(parse_duration("99999999999999999d").is_err());
        assert!(parse_duration("3651d").is_err());
    }
}
