//! The key reference, opened with `?`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

/// Every key of the dashboard, with the tab it works on.
pub const KEYS: &[(&str, &str)] = &[
    ("1 2 3 4", "Active, Deleted, Queue, Audit tab"),
    ("Tab S-Tab", "next or previous tab"),
    ("j k ↓ ↑", "move; PgUp PgDn g G jump"),
    ("d", "delete the selected webhook (Active)"),
    ("D", "force delete after typing the name (Active, Deleted)"),
    ("r", "restore selected or marked webhooks (Deleted)"),
    ("space", "mark or unmark for bulk restore (Deleted)"),
    ("Ctrl-r", "refresh now"),
    ("Enter Esc", "confirm or cancel a dialog"),
    ("Esc", "dismiss the error in the status bar"),
    ("q Ctrl-c", "quit"),
];

pub fn render(area: Rect, buf: &mut Buffer) {
    let width = 66.min(area.width);
    let height = (KEYS.len() as u16 + 4).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    let mut lines: Vec<Line<'static>> = KEYS
        .iter()
        .map(|(keys, action)| {
            Line::from(vec![
                Span::styled(
                    format!("{keys:>10}  "),
                    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::raw(*action),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Times are UTC and count down on the server's clock.",
        Style::new().fg(Color::DarkGray),
    ));
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .title(" Keys (Esc closes) "),
        )
        .render(popup, buf);
}
