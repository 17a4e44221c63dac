//! Sanitising of server-supplied text before it reaches the terminal.
//!
//! A webhook name, reason or error message comes from any client of the API. Drawn raw, an
//! escape sequence in it could move the cursor, retitle the window or hide rows, so every
//! server string passes through [`clean`] or [`visible`] first. Free text, such as a reason,
//! is cleaned; a name or id, which identifies a webhook, is drawn with [`visible`], so two
//! different names never look the same.

use std::fmt::Write;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Removes control characters and terminal escape sequences, and replaces line breaks and
/// tabs with spaces so the text stays on its row.
///
/// Removed: C0 and C1 controls, ANSI CSI and OSC sequences (with their parameters), other
/// two-byte `ESC x` sequences, and the Unicode bidirectional overrides and isolates, which can
/// make a name display in a different order than it is typed.
pub fn clean(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            // C1 CSI and OSC introducers start sequences just like their ESC forms.
            '\u{9b}' => skip_csi_body(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string_body(&mut chars),
            '\n' | '\r' | '\t' => cleaned.push(' '),
            c if c.is_control() || is_bidi_control(c) => {}
            c => cleaned.push(c),
        }
    }
    cleaned
}

/// Draws a name or id so that every character in it shows. A character that would be
/// invisible, or would reorder the text, becomes a `\u{hex}` escape, and a backslash becomes
/// `\\`, so the result decodes back to exactly one string. The force delete dialog asks for
/// this form to be typed, so the operator confirms the webhook drawn and no look-alike.
///
/// Escaped:
/// - control characters, and whitespace other than the ASCII space;
/// - bidirectional marks, embeddings, overrides and isolates;
/// - format characters that draw nothing, such as the zero-width space, the word joiner, the
///   byte order mark, the soft hyphen and tag characters, and blank letters such as the
///   Hangul fillers;
/// - a zero-width character (a combining mark, joiner or variation selector) at the start or
///   right after an ASCII character. The accent of a decomposed `e\u{301}` would otherwise
///   look like the single character `é`.
// NOTE: a zero-width character after a non-ASCII one is kept, because emoji sequences and
// scripts such as Devanagari and Arabic need joiners and marks there. Such a name can still
// look like one without the mark, and look-alike letters from other scripts are drawn as is.
pub fn visible(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let after_ascii = previous.is_none_or(|previous| previous.is_ascii());
        let zero_width = c.width() == Some(0);
        if c == '\\' {
            shown.push_str("\\\\");
        } else if c.is_control()
            || is_hidden_format(c)
            || (c.is_whitespace() && c != ' ')
            || (zero_width && after_ascii)
        {
            // Writing to a String cannot fail.
            let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
        } else {
            shown.push(c);
        }
        previous = Some(c);
    }
    shown
}

/// Checks for characters that draw nothing or change the order of the text around them,
/// wherever they stand.
fn is_hidden_format(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180e}'
                | '\u{200b}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206a}'..='\u{206f}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// Cuts `text` to at most `max_width` terminal columns, ending it with `…` when cut. Cuts fall
/// between graphemes, so a wide character, an emoji sequence or a letter with its combining
/// marks is kept whole or dropped whole.
pub fn fit_width(text: &str, max_width: usize) -> String {
    if text.width() <= max_width {
        return text.to_owned();
    }
    let budget = max_width.saturating_sub(1);
    let mut used = 0;
    let mut cut = String::new();
    for grapheme in text.graphemes(true) {
        let width = grapheme.width();
        if used + width > budget {
            break;
        }
        used += width;
        cut.push_str(grapheme);
    }
    if max_width > 0 {
        cut.push('…');
    }
    cut
}

/// Cuts `text` to `width` columns as [`fit_width`] does, then pads it with spaces to exactly
/// `width` columns, so the next column starts at the same place on every row.
pub fn pad_width(text: &str, width: usize) -> String {
    let mut fitted = fit_width(text, width);
    let used = fitted.width();
    fitted.push_str(&" ".repeat(width.saturating_sub(used)));
    fitted
}

/// Cleans optional text, drawing a dash for a missing or blank value.
pub fn clean_or_dash(text: Option<&str>) -> String {
    match text.map(clean) {
        Some(cleaned) if !cleaned.trim().is_empty() => cleaned,
        _ => "-".to_owned(),
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi_body(chars),
        // OSC, DCS, SOS, PM and APC run until a string terminator.
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string_body(chars),
        // A two-character sequence such as `ESC c` (reset): its second character is gone too.
        Some(_) | None => {}
    }
}

/// Skips CSI parameter and intermediate bytes up to and including the final byte (0x40-0x7E).
fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
    }
}

