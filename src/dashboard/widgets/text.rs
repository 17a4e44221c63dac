//! Sanitising of server-supplied text before it reaches the terminal.
//!
//! A webhook name, reason or error message comes from any client of the API. Drawn raw, an
//! escape sequence in it could move the cursor, retitle the window or hide rows, and a line
//! separator or format character that the terminal draws at another width than the
//! dashboard computed leaves stale characters on screen. So every server string passes
//! through [`clean`] or [`visible`] first. Free text, such as a reason, is cleaned. A name or
//! id, which identifies a webhook, is drawn with [`visible`], which escapes what would not
//! show (see [`super::escape`]).

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::escape::is_emoji_modifier;
pub use super::escape::visible;

/// Removes control characters, format characters and terminal escape sequences, and
/// replaces line breaks, line and paragraph separators and tabs with spaces so the text
/// stays on its row.
///
/// Removed: C0 and C1 controls, ANSI CSI and OSC sequences (with their parameters), other
/// two-byte `ESC x` sequences, and every format character (Unicode category Cf). Format
/// characters include the bidirectional overrides and isolates, which can make text display
/// in a different order than it is typed, the zero-width space and joiners, and the byte
/// order mark. An emoji sequence joined with U+200D therefore shows as its separate emoji.
/// The emoji skin tone modifiers U+1F3FB to U+1F3FF and the combining keycap U+20E3 are
/// removed too, because a terminal without support for these emoji sequences draws them
/// wider than ratatui counts them. So `👋🏽` shows as `👋` and `1\u{fe0f}\u{20e3}` as `1`.
pub fn clean(text: &str) -> String {
    // Most server text is printable ASCII, which needs no change and no Unicode table lookup.
    if text.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
        return text.to_owned();
    }
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            // C1 CSI and OSC introducers start sequences just like their ESC forms.
            '\u{9b}' => skip_csi_body(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string_body(&mut chars),
            c if is_line_break(c) || c == '\t' => cleaned.push(' '),
            c if c.is_control() || is_format_or_separator(c) => {}
            c if is_emoji_modifier(c) || c == '\u{20e3}' => {}
            // A variation selector left after an ASCII character by a removed keycap would
            // switch that character to emoji presentation.
            '\u{fe0f}'
                if cleaned
                    .chars()
                    .next_back()
                    .is_some_and(|last| last.is_ascii()) => {}
            c => cleaned.push(c),
        }
    }
    cleaned
}

