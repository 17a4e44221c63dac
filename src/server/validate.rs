//! Checks of client input that several routes share. Each error message names the value and
//! states what is expected.

use super::error::ApiError;
use crate::api::MAX_REASON_CHARS;

/// Maximum number of characters of a client value that an error message repeats.
pub const MAX_ECHOED_CHARS: usize = 64;

/// Returns `text` for an error message, cut to [`MAX_ECHOED_CHARS`] characters with `…` so a
/// hostile value cannot bloat responses and logs. Control and formatting characters are
/// escaped so the message stays on one line and reads in logical order.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    for (index, c) in text.chars().enumerate() {
        if index == MAX_ECHOED_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible_format(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Returns whether `c` is an invisible or bidirectional formatting character that can make
/// text display differently from what it stores: zero-width spaces and joiners, the
/// left-to-right and right-to-left marks (U+200B to U+200F), the bidirectional embeddings and
/// overrides (U+202A to U+202E), the isolates (U+2066 to U+2069) and the byte order mark
/// (U+FEFF).
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// Finds the first control, invisible or bidirectional formatting character of `text` and
/// describes it with its 1-based character position, such as `U+202E at character 5`.
pub fn forbidden_character(text: &str) -> Option<String> {
    let (index, c) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || is_invisible_format(*c))?;
    let kind = if c.is_control() {
        "control character"
    } else {
        "invisible formatting character"
    };
    Some(format!(
        "{kind} U+{:04X} at character {}",
        u32::from(c),
        index + 1
    ))
}

/// Validates a deletion reason: required, trimmed, at most [`MAX_REASON_CHARS`] characters,
/// no control or invisible formatting characters.
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
    if let Some(found) = forbidden_character(trimmed) {
        return Err(ApiError::invalid(
            title,
            format!(
                "the reason contains a {found}; use plain text without line breaks or \
                 formatting characters"
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Validates a required text field: trimmed, non-empty, at most `max_chars`, no control or
/// invisible formatting characters.
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

/// Validates an optional text field that is present: at most `max_chars`, no control or
/// invisible formatting characters. Returns the trimmed value.
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
    if let Some(found) = forbidden_character(trimmed) {
        return Err(ApiError::invalid(
            title,
            format!(
                "field '{field}' contains a {found}; use plain text without control characters \
                 or invisible formatting characters"
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Validates a required identifier-like field such as `type`: 1 to `max_chars` lowercase ASCII
/// letters, digits, `-` and `_`.
pub fn slug(field: &str, value: &str, max_chars: usize) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(
            "Invalid field",
            format!("missing field '{field}': it must not be empty"),
        ));
    }
    let valid_chars = trimmed
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let length = trimmed.chars().count();
    if length > max_chars || !valid_chars {
        return Err(ApiError::invalid(
            "Invalid field",
            format!(
                "invalid {field} '{}': use 1 to {max_chars} lowercase letters, digits, '-' and \
                 '_', such as solar or home-insurance",
                shown(trimmed)
            ),
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
            format!(
                "invalid limit '{}': use a whole number from 1 to {max}",
                shown(value)
            ),
        )),
    }
}

/// Largest `offset` accepted. SQLite reads OFFSET as a signed 64-bit integer.
pub const MAX_OFFSET: u64 = i64::MAX as u64;

/// Parses an `offset` query parameter: a whole number from 0 to [`MAX_OFFSET`], 0 when absent.
pub fn offset(value: Option<&str>) -> Result<u64, ApiError> {
    let Some(value) = value else {
        return Ok(0);
    };
    match value.trim().parse::<u64>() {
        Ok(offset) if offset <= MAX_OFFSET => Ok(offset),
        _ => Err(ApiError::invalid(
            "Invalid offset",
            format!(
                "invalid offset '{}': use a whole number from 0 to {MAX_OFFSET}",
                shown(value)
            ),
        )),
    }
}

/// Parses a boolean query flag: `true` or `false`, false when absent.
pub fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value.map(str::trim) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            "Invalid query",
            format!("invalid {name} '{}': use true or false", shown(other)),
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
    fn text_rejects_invisible_characters_naming_position() {
        for (text, expected) in [
            ("ab\u{200B}c", "U+200B at character 3"),
            ("\u{202E}evil", "U+202E at character 1"),
            ("x\u{2066}y", "U+2066 at character 2"),
            ("a\u{FEFF}", "U+FEFF at character 2"),
            ("a\u{200F}", "U+200F at character 2"),
            ("tab\there", "control character U+0009 at character 4"),
        ] {
            let message = required_text("name", text, 200).unwrap_err().to_string();
            assert!(message.contains(expected), "{text:?}: {message}");
            assert!(message.contains("'name'"), "{message}");
        }
        assert_eq!(required_text("name", "Café ☀", 200).unwrap(), "Café ☀");
    }

    #[test]
    fn slug_accepts_lowercase_digits_dash_underscore() {
        assert_eq!(
            slug("type", "home-insurance_2", 40).unwrap(),
            "home-insurance_2"
        );
        assert!(slug("type", " ", 40)
            .unwrap_err()
            .to_string()
            .contains("missing"));
        for bad in ["Solar", "sol ar/../x", "a.b", "é", &"x".repeat(41)] {
            let message = slug("type", bad, 40).unwrap_err().to_string();
            assert!(message.contains("40"), "{bad}: {message}");
        }
    }

    #[test]
    fn shown_truncates_and_escapes() {
        let long = "y".repeat(100);
        let echoed = shown(&long);
        assert_eq!(echoed.chars().count(), MAX_ECHOED_CHARS + 1);
        assert!(echoed.ends_with('…'));
        assert_eq!(shown("a\nb\u{202E}"), "a\\u{000A}b\\u{202E}");
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
    fn offset_bounds() {
        assert_eq!(offset(None).unwrap(), 0);
        assert_eq!(offset(Some("9223372036854775807")).unwrap(), MAX_OFFSET);
        assert!(offset(Some("9223372036854775808")).is_err());
        assert!(offset(Some("-1")).is_err());
    }

    #[test]
    fn flag_accepts_only_true_and_false() {
        assert!(!flag("force", None).unwrap());
        assert!(flag("force", Some("true")).unwrap());
        assert!(!flag("force", Some("false")).unwrap());
        assert!(flag("force", Some("yes")).is_err());
    }
}
