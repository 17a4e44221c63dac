//! The `\u{hex}` escapes that names and ids are drawn with, and their decoding.
//!
//! A name identifies a webhook, and force delete requires the operator to type it. So a name
//! is drawn with [`visible`], where a character that would not show, or that would pass for a
//! different one, becomes an escape. [`decode_escapes`] turns typed text back into the string it stands for,
//! so the drawn form, the pasted name and the all-ASCII form of [`escape_non_ascii`] all
//! confirm the same webhook.

use std::fmt::Write;

use unicode_script::{Script, UnicodeScript};
use unicode_width::UnicodeWidthChar;

use super::text::is_format_or_separator;

/// Maximum number of zero-width characters drawn after one character. xterm keeps two
/// combining characters per cell by default and drops the rest (its `combiningChars`
/// resource, as terminalguide.namepad.de/width describes), so a third mark would be in the
/// name but not on the screen.
const MAX_DRAWN_MARKS: usize = 2;

/// Draws a name or id so that every character in it shows. A character that would be
/// invisible, would reorder the text or would pass for a Latin letter becomes a `\u{hex}`
/// escape, and a backslash becomes `\\`, so [`decode_escapes`] returns exactly the original.
/// The force delete dialog accepts this form when typed.
///
/// Escaped:
/// - control characters, and whitespace other than the ASCII space;
/// - format characters (Unicode category Cf) and line and paragraph separators, such as the
///   zero-width space, bidirectional marks and overrides, the byte order mark, the soft
///   hyphen and tag characters, and blank letters such as the Hangul fillers. The joiners
///   U+200C and U+200D follow the next rule instead, because emoji sequences and scripts such
///   as Devanagari and Arabic need them;
/// - a zero-width character (a combining mark, joiner or variation selector) at the start,
///   after an ASCII or escaped character, or after [`MAX_DRAWN_MARKS`] others. The accent of
///   a decomposed `e\u{301}` would otherwise look like the single character `é`, and a stack
///   of marks would hide the marks under it;
/// - in a word that contains Latin letters, every letter of another script, except the Han,
///   Hiragana, Katakana, Hangul and Bopomofo letters written next to Latin. The Cyrillic `А`
///   of `Аcme` shows as `\u{410}cme`.
// NOTE: a word written wholly in another script, such as the Cyrillic `Асме`, is drawn as is
// although it looks like `Acme`. So are the Kelvin sign and full-width or mathematical Latin
// letters, which belong to the Latin or Common script. The force delete dialog shows the name
// in ASCII when the typed name does not match.
pub fn visible(text: &str) -> String {
    // Printable ASCII other than the backslash draws as itself, without Unicode lookups.
    if text
        .bytes()
        .all(|byte| (b' '..=b'~').contains(&byte) && byte != b'\\')
    {
        return text.to_owned();
    }
    let look_alikes = look_alike_letters(text);
    let mut shown = String::with_capacity(text.len());
    // Whether the previous character is drawn as is and is not ASCII, so a mark may join it.
    let mut after_drawn_non_ascii = false;
    let mut marks_drawn = 0;
    for (c, look_alike) in text.chars().zip(look_alikes) {
        let zero_width = c.width() == Some(0);
        let mark_shows = after_drawn_non_ascii && marks_drawn < MAX_DRAWN_MARKS;
        let escaped = c.is_control()
            || is_hidden(c)
            || is_emoji_modifier(c)
            || c == '\u{20e3}'
            || (c.is_whitespace() && c != ' ')
            || look_alike
            || (zero_width && !mark_shows);
        if c == '\\' {
            shown.push_str("\\\\");
        } else if escaped {
            push_escape(&mut shown, c);
        } else {
            shown.push(c);
        }
        if !zero_width {
            marks_drawn = 0;
        } else if !escaped {
            marks_drawn += 1;
        }
        after_drawn_non_ascii = !escaped && !c.is_ascii();
    }
    shown
}

/// Writes `text` in printable ASCII: a backslash as `\\`, and every other character outside
/// printable ASCII as a `\u{hex}` escape. [`decode_escapes`] returns the original.
pub fn escape_non_ascii(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\\' {
            escaped.push_str("\\\\");
        } else if c.is_ascii() && !c.is_ascii_control() {
            escaped.push(c);
        } else {
            push_escape(&mut escaped, c);
        }
    }
    escaped
}