/// Checks for the characters that end a line: LF, VT, FF, CR, NEL and the Unicode line and
/// paragraph separators.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Checks for format characters (Unicode category Cf) and line and paragraph separators
/// (Zl, Zp), which terminals draw at no agreed width or as a line break.
pub(super) fn is_format_or_separator(c: char) -> bool {
    // No ASCII character is in these categories.
    !c.is_ascii()
        && matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// Cuts `text` to at most `max_width` terminal columns, ending it with `…` when cut. Cuts fall
/// between graphemes, so a wide character, an emoji sequence or a letter with its combining
/// marks is kept whole or dropped whole.
pub fn fit_width(text: &str, max_width: usize) -> String {
    if text.width() <= max_width {
        return text.to_owned();
    }
    let mut cut = leading_graphemes(text, max_width.saturating_sub(1));
    if max_width > 0 {
        cut.push('…');
    }
    cut
}

/// Cuts `text` to at most `max_width` terminal columns by replacing its middle with `…`, so
/// both ends show. The end gets the larger half, because ids such as `coolair_ws_fl_hvac_001`
/// differ most at the end. Cuts fall between graphemes, as in [`fit_width`].
pub fn fit_middle(text: &str, max_width: usize) -> String {
    if text.width() <= max_width {
        return text.to_owned();
    }
    if max_width == 0 {
        return String::new();
    }
    let budget = max_width - 1;
    let tail_budget = budget.div_ceil(2);
    let mut tail: Vec<&str> = Vec::new();
    let mut tail_width = 0;
    for grapheme in text.graphemes(true).rev() {
        if tail_width + grapheme.width() > tail_budget {
            break;
        }
        tail_width += grapheme.width();
        tail.push(grapheme);
    }
    let mut cut = leading_graphemes(text, budget - tail_width);
    cut.push('…');
    cut.extend(tail.into_iter().rev());
    cut
}

/// Returns the longest start of `text`, in whole graphemes, that fits in `max_width` columns.
fn leading_graphemes(text: &str, max_width: usize) -> String {
    let mut used = 0;
    let mut start = String::new();
    for grapheme in text.graphemes(true) {
        if used + grapheme.width() > max_width {
            break;
        }
        used += grapheme.width();
        start.push_str(grapheme);
    }
    start
}

/// Cuts `text` to `width` columns as [`fit_width`] does, then pads it with spaces to exactly
/// `width` columns, so the next column starts at the same place on every row.
pub fn pad_width(text: &str, width: usize) -> String {
    let mut fitted = fit_width(text, width);
    let used = fitted.width();
    fitted.push_str(&" ".repeat(width.saturating_sub(used)));
    fitted
}

/// Draws an optional name with [`visible`], drawing a dash for a missing or empty value.
pub fn visible_or_dash(text: Option<&str>) -> String {
    match text {
        Some(name) if !name.is_empty() => visible(name),
        _ => "-".to_owned(),
    }
}

/// Cleans optional text, drawing a dash for a missing or blank value.
pub fn clean_or_dash(text: Option<&str>) -> String {
    match text.map(clean) {
        Some(cleaned) if !cleaned.trim().is_empty() => cleaned,
        _ => "-".to_owned(),
    }
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
    fn line_separators_become_spaces() {
        assert_eq!(clean("line\u{2028}break"), "line break");
        assert_eq!(clean("para\u{2029}graph"), "para graph");
        assert_eq!(clean("next\u{85}line"), "next line");
        assert_eq!(clean("v\u{b}f\u{c}"), "v f ");
    }

    #[test]
    fn format_characters_are_removed() {
        for c in [
            '\u{ad}',
            '\u{600}',
            '\u{61c}',
            '\u{6dd}',
            '\u{180e}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{fff9}',
            '\u{e0001}',
            '\u{e0041}',
        ] {
            assert_eq!(clean(&format!("a{c}b")), "ab", "{c:?}");
        }
    }

    #[test]
    fn clean_draws_no_control_or_format_character() {
        let mut text = String::new();
        for c in '\0'..=char::MAX {
            text.clear();
            text.push('a');
            text.push(c);
            text.push('b');
            let cleaned = clean(&text);
            assert!(
                !cleaned
                    .chars()
                    .any(|c| c.is_control() || is_format_or_separator(c)),
                "{c:?} drawn as {cleaned:?}"
            );
        }
    }

    #[test]
    fn emoji_width_pieces_are_removed() {
        assert_eq!(clean("family \u{1f468}\u{1f3fd}"), "family \u{1f468}");
        for modifier in '\u{1f3fb}'..='\u{1f3ff}' {
            assert_eq!(clean(&format!("a\u{1f44b}{modifier}b")), "a\u{1f44b}b");
        }
        assert_eq!(clean("key 1\u{fe0f}\u{20e3}!"), "key 1!");
        assert_eq!(clean("\u{2764}\u{fe0f}"), "\u{2764}\u{fe0f}");
    }

    #[test]
    fn blank_names_draw_a_dash() {
        assert_eq!(visible_or_dash(None), "-");
        assert_eq!(visible_or_dash(Some("")), "-");
        assert_eq!(visible_or_dash(Some("\u{455}ystem")), "\\u{455}ystem");
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
    fn fit_middle_keeps_both_ends() {
        assert_eq!(
            fit_middle("coolair_ws_fl_hvac_001", 22),
            "coolair_ws_fl_hvac_001"
        );
        assert_eq!(fit_middle("coolair_ws_fl_hvac_001", 16), "coolair…hvac_001");
        assert_eq!(fit_middle("coolair_ws_tx_hvac_002", 10), "cool…c_002");
        assert_eq!(fit_middle("abc", 1), "…");
        assert_eq!(fit_middle("abc", 0), "");
        for text in [
            "東京ソーラー株式会社",
            "🚀 launch 🚀",
            "cafe\u{301}s and more",
        ] {
            for max in 0..12 {
                assert!(fit_middle(text, max).width() <= max, "{text} at {max}");
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
    fn blank_values_draw_a_dash() {
        assert_eq!(clean_or_dash(None), "-");
        assert_eq!(clean_or_dash(Some("  \u{1b}[0m")), "-");
        assert_eq!(clean_or_dash(Some("dup")), "dup");
    }
}
