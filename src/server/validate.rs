//! Checks of client input that several routes share. Each error message names the value and
//! states what is expected.

use super::error::ApiError;
use super::extract::{ANONYMOUS_ACTOR, MAX_ACTOR_CHARS};
use crate::api::MAX_REASON_CHARS;
use crate::store::{CLI_ACTOR_PREFIX, SYSTEM_ACTOR};
pub use crate::text::{forbidden_character, is_invisible_format};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};

/// Maximum number of characters of a client value that an error message repeats.
pub const MAX_ECHOED_CHARS: usize = 64;

/// Returns `text` for an error message, cut to [`MAX_ECHOED_CHARS`] characters with `…` so a
/// hostile value cannot bloat responses and logs. Control and formatting characters are
/// escaped so the message stays on one line and reads in logical order, and so are variation
/// selectors, which draw nothing, and whitespace other than the ASCII space, which looks like
/// it.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    for (index, c) in text.chars().enumerate() {
        if index == MAX_ECHOED_CHARS {
            out.push('…');
            break;
        }
        let hidden = c.is_control()
            || is_invisible_format(c)
            || is_variation_selector(c)
            || (c.is_whitespace() && c != ' ');
        if hidden {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Actor names that the server writes into audit events itself, compared in lowercase: the
/// deletion queue records its events as `system`, and a request without a caller, which only
/// a public route has, as `anonymous`.
pub const RESERVED_ACTORS: [&str; 2] = [SYSTEM_ACTOR, ANONYMOUS_ACTOR];

/// Prefixes of actor names that the server writes itself, compared in lowercase:
/// `hookgrace token` records its changes as `cli:` and the local user name.
pub const RESERVED_ACTOR_PREFIXES: [&str; 1] = [CLI_ACTOR_PREFIX];

/// Validates a name that the audit trail records as the acting user: an `X-User-ID` value, a
/// token name or the dashboard's `--user`. Returns the name without its leading and trailing
/// ASCII spaces.
///
/// A valid name is not blank and has at most [`MAX_ACTOR_CHARS`] characters. It has no control
/// character and no character that [`is_invisible_format`] matches. It has no whitespace other
/// than the ASCII space, at the edges too, because only ASCII spaces are trimmed. It has no
/// variation selector and no combining mark at its start or directly after an ASCII letter.
/// So no character of a name is hidden. No word of it mixes Latin letters with letters of
/// another script, as in `ѕystem` with a Cyrillic `ѕ`.
///
/// Compared in any case, the name differs from each of [`RESERVED_ACTORS`] and does not start
/// with any of [`RESERVED_ACTOR_PREFIXES`]. The comparison also runs on the name with its
/// invisible characters, variation selectors and combining marks removed. So no client can
/// pose as the server in the audit trail.
///
/// # Errors
///
/// A sentence that starts with "it" and names the problem and the fix, for the caller to put
/// after the name of the value, such as `invalid token name 'x': it is blank; ...`.
pub fn actor_name(value: &str) -> Result<String, String> {
    let trimmed = value.trim_matches(' ');
    if trimmed.is_empty() {
        return Err("it is blank; give the user's name, such as alice".to_owned());
    }
    let length = trimmed.chars().count();
    if length > MAX_ACTOR_CHARS {
        return Err(format!(
            "it is {length} characters long; the maximum is {MAX_ACTOR_CHARS}"
        ));
    }
    if is_reserved(&skeleton(trimmed)) {
        let prefixed = RESERVED_ACTOR_PREFIXES.map(|prefix| format!("{prefix}USER"));
        return Err(format!(
            "'{}' is reserved, because the server records its own audit events as {} and {}; \
             use the user's own name",
            shown(trimmed),
            RESERVED_ACTORS.join(", "),
            prefixed.join(", "),
        ));
    }
    if let Some(found) = forbidden_character(trimmed)
        .or_else(|| odd_space(trimmed))
        .or_else(|| hidden_mark(trimmed))
    {
        return Err(format!(
            "it contains {found}; use printable characters, with ASCII spaces only"
        ));
    }
    if let Some(word) = mixed_script_word(trimmed) {
        return Err(format!(
            "the word '{}' mixes Latin letters with letters of another script, so it can look \
             like a different name; write each word in one script",
            shown(word)
        ));
    }
    Ok(trimmed.to_owned())
}

/// Checks `name` against [`RESERVED_ACTORS`] and [`RESERVED_ACTOR_PREFIXES`], ignoring case.
fn is_reserved(name: &str) -> bool {
    let lowercase = name.to_lowercase();
    RESERVED_ACTORS.contains(&lowercase.as_str())
        || RESERVED_ACTOR_PREFIXES
            .iter()
            .any(|prefix| lowercase.starts_with(prefix))
}

/// Returns whether `c` is a variation selector: U+FE00 to U+FE0F or U+E0100 to U+E01EF. It
/// selects a glyph variant of the character before it and draws nothing itself.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

fn is_mark(c: char) -> bool {
    !c.is_ascii() && c.general_category_group() == GeneralCategoryGroup::Mark
}

/// Removes the characters that can hide in a name: those that [`is_invisible_format`]
/// matches, variation selectors and combining marks. Leading and trailing whitespace goes too.
fn skeleton(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !(is_invisible_format(*c) || is_variation_selector(*c) || is_mark(*c)))
        .collect();
    kept.trim().to_owned()
}

