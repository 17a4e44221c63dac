//! Checks of client input that several routes share. Each error message names the value and
//! states what is expected.

use super::error::ApiError;
use crate::api::MAX_REASON_CHARS;

/// Validates a deletion reason: required, trimmed, at most [`MAX_REASON_CHARS`] characters,
/// no control characters.
pub fn reason(value: Option<&str>) -> Result<String, ApiError> {
    let title = "Invalid reason";
    let Some(value) = value else {
        return Err(ApiError::invalid(
            title,
            "missing reason: pass ?reason=<why> (required, at most 500 characters)",
        ));
    };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(
            title,
            "the reason is blank: pass ?reason=<why> with some text",
        ));
    }
    let length = trimmed.chars().count();
    if length > MAX_REASON_CHARS {
        return Err(ApiError::invalid(
            title,
            format!("the reason is {length} characters long; the maximum is {MAX_REASON_CHARS}"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            title,
            "the reason contains control characters such as line breaks; use plain text",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Validates a required text field: trimmed, non-empty, at most `max_chars`, no control
/// characters.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> Result<String, ApiError> {
    let title = "Invalid field";
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(
            title,
            format!("missing field '{field}': it must not be empty"),
        ));
    }
    optional_text(field, trimmed, max_chars)
}

/// Validates an optional text field that is present: at most `max_chars`, no control
/// characters. Returns the trimmed value.
pub fn optional_text(field: &str, value: &str, max_chars: usize) -> Result<String, ApiError> {
    let title = "Invalid field";
    let trimmed = value.trim();
    let length = trimmed.chars().count();
    if length > max_chars {
        return Err(ApiError::invalid(
            title,
            format!("field '{field}' is {length} characters long; the maximum is {max_chars}"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            title,
            format!("field '{field}' contains control characters; use plain text"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Parses a `limit` query parameter: absent gives `default`, otherwise 1 to `max`.
pub fn limit(value: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    let Some(value) = value else {
        return Ok(default);
    };
    match value.trim().parse::<u32>() {
        Ok(limit) if (1..=max).contains(&limit) => Ok(limit),
        _ => Err(ApiError::invalid(
            "Invalid limit",
            format!("invalid limit '{value}': use a whole number from 1 to {max}"),
        )),
    }
}

/// Parses an `offset` query parameter: a whole number, 0 when absent.
pub fn offset(value: Option<&str>) -> Result<u64, ApiError> {
    let Some(value) = value else {
        return Ok(0);
    };
    value.trim().parse::<u64>().map_err(|_| {
        ApiError::invalid(
            "Invalid offset",
            format!("invalid offset '{value}': use a whole number, 0 or more"),
        )
    })
}

/// Parses a boolean query flag: `true` or `false`, false when absent.
pub fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value.map(str::trim) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            "Invalid query",
            format!("invalid {name} '{other}': use true or false"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_is_trimmed() {
        assert_eq!(reason(Some("  cleanup  ")).unwrap(), "cleanup");
    }

    #[test]
    fn reason_rejects_missing_blank_long_and_control() {
        assert!(reason(None)
            .unwrap_err()
            .to_string()
            .contains("missing reason"));
        assert!(reason(Some("   "))
            .unwrap_err()
            .to_string()
            .contains("blank"));
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert!(reason(Some(&long)).unwrap_err().to_string().contains("501"));
        assert!(reason(Some("a\u{7}b")).is_err());
    }

    #[test]
    fn reason_counts_characters_not_bytes() {
        let accented = "é".repeat(MAX_REASON_CHARS);
        assert!(reason(Some(&accented)).is_ok());
    }

    #[test]
    fn limit_bounds() {
        assert_eq!(limit(None, 50, 500).unwrap(), 50);
        assert_eq!(limit(Some("500"), 50, 500).unwrap(), 500);
        for bad in ["0", "501", "-1", "ten", ""] {
            let message = limit(Some(bad), 50, 500).unwrap_err().to_string();
            assert!(message.contains(&format!("'{bad}'")), "{message}");
        }
    }

    #[test]
    fn flag_accepts_only_true_and_false() {
        assert!(!flag("force", None).unwrap());
        assert!(flag("force", Some("true")).unwrap());
        assert!(!flag("force", Some("false")).unwrap());
        assert!(flag("force", Some("yes")).is_err());
    }
}
