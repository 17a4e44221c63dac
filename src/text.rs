//! Wording shared by the server's messages, the command line and the dashboard.

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