/// Finds the first variation selector of `text`, or the first combining mark at its start or
/// directly after an ASCII letter, and describes it as [`forbidden_character`] does. A mark
/// after an ASCII letter draws as a different letter, such as `e` and U+0301 for `é`, so the
/// name should use the precomposed letter.
fn hidden_mark(text: &str) -> Option<String> {
    let mut previous: Option<char> = None;
    for (index, c) in text.chars().enumerate() {
        let position = index + 1;
        let code = u32::from(c);
        if is_variation_selector(c) {
            return Some(format!(
                "a variation selector U+{code:04X} at character {position}"
            ));
        }
        let after_ascii_letter = previous.is_none_or(|p| p.is_ascii_alphabetic());
        if is_mark(c) && after_ascii_letter {
            return Some(format!(
                "a combining mark U+{code:04X} at character {position}, which changes the \
                 letter before it; type the accented letter itself, such as é"
            ));
        }
        previous = Some(c);
    }
    None
}

/// Finds the first word of `text`, a run of letters and marks, that contains Latin letters
/// and letters of another script. Letters of the Common and Inherited scripts count as
/// neither.
fn mixed_script_word(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_alphabetic() || is_mark(c)))
        .find(|word| {
            let mut latin = false;
            let mut other = false;
            for c in word.chars().filter(|c| c.is_alphabetic()) {
                match c.script() {
                    Script::Latin => latin = true,
                    Script::Common | Script::Inherited | Script::Unknown => {}
                    _ => other = true,
                }
            }
            latin && other
        })
}