/// Decodes the escapes of [`visible`] and [`escape_non_ascii`]: `\\` is a backslash and
/// `\u{hex}`, with one to six hex digits in either case, is that Unicode scalar value. Other
/// characters stand for themselves. Returns `None` when a backslash starts neither escape or
/// an escape names no Unicode scalar value, such as a surrogate.
pub fn decode_escapes(text: &str) -> Option<String> {
    let mut decoded = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            decoded.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => decoded.push('\\'),
            'u' if chars.next()? == '{' => {
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        digit if digit.is_ascii_hexdigit() && hex.len() < 6 => hex.push(digit),
                        _ => return None,
                    }
                }
                let code = u32::from_str_radix(&hex, 16).ok()?;
                decoded.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    Some(decoded)
}

fn push_escape(text: &mut String, c: char) {
    // `fmt::Write` for `String` only appends, and never returns an error.
    let _ = write!(text, "\\u{{{:x}}}", u32::from(c));
}

/// Checks for characters that draw nothing or change the order of the text around them,
/// wherever they stand: format characters other than the joiners, line and paragraph
/// separators, and blank letters.
fn is_hidden(c: char) -> bool {
    (is_format_or_separator(c) && !matches!(c, '\u{200c}' | '\u{200d}'))
        || matches!(
            c,
            '\u{034f}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{ffa0}'
        )
}

/// Checks for the emoji skin tone modifiers U+1F3FB to U+1F3FF. ratatui counts `👨🏽` as two
/// columns, as unicode-width 0.2 does for an emoji modifier sequence, but a terminal without
/// support for such sequences draws the base and the modifier in two columns each. The rest
/// of the row then shifts, and the cells ratatui believes blank keep stray glyphs.
pub(super) fn is_emoji_modifier(c: char) -> bool {
    ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
}

/// Marks, for each character of `text`, whether it is a letter that [`visible`] escapes for
/// passing as a Latin letter: a letter of a script other than Latin in a word that also
/// contains Latin letters. A word is a run of letters, marks and digits.
fn look_alike_letters(text: &str) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    let mut marks = vec![false; chars.len()];
    let mut start = 0;
    while start < chars.len() {
        let end = chars[start..]
            .iter()
            .position(|&c| !is_word_char(c))
            .map_or(chars.len(), |length| start + length);
        let word = &chars[start..end];
        if word
            .iter()
            .any(|&c| c.is_alphabetic() && c.script() == Script::Latin)
        {
            for (index, &c) in word.iter().enumerate() {
                marks[start + index] = c.is_alphabetic() && passes_for_latin(c.script());
            }
        }
        start = end + 1;
    }
    marks
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (c.width() == Some(0) && !c.is_control())
}

