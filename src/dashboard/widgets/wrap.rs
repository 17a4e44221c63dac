//! Word wrapping of styled lines into rows of a fixed width, so a caller knows exactly how
//! many rows a text takes before drawing it.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Wraps each line into rows of at most `width` columns, keeping the style of every span.
/// Rows break after a space when the row has one, else inside a word; the space at a break
/// is dropped. An empty line stays one empty row. Graphemes are never split.
pub fn wrap_lines(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|line| wrap_line(line, width))
        .collect()
}

/// Wraps one line as [`wrap_lines`] does.
pub fn wrap_line(line: &Line<'_>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let graphemes: Vec<(&str, Style)> = line
        .spans
        .iter()
        .flat_map(|span| {
            let style = line.style.patch(span.style);
            span.content
                .graphemes(true)
                .map(move |grapheme| (grapheme, style))
        })
        .collect();
    if graphemes.is_empty() {
        return vec![Line::default()];
    }

    let mut rows = Vec::new();
    let mut row: Vec<(&str, Style)> = Vec::new();
    let mut row_width = 0;
    for (grapheme, style) in graphemes {
        let grapheme_width = grapheme.width();
        if row_width + grapheme_width > width && !row.is_empty() {
            if grapheme == " " {
                // The space that overflows is the break itself.
                rows.push(to_line(&row));
                row.clear();
                row_width = 0;
                continue;
            }
            let carried = break_row(&mut row);
            rows.push(to_line(&row));
            row = carried;
            row_width = row.iter().map(|(text, _)| text.width()).sum();
        }
        row.push((grapheme, style));
        row_width += grapheme_width;
    }
    rows.push(to_line(&row));
    rows
}

/// Splits a full row after its last space and returns the graphemes after it, to start the
/// next row. A row without a space (after its first grapheme) is left whole.
fn break_row<'a>(row: &mut Vec<(&'a str, Style)>) -> Vec<(&'a str, Style)> {
    let Some(space) = row.iter().rposition(|(text, _)| *text == " ") else {
        return Vec::new();
    };
    if space == 0 {
        return Vec::new();
    }
    let carried = row.split_off(space + 1);
    row.pop();
    carried
}

/// Joins graphemes into spans, one span per run of the same style.
fn to_line(row: &[(&str, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Style> = None;
    for (grapheme, style) in row {
        if current.is_some_and(|current| current != *style) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                current.unwrap_or_default(),
            ));
        }
        current = Some(*style);
        text.push_str(grapheme);
    }
    if let Some(style) = current {
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    fn texts(rows: &[Line<'_>]) -> Vec<String> {
        rows.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn short_lines_stay_whole() {
        let rows = wrap_line(&Line::raw("Restore it"), 20);
        assert_eq!(texts(&rows), vec!["Restore it"]);
    }

    #[test]
    fn breaks_after_spaces() {
        let rows = wrap_line(
            &Line::raw("Disables it now, so new leads are rejected."),
            16,
        );
        assert_eq!(
            texts(&rows),
            vec!["Disables it now,", "so new leads are", "rejected."]
        );
    }

    #[test]
    fn long_words_break_inside() {
        let rows = wrap_line(&Line::raw("ws_cal_solar_000001"), 8);
        assert_eq!(texts(&rows), vec!["ws_cal_s", "olar_000", "001"]);
    }

    #[test]
    fn wide_characters_never_split() {
        let rows = wrap_line(&Line::raw("東京ソーラー"), 5);
        assert_eq!(texts(&rows), vec!["東京", "ソー", "ラー"]);
        for row in &rows {
            assert!(row.width() <= 5, "{row}");
        }
    }

    #[test]
    fn styles_follow_their_text() {
        let line = Line::from(vec![
            Span::raw("Purged at "),
            Span::styled("10:00", Style::new().fg(Color::Yellow)),
        ]);
        let rows = wrap_line(&line, 10);

        assert_eq!(texts(&rows), vec!["Purged at", "10:00"]);
        assert_eq!(rows[1].spans[0].style.fg, Some(Color::Yellow));
    }

    #[test]
    fn empty_line_is_one_row() {
        assert_eq!(wrap_line(&Line::default(), 10).len(), 1);
        assert_eq!(wrap_lines(&[Line::raw(""), Line::raw("a")], 10).len(), 2);
    }

    #[test]
    fn zero_width_still_makes_progress() {
        let rows = wrap_line(&Line::raw("abc"), 0);
        assert_eq!(texts(&rows), vec!["a", "b", "c"]);
    }
}
