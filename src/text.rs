//! Wording shared by the server's messages, the command line and the dashboard, and the
//! check for characters that text fields must not contain, which the server and the
//! dashboard's forms share.

/// Writes `count` followed by `noun`, with an `s` unless the count is one: `1 job`, `2 jobs`.
pub fn count_of(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Returns the verb "to be" that agrees with `count` things: `is` for one, else `are`.
pub fn is_are(count: u64) -> &'static str {
    if count == 1 {
        "is"
    } else {
        "are"
    }
}

/// Quotes `word` for a POSIX shell when it has spaces or other special characters, so that a
/// command printed for copying, such as one with a `--db` path, runs as printed.
pub fn shell_word(word: &str) -> String {
    match shlex::try_quote(word) {
        Ok(quoted) => quoted.into_owned(),
        // Only a NUL character fails, and a path or a command-line argument cannot contain one.
        Err(_) => word.escape_debug().to_string(),
    }
}

/// Returns whether `c` is an invisible, blank or bidirectional formatting character that can
/// make text display differently from what it stores, or a line or paragraph separator, which
/// breaks a line without being a control character. The set:
/// - zero-width space, non-joiner and joiner, and the directional marks (U+200B to U+200F,
///   U+061C);
/// - bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069);
/// - characters that draw nothing: the soft hyphen U+00AD, U+034F, U+17B4, U+17B5, U+180E,
///   U+2060 to U+2064, U+206A to U+206F, U+FFF9 to U+FFFB, the tag characters U+E0000 to
///   U+E007F and the byte order mark U+FEFF;
/// - blank letters: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, and the blank
///   Braille pattern U+2800;
/// - the line and paragraph separators U+2028 and U+2029.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Finds the first control, invisible or bidirectional formatting character of `text` and
/// describes it with its article and 1-based character position, such as
/// `an invisible formatting character U+202E at character 5`.
pub fn forbidden_character(text: &str) -> Option<String> {
    let (index, c) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() || is_invisible_format(*c))?;
    let kind = if c.is_control() {
        "a control character"
    } else if matches!(c, '\u{2028}' | '\u{2029}') {
        "a line or paragraph separator"
    } else {
        "an invisible formatting character"
    };
    Some(format!(
        "{kind} U+{:04X} at character {}",
        u32::from(c),
        index + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_of_adds_s_except_for_one() {
        assert_eq!(count_of(0, "lead"), "0 leads");
        assert_eq!(count_of(1, "lead"), "1 lead");
        assert_eq!(count_of(2, "dead-lettered job"), "2 dead-lettered jobs");
    }

    #[test]
    fn is_are_agrees_with_count() {
        assert_eq!(is_are(1), "is");
        assert_eq!(is_are(0), "are");
        assert_eq!(is_are(3), "are");
    }

    #[test]
    fn shell_word_quotes_only_when_needed() {
        assert_eq!(shell_word("/var/lib/hookgrace.db"), "/var/lib/hookgrace.db");
        assert_eq!(shell_word("/tmp/my data/h.db"), "'/tmp/my data/h.db'");
        assert_eq!(shell_word("it's.db"), "\"it's.db\"");
    }
}