/// Checks whether letters of `script` written next to Latin letters in one word should be
/// escaped. Han, Hiragana, Katakana, Hangul and Bopomofo are left as is, because Chinese,
/// Japanese and Korean text mixes them with Latin. The restriction levels of Unicode
/// Technical Standard #39 allow these combinations too.
fn passes_for_latin(script: Script) -> bool {
    !matches!(
        script,
        Script::Latin
            | Script::Common
            | Script::Inherited
            | Script::Han
            | Script::Hiragana
            | Script::Katakana
            | Script::Hangul
            | Script::Bopomofo
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_draws_as_itself() {
        for c in (' '..='~').filter(|c| *c != '\\') {
            assert_eq!(visible(&c.to_string()), c.to_string(), "{c:?} alone");
            // The "é" keeps the text off the ASCII-only path.
            let mixed = format!("{c}é");
            assert_eq!(visible(&mixed), mixed, "{c:?} beside a non-ASCII letter");
        }
        assert_eq!(visible("a\\b"), "a\\\\b");
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
    fn visible_escapes_every_format_character() {
        for c in [
            '\u{85}',
            '\u{600}',
            '\u{6dd}',
            '\u{70f}',
            '\u{890}',
            '\u{8e2}',
            '\u{200e}',
            '\u{2028}',
            '\u{2029}',
            '\u{2066}',
            '\u{110bd}',
            '\u{13430}',
            '\u{1bca0}',
            '\u{1d173}',
            '\u{e0001}',
        ] {
            let text = format!("東京{c}x");
            let expected = format!("東京\\u{{{:x}}}x", u32::from(c));
            assert_eq!(visible(&text), expected, "{c:?}");
        }
    }

    #[test]
    fn visible_shows_decomposed_accents() {
        assert_eq!(visible("cafe\u{301}"), "cafe\\u{301}");
        assert_eq!(visible("caf\u{e9}"), "caf\u{e9}");
        assert_eq!(visible("\u{301}x"), "\\u{301}x");
    }

    #[test]
    fn visible_escapes_every_stacked_mark() {
        let zalgo = format!("e{} zalgo", "\u{301}".repeat(14));
        assert_eq!(visible(&zalgo), format!("e{} zalgo", "\\u{301}".repeat(14)));
        let after_accented = format!("\u{e9}{}", "\u{301}".repeat(4));
        assert_eq!(
            visible(&after_accented),
            "\u{e9}\u{301}\u{301}\\u{301}\\u{301}"
        );
    }

    #[test]
    fn visible_escapes_letters_that_pass_for_latin() {
        assert_eq!(visible("\u{410}cme Solar"), "\\u{410}cme Solar");
        assert_eq!(visible("Pay\u{440}al"), "Pay\\u{440}al");
        assert_eq!(visible("\u{3bf}ld Solar"), "\\u{3bf}ld Solar");
        // A mark on an escaped letter is escaped too, so it cannot join another letter.
        assert_eq!(visible("\u{430}\u{301}b"), "\\u{430}\\u{301}b");
    }

    #[test]
    fn visible_keeps_single_script_words() {
        for text in [
            "Solar Москва",
            "Αθήνα Solar",
            "東京Solar",
            "ソーラーSolar",
            "서울Solar",
            "Zürich-Москва",
        ] {
            assert_eq!(visible(text), text, "{text}");
        }
    }

    #[test]
    fn visible_keeps_printable_text() {
        for text in [
            "Solar CA – Ünïcode 001",
            "東京ソーラー株式会社",
            "👩\u{200d}🚒 crew",
            "❤\u{fe0f}",
            "❤\u{fe0f}\u{200d}🔥",
            "नमस्ते",
            "กั้น",
        ] {
            assert_eq!(visible(text), text, "{text}");
        }
    }

    #[test]
    fn visible_escapes_selectors_after_ascii() {
        assert_eq!(visible("system\u{fe0f}"), "system\\u{fe0f}");
        assert_eq!(visible("system\u{fe0e}"), "system\\u{fe0e}");
        assert_eq!(visible("\u{455}ystem"), "\\u{455}ystem");
        assert_eq!(visible("1\u{fe0f}\u{20e3}"), "1\\u{fe0f}\\u{20e3}");
        assert_eq!(visible("\u{e9}\u{20e3}"), "\u{e9}\\u{20e3}");
    }

    #[test]
    fn visible_escapes_skin_tone_modifiers() {
        assert_eq!(
            visible("Family \u{1f468}\u{1f3fd} Ins"),
            "Family \u{1f468}\\u{1f3fd} Ins"
        );
        for modifier in '\u{1f3fb}'..='\u{1f3ff}' {
            let text = format!("\u{1f44b}{modifier}");
            let drawn = visible(&text);
            assert_eq!(drawn, format!("\u{1f44b}\\u{{{:x}}}", u32::from(modifier)));
            assert_eq!(decode_escapes(&drawn), Some(text));
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
    fn escape_non_ascii_writes_printable_ascii() {
        assert_eq!(escape_non_ascii("\u{410}cme Solar"), "\\u{410}cme Solar");
        assert_eq!(escape_non_ascii("caf\u{e9}\\\t"), "caf\\u{e9}\\\\\\u{9}");
        assert_eq!(escape_non_ascii("Solar CA"), "Solar CA");
    }

    #[test]
    fn decode_escapes_reads_both_escapes() {
        assert_eq!(decode_escapes("\\u{410}cme").as_deref(), Some("\u{410}cme"));
        assert_eq!(decode_escapes("\\U{41}").as_deref(), None);
        assert_eq!(decode_escapes("\\u{1F680}").as_deref(), Some("🚀"));
        assert_eq!(decode_escapes("C:\\\\temp").as_deref(), Some("C:\\temp"));
        assert_eq!(decode_escapes("plain").as_deref(), Some("plain"));
    }

    #[test]
    fn decode_escapes_rejects_malformed_escapes() {
        for typed in [
            "C:\\temp",
            "\\",
            "\\u",
            "\\u{",
            "\\u{}",
            "\\u{41",
            "\\u{x41}",
            "\\u{+41}",
            "\\u{0000041}",
            "\\u{d800}",
            "\\u{110000}",
        ] {
            assert_eq!(decode_escapes(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn decode_escapes_inverts_both_forms() {
        for text in [
            "\u{410}cme Solar",
            "zw\u{200b}te\u{202e}st",
            "back\\slash \\u{41}",
            "e\u{301}\u{301}\u{301}",
            "東京🚀 caf\u{e9}\u{2028}",
            "\u{1b}[31m\u{7}",
        ] {
            assert_eq!(decode_escapes(&visible(text)).as_deref(), Some(text));
            assert_eq!(
                decode_escapes(&escape_non_ascii(text)).as_deref(),
                Some(text)
            );
        }
    }
}
