//! Command-line parsing and checks shared by `serve` and the dashboard.

use std::net::SocketAddr;
use std::time::Duration;

use crate::server::{actor_name, MIN_GRACE_PERIOD};

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

/// Shortest poll interval of the dashboard.
pub const MIN_REFRESH: Duration = Duration::from_secs(1);

/// Parses the dashboard's poll interval: a duration of at least [`MIN_REFRESH`].
pub fn parse_refresh(text: &str) -> Result<Duration, String> {
    let interval = parse_duration(text)?;
    if interval < MIN_REFRESH {
        return Err("the poll interval must be at least 1s".to_owned());
    }
    Ok(interval)
}

/// Parses the base URL of a server: `http://` or `https://`, a host, and no query.
pub fn parse_api_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if !trimmed.contains("://") {
        return Err(format!(
            "the URL has no scheme: include it, such as http://{trimmed}"
        ));
    }
    let url = reqwest::Url::parse(trimmed).map_err(|error| format!("{error}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme '{}' is not supported: use http:// or https://",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host: use one such as http://127.0.0.1:8787".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("the URL must not have a query or fragment".to_owned());
    }
    Ok(trimmed.to_owned())
}

/// Parses the address that `serve` listens on: an IP address and a port.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse().map_err(|_| {
        "expected an IP address and port, such as 127.0.0.1:8787; host names such as \
         localhost are not looked up"
            .to_owned()
    })
}

/// Checks the name recorded as the acting user with the rules that the server applies to
/// `X-User-ID` ([`actor_name`]), so a name the server rejects fails at start and not at every
/// write.
///
/// # Errors
///
/// A message that describes what is wrong with the name and how to fix it.
pub fn check_user(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err(
            "the name is blank: give the name to record in the audit trail, such \
                    as --user alice"
                .to_owned(),
        );
    }
    actor_name(name).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::MAX_ACTOR_CHARS;

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
    fn refresh_below_one_second_is_rejected() {
        assert_eq!(parse_refresh("1s").unwrap(), Duration::from_secs(1));
        for bad in ["0s", "999ms"] {
            let message = parse_refresh(bad).unwrap_err();
            assert!(message.contains("at least 1s"), "{bad}: {message}");
        }
        assert!(parse_refresh("0").unwrap_err().contains("unit"));
    }

    #[test]
    fn api_url_without_scheme_suggests_one() {
        let message = parse_api_url("127.0.0.1:18787").unwrap_err();

        assert!(message.contains("http://127.0.0.1:18787"), "{message}");
        assert!(message.contains("scheme"), "{message}");
    }

    #[test]
    fn api_url_checks_scheme_host_and_query() {
        assert_eq!(
            parse_api_url(" http://127.0.0.1:8787/ ").unwrap(),
            "http://127.0.0.1:8787/"
        );
        assert!(parse_api_url("ftp://127.0.0.1").is_err());
        assert!(parse_api_url("http://127.0.0.1/?x=1").is_err());
        assert!(parse_api_url("http://").is_err());
    }

    #[test]
    fn listen_needs_an_ip_address() {
        assert_eq!(
            parse_listen("127.0.0.1:8787").unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 8787))
        );
        let message = parse_listen("localhost:18792").unwrap_err();
        assert!(message.contains("IP address and port"), "{message}");
        assert!(message.contains("127.0.0.1:8787"), "{message}");
    }

    #[test]
    fn user_names_are_checked() {
        assert_eq!(check_user("alice"), Ok(()));
        assert_eq!(check_user("José Ñúñez"), Ok(()));
        assert_eq!(check_user(&"a".repeat(MAX_ACTOR_CHARS)), Ok(()));

        let blank = check_user("  ").unwrap_err();
        assert!(blank.contains("blank"), "{blank}");
        let empty = check_user("").unwrap_err();
        assert!(empty.contains("blank"), "{empty}");
        let control = check_user("ali\tce").unwrap_err();
        assert!(control.contains("U+0009 at character 4"), "{control}");
        let escape = check_user("\u{1b}[31malice").unwrap_err();
        assert!(escape.contains("U+001B"), "{escape}");
        let long = check_user(&"a".repeat(MAX_ACTOR_CHARS + 1)).unwrap_err();
        assert!(long.contains("the maximum is 100"), "{long}");
        let reserved = check_user("System").unwrap_err();
        assert!(reserved.contains("reserved"), "{reserved}");
        let bidi = check_user("bob\u{202E}evil").unwrap_err();
        assert!(bidi.contains("U+202E at character 4"), "{bidi}");
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
