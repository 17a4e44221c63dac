//! Command-line parsing helpers shared by `serve` and the dashboard.

use std::time::Duration;

/// Parses a duration such as `90s`, `15m`, `24h`, `7d` or `500ms`. A bare number is seconds.
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
        "" | "s" => 1_000,
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
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
    }

    #[test]
    fn rejects_bad_values_naming_them() {
        for bad in ["", "h", "1.5h", "-1s", "10y", "10 h"] {
            let message = parse_duration(bad).unwrap_err();
            assert!(message.contains(&format!("'{bad}'")), "{message}");
        }
    }

    #[test]
    fn rejects_overflowing_durations() {
        assert!(parse_duration("99999999999999999d").is_err());
        assert!(parse_duration("3651d").is_err());
    }
}