/// Skips up to and including BEL, `ESC \` or the C1 string terminator.
fn skip_string_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(clean("Solar CA – Ünïcode 001"), "Solar CA – Ünïcode 001");
    }

    #[test]
    fn csi_sequences_are_removed() {
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}[2J\u{1b}[Hy"), "xy");
        assert_eq!(clean("c1\u{9b}31mcsi"), "c1csi");
    }

    #[test]
    fn osc_sequences_are_removed() {
        assert_eq!(clean("a\u{1b}]0;evil title\u{7}b"), "ab");
        assert_eq!(
            clean("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
    }

    #[test]
    fn controls_and_line_breaks_are_neutralised() {
        assert_eq!(clean("one\ntwo\r\tthree"), "one two  three");
        assert_eq!(clean("bell\u{7}back\u{8}del\u{7f}"), "bellbackdel");
        assert_eq!(clean("\u{1b}"), "");
        assert_eq!(clean("\u{1b}c reset"), " reset");
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(clean("abc\u{202e}fed\u{202c}"), "abcfed");
        assert_eq!(clean("\u{2067}x\u{2069}"), "x");
    }

    #[test]
    fn unterminated_sequences_end_the_text() {
        assert_eq!(clean("ok\u{1b}[31"), "ok");
        assert_eq!(clean("ok\u{1b}]0;title"), "ok");
    }

    #[test]
    fn fit_width_keeps_graphemes_whole() {
        assert_eq!(fit_width("Solar", 10), "Solar");
        assert_eq!(fit_width("東京東京", 5), "東京…");
        assert_eq!(fit_width("東京東京", 4).width(), 3);
        assert_eq!(fit_width("cafe\u{301}s", 5), "cafe\u{301}s");
        assert_eq!(fit_width("cafe\u{301}solar", 5), "cafe\u{301}…");
        assert_eq!(fit_width("🚀🚀🚀", 4), "🚀…");
        assert_eq!(fit_width("abc", 0), "");
        for text in ["東京🚀e\u{301}x", "👩\u{200d}🚒 crew", "ａｂｃｄ"] {
            for max in 0..10 {
                assert!(fit_width(text, max).width() <= max, "{text} at {max}");
            }
        }
    }

    #[test]
    fn pad_width_aligns_wide_text() {
        for text in ["Solar", "東京ソーラー株式会社", "🚀 launch", "cafe\u{301}"] {
            assert_eq!(pad_width(text, 8).width(), 8, "{text}");
        }
    }

    #[test]
    fn visible_escapes_invisible_characters() {
        assert_eq!(visible("zw\u{200b}test"), "zw\\u{200b}test");
        assert_eq!(visible("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("\u{1b}[31mHVAC"), "\\u{1b}[31mHVAC");
        assert_eq!(visible("tab\there"), "tab\\u{9}here");
        assert_eq!(visible("no\u{a0}break"), "no\\u{a0}break");
        assert_eq!(visible("\u{feff}bom"), "\\u{feff}bom");
        assert_eq!(visible("a\u{200d}b"), "a\\u{200d}b");
        assert_eq!(visible("\u{3164}"), "\\u{3164}");
    }

    #[test]
    fn visible_shows_decomposed_accents() {
        assert_eq!(visible("cafe\u{301}"), "cafe\\u{301}");
        assert_eq!(visible("caf\u{e9}"), "caf\u{e9}");
        assert_eq!(visible("\u{301}x"), "\\u{301}x");
    }

    #[test]
    fn visible_keeps_printable_text() {
        for text in [
            "Solar CA – Ünïcode 001",
            "東京ソーラー株式会社",
            "👩\u{200d}🚒 crew",
            "❤\u{fe0f}",
            "नमस्ते",
        ] {
            assert_eq!(visible(text), text, "{text}");
        }
    }

    #[test]
    fn visible_escapes_backslash_so_forms_differ() {
        assert_eq!(visible("C:\\temp"), "C:\\\\temp");
        let typed_escape = visible("zw\\u{200b}test");
        let real_character = visible("zw\u{200b}test");
        assert_ne!(typed_escape, real_character);
    }

    #[test]
    fn visible_draws_no_control_characters() {
        let hostile = "\u{1b}]0;title\u{7}\u{9b}2J\u{202e}\r\n\u{85}";
        assert!(!visible(hostile).chars().any(char::is_control));
    }

    #[test]
    fn blank_values_draw_a_dash() {
        assert_eq!(clean_or_dash(None), "-");
        assert_eq!(clean_or_dash(Some("  \u{1b}[0m")), "-");
        assert_eq!(clean_or_dash(Some("dup")), "dup");
    }
}