/// Finds the first whitespace character of `text` other than the ASCII space, such as the
/// no-break space U+00A0, and describes it as [`forbidden_character`] does.
fn odd_space(text: &str) -> Option<String> {
    let (index, c) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_whitespace() && *c != ' ')?;
    Some(format!(
        "the space character U+{:04X} at character {}",
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
                "the reason contains {found}; use plain text without line breaks or \
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
            format!("field '{field}' is blank: give it some text, not only whitespace"),
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
                "field '{field}' contains {found}; use plain text without control characters \
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
            format!("field '{field}' is blank: give it some text, not only whitespace"),
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
    fn forbidden_character_has_its_article() {
        let invisible = required_text("name", "a\u{202E}b", 200)
            .unwrap_err()
            .to_string();
        assert!(
            invisible.contains("contains an invisible formatting character U+202E"),
            "{invisible}"
        );
        let control = reason(Some("a\u{7}b")).unwrap_err().to_string();
        assert!(
            control.contains("contains a control character U+0007"),
            "{control}"
        );
        let separator = required_text("name", "a\u{2028}b", 200)
            .unwrap_err()
            .to_string();
        assert!(
            separator.contains("contains a line or paragraph separator U+2028"),
            "{separator}"
        );
    }

    #[test]
    fn blank_field_is_called_blank() {
        let message = required_text("name", "   ", 200).unwrap_err().to_string();
        assert!(message.contains("field 'name' is blank"), "{message}");
        assert!(!message.contains("missing"), "{message}");
    }

    #[test]
    fn actor_name_accepts_plain_names() {
        assert_eq!(actor_name("  alice ").unwrap(), "alice");
        assert_eq!(actor_name("José Ñúñez").unwrap(), "José Ñúñez");
        assert_eq!(actor_name("ops-bot@example").unwrap(), "ops-bot@example");
        assert_eq!(actor_name("systems").unwrap(), "systems");
        assert_eq!(actor_name("client:alice").unwrap(), "client:alice");
        let longest = "a".repeat(MAX_ACTOR_CHARS);
        assert_eq!(actor_name(&longest).unwrap(), longest);
    }

    #[test]
    fn actor_name_rejects_reserved_names_in_any_case() {
        for name in [
            "system",
            "System",
            "SYSTEM",
            "anonymous",
            "Anonymous",
            "cli:operator",
            "CLI:root",
            "cli:",
        ] {
            let problem = actor_name(name).unwrap_err();
            assert!(problem.contains("is reserved"), "{name}: {problem}");
            assert!(problem.contains(&format!("'{name}'")), "{name}: {problem}");
        }
    }

    #[test]
    fn actor_name_rejects_hidden_and_long_names() {
        for (name, expected) in [
            ("", "blank"),
            ("   ", "blank"),
            ("bob\u{2028}x", "U+2028 at character 4"),
            ("\u{202E}evil", "U+202E at character 1"),
            ("a\u{3164}b", "U+3164 at character 2"),
            ("\u{3164}", "U+3164 at character 1"),
            ("ali\u{200B}ce", "U+200B at character 4"),
            ("tag\u{E0041}", "U+E0041 at character 4"),
            ("no\u{A0}break", "the space character U+00A0 at character 3"),
            ("tab\there", "a control character U+0009 at character 4"),
        ] {
            let problem = actor_name(name).unwrap_err();
            assert!(problem.contains(expected), "{name:?}: {problem}");
        }
        let long = actor_name(&"a".repeat(MAX_ACTOR_CHARS + 1)).unwrap_err();
        assert!(long.contains("the maximum is 100"), "{long}");
    }

    #[test]
    fn actor_name_rejects_reserved_names_with_hidden_characters() {
        for name in [
            "system\u{FE0F}",
            "system\u{E0100}",
            "\u{FE00}anonymous",
            "sys\u{200B}tem",
            "syste\u{0301}m",
            "SYSTEM\u{20E3}",
            "cli\u{FE0F}:root",
        ] {
            let problem = actor_name(name).unwrap_err();
            assert!(problem.contains("is reserved"), "{name:?}: {problem}");
            for hidden in ['\u{FE0F}', '\u{E0100}', '\u{FE00}', '\u{200B}'] {
                assert!(
                    !problem.contains(hidden),
                    "{name:?}: raw {hidden:?} in {problem:?}"
                );
            }
        }
    }

    #[test]
    fn actor_name_rejects_variation_selectors_and_marks() {
        for (name, expected) in [
            ("bob\u{FE0F}", "a variation selector U+FE0F at character 4"),
            (
                "al\u{E01EF}ice",
                "a variation selector U+E01EF at character 3",
            ),
            ("\u{0301}bob", "a combining mark U+0301 at character 1"),
            ("Jose\u{0301}", "a combining mark U+0301 at character 5"),
            ("b\u{0336}ob", "a combining mark U+0336 at character 2"),
        ] {
            let problem = actor_name(name).unwrap_err();
            assert!(problem.contains(expected), "{name:?}: {problem}");
        }
        // A mark after a letter that has no precomposed form with it stays allowed.
        assert_eq!(actor_name("नमस्ते").unwrap(), "नमस्ते");
        assert_eq!(actor_name("José").unwrap(), "José");
    }

    #[test]
    fn actor_name_rejects_mixed_script_words() {
        for name in ["\u{0455}ystem", "p\u{0430}ypal", "ops bot\u{03BF}"] {
            let problem = actor_name(name).unwrap_err();
            assert!(
                problem.contains("mixes Latin letters"),
                "{name:?}: {problem}"
            );
        }
        assert_eq!(actor_name("Иван Petrov").unwrap(), "Иван Petrov");
        assert_eq!(actor_name("ops-Иван").unwrap(), "ops-Иван");
        assert_eq!(actor_name("山田太郎").unwrap(), "山田太郎");
        assert!(actor_name("Ωmega").is_err());
    }

    #[test]
    fn actor_name_trims_only_ascii_spaces() {
        assert_eq!(actor_name("  bob  ").unwrap(), "bob");
        for (name, expected) in [
            (
                "bob\u{2028}",
                "a line or paragraph separator U+2028 at character 4",
            ),
            ("\u{A0}bob", "the space character U+00A0 at character 1"),
            ("\u{3000}x", "the space character U+3000 at character 1"),
            ("x\u{2003}", "the space character U+2003 at character 2"),
            ("\tbob", "a control character U+0009 at character 1"),
            ("bob\t", "a control character U+0009 at character 4"),
            ("\u{3000}", "the space character U+3000 at character 1"),
        ] {
            let problem = actor_name(name).unwrap_err();
            assert!(problem.contains(expected), "{name:?}: {problem}");
        }
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
            .contains("field 'type' is blank"));
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
        assert_eq!(shown("a\u{A0}b\u{FE0F}"), "a\\u{00A0}b\\u{FE0F}");
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
