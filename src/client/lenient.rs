//! Decoding of response bodies that reads `null` as a missing member.
//!
//! serde_json writes a non-finite `f64`, such as a revenue sum past `f64::MAX`, as `null`.
//! Decoded strictly, one such `null` in a member typed `f64` fails the whole response, so a
//! list of webhooks would be lost over one statistic.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Responses decoded only after dropping `null` members, counted to rate-limit the warning.
static NULLS_DROPPED: AtomicU64 = AtomicU64::new(0);

/// Decodes `bytes` as `T`. When the strict decode fails, it decodes again with every `null`
/// object member removed, so a member that `T` gives a default (`#[serde(default)]` or an
/// `Option`) takes that default. A member without a default still fails.
///
/// # Errors
///
/// The strict decode's error, when the body is not JSON or the second decode fails too.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let strict_error = match serde_json::from_slice::<T>(bytes) {
        Ok(body) => return Ok(body),
        Err(error) => error,
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(bytes) else {
        return Err(strict_error);
    };
    if !remove_null_members(&mut value) {
        return Err(strict_error);
    }
    let body = serde_json::from_value::<T>(value).map_err(|_| strict_error)?;
    let count = NULLS_DROPPED.fetch_add(1, Ordering::Relaxed) + 1;
    if count == 1 || count % 100 == 0 {
        tracing::warn!(
            responses = count,
            "a response had null in place of a value; decoded it with defaults"
        );
    }
    Ok(body)
}

/// Removes every object member whose value is `null`, at any depth. Returns whether any was
/// removed. `null` elements of arrays stay, because an element has no default.
fn remove_null_members(value: &mut Value) -> bool {
    match value {
        Value::Object(members) => {
            let before = members.len();
            members.retain(|_, member| !member.is_null());
            let mut removed = members.len() != before;
            for member in members.values_mut() {
                removed |= remove_null_members(member);
            }
            removed
        }
        Value::Array(elements) => elements.iter_mut().fold(false, |removed, element| {
            remove_null_members(element) | removed
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::WebhookList;

    const LIST: &str = r#"{"service":"hookgrace","total_webhooks":1,
        "timestamp":"2026-03-01T10:00:00.000Z","usage":null,
        "webhooks":[{"id":"ws_cal_solar_001","name":"Solar CA","type":"solar",
            "region":"cal","category":"solar","enabled":true,
            "endpoints":{"health":"/h","receive":"/r"},
            "total_leads":null,"conversion_rate":null,"total_revenue":null,
            "created_at":"2026-02-01T00:00:00.000Z","last_lead_at":null}]}"#;

    #[test]
    fn null_numbers_take_their_defaults() {
        let list: WebhookList = decode(LIST.as_bytes()).unwrap();

        let webhook = &list.webhooks[0];
        assert_eq!(webhook.name, "Solar CA");
        assert_eq!(webhook.total_revenue, 0.0);
        assert_eq!(webhook.conversion_rate, 0.0);
        assert_eq!(webhook.total_leads, 0);
        assert_eq!(webhook.last_lead_at, None);
    }

    #[test]
    fn null_required_member_still_fails() {
        let body = LIST.replace(r#""name":"Solar CA""#, r#""name":null"#);

        let error = decode::<WebhookList>(body.as_bytes()).unwrap_err();

        assert!(error.to_string().contains("null"), "{error}");
    }

    #[test]
    fn invalid_json_keeps_the_strict_error() {
        let error = decode::<WebhookList>(b"{not json").unwrap_err();
        assert!(error.is_syntax(), "{error}");
    }
}
