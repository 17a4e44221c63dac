//! Webhook ids: `<prefix>_ws_<region>_<category>_<NNN>` or the older `ws_<region>_<category>_<NNN>`.
//!
//! The prefix is lowercase letters, digits and dashes; the region 2-3 lowercase letters; the
//! category lowercase letters; the number exactly three digits. Example:
//! `click-ventures_ws_cal_solar_001`.

/// Longest id accepted, so that a hostile id cannot bloat logs and storage.
pub const MAX_ID_LEN: usize = 128;

/// Why an id is malformed, phrased for the `message` of a 400 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid webhook id '{id}': {problem}; expected <prefix>_ws_<region>_<category>_<NNN> such as click-ventures_ws_cal_solar_001")]
pub struct InvalidWebhookId {
    pub id: String,
    pub problem: &'static str,
}

/// The parts of a well-formed id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookIdParts<'a> {
    pub prefix: Option<&'a str>,
    pub region: &'a str,
    pub category: &'a str,
    pub number: u16,
}

/// Checks `id` against the id pattern and returns its parts.
pub fn parse_webhook_id(id: &str) -> Result<WebhookIdParts<'_>, InvalidWebhookId> {
    let invalid = |problem| InvalidWebhookId {
        id: id.chars().take(MAX_ID_LEN).collect(),
        problem,
    };
    if id.len() > MAX_ID_LEN {
        return Err(invalid("longer than 128 characters"));
    }
    let (prefix, rest) = if let Some(rest) = id.strip_prefix("ws_") {
        (None, rest)
    } else {
        let Some(at) = id.find("_ws_") else {
            return Err(invalid("missing the '_ws_' marker"));
        };
        (Some(&id[..at]), &id[at + 4..])
    };
    if let Some(prefix) = prefix {
        let valid = !prefix.is_empty()
            && prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            return Err(invalid(
                "the prefix must be lowercase letters, digits and dashes",
            ));
        }
    }
    let mut parts = rest.split('_');
    let (Some(region), Some(category), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(
            "after 'ws_' it must have exactly region, category and number",
        ));
    };
    if !(2..=3).contains(&region.len()) || !region.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(invalid("the region must be 2 or 3 lowercase letters"));
    }
    if category.is_empty() || !category.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(invalid("the category must be lowercase letters"));
    }
    if number.len() != 3 || !number.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("the number must be exactly three digits"));
    }
    Ok(WebhookIdParts {
        prefix,
        region,
        category,
        number: number
            .parse()
            .map_err(|_| invalid("the number is not numeric"))?,
    })
}

/// Builds an id from its parts; the caller validates the result with [`parse_webhook_id`].
pub fn format_webhook_id(
    prefix: Option<&str>,
    region: &str,
    category: &str,
    number: u16,
) -> String {
    match prefix {
        Some(prefix) => format!("{prefix}_ws_{region}_{category}_{number:03}"),
        None => format!("ws_{region}_{category}_{number:03}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_prefixed_and_older_forms() {
        let parts = parse_webhook_id("click-ventures_ws_cal_solar_001").unwrap();
        assert_eq!(parts.prefix, Some("click-ventures"));
        assert_eq!(parts.region, "cal");
        assert_eq!(parts.category, "solar");
        assert_eq!(parts.number, 1);
        let older = parse_webhook_id("ws_tx_hvac_042").unwrap();
        assert_eq!(older.prefix, None);
        assert_eq!(older.number, 42);
    }

    #[test]
    fn rejects_malformed_ids() {
        for bad in [
            "",
            "restore",
            "deleted",
            "ws_cal_solar_1",
            "ws_cal_solar_0001",
            "ws_c_solar_001",
            "ws_cali_solar_001",
            "ws_cal_Solar_001",
            "ws_cal_solar_001_x",
            "Click_ws_cal_solar_001",
            "_ws_cal_solar_001",
            "a b_ws_cal_solar_001",
        ] {
            assert!(parse_webhook_id(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn error_names_the_id_and_the_pattern() {
        let message = parse_webhook_id("ws_cal_solar_1").unwrap_err().to_string();
        assert!(message.contains("'ws_cal_solar_1'"), "{message}");
        assert!(message.contains("three digits"), "{message}");
    }

    #[test]
    fn format_round_trips() {
        let id = format_webhook_id(Some("sunrise"), "az", "solar", 7);
        assert_eq!(id, "sunrise_ws_az_solar_007");
        assert!(parse_webhook_id(&id).is_ok());
    }
}
